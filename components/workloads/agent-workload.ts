import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childName, serviceAccountName, serviceHost, tailscaleStateSecretName, TAILSCALE_AUTHKEY, workloadConfigMapName, workloadSecretName, workloadSelector, workspaceClaimName, POD_COMPONENT } from "../naming";
import { stateOptions } from "../state";
import { configChecksum, ContainerResources, hardenedContainer, restrictedPodSecurityContext, secretEnv, tmpVolume } from "./container";
import { CronWorkload } from "./cron-workload";
import { ImageRef, imageReference } from "./image";
import { NetworkPeer, internet, networkPolicySpec } from "./network-policy";
import { PodPiece, SERVICE_ACCOUNT_MOUNT } from "./pod-piece";
import { ProbesArgs, containerProbes } from "./probes";
import { MetricsArgs, metricsServing, serviceMonitor } from "./service-monitor";
import { AccessRule, WorkloadIdentity } from "./rbac";
import { GitSyncArgs, gitSync } from "./sidecars/git-sync";
import { McpProxyArgs, mcpProxy } from "./sidecars/mcp-proxy";
import { tailscale } from "./sidecars/tailscale";
import { TailnetProxy, tailnetProxyName } from "./tailnet-proxy";

/** A CronJob of the workload; its name is `<workload>-<key>`. */
export interface WorkloadCronJob {
    schedule: string;
    command: string[];
    /** @default - the workload's image */
    image?: ImageRef;
    /** Mount the workload's workspace read-write. @default false */
    mountWorkspace?: boolean;
    /** @default [] */
    secretKeys?: string[];
    /** Destinations besides DNS. @default [] */
    egressTo?: NetworkPeer[];
    /** HTTPS to the internet, private ranges excluded. @default false */
    externalHttps?: boolean;
    /** @default 600 */
    activeDeadlineSeconds?: number;
    /** @default - sidecar-sized */
    resources?: ContainerResources;
}

