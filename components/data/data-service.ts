import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childName, workloadSelector, POD_COMPONENT } from "../naming";
import { stateOptions } from "../state";
import { configChecksum, ContainerResources, hardenedContainer, restrictedPodSecurityContext, secretEnv, tmpVolume } from "../workloads/container";
import { ImageRef, imageReference } from "../workloads/image";
import { NetworkPeer, networkPolicySpec } from "../workloads/network-policy";
import { ProbeArgs, ProbesArgs, containerProbes } from "../workloads/probes";
import { MetricsArgs, metricsServing, serviceMonitor } from "../workloads/service-monitor";

/** What a data service speaks on its port; decides its default probes. */
export type DataProtocol = "postgres" | "redis" | "http" | "tcp";

export interface DataServiceArgs {
    /** The service's name: its StatefulSet, its headless Service (the name peers reach) and its pods' `app.kubernetes.io/name`. */
    name: string;
    namespace: string;
    /** Labels every object carries (the cell labels). @default {} */
    labels?: Record<string, string>;
    image: ImageRef;
    port: number;
    protocol: DataProtocol;
    /** @default 1 */
    replicas?: number;
    resources: ContainerResources;
    /** @default - the image's entrypoint */
    command?: string[];
    /** @default - the image's */
    args?: string[];
    /** Plaintext environment, in the service's ConfigMap. @default {} */
    env?: Record<string, string>;
    /** Environment from named Secrets of the namespace: variable → Secret and key (default: the variable's name). @default {} */
    secretRefs?: Record<string, { secret: string; key?: string }>;
    /** One claim per pod from a claim template, retained on delete and scale-down. @default - no persistent storage */
    storage?: { size: string; mountPath: string; storageClassName?: string; accessMode?: "ReadWriteOnce" | "ReadWriteOncePod" };
    /** Directories the process writes besides its storage and /tmp, each an emptyDir. @default [] */
    writablePaths?: string[];
    /** Probes over the protocol's defaults ({@link protocolProbes}). @default - the protocol's */
    probes?: ProbesArgs;
    /** Prometheus scraping; `scrapedBy` opens the port to it. @default - none */
    metrics?: MetricsArgs;
    /** Declare a ServiceMonitor for `metrics` (the Prometheus operator is installed). @default false */
    serviceMonitor?: boolean;
    /** Peers allowed in (the workloads that name this service, on its port). @default [] */
    ingressFrom?: NetworkPeer[];
    /** Peers it may reach besides DNS. @default [] */
    egressTo?: NetworkPeer[];
    /** Protect and retain the StatefulSet and its claims (prod). @default false */
    protectState?: boolean;
}

/** The probes each protocol gets unless configured: its own client where it has one, a TCP connect otherwise; HTTP only for `http`. */
export function protocolProbes(protocol: DataProtocol, port: number): { liveness: ProbeArgs | string; readiness: ProbeArgs | string } {
    switch (protocol) {
        case "postgres": {
            const ready: ProbeArgs = { exec: { command: ["pg_isready", "-h", "127.0.0.1", "-p", String(port)] } };
            return { liveness: ready, readiness: ready };
        }
        case "redis":
            // A TCP connect proves the server is alive; PING proves it answers (and has loaded its dataset).
            return { liveness: { tcpSocket: {} }, readiness: { exec: { command: ["redis-cli", "-p", String(port), "ping"] } } };
        case "http":
            return { liveness: "/health", readiness: "/ready" };
        case "tcp":
            return { liveness: { tcpSocket: {} }, readiness: { tcpSocket: {} } };
    }
}

const DATA_VOLUME = "data";

/**
 * A data service (a database, a cache, a vector DB) as a StatefulSet: one claim per pod from a claim
 * template (retained when the set is deleted or scaled down, protected in prod), a headless Service
 * under the service's own name that peers reach, probes its protocol understands, a ServiceAccount
 * without token, a NetworkPolicy that lets in only the peers that name it, a PDB when several pods
 * run. The container runs with the restricted security context and a read-only root filesystem.
 */
export class DataService extends pulumi.ComponentResource {
    readonly statefulSet: k8s.apps.v1.StatefulSet;
    /** The headless Service peers reach by the data service's name. */
    readonly service: k8s.core.v1.Service;
    readonly serviceAccount: k8s.core.v1.ServiceAccount;
    readonly configMap?: k8s.core.v1.ConfigMap;
    readonly networkPolicy: k8s.networking.v1.NetworkPolicy;
    readonly pdb?: k8s.policy.v1.PodDisruptionBudget;
    readonly serviceMonitor?: k8s.apiextensions.CustomResource;
    readonly selector: Record<string, string>;
    readonly namespace: string;
    readonly port: number;

