import { z } from "zod";
import { workloadRouteSpec } from "./ingress";
import { workloadMeshSpec } from "./mesh";
import { dnsLabel, ipv4Cidr, nodePort, port, quantity, secretDataKey } from "./primitives";
import { probeList, probesSpec } from "./probes";

const resourceAmounts = z.strictObject({
    cpu: quantity.describe('CPU as a Kubernetes quantity, e.g. "250m" or "1".'),
    memory: quantity.describe('Memory as a Kubernetes quantity, e.g. "512Mi" or "1Gi".'),
});

/** Requests and limits; both are required so every pod has a QoS class and fits a node. */
export const resourcesSpec = z.strictObject({
    requests: resourceAmounts.describe("What the scheduler reserves for the container (cpu and memory)."),
    limits: resourceAmounts.describe("The most the container may use (cpu and memory)."),
});

/** A Prometheus duration such as "15s" or "1m". */
const promDuration = z.string().regex(/^([0-9]+(ms|s|m|h))+$/, { error: 'must be a duration such as "15s" or "1m"' });

/** Seconds of a Prometheus duration ("1m30s" → 90). */
export function durationSeconds(d: string): number {
    const unit: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
    return [...d.matchAll(/([0-9]+)(ms|s|m|h)/g)].reduce((sum, [, n, u]) => sum + Number(n) * unit[u], 0);
}

/** Prometheus scraping through a ServiceMonitor. */
export const metricsSpec = z
    .strictObject({
        path: z.string().startsWith("/").default("/metrics").describe('HTTP path Prometheus scrapes. Default: "/metrics".'),
        port: port.describe("Port the metrics are served on; the service port, or one no other container uses."),
        interval: promDuration.default("30s").describe('How often Prometheus scrapes, a Prometheus duration. Default: "30s".'),
        scrapeTimeout: promDuration.default("10s").describe('How long one scrape may take; at most interval. Default: "10s".'),
    })
    .refine((m) => durationSeconds(m.scrapeTimeout) <= durationSeconds(m.interval), { error: "must be at most interval: a scrape cannot outlast the time between two", path: ["scrapeTimeout"] });

/** One direction of an HPA's behaviour (autoscaling/v2 HPAScalingRules), field by field over the program's default. */
const scalingRulesSpec = z.strictObject({
    stabilizationWindowSeconds: z.number().int().min(0).max(3600).optional().describe("Seconds of past recommendations the HPA considers before changing the count (0 to 3600)."),
    selectPolicy: z.enum(["Max", "Min", "Disabled"]).optional().describe("Which policy wins when several apply: Max, Min, or Disabled (never scale this way)."),
    policies: z
        .array(
            z.strictObject({
                type: z.enum(["Pods", "Percent"]).describe("Pods: a number of pods; Percent: a share of the current count."),
                value: z.number().int().min(1).describe("How many pods, or what percent, per period."),
                periodSeconds: z.number().int().min(1).max(1800).describe("The window the value applies to, 1 to 1800 seconds."),
            }),
        )
        .min(1, { error: 'must list at least one policy, e.g. [{ type: Pods, value: 2, periodSeconds: 60 }]; to stop scaling this way use selectPolicy: "Disabled"' })
        .optional()
        .describe("How fast the count may change, e.g. [{ type: Percent, value: 100, periodSeconds: 30 }]."),
});
export type ScalingRulesSpec = z.infer<typeof scalingRulesSpec>;

/** HorizontalPodAutoscaler settings (autoscaling/v2). */
export const autoscalingSpec = z
    .strictObject({
        minReplicas: z.number().int().min(1).describe("Fewest replicas the HPA scales down to."),
        maxReplicas: z.number().int().min(1).describe("Most replicas the HPA scales up to; at least minReplicas."),
        cpuUtilization: z.number().int().min(1).max(100).default(70).describe("Target average CPU utilisation, percent of requests. Default: 70."),
        memoryUtilization: z.number().int().min(1).max(100).default(80).describe("Target average memory utilisation, percent of requests. Default: 80."),
        behavior: z
            .strictObject({
                scaleUp: scalingRulesSpec.optional().describe("Scaling up; each field unset keeps the default: stabilizationWindowSeconds 0, selectPolicy Max, policies [100 % or 2 pods per 30 s]."),
                scaleDown: scalingRulesSpec.optional().describe("Scaling down; each field unset keeps the default: stabilizationWindowSeconds 300, selectPolicy Min, policies [50 % per 60 s]."),
            })
            .optional()
            .describe("How fast the HPA scales, in autoscaling/v2's shape. Default: up fast (double, or +2 pods, per 30 s), down slowly (after 5 min of calm, half per minute at most)."),
    })
    .refine((a) => a.maxReplicas >= a.minReplicas, { error: "maxReplicas must be at least minReplicas", path: ["maxReplicas"] });

/** An int or a percentage, as a PodDisruptionBudget takes them. */
const intOrPercent = z.union([z.number().int().min(0), z.string().regex(/^([0-9]|[1-9][0-9]|100)%$/)], { error: 'must be a number of pods such as 2 or a percentage such as "50%"' });

