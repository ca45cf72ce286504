import { z } from "zod";
import { AddonsConfig } from "./sections/addons";
import { AgentgatewayConfig } from "./sections/agentgateway";
import { F5Config, vipListenerService } from "./sections/edge";
import { endpointAddress, ExternalEndpointsConfig } from "./sections/endpoints";
import { gatewayHost, gatewayServiceName, GatewaysConfig, routeNames } from "./sections/gateways";
import { KagentConfig } from "./sections/kagent";
import type { EnvValueFrom, SharedVolumeSpec } from "./sections/workloads";

/**
 * The one reference model: every object of the config that points at another (a route at its
 * Gateway, a backend at the Service it forwards to, an agent at its ModelConfig and MCP servers, a
 * RemoteMCPServer or exporter URL at a route or Service, a VIP at its Service, a policy at its
 * targets) resolves through one index of what the stack declares, or of what config marks
 * external. "Points at nothing" is one error with one wording everywhere: {@link notDeclared}.
 */

interface ReferenceInput {
    namespaces: ReadonlyArray<{ name: string }>;
    workloads: Readonly<Record<string, ReferencedWorkload>>;
    gateways?: GatewaysConfig;
    agentgateway?: AgentgatewayConfig;
    kagent?: KagentConfig;
    externalEndpoints?: ExternalEndpointsConfig;
    addons: AddonsConfig;
    f5?: F5Config;
    tailscale?: { services: Readonly<Record<string, { service: string; port: number }>> };
}

/** What a reference reads of a workload: its Service, its workspace and who mounts it. */
interface ReferencedWorkload {
    namespace: string;
    port: number;
    nodePort?: number;
    kind?: "Deployment" | "StatefulSet";
    workspace?: { accessMode: "ReadWriteOnce" | "ReadWriteMany" | "ReadWriteOncePod" };
    sharedVolumes?: ReadonlyArray<SharedVolumeSpec>;
    nodeSelector?: Readonly<Record<string, string>>;
}

/** A workspace volume another workload may mount: its claim, where it lives, and how it attaches. */
interface DeclaredVolume {
    claimName: string;
    namespace: string;
    accessMode: "ReadWriteOnce" | "ReadWriteMany" | "ReadWriteOncePod";
    /** A StatefulSet's workspace is one claim per pod, none another workload can name. */
    perPod: boolean;
}

/** The claim of a workload's workspace (a Deployment's one PVC). */
export function workspaceClaimName(workload: string): string {
    return `${workload}-workspace`;
}

/** The node label a pin names. */
const HOSTNAME_LABEL = "kubernetes.io/hostname";

/** A Service the stack declares: who declares it, where, and on which ports (and NodePorts). */
interface DeclaredService {
    owner: string;
    namespace: string;
    ports: number[];
    nodePorts: number[];
}

/** The wording of every unresolved reference. */
export function notDeclared(kind: string, name: string, declared: readonly string[], fix: string): string {
    const list = declared.length > 0 ? [...declared].sort().join(", ") : "none";
    return `points at ${kind} "${name}", which this stack does not declare (declared: ${list}); ${fix}`;
}

/** Everything a reference can point at, built once from the config. */
export class DeclaredIndex {
    /** In-cluster Services by `<name>.<namespace>`. */
    readonly services = new Map<string, DeclaredService>();
    /** Route path prefixes by `<service>.<namespace>:<port>` of the Gateway that serves them. */
    readonly routePaths = new Map<string, string[]>();
    readonly routes = new Set<string>();
    readonly external: ReadonlyArray<{ name: string; host: string; port: number }>;
    readonly namespaces: Set<string>;
    /** Workspace volumes by the workload that owns them. */
    readonly volumes = new Map<string, DeclaredVolume>();

