import { z } from "zod";
import { dnsLabel, port } from "./primitives";

/**
 * `agent-estate:clusterServices`: Services of the cluster the cell reaches but does not run (another
 * team's APIs, a database run beside the cell). Naming them lets the flows check resolve the URLs
 * that point at them and judge both ends' NetworkPolicies, and tells a reader what the cell depends on.
 */
export const clusterServiceSpec = z.strictObject({
    namespace: dnsLabel.describe("Namespace of the Service."),
    podSelector: z
        .record(z.string().min(1), z.string())
        .refine((m) => Object.keys(m).length > 0, { error: "must name at least one label of the Service's pods, e.g. { app: nexus-auth }" })
        .describe("Labels of the pods behind the Service (what its selector matches)."),
    ports: z.array(port).min(1, { error: "must list at least one port, e.g. [8080]" }).describe("Ports the Service answers on (its pods' ports are the same)."),
    description: z.string().min(1).optional().describe("What it is and who runs it. Default: none."),
});
export type ClusterServiceSpec = z.infer<typeof clusterServiceSpec>;

export const clusterServicesSection = z.record(dnsLabel, clusterServiceSpec.describe("A Service of the cluster the cell uses but does not run, by its name."));

/** The parts of the settings the check reads. */
interface ClusterServicesCheckInput {
    namespaces: Array<{ name: string; sharedWith?: string }>;
    clusterServices: Record<string, ClusterServiceSpec>;
}

/**
 * A Service the cell does not run may live in one of the cell's namespaces only when that namespace
 * says it is shared: a namespace the cell owns is closed for every pod, these included.
 */
export function checkClusterServices(cfg: ClusterServicesCheckInput, ctx: z.RefinementCtx): void {
    for (const [name, svc] of Object.entries(cfg.clusterServices)) {
        const at = cfg.namespaces.findIndex((n) => n.name === svc.namespace);
        if (at >= 0 && cfg.namespaces[at].sharedWith === undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["clusterServices", name, "namespace"],
                message: `"${svc.namespace}" is a namespace the cell owns, whose default deny would cut this Service's pods off; say what else runs there in agent-estate:namespaces[${at}].sharedWith (the cell then closes only its own pods)`,
            });
        }
    }
}
