import { z } from "zod";
import { dnsLabel, port, quantity } from "./primitives";

const resourceAmounts = z.strictObject({ cpu: quantity, memory: quantity });

/** Requests and limits; both are required so every pod has a QoS class and fits a node. */
export const resourcesSpec = z.strictObject({ requests: resourceAmounts, limits: resourceAmounts });
export type ResourcesSpec = z.infer<typeof resourcesSpec>;

/** HorizontalPodAutoscaler settings (autoscaling/v2). */
export const autoscalingSpec = z
    .strictObject({
        minReplicas: z.number().int().min(1),
        maxReplicas: z.number().int().min(1),
        /** Target average CPU utilisation, percent of requests. @default 70 */
        cpuUtilization: z.number().int().min(1).max(100).default(70),
        /** Target average memory utilisation, percent of requests. @default 80 */
        memoryUtilization: z.number().int().min(1).max(100).default(80),
    })
    .refine((a) => a.maxReplicas >= a.minReplicas, { error: "maxReplicas must be at least minReplicas", path: ["maxReplicas"] });

/** An environment variable name as a shell and Kubernetes accept it. */
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be an environment variable name such as "LOG_LEVEL"' });

/** Names that look like credentials: they belong in Vault (`secretKeys`), never in a plaintext env value. */
const CREDENTIAL_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|APIKEY|PRIVATE_KEY|AUTHKEY|CREDENTIALS?)$/i;

/** Plaintext environment: it lands in a ConfigMap, so a credential-looking name is refused. */
const plainEnv = z.record(envName, z.string()).superRefine((env, ctx) => {
    for (const key of Object.keys(env)) {
        if (CREDENTIAL_NAME.test(key)) {
            ctx.addIssue({ code: "custom", path: [key], message: `looks like a credential; it would land in a ConfigMap in plaintext. Put it in Vault and list "${key}" in secretKeys instead` });
        }
    }
});

/** Kubernetes label keys and values for selecting pods of another namespace. */
const labelMap = z.record(
    z.string().regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, { error: 'must be a label key such as "app.kubernetes.io/name" or "cnpg.io/poolerName"' }),
    z.string().regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/, { error: "must be a label value: at most 63 letters, digits, '-', '_' or '.'" }),
);

/** A CIDR such as `10.0.0.1/32`. */
const cidr = z.string().regex(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d|[12]\d|3[0-2])$/, { error: 'must be an IPv4 CIDR such as "10.43.0.1/32"' });

const peerPorts = z.array(port).min(1, { error: "must list at least one port, e.g. [5432]" });

/**
 * A network peer, in one of three forms:
 * - `{ workload: kaze-gateway }`: another workload of this cell, on its service port (or `ports`);
 * - `{ namespace, podSelector, ports }`: pods outside the cell's workloads (a database pooler, an ingress controller);
 * - `{ cidr, ports }`: addresses outside the cluster's pod network (the API server's endpoint).
 */
export const peerSpec = z.union(
    [
        z.strictObject({
            workload: dnsLabel,
            /** @default - the peer's service port (egress) or this workload's service port (ingress) */
            ports: peerPorts.optional(),
        }),
        z.strictObject({ namespace: dnsLabel, podSelector: labelMap.refine((m) => Object.keys(m).length > 0, { error: "must name at least one label; an empty selector opens the whole namespace" }), ports: peerPorts }),
        z.strictObject({ cidr, ports: peerPorts }),
    ],
    { error: 'must be { workload: <name> }, { namespace, podSelector: {label: value}, ports: [..] } or { cidr: "a.b.c.d/n", ports: [..] }' },
);
export type PeerSpec = z.infer<typeof peerSpec>;

/** Who may reach the workload and whom it may reach. Everything else stays closed by the namespace's default deny. */
export const networkSpec = z.strictObject({
    /** Peers allowed in. Workloads that name this one in `egressTo` are added automatically. @default [] */
    ingressFrom: z.array(peerSpec).default([]),
    /** Peers the workload may reach (DNS is always allowed). @default [] */
    egressTo: z.array(peerSpec).default([]),
    /** HTTPS (443) to the internet, private and link-local ranges excluded. @default false */
    externalHttps: z.boolean().default(false),
});