/** The PodDisruptionBudget of a workload that can run several pods (policy/v1): one of minAvailable and maxUnavailable. */
export const disruptionBudgetSpec = z
    .strictObject({
        minAvailable: intOrPercent.optional().describe('Pods that must stay up during a voluntary disruption (a drain), e.g. 2 or "50%".'),
        maxUnavailable: intOrPercent.optional().describe('Pods a voluntary disruption may take down at once, e.g. 1 or "25%".'),
    })
    .superRefine((b, ctx) => {
        if ((b.minAvailable === undefined) === (b.maxUnavailable === undefined)) {
            ctx.addIssue({ code: "custom", message: "must set exactly one of minAvailable and maxUnavailable (Kubernetes refuses both), e.g. { minAvailable: 2 }" });
        }
    });
export type DisruptionBudgetSpec = z.infer<typeof disruptionBudgetSpec>;

/** An environment variable name as a shell and Kubernetes accept it. */
export const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be an environment variable name such as "LOG_LEVEL"' });

/** A secretKeys entry by name: the env var and the Secret key are the same. */
const secretKeyName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
    error: 'must be an environment variable name such as "JWT_SECRET" (read from the Secret key of the same name), or { name: ALFRED_DATABASE_URL, key: database-url } for a key that is not one',
});

/** Names that look like credentials: they belong in Vault (`secretKeys`), never in a plaintext env value. */
const CREDENTIAL_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|APIKEY|PRIVATE_KEY|AUTHKEY|CREDENTIALS?)$/i;

/** Refuses credential-looking names in an environment that lands in a ConfigMap. */
function noCredentialNames(env: Record<string, unknown>, ctx: z.RefinementCtx): void {
    for (const key of Object.keys(env)) {
        if (CREDENTIAL_NAME.test(key)) {
            ctx.addIssue({ code: "custom", path: [key], message: `looks like a credential; it would land in a ConfigMap in plaintext. Put it in Vault and list "${key}" in secretKeys instead` });
        }
    }
}

/** Plaintext environment: it lands in a ConfigMap, so a credential-looking name is refused. */
export const plainEnv = z.record(envName, z.string()).superRefine(noCredentialNames);

/**
 * An environment value the program derives from an object the stack declares, so the object is named,
 * never copied: the name of a PersistentVolumeClaim or of a ServiceAccount (each must be declared by the
 * stack), the pinned reference of an image (`<repository>:<tag>@<digest>` of a pin) or its tag, or the
 * public URL of an Ingress.
 */
export const envValueFrom = z.strictObject({
    valueFrom: z.union(
        [
            z.strictObject({
                persistentVolumeClaim: dnsLabel.describe("A PVC the stack declares: a Deployment's workspace (`<workload>-workspace`) or a claim of `agent-estate:jobTemplates`; the value is its name."),
            }),
            z.strictObject({ serviceAccount: dnsLabel.describe("A ServiceAccount the stack declares: a workload's or a job template's (both named after it); the value is its name.") }),
            z.strictObject({ image: z.string().min(1).describe("An image pin of `agent-estate:images.pins`; the value is its pinned reference, digest included.") }),
            z.strictObject({ imageTag: z.string().min(1).describe("An image pin of `agent-estate:images.pins` with a tag; the value is the tag (a version the process reports, bumped with the pin).") }),
            z.strictObject({
                ingressUrl: z
                    .strictObject({
                        ingress: dnsLabel.describe("An Ingress of `agent-estate:ingresses`."),
                        path: z.string().startsWith("/").default("").describe('A path appended to the URL, e.g. "/api/auth/callback". Default: none.'),
                    })
                    .describe("The public URL of an Ingress the stack declares: `https://<its first host><path>` (`http://` when that host has no TLS)."),
            }),
        ],
        { error: "must be { persistentVolumeClaim: <name> }, { serviceAccount: <name> }, { image: <pin> }, { imageTag: <pin> } or { ingressUrl: { ingress: <name>, path } }" },
    ),
});
export type EnvValueFrom = z.infer<typeof envValueFrom>;

/** A workload's environment: plaintext values, or values derived from declared objects ({@link envValueFrom}). */
const workloadEnv = z
    .record(envName, z.union([z.string(), envValueFrom], { error: "must be a string, or { valueFrom: { persistentVolumeClaim | serviceAccount | image | imageTag | ingressUrl: ... } }" }))
    .superRefine(noCredentialNames);

/** Kubernetes label keys and values for selecting pods of another namespace. */
export const labelMap = z.record(
    z.string().regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, { error: 'must be a label key such as "app.kubernetes.io/name" or "cnpg.io/poolerName"' }),
    z.string().regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/, { error: "must be a label value: at most 63 letters, digits, '-', '_' or '.'" }),
);

const cidr = ipv4Cidr;

/** Annotation keys and values: a qualified name (optionally prefixed by a DNS subdomain) and any string. */
const annotationMap = z.record(
    z.string().regex(/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, { error: 'must be an annotation key such as "prometheus.io/scrape"' }),
    z.string(),
);


/** True when CIDR `inner` lies inside CIDR `outer`. */
export function cidrContains(outer: string, inner: string): boolean {
    const parse = (c: string) => {
        const [addr, bits] = c.split("/");
        return { ip: addr.split(".").reduce((n, o) => n * 256 + Number(o), 0), bits: Number(bits) };
    };
    const o = parse(outer);
    const i = parse(inner);
    if (i.bits < o.bits) return false;
    const mask = o.bits === 0 ? 0 : 2 ** 32 - 2 ** (32 - o.bits);
    const masked = (ip: number) => Math.floor(ip / 2 ** (32 - o.bits)) * 2 ** (32 - o.bits);
    return mask === 0 || masked(o.ip) === masked(i.ip);
}