    constructor(name: string, args: DataServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agent-estate:data:DataService", name, {}, opts);
        const d = args.name;
        const ns = args.namespace;
        const selector = workloadSelector(d);
        const labels = { ...args.labels, ...selector, "app.kubernetes.io/component": POD_COMPONENT.dataService };
        const meta = (objectName: string) => ({ name: objectName, namespace: ns, labels });
        const replicas = args.replicas ?? 1;
        this.selector = selector;
        this.namespace = ns;
        this.port = args.port;
        const upstream = ([] as pulumi.Input<pulumi.Resource>[]).concat((opts?.dependsOn ?? []) as pulumi.Input<pulumi.Resource>[]);

        // No API access: the token is never mounted.
        this.serviceAccount = new k8s.core.v1.ServiceAccount(childName(name, "sa"), { metadata: meta(d), automountServiceAccountToken: false }, { parent: this });

        const env = args.env ?? {};
        const configMapName = Object.keys(env).length > 0 ? childName(d, "config") : undefined;
        if (configMapName) this.configMap = new k8s.core.v1.ConfigMap(childName(name, "config"), { metadata: meta(configMapName), data: env }, { parent: this });
        const checksum = configChecksum(env);

        const writable = (args.writablePaths ?? []).map((path, i) => ({ name: `writable-${i}`, path }));
        const metrics = metricsServing("service", args.port, args.metrics);
        const main = hardenedContainer({
            name: d,
            image: imageReference(args.image),
            command: args.command,
            args: args.args,
            envFrom: configMapName ? [{ configMapRef: { name: configMapName } }] : undefined,
            env: Object.entries(args.secretRefs ?? {}).map(([env, ref]) => secretEnv(env, ref.secret, ref.key ?? env)),
            ports: [{ name: "service", containerPort: args.port, protocol: "TCP" }, ...metrics.containerPorts],
            resources: args.resources,
            volumeMounts: [...(args.storage ? [{ name: DATA_VOLUME, mountPath: args.storage.mountPath }] : []), ...writable.map((w) => ({ name: w.name, mountPath: w.path }))],
            ...containerProbes(args.probes, "service", protocolProbes(args.protocol, args.port)),
        });

        this.service = new k8s.core.v1.Service(
            childName(name, "service"),
            {
                metadata: meta(d),
                spec: {
                    // Headless: each pod keeps its own DNS name (`<name>-0.<name>`), which replication and clients rely on.
                    clusterIP: "None",
                    publishNotReadyAddresses: false,
                    selector,
                    ports: [
                        { name: "service", port: args.port, targetPort: "service", protocol: "TCP" },
                        ...metrics.servicePorts,
                    ],
                },
            },
            { parent: this },
        );

        const stateOpts = stateOptions(args.protectState);
        const s = args.storage;
        this.statefulSet = new k8s.apps.v1.StatefulSet(
            childName(name),
            {
                metadata: meta(d),
                spec: {
                    replicas,
                    serviceName: d,
                    revisionHistoryLimit: 5,
                    selector: { matchLabels: selector },
                    podManagementPolicy: "OrderedReady",
                    updateStrategy: { type: "RollingUpdate" },
                    // The claims outlive the set: deleting or scaling it down never deletes data.
                    persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
                    template: {
                        metadata: { labels, annotations: configMapName ? { "agent-estate/config-checksum": checksum } : undefined },
                        spec: {
                            serviceAccountName: d,
                            automountServiceAccountToken: false,
                            enableServiceLinks: false,
                            securityContext: restrictedPodSecurityContext(),
                            terminationGracePeriodSeconds: 60,
                            topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: selector } }],
                            containers: [main],
                            volumes: [tmpVolume(), ...writable.map((w) => ({ name: w.name, emptyDir: {} }))],
                        },
                    },
                    volumeClaimTemplates: s
                        ? [{ metadata: { name: DATA_VOLUME, labels }, spec: { accessModes: [s.accessMode ?? "ReadWriteOnce"], storageClassName: s.storageClassName, resources: { requests: { storage: s.size } } } }]
                        : undefined,
                },
            },
            { parent: this, dependsOn: [...upstream, this.serviceAccount, this.service, ...(this.configMap ? [this.configMap] : [])], ...stateOpts },
        );

        if (replicas > 1) {
            this.pdb = new k8s.policy.v1.PodDisruptionBudget(
                childName(name, "pdb"),
                { metadata: meta(d), spec: { selector: { matchLabels: selector }, maxUnavailable: 1, unhealthyPodEvictionPolicy: "AlwaysAllow" } },
                { parent: this },
            );
        }

        const ingress: NetworkPeer[] = [...(args.ingressFrom ?? []), ...metrics.scrapeIngress];
        this.networkPolicy = new k8s.networking.v1.NetworkPolicy(
            childName(name, "netpol"),
            { metadata: meta(d), spec: networkPolicySpec({ podSelector: selector, ingressFrom: ingress, egressTo: args.egressTo ?? [] }) },
            { parent: this },
        );

        if (args.metrics && args.serviceMonitor) {
            this.serviceMonitor = serviceMonitor(
                childName(name, "servicemonitor"),
                { metadata: meta(d), selector, port: metrics.scrapePort, path: args.metrics.path, interval: args.metrics.interval, scrapeTimeout: args.metrics.scrapeTimeout },
                { parent: this, dependsOn: [...upstream, this.service] },
            );
        }

        this.registerOutputs({ name: d, namespace: ns, service: this.service.metadata.name });
    }
}