export interface AgentWorkloadArgs {
    /** The workload's name: `metadata.name` of its objects and its pods' `app.kubernetes.io/name`. */
    name: string;
    namespace: string;
    /** Labels every object carries (the cell labels). @default {} */
    labels?: Record<string, string>;
    /** Registry credentials (Secrets of the namespace) its ServiceAccount pulls images with. @default [] - anonymous pulls */
    imagePullSecrets?: string[];
    image: ImageRef;
    /** The port the main container listens on, also the Service port. */
    port: number;
    /** @default "Deployment" */
    kind?: "Deployment" | "StatefulSet";
    /** Replica count when not autoscaled. @default 1 */
    replicas?: number;
    /**
     * When set, an HPA owns the replica count and the Deployment leaves `replicas` unset; its targets
     * default to 70 % CPU and 80 % memory, its `behavior` (each direction field by field) to
     * {@link DEFAULT_HPA_BEHAVIOR}. @default - fixed `replicas`
     */
    autoscaling?: { minReplicas: number; maxReplicas: number; cpuUtilization?: number; memoryUtilization?: number; behavior?: { scaleUp?: ScalingRules; scaleDown?: ScalingRules } };
    /**
     * The PodDisruptionBudget, when the workload can run several pods: one of minAvailable and maxUnavailable.
     * @default - minAvailable one below the replica floor, or maxUnavailable 1 when the floor is 1
     */
    disruptionBudget?: { minAvailable?: number | string; maxUnavailable?: number | string };
    resources: ContainerResources;
    /** @default - the image's entrypoint */
    command?: string[];
    /** @default - the image's */
    args?: string[];
    /** Plaintext environment, delivered through the workload's ConfigMap. @default {} */
    env?: Record<string, string>;
    /** Whether the env Secret `workloadSecretName(name)` exists (External Secrets delivers it from Vault). @default false */
    secretEnv?: boolean;
    /** Keys of the env Secret the main container receives: a name (env var and key alike) or `{ name, key }`. @default [] */
    secretKeys?: Array<string | { name: string; key: string }>;
    /** Liveness, readiness and startup probes on the service port. @default - see {@link ProbesArgs}: "/health", "/ready", startup on liveness's handler */
    probes?: ProbesArgs;
    /**
     * Variables read from named Secrets of the namespace (managed outside the program, or delivered by
     * External Secrets under their own name); `key` defaults to the variable's name. @default {}
     */
    secretRefs?: Record<string, { secret: string; key?: string }>;
    /** Annotations of the Deployment (or StatefulSet) and Service. @default {} */
    annotations?: Record<string, string>;
    /** Annotations of the pods (e.g. Prometheus scrape annotations). @default {} */
    podAnnotations?: Record<string, string>;
    /** Size limit of the `/tmp` emptyDir. @default "256Mi" */
    tmpSize?: string;
    /** emptyDir volumes of the main container by volume name. @default {} */
    emptyDirs?: Record<string, { mountPath: string; sizeLimit?: string; medium?: "Memory" }>;
    /**
     * Pod anti-affinity between replicas across nodes (`kubernetes.io/hostname`), besides the topology spread.
     * @default "none"
     */
    antiAffinity?: "none" | "preferred" | "required";
    /** Let the workload's pods reach one another on the service port. @default false */
    betweenReplicas?: boolean;
    /** @default 30 */
    terminationGracePeriodSeconds?: number;
    /** A fixed NodePort (an F5 VIP fronts the Service). @default - ClusterIP */
    nodePort?: number;
    /**
     * Where Prometheus scrapes, every `interval` (default "30s") within `scrapeTimeout` (default "10s");
     * `scrapedBy` (default: nobody) opens the metrics port to it. @default - no metrics
     */
    metrics?: MetricsArgs;
    /** Declare a ServiceMonitor for `metrics` (the Prometheus operator is installed). @default false */
    serviceMonitor?: boolean;
    /**
     * Where traces go: `endpoint` becomes OTEL_EXPORTER_OTLP_ENDPOINT of the workload and its CronJobs,
     * and `collector` (the collector's pods on that port) is opened for their egress. @default - none
     */
    otlp?: { endpoint: string; collector: NetworkPeer };
    /** Peers allowed in, on the ports each names. @default [] - nothing */
    ingressFrom?: NetworkPeer[];
    /** Peers the workload may reach besides DNS. @default [] */
    egressTo?: NetworkPeer[];
    /** HTTPS (443) to the internet, private ranges excluded. @default false */
    externalHttps?: boolean;
    /** Role rules the main container needs; any rule mounts the API token into the pod. @default [] - no API access */
    apiAccess?: AccessRule[];
    /**
     * The API server's endpoints, opened for egress when the pod calls the API (apiAccess, or a tailscale
     * sidecar keeping state in a Secret). @default [] - such a workload is refused: its namespace denies egress
     */
    apiServerEgress?: NetworkPeer[];
    /**
     * A PVC for the workload (per pod for a StatefulSet), mounted at `mountPath` (default "/workspace"), of
     * `storageClassName` (default: the cluster's default class) and `accessMode` (default "ReadWriteOnce").
     * @default - none
     */
    workspace?: { size: string; mountPath?: string; storageClassName?: string; accessMode?: "ReadWriteOnce" | "ReadWriteMany" | "ReadWriteOncePod" };
    /** Claims of others (another workload's workspace, an existing PVC) mounted into the main container. @default [] */
    sharedVolumes?: Array<{ claimName: string; mountPath: string; /** @default true */ readOnly?: boolean }>;
    /** Node labels the pods must run on (a pin beside a ReadWriteOnce volume they share). @default - any node */
    nodeSelector?: Record<string, string>;
    /**
     * git-sync init container and sidecar; `tokenKey` is the env Secret's key holding a token for a private
     * repository (default: anonymous clone). @default - none
     */
    gitSync?: Omit<GitSyncArgs, "image" | "token"> & { image: ImageRef; tokenKey?: string };
    /**
     * tailscale sidecar; its auth key is key `TAILSCALE_AUTHKEY` of the env Secret, its `hostname` defaults
     * to the workload's name and its `tags` to none advertised. @default - none
     */
    tailscale?: { image: ImageRef; hostname?: string; tags?: string[]; /** A stable tailnet identity for the Service. @default - none */ proxy?: { hostname: string } };
    /** MCP proxy sidecars, on localhost. @default [] */
    mcpProxies?: Array<Omit<McpProxyArgs, "image" | "secretName"> & { image: ImageRef }>;
    /** CronJobs by name. @default {} */
    cronJobs?: Record<string, WorkloadCronJob>;
    /** Protect and retain the workspace PVC (prod). @default false */
    protectState?: boolean;
    /** How strictly pods spread over nodes. @default "ScheduleAnyway" - a one-node dev cluster still schedules */
    spread?: "ScheduleAnyway" | "DoNotSchedule";
}