    constructor(readonly cfg: ReferenceInput) {
        this.namespaces = new Set(cfg.namespaces.map((n) => n.name));
        for (const [w, spec] of Object.entries(cfg.workloads)) {
            if (spec.workspace) this.volumes.set(w, { claimName: workspaceClaimName(w), namespace: spec.namespace, accessMode: spec.workspace.accessMode, perPod: spec.kind === "StatefulSet" });
            this.services.set(`${w}.${spec.namespace}`, { owner: `workload ${w}`, namespace: spec.namespace, ports: [spec.port], nodePorts: spec.nodePort === undefined ? [] : [spec.nodePort] });
        }
        for (const [g, spec] of Object.entries(cfg.gateways ?? {})) {
            const ports = spec.listeners.map((l) => l.port);
            const nodePorts = spec.listeners.flatMap((l) => (l.nodePort === undefined ? [] : [l.nodePort]));
            // The controller's own Service carries the Gateway's name; the program's NodePort Service its own.
            this.services.set(`${g}.${spec.namespace}`, { owner: `Gateway ${g}`, namespace: spec.namespace, ports, nodePorts: [] });
            if (nodePorts.length > 0) this.services.set(`${gatewayServiceName(g, spec)}.${spec.namespace}`, { owner: `Gateway ${g}`, namespace: spec.namespace, ports, nodePorts });
        }
        const o = cfg.addons.otelCollector;
        if (o) this.services.set(`${o.name}.${o.namespace}`, { owner: "addons.otelCollector", namespace: o.namespace, ports: [4317, 4318], nodePorts: [] });
        // The Langfuse add-on's web Service (the chart's name for it).
        if (cfg.addons.langfuse) this.services.set("langfuse-web.langfuse", { owner: "addons.langfuse", namespace: "langfuse", ports: [3000], nodePorts: [] });
        // Grafana's web Service of the monitoring add-on (the chart's name for it).
        if (cfg.addons.monitoring) this.services.set("kube-prometheus-stack-grafana.monitoring", { owner: "addons.monitoring", namespace: "monitoring", ports: [80], nodePorts: [] });
        const t = cfg.kagent?.telemetryCollector;
        if (t && cfg.kagent) this.services.set(`${t.service}.${cfg.kagent.namespace}`, { owner: "kagent.telemetryCollector", namespace: cfg.kagent.namespace, ports: [t.port], nodePorts: [] });

        const ag = cfg.agentgateway;
        for (const [b, backend] of Object.entries(ag?.backends ?? {})) {
            routeNames(b, backend.routes).forEach((name, i) => {
                this.routes.add(name);
                const route = backend.routes[i];
                const gw = cfg.gateways?.[route.gateway];
                if (!gw) return;
                const host = gatewayHost(route.gateway, gw).replace(/\.svc\.cluster\.local$/, "");
                for (const host_ of new Set([host, `${route.gateway}.${gw.namespace}`])) {
                    for (const l of gw.listeners) {
                        const key = `${host_}:${l.port}`;
                        this.routePaths.set(key, [...(this.routePaths.get(key) ?? []), route.path]);
                    }
                }
            });
        }
        this.external = Object.entries(cfg.externalEndpoints ?? {}).map(([name, e]) => ({ name, ...endpointAddress(e.url) }));
    }

    /** `<name>.<namespace>` of an in-cluster host (`svc`, `svc.ns`, `svc.ns.svc`, `svc.ns.svc.cluster.local`), or undefined for a host outside the cluster. */
    clusterService(host: string, fromNamespace: string): string | undefined {
        const labels = host.replace(/\.svc\.cluster\.local$/, "").replace(/\.svc$/, "").split(".");
        if (labels.length === 1) return `${labels[0]}.${fromNamespace}`;
        if (labels.length === 2 && (this.namespaces.has(labels[1]) || host.endsWith(".svc") || host.endsWith(".svc.cluster.local") || [...this.services.keys()].some((k) => k.endsWith(`.${labels[1]}`)))) {
            return labels.join(".");
        }
        return undefined;
    }

