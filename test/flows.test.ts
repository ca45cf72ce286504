import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { checkFlows, destinationOf, Flow, FlowReport } from "../plan/flows/check";
import { flowsMermaid, flowsSvg, flowsTable } from "../plan/flows/draw";
import { judge, Policy, Pod, policyOf } from "../plan/flows/netpol";
import { PlannedResource } from "../plan/types";
import { Declared, ROOT, declare } from "./harness";

const labelsOf = (ns: string) => ({ "kubernetes.io/metadata.name": ns, ...(ns === "kaze" ? { "agent-estate/cell": "kaze-dev" } : {}) });

describe("NetworkPolicy semantics", () => {
    const app: Pod = { namespace: "kaze", labels: { "app.kubernetes.io/name": "app" }, namedPorts: { http: 8080 } };
    const db: Pod = { namespace: "data", labels: { role: "db" }, namedPorts: { pg: 5432 } };
    const deny: Policy = policyOf("default-deny", "kaze", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });

    it("lets everything through a pod no policy isolates", () => {
        expect(judge([], app, "egress", { kind: "pod", pod: db }, 5432, "TCP", labelsOf).allowed).toBe(true);
    });

    it("denies what a default deny isolates, naming the policy", () => {
        const v = judge([deny], app, "egress", { kind: "pod", pod: db }, 5432, "TCP", labelsOf);
        expect(v).toMatchObject({ allowed: false, isolatedBy: ["default-deny"] });
    });

    it("matches a namespaceSelector with a podSelector, a named port on the destination, and the protocol", () => {
        const allow = policyOf("app", "kaze", {
            podSelector: { matchLabels: { "app.kubernetes.io/name": "app" } },
            policyTypes: ["Egress"],
            egress: [{ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "data" } }, podSelector: { matchLabels: { role: "db" } } }], ports: [{ port: "pg", protocol: "TCP" }] }],
        });
        expect(judge([deny, allow], app, "egress", { kind: "pod", pod: db }, 5432, "TCP", labelsOf).allowedBy).toEqual([{ policy: "app", namespace: "kaze", direction: "egress", index: 0 }]);
        expect(judge([deny, allow], app, "egress", { kind: "pod", pod: db }, 5432, "UDP", labelsOf).allowed).toBe(false);
        expect(judge([deny, allow], app, "egress", { kind: "pod", pod: { ...db, labels: { role: "cache" } } }, 5432, "TCP", labelsOf).allowed).toBe(false);
        // Without a namespaceSelector, a podSelector means the policy's own namespace.
        const sameNs = policyOf("same", "kaze", { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ podSelector: { matchLabels: { role: "db" } } }] }] });
        expect(judge([sameNs], app, "egress", { kind: "pod", pod: db }, 5432, "TCP", labelsOf).allowed).toBe(false);
    });

    it("matches ipBlocks by address and except, an unknown public address only by the whole internet, and port ranges", () => {
        const out = policyOf("out", "kaze", {
            podSelector: {},
            policyTypes: ["Egress"],
            egress: [
                { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8"] } }], ports: [{ port: 443 }] },
                { to: [{ ipBlock: { cidr: "10.30.0.0/24" } }], ports: [{ port: 6000, endPort: 6500 }] },
            ],
        });
        expect(judge([out], app, "egress", { kind: "address", address: "public" }, 443, "TCP", labelsOf).allowed).toBe(true);
        expect(judge([out], app, "egress", { kind: "address", address: "10.1.2.3" }, 443, "TCP", labelsOf).allowed).toBe(false);
        expect(judge([out], app, "egress", { kind: "address", address: "10.30.0.10" }, 6443, "TCP", labelsOf).allowed).toBe(true);
        expect(judge([out], app, "egress", { kind: "address", address: "10.30.0.10" }, 6501, "TCP", labelsOf).allowed).toBe(false);
        const narrow = policyOf("narrow", "kaze", { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "140.82.112.0/20" } }] }] });
        expect(judge([narrow], app, "egress", { kind: "address", address: "public" }, 443, "TCP", labelsOf).allowed).toBe(false);
        // An ipBlock never matches a pod; selectors never match an address.
        expect(judge([out], app, "egress", { kind: "pod", pod: db }, 443, "TCP", labelsOf).allowed).toBe(false);
    });

    it("defaults policyTypes as Kubernetes does: Egress only when egress rules are present", () => {
        expect(policyOf("a", "kaze", { podSelector: {} }).types).toEqual(["Ingress"]);
        expect(policyOf("b", "kaze", { podSelector: {}, egress: [] }).types).toEqual(["Ingress", "Egress"]);
    });
});

