import * as k8s from "@pulumi/kubernetes";
import { ServiceEndpoint } from "../flows/cell-flows";
import * as pulumi from "@pulumi/pulumi";
import { VaultReaderArgs } from "../addons/helm-addon";
import { ADDON_NAMESPACES } from "../../config/sections/addons";
import { vaultExternalSecret } from "../addons/vault-secret";
import { cellSelector, childName } from "../naming";
import { CellNamespace } from "../network/namespace";
import { stateOptions } from "../state";

/** PostgreSQL's port, on the instances and on the pooler. */
export const POSTGRES_PORT = 5432;

export interface PostgresClusterArgs extends VaultReaderArgs {
    cell: string;
    /** The namespace this component creates for the cluster. */
    namespace: string;
    /** The CloudNativePG Cluster's name (`<cell>-pg`). */
    clusterName: string;
    /** Operand image: a CloudNativePG PostgreSQL image that ships pgvector, pinned to major.minor. */
    image: { repository: string; tag: string };
    /** Instances: one primary and `instances - 1` streaming replicas. */
    instances: number;
    /** StorageClass of the data volumes (Longhorn's). */
    storageClassName: string;
    /** Size of each instance's data volume. */
    storageSize: string;
    /** Application database, its owner, and the Vault key of the owner's login (`username`, `password`). */
    database: { name: string; owner: string; vaultKey: string };
    /** Barman backups: destination, optional S3 endpoint, six-field cron, retention, and the Vault key of the S3 credentials (`ACCESS_KEY_ID`, `ACCESS_SECRET_KEY`). */
    backup: { destinationPath: string; endpoint?: string; schedule: string; retention: string; vaultKey: string };
    /** The PgBouncer pooler. */
    pooler: { instances: number; poolMode: "session" | "transaction"; maxClientConn: number; defaultPoolSize: number };
    /** Declare PodMonitors for the instances and the pooler (needs the Prometheus operator's CRDs). @default false */
    podMonitors?: boolean;
    /** Protect and retain the namespace and the Cluster (prod). @default false */
    protectState?: boolean;
    /** Labels of every object (the cell's). @default {} */
    labels?: Record<string, string>;
    /** The CloudNativePG operator's release (its CRDs and webhook). */
    operator: pulumi.Resource;
    /** What the data volumes need first (the StorageClass). @default [] */
    storage?: pulumi.Resource[];
    /** The Prometheus operator's release, with {@link podMonitors}. @default - none */
    monitoring?: pulumi.Resource;
}

/**
 * The cell's PostgreSQL with pgvector, run by CloudNativePG: a Cluster on Longhorn with the `vector`
 * extension created in the application database, scheduled Barman backups to object storage, a
 * PgBouncer Pooler in front of the primary (seed 000's stage-1 bottleneck), credentials from Vault,
 * and NetworkPolicies that open exactly the database's paths in its closed namespace.
 */
export class PostgresCluster extends pulumi.ComponentResource {
    readonly namespace: CellNamespace;
    readonly cluster: k8s.apiextensions.CustomResource;
    readonly pooler: k8s.apiextensions.CustomResource;
    readonly scheduledBackup: k8s.apiextensions.CustomResource;
    readonly clusterName: string;
    readonly namespaceName: string;
    readonly poolerName: string;
    /** The pooler's Service host: what workloads connect to. */
    readonly poolerHost: string;
    readonly port = POSTGRES_PORT;
    /** The Secret (`kubernetes.io/basic-auth`) with the application login, in {@link namespaceName}. */
    readonly appSecretName: string;
    /** Labels of the instance pods, for NetworkPolicy peers. */
    readonly instanceLabels: Readonly<Record<string, string>>;
    /** Labels of the pooler pods, for NetworkPolicy peers (workloads reach the database only through them). */
    readonly poolerLabels: Readonly<Record<string, string>>;
    /** The pooler's Service, which CloudNativePG creates: for the flows check. */
    readonly endpoint: ServiceEndpoint;

