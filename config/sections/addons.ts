import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { PROJECT_ROOT } from "../family";
import { chartVersion, dnsLabel, postgresIdentifier, quantity } from "./primitives";

/**
 * `agent-estate:addons`, `agent-estate:storage`, `agent-estate:postgres`: what every cell needs
 * underneath its agents. Each add-on is a Helm chart pinned here (repository, chart, exact version);
 * an add-on whose key is absent is not installed.
 */

/**
 * The namespaces the cluster add-ons install into. Fixed, not configured: charts, dashboards and
 * other components' NetworkPolicies refer to them, and one cell is one cluster, so there is no
 * second copy to tell apart. Declared here, with the schema that reserves them, and read by the
 * add-on components.
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

/** A Helm chart pin: where it comes from, which chart, and one exact version. */
export const helmChart = z.strictObject({
    repo: z.url({ error: 'must be a chart repository URL such as "https://charts.jetstack.io"' }).describe("Chart repository URL, e.g. `https://charts.jetstack.io`."),
    chart: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'must be a chart name such as "cert-manager"' }).describe("Chart name in that repository, e.g. `cert-manager`."),
    version: chartVersion.describe("Exact chart version; ranges (`^1.16`, `~1.16.0`, `1.x`) and `latest` are refused, as they float."),
});

/** A key in Vault's KV store (the path under the ClusterSecretStore's mount), read through External Secrets. */
export const vaultKey = z
    .string()
    .regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, { error: 'must be a Vault KV key under the store\'s mount, e.g. "cells/kaze-dev/longhorn-backup" (no leading "/", no mount prefix)' });

/** Credentials that External Secrets copies from one Vault entry; the properties each consumer needs are documented where it is used. */
export const vaultCredentials = z.strictObject({
    vaultKey: vaultKey.describe("Key of the Vault KV entry under the ClusterSecretStore's mount, e.g. `addons/langfuse` (no leading \"/\", no mount prefix)."),
});

/** A PostgreSQL image tag CloudNativePG can read a version from: `16.6` or `16.6-3`. Bare majors (`16`) float. */
const postgresTag = z.string().regex(/^(1[3-9])\.(0|[1-9]\d*)(-\d+)?$/, {
    error: 'must pin a PostgreSQL major.minor such as "16.6" (a bare major like "16" or "latest" floats)',
});

/** Cron expression with five fields (minute hour day month weekday). */
const cron5 = z.string().regex(/^(\S+\s+){4}\S+$/, { error: 'must be a five-field cron expression such as "0 2 * * *"' });

/** S3 URL: `s3://bucket/path` (CloudNativePG) or `s3://bucket@region/path` (Longhorn). */
const s3Url = z.string().regex(/^s3:\/\/[a-z0-9][a-z0-9.-]+[a-z0-9](@[a-z0-9-]+)?(\/[A-Za-z0-9._/-]*)?$/, {
    error: 'must be an S3 URL such as "s3://kaze-backups@eu-central-1/longhorn/"',
});

// ---------------------------------------------------------------------------------------------
// agent-estate:addons

/** Traefik, with the Authelia ForwardAuth middleware protected routes name. */
const traefikIngress = z.strictObject({
    controller: z.literal("traefik").describe('The ingress controller: "traefik" (with Authelia ForwardAuth) or "ingress-nginx" (with cert-manager TLS).'),
    chart: helmChart.describe("The controller's Helm chart: repository, chart name and exact version."),
    forwardAuth: z
        .strictObject({
            address: z
                .url({ error: 'must be Authelia\'s authz URL, e.g. "http://authelia.authelia.svc.cluster.local/api/authz/forward-auth"' })
                .describe("Authelia's authz endpoint, e.g. `http://authelia.authelia.svc.cluster.local/api/authz/forward-auth`."),
            authResponseHeaders: z
                .array(z.string().min(1))
                .default(["Remote-User", "Remote-Groups", "Remote-Email", "Remote-Name"])
                .describe('Headers copied from Authelia\'s answer to the upstream request. Default: ["Remote-User", "Remote-Groups", "Remote-Email", "Remote-Name"].'),
        })
        .optional()
        .describe("Authelia ForwardAuth (traefik only): when set, a Traefik Middleware `authelia` is declared in the ingress namespace and protected Ingresses reference it. Default: no middleware."),
});

