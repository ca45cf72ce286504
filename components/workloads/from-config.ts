import { ingressUrl } from "../../config/references";
import type { ImagesConfig } from "../../config/sections/core";
import type { EnvValueFrom, PeerSpec, WorkloadSpec } from "../../config/sections/workloads";
import { childName, serviceHost, workloadSelector, workspaceClaimName } from "../naming";
import type { AgentWorkloadArgs } from "./agent-workload";
import { ImageRef, imageReference } from "./image";
import { scrapedByPrometheus } from "./service-monitor";
import type { NetworkPeer } from "./network-policy";

/** What the Cell knows beyond the workloads section. */
export interface WorkloadContext {
    images: ImagesConfig;
    /** Labels every object carries. */
    labels: Record<string, string>;
    /** Protect and retain stateful resources (prod). */
    protectState: boolean;
    /** Whether workload `w` has an env Secret (a Vault path the secrets area turns into an ExternalSecret). */
    hasSecretEnv: (workload: string) => boolean;
    /** The Prometheus operator is installed: declare ServiceMonitors. @default false */
    serviceMonitors?: boolean;
    /** Prometheus' pods, let in on each workload's metrics port. @default - none */
    prometheus?: { namespace: string; podSelector: Record<string, string> };
    /** The OTLP endpoint every workload is handed, and the collector's pods its egress opens. @default - none */
    otlp?: { endpoint: string; collector: NetworkPeer };
    /** The ingress controller's pods, let in on the service port of each workload an Ingress routes to. @default - none */
    ingressController?: { namespace: string; podSelector: Record<string, string> };
    /** Workloads an Ingress of the cell routes to. @default - none */
    ingressBackends?: ReadonlySet<string>;
    /** The API server's endpoints, for workloads whose pods call the API. @default [] */
    apiServerEgress?: NetworkPeer[];
    /** The cell's Ingresses, for env values that name one (`ingressUrl`). @default {} */
    ingresses?: Readonly<Record<string, { namespace: string; hosts: ReadonlyArray<{ name: string; tls: boolean }> }>>;
    /** Pods outside the workloads section (a job template's) that open paths to workload w: its ingress mirrors them. @default {} */
    ingressFromOthers?: Readonly<Record<string, NetworkPeer[]>>;
    /** The cell's data services (namespace and port), which `{ dataService }` peers name. @default {} */
    dataServices?: Record<string, { namespace: string; port: number }>;
}

/** An image pin by name: `<registry>/<name>` unless the pin names its own repository. */
export function resolveImage(images: ImagesConfig, name: string): ImageRef {
    const pin = images.pins[name];
    if (pin === undefined) throw new Error(`image "${name}" has no pin in agent-estate:images.pins`);
    return { repository: pin.repository ?? `${images.registry}/${name}`, tag: pin.tag, digest: pin.digest, buildTags: images.buildTags };
}

/**
 * An env value as the container sees it: plaintext as written; a `valueFrom` as the name of the object
 * it names (a PVC or a ServiceAccount, which the config checked the stack declares, both named as
 * written), or an image pin's pinned reference.
 */
export function envValue(ctx: Pick<WorkloadContext, "images" | "ingresses">, value: string | EnvValueFrom): string {
    if (typeof value === "string") return value;
    const from = value.valueFrom;
    if ("image" in from) return imageReference(resolveImage(ctx.images, from.image));
    if ("imageTag" in from) {
        const tag = resolveImage(ctx.images, from.imageTag).tag;
        if (tag === undefined) throw new Error(`image pin "${from.imageTag}" has no tag; the config schema should have refused this stack`);
        return tag;
    }
    if ("ingressUrl" in from) return ingressUrl(ctx.ingresses ?? {}, from.ingressUrl.ingress, from.ingressUrl.path);
    return "persistentVolumeClaim" in from ? from.persistentVolumeClaim : from.serviceAccount;
}

/** A `{ dataService }` peer as the pods of that data service on its port (or the ports it names). */
export function dataServicePeer(p: { dataService: string; ports?: number[] }, dataServices: Readonly<Record<string, { namespace: string; port: number }>>): NetworkPeer {
    const target = dataServices[p.dataService];
    if (target === undefined) throw new Error(`peer "${p.dataService}" is not a data service of this cell`);
    return { namespace: target.namespace, podSelector: workloadSelector(p.dataService), ports: (p.ports ?? [target.port]).map((port) => ({ port })) };
}

/** `kaze-gateway` → `KAZE_GATEWAY_URL`: the variable through which a workload finds a peer it talks to. */
export function peerUrlVariable(workload: string): string {
    return `${workload.toUpperCase().replace(/-/g, "_")}_URL`;
}

/**
 * A peer of config as network peers see it. A workload peer's ports default to the port of the side
 * that is reached: the target's for an egress path, the workload's own (`ingressPort`) for an ingress one.
 */
export function resolvePeer(
    workloads: Readonly<Record<string, WorkloadSpec>>,
    p: PeerSpec,
    ingressPort?: number,
    dataServices: Readonly<Record<string, { namespace: string; port: number }>> = {},
): NetworkPeer {
    if ("dataService" in p) return dataServicePeer(p, dataServices);
    if ("workload" in p) {
        const target = workloads[p.workload];
        if (target === undefined) throw new Error(`peer "${p.workload}" is not a workload of this cell`);
        return { namespace: target.namespace, podSelector: workloadSelector(p.workload), ports: (p.ports ?? [ingressPort ?? target.port]).map((port) => ({ port })) };
    }
    if ("cidr" in p) return { cidr: p.cidr, ...(p.except ? { except: p.except } : {}), ports: p.ports.map((port) => ({ port })) };
    // An empty selector: every pod of the namespace (config said why).
    return { namespace: p.namespace, podSelector: "allPods" in p ? {} : p.podSelector, ports: p.ports.map((port) => ({ port })) };
}

