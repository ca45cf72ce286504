import { z } from "zod";
import { dnsLabel, port, quantity, secretDataKey } from "./primitives";
import { probeList, probesSpec } from "./probes";
import { checkNamedSecretRefs } from "./secrets";
import { envName, metricsSpec, peerSpec, plainEnv, resourcesSpec, type WorkloadSpec } from "./workloads";

/**
 * What a data service speaks on its port; it decides the default probes and which probes make sense:
 * `postgres` and `redis` are checked with their own clients (exec) or a TCP connect, never over HTTP;
 * `http` (a vector DB such as Qdrant) with HTTP paths; `tcp` (anything else) with a TCP connect.
 */
export const DATA_PROTOCOLS = ["postgres", "redis", "http", "tcp"] as const;
export type DataProtocol = (typeof DATA_PROTOCOLS)[number];

/** One data service of the cell (a database, a cache, a vector DB): a StatefulSet with its claims, behind a headless Service. */
export const dataServiceSpec = z
    .strictObject({
        namespace: dnsLabel.describe("Namespace the data service runs in, one of `agent-estate:namespaces`."),
        image: z.string().min(1).describe("Name of the image pin in `agent-estate:images.pins`."),
        port: port.describe("The port it serves on; also the port of its headless Service, which peers reach by the data service's name."),
        protocol: z
            .enum(DATA_PROTOCOLS, { error: 'must be "postgres", "redis", "http" or "tcp"' })
            .describe(
                "What it speaks on `port`; decides the default probes: postgres → exec pg_isready, redis → TCP connect (liveness) and exec redis-cli ping (readiness), http → HTTP GET /health and /ready, tcp → TCP connect. HTTP probes on the port of a non-http service are refused.",
            ),
        replicas: z.number().int().min(1).default(1).describe("Pods of the StatefulSet; above 1 the service must replicate itself (the program declares a PDB, not replication). Default: 1."),
        resources: resourcesSpec.describe("Requests and limits of the container; both are required."),
        command: z.array(z.string()).optional().describe("Container command. Default: the image's entrypoint."),
        args: z.array(z.string()).optional().describe("Container arguments. Default: the image's."),
        env: plainEnv.default({}).describe("Plaintext environment, delivered through the service's ConfigMap; credential-looking names are refused. Default: {}."),
        secretRefs: z
            .record(
                envName,
                z.strictObject({
                    secret: dnsLabel.describe("A Secret of the namespace named in `agent-estate:existingSecrets` or `vault.secrets`, e.g. alfred-secrets."),
                    key: secretDataKey.optional().describe('Its key, e.g. "db-password". Default: the variable\'s name.'),
                }),
            )
            .default({})
            .describe("Environment variables read from named Secrets, as workloads' `secretRefs` (e.g. `POSTGRES_PASSWORD: { secret: alfred-secrets, key: db-password }`). Default: {}."),
        storage: z
            .strictObject({
                size: quantity.describe('Size of each pod\'s claim, e.g. "10Gi".'),
                mountPath: z.string().startsWith("/").describe("Where the claim is mounted, e.g. /var/lib/postgresql/data."),
                storageClassName: z.string().min(1).optional().describe("StorageClass of the claims. Default: the cluster's default StorageClass."),
                accessMode: z.enum(["ReadWriteOnce", "ReadWriteOncePod"]).default("ReadWriteOnce").describe('Access mode of each pod\'s claim. Default: "ReadWriteOnce".'),
            })
            .optional()
            .describe("A volume claim template: one claim per pod, kept when the StatefulSet is deleted or scaled down, protected in prod. Default: no persistent storage."),
        writablePaths: z
            .array(z.string().startsWith("/"))
            .default([])
            .describe("Directories the process writes besides its storage and /tmp (the root filesystem is read-only), each an emptyDir, e.g. [/var/run/postgresql]. Default: []."),
        probes: probesSpec
            .optional()
            .describe("Probes as Kubernetes spells them, over the protocol's defaults (see `protocol`); a probe without a port checks the service port. Default: the protocol's."),
        metrics: metricsSpec.optional().describe("Prometheus scraping through a ServiceMonitor (Prometheus is let in on the port). Default: none."),
        network: z
            .strictObject({
                ingressFrom: z.array(peerSpec).default([]).describe("Peers allowed in besides the workloads that name this service in `egressTo` (added automatically). Default: []."),
                egressTo: z.array(peerSpec).default([]).describe("Peers it may reach besides DNS (its own replicas, for replication). Default: []."),
            })
            .default({ ingressFrom: [], egressTo: [] })
            .describe("Who may reach it besides the workloads that name it, and whom it may reach; everything else stays closed."),
    })
    .superRefine((d, ctx) => {
        const ports = new Set([d.port, ...(d.metrics ? [d.metrics.port] : [])]);
        for (const { probe, path } of probeList(d.probes)) {
            const p = probe.httpGet?.port ?? probe.tcpSocket?.port;
            if (p !== undefined && !ports.has(p)) {
                ctx.addIssue({ code: "custom", path: [...path, probe.httpGet ? "httpGet" : "tcpSocket", "port"], message: `${p} is not a port the service serves (${[...ports].join(", ")}); leave it out to probe port ${d.port}` });
            }
            // An HTTP request to a database's own port never gets an HTTP answer: the pod would never become Ready.
            if (probe.httpGet && d.protocol !== "http" && (probe.httpGet.port ?? d.port) === d.port) {
                ctx.addIssue({
                    code: "custom",
                    path: [...path, "httpGet"],
                    message: `probes port ${d.port} over HTTP, but the service speaks ${d.protocol} there: the probe never succeeds and the pod never becomes Ready; use ${PROTOCOL_HINT[d.protocol]}`,
                });
            }
        }
        if (d.storage && d.writablePaths.includes(d.storage.mountPath)) {
            ctx.addIssue({ code: "custom", path: ["writablePaths"], message: `${d.storage.mountPath} is the storage's mountPath already; remove it here` });
        }
    });