/** ingress-nginx; TLS certificates come from cert-manager. */
const nginxIngress = z.strictObject({
    controller: z.literal("ingress-nginx").describe('The ingress controller: "traefik" (with Authelia ForwardAuth) or "ingress-nginx" (with cert-manager TLS).'),
    chart: helmChart.describe("The controller's Helm chart: repository, chart name and exact version."),
});

export const ingressAddon = z.discriminatedUnion("controller", [traefikIngress, nginxIngress], {
    error: 'must be "traefik" (with Authelia ForwardAuth) or "ingress-nginx" (with cert-manager TLS)',
});

export const certManagerAddon = z.strictObject({
    chart: helmChart.describe("The cert-manager Helm chart: repository, chart name and exact version."),
    issuer: z
        .strictObject({
            name: dnsLabel.default("letsencrypt").describe('ClusterIssuer name. Default: "letsencrypt".'),
            email: z.email({ error: 'must be the ACME account e-mail, e.g. "ops@speedrun.ventures"' }).describe("ACME account e-mail (expiry notices)."),
            server: z
                .url()
                .default("https://acme-v02.api.letsencrypt.org/directory")
                .describe("ACME directory URL, e.g. Let's Encrypt staging for dev. Default: Let's Encrypt production."),
        })
        .describe("The ACME ClusterIssuer every Ingress of the cell names."),
});

export const externalSecretsAddon = z.strictObject({ chart: helmChart.describe("The external-secrets Helm chart: repository, chart name and exact version.") });
export const cloudnativePgAddon = z.strictObject({ chart: helmChart.describe("The cloudnative-pg Helm chart: repository, chart name and exact version.") });

/**
 * A Grafana dashboard JSON file of the repository, read when the config is: a missing file, bad JSON or
 * JSON without a title is a config error, never a dashboard Grafana silently skips.
 */
const dashboardFile = z
    .string()
    .regex(/^[^/].*\.json$/, { error: 'must be a path to a .json file relative to the project directory, e.g. "dashboards/alfred-platform.json"' })
    .transform((file, ctx) => {
        const full = path.join(PROJECT_ROOT, file);
        let dashboard: unknown;
        try {
            dashboard = JSON.parse(fs.readFileSync(full, "utf8"));
        } catch (e) {
            const missing = (e as NodeJS.ErrnoException).code === "ENOENT";
            ctx.addIssue({ code: "custom", message: missing ? `${file} does not exist in the repository; commit the dashboard's JSON (Grafana's "Export → Save to file") there` : `${file} is not valid JSON (${(e as Error).message})` });
            return z.NEVER;
        }
        const d = dashboard as { title?: unknown; panels?: unknown };
        if (typeof d !== "object" || d === null || typeof d.title !== "string" || !Array.isArray(d.panels)) {
            ctx.addIssue({ code: "custom", message: `${file} is not a Grafana dashboard: it needs a "title" and a "panels" list at the top (export the dashboard model, not the API envelope { "dashboard": … })` });
            return z.NEVER;
        }
        return { file, dashboard: dashboard as Record<string, unknown> };
    });

