// RBAC: least privilege that a reviewer can read rule by rule.
import { eachDecision, isK8s, list, Obj } from "../common";
import { resourcePolicy } from "../define";

const rbac = "rbac.authorization.k8s.io";
const readVerbs = new Set(["get", "list", "watch", "*"]);

export const noWildcards = resourcePolicy({
    name: "rbac-no-wildcards",
    description: "Roles and ClusterRoles name their API groups, verbs and resources; no `*` (it also grants what Kubernetes adds later, and verbs such as escalate, bind and impersonate).",
    remediationSteps: "List the exact API groups, verbs and resources the subject needs; an operator lists its own kinds and verbs too.",
    applies: type => isK8s(type, rbac, "Role", "ClusterRole"),
    check: (props, report) => eachDecision(list<Obj>(props.rules).map((rule, i) => ({ rule, i })), ({ rule, i }) => {
        if (list<string>(rule.verbs).includes("*")) report(`rules[${i}] grants verb *: every verb, escalate, bind and impersonate included`);
        if (list<string>(rule.resources).includes("*")) report(`rules[${i}] grants resource *: every resource of its groups, Secrets and ones added later included`);
        if (list<string>(rule.apiGroups).includes("*")) report(`rules[${i}] grants API group *: every group, ones installed later included`);
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

/** Verbs that read or change an existing object, which `resourceNames` can narrow. */
const namedVerbs = new Set(["get", "update", "patch", "delete", "*"]);

export const secretsByName = resourcePolicy({
    name: "rbac-secrets-by-name",
    description:
        "Rules on Secrets name them (resourceNames) and never list or watch them. An operator may list and watch its own kinds without names, as it cannot know them in advance; " +
        "Secrets differ: list and watch return every Secret of the namespace with its data, so a list on secrets reads them all, where a list on a custom resource returns only objects of that kind, which hold no credentials.",
    remediationSteps: "Name the Secrets the subject reads or writes in resourceNames and use get; only create may stay unnamed (Kubernetes cannot narrow it by name).",
    applies: type => isK8s(type, rbac, "Role", "ClusterRole"),
    check: (props, report) => eachDecision(list<Obj>(props.rules).map((rule, i) => ({ rule, i })), ({ rule, i }) => {
        const coreGroup = list<string>(rule.apiGroups).some(g => g === "" || g === "*");
        if (!coreGroup || !list<string>(rule.resources).some(r => r === "secrets" || r === "*")) return;
        const verbs = list<string>(rule.verbs);
        const listing = verbs.filter(v => v === "list" || v === "watch" || v === "*");
        if (listing.length > 0) report(`rules[${i}] grants ${listing.join(", ")} on secrets, which returns every Secret of the namespace with its data (unlike a list on a custom resource)`);
        const unnamed = verbs.filter(v => namedVerbs.has(v));
        if (unnamed.length > 0 && list<string>(rule.resourceNames).length === 0) report(`rules[${i}] grants ${unnamed.join(", ")} on every Secret of the namespace; name them in resourceNames`);
    }),
});

export const rbacPolicies = [noWildcards, noClusterAdmin, noClusterSecretRead, secretsByName];
