import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childName } from "../naming";

/**
 * One rule of an identity on the Kubernetes API. Narrowed to named objects unless the only verb is
 * `create` (Kubernetes cannot narrow it by name) or `anyName` says why the objects cannot be known in
 * advance (an operator reconciling what its users create). Reads of Secrets always name them.
 */
export interface AccessRule {
    apiGroups: string[];
    resources: string[];
    verbs: string[];
    /** @default - every object of the type; allowed only with `anyName` or for `create` */
    resourceNames?: string[];
    /** Why the rule cannot name its objects; recorded on the Role for reviewers. @default - the rule names its objects */
    anyName?: string;
    /** Why the rule needs cluster scope; such rules go to a ClusterRole. @default - a namespaced Role */
    clusterScope?: string;
}

/** Annotation on a Role or ClusterRole: why each of its rules without resourceNames (or cluster scope) is so. */
export const RULE_REASONS_ANNOTATION = "agent-estate/rule-reasons";

export interface WorkloadIdentityArgs {
    /** The ServiceAccount's name (`serviceAccountName(workload)`). */
    serviceAccountName: string;
    namespace: string;
    labels: Record<string, string>;
    /**
     * Rules on the API. Namespaced ones go to a Role, those with `clusterScope` to a ClusterRole named
     * `<namespace>-<serviceAccountName>`; each is only created when it has a rule.
     * @default [] - no Role: the identity has no API access at all
     */
    rules?: AccessRule[];
    /**
     * Let pods of the ServiceAccount mount its token without asking: for pods whose spec another program
     * writes (an operator's Jobs), which cannot opt in themselves. @default false - pods opt in per container
     */
    automountToken?: boolean;
    /** Secrets of the namespace that pull its pods' images (registry credentials). @default [] - anonymous pulls */
    imagePullSecrets?: string[];
}

/** `imagePullSecrets` of a ServiceAccount or pod: undefined when there are none. */
export function pullSecretRefs(names: readonly string[] | undefined): Array<{ name: string }> | undefined {
    return names !== undefined && names.length > 0 ? names.map((name) => ({ name })) : undefined;
}

/** The first thing wrong with a rule, or undefined: the config schema refuses the same, this guards other callers. */
export function ruleProblem(r: AccessRule): string | undefined {
    const all = [...r.apiGroups, ...r.resources, ...r.verbs];
    if (all.includes("*")) return "has a wildcard; name the API groups, resources and verbs";
    const named = (r.resourceNames ?? []).length > 0;
    const createOnly = r.verbs.every((v) => v === "create");
    const secrets = r.apiGroups.includes("") && r.resources.includes("secrets");
    if (secrets && r.verbs.some((v) => v === "list" || v === "watch")) return "lists or watches secrets, which returns every Secret of the namespace with its data";
    if (!named && !createOnly && (secrets || r.anyName === undefined)) return "has no resourceNames; narrow it to the objects the identity needs";
    return undefined;
}

/**
 * An identity on the cluster: its ServiceAccount (token automount off; pods or single containers opt
 * in), a namespaced Role + RoleBinding, and, only for rules that say why they need it, a ClusterRole +
 * ClusterRoleBinding.
 */
export class WorkloadIdentity extends pulumi.ComponentResource {
    readonly serviceAccount: k8s.core.v1.ServiceAccount;
    readonly role?: k8s.rbac.v1.Role;
    readonly roleBinding?: k8s.rbac.v1.RoleBinding;
    readonly clusterRole?: k8s.rbac.v1.ClusterRole;
    readonly clusterRoleBinding?: k8s.rbac.v1.ClusterRoleBinding;

    constructor(name: string, args: WorkloadIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agent-estate:workloads:WorkloadIdentity", name, {}, opts);
        const rules = args.rules ?? [];
        for (const r of rules) {
            const problem = ruleProblem(r);
            if (problem) throw new Error(`${name}: the rule on ${JSON.stringify(r.resources)} with verbs ${r.verbs.join(",")} ${problem}`);
        }
        const sa = args.serviceAccountName;
        const metadata = { name: sa, namespace: args.namespace, labels: args.labels };
        const subjects = [{ kind: "ServiceAccount", name: sa, namespace: args.namespace }];

        this.serviceAccount = new k8s.core.v1.ServiceAccount(childName(name, "sa"), { metadata, automountServiceAccountToken: args.automountToken ?? false, imagePullSecrets: pullSecretRefs(args.imagePullSecrets) }, { parent: this });
        const namespaced = rules.filter((r) => r.clusterScope === undefined);
        const cluster = rules.filter((r) => r.clusterScope !== undefined);
        if (namespaced.length > 0) {
            this.role = new k8s.rbac.v1.Role(childName(name, "role"), { metadata: withReasons(metadata, namespaced), rules: namespaced.map(policyRule) }, { parent: this });
            this.roleBinding = new k8s.rbac.v1.RoleBinding(
                childName(name, "rolebinding"),
                { metadata, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: sa }, subjects },
                { parent: this },
            );
        }
        if (cluster.length > 0) {
            // Cluster-scoped names are shared by every namespace: the namespace keeps them apart.
            const clusterMeta = { name: `${args.namespace}-${sa}`, labels: args.labels };
            this.clusterRole = new k8s.rbac.v1.ClusterRole(childName(name, "clusterrole"), { metadata: withReasons(clusterMeta, cluster), rules: cluster.map(policyRule) }, { parent: this });
            this.clusterRoleBinding = new k8s.rbac.v1.ClusterRoleBinding(
                childName(name, "clusterrolebinding"),
                { metadata: clusterMeta, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterMeta.name }, subjects },
                { parent: this },
            );
        }
        this.registerOutputs({ serviceAccountName: sa });
    }
}

/** The Kubernetes rule, without the reasons (they are not part of the API). */
function policyRule(r: AccessRule): k8s.types.input.rbac.v1.PolicyRule {
    return { apiGroups: r.apiGroups, resources: r.resources, verbs: r.verbs, ...(r.resourceNames && r.resourceNames.length > 0 ? { resourceNames: r.resourceNames } : {}) };
}

/** Metadata with the reasons of unnamed and cluster-scoped rules, one line per rule, for a reviewer reading the Role. */
function withReasons<M extends { labels: Record<string, string> }>(metadata: M, rules: AccessRule[]): M & { annotations?: Record<string, string> } {
    const lines = rules.flatMap((r, i) => [
        ...(r.anyName ? [`rules[${i}] (${r.resources.join(", ")}) names no objects: ${r.anyName}`] : []),
        ...(r.clusterScope ? [`rules[${i}] (${r.resources.join(", ")}) is cluster-wide: ${r.clusterScope}`] : []),
    ]);
    return lines.length === 0 ? metadata : { ...metadata, annotations: { [RULE_REASONS_ANNOTATION]: lines.join("\n") } };
}
