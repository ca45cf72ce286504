import { z } from "zod";
import { addonsSection, checkAddons, postgresSection, storageSection } from "./sections/addons";
import { cellSection, imagesSection, kubernetesSection, namespacesSection } from "./sections/core";
import { f5Section } from "./sections/edge";
import { agentgatewaySection } from "./sections/agentgateway";
import { externalEndpointsSection } from "./sections/endpoints";
import { gatewaysSection } from "./sections/gateways";
import { importsSection } from "./sections/imports";
import { kagentSection } from "./sections/kagent";
import { checkEnvReferences, checkReferences } from "./references";
import { checkJobTemplates, jobTemplatesSection } from "./sections/job-templates";
import { checkMesh, meshSection } from "./sections/mesh";
import { checkClusterServices, clusterServicesSection } from "./sections/cluster-services";
import { checkCustomResources, crdsSection, customResourcesSection } from "./sections/custom-resources";
import { checkIngresses, ingressesSection } from "./sections/ingress";
import { checkSecretRefs, checkSecrets, existingSecretsSection, tailscaleSection, vaultSection } from "./sections/secrets";
import { checkDataServices, dataServicesSection } from "./sections/data-services";
import { checkPeerSelectors } from "./sections/peer-selectors";
import { workloadImageRefs, workloadPeerRefs, workloadsSection, needsApiServer } from "./sections/workloads";

export { CONFIG_NAMESPACE } from "./problems";

/**
 * Every non-secret key the program reads, one schema. Sections that are absent turn their area off.
 * Each section's schema lives in `config/sections/<area>.ts`.
 */
