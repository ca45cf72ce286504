import { beforeAll, describe, expect, it } from "vitest";
import { parseCellConfig } from "../config/parse";
import { aclAllows, checkFlows } from "../plan/flows/check";
import { configErrorOf, Declared, declare, rawStackConfig, stackConfig } from "./harness";

type Obj = Record<string, any>;

/** A provider's list input, which the engine hands over JSON-encoded. */
const scopesOf = (v: unknown): string[] => (typeof v === "string" ? (JSON.parse(v) as string[]) : (v as string[]));

/** The tags a workload's tailscale sidecar advertises, as its pods carry them. */
function sidecarTags(d: Declared, workload: string): string[] {
    const pod = d.k8s("Deployment", workload, "kaze").props.spec.template.spec;
    const ts = pod.containers.find((c: Obj) => c.name === "tailscale");
    const args = ts.env.find((e: Obj) => e.name === "TS_EXTRA_ARGS")?.value ?? "";
    return /--advertise-tags=(\S+)/.exec(args)?.[1].split(",") ?? [];
}

describe.each(["dev", "prod"])("the %s tailnet's policy", (stack) => {
    let d: Declared;
    let policy: string;
    beforeAll(async () => {
        d = await declare(stack);
        const acls = d.ofType("tailscale:index/acl:Acl");
        expect(acls).toHaveLength(1);
        policy = acls[0].props.acl as string;
    });

    it("gives each workload's sidecar a tag of its own, so a grant names one service", () => {
        for (const svc of ["runtime", "gateway", "knowledge"]) expect(sidecarTags(d, `kaze-${svc}`)).toEqual([`tag:kaze-${stack}-${svc}`]);
    });

    it("lets tag:openclaw reach the runtime on 4100 and knowledge on 4300, the service ports only", () => {
        const openclaw = ["tag:openclaw"];
        expect(aclAllows(policy, openclaw, sidecarTags(d, "kaze-runtime"), 4100)).toBe(true);
        expect(aclAllows(policy, openclaw, sidecarTags(d, "kaze-knowledge"), 4300)).toBe(true);
        // The sidecars' ports: langfuse-mcp, git-sync's and tailscale's health endpoints, the tailnet proxy.
        for (const port of [4101, 2020, 9002, 1055, 4300]) expect(aclAllows(policy, openclaw, sidecarTags(d, "kaze-runtime"), port), `runtime:${port}`).toBe(false);
        for (const port of [9002, 1055, 4100]) expect(aclAllows(policy, openclaw, sidecarTags(d, "kaze-knowledge"), port), `knowledge:${port}`).toBe(false);
        // The gateway holds the provider credentials and OpenClaw does not call it.
        expect(aclAllows(policy, openclaw, sidecarTags(d, "kaze-gateway"), 4200)).toBe(false);
    });

    it("lets no other tailnet node in: nothing but the grants is accepted", () => {
        const acls = JSON.parse(policy).acls as Obj[];
        expect(acls.every((r) => r.action === "accept" && !r.src.includes("*") && !r.dst.some((x: string) => x.startsWith("*")))).toBe(true);
        for (const port of [4100, 4200, 4300]) expect(aclAllows(policy, [`tag:kaze-${stack}`], sidecarTags(d, "kaze-runtime"), port)).toBe(false);
        // The runtime reaches OpenClaw's gateway through its sidecar's proxy.
        expect(aclAllows(policy, sidecarTags(d, "kaze-runtime"), ["tag:openclaw"], 18789)).toBe(true);
    });

    it("gives every tag a minted key carries an owner the cell's OAuth client acts for, and the provider the policy_file scope", () => {
        const owners = JSON.parse(policy).tagOwners as Record<string, string[]>;
        expect(Object.keys(owners).every((t) => t.startsWith("tag:"))).toBe(true);
        for (const key of d.ofType("tailscale:index/tailnetKey:TailnetKey")) {
            for (const tag of key.props.tags as string[]) expect(owners[tag], tag).toEqual(["autogroup:admin", `tag:kaze-${stack}`]);
        }
        const [provider] = d.ofType("pulumi:providers:tailscale");
        expect(scopesOf(provider.props.scopes)).toEqual(["auth_keys", "policy_file"]);
    });

    it("draws OpenClaw's tailnet flows, allowed through the sidecars and the policy", () => {
        const report = checkFlows(d.resources);
        const tailnet = report.flows.filter((f) => f.via === "tailnet" && f.from === "tailnet tag:openclaw").map((f) => [f.from, f.to, f.port, f.status]);
        // Prod's replicated services are reached through their stable proxies; dev's single pods directly.
        const via = stack === "prod" ? "-tailnet" : "";
        expect(tailnet).toEqual([
            ["tailnet tag:openclaw", `kaze/kaze-knowledge${via}`, 4300, "allowed"],
            ["tailnet tag:openclaw", `kaze/kaze-runtime${via}`, 4100, "allowed"],
        ]);
        expect(report.blocked).toEqual([]);
    });
});

