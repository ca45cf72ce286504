import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as tailscale from "@pulumi/tailscale";
import * as vault from "@pulumi/vault";
import { CellConfig } from "../config/parse";
import { ADDON_NAMESPACES, addonVaultKeys } from "../config/sections/addons";
import { listenerNodePort } from "../config/references";
import { vipListenerService } from "../config/sections/edge";
import { gatewayServiceName, routeNames } from "../config/sections/gateways";
import * as f5bigip from "./edge/f5bigip";
import { F5ClusterNodes } from "./edge/f5-nodes";
import { F5Vip } from "./edge/f5-vip";
import { workloadVaultKeys } from "../config/sections/secrets";
import { TAILSCALE_AUTHKEY, cellLabels, cellSelector, serviceAccountName, serviceHost, workloadSelector } from "./naming";
import { AgentgatewayBackend } from "./agentgateway/backend";
import { AgentgatewayControlPlane } from "./agentgateway/control-plane";
import { AgentgatewayPolicies } from "./agentgateway/policies";
import { CellGateway } from "./gateway/gateway";
import { Kagent } from "./kagent/kagent";
import { KagentResources } from "./kagent/resources";
import { CLUSTER_DNS, internet, NetworkPeer } from "./workloads/network-policy";
import { CellNamespace } from "./network/namespace";
import { skipAwait } from "./skip-await";
import { AgentWorkload } from "./workloads/agent-workload";
import { jobTemplateArgsFromConfig } from "./job-templates/from-config";
import { JobTemplateIdentity } from "./job-templates/job-template-identity";
import { DataService } from "./data/data-service";
import { dataServiceArgsFromConfig } from "./data/from-config";
import { resolveImage, workloadArgsFromConfig } from "./workloads/from-config";
import { ExternalSecrets } from "./secrets/external-secrets";
import { TailnetKeys } from "./secrets/tailnet-keys";
import { TailnetAcl } from "./network/tailnet-acl";
import { TailnetProxy } from "./workloads/tailnet-proxy";
import { imageReference } from "./workloads/image";
import { MANAGED_SUBPATH, READER_ROLE, VaultCell } from "./secrets/vault-cell";
import { CertManager } from "./addons/cert-manager";
import { CloudNativePg } from "./addons/cloudnative-pg";
import { ExternalSecretsOperator } from "./addons/external-secrets-operator";
import { IngressController } from "./addons/ingress";
import { CustomResources } from "./crds/custom-resources";
import { CellIngress, IngressPath, TRAEFIK_MIDDLEWARES_ANNOTATION, traefikMiddleware } from "./ingress/ingress";
import { Langfuse } from "./addons/langfuse";
import { Monitoring, PROMETHEUS_PODS } from "./addons/monitoring";
import { OtelCollector } from "./addons/otel-collector";
import { Dashboards } from "./observability/dashboards";
import { Longhorn } from "./storage/longhorn";
import { CellFlows } from "./flows/cell-flows";
import { INTERNET, KUBE_DNS, addonFlows, apiServerEndpoint, clusterServiceEndpoints, configFlows, tailnetGrants, tailnetServiceProxy } from "./flows/from-config";
import { PostgresCluster } from "./storage/postgres";
import { ServiceDestinationRule } from "./mesh/destination-rule";
import { MeshNamespace } from "./mesh/mesh-namespace";
import { meshNamespaceLabels } from "./mesh/namespace";
import { ServiceVirtualService } from "./mesh/virtual-service";
import { MESH_PORTS } from "../config/sections/mesh";
import { bindsGateway, istiodEndpoint, meshFlows, meshWorkloadArgs } from "./mesh/workload-network";

/** What the cell runs underneath its agents; each is absent when its config key is. */
export interface CellAddons {
    ingress?: IngressController;
    certManager?: CertManager;
    externalSecrets?: ExternalSecretsOperator;
    cloudnativePg?: CloudNativePg;
    monitoring?: Monitoring;
    otelCollector?: OtelCollector;
    langfuse?: Langfuse;
    longhorn?: Longhorn;
    postgres?: PostgresCluster;
    dashboards?: Dashboards;
}

/** AgentGateway's control plane, backends (with their routes) and policies (without `agent-estate:agentgateway`, absent). */
export interface CellAgentgateway {
    controlPlane: AgentgatewayControlPlane;
    backends: Record<string, AgentgatewayBackend>;
    policies: AgentgatewayPolicies;
}

/** kagent's charts and resources (without `agent-estate:kagent`, absent). */
export interface CellKagent {
    kagent: Kagent;
    resources: KagentResources;
}

/** The xDS port of the AgentGateway control plane, from which its proxies fetch their configuration. */
const AGENTGATEWAY_XDS_PORT = 9978;

/** The options of every Kubernetes child of the cell: parented to it, on its explicit provider. */
type KubernetesOptions = { parent: pulumi.Resource; providers: { kubernetes: k8s.Provider } };

export interface CellArgs {
    /** The validated configuration of this cell. */
    config: CellConfig;
}

/**
 * One cell of the estate: everything a stack declares, built from its validated configuration.
 * Cells are identical in structure and differ only in configuration. The Cell creates the explicit
 * providers from that configuration and hands them to every component: nothing reaches a default
 * provider or the ambient kube context.
 */
export class Cell extends pulumi.ComponentResource {
    readonly kubernetes: k8s.Provider;
    readonly namespaces: Readonly<Record<string, CellNamespace>>;
    /** The cell's Vault mount, policies and Kubernetes auth (without `agent-estate:vault`, undefined). */
    readonly vault?: VaultCell;
    /** The ClusterSecretStore and each workload's ExternalSecret; pass `externalSecrets.externalSecrets[w]` to workload w as dependsOn. */
    readonly externalSecrets?: ExternalSecrets;
    /** Auth keys of the tailscale sidecars and external nodes (without `agent-estate:tailscale`, undefined). */
    readonly tailnetKeys?: TailnetKeys;
    /** The stable tailnet proxies of `agent-estate:tailscale.services`, by name. */
    readonly tailnetServices: Readonly<Record<string, TailnetProxy>>;
    /** The tailnet's policy (`agent-estate:tailscale.acl`; without it, undefined). */
    readonly tailnetAcl?: TailnetAcl;
    /** The cell's F5 VIPs by name (empty without `agent-estate:f5`). */
    readonly vips: Readonly<Record<string, F5Vip>>;
    /** One AgentWorkload per `agent-estate:workloads` entry, by workload name. */
    readonly workloads: Readonly<Record<string, AgentWorkload>>;
    /** The identity and reach of the Jobs operators create, per `agent-estate:jobTemplates` entry. */
    readonly jobTemplates: Readonly<Record<string, JobTemplateIdentity>>;
    /** One DataService per `agent-estate:dataServices` entry, by name. */
    readonly dataServices: Readonly<Record<string, DataService>>;
    /** The cell's CRDs and custom resources (`agent-estate:crds`, `customResources`); absent when both are empty. */
    readonly customResources?: CustomResources;
    /** One CellIngress per `agent-estate:ingresses` entry, by name. */
    readonly ingresses: Readonly<Record<string, CellIngress>>;
    /** Cluster add-ons, Longhorn, Postgres and dashboards (`agent-estate:addons`, `storage`, `postgres`). */
    readonly addons: CellAddons;
    /** What the cell means to talk to beyond its pods' URLs, for the plan's flows check. */
    readonly flows: CellFlows;
    /** The cell's Gateways by name (`agent-estate:gateways`). */
    readonly gateways: Readonly<Record<string, CellGateway>>;
    /** AgentGateway (`agent-estate:agentgateway`). */
    readonly agentgateway?: CellAgentgateway;
    /** kagent (`agent-estate:kagent`). */
    readonly kagent?: CellKagent;
    /** The Istio VirtualService and DestinationRule of each workload that declares them (`workloads.<w>.mesh`). */
    readonly meshRoutes: Readonly<Record<string, { virtualService?: ServiceVirtualService; destinationRule?: ServiceDestinationRule }>>;
    /** What the sidecar data plane needs in each meshed namespace of the cell (`agent-estate:mesh`, sidecar). */
    readonly meshNamespaces: Readonly<Record<string, MeshNamespace>>;

