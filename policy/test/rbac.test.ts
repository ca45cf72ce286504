// RBAC: no wildcards, no cluster-admin, no cluster-wide Secret reads.
import { describe, expect, it } from "vitest";
import { checkOne, k8s } from "./fixtures";

const role = (kind: "Role" | "ClusterRole", rules: object[]) => k8s(`kubernetes:rbac.authorization.k8s.io/v1:${kind}`, "agent", { rules });
const binding = (kind: "RoleBinding" | "ClusterRoleBinding", roleRef: object) =>
    k8s(`kubernetes:rbac.authorization.k8s.io/v1:${kind}`, "agent", { roleRef, subjects: [{ kind: "ServiceAccount", name: "agent", namespace: "agents" }] });
const messages = (policy: string, r: Parameters<typeof checkOne>[1]) => checkOne(policy, r).map(v => v.message);

describe("rbac-no-wildcards", () => {
    it("a wildcard verb or resource fails, naming the rule", () => {
        expect(messages("rbac-no-wildcards", role("Role", [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }, { apiGroups: ["apps"], resources: ["*"], verbs: ["*"] }])))
            .toEqual([
                "Role agent: rules[1] grants resource *: every resource of its groups, Secrets and ones added later included",
                "Role agent: rules[1] grants verb *: every verb, escalate, bind and impersonate included",
            ]);
    });
    it("a wildcard API group fails too", () => {
        expect(messages("rbac-no-wildcards", role("Role", [{ apiGroups: ["*"], resources: ["jobs"], verbs: ["create"] }]))).toEqual(["Role agent: rules[0] grants API group *: every group, ones installed later included"]);
    });
    it("named verbs and resources pass", () => {
        expect(messages("rbac-no-wildcards", role("ClusterRole", [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }]))).toEqual([]);
    });
});

describe("rbac-no-cluster-admin-binding", () => {
    it("a RoleBinding or ClusterRoleBinding to cluster-admin fails", () => {
        for (const kind of ["RoleBinding", "ClusterRoleBinding"] as const) {
            expect(messages("rbac-no-cluster-admin-binding", binding(kind, { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" })))
                .toEqual([`${kind} agent: binds the cluster-admin ClusterRole`]);
        }
    });
    it("a binding to a purpose-built role passes", () => {
        expect(messages("rbac-no-cluster-admin-binding", binding("RoleBinding", { kind: "Role", name: "agent" }))).toEqual([]);
    });
});

describe("rbac-no-cluster-secret-read", () => {
    it("a ClusterRole that lists secrets fails", () => {
        expect(messages("rbac-no-cluster-secret-read", role("ClusterRole", [{ apiGroups: [""], resources: ["secrets", "configmaps"], verbs: ["get", "list", "create"] }])))
            .toEqual(["ClusterRole agent: rules[0] grants get, list on secrets cluster-wide"]);
    });
    it("a namespaced Role reading secrets passes, and so does a ClusterRole creating them only", () => {
        expect(messages("rbac-no-cluster-secret-read", role("Role", [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }]))).toEqual([]);
        expect(messages("rbac-no-cluster-secret-read", role("ClusterRole", [{ apiGroups: [""], resources: ["secrets"], verbs: ["create"] }]))).toEqual([]);
    });
});

describe("rbac-secrets-by-name", () => {
    it("an operator's list and watch on its own kinds, without names, passes", () => {
        expect(messages("rbac-secrets-by-name", role("Role", [{ apiGroups: ["labrats.work"], resources: ["aiagents"], verbs: ["get", "list", "watch", "update"] }, { apiGroups: ["batch"], resources: ["jobs"], verbs: ["list", "watch", "create", "delete"] }]))).toEqual([]);
    });
    it("list or watch on secrets fails and says why it differs from a list on a custom resource", () => {
        const found = messages("rbac-secrets-by-name", role("Role", [{ apiGroups: [""], resources: ["secrets"], resourceNames: ["github-app-credentials"], verbs: ["get", "list", "watch"] }]));
        expect(found).toEqual(["Role agent: rules[0] grants list, watch on secrets, which returns every Secret of the namespace with its data (unlike a list on a custom resource)"]);
    });
    it("get, update or patch on secrets without resourceNames fails; named ones and an unnamed create pass", () => {
        expect(messages("rbac-secrets-by-name", role("Role", [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "patch", "create"] }])))
            .toEqual(["Role agent: rules[0] grants get, patch on every Secret of the namespace; name them in resourceNames"]);
        expect(messages("rbac-secrets-by-name", role("Role", [{ apiGroups: [""], resources: ["secrets"], resourceNames: ["claude-credentials"], verbs: ["get", "update", "patch"] }, { apiGroups: [""], resources: ["secrets"], verbs: ["create"] }]))).toEqual([]);
    });
});