const WORKSPACE_VOLUME = "workspace";

/**
 * An agent service with everything production needs, each piece overridable through its args:
 * Deployment (or StatefulSet), Service, ServiceAccount, Role, ConfigMap, NetworkPolicy derived from
 * its peers, HPA and PDB when it can run more than one pod, ServiceMonitor, workspace PVC, CronJobs,
 * and composable sidecars (git-sync, tailscale, MCP proxies). Every container, init containers and
 * sidecars included, runs with the restricted security context and a read-only root filesystem.
 */
export class AgentWorkload extends pulumi.ComponentResource {
    /** The Service fronting the pods (NodePort when an F5 VIP fronts it). */
    readonly service: k8s.core.v1.Service;
    readonly deployment?: k8s.apps.v1.Deployment;
    readonly statefulSet?: k8s.apps.v1.StatefulSet;
    readonly identity: WorkloadIdentity;
    readonly configMap?: k8s.core.v1.ConfigMap;
    readonly networkPolicy: k8s.networking.v1.NetworkPolicy;
    readonly hpa?: k8s.autoscaling.v2.HorizontalPodAutoscaler;
    readonly pdb?: k8s.policy.v1.PodDisruptionBudget;
    readonly workspace?: k8s.core.v1.PersistentVolumeClaim;
    readonly serviceMonitor?: k8s.apiextensions.CustomResource;
    readonly cronJobs: Readonly<Record<string, CronWorkload>>;
    /** The Service's stable tailnet identity (`tailscale.proxy`). */
    readonly tailnetProxy?: TailnetProxy;
    /** The pods' selector labels, for peers that open a path to this workload. */
    readonly selector: Record<string, string>;
    /** The workload's namespace and service port, known at declaration time. */
    readonly namespace: string;
    readonly port: number;