const peerPorts = z.array(port).min(1, { error: "must list at least one port, e.g. [5432]" });

/**
 * A network peer, in one of four forms:
 * - `{ workload: kaze-gateway }`: another workload of this cell, on its service port (or `ports`);
 * - `{ dataService: postgres }`: a data service of this cell (`agent-estate:dataServices`), on its port (or `ports`);
 * - `{ namespace, podSelector, ports }`: pods outside the cell's workloads (a database pooler, an ingress controller);
 * - `{ namespace, allPods, ports }`: every pod of a namespace, with the reason (a client team's namespace);
 * - `{ cidr, ports }`: addresses outside the cluster's pod network (the API server's endpoint).
 */
export const peerSpec = z.union(
    [
        z.strictObject({
            workload: dnsLabel.describe("Another workload of this cell, by its name in `agent-estate:workloads`."),
            ports: peerPorts.optional().describe("Ports allowed. Default: the peer's service port (egress) or this workload's service port (ingress)."),
        }),
        z.strictObject({
            namespace: dnsLabel.describe("Namespace of pods outside the cell's workloads (a database pooler, an ingress controller)."),
            podSelector: labelMap
                .refine((m) => Object.keys(m).length > 0, { error: 'must name at least one label; an empty selector opens the whole namespace (for that, write allPods: "<why>" instead of podSelector)' })
                .describe("Labels that select the pods in that namespace; at least one."),
            ports: peerPorts.describe("Ports allowed, e.g. [5432]."),
        }),
        z.strictObject({
            namespace: dnsLabel.describe("A namespace whose every pod is a peer (a client team's namespace whose pods the cell does not label)."),
            allPods: z
                .string()
                .min(10, { error: 'must say why every pod of the namespace is a peer, e.g. "the client namespace of the seed; its callers carry no label we own"' })
                .describe("Why the whole namespace is the peer rather than pods selected by label; recorded in config for reviewers."),
            ports: peerPorts.describe("Ports allowed, e.g. [3001]."),
        }),
        z.strictObject({
            dataService: dnsLabel.describe("A data service of this cell, by its name in `agent-estate:dataServices`."),
            ports: peerPorts.optional().describe("Ports allowed. Default: the data service's port."),
        }),
        z
            .strictObject({
                cidr: cidr.describe('Addresses outside the cluster\'s pod network, an IPv4 CIDR such as "10.43.0.1/32" (the API server\'s endpoint).'),
                except: z
                    .array(cidr)
                    .min(1)
                    .optional()
                    .describe('Blocks inside `cidr` left out, e.g. the private ranges of `0.0.0.0/0` (["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "127.0.0.0/8"]). Default: none.'),
                ports: peerPorts.describe("Ports allowed, e.g. [443]."),
            })
            .superRefine((p, ctx) => {
                (p.except ?? []).forEach((e, i) => {
                    if (!cidrContains(p.cidr, e)) ctx.addIssue({ code: "custom", path: ["except", i], message: `"${e}" is not inside ${p.cidr}; an except block must lie within the peer's cidr` });
                });
            }),
    ],
    { error: 'must be { workload: <name> }, { dataService: <name> }, { namespace, podSelector: {label: value}, ports: [..] }, { namespace, allPods: "<why>", ports: [..] } or { cidr: "a.b.c.d/n", ports: [..] }' },
);
export type PeerSpec = z.infer<typeof peerSpec>;

/** Who may reach the workload and whom it may reach. Everything else stays closed by the namespace's default deny. */
export const networkSpec = z.strictObject({
    ingressFrom: z.array(peerSpec).default([]).describe("Peers allowed in; workloads that name this one in `egressTo` are added automatically. Default: []."),
    egressTo: z.array(peerSpec).default([]).describe("Peers the workload may reach (DNS is always allowed). Default: []."),
    externalHttps: z.boolean().default(false).describe("Allow HTTPS (443) to the internet, private and link-local ranges excluded. Default: false."),
});

/** A workload's network: its peers, and whether its replicas talk to one another. */
export const workloadNetworkSpec = networkSpec.extend({
    betweenReplicas: z
        .boolean()
        .default(false)
        .describe("Allow the workload's pods to reach one another on its service port (a WebSocket adapter or cache that syncs between replicas). Default: false, replicas do not talk to each other."),
});

/** git-sync: clones an agent-definition repo before start and pulls it every `period` seconds. */
export const gitSyncSpec = z.strictObject({
    repo: z.url({ protocol: /^https$/, error: 'must be an https URL such as "https://github.com/speedrun-ventures/kaze-agent-ops"' }).describe("HTTPS URL of the repository."),
    ref: z.string().min(1).default("main").describe('Branch, tag or commit. Default: "main".'),
    period: z.number().int().min(10, { error: "must be at least 10 seconds" }).default(60).describe("Seconds between pulls. Default: 60."),
    image: z.string().min(1).default("git-sync").describe('Name of the image pin in `agent-estate:images.pins`. Default: "git-sync".'),
    mountPath: z
        .string()
        .startsWith("/")
        .default("/agents")
        .describe('Where the checkouts are mounted read-only in the main container; the repo lands at `<mountPath>/<repo name>`. Default: "/agents".'),
    tokenKey: envName.optional().describe("Key of the workload's env Secret holding a token for private repositories. Default: an anonymous clone."),
});