    /**
     * Resolves a host and port: an in-cluster Service the stack declares, on one of its ports, or a
     * declared external endpoint. Returns the problem, or undefined when it resolves.
     */
    resolveHost(host: string, port: number, fromNamespace: string, path?: string): string | undefined {
        const service = this.clusterService(host, fromNamespace);
        if (service !== undefined) {
            const s = this.services.get(service);
            if (!s) return notDeclared("Service", service, [...this.services.keys()], "declare it (a workload, a Gateway, the OTel collector) or name an endpoint of agent-estate:externalEndpoints");
            if (!s.ports.includes(port)) return `points at port ${port} of Service "${service}" (${s.owner}), which serves ${s.ports.join(", ")}; use one of those ports`;
            // A Gateway answers only the paths its routes serve.
            const paths = this.routePaths.get(`${service}:${port}`) ?? [];
            if (path !== undefined && s.owner.startsWith("Gateway ") && !paths.some((p) => path.startsWith(p))) {
                return notDeclared(`an HTTPRoute for "${path}" on`, `${service}:${port}`, paths, "add a route with that path prefix to a backend on this Gateway (agent-estate:agentgateway.backends.<name>.routes)");
            }
            return undefined;
        }
        if (this.external.some((e) => e.host === host && e.port === port)) return undefined;
        return notDeclared("external endpoint", `${host}:${port}`, this.external.map((e) => `${e.name} (${e.host}:${e.port})`), `add it to agent-estate:externalEndpoints, e.g. { url: "${port === 80 ? "http" : "https"}://${host}${port === 80 || port === 443 ? "" : `:${port}`}" }, or point at a Service of this stack`);
    }

    /** Resolves a URL (or `host:port`) the way {@link resolveHost} does, paths included. */
    resolveUrl(raw: string, fromNamespace: string): string | undefined {
        let url: URL;
        try {
            url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `grpc://${raw}`);
        } catch {
            return `"${raw}" is not a URL or host:port`;
        }
        const port = url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port);
        const path = url.protocol === "grpc:" ? undefined : url.pathname;
        return this.resolveHost(url.hostname, port, fromNamespace, path);
    }
}

/** The PVC names the stack declares: each Deployment workload's workspace and each job template's claims. */
export function declaredClaims(
    workloads: Readonly<Record<string, { kind: string; workspace?: unknown }>>,
    jobTemplates: Readonly<Record<string, { claims: Readonly<Record<string, unknown>> }>>,
): string[] {
    return [
        ...Object.entries(workloads).flatMap(([w, spec]) => (spec.workspace !== undefined && spec.kind === "Deployment" ? [workspaceClaimName(w)] : [])),
        ...Object.values(jobTemplates).flatMap((t) => Object.keys(t.claims)),
    ];
}

interface EnvReferenceInput {
    workloads: Readonly<Record<string, { namespace: string; kind: string; workspace?: unknown; env: Readonly<Record<string, string | EnvValueFrom>> }>>;
    jobTemplates: Readonly<Record<string, { namespace: string; claims: Readonly<Record<string, unknown>> }>>;
    images: { pins: Readonly<Record<string, { tag?: string }>> };
    ingresses: Readonly<Record<string, { namespace: string; hosts: ReadonlyArray<{ name: string; tls: boolean }> }>>;
}

/** The public URL of a declared Ingress: its first host, https unless that host is served without TLS. */
export function ingressUrl(ingresses: EnvReferenceInput["ingresses"], ingress: string, path: string): string {
    const host = ingresses[ingress]?.hosts[0];
    if (host === undefined) throw new Error(`Ingress "${ingress}" is not declared; the config schema should have refused this stack`);
    return `${host.tls ? "https" : "http"}://${host.name}${path}`;
}

/**
 * Every `{ valueFrom }` of a workload's env names an object the stack declares, in the workload's
 * namespace: a PVC, a ServiceAccount (a workload's or a job template's), or an image pin.
 */