    constructor(name: string, args: AgentWorkloadArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agent-estate:workloads:AgentWorkload", name, {}, opts);
        const w = args.name;
        const ns = args.namespace;
        const kind = args.kind ?? "Deployment";
        const selector = workloadSelector(w);
        const labels = { ...args.labels, ...selector, "app.kubernetes.io/component": POD_COMPONENT.workload };
        const meta = (objectName: string) => ({ name: objectName, namespace: ns, labels });
        const annotations = Object.keys(args.annotations ?? {}).length > 0 ? args.annotations : undefined;
        /** The metadata of the objects that carry the workload's own annotations: its Deployment or StatefulSet and its Service. */
        const annotatedMeta = (objectName: string) => ({ ...meta(objectName), annotations });
        const secretName = args.secretEnv ? workloadSecretName(w) : undefined;
        this.selector = selector;
        this.namespace = ns;
        this.port = args.port;

        const replicasCanExceedOne = args.autoscaling ? args.autoscaling.maxReplicas > 1 : (args.replicas ?? 1) > 1;

        // Sidecars as composable pieces.
        const pieces: PodPiece[] = [];
        if (args.gitSync) {
            const g = args.gitSync;
            if (g.tokenKey && !secretName) throw new Error(`${w}: git-sync reads ${g.tokenKey} from the env Secret, but the workload has none (no Vault path)`);
            pieces.push(gitSync({ repo: g.repo, image: imageReference(g.image), ref: g.ref, period: g.period, mountPath: g.mountPath, token: g.tokenKey && secretName ? { secretName, key: g.tokenKey } : undefined }));
        }
        for (const m of args.mcpProxies ?? []) {
            pieces.push(mcpProxy({ ...m, image: imageReference(m.image), secretName }));
        }
        if (args.tailscale) {
            if (!secretName) throw new Error(`${w}: the tailscale sidecar reads its auth key from the env Secret, but the workload has none; give it a Vault path with ${TAILSCALE_AUTHKEY}`);
            pieces.push(
                tailscale({
                    image: imageReference(args.tailscale.image),
                    hostname: args.tailscale.hostname ?? w,
                    tags: args.tailscale.tags,
                    authKeySecret: secretName,
                    authKeyKey: TAILSCALE_AUTHKEY,
                    stateSecret: replicasCanExceedOne ? undefined : tailscaleStateSecretName(w),
                }),
            );
        }
        const secretKeys = (args.secretKeys ?? []).map((k) => (typeof k === "string" ? { name: k, key: k } : k));
        if (secretKeys.length > 0 && !secretName) throw new Error(`${w}: reads ${secretKeys.map((k) => k.key).join(", ")} from the env Secret, but the workload has none (no Vault path)`);

        // Identity: the main container only gets an API token when it declares API access itself.
        const mainNeedsApi = (args.apiAccess ?? []).length > 0;
        this.identity = new WorkloadIdentity(
            childName(name, "identity"),
            { serviceAccountName: serviceAccountName(w), namespace: ns, labels, rules: [...(args.apiAccess ?? []), ...pieces.flatMap((p) => p.rules ?? [])], imagePullSecrets: args.imagePullSecrets },
            { parent: this },
        );

        // Plaintext environment in a ConfigMap; its hash rolls the pods when it changes.
        const envData: Record<string, string> = { ...args.env };
        if (args.otlp) {
            envData.OTEL_EXPORTER_OTLP_ENDPOINT = args.otlp.endpoint;
            envData.OTEL_SERVICE_NAME = w;
        }
        const configMapName = Object.keys(envData).length > 0 ? workloadConfigMapName(w) : undefined;
        if (configMapName) {
            this.configMap = new k8s.core.v1.ConfigMap(childName(name, "config"), { metadata: meta(configMapName), data: envData }, { parent: this });
        }
        const checksum = configChecksum(envData);

        // Volumes.
        const volumes: k8s.types.input.core.v1.Volume[] = [tmpVolume(args.tmpSize), ...pieces.flatMap((p) => p.volumes ?? [])];
        const mainMounts: k8s.types.input.core.v1.VolumeMount[] = [...pieces.flatMap((p) => p.mainMounts ?? [])];
        for (const [volume, d] of Object.entries(args.emptyDirs ?? {})) {
            if (volumes.some((v) => v.name === volume)) throw new Error(`${w}: emptyDir "${volume}" has the name of a volume the pod already has`);
            volumes.push({ name: volume, emptyDir: { sizeLimit: d.sizeLimit ?? "256Mi", medium: d.medium } });
            mainMounts.push({ name: volume, mountPath: d.mountPath });
        }
        const workspaceClaim = workspaceClaimName(w);
        const ws = args.workspace;
        const wsPath = ws?.mountPath ?? "/workspace";
        const pvcSpec = ws && {
            accessModes: [ws.accessMode ?? "ReadWriteOnce"],
            storageClassName: ws.storageClassName,
            resources: { requests: { storage: ws.size } },
        };
        const stateOpts = stateOptions(args.protectState);
        if (ws && pvcSpec) {
            mainMounts.push({ name: WORKSPACE_VOLUME, mountPath: wsPath });
            if (kind === "Deployment") {
                this.workspace = new k8s.core.v1.PersistentVolumeClaim(childName(name, "workspace"), { metadata: meta(workspaceClaim), spec: pvcSpec }, { parent: this, ...stateOpts });
                volumes.push({ name: WORKSPACE_VOLUME, persistentVolumeClaim: { claimName: workspaceClaim } });
            }
        }
        (args.sharedVolumes ?? []).forEach((v, i) => {
            const readOnly = v.readOnly ?? true;
            volumes.push({ name: `shared-${i}`, persistentVolumeClaim: { claimName: v.claimName, readOnly } });
            mainMounts.push({ name: `shared-${i}`, mountPath: v.mountPath, readOnly });
        });
        if (mainNeedsApi) mainMounts.push({ name: "kube-api-access", mountPath: SERVICE_ACCOUNT_MOUNT, readOnly: true });

        // The main container.
        const metrics = metricsServing("http", args.port, args.metrics);
        const main = hardenedContainer({
            name: w,
            image: imageReference(args.image),
            command: args.command,
            args: args.args,
            envFrom: configMapName ? [{ configMapRef: { name: configMapName } }] : undefined,
            env: [
                ...secretKeys.map((k) => secretEnv(k.name, secretName as string, k.key)),
                ...Object.entries(args.secretRefs ?? {}).map(([k, ref]) => secretEnv(k, ref.secret, ref.key ?? k)),
                ...pieces.flatMap((p) => p.mainEnv ?? []),
            ],
            ports: [{ name: "http", containerPort: args.port, protocol: "TCP" }, ...metrics.containerPorts],
            resources: args.resources,
            volumeMounts: mainMounts,
            // A probe without a port checks the service port ("http"); a slow first start is given 150 s before liveness takes over.
            ...containerProbes(args.probes, "http"),
        });
        if (mainNeedsApi) volumes.push({ name: "kube-api-access", projected: { sources: [{ serviceAccountToken: { path: "token", expirationSeconds: 3607 } }, { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } }, { downwardAPI: { items: [{ path: "namespace", fieldRef: { fieldPath: "metadata.namespace" } }] } }] } });

