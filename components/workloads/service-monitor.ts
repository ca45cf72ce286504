import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

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
