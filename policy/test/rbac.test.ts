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
            .toEqual(["Role agent: rules[1] grants resource *", "Role agent: rules[1] grants verb *"]);
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
