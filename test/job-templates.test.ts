// Job templates are generic: any cell whose workload launches pods at run time declares their identity
// and reach. Tried on the Kaze dev cell, which has no operator of its own: kaze-runtime is given one.
import { beforeAll, describe, expect, it } from "vitest";
import { parseCellConfig } from "../config/parse";
import { checkFlows } from "../plan/flows/check";
import { configErrorOf, declare, Declared, rawStackConfig, stackConfig } from "./harness";

const RUNS_JOBS = { apiGroups: ["batch"], resources: ["jobs"], verbs: ["create", "get", "delete"], anyName: "sandbox Jobs are named per task at run time" };
const SANDBOX = {
    namespace: "kaze",
    launchedBy: ["kaze-runtime"],
    podSelector: { "kaze.dev/role": "sandbox" },
    network: { egressTo: [{ workload: "kaze-gateway" }] },
    claims: { "kaze-sandbox-cache": { size: "10Gi" } },
    volumes: [{ claimName: "kaze-sandbox-cache", readOnly: false }],
};

/** The dev cell's workloads with kaze-runtime allowed to run Jobs. */
function workloadsWithOperator(): Record<string, any> {
    const workloads = structuredClone(rawStackConfig("dev").values.workloads);
    workloads["kaze-runtime"].apiAccess = [...(workloads["kaze-runtime"].apiAccess ?? []), RUNS_JOBS];
    return workloads;
}

describe("a job template on another cell (Kaze dev)", () => {
    let d: Declared;
    beforeAll(async () => {
        d = await declare(stackConfig("dev", { set: { workloads: workloadsWithOperator(), jobTemplates: { "kaze-sandbox": SANDBOX } } }));
    }, 60_000);

    it("declares the sandbox's ServiceAccount without a token (it calls no API), its NetworkPolicy on the operator's label, and its claim", () => {
        expect(d.k8s("ServiceAccount", "kaze-sandbox", "kaze").props.automountServiceAccountToken).toBe(false);
        expect(d.kind("Role").map((r) => r.props.metadata.name)).not.toContain("kaze-sandbox");
        const np = d.k8s("NetworkPolicy", "kaze-sandbox", "kaze").props.spec;
        expect(np.podSelector.matchLabels).toEqual({ "kaze.dev/role": "sandbox" });
        expect(np.ingress).toEqual([]);
        expect(np.egress.map((r: any) => r.to[0].podSelector?.matchLabels)).toEqual([{ "k8s-app": "kube-dns" }, { "app.kubernetes.io/name": "kaze-gateway" }]);
        expect(d.k8s("PersistentVolumeClaim", "kaze-sandbox-cache", "kaze").props.spec.resources.requests.storage).toBe("10Gi");
        // Admission holds the sandbox pods to their ServiceAccount; nothing is held read-only.
        const vap = d.k8s("ValidatingAdmissionPolicy", "kaze-kaze-sandbox-pods").props.spec;
        expect(vap.validations.map((v: any) => v.message)).toEqual(["pods of kaze-sandbox (kaze.dev/role=sandbox) must run as ServiceAccount kaze-sandbox"]);
    });

    it("opens the gateway to the sandbox pods it is named by, and the flows check allows the path on both ends", () => {
        const gateway = d.k8s("NetworkPolicy", "kaze-gateway", "kaze").props.spec;
        expect(gateway.ingress.some((r: any) => r.from[0].podSelector.matchLabels["kaze.dev/role"] === "sandbox")).toBe(true);
        const flow = checkFlows(d.resources).flows.find((f) => f.from === "kaze/kaze-sandbox (operator pods)" && f.to === "kaze/kaze-gateway");
        expect(flow?.status).toBe("allowed");
    });
});

describe("job template config errors, each naming stack and key", () => {
    const broken = (templates: Record<string, unknown>, change?: (v: Record<string, any>) => void) => {
        const raw = rawStackConfig("dev");
        const values = structuredClone(raw.values) as Record<string, any>;
        values.workloads = workloadsWithOperator();
        values.jobTemplates = templates;
        change?.(values);
        return configErrorOf(parseCellConfig, { ...raw, values });
    };

    it("a template named after a workload of its namespace (their ServiceAccounts would clash)", () => {
        const e = broken({ "kaze-gateway": SANDBOX });
        expect(e.message).toContain('stack "dev", agent-estate:jobTemplates.kaze-gateway: names the ServiceAccount "kaze-gateway", which workload "kaze-gateway" already has');
    });

    it("a claim named like a workspace, a namespace that is not the cell's, a workload ingress peer without ports", () => {
        const e = broken({ "kaze-sandbox": { ...SANDBOX, namespace: "sandbox", claims: { "kaze-runtime-workspace": { size: "1Gi" } }, volumes: [], network: { ingressFrom: [{ workload: "kaze-gateway" }] } } });
        expect(e.problems).toContainEqual({ key: "agent-estate:jobTemplates.kaze-sandbox.namespace", message: expect.stringContaining('points at namespace "sandbox", which this stack does not declare') });
        expect(e.problems).toContainEqual({ key: "agent-estate:jobTemplates.kaze-sandbox.claims.kaze-runtime-workspace", message: expect.stringContaining("is already the name of a workload's workspace") });
        expect(e.problems).toContainEqual({ key: "agent-estate:jobTemplates.kaze-sandbox.network.ingressFrom[0].ports", message: expect.stringMatching(/^is required: the Jobs have no Service port/) });
    });

    it("Jobs that call the API in a cell whose API server the namespaces' default deny would block", () => {
        const e = broken({ "kaze-sandbox": { ...SANDBOX, apiAccess: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"], resourceNames: ["sandbox-settings"] }] } }, (v) => {
            delete v.kubernetes.apiServerEgress;
            for (const w of Object.values(v.workloads) as any[]) w.apiAccess = [];
        });
        expect(e.problems).toContainEqual({ key: "agent-estate:jobTemplates.kaze-sandbox.apiAccess", message: expect.stringMatching(/set agent-estate:kubernetes.apiServerEgress/) });
    });
});