export type DataServiceSpec = z.infer<typeof dataServiceSpec>;

/** What to write instead of an HTTP probe, per protocol. */
const PROTOCOL_HINT: Record<DataProtocol, string> = {
    postgres: 'exec: { command: ["pg_isready", "-h", "127.0.0.1"] } or tcpSocket: {}',
    redis: 'exec: { command: ["redis-cli", "ping"] } or tcpSocket: {}',
    http: "httpGet",
    tcp: "tcpSocket: {}",
};

/** `agent-estate:dataServices`: data service name → spec. */
export const dataServicesSection = z.record(dnsLabel, dataServiceSpec.describe("One data service (a database, a cache, a vector DB), keyed by its name, which is also its Service's."));

/** The parts of the cell's settings the data-services checks read. */
interface DataServicesCheckInput {
    namespaces: Array<{ name: string }>;
    images: { pins: Record<string, unknown> };
    workloads: Record<string, WorkloadSpec>;
    dataServices: Record<string, DataServiceSpec>;
    vault?: { secrets: Record<string, { namespace: string; keys: string[] }> };
    existingSecrets: Record<string, { namespace: string; keys: string[] }>;
}

/**
 * Data services against the rest: namespace, image pin, Secrets (`secretRefs`, as a workload's), names shared with no workload, every `{ dataService }` peer resolves.
 */
export function checkDataServices(cfg: DataServicesCheckInput, ctx: z.RefinementCtx): void {
    const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: "custom", path, message });
    const namespaces = cfg.namespaces.map((n) => n.name);
    const names = Object.keys(cfg.dataServices);
    for (const [name, d] of Object.entries(cfg.dataServices)) {
        const at = ["dataServices", name];
        if (!namespaces.includes(d.namespace)) issue([...at, "namespace"], `"${d.namespace}" is not one of agent-estate:namespaces (${namespaces.join(", ")})`);
        if (!(d.image in cfg.images.pins)) issue([...at, "image"], `"${d.image}" has no pin in agent-estate:images.pins; add e.g. pins.${d.image}: {repository: docker.io/library/${d.protocol}, tag: "1.0.0"}`);
        if (name in cfg.workloads) issue(at, `"${name}" is also a workload; a data service and a workload would share a Service and pod labels, name one of them differently`);
        checkNamedSecretRefs(cfg, d.secretRefs, d.namespace, [...at, "secretRefs"], ctx);
    }
    const checkPeers = (list: z.infer<typeof peerSpec>[], path: PropertyKey[], self?: string) =>
        list.forEach((p, i) => {
            if (!("dataService" in p)) return;
            if (!(p.dataService in cfg.dataServices)) issue([...path, i, "dataService"], `"${p.dataService}" is not a data service of agent-estate:dataServices (${names.join(", ") || "none"})`);
            else if (p.dataService === self) issue([...path, i, "dataService"], "a data service does not need a peer rule to reach itself over localhost; remove it");
        });
    for (const [w, spec] of Object.entries(cfg.workloads)) {
        checkPeers(spec.network.egressTo, ["workloads", w, "network", "egressTo"]);
        checkPeers(spec.network.ingressFrom, ["workloads", w, "network", "ingressFrom"]);
        for (const [job, c] of Object.entries(spec.cronJobs)) checkPeers(c.egressTo, ["workloads", w, "cronJobs", job, "egressTo"]);
    }
    for (const [name, d] of Object.entries(cfg.dataServices)) {
        checkPeers(d.network.egressTo, ["dataServices", name, "network", "egressTo"], name);
        checkPeers(d.network.ingressFrom, ["dataServices", name, "network", "ingressFrom"], name);
        for (const [list, key] of [[d.network.egressTo, "egressTo"], [d.network.ingressFrom, "ingressFrom"]] as const) {
            list.forEach((p, i) => {
                if ("workload" in p && !(p.workload in cfg.workloads)) issue(["dataServices", name, "network", key, i, "workload"], `"${p.workload}" is not a workload of agent-estate:workloads (${Object.keys(cfg.workloads).join(", ")})`);
            });
        }
    }
}