export function checkEnvReferences(cfg: EnvReferenceInput, ctx: Ctx): void {
    const claims = (ns: string) =>
        declaredClaims(
            Object.fromEntries(Object.entries(cfg.workloads).filter(([, w]) => w.namespace === ns)),
            Object.fromEntries(Object.entries(cfg.jobTemplates).filter(([, t]) => t.namespace === ns)),
        );
    const accounts = (ns: string) => [...Object.entries(cfg.workloads), ...Object.entries(cfg.jobTemplates)].filter(([, x]) => x.namespace === ns).map(([n]) => n);
    for (const [w, spec] of Object.entries(cfg.workloads)) {
        for (const [key, value] of Object.entries(spec.env)) {
            if (typeof value === "string") continue;
            const from = value.valueFrom;
            const path = ["workloads", w, "env", key, "valueFrom"];
            if ("persistentVolumeClaim" in from && !claims(spec.namespace).includes(from.persistentVolumeClaim)) {
                issue(ctx, [...path, "persistentVolumeClaim"], notDeclared(`PersistentVolumeClaim in namespace ${spec.namespace}`, from.persistentVolumeClaim, claims(spec.namespace), "name a Deployment's workspace (<workload>-workspace) or a claim of agent-estate:jobTemplates"));
            }
            if ("serviceAccount" in from && !accounts(spec.namespace).includes(from.serviceAccount)) {
                issue(ctx, [...path, "serviceAccount"], notDeclared(`ServiceAccount in namespace ${spec.namespace}`, from.serviceAccount, accounts(spec.namespace), "name a workload or a job template of agent-estate:jobTemplates (each ServiceAccount is named after it)"));
            }
            const noPin = (pin: string) => notDeclared("image pin", pin, Object.keys(cfg.images.pins), `add it to agent-estate:images.pins, e.g. ${pin}: { tag: "1.0.0" }`);
            if ("image" in from && !(from.image in cfg.images.pins)) issue(ctx, [...path, "image"], noPin(from.image));
            if ("imageTag" in from) {
                const pin = cfg.images.pins[from.imageTag];
                if (pin === undefined) issue(ctx, [...path, "imageTag"], noPin(from.imageTag));
                else if (pin.tag === undefined) issue(ctx, [...path, "imageTag"], `image pin "${from.imageTag}" is pinned by digest only and has no tag to report; add its release tag to agent-estate:images.pins.${from.imageTag}, e.g. tag: "1.0.0"`);
            }
            if ("ingressUrl" in from && !(from.ingressUrl.ingress in cfg.ingresses)) {
                issue(ctx, [...path, "ingressUrl", "ingress"], notDeclared("Ingress", from.ingressUrl.ingress, Object.keys(cfg.ingresses), "declare it in agent-estate:ingresses"));
            }
        }
    }
}

type Ctx = z.RefinementCtx;
const issue = (ctx: Ctx, path: PropertyKey[], message: string) => ctx.addIssue({ code: "custom", path, message });

