import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { cellSelector, childName } from "../naming";
import { stateOptions } from "../state";
import { CellNamespace } from "../network/namespace";
import { ADDON_NAMESPACES } from "../../config/sections/addons";
import { VaultSecretArgs, vaultExternalSecret } from "./vault-secret";

/** A Secret the chart reads, copied from Vault before the release installs. */
export type AddonVaultSecret = Pick<VaultSecretArgs, "name" | "vaultKey" | "properties" | "template" | "type">;

/** A Helm chart pinned to one exact version in one repository. */
export interface HelmChartRef {
    /** Chart repository URL. */
    repo: string;
    /** Chart name. */
    chart: string;
    /** Exact version: validated as such by the config schema. */
    version: string;
}

/**
 * Charts that ship no `values.schema.json` (so the plan has nothing to check their values against) whose
 * values only this program writes, each typed where the values are built: a misspelt key there does not
 * compile. The plan lists a release of any other chart without a vendored schema as not validated.
 */
export const TYPED_HELM_VALUES: Readonly<Record<string, string>> = {
    "kube-prometheus-stack": "components/addons/monitoring.ts KubePrometheusStackValues",
    langfuse: "components/addons/langfuse.ts LangfuseValues",
    longhorn: "components/storage/longhorn.ts LonghornValues",
    "ingress-nginx": "components/addons/ingress.ts IngressNginxValues",
};

/**
 * What an add-on that reads Vault is ordered after: the operator whose CRDs its ExternalSecrets need,
 * and the cell's ClusterSecretStore they read through.
 */
export interface VaultReaderArgs {
    /** The External Secrets Operator release, required when the add-on reads Vault. @default - none */
    externalSecretsOperator?: pulumi.Resource;
    /** The cell's ClusterSecretStore. @default - none */
    secretStore?: pulumi.Resource;
    /** How often the add-on's ExternalSecrets re-read Vault (`vault.refreshInterval`). @default "1m" */
    refreshInterval?: string;
}

export interface HelmAddonArgs extends VaultReaderArgs {
    /** The cell's name: selects the cell's namespaces (by their `agent-estate/cell` label) for {@link cellPorts}. */
    cell: string;
    /** The namespace the release installs into; this component creates it unless {@link existingNamespace} is given. */
    namespace: string;
    /**
     * The cell's namespace to install into instead of creating one (an add-on that runs beside what
     * uses it, e.g. a trace fan-out next to the proxies). Its Pod Security level is the namespace's own.
     * @default - the add-on creates {@link namespace}
     */
    existingNamespace?: CellNamespace;
    /**
     * Pods the add-on's NetworkPolicy opens; narrow it when the add-on shares a namespace.
     * @default {} - every pod of the add-on's own namespace
     */
    podSelector?: Record<string, string>;
    /**
     * The add-on's egress. @default [{}] - open: operators reach the API server, which no selector can name
     */
    egress?: k8s.types.input.networking.v1.NetworkPolicyEgressRule[];
    /** Namespaces, by name, that may reach {@link cellPorts}. @default - every namespace of the cell */
    cellPortsFrom?: string[];
    /** Helm release name. */
    releaseName: string;
    chart: HelmChartRef;
    /** Chart values. @default {} */
    values?: pulumi.Inputs;
    /** Labels for the namespace and its policies (the cell labels). @default {} */
    labels?: Record<string, string>;
    /**
     * Pod Security Standards level of the namespace.
     * @default "restricted" - lower it only for a chart that cannot run restricted, and say why
     */
    podSecurity?: "restricted" | "baseline" | "privileged";
    /**
     * Ports any source may reach: admission webhooks (the API server calls them from outside the pod
     * network) and an ingress controller's entrypoints. @default [] - nothing from outside the namespace
     */
    openPorts?: number[];
    /** Ports the cell's own namespaces may reach (e.g. OTLP receivers). @default [] */
    cellPorts?: number[];
    /** Protect and retain the release and its namespace (charts whose deletion loses data). @default false */
    protectState?: boolean;
    /** What must exist first (e.g. the operator of CRDs the chart instantiates). @default [] */
    dependsOn?: pulumi.Resource[];
    /** Secrets the chart's values name, delivered by External Secrets into the namespace first. @default [] */
    vaultSecrets?: AddonVaultSecret[];
}

/**
 * One cluster add-on: its namespace (Pod Security enforced, closed by default), a NetworkPolicy that
 * opens what an operator needs, and the Helm release pinned to an exact chart version. The namespace
 * is ours, not the chart's (`createNamespace: false`), so its labels and policies are declared here.
 */
