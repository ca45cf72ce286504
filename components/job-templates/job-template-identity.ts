import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childName } from "../naming";
import { stateOptions } from "../state";
import { internet, NetworkPeer, networkPolicySpec } from "../workloads/network-policy";
import { AccessRule, WorkloadIdentity } from "../workloads/rbac";

/** A PVC the template owns (a models cache the Jobs share). */
export interface JobClaim {
    size: string;
    /** @default "ReadWriteOnce" */
    accessMode?: "ReadWriteOnce" | "ReadWriteMany" | "ReadOnlyMany" | "ReadWriteOncePod";
    /** @default - the cluster's default StorageClass */
    storageClassName?: string;
}

export interface JobTemplateIdentityArgs {
    /** The template's name: `metadata.name` of its ServiceAccount, Role and NetworkPolicy. */
    name: string;
    namespace: string;
    /** The labels the operator puts on the pods of the Jobs it creates; what the NetworkPolicy and the admission policy select. */
    podSelector: Record<string, string>;
    /** Labels every object carries (the cell labels). @default {} */
    labels?: Record<string, string>;
    /** Rules the Jobs need on the API; any rule lets the ServiceAccount's token automount. @default [] - no API access, no token */
    rules?: AccessRule[];
    /** Peers allowed in. @default [] - nothing */
    ingressFrom?: NetworkPeer[];
    /** Peers the Jobs may reach besides DNS. @default [] */
    egressTo?: NetworkPeer[];
    /** HTTPS (443) to the internet, private ranges excluded: an AI provider, GitHub. @default false */
    externalHttps?: boolean;
    /** The API server's endpoints, opened for egress when `rules` is not empty. @default [] - such a template is refused */
    apiServerEgress?: NetworkPeer[];
    /** PVCs the cell declares for the Jobs, by claim name. @default {} */
    claims?: Record<string, JobClaim>;
    /** Claims the Jobs' pods may mount only read-only; admission refuses any other pod of the selector. @default [] */
    readOnlyClaims?: string[];
    /** Admission refuses a pod of the selector that runs as another ServiceAccount. @default true */
    pinServiceAccount?: boolean;
    /** Protect and retain the claims (prod). @default false */
    protectState?: boolean;
    /** Registry credentials (Secrets of the namespace) the Jobs' ServiceAccount pulls images with. @default [] - anonymous pulls */
    imagePullSecrets?: string[];
}

/**
 * The identity and reach of the pods an operator creates at run time (executor Jobs), which the cell
 * does not render but must bound: their ServiceAccount and Role (credential write-back, by name), a
 * NetworkPolicy selecting the labels the operator puts on them (DNS, the named peers, the API server
 * when they call it), the claims they share, and a ValidatingAdmissionPolicy that holds the pods the
 * label selects to the template's ServiceAccount and its read-only claims to read-only, whatever pod
 * spec the operator writes.
 */
export class JobTemplateIdentity extends pulumi.ComponentResource {
    readonly identity: WorkloadIdentity;
    readonly networkPolicy: k8s.networking.v1.NetworkPolicy;
    readonly claims: Readonly<Record<string, k8s.core.v1.PersistentVolumeClaim>>;
    /** What admission holds the pods of the selector to: the ServiceAccount, the read-only claims. */
    readonly admissionPolicy?: k8s.admissionregistration.v1.ValidatingAdmissionPolicy;
    readonly admissionBinding?: k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
    /** The ServiceAccount the operator must name in the Jobs' pod spec. */
    readonly serviceAccountName: string;

