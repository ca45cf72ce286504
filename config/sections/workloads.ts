import { z } from "zod";
import { dnsLabel, port, quantity } from "./primitives";

const resourceAmounts = z.strictObject({ cpu: quantity, memory: quantity });

/** Requests and limits; both are required so every pod has a QoS class and fits a node. */
export const resourcesSpec = z.strictObject({ requests: resourceAmounts, limits: resourceAmounts });

/** HorizontalPodAutoscaler settings (autoscaling/v2). */
export const autoscalingSpec = z
    .strictObject({
        minReplicas: z.number().int().min(1),
        maxReplicas: z.number().int().min(1),
        /** Target average CPU utilisation, percent of requests. @default 70 */
        cpuUtilization: z.number().int().min(1).max(100).default(70),
        /** Target average memory utilisation, percent of requests. @default 80 */
        memoryUtilization: z.number().int().min(1).max(100).default(80),
    })
    .refine((a) => a.maxReplicas >= a.minReplicas, { error: "maxReplicas must be at least minReplicas", path: ["maxReplicas"] });

/** One agent workload of the cell, keyed by its name in `agent-estate:workloads`. */
export const workloadSpec = z.strictObject({
    /** Namespace, one of `agent-estate:namespaces`. */
    namespace: dnsLabel,
    /** Name of the image pin in `agent-estate:images.pins`. */
    image: z.string().min(1),
    /** The container port the service listens on (also the Service port). */
    port: port,
    /** Replica count when not autoscaled. @default 1 */
    replicas: z.number().int().min(1).default(1),
    /** When set, an HPA owns the replica count and the Deployment leaves `replicas` unset. */
    autoscaling: autoscalingSpec.optional(),
    resources: resourcesSpec,
});
export type WorkloadSpec = z.infer<typeof workloadSpec>;

/** `agent-estate:workloads`: workload name → spec. */
export const workloadsSection = z.record(dnsLabel, workloadSpec);
