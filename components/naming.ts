/**
 * One source of truth for names and labels that more than one component needs.
 * Logical (Pulumi) names derive from the owning component's name, so a refactor is an alias, not a replacement.
 */

/** The label that tells a cell's objects apart: what selects the cell's namespaces in NetworkPolicies and the ClusterSecretStore. */
export function cellSelector(cell: string): Record<string, string> {
    return { "agent-estate/cell": cell };
}

/** Labels every object of a cell carries (Kubernetes recommended labels). */
export function cellLabels(cell: string): Record<string, string> {
    return { "app.kubernetes.io/part-of": "agent-estate", ...cellSelector(cell), "app.kubernetes.io/managed-by": "pulumi" };
}

/** The selector labels of a workload's pods: stable for the workload's lifetime (selectors are immutable). */
export function workloadSelector(workload: string): Record<string, string> {
    return { "app.kubernetes.io/name": workload };
}

/** The `app.kubernetes.io/component` label of each kind of pod the cell runs itself. */
export const POD_COMPONENT = { workload: "agent", cronJob: "cronjob", dataService: "data" } as const;

/** The labels of a pod the cell runs itself: the cell's, its name's selector, its kind's component. */
export function podLabels(cell: string, name: string, kind: keyof typeof POD_COMPONENT): Record<string, string> {
    return { ...cellLabels(cell), ...workloadSelector(name), "app.kubernetes.io/component": POD_COMPONENT[kind] };
}

/** Name of the Kubernetes Secret that External Secrets delivers for a workload's environment. */
export function workloadSecretName(workload: string): string {
    return `${workload}-env`;
}

/** Name of the ConfigMap holding a workload's non-secret environment. */
export function workloadConfigMapName(workload: string): string {
    return `${workload}-config`;
}

/** In-cluster DNS name of a workload's Service. */
export function serviceHost(workload: string, namespace: string): string {
    return `${workload}.${namespace}.svc.cluster.local`;
}

/** The logical name of a child: `<parent>-<suffix>`, or the parent's own name for its main resource. */
export function childName(parent: string, suffix?: string): string {
    return suffix === undefined ? parent : `${parent}-${suffix}`;
}

/** A workload's ServiceAccount: named after the workload, so Vault roles and RBAC can bind exactly it. */
export function serviceAccountName(workload: string): string {
    return workload;
}

/** The Secret where a workload's tailscale sidecar keeps its node state; only that workload's Role may touch it. */
export function tailscaleStateSecretName(workload: string): string {
    return `${workload}-tailscale-state`;
}

/** The key, in a workload's env Secret, that carries its Tailscale auth key; declared with the config that reserves it. */
export { TAILSCALE_AUTHKEY } from "../config/sections/secrets";

/** The PVC of a Deployment's workspace, which other workloads mount by naming the workload; declared with the reference model. */
export { workspaceClaimName } from "../config/references";

/** The ClusterSecretStore through which every ExternalSecret of the cell reaches Vault. */
export const CLUSTER_SECRET_STORE = "vault";