/** tailscale: userspace networking, state in a Secret, auth key from Vault. */
export const tailscaleSpec = z.strictObject({
    image: z.string().min(1).default("tailscale").describe('Name of the image pin in `agent-estate:images.pins`. Default: "tailscale".'),
    hostname: dnsLabel.optional().describe("Tailnet hostname. Default: the workload's name."),
    tags: z
        .array(z.string().regex(/^tag:[a-z0-9-]+$/, { error: 'must be an ACL tag such as "tag:kaze"' }))
        .default([])
        .describe('ACL tags the node advertises, e.g. ["tag:kaze"]. Default: [].'),
    proxy: z
        .strictObject({
            hostname: dnsLabel.describe("The stable tailnet hostname of the Service, e.g. kaze-prod-runtime; not the sidecars' hostname."),
        })
        .optional()
        .describe(
            "A stable tailnet identity for the workload's Service (the Tailscale operator's ingress proxy, declared here): one pod joins the tailnet as `hostname` with its node state on a volume, advertises the sidecar's tags and forwards the service port to the Service. Peers call it, not the replicas' sidecars, whose names come and go. Default: none.",
        ),
});

/** An MCP proxy sidecar (e.g. langfuse-mcp): reachable by the main container on localhost only. */
export const mcpProxySpec = z.strictObject({
    image: z.string().min(1).describe("Name of the image pin in `agent-estate:images.pins`."),
    port: port.describe("Port the proxy listens on, on localhost; not used by another container of the pod."),
    transport: z.enum(["sse", "streamable-http"]).default("sse").describe('Transport the proxy serves. Default: "sse".'),
    env: plainEnv.default({}).describe("Plaintext environment; credential-looking names are refused. Default: {}."),
    secretKeys: z.array(envName).default([]).describe("Keys of the workload's env Secret the proxy receives. Default: []."),
    args: z.array(z.string()).optional().describe("Command-line arguments. Default: the image's."),
    resources: resourcesSpec.optional().describe("Requests and limits of the proxy container. Default: 10m CPU / 32Mi requested, 200m / 128Mi limit."),
});

/** A CronJob that runs beside the workload with the same hardening (workspace cleanup, token refresh). */
export const cronJobSpec = z.strictObject({
    schedule: z.string().regex(/^(\S+\s+){4}\S+$/, { error: 'must be a five-field cron schedule such as "*/15 * * * *"' }).describe('Cron schedule, five fields, e.g. "17 * * * *".'),
    command: z.array(z.string()).min(1, { error: 'must name the command, e.g. ["node", "dist/cleanup.js"]' }).describe("Command to run, e.g. [node, dist/jobs/workspace-cleanup.js]."),
    image: z.string().min(1).optional().describe("Name of the image pin in `agent-estate:images.pins`. Default: the workload's image."),
    mountWorkspace: z.boolean().default(false).describe("Mount the workload's workspace volume read-write (Deployments only). Default: false."),
    secretKeys: z.array(envName).default([]).describe("Keys of the workload's env Secret the job receives. Default: []."),
    egressTo: z.array(peerSpec).default([]).describe("Peers the job may reach besides DNS. Default: []."),
    externalHttps: z.boolean().default(false).describe("Allow HTTPS to the internet, private ranges excluded. Default: false."),
    activeDeadlineSeconds: z.number().int().min(1).default(600).describe("Seconds before a run is killed. Default: 600."),
    resources: resourcesSpec.optional().describe("Requests and limits of the job's container. Default: 10m CPU / 32Mi requested, 200m / 128Mi limit."),
});

/** Verbs a rule may grant; `*` is refused (it also grants verbs Kubernetes adds later: escalate, bind, impersonate). */
const API_VERBS = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"] as const;
/** Verbs that read objects. */
const READ_VERBS = new Set(["get", "list", "watch"]);

/**
 * Why a rule on Secrets is held to a stricter standard than one on any other resource: `list` and
 * `watch` return every Secret of the namespace *with its data*, so a list is a read of all of them;
 * the same verbs on a custom resource or a Job return objects of that kind only, which carry no credentials.
 */
export const SECRET_LIST_REASON =
    "list and watch on secrets return every Secret of the namespace with its data (a list is a read of all of them), whereas on a custom resource or a Job they return only objects of that kind, which hold no credentials";

const wildcardFree = (what: string) =>
    z.string().superRefine((v, ctx) => {
        if (v === "*") ctx.addIssue({ code: "custom", message: `"*" grants every ${what}, including ones added later; list the ${what}s the workload needs` });
    });

/**
 * A rule the workload needs on the Kubernetes API. Narrow by default: every rule names its objects
 * (`resourceNames`), except `create` (Kubernetes cannot narrow it by name) and rules that say, in
 * `anyName`, why the objects cannot be known in advance (an operator reconciling objects its users
 * create). Reads of Secrets always name them. No wildcard anywhere.
 */