describe.each(["dev", "prod"])("the %s dashboards on the tailnet", (stack) => {
    let d: Declared;
    beforeAll(async () => {
        d = await declare(stack);
    });

    it("puts Langfuse on the tailnet as kaze-<env>-langfuse: a proxy in its namespace forwarding 3000, its key from Vault", () => {
        const sts = d.k8s("StatefulSet", "langfuse-tailnet", "langfuse").props.spec;
        const c = sts.template.spec.containers[0];
        expect(c.env.find((e: Obj) => e.name === "TS_HOSTNAME").value).toBe(`kaze-${stack}-langfuse`);
        expect(c.env.find((e: Obj) => e.name === "TS_AUTHKEY").valueFrom).toEqual({ secretKeyRef: { name: "langfuse-tailnet", key: "TS_AUTHKEY" } });
        expect(JSON.parse(d.k8s("ConfigMap", "langfuse-tailnet-serve", "langfuse").props.data["serve.json"])).toEqual({ TCP: { "3000": { TCPForward: "langfuse-web.langfuse.svc.cluster.local:3000" } } });
        expect(d.k8s("ExternalSecret", "langfuse-tailnet", "langfuse").props.spec.target.name).toBe("langfuse-tailnet");
    });

    it("puts Grafana on the tailnet as kaze-<env>-grafana: a proxy in monitoring forwarding 80, its egress open to Grafana's pods on 3000", () => {
        const c = d.k8s("StatefulSet", "grafana-tailnet", "monitoring").props.spec.template.spec.containers[0];
        expect(c.env.find((e: Obj) => e.name === "TS_HOSTNAME").value).toBe(`kaze-${stack}-grafana`);
        expect(JSON.parse(d.k8s("ConfigMap", "grafana-tailnet-serve", "monitoring").props.data["serve.json"])).toEqual({ TCP: { "80": { TCPForward: "kube-prometheus-stack-grafana.monitoring.svc.cluster.local:80" } } });
        const egress = d.k8s("NetworkPolicy", "grafana-tailnet", "monitoring").props.spec.egress as Obj[];
        expect(egress).toContainEqual({ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "grafana" } } }], ports: [{ port: 3000, protocol: "TCP" }] });
        const report = checkFlows(d.resources);
        expect(report.flows.find((f) => f.from === "tailnet autogroup:member" && f.to === "monitoring/grafana-tailnet")?.status).toBe("allowed");
        expect(report.flows.find((f) => f.from === "monitoring/grafana-tailnet" && f.to === "monitoring/kube-prometheus-stack-grafana")).toMatchObject({ port: 80, targetPort: 3000, status: "allowed" });
    });

    it("lets the tailnet's people reach it on 3000 only, allowed at both ends", () => {
        const policy = d.ofType("tailscale:index/acl:Acl")[0].props.acl as string;
        const tags = [`tag:kaze-${stack}-dashboards`];
        expect(aclAllows(policy, ["autogroup:member"], tags, 3000)).toBe(true);
        expect(aclAllows(policy, ["autogroup:member"], tags, 9002)).toBe(false);
        expect(aclAllows(policy, ["tag:openclaw"], tags, 3000)).toBe(false);
        const report = checkFlows(d.resources);
        const f = report.flows.filter((x) => x.from === "tailnet autogroup:member" || x.from === "langfuse/langfuse-tailnet").map((x) => [x.from, x.to, x.port, x.status]);
        expect(f).toEqual(expect.arrayContaining([
            ["tailnet autogroup:member", "langfuse/langfuse-tailnet", 3000, "allowed"],
            ["langfuse/langfuse-tailnet", "langfuse/langfuse-web", 3000, "allowed"],
        ]));
    });

    it("refuses a tailnet service that names a Service the stack does not declare", () => {
        const raw = rawStackConfig(stack);
        raw.values.tailscale.services.langfuse.service = "grafana.monitoring";
        const e = configErrorOf(parseCellConfig, raw);
        expect(e.problems.find((p) => p.key === "agent-estate:tailscale.services.langfuse.service")?.message, e.message).toMatch(/points at Service "grafana\.monitoring", which this stack does not declare/);
    });
});

