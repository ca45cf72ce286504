import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childName } from "../naming";
import { CellNamespace } from "../network/namespace";
import { AddonVaultSecret, HelmAddon, HelmChartRef, VaultReaderArgs } from "./helm-addon";
import { ADDON_NAMESPACES } from "../../config/sections/addons";
import { DeclaredFlow, ServiceEndpoint } from "../flows/cell-flows";
import type { NetworkPeer } from "../workloads/network-policy";
/** OTLP receiver ports: gRPC and HTTP. */
export const OTLP_GRPC_PORT = 4317;
export const OTLP_HTTP_PORT = 4318;
export interface OtelCollectorArgs extends VaultReaderArgs {
    cell: string;
    chart: HelmChartRef;
    /** Release and Service name (`fullnameOverride`), so the endpoint senders use is stable. @default "otel-collector" */
    name?: string;
    /** The namespace. @default "observability", created with the collector */
    namespace?: string;
    /** The cell's namespace to run in, when {@link namespace} is one (the collector then opens only its own pods). @default - the collector creates its namespace */
    existingNamespace?: CellNamespace;
    /** Namespaces, by name, that may send OTLP. @default - every namespace of the cell */
    acceptFrom?: string[];
    /** The collector's egress, exactly (its sinks and DNS). @default - open, as an add-on in its own namespace */
    egress?: k8s.types.input.networking.v1.NetworkPolicyEgressRule[];
    /** Collector image (the `-contrib` distribution). */
    image: { repository: string; tag: string };
    /** Langfuse's OTLP/HTTP base URL and the Vault key of its project key pair (`LANGFUSE_PUBLIC_KEY`, `LANGFUSE_SECRET_KEY`); without a key, no Authorization header and no Vault. */
    langfuse: { endpoint: string; vaultKey?: string };
    /** The second OTLP/gRPC sink. */
    secondSink: { endpoint: string; insecure: boolean };
    /** Collector replicas. @default 1 */
    replicas?: number;
    /** Labels of every object (the cell's). @default {} */
    labels?: Record<string, string>;
}

/**
 * An OpenTelemetry collector that receives the workloads' traces over OTLP and fans them out to
 * Langfuse and a second OTLP sink (seed 001's dual export), so a workload has one endpoint to know.
 * The Langfuse key pair never leaves Vault and the collector's Secret.
 */
export class OtelCollector extends pulumi.ComponentResource {
    readonly addon: HelmAddon;
    readonly namespace: string;
    /** The collector's Service name. */
    readonly serviceName: string;
    /** OTLP/gRPC endpoint for the workloads' `OTEL_EXPORTER_OTLP_ENDPOINT`. */
    readonly otlpEndpoint: string;
    /** OTLP/HTTP endpoint, for SDKs that only speak HTTP. */
    readonly otlpHttpEndpoint: string;
    /** Selector of the collector's pods, for workloads' egress policies. */
    readonly podLabels: Readonly<Record<string, string>>;
    /** The collector's pods on the OTLP/gRPC port: the egress peer of every workload handed {@link otlpEndpoint}. */
    readonly otlpPeer: NetworkPeer;
    /** The collector's Service, which the chart creates: for the flows check. */
    readonly endpoint: ServiceEndpoint;
    /** The collector's exports (Langfuse, the second sink): for the flows check. */
    readonly flows: DeclaredFlow[];

