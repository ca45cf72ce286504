import type { ImagesConfig } from "../../config/sections/core";
import type { DataServiceSpec } from "../../config/sections/data-services";
import type { PeerSpec, WorkloadSpec } from "../../config/sections/workloads";
import { childName, workloadSelector } from "../naming";
import { dataServicePeer, resolveImage, resolvePeer } from "../workloads/from-config";
import type { NetworkPeer } from "../workloads/network-policy";
import { scrapedByPrometheus } from "../workloads/service-monitor";
import type { DataServiceArgs } from "./data-service";

/** What the Cell knows beyond the data services section. */
export interface DataServiceContext {
    images: ImagesConfig;
    labels: Record<string, string>;
    protectState: boolean;
    /** The cell's workloads, whose `{ dataService }` egress peers open each data service's ingress. */
    workloads: Record<string, WorkloadSpec>;
    /** The Prometheus operator is installed: declare ServiceMonitors. @default false */
    serviceMonitors?: boolean;
    /** Prometheus' pods, let in on the metrics port. @default - none */
    prometheus?: { namespace: string; podSelector: Record<string, string> };
}

/**
 * Maps the data services section to the args of one {@link DataService} each. A workload (or its
 * CronJobs) naming a data service in `egressTo` is let in on the ports it names: a path is declared
 * once, on the side that opens the connection.
 */
export function dataServiceArgsFromConfig(dataServices: Record<string, DataServiceSpec>, ctx: DataServiceContext): Record<string, DataServiceArgs> {
    const resolve = (p: PeerSpec, ingressPort?: number): NetworkPeer => resolvePeer(ctx.workloads, p, ingressPort, dataServices);
    const mirrored: Record<string, NetworkPeer[]> = Object.fromEntries(Object.keys(dataServices).map((d) => [d, []]));
    const mirror = (list: PeerSpec[], namespace: string, podSelector: Record<string, string>) => {
        for (const p of list) {
            if ("dataService" in p && p.dataService in dataServices) mirrored[p.dataService].push({ namespace, podSelector, ports: dataServicePeer(p, dataServices).ports });
        }
    };
    for (const [w, spec] of Object.entries(ctx.workloads)) {
        mirror(spec.network.egressTo, spec.namespace, workloadSelector(w));
        // A CronJob runs with its workload's environment, so it reaches what the workload reaches.
        for (const [job, c] of Object.entries(spec.cronJobs)) mirror([...spec.network.egressTo, ...c.egressTo], spec.namespace, workloadSelector(childName(w, job)));
    }
    for (const [d, spec] of Object.entries(dataServices)) mirror(spec.network.egressTo, spec.namespace, workloadSelector(d));

    return Object.fromEntries(
        Object.entries(dataServices).map(([name, d]) => {
            const args: DataServiceArgs = {
                name,
                namespace: d.namespace,
                labels: ctx.labels,
                image: resolveImage(ctx.images, d.image),
                port: d.port,
                protocol: d.protocol,
                replicas: d.replicas,
                resources: d.resources,
                command: d.command,
                args: d.args,
                env: d.env,
                secretRefs: d.secretRefs,
                storage: d.storage,
                writablePaths: d.writablePaths,
                probes: d.probes,
                metrics: scrapedByPrometheus(d.metrics, ctx.prometheus),
                serviceMonitor: ctx.serviceMonitors ?? false,
                ingressFrom: [...d.network.ingressFrom.map((p) => resolve(p, d.port)), ...mirrored[name]],
                egressTo: d.network.egressTo.map((p) => resolve(p)),
                protectState: ctx.protectState,
            };
            return [name, args];
        }),
    );
}