describe("prod's stable tailnet names", () => {
    let d: Declared;
    beforeAll(async () => {
        d = await declare("prod");
    });
    const envOf = (c: Obj, name: string) => c.env.find((e: Obj) => e.name === name);

    it.each([
        ["kaze-runtime", 4100],
        ["kaze-knowledge", 4300],
    ] as const)("%s: one proxy pod joins as kaze-prod-<service>, keeps its node state on a volume, and forwards only the service port to the Service", (w, port) => {
        const sts = d.k8s("StatefulSet", `${w}-tailnet`, "kaze").props.spec;
        expect(sts.replicas).toBe(1);
        const c = sts.template.spec.containers[0];
        expect(c.name).toBe("tailscale");
        expect(envOf(c, "TS_HOSTNAME").value).toBe(w.replace("kaze-", "kaze-prod-"));
        expect(envOf(c, "TS_STATE_DIR").value).toBe("/var/lib/tailscale");
        expect(envOf(c, "TS_EXTRA_ARGS").value).toBe(`--advertise-tags=tag:${w.replace("kaze-", "kaze-prod-")}`);
        expect(c.volumeMounts).toContainEqual({ name: "state", mountPath: "/var/lib/tailscale" });
        expect(sts.volumeClaimTemplates[0].metadata.name).toBe("state");
        // The pod runs restricted (userspace networking) and gets no API token.
        expect(sts.template.spec.automountServiceAccountToken).toBe(false);
        expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
        const serve = JSON.parse(d.k8s("ConfigMap", `${w}-tailnet-serve`, "kaze").props.data["serve.json"]);
        expect(serve).toEqual({ TCP: { [String(port)]: { TCPForward: `${w}.kaze.svc.cluster.local:${port}` } } });
        // The workload lets the proxy in on its port.
        const ingress = d.k8s("NetworkPolicy", w, "kaze").props.spec.ingress as Obj[];
        expect(ingress).toContainEqual({ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kaze" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": `${w}-tailnet` } } }], ports: [{ port, protocol: "TCP" }] });
    });

    it("gives the replicas' sidecars other names, so nothing claims the stable one twice", () => {
        for (const w of ["kaze-runtime", "kaze-knowledge"]) {
            const pod = d.k8s("Deployment", w, "kaze").props.spec.template.spec;
            const ts = pod.containers.find((c: Obj) => c.name === "tailscale");
            expect(ts.env.find((e: Obj) => e.name === "TS_HOSTNAME").value).toBe(`${w.replace("kaze-", "kaze-prod-")}-pod`);
        }
    });

    it("refuses a proxy hostname the sidecars also use", () => {
        const raw = rawStackConfig("prod");
        raw.values.workloads["kaze-runtime"].sidecars.tailscale.hostname = "kaze-prod-runtime";
        const e = configErrorOf(parseCellConfig, raw);
        expect(e.problems.find((p) => p.key === "agent-estate:workloads.kaze-runtime.sidecars.tailscale.proxy.hostname")?.message, e.message).toMatch(/two nodes would claim "kaze-prod-runtime"/);
    });
});

describe("a tailnet grant", () => {
    const problemOf = (edit: (v: Obj) => void, key: string) => {
        const raw = rawStackConfig("dev");
        edit(raw.values);
        const e = configErrorOf(parseCellConfig, raw);
        const p = e.problems.find((x) => x.key === key);
        expect(p, e.message).toBeDefined();
        return p!.message;
    };

    it("to a workload whose sidecar advertises no tag of its own is refused: it would open every node of the cell's tag", () => {
        expect(problemOf((v) => (v.workloads["kaze-runtime"].sidecars.tailscale.tags = []), "agent-estate:tailscale.acl.grants[1].workloads[0]")).toMatch(/advertises no tag of its own.*set sidecars\.tailscale\.tags/);
    });

    it("to a workload the cell lacks, or one off the tailnet, is refused", () => {
        expect(problemOf((v) => v.tailscale.acl.grants[1].workloads.push("kaze-nowhere"), "agent-estate:tailscale.acl.grants[1].workloads[2]")).toMatch(/not a workload/);
        expect(problemOf((v) => delete v.workloads["kaze-knowledge"].sidecars.tailscale, "agent-estate:tailscale.acl.grants[1].workloads[1]")).toMatch(/no tailscale sidecar/);
    });

    it("is the stack's own: without tailscale.acl no policy is declared and the provider keeps the auth_keys scope alone", async () => {
        const { tailscale } = rawStackConfig("dev").values;
        delete tailscale.acl;
        const d = await declare(stackConfig("dev", { set: { tailscale } }));
        expect(d.ofType("tailscale:index/acl:Acl")).toEqual([]);
        expect(scopesOf(d.ofType("pulumi:providers:tailscale")[0].props.scopes)).toEqual(["auth_keys"]);
    });
});