export const monitoringAddon = z.strictObject({
    chart: helmChart.describe("The kube-prometheus-stack Helm chart: repository, chart name and exact version."),
    retention: z
        .string()
        .regex(/^[0-9]+(h|d|w|y)$/, { error: 'must be a Prometheus duration such as "15d"' })
        .default("15d")
        .describe('Prometheus TSDB retention. Default: "15d".'),
    grafanaAdmin: vaultCredentials.describe("Grafana's admin login; the Vault entry holds `admin-user` and `admin-password`."),
    dashboards: z
        .record(
            dnsLabel.refine((n) => n !== "workloads" && n !== "postgres", { error: 'is the name of a generated dashboard ("workloads", "postgres"); name it after what it shows, e.g. "alfred-platform"' }),
            dashboardFile,
        )
        .default({})
        .describe("Grafana dashboards from JSON files in the repository, by name → path relative to the project directory (e.g. `dashboards/alfred-platform.json`), each shipped as a labelled ConfigMap beside the generated ones. Default: {}."),
});

/** An image pinned for an add-on that needs it set explicitly. */
const addonImage = z.strictObject({
    repository: z.string().min(1).describe("Image repository, e.g. `otel/opentelemetry-collector-contrib`."),
    tag: z
        .string()
        .regex(/^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/, { error: 'must be an exact version such as "0.111.0"' })
        .describe('Exact image version, e.g. "0.111.0".'),
});

export const otelCollectorAddon = z.strictObject({
    chart: helmChart.describe("The opentelemetry-collector Helm chart: repository, chart name and exact version."),
    image: addonImage.describe("The collector image (the chart requires one; `-contrib` carries the exporters used here)."),
    namespace: dnsLabel
        .default(ADDON_NAMESPACES.otelCollector)
        .describe(
            'Namespace of the collector: its own `observability` (created with it), or one of `agent-estate:namespaces` beside what sends to it (seed 001 runs its fan-out in `agentgateway-system`). Default: "observability".',
        ),
    name: dnsLabel.default("otel-collector").describe('Release and Service name; senders reach `<name>.<namespace>.svc.cluster.local:4317`. Default: "otel-collector".'),
    acceptFrom: z
        .array(dnsLabel)
        .min(1, { error: 'must name at least one namespace, e.g. ["agentgateway-system"]' })
        .optional()
        .describe("Namespaces allowed to send OTLP to the collector. Default: every namespace of the cell."),
    langfuse: z
        .strictObject({
            endpoint: z
                .url({ error: 'must be Langfuse\'s OTLP base URL, e.g. "http://langfuse-web.langfuse.svc.cluster.local:3000/api/public/otel"' })
                .describe(
                    "Langfuse's OTLP/HTTP base URL: in the cluster (`http://langfuse-web.langfuse.svc.cluster.local:3000/api/public/otel`) or an endpoint of `agent-estate:externalEndpoints` (`http://172.16.10.173:3000/api/public/otel`).",
                ),
            credentials: vaultCredentials
                .optional()
                .describe("The Vault entry holding `LANGFUSE_PUBLIC_KEY` and `LANGFUSE_SECRET_KEY`. Default: none, the collector sends without an Authorization header (and needs no Vault)."),
        })
        .describe("Langfuse's OTLP/HTTP ingestion, the first trace sink."),
    secondSink: z
        .strictObject({
            endpoint: z
                .string()
                .min(1, { error: 'must be an OTLP/gRPC endpoint such as "tempo.monitoring.svc:4317"' })
                .describe("`host:port` or URL of an OTLP/gRPC receiver."),
            insecure: z.boolean().default(false).describe("Plaintext gRPC (in-cluster sinks only). Default: false."),
        })
        .describe("The second trace sink (OTLP/gRPC), e.g. a Tempo or vendor collector, or kagent's telemetry collector."),
});

export const langfuseAddon = z.strictObject({
    chart: helmChart.describe("The langfuse Helm chart: repository, chart name and exact version."),
    url: z
        .url({ error: 'must be Langfuse\'s public URL, e.g. "https://langfuse.kaze-dev.speedrun.ventures"' })
        .describe("Public URL of the UI (NextAuth callback base), e.g. `https://langfuse.kaze-dev.speedrun.ventures`."),
    credentials: vaultCredentials.describe(
        "One Vault entry with `salt`, `nextauth-secret`, `encryption-key`, `postgres-password`, `clickhouse-password`, `redis-password`, `s3-user` and `s3-password`.",
    ),
});

