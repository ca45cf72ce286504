// Estate-wide policies: availability, secret stores, protection of state, Tailscale, Vault, GitHub.
import { describe, expect, it } from "vitest";
import { statefulTypes } from "../rules/estate";
import { parseVaultPolicy } from "../rules/vault";
import { changed, checkOne, k8s, pdbFor, planned, workload } from "./fixtures";

const messages = (policy: string, r: Parameters<typeof checkOne>[1], opts: Parameters<typeof checkOne>[2] = {}) =>
    checkOne(policy, r, opts).map(v => v.message);

const hpaFor = (name: string, spec: object = { minReplicas: 2, maxReplicas: 5 }) => k8s("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", `${name}-hpa`,
    { spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name }, ...spec } });
const withoutReplicas = () => changed(workload(), (_s, props) => { delete props.spec.replicas; });

describe("hpa-managed-replicas", () => {
    it("a Deployment scaled by an HPA that still sets replicas fails", () => {
        expect(messages("hpa-managed-replicas", [workload(), hpaFor("agent")])).toEqual(["agent sets spec.replicas but is scaled by an HPA"]);
    });
    it("without replicas it passes; replicas without an HPA pass", () => {
        expect(messages("hpa-managed-replicas", [withoutReplicas(), hpaFor("agent")])).toEqual([]);
        expect(messages("hpa-managed-replicas", [workload()])).toEqual([]);
    });
    it("an HPA in another namespace does not scale it", () => {
        const hpa = hpaFor("agent");
        (hpa.props as any).metadata.namespace = "other";
        expect(messages("hpa-managed-replicas", [workload(), hpa])).toEqual([]);
    });
});

describe("workload-pdb", () => {
    it("a Deployment with two replicas and no PDB fails; with a matching PDB passes", () => {
        expect(messages("workload-pdb", [workload()])).toEqual(["agent can run more than one replica but no PodDisruptionBudget selects its pods"]);
        expect(messages("workload-pdb", [workload(), pdbFor(workload())])).toEqual([]);
    });
    it("an HPA that can scale past one replica needs a PDB even without spec.replicas", () => {
        expect(messages("workload-pdb", [withoutReplicas(), hpaFor("agent", { minReplicas: 1, maxReplicas: 3 })])).toHaveLength(1);
    });
    it("a single replica needs none; a PDB selecting other labels does not count", () => {
        expect(messages("workload-pdb", [changed(workload("StatefulSet"), (_s, p) => { p.spec.replicas = 1; })])).toEqual([]);
        const other = pdbFor(workload());
        (other.props as any).spec.selector = { matchLabels: { app: "other" } };
        expect(messages("workload-pdb", [workload("StatefulSet"), other])).toHaveLength(1);
    });
    it("matchExpressions selectors match the Kubernetes way", () => {
        const pdb = pdbFor(workload());
        (pdb.props as any).spec.selector = { matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: ["agent", "x"] }] };
        expect(messages("workload-pdb", [workload(), pdb])).toEqual([]);
    });
});

describe("pdb-allows-drain", () => {
    it("maxUnavailable 0 or minAvailable 100% blocks every drain and fails", () => {
        expect(messages("pdb-allows-drain", [pdbFor(workload(), { maxUnavailable: 0 })])).toEqual(["agent-pdb sets maxUnavailable 0: no pod may ever be evicted"]);
        expect(messages("pdb-allows-drain", [pdbFor(workload(), { minAvailable: "100%" })])).toEqual(["agent-pdb sets minAvailable 100%: no pod may ever be evicted"]);
    });
    it("minAvailable equal to the replica count fails; below it passes", () => {
        expect(messages("pdb-allows-drain", [workload(), pdbFor(workload(), { minAvailable: 2 })]))
            .toEqual(["agent-pdb requires 2 available pods but agent may run only 2: a drain would block"]);
        expect(messages("pdb-allows-drain", [workload(), pdbFor(workload(), { minAvailable: 1 })])).toEqual([]);
    });
    it("with an HPA the floor is minReplicas", () => {
        expect(messages("pdb-allows-drain", [withoutReplicas(), hpaFor("agent", { minReplicas: 2, maxReplicas: 6 }), pdbFor(workload(), { minAvailable: 2 })])).toHaveLength(1);
        expect(messages("pdb-allows-drain", [withoutReplicas(), hpaFor("agent", { minReplicas: 3, maxReplicas: 6 }), pdbFor(workload(), { minAvailable: 2 })])).toEqual([]);
    });
});

