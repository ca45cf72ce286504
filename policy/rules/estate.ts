// Estate-wide invariants that need the whole stack: secrets come from declared stores, and what
// holds data survives a mistaken `pulumi destroy` or a replace in prod.
import { PolicyResource } from "@pulumi/policy";
import { eachDecision, isK8s, k8sType, list } from "../common";
import { stackPolicy } from "../define";

const externalSecrets = "external-secrets.io";

export const externalSecretStore = stackPolicy({
    name: "external-secret-store",
    description: "Every ExternalSecret points at a SecretStore or ClusterSecretStore declared in the stack.",
    remediationSteps: "Point spec.secretStoreRef at the estate's ClusterSecretStore (kind ClusterSecretStore, its metadata.name).",
    check: (resources, report) => {
        const stores = resources.filter(r => isK8s(r.type, externalSecrets, "SecretStore", "ClusterSecretStore"));
        eachDecision(resources.filter(r => isK8s(r.type, externalSecrets, "ExternalSecret")), es => {
            const ref = es.props.spec?.secretStoreRef;
            if (!ref?.name) return report(`${es.name} has no spec.secretStoreRef`, es.urn);
            const kind = ref.kind ?? "SecretStore";
            const found = stores.some(s => k8sType(s.type)?.kind === kind && s.props.metadata?.name === ref.name
                && (kind === "ClusterSecretStore" || s.props.metadata?.namespace === es.props.metadata?.namespace));
            if (!found) report(`${es.name} points at ${kind} "${ref.name}", which the stack does not declare`, es.urn);
        });
    },
});

/**
 * The single list of stateful types: deleting or replacing one of these loses data or identity.
 * StorageClasses are not here: deleting one loses no data (its reclaimPolicy matters, not its life).
 */
export const statefulTypes: { describe: string; matches(r: PolicyResource): boolean }[] = [
    { describe: "PersistentVolumeClaim", matches: r => isK8s(r.type, "core", "PersistentVolumeClaim") },
    { describe: "PersistentVolume", matches: r => isK8s(r.type, "core", "PersistentVolume") },
    { describe: "StatefulSet with volumeClaimTemplates", matches: r => isK8s(r.type, "apps", "StatefulSet") && list(r.props.spec?.volumeClaimTemplates).length > 0 },
    { describe: "CloudNativePG Cluster", matches: r => isK8s(r.type, "postgresql.cnpg.io", "Cluster") },
    { describe: "Longhorn Volume", matches: r => isK8s(r.type, "longhorn.io", "Volume") },
    { describe: "Vault secrets mount", matches: r => r.type === "vault:index/mount:Mount" },
    { describe: "Vault auth backend", matches: r => r.type === "vault:index/authBackend:AuthBackend" },
];

export const statefulProtected = stackPolicy({
    name: "stateful-resources-protected",
    description: "Stateful resources (PVCs, PVs, StatefulSets with volume claims, CNPG clusters, Longhorn volumes, Vault mounts and auth backends) are protected.",
    // The engine hands a policy `protect` and never `retainOnDelete`, so only `protect` can be checked;
    // retainOnDelete (which keeps the object when Pulumi deletes it) is the program's duty beside it.
    remediationSteps: "Create the resource with { protect: true, retainOnDelete: true } in prod (protect is what the policy can see).",
    check: (resources, report) => eachDecision(resources, r => {
        const kind = statefulTypes.find(t => t.matches(r));
        if (kind && r.opts.protect !== true) report(`${r.name} is a ${kind.describe} without protect`, r.urn);
    }),
});

export const estate = [externalSecretStore, statefulProtected];