    constructor(name: string, args: PostgresClusterArgs, opts: pulumi.ComponentResourceOptions) {
        super("agent-estate:storage:PostgresCluster", name, {}, opts);
        const labels = args.labels ?? {};
        const podMonitors = args.podMonitors === true;
        this.clusterName = args.clusterName;
        this.namespaceName = args.namespace;
        this.poolerName = `${args.clusterName}-pooler-rw`;
        this.poolerHost = `${this.poolerName}.${args.namespace}.svc.cluster.local`;
        this.appSecretName = `${args.clusterName}-app`;
        this.instanceLabels = { "cnpg.io/cluster": args.clusterName };
        this.poolerLabels = { "cnpg.io/poolerName": this.poolerName };
        this.endpoint = { service: this.poolerName, namespace: args.namespace, podSelector: { ...this.poolerLabels }, ports: [{ port: POSTGRES_PORT }], owner: "postgres pooler" };
        const backupSecret = `${args.clusterName}-backup-s3`;
        const ns = args.namespace;

        // CloudNativePG's pods run restricted; the namespace holds the data, so it is protected with it.
        this.namespace = new CellNamespace(childName(name, "ns"), { name: ns, labels }, { parent: this, protect: args.protectState === true });

        const secretOpts = { operator: args.externalSecretsOperator, secretStore: args.secretStore, refreshInterval: args.refreshInterval, after: [this.namespace] };
        const appSecret = vaultExternalSecret(
            childName(name, "app"),
            { name: this.appSecretName, namespace: ns, labels, vaultKey: args.database.vaultKey, properties: { username: "username", password: "password" }, type: "kubernetes.io/basic-auth", ...secretOpts },
            { parent: this },
        );
        const s3Secret = vaultExternalSecret(
            childName(name, "backup-s3"),
            { name: backupSecret, namespace: ns, labels, vaultKey: args.backup.vaultKey, properties: { ACCESS_KEY_ID: "ACCESS_KEY_ID", ACCESS_SECRET_KEY: "ACCESS_SECRET_KEY" }, ...secretOpts },
            { parent: this },
        );

        const monitoringDeps = podMonitors && args.monitoring !== undefined ? [args.monitoring] : [];
        this.cluster = new k8s.apiextensions.CustomResource(
            name,
            {
                apiVersion: "postgresql.cnpg.io/v1",
                kind: "Cluster",
                metadata: { name: args.clusterName, namespace: ns, labels },
                spec: {
                    instances: args.instances,
                    imageName: `${args.image.repository}:${args.image.tag}`,
                    primaryUpdateStrategy: "unsupervised",
                    // No superuser login: the application owns its database, the operator the rest.
                    enableSuperuserAccess: false,
                    inheritedMetadata: { labels },
                    bootstrap: {
                        initdb: {
                            database: args.database.name,
                            owner: args.database.owner,
                            secret: { name: this.appSecretName },
                            // pgvector ships in the image; the extension is created once, as superuser, in the app database.
                            postInitApplicationSQL: ["CREATE EXTENSION IF NOT EXISTS vector;"],
                        },
                    },
                    storage: { storageClass: args.storageClassName, size: args.storageSize },
                    backup: {
                        retentionPolicy: args.backup.retention,
                        barmanObjectStore: {
                            destinationPath: args.backup.destinationPath,
                            ...(args.backup.endpoint === undefined ? {} : { endpointURL: args.backup.endpoint }),
                            s3Credentials: {
                                accessKeyId: { name: backupSecret, key: "ACCESS_KEY_ID" },
                                secretAccessKey: { name: backupSecret, key: "ACCESS_SECRET_KEY" },
                            },
                            wal: { compression: "gzip" },
                            data: { compression: "gzip" },
                        },
                    },
                    monitoring: { enablePodMonitor: podMonitors },
                },
            },
            {
                parent: this,
                dependsOn: [args.operator, this.namespace, appSecret, s3Secret, ...(args.storage ?? []), ...monitoringDeps],
                ...stateOptions(args.protectState),
            },
        );

        this.scheduledBackup = new k8s.apiextensions.CustomResource(
            childName(name, "backup"),
            {
                apiVersion: "postgresql.cnpg.io/v1",
                kind: "ScheduledBackup",
                metadata: { name: `${args.clusterName}-daily`, namespace: ns, labels },
                spec: {
                    schedule: args.backup.schedule,
                    cluster: { name: args.clusterName },
                    method: "barmanObjectStore",
                    // The Backup objects belong to this schedule; the backups themselves stay in the object store.
                    backupOwnerReference: "self",
                    immediate: true,
                },
            },
            { parent: this, dependsOn: [this.cluster] },
        );

        this.pooler = new k8s.apiextensions.CustomResource(
            childName(name, "pooler"),
            {
                apiVersion: "postgresql.cnpg.io/v1",
                kind: "Pooler",
                metadata: { name: this.poolerName, namespace: ns, labels },
                spec: {
                    cluster: { name: args.clusterName },
                    instances: args.pooler.instances,
                    type: "rw",
                    pgbouncer: {
                        poolMode: args.pooler.poolMode,
                        parameters: { max_client_conn: String(args.pooler.maxClientConn), default_pool_size: String(args.pooler.defaultPoolSize) },
                    },
                    monitoring: { enablePodMonitor: podMonitors },
                },
            },
            { parent: this, dependsOn: [this.cluster, ...monitoringDeps] },
        );

        this.declareNetworkPolicies(name, args, labels);
        this.registerOutputs({ clusterName: this.clusterName, poolerHost: this.poolerHost, appSecretName: this.appSecretName });
    }