/** git-sync: clones an agent-definition repo before start and pulls it every `period` seconds. */
export const gitSyncSpec = z.strictObject({
    /** HTTPS URL of the repository. */
    repo: z.url({ protocol: /^https$/, error: 'must be an https URL such as "https://github.com/speedrun-ventures/kaze-agent-ops"' }),
    /** Branch, tag or commit. @default "main" */
    ref: z.string().min(1).default("main"),
    /** Seconds between pulls. @default 60 */
    period: z.number().int().min(10, { error: "must be at least 10 seconds" }).default(60),
    /** Name of the image pin in `agent-estate:images.pins`. @default "git-sync" */
    image: z.string().min(1).default("git-sync"),
    /** Where the checkouts are mounted read-only in the main container; the repo lands at `<mountPath>/<repo name>`. @default "/agents" */
    mountPath: z.string().startsWith("/").default("/agents"),
    /** Key of the workload's env Secret holding a token for private repositories. @default - anonymous clone */
    tokenKey: envName.optional(),
});

/** tailscale: userspace networking, state in a Secret, auth key from Vault. */
export const tailscaleSpec = z.strictObject({
    /** Name of the image pin. @default "tailscale" */
    image: z.string().min(1).default("tailscale"),
    /** Tailnet hostname. @default - the workload's name */
    hostname: dnsLabel.optional(),
    /** ACL tags the node advertises, e.g. ["tag:kaze"]. @default [] */
    tags: z.array(z.string().regex(/^tag:[a-z0-9-]+$/, { error: 'must be an ACL tag such as "tag:kaze"' })).default([]),
});

/** An MCP proxy sidecar (e.g. langfuse-mcp): reachable by the main container on localhost only. */
export const mcpProxySpec = z.strictObject({
    /** Name of the image pin. */
    image: z.string().min(1),
    /** Port on localhost. */
    port,
    /** Transport the proxy serves. @default "sse" */
    transport: z.enum(["sse", "streamable-http"]).default("sse"),
    /** Plaintext environment. @default {} */
    env: plainEnv.default({}),
    /** Keys of the workload's env Secret the proxy receives. @default [] */
    secretKeys: z.array(envName).default([]),
    /** Command-line arguments. @default - the image's */
    args: z.array(z.string()).optional(),
    resources: resourcesSpec.optional(),
});

/** A CronJob that runs beside the workload with the same hardening (workspace cleanup, token refresh). */
export const cronJobSpec = z.strictObject({
    /** Cron schedule, five fields. */
    schedule: z.string().regex(/^(\S+\s+){4}\S+$/, { error: 'must be a five-field cron schedule such as "*/15 * * * *"' }),
    /** Command to run. */
    command: z.array(z.string()).min(1, { error: 'must name the command, e.g. ["node", "dist/cleanup.js"]' }),
    /** Name of the image pin. @default - the workload's image */
    image: z.string().min(1).optional(),
    /** Mount the workload's workspace volume read-write. @default false */
    mountWorkspace: z.boolean().default(false),
    /** Keys of the workload's env Secret the job receives. @default [] */
    secretKeys: z.array(envName).default([]),
    /** Peers the job may reach besides DNS. @default [] */
    egressTo: z.array(peerSpec).default([]),
    /** HTTPS to the internet, private ranges excluded. @default false */
    externalHttps: z.boolean().default(false),
    /** Seconds before a run is killed. @default 600 */
    activeDeadlineSeconds: z.number().int().min(1).default(600),
    resources: resourcesSpec.optional(),
});

/** A Role rule the workload itself needs on the Kubernetes API: narrowed to named objects. */
export const apiRuleSpec = z
    .strictObject({
        apiGroups: z.array(z.string()).min(1),
        resources: z.array(z.string().min(1)).min(1),
        verbs: z.array(z.enum(["get", "list", "watch", "create", "update", "patch", "delete"])).min(1),
        /** The objects the rule applies to. Required unless the only verb is `create`, which Kubernetes cannot narrow by name. */
        resourceNames: z.array(z.string().min(1)).optional(),
    })
    .refine((r) => (r.resourceNames?.length ?? 0) > 0 || r.verbs.every((v) => v === "create"), {
        error: "must list resourceNames: a rule without them grants every object of the type",
        path: ["resourceNames"],
    });

/** A persistent workspace for the workload (`/workspace`). */
export const workspaceSpec = z.strictObject({
    size: quantity,
    /** @default "/workspace" */
    mountPath: z.string().startsWith("/").default("/workspace"),
    /** @default - the cluster's default StorageClass */
    storageClassName: z.string().min(1).optional(),
    /** ReadWriteMany when several pods of a Deployment share it. @default "ReadWriteOnce" */
    accessMode: z.enum(["ReadWriteOnce", "ReadWriteMany", "ReadWriteOncePod"]).default("ReadWriteOnce"),
});