    private readonly config: CellConfig;
    /** The cell's labels, on every object it declares. */
    private readonly labels: Record<string, string>;
    /** Protect and retain stateful resources: in prod, a refactor or `pulumi destroy` cannot lose data. */
    private readonly protectState: boolean;
    private readonly k8sOpts: KubernetesOptions;

    constructor(name: string, args: CellArgs, opts?: pulumi.ComponentResourceOptions) {
        // Every Kubernetes object of the cell inherits the transformation (`kubernetes.skipAwait`).
        const transformations = args.config.kubernetes.skipAwait ? [...(opts?.transformations ?? []), skipAwait] : opts?.transformations;
        super("agent-estate:cell:Cell", name, {}, { ...opts, transformations });
        const cfg = args.config;
        this.config = cfg;
        this.labels = cellLabels(cfg.cell.name);
        this.protectState = cfg.cell.environment === "prod";

        this.kubernetes = new k8s.Provider(
            `${name}-kubernetes`,
            {
                context: cfg.kubernetes.context,
                kubeconfig: cfg.kubernetes.kubeconfigPath,
                enableServerSideApply: true,
            },
            { parent: this },
        );
        this.k8sOpts = { parent: this, providers: { kubernetes: this.kubernetes } };

        this.namespaces = Object.fromEntries(
            cfg.namespaces.map((ns) => [
                ns.name,
                new CellNamespace(`ns-${ns.name}`, { name: ns.name, labels: { ...ns.labels, ...meshNamespaceLabels(cfg.mesh, ns.name), ...this.labels }, podSecurity: ns.podSecurity.level, podSecurityReason: ns.podSecurity.reason, shared: ns.sharedWith === undefined ? undefined : { with: ns.sharedWith, ownPods: cellSelector(cfg.cell.name) } }, this.k8sOpts),
            ]),
        );

        // Order: operators (their CRDs) → the ClusterSecretStore → what reads Vault through it → workloads.
        const operators = this.declareOperators(name, cfg);

        // Secrets before workloads: each workload depends on its ExternalSecret.
        ({ vault: this.vault, externalSecrets: this.externalSecrets, tailnetKeys: this.tailnetKeys, tailnetAcl: this.tailnetAcl } = this.declareSecrets(name, cfg, operators.externalSecrets?.release));

        this.addons = { ...operators, ...this.declarePlatform(name, cfg, operators, this.externalSecrets?.store) };

        // The cell's own kinds before the workloads that reconcile them; instances after the namespaces.
        if (Object.keys(cfg.crds).length > 0 || cfg.customResources.length > 0) {
            this.customResources = new CustomResources(
                `${name}-custom-resources`,
                { crds: cfg.crds, instances: cfg.customResources, labels: this.labels, protectState: this.protectState, dependsOn: [...Object.values(this.namespaces), ...(this.addons.monitoring ? [this.addons.monitoring.release] : [])] },
                { ...this.k8sOpts, dependsOn: Object.values(this.namespaces) },
            );
        }

        // The gateway operator, then its Gateways, then the backends and policies that attach to them.
        const controlPlane = this.declareAgentgatewayControlPlane(name, cfg);
        this.gateways = this.declareGateways(cfg, controlPlane?.release);
        this.agentgateway = controlPlane && this.declareAgentgateway(name, cfg, controlPlane);
        this.kagent = this.declareKagent(name, cfg);

        const jobs = jobTemplateArgsFromConfig(cfg.jobTemplates, cfg.workloads, { labels: this.labels, protectState: this.protectState, apiServerEgress: apiServerPeers(cfg) });
        this.dataServices = this.declareDataServices(cfg);
        this.workloads = this.declareWorkloads(cfg, jobs.ingressToWorkloads);
        this.jobTemplates = Object.fromEntries(
            Object.entries(jobs.args).map(([t, a]) => [t, new JobTemplateIdentity(`job-template-${t}`, { ...a, imagePullSecrets: pullSecretsIn(cfg, a.namespace) }, { ...this.k8sOpts, dependsOn: this.namespaces[a.namespace] ? [this.namespaces[a.namespace]] : [] })]),
        );
        this.meshRoutes = this.declareMeshRoutes(cfg);
        this.meshNamespaces = this.declareMeshNamespaces(cfg);
        this.ingresses = this.declareIngresses(cfg);

        this.vips = cfg.f5 === undefined ? {} : this.declareVips(name, cfg, cfg.f5);

        this.tailnetServices = this.declareTailnetServices(cfg);

        this.flows = this.declareFlows(name, cfg);

        this.registerOutputs({ namespaces: Object.keys(this.namespaces), gateways: Object.keys(this.gateways), vips: Object.keys(this.vips) });
    }

    /**
     * A credential of the stack. The schema requires every secret the cell reads (SECRET_KEYS'
     * requiredWhen, vault.seed's checks), so a missing one here is a bug, not a user's mistake.
     */
    private secret(key: string, why: string): pulumi.Output<string> {
        const value = (this.config.secrets as Readonly<Record<string, pulumi.Output<string> | undefined>>)[key];
        if (value === undefined) throw new Error(`agent-estate:${key} is missing (${why}); the config schema should have refused this stack`);
        return value;
    }

    /** An application value a `vault.seed` entry names; the parser holds every one a seed names, so a missing one is a bug. */
    private seedValue(key: string, seed: string): pulumi.Output<string> {
        const value = this.config.seedValues[key];
        if (value === undefined) throw new Error(`agent-estate:${key} is missing (${seed} seeds it into Vault); the config schema should have refused this stack`);
        return value;
    }