    constructor(name: string, args: OtelCollectorArgs, opts: pulumi.ComponentResourceOptions) {
        super("agent-estate:addons:OtelCollector", name, {}, opts);
        const service = args.name ?? "otel-collector";
        this.serviceName = service;
        this.namespace = args.namespace ?? ADDON_NAMESPACES.otelCollector;
        const host = `${service}.${this.namespace}.svc.cluster.local`;
        // The Secret holding the Langfuse `Authorization` header, built from the key pair in Vault.
        const authSecret = `${service}-langfuse`;
        const auth = args.langfuse.vaultKey !== undefined;
        this.otlpEndpoint = `http://${host}:${OTLP_GRPC_PORT}`;
        this.otlpHttpEndpoint = `http://${host}:${OTLP_HTTP_PORT}`;
        this.podLabels = { "app.kubernetes.io/name": "opentelemetry-collector", "app.kubernetes.io/instance": service };
        this.otlpPeer = { namespace: this.namespace, podSelector: { ...this.podLabels }, ports: [{ port: OTLP_GRPC_PORT }] };
        this.endpoint = { service, namespace: this.namespace, podSelector: { ...this.podLabels }, ports: [{ port: OTLP_GRPC_PORT }, { port: OTLP_HTTP_PORT }], owner: "addon otelCollector" };
        const from = { name: service, namespace: this.namespace, podSelector: { ...this.podLabels } };
        this.flows = [
            { from, to: args.langfuse.endpoint, why: "OTLP export to Langfuse" },
            { from, to: args.secondSink.endpoint, why: "OTLP export to the second sink" },
        ];

        const restricted = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } };
        const values = {
            mode: "deployment",
            fullnameOverride: service,
            replicaCount: args.replicas ?? 1,
            image: { repository: args.image.repository, tag: args.image.tag },
            securityContext: restricted,
            podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
            extraEnvs: auth ? [{ name: "LANGFUSE_AUTH", valueFrom: { secretKeyRef: { name: authSecret, key: "LANGFUSE_AUTH" } } }] : [],
            // Only OTLP: the chart's Jaeger and Zipkin receivers are not used.
            ports: { "jaeger-compact": { enabled: false }, "jaeger-thrift": { enabled: false }, "jaeger-grpc": { enabled: false }, zipkin: { enabled: false } },
            config: {
                receivers: {
                    otlp: { protocols: { grpc: { endpoint: `\${env:MY_POD_IP}:${OTLP_GRPC_PORT}` }, http: { endpoint: `\${env:MY_POD_IP}:${OTLP_HTTP_PORT}` } } },
                    jaeger: null,
                    zipkin: null,
                },
                processors: { batch: {}, memory_limiter: { check_interval: "5s", limit_percentage: 80, spike_limit_percentage: 25 } },
                exporters: {
                    "otlphttp/langfuse": { endpoint: args.langfuse.endpoint, ...(auth ? { headers: { Authorization: "${env:LANGFUSE_AUTH}" } } : {}) },
                    "otlp/second": { endpoint: args.secondSink.endpoint, tls: { insecure: args.secondSink.insecure } },
                },
                service: {
                    pipelines: {
                        traces: { receivers: ["otlp"], processors: ["memory_limiter", "batch"], exporters: ["otlphttp/langfuse", "otlp/second"] },
                    },
                },
            },
        };

        this.addon = new HelmAddon(
            childName(name, "release"),
            {
                cell: args.cell,
                namespace: this.namespace,
                releaseName: service,
                existingNamespace: args.existingNamespace,
                podSelector: args.existingNamespace ? this.podLabels : undefined,
                egress: args.egress,
                cellPortsFrom: args.acceptFrom,
                chart: args.chart,
                values,
                labels: args.labels,
                // The cell's workloads send traces here.
                cellPorts: [OTLP_GRPC_PORT, OTLP_HTTP_PORT],
                vaultSecrets: auth ? [langfuseAuth(authSecret, args.langfuse.vaultKey ?? "")] : [],
                externalSecretsOperator: args.externalSecretsOperator,
                secretStore: args.secretStore,
                refreshInterval: args.refreshInterval,
            },
            { parent: this },
        );

        this.registerOutputs({ otlpEndpoint: this.otlpEndpoint });
    }
}


/** The Secret with Langfuse's `Authorization` header: its OTLP endpoint takes HTTP Basic auth with the project's key pair. */
function langfuseAuth(name: string, vaultKey: string): AddonVaultSecret {
    return {
        name,
        vaultKey,
        properties: { LANGFUSE_PUBLIC_KEY: "LANGFUSE_PUBLIC_KEY", LANGFUSE_SECRET_KEY: "LANGFUSE_SECRET_KEY" },
        template: { LANGFUSE_AUTH: 'Basic {{ printf "%s:%s" .LANGFUSE_PUBLIC_KEY .LANGFUSE_SECRET_KEY | b64enc }}' },
    };
}