/** Ports the built-in sidecars listen on for their kubelet probes; a workload with the sidecar cannot use them. */
export const SIDECAR_HEALTH_PORTS = { gitSync: 2020, tailscale: 9002 } as const;

/** One agent workload of the cell, keyed by its name in `agent-estate:workloads`. */
export const workloadSpec = z
    .strictObject({
        /** Namespace, one of `agent-estate:namespaces`. */
        namespace: dnsLabel,
        /** Name of the image pin in `agent-estate:images.pins`. */
        image: z.string().min(1),
        /** The container port the service listens on (also the Service port). */
        port: port,
        /** Deployment, or StatefulSet for per-pod identity and per-pod workspaces. @default "Deployment" */
        kind: z.enum(["Deployment", "StatefulSet"]).default("Deployment"),
        /** Replica count when not autoscaled. @default 1 */
        replicas: z.number().int().min(1).default(1),
        /** When set, an HPA owns the replica count and the Deployment leaves `replicas` unset. */
        autoscaling: autoscalingSpec.optional(),
        resources: resourcesSpec,
        /** Container command. @default - the image's entrypoint */
        command: z.array(z.string()).optional(),
        /** Container arguments. @default - the image's */
        args: z.array(z.string()).optional(),
        /** Plaintext environment, delivered through the workload's ConfigMap. @default {} */
        env: plainEnv.default({}),
        /** Keys of the workload's env Secret (from Vault) the main container receives, each by name. @default [] */
        secretKeys: z.array(envName).default([]),
        /** Liveness/startup and readiness paths. @default { liveness: "/health", readiness: "/ready" } */
        probes: z
            .strictObject({
                liveness: z.string().startsWith("/").default("/health"),
                readiness: z.string().startsWith("/").default("/ready"),
            })
            .default({ liveness: "/health", readiness: "/ready" }),
        /** Seconds the pod gets to drain after SIGTERM. @default 30 */
        terminationGracePeriodSeconds: z.number().int().min(0).max(3600).default(30),
        /** Fixed NodePort, only when an F5 VIP fronts the Service. @default - ClusterIP */
        nodePort: z.number().int().min(30000, { error: "must be a NodePort from 30000 to 32767" }).max(32767, { error: "must be a NodePort from 30000 to 32767" }).optional(),
        /** Prometheus scraping of `path` on `port`. @default - no ServiceMonitor */
        metrics: z.strictObject({ path: z.string().startsWith("/").default("/metrics"), port }).optional(),
        network: networkSpec.default({ ingressFrom: [], egressTo: [], externalHttps: false }),
        /** Rules the main container needs on the Kubernetes API; any rule turns token automount on. @default [] */
        apiAccess: z.array(apiRuleSpec).default([]),
        workspace: workspaceSpec.optional(),
        /** Existing PVCs mounted read-only. @default [] */
        sharedVolumes: z.array(z.strictObject({ claimName: dnsLabel, mountPath: z.string().startsWith("/") })).default([]),
        sidecars: z
            .strictObject({
                gitSync: gitSyncSpec.optional(),
                tailscale: tailscaleSpec.optional(),
                /** MCP proxies by container name, e.g. `langfuse-mcp`. @default {} */
                mcpProxies: z.record(dnsLabel, mcpProxySpec).default({}),
            })
            .default({ mcpProxies: {} }),
        /** CronJobs by name (`workspace-cleanup`, `token-refresh`). @default {} */
        cronJobs: z.record(dnsLabel, cronJobSpec).default({}),
    })
    .superRefine((w, ctx) => {
        // Ports share one pod network namespace: two containers cannot listen on the same one.
        const used = new Map<number, string>([[w.port, "port"]]);
        const claim = (p: number, path: PropertyKey[]) => {
            const other = used.get(p);
            if (other !== undefined && !(path.join(".") === "metrics.port" && other === "port")) {
                ctx.addIssue({ code: "custom", path, message: `port ${p} is already used by ${other}; each container of the pod needs its own port` });
            }
            used.set(p, path.join("."));
        };
        if (w.metrics) claim(w.metrics.port, ["metrics", "port"]);
        if (w.sidecars.gitSync) used.set(SIDECAR_HEALTH_PORTS.gitSync, "the git-sync sidecar's health endpoint");
        if (w.sidecars.tailscale) used.set(SIDECAR_HEALTH_PORTS.tailscale, "the tailscale sidecar's health endpoint");
        const reserved = [...used.entries()].filter(([, by]) => by.startsWith("the "));
        for (const [p, by] of reserved) {
            if (w.port === p) ctx.addIssue({ code: "custom", path: ["port"], message: `port ${p} is taken by ${by}; choose another port` });
            if (w.metrics?.port === p) ctx.addIssue({ code: "custom", path: ["metrics", "port"], message: `port ${p} is taken by ${by}; choose another port` });
        }
        for (const [name, m] of Object.entries(w.sidecars.mcpProxies)) claim(m.port, ["sidecars", "mcpProxies", name, "port"]);

        const multi = w.replicas > 1 || (w.autoscaling?.maxReplicas ?? 1) > 1;
        if (w.workspace && w.kind === "Deployment" && multi && w.workspace.accessMode !== "ReadWriteMany") {
            ctx.addIssue({ code: "custom", path: ["workspace", "accessMode"], message: `"${w.workspace.accessMode}" cannot be shared by the Deployment's several pods; use "ReadWriteMany", or kind: StatefulSet for one workspace per pod` });
        }
        if (w.autoscaling && w.replicas !== 1) {
            ctx.addIssue({ code: "custom", path: ["replicas"], message: "is owned by the HPA when autoscaling is set; remove replicas and use autoscaling.minReplicas" });
        }
        for (const [name, c] of Object.entries(w.cronJobs)) {
            if (c.mountWorkspace && !w.workspace) {
                ctx.addIssue({ code: "custom", path: ["cronJobs", name, "mountWorkspace"], message: "the workload has no workspace; add workspace: { size: 5Gi } or set mountWorkspace: false" });
            } else if (c.mountWorkspace && w.kind === "StatefulSet") {
                ctx.addIssue({ code: "custom", path: ["cronJobs", name, "mountWorkspace"], message: "a StatefulSet has one workspace per pod, none for a job to mount; use kind: Deployment or set mountWorkspace: false" });
            }
        }
        const sidecarNames = ["git-sync", "git-sync-init", "tailscale"];
        for (const name of Object.keys(w.sidecars.mcpProxies)) {
            if (sidecarNames.includes(name)) ctx.addIssue({ code: "custom", path: ["sidecars", "mcpProxies", name], message: `"${name}" is the name of a built-in sidecar; name the proxy after its server, e.g. "langfuse-mcp"` });
        }
    });