    /** What `pulumi stack output` shows: names, addresses and endpoints, never a credential. */
    stackOutputs(): Record<string, unknown> {
        const cfg = this.config;
        const { otelCollector, longhorn, postgres } = this.addons;
        const outputs: Record<string, unknown> = {
            cell: cfg.cell.name,
            environment: cfg.cell.environment,
            namespaces: Object.keys(this.namespaces),
            // Each workload's in-cluster address.
            workloads: Object.fromEntries(Object.entries(this.workloads).map(([w, wl]) => [w, `http://${serviceHost(w, wl.namespace)}:${wl.port}`])),
            // Each data service's address (its headless Service), when the cell runs any.
            dataServices: Object.keys(this.dataServices).length > 0 ? Object.fromEntries(Object.entries(this.dataServices).map(([d, ds]) => [d, `${serviceHost(d, ds.namespace)}:${ds.port}`])) : undefined,
            vips: Object.values(this.vips).flatMap((v) => v.endpoints),
            // Each Gateway's listeners as `host:port` in the cluster, and the NodePorts behind them.
            gateways: Object.fromEntries(Object.entries(cfg.gateways).map(([g, spec]) => [g, spec.listeners.map((l) => ({ port: l.port, nodePort: l.nodePort }))])),
            agents: this.kagent && Object.keys(this.kagent.resources.agents).sort(),
            // Where the cell's credentials live and who gets them; names only, never a value.
            vault: this.vault && { kvMount: this.vault.kvMount, kubernetesAuthPath: this.vault.authPath, policies: Object.keys(this.vault.policies).sort() },
            externalSecrets: Object.keys(this.externalSecrets?.externalSecrets ?? {}).sort(),
            tailnetNodes: Object.keys(this.tailnetKeys?.tailnetKeys ?? {}).sort(),
            // Add-ons, storage and the database: what is installed and where to connect; no credential.
            addons: Object.entries(this.addons).flatMap(([k, v]) => (v === undefined ? [] : [k])),
            otlpEndpoint: otelCollector?.otlpEndpoint,
            storageClass: longhorn?.storageClassName,
            postgres: postgres && { host: postgres.poolerHost, port: postgres.port, loginSecret: `${postgres.namespaceName}/${postgres.appSecretName}` },
        };
        // An absent area is absent from the outputs, not an undefined value the engine warns about.
        return Object.fromEntries(Object.entries(outputs).filter(([, v]) => v !== undefined));
    }

    /**
     * Secrets: the explicit Tailscale and Vault providers, the auth keys Pulumi mints, the cell's Vault
     * (paths, policies, Kubernetes auth) and External Secrets (store, one ExternalSecret per workload).
     */
    private declareSecrets(name: string, cfg: CellConfig, operator: pulumi.Resource | undefined): { vault?: VaultCell; externalSecrets?: ExternalSecrets; tailnetKeys?: TailnetKeys; tailnetAcl?: TailnetAcl } {
        const sidecarWorkloads = Object.entries(cfg.workloads).filter(([, w]) => w.sidecars.tailscale !== undefined);

        let tailnetKeys: TailnetKeys | undefined;
        let tailnetAcl: TailnetAcl | undefined;
        const ts = cfg.tailscale;
        if (ts) {
            const provider = new tailscale.Provider(
                `${name}-tailscale`,
                { tailnet: ts.tailnet, oauthClientId: ts.oauthClientId, oauthClientSecret: this.secret("tailscaleOauthClientSecret", "Pulumi mints the tailnet's auth keys with it"), scopes: ts.acl ? ["auth_keys", "policy_file"] : ["auth_keys"] },
                { parent: this },
            );
            const nodes = [
                ...sidecarWorkloads.map(([w, spec]) => {
                    const tags = spec.sidecars.tailscale?.tags ?? [];
                    return { name: w, tags: tags.length > 0 ? tags : ts.tags, ...ts.keys };
                }),
                // The tailnet proxies of tailscale.services: one node each, keys like the sidecars'.
                ...Object.entries(ts.services).map(([n, svc]) => ({ name: tailnetServiceProxy(n), tags: svc.tags, ...ts.keys })),
                ...Object.entries(ts.nodes).map(([n, node]) => ({
                    name: n,
                    tags: node.tags ?? ts.tags,
                    ephemeral: node.ephemeral,
                    reusable: node.reusable,
                    expirySeconds: node.expirySeconds ?? ts.keys.expirySeconds,
                })),
            ];
            tailnetKeys = new TailnetKeys(`${name}-tailnet-keys`, { descriptionPrefix: cfg.cell.name, nodes }, { parent: this, providers: { tailscale: provider } });
            if (ts.acl) {
                tailnetAcl = new TailnetAcl(
                    `${name}-tailnet-acl`,
                    // The OAuth client mints keys with the cell's tags, so those tags own every tag the cell's nodes carry.
                    { grants: tailnetGrants(cfg, ts.acl.grants), tags: [...new Set(nodes.flatMap((n) => n.tags))], tagOwners: ["autogroup:admin", ...ts.tags] },
                    { parent: this, providers: { tailscale: provider } },
                );
            }
        }

        const v = cfg.vault;
        if (!v) return { tailnetKeys, tailnetAcl };
        const provider = new vault.Provider(
            `${name}-vault`,
            { address: v.address, namespace: v.namespace, token: this.secret("vaultToken", "Pulumi manages the cell's Vault with it"), skipChildToken: false },
            { parent: this },
        );
        const services = Object.entries(cfg.workloads).flatMap(([w, spec]) => {
            const keys = workloadVaultKeys(w, spec, v);
            if (keys.outOfBand.length === 0 && keys.managed.length === 0) return [];
            const managed: Record<string, pulumi.Input<string>> = {};
            for (const [key, source] of Object.entries(v.seed[w] ?? {})) managed[key] = this.seedValue(source, `vault.seed.${w}.${key}`);
            if (spec.sidecars.tailscale && tailnetKeys) managed[TAILSCALE_AUTHKEY] = tailnetKeys.keys[w];
            return [{ name: w, namespace: spec.namespace, serviceAccount: serviceAccountName(w), keys, managed }];
        });
        // Secrets under their own name: a Vault path each (seeded values under `<name>/pulumi`), no pod identity.
        const named = Object.entries(v.secrets).map(([s, spec]) => {
            const managed: Record<string, pulumi.Input<string>> = {};
            for (const [key, source] of Object.entries(v.seed[s] ?? {})) managed[key] = this.seedValue(source, `vault.seed.${s}.${key}`);
            const seeded = new Set(Object.keys(managed));
            return { name: s, namespace: spec.namespace, managed, keys: spec.keys.filter((k) => !seeded.has(k)).sort(), managedKeys: [...seeded].sort(), registry: spec.registry };
        });
        // Each tailnet proxy's auth key, as a Secret of its own in the Service's namespace.
        for (const [n, svc] of Object.entries(ts?.services ?? {})) {
            const proxy = tailnetServiceProxy(n);
            if (tailnetKeys) named.push({ name: proxy, namespace: svc.service.split(".")[1], managed: { [TAILSCALE_AUTHKEY]: tailnetKeys.keys[proxy] }, keys: [], managedKeys: [TAILSCALE_AUTHKEY], registry: undefined });
        }
        const apiServer = cfg.kubernetes.apiServer;
        if (apiServer === undefined) throw new Error("agent-estate:kubernetes.apiServer is missing; the config schema should have refused this stack");
        const vaultCell = new VaultCell(
            `${name}-vault`,
            {
                policyPrefix: cfg.cell.name,
                kvMount: v.kvMount,
                kvMaxVersions: v.kvMaxVersions,
                authPath: v.kubernetesAuthPath,
                kubernetesHost: apiServer,
                kubernetesCaCert: v.kubernetesCaCert,
                services,
                nodes: Object.keys(ts?.nodes ?? {}).flatMap((n) => (tailnetKeys ? [{ name: n, managed: { [TAILSCALE_AUTHKEY]: tailnetKeys.keys[n] } }] : [])),
                secrets: named.map((n) => ({ name: n.name, managed: n.managed, outOfBand: n.keys.length > 0 || Object.keys(n.managed).length === 0 })),
                addonPaths: addonVaultKeys(cfg),
                reader: { serviceAccount: v.externalSecrets.serviceAccount, namespace: v.externalSecrets.namespace },
                tokenTtl: v.tokenTtl,
                tokenMaxTtl: v.tokenMaxTtl,
                protectState: this.protectState,
            },
            { parent: this, providers: { vault: provider } },
        );
        const externalSecrets = new ExternalSecrets(
            `${name}-external-secrets`,
            {
                vaultServer: v.address,
                vaultNamespace: v.namespace,
                kvMount: v.kvMount,
                managedSubpath: MANAGED_SUBPATH,
                auth: { path: v.kubernetesAuthPath, role: READER_ROLE },
                tokenReviewer: v.kubernetesCaCert === undefined ? undefined : { serviceAccount: v.externalSecrets.serviceAccount, namespace: v.externalSecrets.namespace },
                services: [
                    ...services.map((s) => ({ name: s.name, namespace: s.namespace, keys: s.keys.outOfBand, managedKeys: s.keys.managed })),
                    ...named.map((n) => ({ name: n.name, namespace: n.namespace, targetName: n.name, keys: n.keys, managedKeys: n.managedKeys, registry: n.registry })),
                ],
                namespaceLabels: cellSelector(cfg.cell.name),
                refreshInterval: v.refreshInterval,
                labels: this.labels,
                operator,
                vaultDependencies: [vaultCell.readerRole],
                serviceDependencies: Object.fromEntries([...services, ...named].map((s) => [s.name, this.namespaces[s.namespace] ? [this.namespaces[s.namespace].namespace] : []])),
            },
            this.k8sOpts,
        );
        return { vault: vaultCell, externalSecrets, tailnetKeys, tailnetAcl };
    }

