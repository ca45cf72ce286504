import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childName } from "../naming";

export interface WorkloadIdentityArgs {
    /** The ServiceAccount's name (`serviceAccountName(workload)`). */
    serviceAccountName: string;
    namespace: string;
    labels: Record<string, string>;
    /**
     * Role rules. Every rule that names verbs other than `create` must carry resourceNames; the
     * Role and RoleBinding are only created when there is at least one rule.
     * @default [] - no Role: the workload has no API access at all
     */
    rules?: k8s.types.input.rbac.v1.PolicyRule[];
}

/**
 * A workload's identity: its ServiceAccount (token automount off; pods or single containers opt in),
 * and a namespaced Role + RoleBinding narrowed to named objects.
 */
export class WorkloadIdentity extends pulumi.ComponentResource {
    readonly serviceAccount: k8s.core.v1.ServiceAccount;
    readonly role?: k8s.rbac.v1.Role;
    readonly roleBinding?: k8s.rbac.v1.RoleBinding;

    constructor(name: string, args: WorkloadIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agent-estate:workloads:WorkloadIdentity", name, {}, opts);
        const rules = args.rules ?? [];
        for (const r of rules) {
            const verbs = r.verbs as string[];
            const names = r.resourceNames as string[] | undefined;
            if (!verbs.every((v) => v === "create") && (names === undefined || names.length === 0)) {
                throw new Error(`${name}: Role rule on ${JSON.stringify(r.resources)} with verbs ${verbs.join(",")} has no resourceNames; narrow it to the objects the workload needs`);
            }
        }
        const metadata = { name: args.serviceAccountName, namespace: args.namespace, labels: args.labels };

        this.serviceAccount = new k8s.core.v1.ServiceAccount(childName(name, "sa"), { metadata, automountServiceAccountToken: false }, { parent: this });
        if (rules.length > 0) {
            this.role = new k8s.rbac.v1.Role(childName(name, "role"), { metadata, rules }, { parent: this });
            this.roleBinding = new k8s.rbac.v1.RoleBinding(
                childName(name, "rolebinding"),
                {
                    metadata,
                    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: args.serviceAccountName },
                    subjects: [{ kind: "ServiceAccount", name: args.serviceAccountName, namespace: args.namespace }],
                },
                { parent: this },
            );
        }
        this.registerOutputs({ serviceAccountName: args.serviceAccountName });
    }
}