export const apiRuleSpec = z
    .strictObject({
        apiGroups: z.array(wildcardFree("API group")).min(1).describe('API groups of the resources; "" is the core group. No "*".'),
        resources: z.array(wildcardFree("resource").pipe(z.string().min(1))).min(1).describe("Resource types the rule covers, e.g. [configmaps] or [aiagents, aiagents/status]. No \"*\"."),
        verbs: z
            .array(
                z.string().superRefine((v, ctx) => {
                    if (v === "*") ctx.addIssue({ code: "custom", message: '"*" grants every verb, including escalate, bind and impersonate; list the verbs the workload needs' });
                    else if (!(API_VERBS as readonly string[]).includes(v)) ctx.addIssue({ code: "custom", message: `"${v}" is not a verb a rule may grant (${API_VERBS.join(", ")})` });
                }),
            )
            .min(1)
            .describe(`Verbs the rule allows (${API_VERBS.join(", ")}). No "*".`),
        resourceNames: z
            .array(z.string().min(1))
            .optional()
            .describe("The objects the rule applies to. Required unless the only verb is `create`, which Kubernetes cannot narrow by name, or `anyName` says why the names cannot be known."),
        anyName: z
            .string()
            .min(10, { error: "must say why the objects cannot be named in advance, e.g. \"reconciles the AiAgents its users create\"" })
            .optional()
            .describe(
                "Why the rule cannot name its objects in advance (an operator reconciling objects its users create, Jobs it names at run time); allows the rule without resourceNames. Never for Secrets other than `create`. Default: the rule must name its objects.",
            ),
        clusterScope: z
            .string()
            .min(10, { error: 'must say why the rule needs cluster scope, e.g. "reads the cluster-scoped CustomResourceDefinitions"' })
            .optional()
            .describe("Why the rule needs cluster scope (cluster-scoped resources, objects in every namespace); such rules go to a ClusterRole. Default: a namespaced Role."),
    })
    .superRefine((r, ctx) => {
        const named = (r.resourceNames?.length ?? 0) > 0;
        const createOnly = r.verbs.every((v) => v === "create");
        const secrets = r.resources.includes("secrets") && r.apiGroups.includes("");
        if (named && r.anyName !== undefined) ctx.addIssue({ code: "custom", path: ["anyName"], message: "is set while resourceNames names the objects; keep one of them" });
        if (secrets && r.verbs.some((v) => v === "list" || v === "watch")) {
            ctx.addIssue({ code: "custom", path: ["verbs"], message: `must not list or watch secrets: ${SECRET_LIST_REASON}; name the Secrets in resourceNames and use get` });
        } else if (secrets && !named && !createOnly) {
            ctx.addIssue({ code: "custom", path: ["resourceNames"], message: `must name the Secrets: a rule on secrets without resourceNames reaches every Secret of the namespace (anyName does not apply to Secrets, as ${SECRET_LIST_REASON})` });
        } else if (!named && !createOnly && r.anyName === undefined) {
            ctx.addIssue({ code: "custom", path: ["resourceNames"], message: "must list resourceNames: a rule without them grants every object of the type; name the objects, or say in anyName why they cannot be known in advance" });
        }
        if (secrets && r.clusterScope !== undefined && r.verbs.some((v) => READ_VERBS.has(v))) {
            ctx.addIssue({ code: "custom", path: ["clusterScope"], message: "must not read Secrets cluster-wide; Secret access is granted per namespace with a Role" });
        }
    });
export type ApiRuleSpec = z.infer<typeof apiRuleSpec>;

/** A persistent workspace for the workload (`/workspace`). */
export const workspaceSpec = z.strictObject({
    size: quantity.describe('Size of the volume, a Kubernetes quantity such as "5Gi".'),
    mountPath: z.string().startsWith("/").default("/workspace").describe('Where the volume is mounted in the main container. Default: "/workspace".'),
    storageClassName: z.string().min(1).optional().describe("StorageClass of the claim. Default: the cluster's default StorageClass."),
    accessMode: z
        .enum(["ReadWriteOnce", "ReadWriteMany", "ReadWriteOncePod"])
        .default("ReadWriteOnce")
        .describe('Access mode; ReadWriteMany when several pods of a Deployment share it. Default: "ReadWriteOnce".'),
});

/** Volume names the workload's pod already uses (scratch, workspace, API token, sidecars); an emptyDir cannot take them. */
export const RESERVED_VOLUME_NAMES = ["tmp", "workspace", "kube-api-access", "agents", "tailscale-api-token"] as const;

/** An emptyDir scratch volume of the main container (logs, caches), sized so a runaway writer cannot fill the node. */
export const emptyDirSpec = z.strictObject({
    mountPath: z.string().startsWith("/", { error: 'must be an absolute path such as "/app/logs"' }).describe('Where it is mounted in the main container, e.g. "/app/logs".'),
    sizeLimit: quantity.default("256Mi").describe('Most it may hold, a Kubernetes quantity, e.g. "1Gi". Default: "256Mi".'),
    medium: z.enum(["Memory"]).optional().describe('"Memory" for a tmpfs (counts against the memory limit). Default: the node\'s disk.'),
});
/**
 * A volume of someone else, mounted into the main container: another workload's workspace, named by
 * the workload that owns it (the one reference model resolves it), or an existing PVC.
 */
export const sharedVolumeSpec = z.union(
    [
        z.strictObject({
            workload: dnsLabel.describe("The workload of this cell whose workspace is mounted (its claim `<workload>-workspace`); same namespace, kind Deployment."),
            mountPath: z.string().startsWith("/").describe("Where the workspace is mounted."),
            readOnly: z.boolean().default(true).describe("Mount it read-only; false only for a workload that writes to it (clones, pulls). Default: true."),
        }),
        z.strictObject({
            claimName: dnsLabel.describe("Name of an existing PersistentVolumeClaim in the workload's namespace."),
            mountPath: z.string().startsWith("/").describe("Where the claim is mounted, read-only."),
        }),
    ],
    { error: "must be { workload: <name>, mountPath, readOnly } (another workload's workspace) or { claimName, mountPath } (an existing PVC)" },
);
export type SharedVolumeSpec = z.infer<typeof sharedVolumeSpec>;