/** Checks every reference of the config against the {@link DeclaredIndex}; each problem names its key. */
export function checkReferences(cfg: ReferenceInput, ctx: Ctx): void {
    const index = new DeclaredIndex(cfg);
    const gateways = cfg.gateways ?? {};
    const nsCheck = (path: PropertyKey[], ns: string) => {
        if (!index.namespaces.has(ns)) issue(ctx, path, notDeclared("namespace", ns, [...index.namespaces], "add it to agent-estate:namespaces (with its podSecurity level)"));
    };

    for (const [g, spec] of Object.entries(gateways)) nsCheck(["gateways", g, "namespace"], spec.namespace);

    const ag = cfg.agentgateway;
    if (ag) {
        nsCheck(["agentgateway", "namespace"], ag.namespace);
        const backends = Object.keys(ag.backends);
        for (const [b, backend] of Object.entries(ag.backends)) {
            backend.routes.forEach((r, i) => {
                if (!(r.gateway in gateways)) issue(ctx, ["agentgateway", "backends", b, "routes", i, "gateway"], notDeclared("Gateway", r.gateway, Object.keys(gateways), "declare it in agent-estate:gateways"));
            });
            // Where the backend forwards to: MCP targets and static hosts are Services or external endpoints.
            const targets = ((backend.mcp?.targets as unknown[] | undefined) ?? []) as Array<{ static?: { host?: unknown; port?: unknown; path?: unknown } }>;
            targets.forEach((t, i) => {
                if (typeof t.static?.host !== "string" || typeof t.static.port !== "number") return;
                const problem = index.resolveHost(t.static.host, t.static.port, ag.namespace);
                if (problem) issue(ctx, ["agentgateway", "backends", b, "mcp", "targets", i, "static", "host"], problem);
            });
            const st = backend.static as { host?: unknown; port?: unknown } | undefined;
            if (typeof st?.host === "string" && typeof st.port === "number") {
                const problem = index.resolveHost(st.host, st.port, ag.namespace);
                if (problem) issue(ctx, ["agentgateway", "backends", b, "static", "host"], problem);
            }
        }
        for (const [p, policy] of Object.entries(ag.policies)) {
            const refs = (policy.spec.targetRefs as Array<{ kind?: unknown; name?: unknown }> | undefined) ?? [];
            refs.forEach((ref, i) => {
                if (typeof ref.name !== "string") return;
                const path = ["agentgateway", "policies", p, "spec", "targetRefs", i, "name"];
                if (ref.kind === "Gateway" && !(ref.name in gateways)) issue(ctx, path, notDeclared("Gateway", ref.name, Object.keys(gateways), "declare it in agent-estate:gateways"));
                if (ref.kind === "HTTPRoute" && !index.routes.has(ref.name)) issue(ctx, path, notDeclared("HTTPRoute", ref.name, [...index.routes], "add the route to a backend's routes in agent-estate:agentgateway.backends"));
                if (ref.kind === "AgentgatewayBackend" && !backends.includes(ref.name)) issue(ctx, path, notDeclared("AgentgatewayBackend", ref.name, backends, "declare it in agent-estate:agentgateway.backends"));
            });
        }
    }

    const k = cfg.kagent;
    if (k) {
        nsCheck(["kagent", "namespace"], k.namespace);
        const models = Object.keys(k.modelConfigs);
        const remotes = Object.keys(k.remoteMCPServers);
        const locals = Object.keys(k.mcpServers);
        const agents = Object.keys(k.agents);
        for (const [a, agent] of Object.entries(k.agents)) {
            const decl = agent.spec.declarative as { modelConfig?: unknown; tools?: unknown } | undefined;
            if (typeof decl?.modelConfig === "string" && !models.includes(decl.modelConfig)) {
                issue(ctx, ["kagent", "agents", a, "spec", "declarative", "modelConfig"], notDeclared("ModelConfig", decl.modelConfig, models, "declare it in agent-estate:kagent.modelConfigs"));
            }
            const tools = (Array.isArray(decl?.tools) ? decl.tools : []) as Array<{ mcpServer?: { kind?: unknown; name?: unknown }; agent?: { name?: unknown } }>;
            tools.forEach((t, i) => {
                const m = t.mcpServer;
                if (typeof m?.name === "string") {
                    const remote = m.kind === "RemoteMCPServer";
                    const declared = remote ? remotes : locals;
                    if (!declared.includes(m.name)) {
                        issue(ctx, ["kagent", "agents", a, "spec", "declarative", "tools", i, "mcpServer", "name"], notDeclared(remote ? "RemoteMCPServer" : "MCPServer", m.name, declared, `declare it in agent-estate:kagent.${remote ? "remoteMCPServers" : "mcpServers"}`));
                    }
                }
                if (typeof t.agent?.name === "string" && !agents.includes(t.agent.name)) {
                    issue(ctx, ["kagent", "agents", a, "spec", "declarative", "tools", i, "agent", "name"], notDeclared("Agent", t.agent.name, agents, "declare it in agent-estate:kagent.agents"));
                }
            });
        }
        for (const [r, remote] of Object.entries(k.remoteMCPServers)) {
            if (typeof remote.spec.url !== "string") continue;
            const problem = index.resolveUrl(remote.spec.url, k.namespace);
            if (problem) issue(ctx, ["kagent", "remoteMCPServers", r, "spec", "url"], problem);
        }
        for (const [m, model] of Object.entries(k.modelConfigs)) {
            for (const provider of ["openAI", "anthropic"]) {
                const baseUrl = (model.spec[provider] as { baseUrl?: unknown } | undefined)?.baseUrl;
                if (typeof baseUrl !== "string") continue;
                const problem = index.resolveUrl(baseUrl, k.namespace);
                if (problem) issue(ctx, ["kagent", "modelConfigs", m, "spec", provider, "baseUrl"], problem);
            }
        }
    }

    const o = cfg.addons.otelCollector;
    if (o) {
        if (o.namespace !== "observability") nsCheck(["addons", "otelCollector", "namespace"], o.namespace);
        (o.acceptFrom ?? []).forEach((ns, i) => nsCheck(["addons", "otelCollector", "acceptFrom", i], ns));
        const langfuse = index.resolveUrl(o.langfuse.endpoint, o.namespace);
        if (langfuse) issue(ctx, ["addons", "otelCollector", "langfuse", "endpoint"], langfuse);
        const sink = index.resolveUrl(o.secondSink.endpoint, o.namespace);
        if (sink) issue(ctx, ["addons", "otelCollector", "secondSink", "endpoint"], sink);
    }

    // Tailnet services: each names a Service the stack declares (a workload, Langfuse…), on one of its ports.
    for (const [name, svc] of Object.entries(cfg.tailscale?.services ?? {})) {
        const [service, namespace] = svc.service.split(".");
        const problem = index.resolveHost(`${service}.${namespace}.svc`, svc.port, namespace);
        if (problem) issue(ctx, ["tailscale", "services", name, "service"], problem);
    }

    // Workload → another workload's workspace: declared, mountable from here, and attachable where both run.
    for (const [w, spec] of Object.entries(cfg.workloads)) {
        (spec.sharedVolumes ?? []).forEach((ref, i) => {
            if (!("workload" in ref)) return;
            const path = ["workloads", w, "sharedVolumes", i, "workload"];
            const vol = index.volumes.get(ref.workload);
            if (ref.workload === w) return issue(ctx, path, "is this workload itself, which mounts its workspace already; remove the entry");
            if (!vol) {
                const owners = [...index.volumes.keys()];
                const fix = cfg.workloads[ref.workload] ? `give workload "${ref.workload}" a workspace: { size: 5Gi }, or name one of those` : "name a workload of agent-estate:workloads that has a workspace";
                return issue(ctx, path, notDeclared("the workspace of workload", ref.workload, owners, fix));
            }
            if (vol.perPod) return issue(ctx, path, `"${ref.workload}" is a StatefulSet: its workspaces are one claim per pod, none another workload can mount; make it kind: Deployment with a ReadWriteMany workspace`);
            if (vol.namespace !== spec.namespace) {
                return issue(ctx, path, `the workspace of "${ref.workload}" is a PersistentVolumeClaim in namespace "${vol.namespace}", and a pod mounts claims of its own namespace only ("${spec.namespace}"); run both in one namespace`);
            }
            const owner = cfg.workloads[ref.workload];
            const modePath = `agent-estate:workloads.${ref.workload}.workspace.accessMode`;
            if (vol.accessMode === "ReadWriteOncePod") {
                return issue(ctx, path, `the workspace of "${ref.workload}" is ReadWriteOncePod: one pod only may mount it, and "${ref.workload}" already does; set ${modePath} to ReadWriteMany`);
            }
            if (vol.accessMode === "ReadWriteOnce") {
                // RWO attaches a volume to one node: pods of two workloads share it only when both are pinned to that node.
                const pinOwner = owner.nodeSelector?.[HOSTNAME_LABEL];
                const pinHere = spec.nodeSelector?.[HOSTNAME_LABEL];
                if (pinOwner === undefined || pinOwner !== pinHere) {
                    const pins = `(${ref.workload}: ${pinOwner ?? "any node"}, ${w}: ${pinHere ?? "any node"})`;
                    issue(
                        ctx,
                        path,
                        `the workspace of "${ref.workload}" is ReadWriteOnce, attached to one node at a time, and the pods of "${w}" and "${ref.workload}" are not pinned to one node ${pins}; set ${modePath} to ReadWriteMany, or pin both with nodeSelector: { ${HOSTNAME_LABEL}: <node> }`,
                    );
                }
            }
        });
    }

    // VIP → Service: every listener fronts a Service the stack declares (or one marked external) on a NodePort it holds.
    const nodePortServices = [...index.services.entries()].filter(([, s]) => s.nodePorts.length > 0);
    const holders = new Map<number, string>(nodePortServices.flatMap(([name, s]) => s.nodePorts.map((np) => [np, name] as [number, string])));
    cfg.f5?.vips.forEach((vip, i) =>
        vip.listeners.forEach((l, j) => {
            const path = ["f5", "vips", i, "listeners", j];
            const service = vipListenerService(l);
            if (l.external) {
                const holder = l.nodePort === undefined ? undefined : holders.get(l.nodePort);
                if (holder !== undefined) issue(ctx, [...path, "nodePort"], `NodePort ${l.nodePort} is held by Service "${holder}", which this stack declares; name that Service instead of marking the listener external`);
                return;
            }
            const matches = nodePortServices.filter(([name]) => name.split(".")[0] === service);
            if (matches.length === 0 && cfg.workloads[service] !== undefined) {
                issue(ctx, [...path, l.workload !== undefined ? "workload" : "service"], `workload "${service}" has no fixed NodePort; set agent-estate:workloads.${service}.nodePort (30000-32767) so VIP "${vip.name}" can reach it`);
                return;
            }
            if (matches.length === 0) {
                const why = l.nodePort !== undefined && !holders.has(l.nodePort) ? `no declared Service holds NodePort ${l.nodePort}; ` : "";
                issue(ctx, [...path, l.workload !== undefined ? "workload" : "service"], `${why}${notDeclared("Service", service, nodePortServices.map(([name]) => name.split(".")[0]), "give a workload or a Gateway listener that NodePort, or mark the listener external: true with its nodePort")}`);
                return;
            }
            const held = matches.flatMap(([, s]) => s.nodePorts);
            if (l.nodePort !== undefined && !held.includes(l.nodePort)) {
                issue(ctx, [...path, "nodePort"], `no declared Service holds NodePort ${l.nodePort}: Service "${service}" holds ${held.join(", ")}; use one of those or remove nodePort`);
            } else if (l.nodePort === undefined && held.length > 1) {
                issue(ctx, [...path, "nodePort"], `is required: Service "${service}" holds several NodePorts (${held.join(", ")}); name the one behind port ${l.port}`);
            }
        }),
    );
}

/** The NodePort behind a VIP listener: its own, else the one its declared Service holds (the schema checked it resolves). */
export function listenerNodePort(l: { service?: string; workload?: string; nodePort?: number }, cfg: ReferenceInput): number {
    if (l.nodePort !== undefined) return l.nodePort;
    const service = vipListenerService(l);
    const w = cfg.workloads[service];
    if (w?.nodePort !== undefined) return w.nodePort;
    for (const [g, spec] of Object.entries(cfg.gateways ?? {})) {
        if (gatewayServiceName(g, spec) !== service) continue;
        const np = spec.listeners.find((x) => x.nodePort !== undefined)?.nodePort;
        if (np !== undefined) return np;
    }
    throw new Error(`VIP listener: Service "${service}" holds no NodePort; the config schema should have refused this stack`);
}