        const podAnnotations = { ...args.podAnnotations, ...(configMapName ? { "agent-estate/config-checksum": checksum } : {}) };
        const antiAffinityTerm = { labelSelector: { matchLabels: selector }, topologyKey: "kubernetes.io/hostname" };
        const affinity: k8s.types.input.core.v1.Affinity | undefined =
            args.antiAffinity === "preferred"
                ? { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: antiAffinityTerm }] } }
                : args.antiAffinity === "required"
                  ? { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [antiAffinityTerm] } }
                  : undefined;
        const podTemplate: k8s.types.input.core.v1.PodTemplateSpec = {
            metadata: { labels, annotations: Object.keys(podAnnotations).length > 0 ? podAnnotations : undefined },
            spec: {
                serviceAccountName: serviceAccountName(w),
                // The ServiceAccount never automounts; the main container gets a projected token only with apiAccess.
                automountServiceAccountToken: false,
                enableServiceLinks: false,
                securityContext: restrictedPodSecurityContext(),
                affinity,
                nodeSelector: args.nodeSelector,
                terminationGracePeriodSeconds: args.terminationGracePeriodSeconds ?? 30,
                topologySpreadConstraints: [
                    { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: args.spread ?? "ScheduleAnyway", labelSelector: { matchLabels: selector } },
                ],
                // Omitted when there are none, as the API server stores it (an empty optional list is not kept).
                initContainers: nonEmpty(pieces.flatMap((p) => p.initContainers ?? [])),
                containers: [main, ...pieces.flatMap((p) => p.containers ?? [])],
                volumes,
            },
        };
        // When an HPA owns the count, `replicas` stays unset so server-side apply and the autoscaler never fight.
        const replicas = args.autoscaling ? undefined : (args.replicas ?? 1);
        // What the caller made this workload depend on (its ExternalSecret, a database) must exist before any
        // pod starts: a component's own dependsOn does not reach its children, so it is forwarded.
        const upstream = ([] as pulumi.Input<pulumi.Resource>[]).concat((opts?.dependsOn ?? []) as pulumi.Input<pulumi.Resource>[]);
        const dependsOn: pulumi.Input<pulumi.Resource>[] = [...upstream, this.identity, ...(this.configMap ? [this.configMap] : [])];

        this.service = new k8s.core.v1.Service(
            childName(name, "service"),
            {
                metadata: annotatedMeta(w),
                spec: {
                    type: args.nodePort !== undefined ? "NodePort" : "ClusterIP",
                    selector,
                    ports: [
                        { name: "http", port: args.port, targetPort: "http", protocol: "TCP", nodePort: args.nodePort },
                        ...metrics.servicePorts,
                    ],
                },
            },
            { parent: this },
        );

        const workloadRef = { apiVersion: "apps/v1", kind, name: w };
        if (kind === "Deployment") {
            this.deployment = new k8s.apps.v1.Deployment(
                childName(name),
                {
                    metadata: annotatedMeta(w),
                    spec: {
                        replicas,
                        revisionHistoryLimit: 5,
                        selector: { matchLabels: selector },
                        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
                        template: podTemplate,
                    },
                },
                { parent: this, dependsOn: this.workspace ? [...dependsOn, this.workspace] : dependsOn },
            );
        } else {
            const headless = new k8s.core.v1.Service(
                childName(name, "headless"),
                { metadata: meta(childName(w, "headless")), spec: { clusterIP: "None", selector, ports: [{ name: "http", port: args.port, targetPort: "http" }] } },
                { parent: this },
            );
            this.statefulSet = new k8s.apps.v1.StatefulSet(
                childName(name),
                {
                    metadata: annotatedMeta(w),
                    spec: {
                        replicas,
                        serviceName: childName(w, "headless"),
                        revisionHistoryLimit: 5,
                        selector: { matchLabels: selector },
                        updateStrategy: { type: "RollingUpdate" },
                        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
                        template: podTemplate,
                        volumeClaimTemplates: pvcSpec ? [{ metadata: { name: WORKSPACE_VOLUME, labels }, spec: pvcSpec }] : undefined,
                    },
                },
                { parent: this, dependsOn: [...dependsOn, headless], ...stateOpts },
            );
        }

        if (args.autoscaling) {
            const a = args.autoscaling;
            this.hpa = new k8s.autoscaling.v2.HorizontalPodAutoscaler(
                childName(name, "hpa"),
                {
                    metadata: meta(w),
                    spec: {
                        scaleTargetRef: workloadRef,
                        minReplicas: a.minReplicas,
                        maxReplicas: a.maxReplicas,
                        metrics: [
                            { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: a.cpuUtilization ?? 70 } } },
                            { type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: a.memoryUtilization ?? 80 } } },
                        ],
                        behavior: {
                            scaleUp: { ...DEFAULT_HPA_BEHAVIOR.scaleUp, ...defined(a.behavior?.scaleUp) },
                            scaleDown: { ...DEFAULT_HPA_BEHAVIOR.scaleDown, ...defined(a.behavior?.scaleDown) },
                        },
                    },
                },
                { parent: this, dependsOn: this.deployment ?? this.statefulSet },
            );
        }

        if (replicasCanExceedOne) {
            // minAvailable stays below the floor of replicas so a drain can always evict one pod.
            const floor = args.autoscaling ? args.autoscaling.minReplicas : (args.replicas ?? 1);
            const budget = args.disruptionBudget ?? (floor >= 2 ? { minAvailable: floor - 1 } : { maxUnavailable: 1 });
            if (typeof budget.minAvailable === "number" && budget.minAvailable >= floor) throw new Error(`${w}: a PDB with minAvailable ${budget.minAvailable} over ${floor} pod(s) would block every drain`);
            this.pdb = new k8s.policy.v1.PodDisruptionBudget(
                childName(name, "pdb"),
                {
                    metadata: meta(w),
                    spec: {
                        selector: { matchLabels: selector },
                        ...budget,
                        unhealthyPodEvictionPolicy: "AlwaysAllow",
                    },
                },
                { parent: this },
            );
        }

        // NetworkPolicy derived from peers; sidecars add what they need (git-sync and tailscale reach the internet).
        const egress: NetworkPeer[] = [...(args.egressTo ?? []), ...(args.otlp ? [args.otlp.collector] : []), ...pieces.flatMap((p) => p.egress ?? [])];
        if (args.externalHttps) egress.push(internet([{ port: 443 }]));
        if (mainNeedsApi || pieces.some((p) => p.needsApiServer)) {
            if (!args.apiServerEgress?.length) throw new Error(`${w}: its pods call the Kubernetes API, but no apiServerEgress lets them out of the namespace's default deny`);
            egress.push(...args.apiServerEgress);
        }
        const ingress: NetworkPeer[] = [...(args.ingressFrom ?? [])];
        // Tailnet peers reach the Service through its proxy, which forwards the service port.
        if (args.tailscale?.proxy && secretName) {
            this.tailnetProxy = new TailnetProxy(
                childName(name, "tailnet"),
                {
                    name: tailnetProxyName(w),
                    namespace: ns,
                    target: { host: serviceHost(w, ns), port: args.port, pods: { namespace: ns, podSelector: selector, ports: [{ port: args.port }] } },
                    serviceAccountName: serviceAccountName(w),
                    hostname: args.tailscale.proxy.hostname,
                    tags: args.tailscale.tags ?? [],
                    image: imageReference(args.tailscale.image),
                    // The workload's own key: tagged as its sidecars, reusable and ephemeral.
                    authKey: { secretName, key: TAILSCALE_AUTHKEY },
                    labels: args.labels,
                    protectState: args.protectState,
                },
                { parent: this, dependsOn: upstream },
            );
            ingress.push({ namespace: ns, podSelector: this.tailnetProxy.selector, ports: [{ port: args.port }] });
        }
        if (args.betweenReplicas) {
            // Replica to replica, on the service port: the pods are both ends.
            const self: NetworkPeer = { namespace: ns, podSelector: selector, ports: [{ port: args.port }] };
            ingress.push(self);
            egress.push(self);
        }
        ingress.push(...metrics.scrapeIngress);
        this.networkPolicy = new k8s.networking.v1.NetworkPolicy(
            childName(name, "netpol"),
            { metadata: meta(w), spec: networkPolicySpec({ podSelector: selector, ingressFrom: ingress, egressTo: dedupe(egress) }) },
            { parent: this },
        );

        if (args.metrics && args.serviceMonitor) {
            this.serviceMonitor = serviceMonitor(
                childName(name, "servicemonitor"),
                { metadata: meta(w), selector, port: metrics.scrapePort, path: args.metrics.path, interval: args.metrics.interval, scrapeTimeout: args.metrics.scrapeTimeout },
                // The upstream dependencies include the Prometheus operator, whose CRD this object needs.
                { parent: this, dependsOn: [...upstream, this.service] },
            );
        }

        const cronJobs: Record<string, CronWorkload> = {};
        for (const [job, c] of Object.entries(args.cronJobs ?? {})) {
            const jobKeys = c.secretKeys ?? [];
            if (jobKeys.length > 0 && !secretName) throw new Error(`${w}: CronJob ${job} reads ${jobKeys.join(", ")} from the env Secret, but the workload has none`);
            if (c.mountWorkspace && !this.workspace) throw new Error(`${w}: CronJob ${job} mounts the workspace, but the workload has no shared workspace PVC`);
            const rwo = (ws?.accessMode ?? "ReadWriteOnce") !== "ReadWriteMany";
            cronJobs[job] = new CronWorkload(
                childName(name, job),
                {
                    name: childName(w, job),
                    namespace: ns,
                    labels: { ...args.labels },
                    image: imageReference(c.image ?? args.image),
                    schedule: c.schedule,
                    command: c.command,
                    serviceAccountName: serviceAccountName(w),
                    resources: c.resources,
                    configMapName,
                    secretKeys: jobKeys,
                    secretName,
                    volume: c.mountWorkspace ? { claimName: workspaceClaim, mountPath: wsPath } : undefined,
                    colocateWith: c.mountWorkspace && rwo ? selector : undefined,
                    // The job runs with the workload's environment, so it reaches what that names: the workload's peers, the collector.
                    egressTo: dedupe([...(args.egressTo ?? []), ...(args.otlp ? [args.otlp.collector] : []), ...(c.egressTo ?? []), ...(c.externalHttps ? [internet([{ port: 443 }])] : [])]),
                    activeDeadlineSeconds: c.activeDeadlineSeconds,
                },
                { parent: this, dependsOn: [...upstream, this.identity, ...(this.workspace ? [this.workspace] : [])] },
            );
        }
        this.cronJobs = cronJobs;

        this.registerOutputs({ name: w, namespace: ns, service: this.service.metadata.name });
    }
}

