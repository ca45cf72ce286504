import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childName, workloadSelector, POD_COMPONENT } from "../naming";
import { ContainerResources, hardenedContainer, restrictedPodSecurityContext, secretEnv, tmpVolume } from "./container";
import { NetworkPeer, networkPolicySpec } from "./network-policy";

export interface CronWorkloadArgs {
    /** `metadata.name` of the CronJob, its NetworkPolicy and the `app.kubernetes.io/name` of its pods. */
    name: string;
    namespace: string;
    labels: Record<string, string>;
    /** A pinned image reference. */
    image: string;
    /** Five-field cron schedule. */
    schedule: string;
    command: string[];
    /** The ServiceAccount the job runs as (its workload's); the token is not mounted. */
    serviceAccountName: string;
    /** @default - sidecar-sized requests and limits */
    resources?: ContainerResources;
    /** The workload's ConfigMap, as env. @default - none */
    configMapName?: string;
    /** Keys of `secretName` the job receives. @default [] */
    secretKeys?: string[];
    /** The workload's env Secret; required when `secretKeys` is not empty. @default - none */
    secretName?: string;
    /** A PVC mounted read-write. @default - none */
    volume?: { claimName: string; mountPath: string };
    /** Pod labels the job must share a node with (a ReadWriteOnce volume can only attach to one node). @default - anywhere */
    colocateWith?: Record<string, string>;
    /** Destinations besides DNS. @default [] */
    egressTo?: NetworkPeer[];
    /** @default 600 */
    activeDeadlineSeconds?: number;
}

/**
 * A CronJob with the same hardening as the workloads (restricted context, read-only root, requests and
 * limits, no API token) and its own NetworkPolicy: no ingress, egress to DNS and the named peers.
 * Runs never overlap and finished Jobs are cleaned up.
 */
export class CronWorkload extends pulumi.ComponentResource {
    readonly cronJob: k8s.batch.v1.CronJob;
    readonly networkPolicy: k8s.networking.v1.NetworkPolicy;

    constructor(name: string, args: CronWorkloadArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agent-estate:workloads:CronWorkload", name, {}, opts);
        const keys = args.secretKeys ?? [];
        if (keys.length > 0 && args.secretName === undefined) throw new Error(`CronJob ${args.name} reads ${keys.join(", ")} but its workload has no env Secret`);
        const selector = workloadSelector(args.name);
        const labels = { ...args.labels, ...selector, "app.kubernetes.io/component": POD_COMPONENT.cronJob };
        const metadata = { name: args.name, namespace: args.namespace, labels };
        const volumes: k8s.types.input.core.v1.Volume[] = [tmpVolume()];
        const mounts: k8s.types.input.core.v1.VolumeMount[] = [];
        if (args.volume) {
            volumes.push({ name: "volume", persistentVolumeClaim: { claimName: args.volume.claimName } });
            mounts.push({ name: "volume", mountPath: args.volume.mountPath });
        }

        this.cronJob = new k8s.batch.v1.CronJob(
            childName(name),
            {
                metadata,
                spec: {
                    schedule: args.schedule,
                    concurrencyPolicy: "Forbid",
                    startingDeadlineSeconds: 300,
                    successfulJobsHistoryLimit: 1,
                    failedJobsHistoryLimit: 3,
                    jobTemplate: {
                        metadata: { labels },
                        spec: {
                            backoffLimit: 2,
                            activeDeadlineSeconds: args.activeDeadlineSeconds ?? 600,
                            ttlSecondsAfterFinished: 3600,
                            template: {
                                metadata: { labels },
                                spec: {
                                    restartPolicy: "Never",
                                    serviceAccountName: args.serviceAccountName,
                                    automountServiceAccountToken: false,
                                    enableServiceLinks: false,
                                    securityContext: restrictedPodSecurityContext(),
                                    affinity: args.colocateWith
                                        ? { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: args.colocateWith }, topologyKey: "kubernetes.io/hostname" }] } }
                                        : undefined,
                                    containers: [
                                        hardenedContainer({
                                            name: "job",
                                            image: args.image,
                                            command: args.command,
                                            envFrom: args.configMapName ? [{ configMapRef: { name: args.configMapName } }] : undefined,
                                            env: keys.map((k) => secretEnv(k, args.secretName as string)),
                                            resources: args.resources,
                                            volumeMounts: mounts,
                                        }),
                                    ],
                                    volumes,
                                },
                            },
                        },
                    },
                },
            },
            { parent: this },
        );

        this.networkPolicy = new k8s.networking.v1.NetworkPolicy(
            childName(name, "netpol"),
            { metadata, spec: networkPolicySpec({ podSelector: selector, ingressFrom: [], egressTo: args.egressTo ?? [] }) },
            { parent: this },
        );
        this.registerOutputs({ name: args.name });
    }
}
