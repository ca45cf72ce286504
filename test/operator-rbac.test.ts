// Operator RBAC: rules with verbs, unnamed only where a name cannot be known (never for Secrets), no wildcard.
import { beforeAll, describe, expect, it } from "vitest";
import { parseCellConfig } from "../config/parse";
import { RULE_REASONS_ANNOTATION } from "../components/workloads/rbac";
import { configErrorOf, declare, Declared, rawStackConfig, stackConfig } from "./harness";

const OPERATOR_RULES = [
    { apiGroups: ["example.com"], resources: ["widgets", "widgets/status"], verbs: ["get", "list", "watch", "update", "patch"], anyName: "reconciles the Widgets its users create" },
    { apiGroups: ["batch"], resources: ["jobs"], verbs: ["create"] },
    { apiGroups: [""], resources: ["secrets"], verbs: ["get", "update"], resourceNames: ["widget-credentials"] },
    { apiGroups: ["apiextensions.k8s.io"], resources: ["customresourcedefinitions"], verbs: ["get"], resourceNames: ["widgets.example.com"], clusterScope: "checks that its cluster-scoped CRD is installed" },
];

function problemFor(rules: object[]): { key: string; message: string; text: string } {
    const raw = rawStackConfig("dev");
    raw.values.workloads["kaze-gateway"].apiAccess = rules;
    const error = configErrorOf(parseCellConfig, raw);
    const p = error.problems.find((x) => x.key.startsWith("agent-estate:workloads.kaze-gateway.apiAccess"));
    if (!p) throw new Error(`no apiAccess problem among: ${error.message}`);
    return { ...p, text: error.message };
}

describe("an operator's API access", () => {
    let d: Declared;
    beforeAll(async () => {
        const { workloads } = rawStackConfig("dev").values;
        workloads["kaze-gateway"].apiAccess = OPERATOR_RULES;
        // The Jobs it creates are declared too: a workload that creates pods must say what they run as and may reach.
        const jobTemplates = { "widget-jobs": { namespace: "kaze", launchedBy: ["kaze-gateway"], podSelector: { "example.com/widget-job": "true" } } };
        d = await declare(stackConfig("dev", { set: { workloads, jobTemplates } }));
    });

    it("lists and watches its own kinds without names, and the Role says why", () => {
        const role = d.k8s("Role", "kaze-gateway", "kaze").props;
        // The first three are the configured ones; the tailscale sidecar adds its own after them.
        expect(role.rules.slice(0, 3)).toEqual([
            { apiGroups: ["example.com"], resources: ["widgets", "widgets/status"], verbs: ["get", "list", "watch", "update", "patch"] },
            { apiGroups: ["batch"], resources: ["jobs"], verbs: ["create"] },
            { apiGroups: [""], resources: ["secrets"], verbs: ["get", "update"], resourceNames: ["widget-credentials"] },
        ]);
        expect(role.metadata.annotations[RULE_REASONS_ANNOTATION]).toBe("rules[0] (widgets, widgets/status) names no objects: reconciles the Widgets its users create");
    });

    it("puts only the rule that says why it needs cluster scope in a ClusterRole, bound to the one ServiceAccount", () => {
        const cr = d.k8s("ClusterRole", "kaze-kaze-gateway").props;
        expect(cr.rules).toEqual([{ apiGroups: ["apiextensions.k8s.io"], resources: ["customresourcedefinitions"], verbs: ["get"], resourceNames: ["widgets.example.com"] }]);
        const crb = d.k8s("ClusterRoleBinding", "kaze-kaze-gateway").props;
        expect(crb.roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "kaze-kaze-gateway" });
        expect(crb.subjects).toEqual([{ kind: "ServiceAccount", name: "kaze-gateway", namespace: "kaze" }]);
    });

    it("keeps the default narrow: an unnamed get without a reason is refused", () => {
        const p = problemFor([{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list"] }]);
        expect(p.key).toBe("agent-estate:workloads.kaze-gateway.apiAccess[0].resourceNames");
        expect(p.message).toMatch(/must list resourceNames.*or say in anyName why/);
        expect(p.text).toContain('stack "dev", agent-estate:workloads.kaze-gateway.apiAccess[0].resourceNames:');
    });

    it("refuses a wildcard verb, resource or API group, naming stack and key", () => {
        const verb = problemFor([{ apiGroups: ["batch"], resources: ["jobs"], verbs: ["*"], anyName: "creates Jobs it names at run time" }]);
        expect(verb.key).toBe("agent-estate:workloads.kaze-gateway.apiAccess[0].verbs[0]");
        expect(verb.message).toMatch(/"\*" grants every verb, including escalate, bind and impersonate/);
        expect(verb.text).toContain(`stack "dev", ${verb.key}:`);
        expect(problemFor([{ apiGroups: ["batch"], resources: ["*"], verbs: ["create"] }]).key).toBe("agent-estate:workloads.kaze-gateway.apiAccess[0].resources[0]");
        expect(problemFor([{ apiGroups: ["*"], resources: ["jobs"], verbs: ["create"] }]).key).toBe("agent-estate:workloads.kaze-gateway.apiAccess[0].apiGroups[0]");
    });

    it("refuses list or watch on Secrets even with a reason, and says why Secrets differ from custom resources", () => {
        const p = problemFor([{ apiGroups: [""], resources: ["secrets"], verbs: ["list", "watch"], anyName: "reads the credentials its users create" }]);
        expect(p.key).toBe("agent-estate:workloads.kaze-gateway.apiAccess[0].verbs");
        expect(p.message).toMatch(/every Secret of the namespace with its data.*on a custom resource or a Job they return only objects of that kind/);
        const unnamed = problemFor([{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "patch"], anyName: "writes back the credentials of any account" }]);
        expect(unnamed.key).toBe("agent-estate:workloads.kaze-gateway.apiAccess[0].resourceNames");
        expect(unnamed.message).toMatch(/must name the Secrets/);
    });
});