    constructor(name: string, args: JobTemplateIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agent-estate:job-templates:JobTemplateIdentity", name, {}, opts);
        const t = args.name;
        const ns = args.namespace;
        const labels = { ...args.labels, "app.kubernetes.io/name": t, "app.kubernetes.io/component": "job-template" };
        const meta = (objectName: string) => ({ name: objectName, namespace: ns, labels });
        const rules = args.rules ?? [];
        this.serviceAccountName = t;
        // A component's own dependsOn (its namespace) does not reach its children, so it is forwarded.
        const dependsOn = ([] as pulumi.Input<pulumi.Resource>[]).concat((opts?.dependsOn ?? []) as pulumi.Input<pulumi.Resource>[]);

        // The operator writes the pod spec, so pods cannot opt in to the token: the ServiceAccount carries it when the Jobs call the API.
        this.identity = new WorkloadIdentity(childName(name, "identity"), { serviceAccountName: t, namespace: ns, labels, rules, automountToken: rules.length > 0, imagePullSecrets: args.imagePullSecrets }, { parent: this, dependsOn });

        const egress: NetworkPeer[] = [...(args.egressTo ?? [])];
        if (args.externalHttps) egress.push(internet([{ port: 443 }]));
        if (rules.length > 0) {
            if (!args.apiServerEgress?.length) throw new Error(`${t}: its Jobs call the Kubernetes API, but no apiServerEgress lets them out of the namespace's default deny`);
            egress.push(...args.apiServerEgress);
        }
        this.networkPolicy = new k8s.networking.v1.NetworkPolicy(
            childName(name, "netpol"),
            { metadata: meta(t), spec: networkPolicySpec({ podSelector: args.podSelector, ingressFrom: args.ingressFrom ?? [], egressTo: egress }) },
            { parent: this, dependsOn },
        );

        const stateOpts = stateOptions(args.protectState);
        this.claims = Object.fromEntries(
            Object.entries(args.claims ?? {}).map(([c, spec]) => [
                c,
                new k8s.core.v1.PersistentVolumeClaim(
                    childName(name, c),
                    { metadata: meta(c), spec: { accessModes: [spec.accessMode ?? "ReadWriteOnce"], storageClassName: spec.storageClassName, resources: { requests: { storage: spec.size } } } },
                    { parent: this, dependsOn, ...stateOpts },
                ),
            ]),
        );

        const selector = selectorText(args.podSelector);
        const validations = [
            ...(args.pinServiceAccount ?? true ? [{ expression: `has(object.spec.serviceAccountName) && object.spec.serviceAccountName == '${t}'`, message: `pods of ${t} (${selector}) must run as ServiceAccount ${t}` }] : []),
            ...(args.readOnlyClaims ?? []).map((claim) => ({ expression: readOnlyClaimExpression(claim), message: `pods of ${t} (${selector}) must mount PVC ${claim} read-only` })),
        ];
        if (validations.length > 0) {
            // Cluster-scoped names are shared by every namespace: the namespace keeps them apart.
            const policyName = `${ns}-${t}-pods`;
            this.admissionPolicy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(
                childName(name, "admission"),
                {
                    metadata: { name: policyName, labels },
                    spec: {
                        failurePolicy: "Fail",
                        matchConstraints: {
                            resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["pods"] }],
                            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } },
                            objectSelector: { matchLabels: args.podSelector },
                        },
                        validations,
                    },
                },
                { parent: this },
            );
            this.admissionBinding = new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(
                childName(name, "admission-binding"),
                { metadata: { name: policyName, labels }, spec: { policyName, validationActions: ["Deny"] } },
                { parent: this, dependsOn: [this.admissionPolicy] },
            );
        }

        this.registerOutputs({ serviceAccountName: t, claims: Object.keys(this.claims) });
    }
}

/**
 * CEL: every volume of the pod that uses `claim` is read-only, either on the volume source or on each
 * mount of it in every container (init containers included).
 */
export function readOnlyClaimExpression(claim: string): string {
    const containers = "object.spec.containers + (has(object.spec.initContainers) ? object.spec.initContainers : [])";
    return [
        "!has(object.spec.volumes) || object.spec.volumes.all(v,",
        `!has(v.persistentVolumeClaim) || v.persistentVolumeClaim.claimName != '${claim}'`,
        "|| (has(v.persistentVolumeClaim.readOnly) && v.persistentVolumeClaim.readOnly)",
        `|| (${containers}).all(c, !has(c.volumeMounts) || c.volumeMounts.all(m, m.name != v.name || (has(m.readOnly) && m.readOnly))))`,
    ].join(" ");
}

function selectorText(selector: Record<string, string>): string {
    return Object.entries(selector)
        .map(([k, v]) => `${k}=${v}`)
        .join(",");
}
