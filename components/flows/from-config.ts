import { listenerNodePort } from "../../config/references";
import type { CellConfig } from "../../config/parse";
import { workloadSelector } from "../naming";
import type { AclGrantSpec } from "../../config/sections/secrets";
import type { TailnetGrant } from "../network/tailnet-acl";
import type { DeclaredFlow, ExternalEndpoint, ServiceEndpoint } from "./cell-flows";

/** The cluster DNS Service (CoreDNS answers as kube-dns in kube-system). */
export const KUBE_DNS: ServiceEndpoint = {
    service: "kube-dns",
    namespace: "kube-system",
    podSelector: { "k8s-app": "kube-dns" },
    ports: [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }],
    owner: "the cluster",
};

/** The API server behind `kubernetes.default.svc`, at the endpoints the config names (its 443 forwards to their port). */
export function apiServerEndpoint(cfg: CellConfig): ExternalEndpoint | undefined {
    const egress = cfg.kubernetes.apiServerEgress ?? [];
    if (egress.length === 0) return undefined;
    return { host: "kubernetes.default.svc", addresses: egress.map((e) => e.cidr), ports: [{ port: 443, targetPort: egress[0].ports[0] }], owner: "agent-estate:kubernetes.apiServerEgress" };
}

/** The Services of the cluster the cell uses but does not run (`agent-estate:clusterServices`). */
export function clusterServiceEndpoints(services: CellConfig["clusterServices"]): ServiceEndpoint[] {
    return Object.entries(services).map(([service, s]) => ({ service, namespace: s.namespace, podSelector: { ...s.podSelector }, ports: s.ports.map((port) => ({ port })), owner: `agent-estate:clusterServices.${service}` }));
}

/** The public internet, for `externalHttps`: hosts (LLM providers, GitHub) the workloads' SDKs know, not the config. */
export const INTERNET: ExternalEndpoint = { host: "internet", owner: "network.externalHttps" };

/**
 * Flows config declares without a URL in the pods' environment: each workload's egress peer that is
 * a Service the cell names (a database pooler reached through a URL kept in Vault), and each VIP's
 * listener reaching its workload's NodePort from the cluster nodes.
 */
export function configFlows(cfg: CellConfig, endpoints: ServiceEndpoint[]): DeclaredFlow[] {
    const flows: DeclaredFlow[] = [];
    for (const [w, spec] of Object.entries(cfg.workloads)) {
        const from = { name: w, namespace: spec.namespace, podSelector: workloadSelector(w) };
        if (spec.network.externalHttps) flows.push({ from, to: `${INTERNET.host}:443`, why: "network.externalHttps" });
        for (const [job, c] of Object.entries(spec.cronJobs)) {
            if (c.externalHttps) flows.push({ from: { name: `${w}-${job}`, namespace: spec.namespace, podSelector: workloadSelector(`${w}-${job}`) }, to: `${INTERNET.host}:443`, why: `cronJobs.${job}.externalHttps` });
        }
        // Replicas of one workload reach each other through their Service's port.
        if (spec.network.betweenReplicas) flows.push({ from, to: `${w}.${spec.namespace}.svc:${spec.port}`, why: "network.betweenReplicas" });
        for (const peer of spec.network.egressTo) {
            // A data service is reached by its name, whatever URL (kept in Vault or not) the workload uses.
            if ("dataService" in peer) {
                const d = cfg.dataServices[peer.dataService];
                if (d) for (const port of peer.ports ?? [d.port]) flows.push({ from, to: `${peer.dataService}.${d.namespace}.svc:${port}`, why: `peer dataService ${peer.dataService}` });
                continue;
            }
            // The internet on other ports than 443 (webhooks over HTTP): hosts no config names.
            if ("cidr" in peer && peer.cidr === "0.0.0.0/0") for (const port of peer.ports) flows.push({ from, to: `${INTERNET.host}:${port}`, why: "network.egressTo (the internet)" });
            if (!("podSelector" in peer)) continue;
            const ep = endpoints.find((e) => e.namespace === peer.namespace && Object.entries(e.podSelector).every(([k, v]) => peer.podSelector[k] === v));
            if (!ep) continue;
            for (const port of peer.ports) flows.push({ from, to: `${ep.service}.${ep.namespace}.svc:${port}`, why: `peer ${ep.owner}` });
        }
    }
    // The Jobs operators create: the cell renders no pod of theirs, so their reach is declared here.
    for (const [t, spec] of Object.entries(cfg.jobTemplates)) {
        const from = { name: `${t} (operator pods)`, namespace: spec.namespace, podSelector: spec.podSelector };
        flows.push({ from, to: `${KUBE_DNS.service}.${KUBE_DNS.namespace}.svc:53`, protocol: "UDP", why: "DNS" });
        if (spec.network.externalHttps) flows.push({ from, to: `${INTERNET.host}:443`, why: `jobTemplates.${t}.network.externalHttps` });
        if (spec.apiAccess.length > 0) flows.push({ from, to: "kubernetes.default.svc:443", why: `jobTemplates.${t}.apiAccess` });
        for (const peer of spec.network.egressTo) {
            if (!("workload" in peer)) continue;
            const target = cfg.workloads[peer.workload];
            for (const port of peer.ports ?? [target.port]) flows.push({ from, to: `${peer.workload}.${target.namespace}.svc:${port}`, why: `jobTemplates.${t}.network.egressTo` });
        }
    }
    // Tailnet peers a grant lets reach a workload: through its tailscale sidecar, on its service port.
    for (const g of cfg.tailscale?.acl?.grants ?? []) {
        if ("services" in g) {
            for (const n of g.services) {
                const svc = cfg.tailscale!.services[n];
                const [service, namespace] = svc.service.split(".");
                const proxy = tailnetServiceProxy(n);
                flows.push({ from: { name: `tailnet ${g.src.join(",")}`, tailnetTags: g.src }, to: `${proxy}.${namespace}:${svc.port}`, via: "tailnet", why: "tailscale.acl grant" });
                flows.push({ from: { name: proxy, namespace, podSelector: workloadSelector(proxy) }, to: `http://${service}.${namespace}.svc.cluster.local:${svc.port}`, why: `tailnet proxy ${svc.hostname}` });
            }
            continue;
        }
        if (!("workloads" in g)) continue;
        for (const w of g.workloads) {
            const spec = cfg.workloads[w];
            // With a stable identity, peers reach the proxy, which forwards to the Service over the cluster.
            const proxy = spec.sidecars.tailscale?.proxy ? `${w}-tailnet` : undefined;
            flows.push({ from: { name: `tailnet ${g.src.join(",")}`, tailnetTags: g.src }, to: `${proxy ?? w}.${spec.namespace}:${spec.port}`, via: "tailnet", why: "tailscale.acl grant" });
            if (proxy) flows.push({ from: { name: proxy, namespace: spec.namespace, podSelector: workloadSelector(proxy) }, to: `http://${w}.${spec.namespace}.svc.cluster.local:${spec.port}`, why: `tailnet proxy ${spec.sidecars.tailscale?.proxy?.hostname}` });
        }
    }
    for (const vip of cfg.f5?.vips ?? []) {
        for (const l of vip.listeners) {
            // A Service marked external is not the cell's: its policies are not either.
            if (l.external) continue;
            flows.push({ from: { name: `F5 VIP ${vip.name}`, addresses: cfg.f5?.nodes ?? [] }, to: `nodeport:${listenerNodePort(l, cfg)}`, via: "nodePort", why: `VIP ${vip.name}:${l.port} → ${l.service ?? l.workload}` });
        }
    }
    return flows;
}

