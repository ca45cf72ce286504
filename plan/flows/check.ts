/**
 * The flows check: every connection the cell asks for, resolved to its destination and judged by the
 * cell's NetworkPolicies on both sides. Flows come from what the program hands its pods (every URL or
 * `host:port` in a container's environment, literal or from a ConfigMap), the API server for pods that
 * project a token, DNS for every pod, and the flows the Cell declares (CellFlows: chart exporters, VIPs,
 * tailnet peers, URLs kept in Secrets).
 */
import { FlowEnd } from "../../components/flows/cell-flows";
import { PlannedResource } from "../types";
import { CellModel, PodTemplate, buildModel } from "./model";
import { Peer, Pod, RuleRef, judge } from "./netpol";

export type FlowStatus = "allowed" | "blocked" | "unresolved";

export interface Flow {
    /** The source: `<namespace>/<workload>` for pods, a name for an address outside the pod network. */
    from: string;
    /** The destination: `<namespace>/<service>` in the cluster, else the host. */
    to: string;
    /** The port asked for (the Service's port, or the external port). */
    port: number;
    protocol: string;
    /** The pods' port the Service forwards to, when it differs. */
    targetPort?: number;
    via: "cluster" | "nodePort" | "tailnet";
    /** Where the program asks for it, e.g. `env OTEL_EXPORTER_OTLP_ENDPOINT`. */
    why: string[];
    status: FlowStatus;
    /** Why it is blocked or unresolved, naming both ends, the port and the policies. */
    reason?: string;
    /** The rules that let it through, `<namespace>/<policy> <direction>[<index>]`. */
    allowedBy: string[];
}

export interface UnusedRule {
    policy: string;
    namespace: string;
    direction: "ingress" | "egress";
    index: number;
    /** The rule as declared, compact. */
    rule: string;
}

export interface FlowReport {
    flows: Flow[];
    blocked: Flow[];
    /** Rules of policies over the program's own pods that no flow uses. */
    unusedRules: UnusedRule[];
}

/** Default ports of the URL schemes workloads are handed. */
const SCHEME_PORTS: Record<string, number> = {
    http: 80, https: 443, ws: 80, wss: 443, grpc: 80, grpcs: 443, postgres: 5432, postgresql: 5432,
    redis: 6379, rediss: 6380, nats: 4222, amqp: 5672, amqps: 5671, mongodb: 27017, mysql: 3306, ssh: 22, git: 9418,
};

/** Hosts that stay inside the pod (sidecars on localhost) or are listen addresses, not destinations. */
function isLocal(host: string): boolean {
    return host === "localhost" || host.startsWith("127.") || host === "0.0.0.0" || host === "::" || host === "::1" || host === "[::]" || host === "[::1]";
}

/** Name suffixes that only resolve on a private network: without declared addresses the plan cannot place them. */
const PRIVATE_SUFFIXES = [".internal", ".local", ".lan", ".corp", ".home.arpa", ".ts.net"];

/**
 * The destination a value names, when the whole value is one URL with a host, or `host:port`;
 * anything else (a list, a path, a sentence) names none.
 */