/** One direction of an HPA's behaviour (autoscaling/v2 HPAScalingRules); unset fields keep the default. */
export interface ScalingRules {
    stabilizationWindowSeconds?: number;
    selectPolicy?: "Max" | "Min" | "Disabled";
    policies?: Array<{ type: "Pods" | "Percent"; value: number; periodSeconds: number }>;
}

/** The HPA's behaviour unless configured: up fast (double, or +2 pods, per 30 s); down slowly after 5 min of calm, half per minute at most. */
export const DEFAULT_HPA_BEHAVIOR: { scaleUp: Required<ScalingRules>; scaleDown: Required<ScalingRules> } = {
    scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: "Max", policies: [{ type: "Percent", value: 100, periodSeconds: 30 }, { type: "Pods", value: 2, periodSeconds: 30 }] },
    scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: "Min", policies: [{ type: "Percent", value: 50, periodSeconds: 60 }] },
};

/** The fields of `o` that are set. */
function defined<T extends object>(o: T | undefined): Partial<T> {
    return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Peers listed twice (a sidecar and the config both open HTTPS) become one rule. */
function dedupe(peers: NetworkPeer[]): NetworkPeer[] {
    const seen = new Set<string>();
    return peers.filter((p) => {
        const key = JSON.stringify(p);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
    });
}

/** A list, or undefined when it is empty: Kubernetes omits empty optional lists. */
function nonEmpty<T>(items: T[]): T[] | undefined {
    return items.length > 0 ? items : undefined;
}