/** `agent-estate:addons`: each key present installs that add-on. */
export const addonsSection = z.strictObject({
    ingress: ingressAddon.optional().describe("The ingress controller: Traefik with Authelia ForwardAuth, or ingress-nginx with cert-manager TLS."),
    certManager: certManagerAddon.optional().describe("cert-manager and the ACME ClusterIssuer; required by ingress-nginx."),
    externalSecrets: externalSecretsAddon
        .optional()
        .describe("The External Secrets Operator, which copies Vault entries into Kubernetes Secrets; required by monitoring, otelCollector, langfuse, storage and postgres."),
    cloudnativePg: cloudnativePgAddon.optional().describe("The CloudNativePG operator; required by `postgres`."),
    monitoring: monitoringAddon.optional().describe("kube-prometheus-stack (Prometheus, Grafana, the ServiceMonitor CRDs)."),
    otelCollector: otelCollectorAddon.optional().describe("An OpenTelemetry collector that sends traces to Langfuse and a second OTLP/gRPC sink."),
    langfuse: langfuseAddon.optional().describe("Langfuse, the LLM tracing and evaluation UI."),
});
export type AddonsConfig = z.infer<typeof addonsSection>;

// ---------------------------------------------------------------------------------------------
// agent-estate:storage

const recurringJob = z.strictObject({
    cron: cron5.describe('When it runs, a five-field cron such as "0 2 * * *".'),
    retain: z.number().int().min(1, { error: "must keep at least 1" }).max(100, { error: "must keep at most 100" }).describe("How many snapshots or backups to keep."),
});

/** `agent-estate:storage`: Longhorn and the cell's StorageClass. */
export const storageSection = z.strictObject({
    longhorn: z
        .strictObject({
            chart: helmChart.describe("The longhorn Helm chart: repository, chart name and exact version."),
            replicas: z
                .number()
                .int()
                .min(1, { error: "must be 1 to 3 replicas" })
                .max(3, { error: "must be 1 to 3 replicas" })
                .describe("Replicas of every volume (one per node): 1 in a single-node dev cluster, 3 in prod."),
            reclaimPolicy: z.enum(["Retain", "Delete"], { error: 'must be "Retain" or "Delete"' }).describe('What happens to a volume when its claim is deleted; must be "Retain" in prod.'),
            snapshot: recurringJob.describe("Local snapshots: schedule and how many to keep."),
            backup: recurringJob.optional().describe("Off-cluster backups to the backup target: schedule and how many to keep; needs `backupTarget`. Default: no backups."),
            backupTarget: z
                .strictObject({
                    url: s3Url.describe("S3 URL of the backups, `s3://bucket@region/path`, e.g. `s3://kaze-backups@eu-central-1/longhorn/`."),
                    endpoint: z.url().optional().describe("S3-compatible endpoint for non-AWS stores (MinIO, Hetzner…). Default: AWS."),
                    credentials: vaultCredentials.describe("The Vault entry holding `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`."),
                })
                .optional()
                .describe("Where backups go; the credentials come from Vault through External Secrets. Default: none (snapshots stay on the cluster; no Vault needed)."),
        })
        .describe("Longhorn, the distributed block storage behind the cell's StorageClass."),
});
export type StorageConfig = z.infer<typeof storageSection>;

// ---------------------------------------------------------------------------------------------
// agent-estate:postgres