    /**
     * Workloads: one AgentWorkload each, after its namespace and its env Secret. A workload has an env
     * Secret exactly when the secrets area declared an ExternalSecret for it.
     */
    private declareWorkloads(cfg: CellConfig, ingressFromOthers: Record<string, NetworkPeer[]>): Record<string, AgentWorkload> {
        const envSecrets = this.externalSecrets?.externalSecrets ?? {};
        const all = workloadArgsFromConfig(cfg.workloads, {
            images: cfg.images,
            labels: this.labels,
            protectState: this.protectState,
            hasSecretEnv: (w) => envSecrets[w] !== undefined,
            serviceMonitors: this.addons.monitoring !== undefined,
            prometheus: this.addons.monitoring?.prometheusPeer,
            otlp: this.addons.otelCollector && { endpoint: this.addons.otelCollector.otlpEndpoint, collector: this.addons.otelCollector.otlpPeer },
            ingressController: this.addons.ingress && { namespace: this.addons.ingress.namespace, podSelector: { ...this.addons.ingress.podSelector } },
            ingressBackends: new Set([
                ...Object.entries(cfg.workloads).flatMap(([w, spec]) => (spec.ingress.length > 0 ? [w] : [])),
                ...Object.values(cfg.ingresses).flatMap((i) => i.rules.map((r) => r.backend.service)),
            ]),
            apiServerEgress: apiServerPeers(cfg),
            ingressFromOthers,
            ingresses: cfg.ingresses,
            dataServices: cfg.dataServices,
        });
        const mesh = cfg.mesh;
        return Object.fromEntries(
            Object.entries(all).map(([w, derived]) => {
                const pulled = { ...derived, imagePullSecrets: pullSecretsIn(cfg, derived.namespace) };
                const args = mesh ? meshWorkloadArgs(pulled, mesh, { gatewayBound: bindsGateway(cfg.workloads[w].mesh?.virtualService?.gateways) }) : pulled;
                const dependsOn: pulumi.Resource[] = [];
                const ns = this.namespaces[args.namespace];
                if (ns) dependsOn.push(ns);
                if (envSecrets[w]) dependsOn.push(envSecrets[w]);
                // Named Secrets it reads that External Secrets delivers (those managed outside the program are there already).
                for (const ref of Object.values(cfg.workloads[w].secretRefs)) if (envSecrets[ref.secret] && !dependsOn.includes(envSecrets[ref.secret])) dependsOn.push(envSecrets[ref.secret]);
                // The registry credential its pods pull with.
                for (const pull of args.imagePullSecrets ?? []) if (envSecrets[pull] && !dependsOn.includes(envSecrets[pull])) dependsOn.push(envSecrets[pull]);
                // ServiceMonitors need the Prometheus operator's CRDs first.
                if (this.addons.monitoring) dependsOn.push(this.addons.monitoring.release);
                return [w, new AgentWorkload(w, args, { ...this.k8sOpts, dependsOn })];
            }),
        );
    }

    /** With sidecars, each meshed namespace opens istiod to every pod of the cell there. */
    private declareMeshNamespaces(cfg: CellConfig): Record<string, MeshNamespace> {
        const mesh = cfg.mesh;
        if (!mesh || mesh.dataPlane !== "sidecar") return {};
        return Object.fromEntries(
            mesh.namespaces.map((ns) => [
                ns,
                new MeshNamespace(
                    `mesh-${ns}`,
                    { namespace: ns, cellPods: cellSelector(cfg.cell.name), istiod: { namespace: mesh.istiod.namespace, podSelector: mesh.istiod.podSelector, port: MESH_PORTS.istiodXds }, labels: this.labels, dependsOn: this.namespaces[ns] ? [this.namespaces[ns]] : [] },
                    this.k8sOpts,
                ),
            ]),
        );
    }