export const cellConfigSchema = z
    .strictObject({
        cell: cellSection.describe("Who this cell is: name, environment class and tenancy. Cells are identical in structure, different in configuration."),
        kubernetes: kubernetesSection.describe("How the program's explicit Kubernetes provider reaches the cluster."),
        namespaces: namespacesSection.describe("The namespaces the cell creates for its workloads (never `default` or an add-on's namespace), each restricted by Pod Security Standards and a default-deny network policy."),
        images: imagesSection.describe("The registry of the estate's own images and the pin (tag, digest or both) of every image the cell runs."),
        workloads: workloadsSection.default({}).describe("The cell's agent workloads by name (e.g. `kaze-runtime`, `kaze-gateway`). Default: {}."),
        jobTemplates: jobTemplatesSection
            .default({})
            .describe(
                "The pods an operator workload creates at run time (executor Jobs, Deployments it reconciles per custom resource), by name: their ServiceAccount (named after the template) and Role, a NetworkPolicy selecting the labels the operator puts on them, the claims they mount (read-only held by admission). Default: {}.",
            ),
        dataServices: dataServicesSection
            .default({})
            .describe("The cell's data services by name (PostgreSQL, Redis, a vector DB): each a hardened StatefulSet with its volume claims behind a headless Service of that name; workloads reach one with `{ dataService: <name> }`. Default: {}."),
        ingresses: ingressesSection
            .default({})
            .describe("The cell's Ingresses by name: hosts, TLS and auth here, served by the cell's controller (`addons.ingress`); paths from workloads (`workloads.<name>.ingress`) or `rules`. Default: {}."),
        crds: crdsSection
            .default({})
            .describe("CustomResourceDefinitions the cell owns (apiextensions.k8s.io/v1, structural schemas), keyed by `<plural>.<group>`; the plan validates every instance against them. Default: {}."),
        customResources: customResourcesSection
            .default([])
            .describe("Custom resources of any kind, each checked against its CRD's schema (declared in `crds` or vendored under schemas/crds/) before anything is declared. Default: []."),
        addons: addonsSection.default({}).describe("The cluster add-ons the cell installs, each a pinned Helm chart; an add-on whose key is absent is not installed. Default: {}."),
        storage: storageSection.optional().describe("Longhorn block storage and the cell's StorageClass, with snapshots and off-cluster backups. Default: not installed."),
        postgres: postgresSection
            .optional()
            .describe("The cell's PostgreSQL (pgvector) cluster run by CloudNativePG, with its PgBouncer pooler and backups; needs `addons.cloudnativePg` and `storage`. Default: none."),
        vault: vaultSection
            .optional()
            .describe("The cell's Vault: its KV v2 mount, per-workload paths and policies, and Kubernetes auth for External Secrets; needs the secret `vaultToken`. Default: off."),
        existingSecrets: existingSecretsSection
            .default({})
            .describe("Secrets the workloads read by name (`workloads.<w>.secretRefs`) that this program does not manage (created by hand or another tool); with Vault, list them in `vault.secrets` instead. Default: {}."),
        tailscale: tailscaleSection
            .optional()
            .describe("The tailnet that workloads with the tailscale sidecar, and external nodes, join; Pulumi mints their auth keys. Needs the secret `tailscaleOauthClientSecret`. Default: off."),
        f5: f5Section.optional().describe("The F5 BIG-IP that fronts the cell: the cluster nodes behind it and the VIPs; needs the secret `f5Password`. Default: off."),
        externalEndpoints: externalEndpointsSection
            .default({})
            .describe("Endpoints the cell uses but does not run (an external Langfuse, a SaaS MCP server), by name; URLs that leave the cluster must be one of these. Default: {}."),
        gateways: gatewaysSection
            .default({})
            .describe("Gateway API Gateways by name: class, namespace, listeners and the fixed NodePorts of their proxy Services; backends and workloads attach HTTPRoutes to them. Default: {}."),
        agentgateway: agentgatewaySection
            .optional()
            .describe("AgentGateway: its pinned control plane, LLM and MCP backends with their routes, and its policies. Default: not installed."),
        clusterServices: clusterServicesSection
            .default({})
            .describe(
                "Services of the cluster the cell reaches but does not run (another team's APIs, a database run beside the cell), by name: the flows check resolves URLs that name them and judges the NetworkPolicies at both ends. Default: {}.",
            ),
        mesh: meshSection
            .optional()
            .describe("The cluster's Istio service mesh: data plane (sidecar or ambient), whether the Istio CNI runs, the cell's namespaces in it, istiod and the ingress gateway. Default: no mesh."),
        kagent: kagentSection.optional().describe("kagent: its pinned charts, ModelConfigs, MCP servers and Agents. Default: not installed."),
        imports: importsSection,
    })
    .superRefine((cfg, ctx) => {
        for (const c of CROSS_SECTION_CHECKS) c.check(cfg, ctx);
    });

/** The validated, defaulted values of the non-secret keys. */
export type CellSettings = z.infer<typeof cellConfigSchema>;

/** The sections of a cell's configuration. */
export type CellSection = keyof typeof cellConfigSchema.shape;

/**
 * Checks across sections, each with the sections it reads. They run in the full schema's superRefine,
 * and parseCellConfig runs each one whose sections all parsed even when others did not, so a user
 * sees every problem in one pass.
 */
export const CROSS_SECTION_CHECKS: ReadonlyArray<{ needs: readonly CellSection[]; check(cfg: CellSettings, ctx: z.RefinementCtx): void }> = [
    { needs: ["addons", "storage", "postgres", "namespaces", "cell"], check: (cfg, ctx) => checkAddons(cfg, ctx) },
    { needs: ["vault", "tailscale", "workloads", "kubernetes", "images", "namespaces"], check: (cfg, ctx) => checkSecrets(cfg, Object.keys(SECRET_KEYS), ctx) },
    { needs: ["namespaces", "workloads", "addons", "ingresses"], check: (cfg, ctx) => checkIngresses(cfg, ctx) },
    { needs: ["namespaces", "crds", "customResources"], check: (cfg, ctx) => checkCustomResources(cfg, ctx) },
    { needs: ["namespaces", "workloads", "gateways", "agentgateway", "kagent", "externalEndpoints", "addons", "f5", "tailscale"], check: (cfg, ctx) => checkReferences(cfg, ctx) },
    { needs: ["namespaces", "images", "kubernetes", "workloads"], check: checkWorkloadRefs },
    { needs: ["namespaces", "workloads", "jobTemplates", "kubernetes"], check: (cfg, ctx) => checkJobTemplates(cfg, ctx) },
    { needs: ["workloads", "jobTemplates", "images", "ingresses"], check: (cfg, ctx) => checkEnvReferences(cfg, ctx) },
    { needs: ["namespaces", "workloads", "vault", "existingSecrets"], check: (cfg, ctx) => checkSecretRefs(cfg, ctx) },
    { needs: ["namespaces", "workloads", "mesh"], check: (cfg, ctx) => checkMesh(cfg, ctx) },
    { needs: ["namespaces", "clusterServices"], check: (cfg, ctx) => checkClusterServices(cfg, ctx) },
    { needs: ["namespaces", "images", "workloads", "dataServices", "vault", "existingSecrets"], check: checkDataServices },
    { needs: ["cell", "namespaces", "workloads", "dataServices", "jobTemplates", "gateways", "kagent", "agentgateway", "addons", "postgres"], check: checkPeerSelectors },
];