describe("what names a destination", () => {
    it("reads whole URLs and host:port, with the scheme's default port", () => {
        expect(destinationOf("http://otel-collector.observability.svc.cluster.local:4317")).toEqual({ host: "otel-collector.observability.svc.cluster.local", port: 4317 });
        expect(destinationOf("https://github.com/speedrun-ventures/kaze-agent-ops")).toEqual({ host: "github.com", port: 443 });
        expect(destinationOf("postgresql://user@pg.data.svc/kaze")).toEqual({ host: "pg.data.svc", port: 5432 });
        expect(destinationOf("otel-sink.speedrun.ventures:4317")).toEqual({ host: "otel-sink.speedrun.ventures", port: 4317 });
    });

    it("ignores lists, words, paths and listen addresses without a host", () => {
        for (const v of ["info", "speedrun-ventures/agent-estate,speedrun-ventures/kaze-gitops", "/workspace", "[::]:9002", "s3://bucket/path", "a b:80"]) expect(destinationOf(v)).toBeUndefined();
    });
});

/** The Kaze dev cell's flows, from one plan. */
let dev: Declared;
let report: FlowReport;
const flow = (from: string, to: string, port: number): Flow => {
    const found = report.flows.find((f) => f.from === from && f.to === to && f.port === port);
    if (!found) throw new Error(`no flow ${from} → ${to}:${port}; flows: ${report.flows.map((f) => `${f.from}→${f.to}:${f.port}`).join(" ")}`);
    return found;
};

beforeAll(async () => {
    dev = await declare("dev");
    report = checkFlows(dev.resources);
}, 60_000);

describe("the dev cell's flows", () => {
    it("has no blocked or unresolved flow", () => {
        expect(report.blocked.map((f) => f.reason)).toEqual([]);
        expect(report.flows.filter((f) => f.status === "unresolved").map((f) => f.reason)).toEqual([]);
    });

    it("lets every workload and every CronJob send traces to the collector on observability:4317 (egress at the sender, ingress at the collector)", () => {
        for (const from of ["kaze/kaze-runtime", "kaze/kaze-gateway", "kaze/kaze-knowledge", "kaze/kaze-runtime-workspace-cleanup (CronJob)", "kaze/kaze-gateway-token-refresh (CronJob)"]) {
            const f = flow(from, "observability/otel-collector", 4317);
            expect(f.status).toBe("allowed");
            expect(f.why).toContain("env OTEL_EXPORTER_OTLP_ENDPOINT");
            expect(f.allowedBy.some((r) => r.startsWith("kaze/") && r.includes(" egress["))).toBe(true);
            expect(f.allowedBy).toContain("observability/allow-addon ingress[2]");
        }
    });

    it("resolves the runtime's peer URLs to the gateway (4200) and knowledge (4300) Services and their pods", () => {
        expect(flow("kaze/kaze-runtime", "kaze/kaze-gateway", 4200)).toMatchObject({ status: "allowed", why: ["env KAZE_GATEWAY_URL"] });
        expect(flow("kaze/kaze-runtime", "kaze/kaze-knowledge", 4300)).toMatchObject({ status: "allowed", why: ["env KAZE_KNOWLEDGE_URL"] });
    });

    it("knows the flows no URL shows: knowledge to the pooler, the collector's exports, the API server for the tailscale state", () => {
        expect(flow("kaze/kaze-knowledge", "data/kaze-dev-pg-pooler-rw", 5432).status).toBe("allowed");
        expect(flow("observability/otel-collector", "langfuse/langfuse-web", 3000).status).toBe("allowed");
        expect(flow("kaze/kaze-runtime", "kubernetes.default.svc", 443)).toMatchObject({ status: "allowed", targetPort: 6443 });
        expect(flow("kaze/kaze-runtime", "github.com", 443)).toMatchObject({ status: "allowed", why: ["env GITSYNC_REPO"] });
    });

    it("writes a Mermaid and an SVG picture and a table of the flows", () => {
        const mermaid = flowsMermaid(report, "dev");
        expect(mermaid).toMatch(/^flowchart LR/);
        expect(mermaid).toContain('subgraph ns_kaze["namespace kaze"]');
        expect(mermaid).toMatch(/-->\|"4317\/TCP"\|/);
        const svg = flowsSvg(report, "dev");
        expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
        expect(svg).toContain(">kaze-runtime</text>");
        expect(svg.trim().endsWith("</svg>")).toBe(true);
        // docs/flows-dev.md (linked from the README) shows the dev cell's picture as the plan draws it today.
        expect(fs.readFileSync(path.join(ROOT, "docs", "flows-dev.md"), "utf8")).toContain(`\`\`\`mermaid\n${flowsMermaid(report, "Flows of stack dev")}\`\`\``);
        expect(flowsTable(report)).toMatch(/ALLOWED\s+kaze\/kaze-runtime\s+observability\/otel-collector:4317\/TCP/);
    });
});