    /** Each workload's Istio routing objects, after its Service. */
    private declareMeshRoutes(cfg: CellConfig): Record<string, { virtualService?: ServiceVirtualService; destinationRule?: ServiceDestinationRule }> {
        return Object.fromEntries(
            Object.entries(cfg.workloads).flatMap(([w, spec]) => {
                const m = spec.mesh;
                if (!m) return [];
                const common = { service: w, namespace: spec.namespace, labels: this.labels, dependsOn: [this.workloads[w].service] };
                return [
                    [
                        w,
                        {
                            virtualService: m.virtualService && new ServiceVirtualService(`${w}-vs`, { ...common, port: spec.port, spec: m.virtualService }, this.k8sOpts),
                            destinationRule: m.destinationRule && new ServiceDestinationRule(`${w}-dr`, { ...common, spec: m.destinationRule }, this.k8sOpts),
                        },
                    ],
                ];
            }),
        );
    }

    /** Data services: one DataService each, after its namespace and the Secrets it reads (`vault.secrets`). */
    private declareDataServices(cfg: CellConfig): Record<string, DataService> {
        const delivered = this.externalSecrets?.externalSecrets ?? {};
        const all = dataServiceArgsFromConfig(cfg.dataServices, {
            images: cfg.images,
            labels: this.labels,
            protectState: this.protectState,
            workloads: cfg.workloads,
            serviceMonitors: this.addons.monitoring !== undefined,
            prometheus: this.addons.monitoring?.prometheusPeer,
        });
        return Object.fromEntries(
            Object.entries(all).map(([d, args]) => {
                const ns = this.namespaces[args.namespace];
                const secrets = [...new Set(Object.values(args.secretRefs ?? {}).map((s) => s.secret))].flatMap((s) => (delivered[s] ? [delivered[s]] : []));
                const dependsOn: pulumi.Resource[] = [...(ns ? [ns] : []), ...secrets, ...(this.addons.monitoring ? [this.addons.monitoring.release] : [])];
                return [d, new DataService(`data-${d}`, args, { ...this.k8sOpts, dependsOn })];
            }),
        );
    }

    /**
     * Ingresses: the cell's class, hosts, TLS and auth; each path to a Service the cell declared (the
     * schema checked every backend exists, so a missing one here is a bug).
     */
    private declareIngresses(cfg: CellConfig): Record<string, CellIngress> {
        const controller = this.addons.ingress;
        if (Object.keys(cfg.ingresses).length === 0) return {};
        if (!controller) throw new Error("agent-estate:ingresses needs agent-estate:addons.ingress; the config schema should have refused this stack");
        const backend = (w: string, port?: number) => {
            const wl = this.workloads[w];
            if (!wl) throw new Error(`Ingress backend "${w}" is not a declared workload; the config schema should have refused this stack`);
            return { service: wl.service, namespace: wl.namespace, port: port ?? wl.port };
        };
        return Object.fromEntries(
            Object.entries(cfg.ingresses).map(([name, ing]) => {
                const paths: IngressPath[] = [
                    ...Object.entries(cfg.workloads).flatMap(([w, spec]) => spec.ingress.filter((r) => r.ingress === name).flatMap((r) => r.paths.map((p) => ({ ...p, hosts: r.hosts, backend: backend(w) })))),
                    ...ing.rules.map((r) => ({ path: r.path, pathType: r.pathType, backend: backend(r.backend.service, r.backend.port) })),
                ];
                const middlewares = [...(ing.forwardAuth ? [controller.protectedIngressAnnotations[TRAEFIK_MIDDLEWARES_ANNOTATION]] : []), ...ing.middlewares.map(traefikMiddleware)];
                const annotations = { ...ing.annotations, ...(middlewares.length > 0 ? { [TRAEFIK_MIDDLEWARES_ANNOTATION]: middlewares.join(",") } : {}) };
                const ns = this.namespaces[ing.namespace];
                return [
                    name,
                    new CellIngress(
                        `${name}-ingress`,
                        { name, namespace: ing.namespace, labels: this.labels, className: controller.ingressClassName, hosts: ing.hosts, clusterIssuer: this.addons.certManager?.clusterIssuerName, annotations, paths },
                        { ...this.k8sOpts, dependsOn: [controller.addon.release, ...(ns ? [ns] : [])] },
                    ),
                ];
            }),
        );
    }

    /**
     * Add-ons that read nothing from Vault: the External Secrets Operator (the ClusterSecretStore
     * waits for it), the ingress controller, cert-manager with its ClusterIssuer, CloudNativePG.
     */
    private declareOperators(name: string, cfg: CellConfig): Pick<CellAddons, "ingress" | "certManager" | "externalSecrets" | "cloudnativePg"> {
        const a = cfg.addons;
        const cell = cfg.cell.name;
        const { labels, protectState, k8sOpts } = this;
        const ingress = a.ingress && new IngressController(`${name}-ingress`, { cell, labels, ...a.ingress }, k8sOpts);
        return {
            ingress,
            certManager: a.certManager && new CertManager(`${name}-cert-manager`, { cell, labels, chart: a.certManager.chart, issuer: a.certManager.issuer, solverIngressClass: ingress?.ingressClassName }, k8sOpts),
            externalSecrets: a.externalSecrets && new ExternalSecretsOperator(`${name}-external-secrets-operator`, { cell, labels, chart: a.externalSecrets.chart }, k8sOpts),
            cloudnativePg: a.cloudnativePg && new CloudNativePg(`${name}-cloudnative-pg`, { cell, labels, chart: a.cloudnativePg.chart, protectState }, k8sOpts),
        };
    }

