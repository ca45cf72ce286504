import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { NetworkPeer } from "./network-policy";

/** What a pod's metrics are: a path on a port (the service port or one of their own), who scrapes them, how often. */
export interface MetricsArgs {
    path: string;
    port: number;
    interval?: string;
    scrapeTimeout?: string;
    /** Who scrapes them: its pods are let in on the metrics port. @default - nobody */
    scrapedBy?: NetworkPeer;
}

/**
 * How a pod serving on `servicePort` (named `servicePortName`) serves its metrics: a container and a Service
 * port named "metrics" when they have a port of their own, the port name a ServiceMonitor scrapes, and the
 * scraper's way in on the metrics port.
 */
export function metricsServing(servicePortName: string, servicePort: number, metrics: MetricsArgs | undefined) {
    const own = metrics !== undefined && metrics.port !== servicePort;
    return {
        containerPorts: own ? [{ name: "metrics", containerPort: metrics.port, protocol: "TCP" }] : [],
        servicePorts: own ? [{ name: "metrics", port: metrics.port, targetPort: "metrics", protocol: "TCP" }] : [],
        scrapePort: own ? "metrics" : servicePortName,
        scrapeIngress: metrics?.scrapedBy ? [{ ...metrics.scrapedBy, ports: [{ port: metrics.port }] }] : [],
    };
}

/** A workload's configured metrics, scraped by the cell's Prometheus when it has one (on the ports the caller opens). */
export function scrapedByPrometheus<M extends object>(metrics: M | undefined, prometheus: { namespace: string; podSelector: Record<string, string> } | undefined): (M & { scrapedBy?: NetworkPeer }) | undefined {
    return metrics && { ...metrics, scrapedBy: prometheus && { ...prometheus, ports: [] } };
}

/** Where and how often Prometheus scrapes a Service's pods. */
export interface ScrapeArgs {
    /** The ServiceMonitor's metadata (the Service's name, namespace and labels). */
    metadata: { name: string; namespace: string; labels: Record<string, string> };
    /** The Service's selector labels, which the ServiceMonitor selects it by. */
    selector: Record<string, string>;
    /** The Service port's name. */
    port: string;
    path: string;
    /** @default "30s" */
    interval?: string;
    /** @default "10s" */
    scrapeTimeout?: string;
}

/**
 * A ServiceMonitor (Prometheus operator) scraping `path` on the named port of the Service's pods. The
 * caller's dependsOn must include the Prometheus operator, whose CRD the object needs.
 */
export function serviceMonitor(logicalName: string, a: ScrapeArgs, opts: pulumi.CustomResourceOptions): k8s.apiextensions.CustomResource {
    return new k8s.apiextensions.CustomResource(
        logicalName,
        {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "ServiceMonitor",
            metadata: a.metadata,
            spec: {
                selector: { matchLabels: a.selector },
                namespaceSelector: { matchNames: [a.metadata.namespace] },
                endpoints: [{ port: a.port, path: a.path, interval: a.interval ?? "30s", scrapeTimeout: a.scrapeTimeout ?? "10s" }],
            },
        },
        opts,
    );
}