/** Ports the built-in sidecars listen on for their kubelet probes; a workload with the sidecar cannot use them. */
export const SIDECAR_HEALTH_PORTS = { gitSync: 2020, tailscale: 9002 } as const;

/** The tailscale sidecar's SOCKS5 and HTTP proxy (one port, on localhost): how app containers reach the tailnet in userspace mode. */
export const TAILSCALE_PROXY_PORT = 1055;

/** One agent workload of the cell, keyed by its name in `agent-estate:workloads`. */
export const workloadSpec = z
    .strictObject({
        namespace: dnsLabel.describe("Namespace the workload runs in, one of `agent-estate:namespaces`."),
        image: z.string().min(1).describe("Name of the image pin in `agent-estate:images.pins`."),
        port: port.describe("The container port the service listens on (also the Service port)."),
        kind: z.enum(["Deployment", "StatefulSet"]).default("Deployment").describe('Deployment, or StatefulSet for per-pod identity and per-pod workspaces. Default: "Deployment".'),
        replicas: z.number().int().min(1).optional().describe("Replica count when not autoscaled; not with autoscaling, whose HPA owns the count. Default: 1."),
        autoscaling: autoscalingSpec.optional().describe("When set, an HPA owns the replica count and the Deployment leaves `replicas` unset (setting both is refused)."),
        resources: resourcesSpec.describe("Requests and limits of the main container; both are required so every pod has a QoS class and fits a node."),
        command: z.array(z.string()).optional().describe("Container command. Default: the image's entrypoint."),
        args: z.array(z.string()).optional().describe("Container arguments. Default: the image's."),
        env: workloadEnv
            .default({})
            .describe(
                "Plaintext environment, delivered through the workload's ConfigMap; credential-looking names are refused. A value may be `{ valueFrom: { persistentVolumeClaim | serviceAccount | image | imageTag: <name> } }` or `{ valueFrom: { ingressUrl: { ingress, path } } }`: the program writes the declared object's name, the pin's reference or tag, or the Ingress' URL, and refuses a name the stack does not declare. Default: {}.",
            ),
        secretKeys: z
            .array(
                z.union([secretKeyName, z.strictObject({ name: envName.describe("The environment variable, e.g. ALFRED_DATABASE_URL."), key: secretDataKey.describe('The Secret\'s key, e.g. "database-url".') })], {
                    error: 'must be an environment variable name such as "JWT_SECRET" (the Secret key of the same name), or { name: ALFRED_DATABASE_URL, key: database-url }',
                }),
            )
            .default([])
            .describe(
                "Keys of the workload's env Secret (from Vault) the main container receives: a name (the env var and the key are the same), or `{ name, key }` mapping any Secret key (e.g. `database-url`) to an env var. Default: [].",
            ),
        secretRefs: z
            .record(
                envName,
                z.strictObject({
                    secret: dnsLabel.describe("A Secret of the workload's namespace named in `agent-estate:existingSecrets` (managed outside this program) or `vault.secrets` (delivered by External Secrets)."),
                    key: secretDataKey.optional().describe("Its key. Default: the variable's name."),
                }),
            )
            .default({})
            .describe(
                "Environment variables read from named Secrets shared by several workloads (e.g. `ANTHROPIC_API_KEY: { secret: api-keys }`): the same reference whether the Secret is managed outside the program or delivered from Vault. Default: {}.",
            ),
        labels: labelMap.default({}).describe("Labels of the workload's objects and pods, besides the cell's (which they cannot replace) and the selector. Default: {}."),
        annotations: annotationMap.default({}).describe("Annotations of the workload's Deployment (or StatefulSet) and Service. Default: {}."),
        podAnnotations: annotationMap
            .default({})
            .describe('Annotations of its pods, e.g. the Prometheus scrape annotations Istio merges ({"prometheus.io/scrape": "true", "prometheus.io/port": "8080"}). Default: {}.'),
        tmpSize: quantity.default("256Mi").describe('Size limit of the `/tmp` emptyDir every container mounts (root filesystems are read-only). Default: "256Mi".'),
        emptyDirs: z
            .record(dnsLabel, emptyDirSpec.describe("An emptyDir volume, keyed by its volume name."))
            .default({})
            .describe('Scratch volumes of the main container by volume name, e.g. `logs: { mountPath: /app/logs, sizeLimit: 1Gi }`. Default: {}.'),
        antiAffinity: z
            .enum(["none", "preferred", "required"])
            .default("none")
            .describe('Pod anti-affinity between the workload\'s replicas across nodes: "preferred" (the scheduler tries), "required" (never two on one node), or "none" (the topology spread alone). Default: "none".'),
        probes: probesSpec
            .default({})
            .describe('Liveness, readiness and startup probes of the main container, as Kubernetes spells them (httpGet, tcpSocket or exec, and timings), or an HTTP path. Default: liveness "/health", readiness "/ready", startup on the liveness handler.'),
        disruptionBudget: disruptionBudgetSpec
            .optional()
            .describe("The PodDisruptionBudget of a workload that can run several pods. Default: minAvailable one below the replica floor (replicas, or autoscaling.minReplicas), or maxUnavailable 1 when that floor is 1."),
        terminationGracePeriodSeconds: z.number().int().min(0).max(3600).default(30).describe("Seconds the pod gets to drain after SIGTERM. Default: 30."),
        nodePort: nodePort
            .optional()
            .describe("Fixed NodePort, only when an F5 VIP fronts the Service. Default: a ClusterIP Service."),
        metrics: metricsSpec
            .optional()
            .describe("Prometheus scraping of `path` on `port` through a ServiceMonitor. Default: no ServiceMonitor."),
        network: workloadNetworkSpec
            .default({ ingressFrom: [], egressTo: [], externalHttps: false, betweenReplicas: false })
            .describe("Who may reach the workload and whom it may reach; everything else stays closed by the namespace's default deny."),
        ingress: z
            .array(workloadRouteSpec)
            .default([])
            .describe("Paths of the cell's Ingresses (`agent-estate:ingresses`) routed to this workload's Service port; the ingress controller's pods are let in on it. Default: []."),
        mesh: workloadMeshSpec.optional().describe("The Istio VirtualService and DestinationRule of the workload's Service; needs its namespace in `agent-estate:mesh`. Default: none."),
        apiAccess: z.array(apiRuleSpec).default([]).describe("Rules the main container needs on the Kubernetes API; any rule turns token automount on. Default: []."),
        workspace: workspaceSpec.optional().describe("A persistent workspace volume (per pod for a StatefulSet). Default: none."),
        sharedVolumes: z
            .array(sharedVolumeSpec)
            .default([])
            .describe("Volumes of others mounted into the main container: another workload's workspace (by the workload's name), or an existing PVC (read-only). Default: []."),
        nodeSelector: labelMap
            .optional()
            .describe('Node labels the pods must run on (Kubernetes\' nodeSelector), e.g. { kubernetes.io/hostname: kaze-dev-1 } to pin a workload beside a ReadWriteOnce volume it shares. Default: any node.'),
        sidecars: z
            .strictObject({
                gitSync: gitSyncSpec.optional().describe("A git-sync sidecar that clones an agent-definition repo before start and pulls it every `period` seconds."),
                tailscale: tailscaleSpec
                    .optional()
                    .describe("A tailscale sidecar (userspace networking, state in a Secret, auth key minted by Pulumi and delivered from Vault); needs `tailscale` and `vault`."),
                mcpProxies: z
                    .record(dnsLabel, mcpProxySpec.describe("An MCP proxy sidecar (e.g. langfuse-mcp), reachable by the main container on localhost only."))
                    .default({})
                    .describe("MCP proxies by container name, e.g. `langfuse-mcp`. Default: {}."),
            })
            .default({ mcpProxies: {} })
            .describe("Sidecar containers of the workload's pods."),
        cronJobs: z
            .record(dnsLabel, cronJobSpec.describe("A CronJob that runs beside the workload with the same hardening."))
            .default({})
            .describe("CronJobs by name (`workspace-cleanup`, `token-refresh`). Default: {}."),
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
        if (w.sidecars.tailscale) used.set(TAILSCALE_PROXY_PORT, "the tailscale sidecar's SOCKS5/HTTP proxy");
        const ts = w.sidecars.tailscale;
        if (ts?.proxy && ts.proxy.hostname === (ts.hostname ?? "")) {
            ctx.addIssue({ code: "custom", path: ["sidecars", "tailscale", "proxy", "hostname"], message: `is also the sidecars' hostname; two nodes would claim "${ts.proxy.hostname}" and the tailnet would rename one. Give the sidecars another, e.g. "${ts.proxy.hostname}-pod"` });
        }
        const reserved = [...used.entries()].filter(([, by]) => by.startsWith("the "));
        for (const [p, by] of reserved) {
            if (w.port === p) ctx.addIssue({ code: "custom", path: ["port"], message: `port ${p} is taken by ${by}; choose another port` });
            if (w.metrics?.port === p) ctx.addIssue({ code: "custom", path: ["metrics", "port"], message: `port ${p} is taken by ${by}; choose another port` });
        }
        for (const [name, m] of Object.entries(w.sidecars.mcpProxies)) claim(m.port, ["sidecars", "mcpProxies", name, "port"]);

        const multi = canScaleOut(w);
        if (w.workspace && w.kind === "Deployment" && multi && w.workspace.accessMode !== "ReadWriteMany") {
            ctx.addIssue({ code: "custom", path: ["workspace", "accessMode"], message: `"${w.workspace.accessMode}" cannot be shared by the Deployment's several pods; use "ReadWriteMany", or kind: StatefulSet for one workspace per pod` });
        }
        if (w.autoscaling && w.replicas !== undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["replicas"],
                message: `is owned by the HPA when autoscaling is set: the HPA writes the replica count itself, so a fixed replicas: ${w.replicas} would be reset by the HPA after each deploy and forced back by each \`pulumi up\` (they fight, and pods come and go); remove replicas and set autoscaling.minReplicas (e.g. ${Math.max(w.replicas, w.autoscaling.minReplicas)}) instead`,
            });
        }
        checkDisruptionBudget(w, ctx);
        // A probe names a port the main container serves: the service port or the metrics port.
        const podPorts = new Set([w.port, ...(w.metrics ? [w.metrics.port] : [])]);
        for (const { probe, path } of probeList(w.probes)) {
            const p = probe.httpGet?.port ?? probe.tcpSocket?.port;
            if (p !== undefined && !podPorts.has(p)) {
                ctx.addIssue({ code: "custom", path: [...path, probe.httpGet ? "httpGet" : "tcpSocket", "port"], message: `${p} is not a port the container serves (${[...podPorts].join(", ")}); leave it out to probe the service port ${w.port}` });
            }
        }
        for (const [name, c] of Object.entries(w.cronJobs)) {
            if (c.mountWorkspace && !w.workspace) {
                ctx.addIssue({ code: "custom", path: ["cronJobs", name, "mountWorkspace"], message: "the workload has no workspace; add workspace: { size: 5Gi } or set mountWorkspace: false" });
            } else if (c.mountWorkspace && w.kind === "StatefulSet") {
                ctx.addIssue({ code: "custom", path: ["cronJobs", name, "mountWorkspace"], message: "a StatefulSet has one workspace per pod, none for a job to mount; use kind: Deployment or set mountWorkspace: false" });
            }
        }
        const paths = new Map<string, string>([["/tmp", "the /tmp scratch volume"]]);
        if (w.workspace) paths.set(w.workspace.mountPath, "workspace.mountPath");
        w.sharedVolumes.forEach((v, i) => paths.set(v.mountPath, `sharedVolumes[${i}].mountPath`));
        if (w.sidecars.gitSync) paths.set(w.sidecars.gitSync.mountPath, "sidecars.gitSync.mountPath");
        for (const [name, d] of Object.entries(w.emptyDirs)) {
            if ((RESERVED_VOLUME_NAMES as readonly string[]).includes(name) || /^shared-\d+$/.test(name)) {
                ctx.addIssue({ code: "custom", path: ["emptyDirs", name], message: `"${name}" is the name of a volume the pod already has; name it after what it holds, e.g. "logs"` });
            }
            const other = paths.get(d.mountPath);
            if (other !== undefined) ctx.addIssue({ code: "custom", path: ["emptyDirs", name, "mountPath"], message: `${d.mountPath} is already mounted by ${other}; choose another path` });
            paths.set(d.mountPath, `emptyDirs.${name}.mountPath`);
        }
        const sidecarNames = ["git-sync", "git-sync-init", "tailscale"];
        for (const name of Object.keys(w.sidecars.mcpProxies)) {
            if (sidecarNames.includes(name)) ctx.addIssue({ code: "custom", path: ["sidecars", "mcpProxies", name], message: `"${name}" is the name of a built-in sidecar; name the proxy after its server, e.g. "langfuse-mcp"` });
        }
    });