/** `agent-estate:postgres`: the cell's PostgreSQL (pgvector) cluster, run by CloudNativePG. */
export const postgresSection = z.strictObject({
    namespace: dnsLabel.default("data").describe('Namespace of the cluster (created by the Postgres component, closed by default); not an add-on\'s namespace. Default: "data".'),
    image: z
        .strictObject({
            repository: z
                .string()
                .min(1)
                .default("ghcr.io/cloudnative-pg/postgresql")
                .describe('Image repository. Default: "ghcr.io/cloudnative-pg/postgresql" (the system images carry pgvector and barman-cloud).'),
            tag: postgresTag.describe('PostgreSQL major.minor such as "16.6" or "16.6-3"; a bare major floats and is refused.'),
        })
        .describe("Operand image: a CloudNativePG PostgreSQL image that ships pgvector, pinned to major.minor."),
    instances: z
        .number()
        .int()
        .min(1, { error: "must be 1 to 5 instances" })
        .max(5, { error: "must be 1 to 5 instances" })
        .describe("Instances: 1 primary and n-1 streaming replicas."),
    storageSize: quantity.describe('Size of each instance\'s data volume, a Kubernetes quantity such as "10Gi".'),
    database: z
        .strictObject({
            name: postgresIdentifier.default("kaze").describe('Name of the application database, a PostgreSQL identifier (e.g. `unified_nexus`). Default: "kaze".'),
            owner: postgresIdentifier.default("kaze").describe('Role that owns the database, a PostgreSQL identifier. Default: "kaze".'),
            credentials: vaultCredentials.describe("The owner's login; the Vault entry holds `username` and `password`."),
        })
        .describe("Application database and its owner."),
    backup: z
        .strictObject({
            destinationPath: s3Url.describe("S3 URL the base backups and WALs go to, e.g. `s3://kaze-backups/postgres/`."),
            endpoint: z.url().optional().describe("S3-compatible endpoint for non-AWS stores. Default: AWS."),
            schedule: z
                .string()
                .regex(/^(\S+\s+){5}\S+$/, { error: 'must be a six-field cron with seconds first, e.g. "0 0 3 * * *"' })
                .describe('Six-field cron (seconds first), as CloudNativePG\'s ScheduledBackup reads it, e.g. "0 0 3 * * *".'),
            retention: z
                .string()
                .regex(/^[1-9][0-9]*[dwm]$/, { error: 'must be a retention such as "30d", "4w" or "3m"' })
                .default("30d")
                .describe('How long base backups and WALs are kept. Default: "30d".'),
            credentials: vaultCredentials.describe("The Vault entry holding `ACCESS_KEY_ID` and `ACCESS_SECRET_KEY`."),
        })
        .describe("Barman backups to object storage."),
    pooler: z
        .strictObject({
            instances: z.number().int().min(1).max(5).default(1).describe("PgBouncer instances. Default: 1."),
            poolMode: z
                .enum(["session", "transaction"], { error: 'must be "session" or "transaction"' })
                .default("transaction")
                .describe('When a server connection returns to the pool: after each transaction or each session. Default: "transaction".'),
            maxClientConn: z.number().int().min(1).default(1000).describe("Most client connections PgBouncer accepts. Default: 1000."),
            defaultPoolSize: z.number().int().min(1).default(20).describe("Server connections per user and database. Default: 20."),
        })
        .default({ instances: 1, poolMode: "transaction", maxClientConn: 1000, defaultPoolSize: 20 })
        .describe("The PgBouncer pooler in front of the primary. Default: 1 instance, transaction mode, 1000 clients, pools of 20."),
});
export type PostgresConfig = z.infer<typeof postgresSection>;

/**
 * Every Vault entry the add-ons, storage, Postgres, AgentGateway and kagent read (each `vaultKey` of those sections), sorted
 * and once each: the ClusterSecretStore's role gets a read policy on exactly these.
 */
export function addonVaultKeys(cfg: { addons: AddonsConfig; storage?: StorageConfig; postgres?: PostgresConfig; agentgateway?: unknown; kagent?: unknown }): string[] {
    const found: string[] = [];
    const walk = (v: unknown): void => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (v !== null && typeof v === "object") {
            for (const [k, x] of Object.entries(v)) {
                if (k === "vaultKey" && typeof x === "string") found.push(x);
                else walk(x);
            }
        }
    };
    // Only the program's own credential fields: the pass-through specs (`spec`, `ai`, `mcp`…) carry no vaultKey.
    [cfg.addons, cfg.storage, cfg.postgres, cfg.agentgateway, cfg.kagent].forEach(walk);
    return [...new Set(found)].sort();
}

