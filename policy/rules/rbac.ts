// RBAC: least privilege that a reviewer can read rule by rule.
import { eachDecision, isK8s, list, Obj } from "../common";
import { resourcePolicy } from "../define";

const rbac = "rbac.authorization.k8s.io";
const readVerbs = new Set(["get", "list", "watch", "*"]);

export const noWildcards = resourcePolicy({
    name: "rbac-no-wildcards",
    description: "Roles and ClusterRoles name their verbs and resources; no `*`.",
    remediationSteps: "List the exact verbs and resources the subject needs.",
    applies: type => isK8s(type, rbac, "Role", "ClusterRole"),
    check: (props, report) => eachDecision(list<Obj>(props.rules).map((rule, i) => ({ rule, i })), ({ rule, i }) => {
        if (list<string>(rule.verbs).includes("*")) report(`rules[${i}] grants verb *`);
        if (list<string>(rule.resources).includes("*")) report(`rules[${i}] grants resource *`);
    }),
});

export const noClusterAdmin = resourcePolicy({
    name: "rbac-no-cluster-admin-binding",
    description: "Nothing is bound to the cluster-admin ClusterRole.",
    remediationSteps: "Bind a purpose-built Role instead of cluster-admin.",
    applies: type => isK8s(type, rbac, "RoleBinding", "ClusterRoleBinding"),
    check: (props, report) => {
        if (props.roleRef?.kind === "ClusterRole" && props.roleRef?.name === "cluster-admin") report("binds the cluster-admin ClusterRole");
    },
});

export const noClusterSecretRead = resourcePolicy({
    name: "rbac-no-cluster-secret-read",
    description: "No ClusterRole reads Secrets (get, list or watch on secrets): Secret access is granted per namespace with a Role.",
    remediationSteps: "Move the Secret rule into a namespaced Role, ideally with resourceNames.",
    applies: type => isK8s(type, rbac, "ClusterRole"),
    check: (props, report) => eachDecision(list<Obj>(props.rules).map((rule, i) => ({ rule, i })), ({ rule, i }) => {
        const coreGroup = list<string>(rule.apiGroups).some(g => g === "" || g === "*");
        const secrets = list<string>(rule.resources).includes("secrets");
        const reads = list<string>(rule.verbs).filter(v => readVerbs.has(v));
        if (coreGroup && secrets && reads.length > 0) report(`rules[${i}] grants ${reads.join(", ")} on secrets cluster-wide`);
    }),
});

export const rbacPolicies = [noWildcards, noClusterAdmin, noClusterSecretRead];