/** Every workload's namespace, images and peers exist; a workload that calls the API server can reach it. */
function checkWorkloadRefs(cfg: CellSettings, ctx: z.RefinementCtx): void {
    const namespaces = new Set(cfg.namespaces.map((n) => n.name));
    for (const [name, w] of Object.entries(cfg.workloads)) {
        if (!namespaces.has(w.namespace)) {
            ctx.addIssue({ code: "custom", path: ["workloads", name, "namespace"], message: `"${w.namespace}" is not one of agent-estate:namespaces (${[...namespaces].join(", ")})` });
        }
        // Workloads: every image (main, sidecars, cron jobs) is pinned; every workload peer exists.
        for (const ref of workloadImageRefs(w)) {
            if (!(ref.image in cfg.images.pins)) {
                ctx.addIssue({ code: "custom", path: ["workloads", name, ...ref.path], message: `"${ref.image}" has no pin in agent-estate:images.pins; add e.g. pins.${ref.image}: {tag: "1.0.0"}` });
            }
        }
        for (const ref of workloadPeerRefs(w)) {
            if (!(ref.workload in cfg.workloads)) {
                ctx.addIssue({ code: "custom", path: ["workloads", name, ...ref.path], message: `"${ref.workload}" is not a workload of agent-estate:workloads (${Object.keys(cfg.workloads).join(", ")}); name one, or use { namespace, podSelector, ports } for pods outside the cell` });
            } else if (ref.workload === name) {
                ctx.addIssue({ code: "custom", path: ["workloads", name, ...ref.path], message: "a workload does not need a peer rule to reach itself over localhost; remove it (for traffic between its replicas, set network.betweenReplicas: true)" });
            }
        }
        // Default-deny egress would cut a pod that calls the API server off from it.
        if (needsApiServer(w) && cfg.kubernetes.apiServerEgress === undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["workloads", name],
                message: 'calls the Kubernetes API (apiAccess, or a single-replica tailscale sidecar keeping its state in a Secret), which its namespace\'s default-deny policy blocks; set agent-estate:kubernetes.apiServerEgress to the API server\'s endpoints, e.g. [{cidr: "10.40.1.5/32", ports: [6443]}]',
            });
        }
    }
}

/**
 * Credentials: each must be set with `pulumi config set --secret` and stays a Pulumi secret.
 * `requiredWhen` names the section whose presence makes the secret mandatory.
 */
export const SECRET_KEYS = {
    vaultToken: { description: "a Vault token that may manage the cell's mount, policies and Kubernetes auth", requiredWhen: "vault" },
    tailscaleOauthClientSecret: { description: "the secret of the Tailscale OAuth client in tailscale.oauthClientId (scope auth_keys)", requiredWhen: "tailscale" },
    f5Password: { description: "the password of f5.username on the BIG-IP at f5.address", requiredWhen: "f5" },
} as const satisfies Record<string, { description: string; requiredWhen?: string }>;
export type SecretKey = keyof typeof SECRET_KEYS;