export type WorkloadSpec = z.infer<typeof workloadSpec>;

/** `agent-estate:workloads`: workload name → spec. */
export const workloadsSection = z.record(dnsLabel, workloadSpec.describe("One agent workload of the cell, keyed by its name (a DNS label)."));

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

/** True when the workload can run more than one pod: several replicas, or an HPA that may add them. */
export function canScaleOut(w: { replicas?: number; autoscaling?: { maxReplicas: number } }): boolean {
    return (w.replicas ?? 1) > 1 || (w.autoscaling?.maxReplicas ?? 1) > 1;
}

/** The fewest pods the workload runs: its replicas, or its HPA's minimum. */
export function replicaFloor(w: { replicas?: number; autoscaling?: { minReplicas: number } }): number {
    return w.autoscaling ? w.autoscaling.minReplicas : (w.replicas ?? 1);
}

/** A PDB only exists for a workload that can run several pods, and must leave a drain a pod to evict. */
function checkDisruptionBudget(w: WorkloadSpec, ctx: z.RefinementCtx): void {
    const b = w.disruptionBudget;
    if (b === undefined) return;
    if (!canScaleOut(w)) {
        ctx.addIssue({ code: "custom", path: ["disruptionBudget"], message: "is set on a workload that runs one pod, which gets no PodDisruptionBudget (a budget would block every drain); remove it, or set replicas or autoscaling above 1" });
        return;
    }
    const floor = replicaFloor(w);
    if (typeof b.minAvailable === "number" && b.minAvailable >= floor) {
        ctx.addIssue({
            code: "custom",
            path: ["disruptionBudget", "minAvailable"],
            message: `is ${b.minAvailable} but the workload may run only ${floor} pod(s) (${w.autoscaling ? "autoscaling.minReplicas" : "replicas"}): no pod could ever be evicted and every node drain would hang; use at most ${floor - 1}`,
        });
    }
    if (b.maxUnavailable === 0 || b.maxUnavailable === "0%") {
        ctx.addIssue({ code: "custom", path: ["disruptionBudget", "maxUnavailable"], message: "is 0: no pod could ever be evicted and every node drain would hang; use at least 1" });
    }
}

/** A secretKeys entry as the env var it sets and the Secret key it reads. */
export function secretKeyRef(entry: WorkloadSpec["secretKeys"][number]): { name: string; key: string } {
    return typeof entry === "string" ? { name: entry, key: entry } : entry;
}

/**
 * True when the workload's pods call the Kubernetes API: its main container has `apiAccess`, or its
 * tailscale sidecar keeps node state in a Secret (a single-replica workload; replicas keep it in memory).
 */
export function needsApiServer(w: WorkloadSpec): boolean {
    return w.apiAccess.length > 0 || (w.sidecars.tailscale !== undefined && !canScaleOut(w));
}