/** Pods of an add-on that reach the cell's workloads: the ingress controller, Prometheus. */
export interface AddonPods {
    namespace: string;
    podSelector: Readonly<Record<string, string>>;
}

/**
 * Flows the cell's add-ons open towards its workloads, which no workload's URL shows: the ingress
 * controller to each Service an Ingress routes to (on the routed port), and Prometheus to each
 * workload's and data service's metrics port (its ServiceMonitor).
 */
export function addonFlows(cfg: CellConfig, addons: { ingressController?: AddonPods; prometheus?: AddonPods }): DeclaredFlow[] {
    const flows: DeclaredFlow[] = [];
    const c = addons.ingressController;
    if (c) {
        const from = { name: "ingress controller", namespace: c.namespace, podSelector: { ...c.podSelector } };
        const targets = new Set<string>();
        for (const [name, ing] of Object.entries(cfg.ingresses)) {
            for (const [w, spec] of Object.entries(cfg.workloads)) if (spec.ingress.some((r) => r.ingress === name)) targets.add(`${w}.${spec.namespace}.svc:${spec.port} Ingress ${name}`);
            for (const r of ing.rules) {
                const target = cfg.workloads[r.backend.service];
                if (target) targets.add(`${r.backend.service}.${target.namespace}.svc:${r.backend.port ?? target.port} Ingress ${name}`);
            }
        }
        for (const t of [...targets].sort()) {
            const [to, ...why] = t.split(" ");
            flows.push({ from, to, why: why.join(" ") });
        }
    }
    const p = addons.prometheus;
    if (p) {
        const from = { name: "prometheus", namespace: p.namespace, podSelector: { ...p.podSelector } };
        for (const [w, spec] of Object.entries(cfg.workloads)) if (spec.metrics) flows.push({ from, to: `${w}.${spec.namespace}.svc:${spec.metrics.port}`, why: `workloads.${w}.metrics (ServiceMonitor)` });
        for (const [d, spec] of Object.entries(cfg.dataServices)) if (spec.metrics) flows.push({ from, to: `${d}.${spec.namespace}.svc:${spec.metrics.port}`, why: `dataServices.${d}.metrics (ServiceMonitor)` });
    }
    return flows;
}

/**
 * The tailnet policy's accept rules: a grant to workloads opens each one's sidecar tags on its service
 * port only (the config checked each has a sidecar advertising tags of its own); any other grant its ports.
 */
export function tailnetGrants(cfg: CellConfig, grants: readonly AclGrantSpec[]): TailnetGrant[] {
    return grants.map((g) => {
        if ("services" in g) {
            const services = cfg.tailscale?.services ?? {};
            return { src: [...g.src], dst: g.services.flatMap((n) => services[n].tags.map((t) => `${t}:${services[n].port}`)) };
        }
        if (!("workloads" in g)) return { src: [...g.src], dst: g.dst.map((t) => `${t}:${g.ports.join(",")}`) };
        const dst = g.workloads.flatMap((w) => (cfg.workloads[w].sidecars.tailscale?.tags ?? []).map((t) => `${t}:${cfg.workloads[w].port}`));
        return { src: [...g.src], dst };
    });
}

/** The proxy of an entry of `tailscale.services`: its objects, its Vault path and its auth key are named so. */
export function tailnetServiceProxy(name: string): string {
    return `${name}-tailnet`;
}