describe("a broken egress rule", () => {
    /** The dev resources with one egress rule of the runtime's NetworkPolicy removed (the one to the collector). */
    function withoutRuntimeOtlpEgress(): PlannedResource[] {
        return dev.resources.map((r) => {
            const p = r.props as { kind?: string; metadata?: { name?: string }; spec?: { egress?: Array<{ to?: Array<{ namespaceSelector?: { matchLabels?: Record<string, string> } }> }> } };
            if (p.kind !== "NetworkPolicy" || p.metadata?.name !== "kaze-runtime") return r;
            const egress = p.spec!.egress!.filter((rule) => !(rule.to ?? []).some((peer) => peer.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === "observability"));
            expect(egress.length).toBe(p.spec!.egress!.length - 1);
            return { ...r, props: { ...r.props, spec: { ...p.spec, egress } } };
        });
    }

    it("is a blocked flow naming both ends, the port and the policies", () => {
        const broken = checkFlows(withoutRuntimeOtlpEgress());
        expect(broken.blocked.map((f) => `${f.from} → ${f.to}:${f.port}`)).toEqual(["kaze/kaze-runtime → observability/otel-collector:4317"]);
        expect(broken.blocked[0].reason).toBe(
            "kaze/kaze-runtime → observability/otel-collector:4317/TCP is blocked: egress at kaze/kaze-runtime on 4317/TCP: no rule of NetworkPolicy kaze/default-deny, kaze/kaze-runtime allows it",
        );
    });

    it("reports a policy rule no flow uses, by policy and index", () => {
        const extra = dev.resources.map((r) => {
            const p = r.props as { kind?: string; metadata?: { name?: string }; spec?: { egress?: unknown[] } };
            if (p.kind !== "NetworkPolicy" || p.metadata?.name !== "kaze-knowledge") return r;
            return { ...r, props: { ...r.props, spec: { ...p.spec, egress: [...p.spec!.egress!, { to: [{ ipBlock: { cidr: "192.0.2.0/24" } }], ports: [{ port: 9999, protocol: "TCP" }] }] } } };
        });
        const unused = checkFlows(extra).unusedRules.filter((u) => u.policy === "kaze-knowledge");
        expect(unused.map((u) => `${u.direction}[${u.index}]`)).toEqual([`egress[${(dev.k8s("NetworkPolicy", "kaze-knowledge").props.spec.egress as unknown[]).length}]`]);
        expect(unused[0].rule).toContain("192.0.2.0/24");
    });
});