describe("external-secret-store", () => {
    const store = k8s("kubernetes:external-secrets.io/v1beta1:ClusterSecretStore", "vault", { spec: { provider: { vault: {} } } }, { namespace: undefined });
    const es = (ref?: object) => k8s("kubernetes:external-secrets.io/v1beta1:ExternalSecret", "agent-llm", { spec: { ...(ref && { secretStoreRef: ref }), target: { name: "agent-llm" } } });
    it("pointing at a declared ClusterSecretStore passes", () => {
        expect(messages("external-secret-store", [store, es({ name: "vault", kind: "ClusterSecretStore" })])).toEqual([]);
    });
    it("an undeclared store, the wrong kind, or no reference fails", () => {
        expect(messages("external-secret-store", [store, es({ name: "aws", kind: "ClusterSecretStore" })])).toEqual(['agent-llm points at ClusterSecretStore "aws", which the stack does not declare']);
        expect(messages("external-secret-store", [store, es({ name: "vault" })])).toEqual(['agent-llm points at SecretStore "vault", which the stack does not declare']);
        expect(messages("external-secret-store", [store, es()])).toEqual(["agent-llm has no spec.secretStoreRef"]);
    });
});

describe("stateful-resources-protected", () => {
    const pvc = (extra: object = {}) => k8s("kubernetes:core/v1:PersistentVolumeClaim", "data", { spec: { resources: { requests: { storage: "1Gi" } } } }, {}, extra);
    it("an unprotected PVC fails in prod; protect passes", () => {
        expect(messages("stateful-resources-protected", [pvc()])).toEqual(["data is a PersistentVolumeClaim without protect"]);
        expect(messages("stateful-resources-protected", [pvc({ protect: true })])).toEqual([]);
        expect(messages("stateful-resources-protected", [pvc({ protect: true, retainOnDelete: true })])).toEqual([]);
    });
    it("does not accept retainOnDelete alone: the engine never hands a policy retainOnDelete", () => {
        expect(messages("stateful-resources-protected", [pvc({ retainOnDelete: true })])).toEqual(["data is a PersistentVolumeClaim without protect"]);
    });
    it("is disabled in dev and advisory in staging", () => {
        expect(checkOne("stateful-resources-protected", [pvc()], { environment: "dev" })).toEqual([]);
        expect(checkOne("stateful-resources-protected", [pvc()], { environment: "staging" }).map(v => v.enforcementLevel)).toEqual(["advisory"]);
    });
    it("covers CNPG clusters, Vault mounts and auth backends, and StatefulSets only with volume claims", () => {
        const resources = [
            k8s("kubernetes:postgresql.cnpg.io/v1:Cluster", "pg", { spec: { instances: 2 } }),
            planned("vault:index/mount:Mount", "kv", { path: "agents", type: "kv-v2" }),
            planned("vault:index/authBackend:AuthBackend", "k8s-auth", { type: "kubernetes" }),
            workload("StatefulSet"),
            changed(workload("StatefulSet", "db"), (_s, p) => { p.spec.volumeClaimTemplates = [{ metadata: { name: "data" } }]; }),
        ];
        expect(messages("stateful-resources-protected", resources).sort()).toEqual([
            "db is a StatefulSet with volumeClaimTemplates without protect",
            "k8s-auth is a Vault auth backend without protect",
            "kv is a Vault secrets mount without protect",
            "pg is a CloudNativePG Cluster without protect",
        ]);
        expect(statefulTypes.map(t => t.describe)).toContain("Longhorn Volume");
    });
});