/**
 * Maps the workloads section to the args of one {@link AgentWorkload} each. Peers named by workload
 * are resolved to their namespace, selector and service port, and every egress path is mirrored as
 * ingress on the target: a path is declared once, on the side that opens the connection.
 */
export function workloadArgsFromConfig(workloads: Record<string, WorkloadSpec>, ctx: WorkloadContext): Record<string, AgentWorkloadArgs> {
    const resolve = (p: PeerSpec, ingressPort?: number): NetworkPeer => resolvePeer(workloads, p, ingressPort, ctx.dataServices);

    // Ingress mirrored from every egress that names a workload (its pods, or a CronJob's pods).
    const mirrored: Record<string, NetworkPeer[]> = Object.fromEntries(Object.keys(workloads).map((n) => [n, []]));
    for (const [source, w] of Object.entries(workloads)) {
        const mirror = (list: PeerSpec[], podSelector: Record<string, string>) => {
            for (const p of list) {
                if (!("workload" in p) || !(p.workload in workloads)) continue;
                mirrored[p.workload].push({ namespace: w.namespace, podSelector, ports: resolve(p).ports });
            }
        };
        mirror(w.network.egressTo, workloadSelector(source));
        // A CronJob runs with its workload's environment, so it gets the workload's peers besides its own.
        for (const job of Object.keys(w.cronJobs)) mirror([...w.network.egressTo, ...w.cronJobs[job].egressTo], workloadSelector(childName(source, job)));
    }

    return Object.fromEntries(
        Object.entries(workloads).map(([name, w]) => {
            const peerUrls = Object.fromEntries(
                w.network.egressTo.flatMap((p) => ("workload" in p && p.workload in workloads ? [[peerUrlVariable(p.workload), `http://${serviceHost(p.workload, workloads[p.workload].namespace)}:${workloads[p.workload].port}`]] : [])),
            );
            const args: AgentWorkloadArgs = {
                name,
                namespace: w.namespace,
                // The workload's own labels never replace the cell's.
                labels: { ...w.labels, ...ctx.labels },
                annotations: w.annotations,
                podAnnotations: w.podAnnotations,
                tmpSize: w.tmpSize,
                emptyDirs: w.emptyDirs,
                antiAffinity: w.antiAffinity,
                betweenReplicas: w.network.betweenReplicas,
                secretRefs: w.secretRefs,
                image: resolveImage(ctx.images, w.image),
                port: w.port,
                kind: w.kind,
                replicas: w.replicas,
                autoscaling: w.autoscaling,
                disruptionBudget: w.disruptionBudget,
                resources: w.resources,
                command: w.command,
                args: w.args,
                // Explicit env wins over the derived peer URLs.
                env: { ...peerUrls, ...Object.fromEntries(Object.entries(w.env).map(([k, v]) => [k, envValue(ctx, v)])) },
                secretEnv: ctx.hasSecretEnv(name),
                secretKeys: w.secretKeys,
                probes: w.probes,
                terminationGracePeriodSeconds: w.terminationGracePeriodSeconds,
                nodePort: w.nodePort,
                metrics: scrapedByPrometheus(w.metrics, ctx.prometheus),
                serviceMonitor: ctx.serviceMonitors ?? false,
                otlp: ctx.otlp,
                apiServerEgress: ctx.apiServerEgress,
                ingressFrom: [
                    ...w.network.ingressFrom.map((p) => resolve(p, w.port)),
                    ...mirrored[name],
                    ...(ctx.ingressFromOthers?.[name] ?? []),
                    ...(ctx.ingressController && ctx.ingressBackends?.has(name) ? [{ ...ctx.ingressController, ports: [{ port: w.port }] }] : []),
                ],
                egressTo: w.network.egressTo.map((p) => resolve(p)),
                externalHttps: w.network.externalHttps,
                apiAccess: w.apiAccess,
                workspace: w.workspace,
                // Another workload's workspace by its claim; an existing claim as named (read-only).
                sharedVolumes: w.sharedVolumes.map((v) => ("workload" in v ? { claimName: workspaceClaimName(v.workload), mountPath: v.mountPath, readOnly: v.readOnly } : { ...v, readOnly: true })),
                nodeSelector: w.nodeSelector,
                gitSync: w.sidecars.gitSync && { ...w.sidecars.gitSync, image: resolveImage(ctx.images, w.sidecars.gitSync.image) },
                tailscale: w.sidecars.tailscale && { ...w.sidecars.tailscale, image: resolveImage(ctx.images, w.sidecars.tailscale.image) },
                mcpProxies: Object.entries(w.sidecars.mcpProxies).map(([proxy, m]) => ({ ...m, name: proxy, image: resolveImage(ctx.images, m.image) })),
                cronJobs: Object.fromEntries(
                    Object.entries(w.cronJobs).map(([job, c]) => [
                        job,
                        {
                            ...c,
                            image: c.image === undefined ? undefined : resolveImage(ctx.images, c.image),
                            egressTo: c.egressTo.map((p) => resolve(p)),
                        },
                    ]),
                ),
                protectState: ctx.protectState,
            };
            return [name, args];
        }),
    );
}
