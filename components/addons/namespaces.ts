/**
 * The namespaces the cluster add-ons install into. Fixed, not configured: charts, dashboards and
 * other components' NetworkPolicies refer to them, and one cell is one cluster, so there is no
 * second copy to tell apart. Plain data (no Pulumi import) so the config schema can reserve them.
 */
export const ADDON_NAMESPACES = {
    traefik: "traefik",
    ingressNginx: "ingress-nginx",
    certManager: "cert-manager",
    externalSecrets: "external-secrets",
    cloudnativePg: "cnpg-system",
    monitoring: "monitoring",
    otelCollector: "observability",
    langfuse: "langfuse",
    longhorn: "longhorn-system",
} as const;

export type AddonNamespace = (typeof ADDON_NAMESPACES)[keyof typeof ADDON_NAMESPACES];