export class HelmAddon extends pulumi.ComponentResource {
    readonly namespace: CellNamespace;
    readonly release: k8s.helm.v3.Release;
    readonly allow: k8s.networking.v1.NetworkPolicy;
    /** The namespace's name. */
    readonly namespaceName: string;
    /** The ExternalSecrets of {@link HelmAddonArgs.vaultSecrets}, by Secret name. */
    readonly secrets: Readonly<Record<string, k8s.apiextensions.CustomResource>>;

    constructor(name: string, args: HelmAddonArgs, opts: pulumi.ComponentResourceOptions) {
        super("agent-estate:addons:HelmAddon", name, {}, opts);
        const labels = args.labels ?? {};
        this.namespaceName = args.namespace;

        this.namespace =
            args.existingNamespace ??
            new CellNamespace(childName(name, "ns"), { name: args.namespace, labels, podSecurity: args.podSecurity ?? "restricted" }, { parent: this, protect: args.protectState === true });

        const tcp = (ports: number[]) => ports.map((port) => ({ port, protocol: "TCP" }));
        const ingress: k8s.types.input.networking.v1.NetworkPolicyIngressRule[] = [
            // The add-on's own pods talk to each other (operator ↔ webhook, Langfuse ↔ its stores).
            { from: [{ podSelector: {} }] },
            // Prometheus scrapes every add-on's metrics.
            { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ADDON_NAMESPACES.monitoring } } }] },
        ];
        if (args.openPorts?.length) ingress.push({ ports: tcp(args.openPorts) });
        if (args.cellPorts?.length) {
            const from = args.cellPortsFrom?.map((ns) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } } })) ?? [{ namespaceSelector: { matchLabels: cellSelector(args.cell) } }];
            ingress.push({ from, ports: tcp(args.cellPorts) });
        }

        this.allow = new k8s.networking.v1.NetworkPolicy(
            childName(name, "allow"),
            {
                metadata: { name: args.existingNamespace ? `allow-${args.releaseName}` : "allow-addon", namespace: args.namespace, labels },
                spec: {
                    podSelector: args.podSelector ? { matchLabels: args.podSelector } : {},
                    policyTypes: ["Ingress", "Egress"],
                    ingress,
                    // Operators reach the API server (not a pod: no selector can name it), ACME
                    // directories and object stores; their egress is open, their ingress is not.
                    egress: args.egress ?? [{}],
                },
            },
            { parent: this, dependsOn: [this.namespace] },
        );

        this.secrets = Object.fromEntries(
            (args.vaultSecrets ?? []).map((secret) => [
                secret.name,
                vaultExternalSecret(
                    childName(name, secret.name),
                    { ...secret, namespace: args.namespace, labels, operator: args.externalSecretsOperator, secretStore: args.secretStore, refreshInterval: args.refreshInterval, after: [this.namespace] },
                    { parent: this },
                ),
            ]),
        );

        this.release = pinnedRelease(
            name,
            { releaseName: args.releaseName, chart: args.chart, namespace: args.namespace, values: args.values },
            { parent: this, dependsOn: [this.namespace, ...Object.values(this.secrets), ...(args.dependsOn ?? [])], ...stateOptions(args.protectState) },
        );

        this.registerOutputs({ namespace: this.namespaceName, release: this.release.name });
    }
}

/**
 * A Helm release pinned to one exact chart version, into a namespace someone else declares. An
 * `oci://` repository is a registry (the chart is `<repo>/<chart>`); any other is a chart repository.
 */
export function pinnedRelease(
    name: string,
    args: { releaseName: string; chart: HelmChartRef; namespace: string; values?: pulumi.Inputs },
    opts: pulumi.CustomResourceOptions,
): k8s.helm.v3.Release {
    const oci = args.chart.repo.startsWith("oci://");
    return new k8s.helm.v3.Release(
        name,
        {
            name: args.releaseName,
            chart: oci ? `${args.chart.repo.replace(/\/+$/, "")}/${args.chart.chart}` : args.chart.chart,
            version: args.chart.version,
            ...(oci ? {} : { repositoryOpts: { repo: args.chart.repo } }),
            namespace: args.namespace,
            createNamespace: false,
            values: args.values ?? {},
            // Helm drops a null value unless told to keep it, and a null is how values switch off a
            // chart default (e.g. the collector's jaeger and zipkin receivers).
            ...(holdsNull(args.values) && { allowNullValues: true }),
            // A failed upgrade rolls back instead of leaving a half-applied chart.
            atomic: true,
            cleanupOnFail: true,
            maxHistory: 10,
            timeout: 600,
        },
        opts,
    );
}

/** Whether plain values set a null anywhere (values behind an Output cannot be seen, and set none today). */
export function holdsNull(value: unknown): boolean {
    if (value === null) return true;
    if (typeof value !== "object" || pulumi.Output.isInstance(value)) return false;
    return Object.values(value as object).some(holdsNull);
}