    /**
     * What reads Vault through the ClusterSecretStore: monitoring, Longhorn, Postgres, the OTel
     * collector and Langfuse, and the dashboards. The schema guarantees each one's operators are on.
     */
    private declarePlatform(
        name: string,
        cfg: CellConfig,
        operators: Pick<CellAddons, "externalSecrets" | "cloudnativePg">,
        secretStore: pulumi.Resource | undefined,
    ): Omit<CellAddons, "ingress" | "certManager" | "externalSecrets" | "cloudnativePg"> {
        const a = cfg.addons;
        const cell = cfg.cell.name;
        const { labels, protectState, k8sOpts } = this;
        const vault = { externalSecretsOperator: operators.externalSecrets?.release, secretStore, refreshInterval: cfg.vault?.refreshInterval };

        const l = cfg.storage?.longhorn;
        const longhorn = l && new Longhorn(
            `${name}-longhorn`,
            { cell, labels, protectState, ...vault, chart: l.chart, replicas: l.replicas, reclaimPolicy: l.reclaimPolicy, snapshot: l.snapshot, backup: l.backup, backupTarget: l.backupTarget && { url: l.backupTarget.url, endpoint: l.backupTarget.endpoint, vaultKey: l.backupTarget.credentials.vaultKey } },
            k8sOpts,
        );
        const monitoring = a.monitoring && new Monitoring(
            `${name}-monitoring`,
            { cell, labels, ...vault, chart: a.monitoring.chart, retention: a.monitoring.retention, grafanaAdminVaultKey: a.monitoring.grafanaAdmin.vaultKey, storageClassName: longhorn?.storageClassName, storage: longhorn && [longhorn.storageClass], queriedFrom: prometheusClients(cfg) },
            k8sOpts,
        );
        const pg = cfg.postgres;
        const cnpg = operators.cloudnativePg;
        const postgres = pg && cnpg && longhorn && new PostgresCluster(
            `${name}-postgres`,
            {
                cell,
                labels,
                protectState,
                ...vault,
                namespace: pg.namespace,
                clusterName: `${cell}-pg`,
                image: pg.image,
                instances: pg.instances,
                storageClassName: longhorn.storageClassName,
                storageSize: pg.storageSize,
                database: { name: pg.database.name, owner: pg.database.owner, vaultKey: pg.database.credentials.vaultKey },
                backup: { ...pg.backup, vaultKey: pg.backup.credentials.vaultKey },
                pooler: pg.pooler,
                podMonitors: monitoring !== undefined,
                operator: cnpg.release,
                storage: [longhorn.storageClass],
                monitoring: monitoring?.release,
            },
            k8sOpts,
        );
        const o = a.otelCollector;
        // In a namespace of the cell (beside the proxies it serves), the collector opens only its own pods and reaches only its sinks.
        const shared = o && this.namespaces[o.namespace];
        const otelCollector = o && new OtelCollector(
            `${name}-otel-collector`,
            {
                cell,
                labels,
                ...vault,
                chart: o.chart,
                image: o.image,
                name: o.name,
                namespace: o.namespace,
                existingNamespace: shared,
                acceptFrom: o.acceptFrom,
                egress: shared && this.peerRules([CLUSTER_DNS, ...this.endpointPeers(o.langfuse.endpoint), ...this.endpointPeers(o.secondSink.endpoint)]),
                langfuse: { endpoint: o.langfuse.endpoint, vaultKey: o.langfuse.credentials?.vaultKey },
                secondSink: o.secondSink,
            },
            k8sOpts,
        );
        const lf = a.langfuse;
        const langfuse = lf && new Langfuse(
            `${name}-langfuse`,
            { cell, labels, protectState, ...vault, chart: lf.chart, url: lf.url, vaultKey: lf.credentials.vaultKey, storageClassName: longhorn?.storageClassName, storage: longhorn && [longhorn.storageClass] },
            k8sOpts,
        );
        const dashboards = monitoring && new Dashboards(
            `${name}-dashboards`,
            {
                cell,
                labels,
                namespace: monitoring.namespace,
                workloads: Object.entries(cfg.workloads).map(([w, spec]) => ({ name: w, namespace: spec.namespace, scraped: spec.metrics !== undefined })),
                postgres: postgres && { namespace: postgres.namespaceName, clusterName: postgres.clusterName, poolerName: postgres.poolerName },
                files: Object.fromEntries(Object.entries(a.monitoring?.dashboards ?? {}).map(([d, f]) => [d, f.dashboard])),
            },
            k8sOpts,
        );
        return { longhorn, monitoring, postgres, otelCollector, langfuse, dashboards };
    }

    /**
     * Services on the tailnet under a stable name (dashboards): a proxy in the Service's namespace, whose
     * neighbours' policies admit it, forwarding the one port to the pods behind the Service.
     */
    private declareTailnetServices(cfg: CellConfig): Record<string, TailnetProxy> {
        const ts = cfg.tailscale;
        const image = ts && Object.values(cfg.workloads).find((w) => w.sidecars.tailscale)?.sidecars.tailscale?.image;
        const endpoints = [...[this.addons.otelCollector, this.addons.langfuse, this.addons.postgres].flatMap((a) => (a ? [a.endpoint] : [])), ...(this.addons.monitoring ? [this.addons.monitoring.grafanaEndpoint] : [])];
        return Object.fromEntries(
            Object.entries(ts?.services ?? {}).map(([n, svc]) => {
                const [service, namespace] = svc.service.split(".");
                const proxy = tailnetServiceProxy(n);
                const w = cfg.workloads[service];
                const ep = endpoints.find((e) => e.service === service && e.namespace === namespace);
                const podSelector = w ? workloadSelector(service) : ep?.podSelector;
                if (!podSelector) throw new Error(`tailscale.services.${n}: Service ${svc.service} has no pods this cell knows; the config schema should have refused this stack`);
                const keySecret = this.externalSecrets?.externalSecrets[proxy];
                if (!keySecret || image === undefined) throw new Error(`tailscale.services.${n}: no auth key Secret or tailscale image; the config schema should have refused this stack`);
                return [
                    n,
                    new TailnetProxy(
                        proxy,
                        {
                            name: proxy,
                            namespace,
                            // The proxy's egress opens the pods' port behind the Service's (Grafana: 80 → 3000).
                            target: { host: `${service}.${namespace}.svc.cluster.local`, port: svc.port, pods: { namespace, podSelector: { ...podSelector }, ports: [{ port: ep?.ports.find((p) => p.port === svc.port)?.targetPort ?? svc.port }] } },
                            hostname: svc.hostname,
                            tags: svc.tags,
                            image: imageReference(resolveImage(cfg.images, image)),
                            authKey: { secretName: proxy, key: TAILSCALE_AUTHKEY },
                            labels: this.labels,
                            protectState: this.protectState,
                        },
                        { ...this.k8sOpts, dependsOn: [keySecret] },
                    ),
                ];
            }),
        );
    }