describe("tailscale-key-hygiene", () => {
    const key = (props: object) => planned("tailscale:index/tailnetKey:TailnetKey", "agent-key", props);
    it("an ephemeral, tagged, expiring key passes", () => {
        expect(messages("tailscale-key-hygiene", key({ ephemeral: true, reusable: true, preauthorized: true, tags: ["tag:agent"], expiry: 3600 }))).toEqual([]);
    });
    it("a reusable untagged key without expiry fails on each point", () => {
        expect(messages("tailscale-key-hygiene", key({ reusable: true }))).toEqual([
            "TailnetKey agent-key: does not declare an expiry", "TailnetKey agent-key: has no tags", "TailnetKey agent-key: is not ephemeral",
        ]);
    });
    it("an expiry beyond the configured maximum fails", () => {
        expect(messages("tailscale-key-hygiene", key({ ephemeral: true, tags: ["tag:a"], expiry: 86_400 }), { config: { "tailscale-key-hygiene": { maxExpirySeconds: 3600 } } }))
            .toEqual(["TailnetKey agent-key: expires after 86400s, beyond 3600s"]);
    });
});

describe("vault-policy-scope", () => {
    const policy = (hcl: string) => planned("vault:index/policy:Policy", "agent", { name: "agent", policy: hcl });
    it("parses path blocks, nested braces and comments", () => {
        expect(parseVaultPolicy(`# comment\npath "a/b/*" {\n  capabilities = ["read", "list"]\n  allowed_parameters = { "x" = [] }\n}\npath "c" { capabilities = ["create"] }`))
            .toEqual([{ path: "a/b/*", capabilities: ["read", "list"] }, { path: "c", capabilities: ["create"] }]);
    });
    it("a scoped read passes; a glob on a broad path fails; sudo on any glob fails; deny passes", () => {
        expect(messages("vault-policy-scope", policy(`path "agents/data/agent/*" { capabilities = ["read"] }`))).toEqual([]);
        expect(messages("vault-policy-scope", policy(`path "secret/*" { capabilities = ["read", "list"] }`)))
            .toEqual(['Policy agent: path "secret/*" grants read, list on a broad glob']);
        expect(messages("vault-policy-scope", policy(`path "agents/data/agent/*" { capabilities = ["read", "sudo"] }`)))
            .toEqual(['Policy agent: path "agents/data/agent/*" grants sudo on a glob']);
        expect(messages("vault-policy-scope", policy(`path "*" { capabilities = ["deny"] }`))).toEqual([]);
    });
});

describe("github-branch-protection", () => {
    const repo = (name: string) => planned("github:index/repository:Repository", name, { name });
    const protection = (repoName: string, props: object = {}, dependsOn?: string) =>
        planned("github:index/branchProtection:BranchProtection", `${repoName}-main`, { pattern: "main", ...props }, dependsOn ? { dependencies: [dependsOn] } : {});
    it("a repository protected through a dependency passes (repositoryId unknown at preview is not read)", () => {
        const r = repo("agent-estate");
        expect(messages("github-branch-protection", [r, protection("agent-estate", { repositoryId: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" }, r.urn)])).toEqual([]);
    });
    it("a repository without protection fails; a protection allowing force pushes fails", () => {
        expect(messages("github-branch-protection", [repo("agent-estate")])).toEqual(["repository agent-estate has no branch protection"]);
        expect(messages("github-branch-protection", [repo("a"), protection("a", { repositoryId: "a", allowsForcePushes: true })])).toEqual(["a-main allows force pushes"]);
    });
    it("only the configured repositories count", () => {
        expect(messages("github-branch-protection", [repo("scratch")], { config: { "github-branch-protection": { repositories: ["agent-estate"] } } })).toEqual([]);
    });
});
