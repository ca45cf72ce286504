import * as k8s from "@pulumi/kubernetes";
import { NetworkPeer } from "./network-policy";
import type { AccessRule } from "./rbac";

/**
 * What a composable piece (a sidecar) adds to a workload's pod and to the objects around it.
 * The workload merges pieces; each piece is hardened by construction (see `hardenedContainer`).
 */
export interface PodPiece {
    initContainers?: k8s.types.input.core.v1.Container[];
    containers?: k8s.types.input.core.v1.Container[];
    volumes?: k8s.types.input.core.v1.Volume[];
    /** Environment the main container gets (e.g. the tailnet proxy). */
    mainEnv?: k8s.types.input.core.v1.EnvVar[];
    /** Mounts the main container gets (e.g. the git-sync checkout, read-only). */
    mainMounts?: k8s.types.input.core.v1.VolumeMount[];
    /** Destinations the piece must reach besides DNS. */
    egress?: NetworkPeer[];
    /** Whether the piece needs the Kubernetes API server (it gets its own projected token; the main container does not). */
    needsApiServer?: boolean;
    /** Role rules for the workload's ServiceAccount, narrowed by resourceNames. */
    rules?: AccessRule[];
    /** Env Secret keys the piece reads: the workload must have its env Secret. */
    secretKeys?: string[];
}

/** Where Kubernetes clients look for the in-cluster token, CA and namespace. */
export const SERVICE_ACCOUNT_MOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";

/**
 * A projected ServiceAccount token for one container only: the pod keeps automount off, so the main
 * container never holds an API credential it does not use.
 */
export function apiTokenVolume(name: string): k8s.types.input.core.v1.Volume {
    return {
        name,
        projected: {
            defaultMode: 0o444,
            sources: [
                { serviceAccountToken: { path: "token", expirationSeconds: 3607 } },
                { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
                { downwardAPI: { items: [{ path: "namespace", fieldRef: { fieldPath: "metadata.namespace" } }] } },
            ],
        },
    };
}