    /**
     * The namespace denies everything; open: the operator's status checks, replication between
     * instances, the pooler to the instances, the cell's namespaces to the pooler, metrics scrapes,
     * DNS, and HTTPS out (the API server, which the instance manager watches, and the backup store).
     */
    private declareNetworkPolicies(name: string, args: PostgresClusterArgs, labels: Record<string, string>): void {
        const ns = args.namespace;
        const tcp = (...ports: number[]) => ports.map((port) => ({ port, protocol: "TCP" }));
        const inNamespace = (namespace: string) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } } });
        const dns = { to: [inNamespace("kube-system")], ports: [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }] };
        const httpsOut = { ports: tcp(443, 6443) };
        const opts = { parent: this, dependsOn: [this.namespace] };

        new k8s.networking.v1.NetworkPolicy(
            childName(name, "instances"),
            {
                metadata: { name: `${args.clusterName}-instances`, namespace: ns, labels },
                spec: {
                    podSelector: { matchLabels: { ...this.instanceLabels } },
                    policyTypes: ["Ingress", "Egress"],
                    ingress: [
                        { from: [{ podSelector: { matchLabels: { ...this.instanceLabels } } }], ports: tcp(POSTGRES_PORT, 8000) },
                        { from: [{ podSelector: { matchLabels: { ...this.poolerLabels } } }], ports: tcp(POSTGRES_PORT) },
                        { from: [inNamespace(ADDON_NAMESPACES.cloudnativePg)], ports: tcp(8000, POSTGRES_PORT) },
                        { from: [inNamespace(ADDON_NAMESPACES.monitoring)], ports: tcp(9187) },
                    ],
                    egress: [{ to: [{ podSelector: { matchLabels: { ...this.instanceLabels } } }], ports: tcp(POSTGRES_PORT, 8000) }, dns, httpsOut],
                },
            },
            opts,
        );

        new k8s.networking.v1.NetworkPolicy(
            childName(name, "pooler-policy"),
            {
                metadata: { name: this.poolerName, namespace: ns, labels },
                spec: {
                    podSelector: { matchLabels: { ...this.poolerLabels } },
                    policyTypes: ["Ingress", "Egress"],
                    ingress: [
                        // The cell's namespaces; each workload's own egress policy narrows it to those that need the database.
                        { from: [{ namespaceSelector: { matchLabels: cellSelector(args.cell) } }], ports: tcp(POSTGRES_PORT) },
                        { from: [inNamespace(ADDON_NAMESPACES.cloudnativePg)], ports: tcp(8000) },
                        { from: [inNamespace(ADDON_NAMESPACES.monitoring)], ports: tcp(9127) },
                    ],
                    egress: [{ to: [{ podSelector: { matchLabels: { ...this.instanceLabels } } }], ports: tcp(POSTGRES_PORT) }, dns, httpsOut],
                },
            },
            opts,
        );
    }
}