export function destinationOf(value: string): { host: string; port: number } | undefined {
    const v = value.trim();
    if (/\s/.test(v) || v.includes(",")) return undefined;
    const url = /^([a-z][a-z0-9+.-]*):\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^:/?#]+)(?::(\d+))?(?:[/?#].*)?$/i.exec(v);
    if (url) {
        const scheme = url[1].toLowerCase().replace(/^git\+/, "");
        const port = url[3] !== undefined ? Number(url[3]) : SCHEME_PORTS[scheme];
        if (port === undefined) return undefined;
        return { host: url[2].toLowerCase(), port };
    }
    const hostPort = /^([a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*):(\d{1,5})$/i.exec(v);
    if (hostPort && (hostPort[1].includes(".") || hostPort[1] === "localhost")) return { host: hostPort[1].toLowerCase(), port: Number(hostPort[5]) };
    return undefined;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Where a destination lands. */
type Resolved =
    | { kind: "pods"; label: string; namespace: string; pods: Pod[]; targetPort: (pod: Pod) => number | undefined; servicePortMissing?: string }
    | { kind: "addresses"; label: string; addresses: Array<string | "public">; port: number }
    | { kind: "unresolved"; label: string; reason: string };

/** Resolves hosts against what the stack declares: its Services, the chart Services it names, its externals. */
class Resolver {
    constructor(private readonly m: CellModel) {}

    /** `host` as `<service>/<namespace>` when it is a cluster name (FQDN, `svc.ns.svc`, `svc.ns`, or a bare name in `fromNamespace`). */
    clusterName(host: string, fromNamespace: string | undefined): { service: string; namespace: string } | undefined {
        const parts = host.split(".");
        const svcAt = parts.indexOf("svc");
        if (svcAt >= 2 && (svcAt === parts.length - 1 || parts.slice(svcAt + 1).join(".") === "cluster.local")) return { service: parts[svcAt - 2], namespace: parts[svcAt - 1] };
        if (parts.length === 2 && this.m.namespaces.has(parts[1])) return { service: parts[0], namespace: parts[1] };
        if (parts.length === 1 && fromNamespace !== undefined) return { service: parts[0], namespace: fromNamespace };
        return undefined;
    }

    resolve(host: string, port: number, protocol: string, fromNamespace: string | undefined): Resolved {
        const external = this.m.externals.find((e) => e.host === host);
        if (external) {
            const p = external.ports?.find((x) => x.port === port);
            return { kind: "addresses", label: host, addresses: external.addresses?.length ? external.addresses : ["public"], port: p?.targetPort ?? port };
        }
        const cluster = this.clusterName(host, fromNamespace);
        if (cluster) return this.service(cluster.service, cluster.namespace, port, protocol);
        if (IPV4.test(host)) return { kind: "addresses", label: host, addresses: [host], port };
        if (PRIVATE_SUFFIXES.some((s) => host.endsWith(s)) || !host.includes(".")) {
            return { kind: "unresolved", label: host, reason: `${host} is not a Service of this cell, and no address is declared for it` };
        }
        return { kind: "addresses", label: host, addresses: ["public"], port };
    }

    /** The Service of this cell listening on a NodePort (a VIP's backend). */
    nodePort(nodePort: number): Resolved {
        const svc = this.m.services.find((s) => s.ports.some((p) => p.nodePort === nodePort));
        if (!svc) return { kind: "unresolved", label: `NodePort ${nodePort}`, reason: `no Service of this cell listens on NodePort ${nodePort}` };
        const sp = svc.ports.find((p) => p.nodePort === nodePort)!;
        return this.service(svc.name, svc.namespace, sp.port, sp.protocol);
    }

    service(name: string, namespace: string, port: number, protocol: string): Resolved {
        const label = `${namespace}/${name}`;
        const svc = this.m.services.find((s) => s.name === name && s.namespace === namespace);
        const ep = this.m.endpoints.find((e) => e.service === name && e.namespace === namespace);
        // A Service the program declares in front of pods a controller creates (a Gateway's proxy) is resolved through its declared endpoint.
        const controllerPods = svc?.selector !== undefined && ep !== undefined && !this.m.pods.some((p) => p.namespace === namespace && Object.entries(svc.selector!).every(([k, v]) => p.labels[k] === v));
        if (svc && !controllerPods) {
            const sp = svc.ports.find((p) => p.port === port && p.protocol === protocol);
            const pods = svc.selector ? this.m.pods.filter((p) => p.namespace === namespace && Object.entries(svc.selector!).every(([k, v]) => p.labels[k] === v)) : [];
            if (!svc.selector) return { kind: "unresolved", label, reason: `Service ${label} has no selector; its endpoints are not declared here` };
            const missing = sp ? undefined : `Service ${label} has no ${protocol} port ${port} (ports: ${svc.ports.map((p) => p.port).join(", ") || "none"})`;
            const target = sp?.targetPort ?? port;
            return { kind: "pods", label, namespace, pods, targetPort: (pod) => (typeof target === "number" ? target : pod.namedPorts[target]), servicePortMissing: missing };
        }
        if (ep) {
            const ep_port = ep.ports.find((p) => p.port === port && (p.protocol ?? "TCP") === protocol);
            const pod: Pod = { namespace, labels: ep.podSelector, namedPorts: {} };
            const missing = ep_port ? undefined : `Service ${label} (${ep.owner}) has no ${protocol} port ${port} (ports: ${ep.ports.map((p) => p.port).join(", ")})`;
            return { kind: "pods", label, namespace, pods: [pod], targetPort: () => ep_port?.targetPort ?? port, servicePortMissing: missing };
        }
        return { kind: "unresolved", label, reason: `no Service ${label} is declared by this cell or named by its config` };
    }
}

/** A source of a flow: a rendered pod, pods by labels (a chart's), or addresses outside the pod network. */
type Source = { label: string; pod?: Pod; namespace?: string; addresses?: string[]; tailnetTags?: string[] };

function sourceOf(m: CellModel, end: FlowEnd): Source {
    if ("namespace" in end) {
        // Pods the program renders are named as the rendered ones, so their flows merge.
        const rendered = m.pods.find((p) => p.namespace === end.namespace && Object.entries(end.podSelector).every(([k, v]) => p.labels[k] === v));
        if (rendered) return { label: rendered.id, pod: rendered, namespace: rendered.namespace };
        return { label: `${end.namespace}/${end.name}`, namespace: end.namespace, pod: { namespace: end.namespace, labels: end.podSelector, namedPorts: {} } };
    }
    if ("addresses" in end) return { label: end.name, addresses: end.addresses };
    return { label: end.name, tailnetTags: end.tailnetTags };
}

const ruleName = (r: RuleRef) => `${r.namespace}/${r.policy} ${r.direction}[${r.index}]`;

/** Checks every flow of the cell; see the module comment for where flows come from. */
export function checkFlows(resources: PlannedResource[]): FlowReport {
    const m = buildModel(resources);
    const resolver = new Resolver(m);
    const flows = new Map<string, Flow>();
    const used = new Set<string>();

    const add = (source: Source, host: string, port: number, protocol: string, via: Flow["via"], why: string) => {
        const dest = via === "nodePort" ? resolver.nodePort(port) : resolver.resolve(host, port, protocol, source.namespace);
        const key = `${source.label}|${dest.label}|${port}|${protocol}|${via}`;
        const existing = flows.get(key);
        if (existing) {
            if (!existing.why.includes(why)) existing.why.push(why);
            return;
        }
        const flow = evaluate(m, source, dest, port, protocol, via);
        flow.why = [why];
        for (const r of flow.allowedBy) used.add(r);
        flows.set(key, flow);
    };

    for (const pod of m.pods) {
        const source: Source = { label: pod.id, pod, namespace: pod.namespace };
        for (const e of pod.env) {
            const d = destinationOf(e.value);
            if (!d || isLocal(d.host)) continue;
            add(source, d.host, d.port, "TCP", "cluster", `env ${e.name}`);
        }
        // A tailscale sidecar (the image's TS_* contract) reaches the coordination server and DERP relays, and STUN.
        if (pod.env.some((e) => e.name === "TS_HOSTNAME")) {
            add(source, "controlplane.tailscale.com", 443, "TCP", "cluster", "tailscale: coordination server, DERP relays");
            add(source, "derp.tailscale.com", 3478, "UDP", "cluster", "tailscale: STUN");
        }
        if (pod.projectsApiToken) add(source, "kubernetes.default.svc", 443, "TCP", "cluster", "Kubernetes API (projected token)");
        add(source, "kube-dns.kube-system.svc", 53, "UDP", "cluster", "DNS");
    }
    for (const f of m.declared) {
        const nodePort = /^nodeport:(\d+)$/.exec(f.to);
        const bare = /^([a-z0-9.-]+):(\d+)$/i.exec(f.to);
        const d = nodePort ? { host: "nodeport", port: Number(nodePort[1]) } : (destinationOf(f.to) ?? (bare ? { host: bare[1], port: Number(bare[2]) } : undefined));
        if (!d) throw new Error(`CellFlows: "${f.to}" (${f.why}) is neither a URL nor host:port`);
        add(sourceOf(m, f.from), d.host, d.port, f.protocol ?? "TCP", f.via ?? "cluster", f.why);
    }

    // The order localeCompare gives, with each flow's key built once and one collator (localeCompare
    // makes one per comparison).
    const collator = new Intl.Collator();
    const all = [...flows.values()]
        .map((f) => ({ f, key: `${f.from} ${f.to} ${f.port}` }))
        .sort((a, b) => collator.compare(a.key, b.key))
        .map((x) => x.f);
    return { flows: all, blocked: all.filter((f) => f.status === "blocked"), unusedRules: unusedRules(m, used) };
}

/** Judges one flow at both ends. */
function evaluate(m: CellModel, source: Source, dest: Resolved, port: number, protocol: string, via: Flow["via"]): Flow {
    const base = { from: source.label, to: dest.label, port, protocol, via, why: [] as string[], allowedBy: [] as string[] };
    const what = `${source.label} → ${dest.label}:${port}/${protocol}`;
    if (dest.kind === "unresolved") return { ...base, status: "unresolved", reason: `${what}: ${dest.reason}` };
    if (via === "tailnet") return tailnetFlow(m, base, source, dest, what);

    const allowedBy = new Set<string>();
    const denials: string[] = [];
    const judgeAt = (pod: Pod, direction: "ingress" | "egress", other: Peer, p: number) => {
        const v = judge(m.policies, pod, direction, other, p, protocol, m.namespaceLabels);
        v.allowedBy.forEach((r) => allowedBy.add(ruleName(r)));
        if (!v.allowed) {
            const at = direction === "egress" ? source.label : dest.label;
            denials.push(`${direction} at ${at} on ${p}/${protocol}: no rule of NetworkPolicy ${v.isolatedBy.map((n) => `${pod.namespace}/${n}`).join(", ")} allows it`);
        }
    };

    if (dest.kind === "addresses") {
        if (source.pod) for (const a of dest.addresses) judgeAt(source.pod, "egress", { kind: "address", address: a }, dest.port);
        const targetPort = dest.port !== port ? dest.port : undefined;
        return finish(base, what, denials, allowedBy, targetPort);
    }
    if (dest.servicePortMissing) return { ...base, status: "blocked", reason: `${what}: ${dest.servicePortMissing}` };
    if (dest.pods.length === 0) return { ...base, status: "blocked", reason: `${what}: Service ${dest.label} selects no pod this cell declares` };
    let targetPort: number | undefined;
    for (const pod of dest.pods) {
        const tp = dest.targetPort(pod);
        if (tp === undefined) {
            denials.push(`the Service's named target port is not a container port of the pods behind ${dest.label}`);
            continue;
        }
        targetPort = tp;
        if (source.pod) judgeAt(source.pod, "egress", { kind: "pod", pod }, tp);
        for (const a of source.addresses ?? []) judgeAt(pod, "ingress", { kind: "address", address: a }, tp);
        if (source.pod) judgeAt(pod, "ingress", { kind: "pod", pod: source.pod }, tp);
    }
    return finish(base, what, denials, allowedBy, targetPort !== port ? targetPort : undefined);
}

function finish(base: Omit<Flow, "status">, what: string, denials: string[], allowedBy: Set<string>, targetPort: number | undefined): Flow {
    const flow: Flow = { ...base, ...(targetPort !== undefined ? { targetPort } : {}), status: denials.length ? "blocked" : "allowed", allowedBy: [...allowedBy].sort() };
    if (denials.length) flow.reason = `${what} is blocked: ${[...new Set(denials)].join("; ")}`;
    return flow;
}

/**
 * A tailnet peer reaching pods through their tailscale sidecar: the pods must run one, the sidecar
 * must reach the tailnet (HTTPS to the coordination server and relays), and a declared tailnet ACL
 * must grant the peer's tags the port.
 */
function tailnetFlow(m: CellModel, base: Omit<Flow, "status">, source: Source, dest: Resolved & { kind: "pods" | "addresses" }, what: string): Flow {
    if (dest.kind !== "pods") return { ...base, status: "unresolved", reason: `${what}: a tailnet flow must name a Service of this cell` };
    const denials: string[] = [];
    const allowedBy = new Set<string>();
    const rendered = dest.pods.filter((p): p is PodTemplate => "id" in p);
    for (const pod of rendered) {
        if (!pod.containers.includes("tailscale")) denials.push(`${pod.id} runs no tailscale sidecar`);
        const v = judge(m.policies, pod, "egress", { kind: "address", address: "public" }, 443, "TCP", m.namespaceLabels);
        v.allowedBy.forEach((r) => allowedBy.add(ruleName(r)));
        if (!v.allowed) denials.push(`egress at ${pod.id} to the tailnet's coordination server (443/TCP): no rule of NetworkPolicy ${v.isolatedBy.join(", ")} allows it`);
    }
    const port = dest.targetPort(rendered[0] ?? dest.pods[0]) ?? base.port;
    if (m.tailnetAcl !== undefined) {
        const destTags = rendered.flatMap((p) => tagsOf(p));
        if (!aclAllows(m.tailnetAcl, source.tailnetTags ?? [], destTags, port)) denials.push(`the tailnet ACL grants ${(source.tailnetTags ?? []).join(",") || source.label} nothing on ${destTags.join(",") || "the pods' tags"}:${port}`);
    }
    return finish(base, what, denials, allowedBy, port !== base.port ? port : undefined);
}

/** The ACL tags a pod's tailscale sidecar advertises. */
function tagsOf(pod: PodTemplate): string[] {
    const args = pod.env.find((e) => e.container === "tailscale" && e.name === "TS_EXTRA_ARGS")?.value ?? "";
    const m = /--advertise-tags=(\S+)/.exec(args);
    return m ? m[1].split(",") : [];
}

/** Whether a tailnet policy's `acls` (or `grants`) let any of `src` tags reach any of `dst` tags on `port`. */
export function aclAllows(text: string, src: string[], dst: string[], port: number): boolean {
    let policy: { acls?: Array<{ action?: string; src?: string[]; dst?: string[] }> };
    try {
        policy = JSON.parse(text) as typeof policy;
    } catch {
        return false;
    }
    const matchesTag = (pattern: string, tags: string[]) => pattern === "*" || tags.includes(pattern);
    return (policy.acls ?? []).some((rule) => {
        if ((rule.action ?? "accept") !== "accept") return false;
        if (!(rule.src ?? []).some((s) => matchesTag(s, src))) return false;
        return (rule.dst ?? []).some((d) => {
            const at = d.lastIndexOf(":");
            const host = d.slice(0, at);
            const ports = d.slice(at + 1);
            if (!matchesTag(host, dst)) return false;
            return ports === "*" || ports.split(",").some((p) => {
                const [lo, hi] = p.split("-").map(Number);
                return hi === undefined ? port === lo : port >= lo && port <= hi;
            });
        });
    });
}

/** Rules of policies that select at least one of the program's own pods, which no flow uses. */
function unusedRules(m: CellModel, used: Set<string>): UnusedRule[] {
    const out: UnusedRule[] = [];
    for (const p of m.policies) {
        const own = m.pods.some((pod) => pod.namespace === p.namespace && Object.entries(p.podSelector.matchLabels ?? {}).every(([k, v]) => pod.labels[k] === v));
        if (!own) continue;
        for (const direction of ["ingress", "egress"] as const) {
            if (!p.types.includes(direction === "ingress" ? "Ingress" : "Egress")) continue;
            p[direction].forEach((rule, index) => {
                if (used.has(ruleName({ policy: p.name, namespace: p.namespace, direction, index }))) return;
                out.push({ policy: p.name, namespace: p.namespace, direction, index, rule: JSON.stringify({ [direction === "ingress" ? "from" : "to"]: rule.peers ?? [], ports: rule.ports ?? [] }) });
            });
        }
    }
    return out;
}