export type WorkloadSpec = z.infer<typeof workloadSpec>;

/** `agent-estate:workloads`: workload name → spec. */
export const workloadsSection = z.record(dnsLabel, workloadSpec);

/** Every image pin a workload refers to (main, sidecars, cron jobs), with the config path that names it. */
export function workloadImageRefs(w: WorkloadSpec): Array<{ image: string; path: PropertyKey[] }> {
    const refs: Array<{ image: string; path: PropertyKey[] }> = [{ image: w.image, path: ["image"] }];
    if (w.sidecars.gitSync) refs.push({ image: w.sidecars.gitSync.image, path: ["sidecars", "gitSync", "image"] });
    if (w.sidecars.tailscale) refs.push({ image: w.sidecars.tailscale.image, path: ["sidecars", "tailscale", "image"] });
    for (const [name, m] of Object.entries(w.sidecars.mcpProxies)) refs.push({ image: m.image, path: ["sidecars", "mcpProxies", name, "image"] });
    for (const [name, c] of Object.entries(w.cronJobs)) if (c.image) refs.push({ image: c.image, path: ["cronJobs", name, "image"] });
    return refs;
}

/** Every workload peer a workload names, with the config path that names it. */
export function workloadPeerRefs(w: WorkloadSpec): Array<{ workload: string; path: PropertyKey[] }> {
    const refs: Array<{ workload: string; path: PropertyKey[] }> = [];
    const add = (list: PeerSpec[], base: PropertyKey[]) =>
        list.forEach((p, i) => {
            if ("workload" in p) refs.push({ workload: p.workload, path: [...base, i, "workload"] });
        });
    add(w.network.ingressFrom, ["network", "ingressFrom"]);
    add(w.network.egressTo, ["network", "egressTo"]);
    for (const [name, c] of Object.entries(w.cronJobs)) add(c.egressTo, ["cronJobs", name, "egressTo"]);
    return refs;
}