// ---------------------------------------------------------------------------------------------
// Cross-section checks, called from the schema's superRefine.

interface AddonsCheckInput {
    cell: { environment: string };
    namespaces: ReadonlyArray<{ name: string }>;
    addons: AddonsConfig;
    storage?: StorageConfig;
    postgres?: PostgresConfig;
}

/** What add-ons, storage and Postgres need from each other and from the rest of the config. */
export function checkAddons(cfg: AddonsCheckInput, ctx: z.RefinementCtx): void {
    const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: "custom", path, message });
    const { addons, storage, postgres } = cfg;
    const needsEso = (path: PropertyKey[], what: string) => {
        if (addons.externalSecrets === undefined) issue(path, `${what} comes from Vault through External Secrets; add agent-estate:addons.externalSecrets (chart external-secrets)`);
    };

    // The add-ons' own namespaces are created by the add-ons; the cell must not declare them a second time.
    const reserved = new Map<string, string>(Object.entries(ADDON_NAMESPACES).map(([k, v]) => [v, k]));
    if (postgres !== undefined) reserved.set(postgres.namespace, "postgres");
    cfg.namespaces.forEach((ns, i) => {
        const owner = reserved.get(ns.name);
        if (owner !== undefined) issue(["namespaces", i, "name"], `"${ns.name}" is the namespace of ${owner === "postgres" ? "agent-estate:postgres" : `the ${owner} add-on`}, which creates it; list only the cell's workload namespaces`);
    });
    if (postgres !== undefined && (Object.values(ADDON_NAMESPACES) as string[]).includes(postgres.namespace)) {
        issue(["postgres", "namespace"], `"${postgres.namespace}" belongs to an add-on; use a namespace of its own such as "data"`);
    }

    if (addons.ingress?.controller === "ingress-nginx" && addons.certManager === undefined) {
        issue(["addons", "ingress"], "ingress-nginx serves TLS from cert-manager certificates; add agent-estate:addons.certManager (chart cert-manager and a ClusterIssuer)");
    }
    if (addons.monitoring !== undefined) needsEso(["addons", "monitoring", "grafanaAdmin"], "Grafana's admin login");
    if (addons.otelCollector?.langfuse.credentials !== undefined) needsEso(["addons", "otelCollector", "langfuse", "credentials"], "the collector's Langfuse key pair");
    if (addons.langfuse !== undefined) needsEso(["addons", "langfuse", "credentials"], "Langfuse's credentials");

    if (storage !== undefined) {
        const { backup, backupTarget } = storage.longhorn;
        if (backupTarget !== undefined) needsEso(["storage", "longhorn", "backupTarget", "credentials"], "the backup target's credentials");
        if (backup !== undefined && backupTarget === undefined) {
            issue(["storage", "longhorn", "backup"], 'backs up to a target that is not set; add storage.longhorn.backupTarget (e.g. { url: "s3://bucket@region/longhorn/", credentials: { vaultKey: ... } }) or remove backup');
        }
        if (cfg.cell.environment === "prod" && storage.longhorn.reclaimPolicy !== "Retain") {
            issue(["storage", "longhorn", "reclaimPolicy"], 'must be "Retain" in prod: a deleted claim must not delete its data');
        }
    }
    if (postgres !== undefined) {
        if (addons.cloudnativePg === undefined) issue(["postgres"], "needs the CloudNativePG operator; add agent-estate:addons.cloudnativePg (chart cloudnative-pg)");
        if (storage === undefined) issue(["postgres"], "stores its data on Longhorn; add agent-estate:storage.longhorn");
        needsEso(["postgres", "database", "credentials"], "the application login");
    }
}