    /**
     * The record of flows the plan checks: the Services charts and operators create (collector,
     * Langfuse, the database pooler, the cluster DNS), the API server's endpoints, and the flows no
     * rendered URL shows (exporters, database peers, VIPs).
     */
    private declareFlows(name: string, cfg: CellConfig): CellFlows {
        const { otelCollector, langfuse, postgres } = this.addons;
        // Each Gateway's proxy pods are the controller's: its Services are declared here by their selector.
        const proxies = Object.entries(cfg.gateways).flatMap(([g, spec]) =>
            [g, gatewayServiceName(g, spec)].map((service) => ({ service, namespace: spec.namespace, podSelector: { ...this.gateways[g].podLabels }, ports: spec.listeners.map((l) => ({ port: l.port })), owner: `Gateway ${g}` })),
        );
        const endpoints = [KUBE_DNS, ...[otelCollector, langfuse, postgres, this.addons.monitoring].flatMap((a) => (a ? [a.endpoint] : [])), ...(this.addons.monitoring ? [this.addons.monitoring.grafanaEndpoint] : []), ...proxies, ...(cfg.mesh ? [istiodEndpoint(cfg.mesh)] : []), ...clusterServiceEndpoints(cfg.clusterServices)];
        const apiServer = apiServerEndpoint(cfg);
        const meshed = Object.entries(cfg.workloads).map(([w, spec]) => ({ name: w, namespace: spec.namespace, podSelector: workloadSelector(w), port: spec.port, gatewayBound: bindsGateway(spec.mesh?.virtualService?.gateways) }));
        return new CellFlows(
            `${name}-flows`,
            {
                endpoints,
                externals: [INTERNET, ...(apiServer ? [apiServer] : [])],
                flows: [
                    ...(otelCollector?.flows ?? []),
                    ...configFlows(cfg, endpoints),
                    ...(cfg.mesh ? meshFlows(cfg.mesh, meshed) : []),
                    ...addonFlows(cfg, { ingressController: this.addons.ingress, prometheus: this.addons.monitoring?.prometheusPeer }),
                ],
            },
            { parent: this },
        );
    }

