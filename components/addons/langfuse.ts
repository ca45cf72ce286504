import * as pulumi from "@pulumi/pulumi";
import { ServiceEndpoint } from "../flows/cell-flows";
import { childName } from "../naming";
import { HelmAddon, HelmChartRef, VaultReaderArgs } from "./helm-addon";
import { ADDON_NAMESPACES } from "../../config/sections/addons";

/** The Secret holding every Langfuse credential, copied from one Vault entry. */
const SECRET = "langfuse";
/** Vault properties of that entry; each is also the key in the Secret. */
export const LANGFUSE_SECRET_KEYS = ["salt", "nextauth-secret", "encryption-key", "postgres-password", "clickhouse-password", "redis-password", "s3-user", "s3-password"] as const;

/** A value the langfuse chart reads from a Secret. */
interface SecretKeyRef {
    secretKeyRef: { name: string; key: string };
}

/**
 * The langfuse chart's values this program sets, its Bitnami stores' (subcharts) included; the chart
 * ships no values schema: typed, so a misspelt key does not compile.
 */
export interface LangfuseValues {
    /** Passed to every subchart. @default - the cluster's default StorageClass */
    global?: { defaultStorageClass: string };
    langfuse: {
        salt: SecretKeyRef;
        encryptionKey: SecretKeyRef;
        nextauth: { url: string; secret: SecretKeyRef };
        features: { telemetryEnabled: boolean; signUpDisabled: boolean };
    };
    postgresql: { deploy: boolean; auth: { username: string; database: string; existingSecret: string; secretKeys: { userPasswordKey: string; adminPasswordKey: string } } };
    clickhouse: { deploy: boolean; auth: { existingSecret: string; existingSecretKey: string } };
    redis: { deploy: boolean; auth: { existingSecret: string; existingSecretPasswordKey: string } };
    s3: { deploy: boolean; auth: { existingSecret: string; rootUserSecretKey: string; rootPasswordSecretKey: string } };
}

export interface LangfuseArgs extends VaultReaderArgs {
    cell: string;
    chart: HelmChartRef;
    /** Public URL of the UI (NextAuth's callback base). */
    url: string;
    /** Vault KV key of the entry holding {@link LANGFUSE_SECRET_KEYS}. */
    vaultKey: string;
    /** StorageClass of the bundled Postgres, ClickHouse, Redis and MinIO volumes. @default - the cluster's default */
    storageClassName?: string;
    /** What the volumes need first (the StorageClass). @default [] */
    storage?: pulumi.Resource[];
    /** Protect and retain the release in prod: the traces live in its volumes. @default false */
    protectState?: boolean;
    /** Labels of every object (the cell's). @default {} */
    labels?: Record<string, string>;
}

/**
 * Langfuse (v3: web, worker, and its bundled Postgres, ClickHouse, Redis and S3), the LLM tracing UI
 * of seeds 000/001. Every credential is read from a Secret External Secrets fills from Vault; none is
 * in the chart's values.
 */
export class Langfuse extends pulumi.ComponentResource {
    readonly addon: HelmAddon;
    readonly namespace: string = ADDON_NAMESPACES.langfuse;
    /** In-cluster base URL of the web service (`/api/public/otel` is its OTLP ingestion). */
    readonly webUrl: string;
    /** The web Service, which the chart creates: for the flows check. */
    readonly endpoint: ServiceEndpoint;

    constructor(name: string, args: LangfuseArgs, opts: pulumi.ComponentResourceOptions) {
        super("agent-estate:addons:Langfuse", name, {}, opts);
        this.webUrl = `http://langfuse-web.${this.namespace}.svc.cluster.local:3000`;
        this.endpoint = { service: "langfuse-web", namespace: this.namespace, podSelector: { "app.kubernetes.io/name": "langfuse", "app.kubernetes.io/component": "web" }, ports: [{ port: 3000 }], owner: "addon langfuse" };
        const ref = (key: (typeof LANGFUSE_SECRET_KEYS)[number]) => ({ secretKeyRef: { name: SECRET, key } });

        this.addon = new HelmAddon(
            childName(name, "release"),
            {
                cell: args.cell,
                namespace: this.namespace,
                releaseName: "langfuse",
                chart: args.chart,
                values: {
                    global: args.storageClassName === undefined ? undefined : { defaultStorageClass: args.storageClassName },
                    langfuse: {
                        salt: ref("salt"),
                        encryptionKey: ref("encryption-key"),
                        nextauth: { url: args.url, secret: ref("nextauth-secret") },
                        features: { telemetryEnabled: false, signUpDisabled: true },
                    },
                    postgresql: { deploy: true, auth: { username: "langfuse", database: "langfuse", existingSecret: SECRET, secretKeys: { userPasswordKey: "postgres-password", adminPasswordKey: "postgres-password" } } },
                    clickhouse: { deploy: true, auth: { existingSecret: SECRET, existingSecretKey: "clickhouse-password" } },
                    redis: { deploy: true, auth: { existingSecret: SECRET, existingSecretPasswordKey: "redis-password" } },
                    s3: { deploy: true, auth: { existingSecret: SECRET, rootUserSecretKey: "s3-user", rootPasswordSecretKey: "s3-password" } },
                } satisfies LangfuseValues,
                labels: args.labels,
                // The bundled Bitnami stores and the web/worker images do not all set a seccomp profile and
                // non-root user; "baseline" admits them without host access or privilege.
                podSecurity: "baseline",
                // The web service: the collector sends traces, the runtime's langfuse-mcp sidecar and proxy
                // (seed 000) read them, the ingress controller serves the UI; all from the cell's namespaces.
                cellPorts: [3000],
                protectState: args.protectState,
                vaultSecrets: [{ name: SECRET, vaultKey: args.vaultKey, properties: Object.fromEntries(LANGFUSE_SECRET_KEYS.map((k) => [k, k])) }],
                externalSecretsOperator: args.externalSecretsOperator,
                secretStore: args.secretStore,
                refreshInterval: args.refreshInterval,
                dependsOn: args.storage,
            },
            { parent: this },
        );

        this.registerOutputs({ webUrl: this.webUrl });
    }
}