    /**
     * Where a URL (or `host:port`) leads, as network peers: the pods of a Service the cell declares,
     * or the external endpoint's address (its /32 when it is an IPv4 address, else the internet on
     * its port). The config checked that every such URL resolves.
     */
    private endpointPeers(raw: string): NetworkPeer[] {
        const cfg = this.config;
        const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `grpc://${raw}`);
        const port = url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port);
        const labels = url.hostname.replace(/\.svc(\.cluster\.local)?$/, "").split(".");
        if (labels.length <= 2 && (labels.length === 1 || this.namespaces[labels[1]] !== undefined || labels[1] === cfg.kagent?.namespace)) {
            const [service, namespace = cfg.addons.otelCollector?.namespace ?? ""] = labels;
            const w = cfg.workloads[service];
            if (w) return [{ namespace: w.namespace, podSelector: workloadSelector(service), ports: [{ port }] }];
            const t = cfg.kagent?.telemetryCollector;
            if (t && service === t.service) return [{ namespace: cfg.kagent?.namespace ?? namespace, podSelector: t.podSelector, ports: [{ port }] }];
            const gw = this.gateways?.[service] ?? Object.values(this.gateways ?? {}).find((g) => gatewayServiceName(g.name, cfg.gateways[g.name]) === service);
            if (gw) return [{ namespace: gw.namespace, podSelector: { ...gw.podLabels }, ports: [{ port }] }];
            return [];
        }
        if (/^\d+\.\d+\.\d+\.\d+$/.test(url.hostname)) return [{ cidr: `${url.hostname}/32`, ports: [{ port }] }];
        return [internet([{ port }])];
    }

    /** Egress rules from peers (the form the add-ons' policies take). */
    private peerRules(peers: NetworkPeer[]): k8s.types.input.networking.v1.NetworkPolicyEgressRule[] {
        return peers.map((p) => ({
            to: [
                "cidr" in p
                    ? { ipBlock: { cidr: p.cidr, except: p.except && p.except.length > 0 ? p.except : undefined } }
                    : { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": p.namespace } }, podSelector: { matchLabels: p.podSelector } },
            ],
            ports: p.ports.map((x) => ({ port: x.port, protocol: x.protocol ?? "TCP" })),
        }));
    }

    /** AgentGateway's control plane: its CRDs, the pinned chart and the license, in the namespace the cell declares. */
    private declareAgentgatewayControlPlane(name: string, cfg: CellConfig): AgentgatewayControlPlane | undefined {
        const ag = cfg.agentgateway;
        if (!ag) return undefined;
        const ns = this.namespaces[ag.namespace];
        return new AgentgatewayControlPlane(
            `${name}-agentgateway`,
            { ...this.vaultReader(), namespace: ag.namespace, crds: ag.crds, controlPlane: ag.controlPlane, values: ag.values, license: ag.license, labels: this.labels, dependsOn: ns ? [ns] : [] },
            this.k8sOpts,
        );
    }

    /** How a component reads Vault: after the operator and through the cell's store. */
    private vaultReader(): { externalSecretsOperator?: pulumi.Resource; secretStore?: pulumi.Resource; refreshInterval?: string } {
        return { externalSecretsOperator: this.addons.externalSecrets?.release, secretStore: this.externalSecrets?.store, refreshInterval: this.config.vault?.refreshInterval };
    }

    /**
     * Gateways (the platform's half of Gateway API): each with its NodePort Service and its proxy's
     * NetworkPolicy. A proxy reaches the control plane's xDS, DNS, the trace collector, and what the
     * backends routed through it forward to: MCP workloads, external endpoints, LLM providers (HTTPS).
     */
    private declareGateways(cfg: CellConfig, controller: pulumi.Resource | undefined): Record<string, CellGateway> {
        const ag = cfg.agentgateway;
        const collector = this.addons.otelCollector;
        return Object.fromEntries(
            Object.entries(cfg.gateways).map(([g, spec]) => {
                const egress: NetworkPeer[] = [];
                if (ag && spec.namespace === ag.namespace) egress.push({ namespace: ag.namespace, podSelector: {}, ports: [{ port: AGENTGATEWAY_XDS_PORT }] });
                if (ag?.tracing && collector) egress.push({ namespace: collector.namespace, podSelector: { ...collector.podLabels }, ports: [{ port: 4317 }] });
                for (const backend of Object.values(ag?.backends ?? {})) {
                    if (!backend.routes.some((r) => r.gateway === g)) continue;
                    if (backend.ai) egress.push(internet([{ port: 443 }]));
                    const targets = ((backend.mcp?.targets as unknown[] | undefined) ?? []) as Array<{ static?: { host?: unknown; port?: unknown } }>;
                    const hosts = [...targets.map((t) => t.static), backend.static as { host?: unknown; port?: unknown } | undefined];
                    for (const h of hosts) if (typeof h?.host === "string" && typeof h.port === "number") egress.push(...this.endpointPeers(`${h.port === 443 ? "https" : "http"}://${h.host}:${h.port}`));
                }
                const unique = [...new Map(egress.map((p) => [JSON.stringify(p), p])).values()];
                const gateway = new CellGateway(
                    `gateway-${g}`,
                    {
                        name: g,
                        namespace: spec.namespace,
                        className: spec.className,
                        listeners: spec.listeners,
                        serviceName: gatewayServiceName(g, spec),
                        egressTo: unique,
                        labels: this.labels,
                        dependsOn: [...(this.namespaces[spec.namespace] ? [this.namespaces[spec.namespace]] : []), ...(controller ? [controller] : [])],
                    },
                    this.k8sOpts,
                );
                return [g, gateway];
            }),
        );
    }

    /** AgentGateway's backends (each with the routes it needs on its Gateways) and its policies, tracing included. */
    private declareAgentgateway(name: string, cfg: CellConfig, controlPlane: AgentgatewayControlPlane): CellAgentgateway {
        const ag = cfg.agentgateway;
        if (!ag) throw new Error("agent-estate:agentgateway is missing; the caller checked it");
        const after = [controlPlane.crds, ...Object.values(this.gateways).map((g) => g.gateway)];
        const backends = Object.fromEntries(
            Object.entries(ag.backends).map(([b, backend]) => {
                const names = routeNames(b, backend.routes);
                const { routes, apiKey, ...upstream } = backend;
                return [
                    b,
                    new AgentgatewayBackend(
                        `agentgateway-backend-${b}`,
                        {
                            ...this.vaultReader(),
                            name: b,
                            namespace: ag.namespace,
                            spec: Object.fromEntries(Object.entries(upstream).filter(([, v]) => v !== undefined)),
                            apiKey,
                            routes: routes.map((r, i) => ({ name: names[i], gateway: { name: r.gateway, namespace: cfg.gateways[r.gateway].namespace }, path: r.path, timeout: r.timeout })),
                            labels: this.labels,
                            dependsOn: after,
                        },
                        this.k8sOpts,
                    ),
                ];
            }),
        );
        const collector = this.addons.otelCollector;
        const gatewaysHere = Object.entries(cfg.gateways).filter(([, g]) => g.namespace === ag.namespace).map(([g]) => g);
        const policies = new AgentgatewayPolicies(
            `${name}-agentgateway-policies`,
            {
                namespace: ag.namespace,
                policies: Object.fromEntries(Object.entries(ag.policies).filter(([, p]) => p.enabled).map(([p, policy]) => [p, policy.spec])),
                tracing:
                    ag.tracing && collector
                        ? { gateways: gatewaysHere, collector: { name: collector.serviceName, namespace: collector.namespace, port: 4317 }, randomSampling: ag.tracing.randomSampling }
                        : undefined,
                labels: this.labels,
                dependsOn: [...after, ...Object.values(backends).flatMap((b) => [b.backend, ...Object.values(b.routes)])],
            },
            this.k8sOpts,
        );
        return { controlPlane, backends, policies };
    }

    /** kagent: its charts and license, then the ModelConfigs, MCP servers and Agents. */
    private declareKagent(name: string, cfg: CellConfig): CellKagent | undefined {
        const k = cfg.kagent;
        if (!k) return undefined;
        const ns = this.namespaces[k.namespace];
        const t = k.telemetryCollector;
        const collector = this.addons.otelCollector;
        const kagent = new Kagent(
            `${name}-kagent`,
            {
                ...this.vaultReader(),
                namespace: k.namespace,
                crds: k.crds,
                management: k.management,
                controller: k.controller,
                license: k.license,
                telemetryIngress: t && collector ? { podSelector: t.podSelector, port: t.port, fromNamespace: collector.namespace } : undefined,
                labels: this.labels,
                dependsOn: ns ? [ns] : [],
            },
            this.k8sOpts,
        );
        const resources = new KagentResources(
            `${name}-kagent-resources`,
            {
                ...this.vaultReader(),
                namespace: k.namespace,
                modelConfigs: k.modelConfigs,
                remoteMCPServers: Object.fromEntries(Object.entries(k.remoteMCPServers).map(([r, x]) => [r, x.spec])),
                mcpServers: Object.fromEntries(Object.entries(k.mcpServers).map(([m, x]) => [m, x.spec])),
                agents: Object.fromEntries(Object.entries(k.agents).map(([a, x]) => [a, x.spec])),
                labels: this.labels,
                dependsOn: [kagent.crds, kagent.controller],
            },
            this.k8sOpts,
        );
        return { kagent, resources };
    }

    /** Edge: the explicit BIG-IP provider, the cluster nodes on it, and one F5Vip per configured VIP. */
    private declareVips(name: string, cfg: CellConfig, f5: NonNullable<CellConfig["f5"]>): Record<string, F5Vip> {
        const password = this.secret("f5Password", "Pulumi manages the BIG-IP with it");
        const provider = new f5bigip.Provider(
            `${name}-f5bigip`,
            { address: f5.address, username: f5.username, password, port: f5.port?.toString(), validateCertsDisable: !f5.validateCerts, teemDisable: true },
            { parent: this },
        );
        const f5Opts = { parent: this, providers: { f5bigip: provider } };
        const nodes = new F5ClusterNodes(`${name}-f5-nodes`, { cell: cfg.cell.name, addresses: f5.nodes, partition: f5.partition }, f5Opts);
        return Object.fromEntries(
            f5.vips.map((vip) => [
                vip.name,
                new F5Vip(
                    `${name}-vip-${vip.name}`,
                    {
                        cell: cfg.cell.name,
                        vip: vip.name,
                        address: vip.address,
                        dns: vip.dns,
                        partition: f5.partition,
                        nodes: nodes.nodes,
                        healthCheck: vip.healthCheck,
                        listeners: vip.listeners.map((l) => ({
                            port: l.port,
                            nodePort: listenerNodePort(l, cfg),
                            backend: vipListenerService(l),
                            tls: l.tls && { certificate: this.seedValue(l.tls.certificate, `VIP ${vip.name}:${l.port} presents it`), privateKey: this.seedValue(l.tls.privateKey, `VIP ${vip.name}:${l.port} presents it`) },
                        })),
                    },
                    f5Opts,
                ),
            ]),
        );
    }
}

/** The API server's endpoints as network peers (`kubernetes.apiServerEgress`). */
function apiServerPeers(cfg: CellConfig): NetworkPeer[] {
    return (cfg.kubernetes.apiServerEgress ?? []).map((e) => ({ cidr: e.cidr, ports: e.ports.map((port) => ({ port })) }));
}

/** The namespaces of the workloads that name Prometheus' pods as an egress peer: its query API opens to them. */
function prometheusClients(cfg: CellConfig): string[] {
    const names = Object.values(cfg.workloads).flatMap((w) =>
        w.network.egressTo.some((p) => "podSelector" in p && p.namespace === ADDON_NAMESPACES.monitoring && Object.entries(PROMETHEUS_PODS).every(([k, v]) => p.podSelector[k] === v)) ? [w.namespace] : [],
    );
    return [...new Set(names)].sort();
}

/** The registry credential (`images.pullSecret`) that ServiceAccounts of a namespace pull with: it lives in one namespace. */
function pullSecretsIn(cfg: CellConfig, namespace: string): string[] {
    const name = cfg.images.pullSecret;
    return name !== undefined && cfg.vault?.secrets[name]?.namespace === namespace ? [name] : [];
}
