import { beforeAll, describe, expect, it } from "vitest";
import { PlannedResource } from "../plan/types";
import { Declared, declare } from "./harness";

type Props = Record<string, any>;

const expected = {
    dev: { replicas: "1", reclaimPolicy: "Delete", instances: 1, snapshotRetain: 6, backupRetain: 3, poolers: 1 },
    prod: { replicas: "3", reclaimPolicy: "Retain", instances: 3, snapshotRetain: 24, backupRetain: 14, poolers: 2 },
} as const;

describe.each(["dev", "prod"] as const)("the %s stack's storage", (stack) => {
    let d: Declared;
    const cell = `kaze-${stack}`;
    const want = expected[stack];
    beforeAll(async () => {
        d = await declare(stack);
    });

    describe("Longhorn", () => {
        it("is released into longhorn-system, with the backup target's credentials from the Secret External Secrets writes", () => {
            const longhorn = d.release("longhorn");
            expect(longhorn.props.namespace).toBe("longhorn-system");
            expect(longhorn.props.version).toBe("1.7.2");
            expect(longhorn.props.values.defaultSettings).toMatchObject({
                backupTarget: `s3://speedrun-${cell}-backups@eu-central-1/longhorn/`,
                backupTargetCredentialSecret: "longhorn-backup-target",
            });
            const creds = d.k8s("ExternalSecret", "longhorn-backup-target", "longhorn-system");
            expect(creds.props.spec.target.name).toBe("longhorn-backup-target");
            expect(creds.props.spec.data).toEqual([
                { secretKey: "AWS_ACCESS_KEY_ID", remoteRef: { key: "addons/longhorn-backup", property: "AWS_ACCESS_KEY_ID" } },
                { secretKey: "AWS_SECRET_ACCESS_KEY", remoteRef: { key: "addons/longhorn-backup", property: "AWS_SECRET_ACCESS_KEY" } },
            ]);
            expect(longhorn.dependencies).toContain(creds.urn);
        });

        it(`gives the cell a default StorageClass with ${want.replicas} replica(s) and reclaim policy ${want.reclaimPolicy}`, () => {
            const sc = d.k8s("StorageClass", `${cell}-longhorn`);
            expect(sc.props.provisioner).toBe("driver.longhorn.io");
            expect(sc.props.reclaimPolicy).toBe(want.reclaimPolicy);
            expect(sc.props.parameters.numberOfReplicas).toBe(want.replicas);
            expect(sc.props.metadata.annotations["storageclass.kubernetes.io/is-default-class"]).toBe("true");
            expect(d.release("longhorn").props.values.persistence.defaultClass).toBe(false);
            expect(d.kind("StorageClass")).toHaveLength(1);
            // What puts volumes on it waits for it.
            for (const chart of ["kube-prometheus-stack", "langfuse"]) expect(d.release(chart).dependencies, chart).toContain(sc.urn);
        });

        it("snapshots and backs up every volume of that class on a schedule", () => {
            const sc = d.k8s("StorageClass", `${cell}-longhorn`);
            const selector = JSON.parse(sc.props.parameters.recurringJobSelector);
            expect(selector).toEqual([{ name: cell, isGroup: true }]);
            const snapshot = d.k8s("RecurringJob", `${cell}-snapshot`, "longhorn-system").props.spec;
            const backup = d.k8s("RecurringJob", `${cell}-backup`, "longhorn-system").props.spec;
            expect(snapshot).toMatchObject({ task: "snapshot", cron: "0 * * * *", retain: want.snapshotRetain, groups: [cell] });
            expect(backup).toMatchObject({ task: "backup", cron: "0 2 * * *", retain: want.backupRetain, groups: [cell] });
        });
    });

    describe("Postgres", () => {
        const pg = `kaze-${stack}-pg`;

        it(`runs ${want.instances} pgvector instance(s) on Longhorn, from a pinned image, creating the vector extension`, () => {
            const cluster = d.k8s("Cluster", pg, "data");
            expect(cluster.props.apiVersion).toBe("postgresql.cnpg.io/v1");
            expect(cluster.props.spec.instances).toBe(want.instances);
            expect(cluster.props.spec.imageName).toBe("ghcr.io/cloudnative-pg/postgresql:16.6");
            expect(cluster.props.spec.storage).toEqual({ storageClass: `${cell}-longhorn`, size: stack === "prod" ? "50Gi" : "10Gi" });
            expect(cluster.props.spec.bootstrap.initdb).toMatchObject({ database: "kaze", owner: "kaze", secret: { name: `${pg}-app` } });
            expect(cluster.props.spec.bootstrap.initdb.postInitApplicationSQL).toEqual(["CREATE EXTENSION IF NOT EXISTS vector;"]);
            expect(cluster.props.spec.enableSuperuserAccess).toBe(false);
            const waits = cluster.dependencies;
            expect(waits).toContain(d.release("cloudnative-pg").urn);
            expect(waits).toContain(d.k8s("StorageClass", `${cell}-longhorn`).urn);
        });

        it("takes the application login from Vault as a basic-auth Secret", () => {
            const app = d.k8s("ExternalSecret", `${pg}-app`, "data");
            expect(app.props.spec.target).toMatchObject({ name: `${pg}-app`, template: { type: "kubernetes.io/basic-auth" } });
            expect(app.props.spec.data.map((x: Props) => x.secretKey)).toEqual(["username", "password"]);
            expect(app.props.spec.data.every((x: Props) => x.remoteRef.key === "addons/postgres-app")).toBe(true);
            expect(d.k8s("Cluster", pg, "data").dependencies).toContain(app.urn);
        });

        it("backs up to object storage every night with credentials from Vault", () => {
            const backup = d.k8s("Cluster", pg, "data").props.spec.backup;
            expect(backup.retentionPolicy).toBe(stack === "prod" ? "30d" : "7d");
            expect(backup.barmanObjectStore.destinationPath).toBe(`s3://speedrun-${cell}-backups/postgres/`);
            expect(backup.barmanObjectStore.s3Credentials).toEqual({
                accessKeyId: { name: `${pg}-backup-s3`, key: "ACCESS_KEY_ID" },
                secretAccessKey: { name: `${pg}-backup-s3`, key: "ACCESS_SECRET_KEY" },
            });
            expect(d.k8s("ExternalSecret", `${pg}-backup-s3`, "data").props.spec.data.map((x: Props) => x.secretKey)).toEqual(["ACCESS_KEY_ID", "ACCESS_SECRET_KEY"]);
            const scheduled = d.k8s("ScheduledBackup", `${pg}-daily`, "data").props.spec;
            expect(scheduled).toMatchObject({ schedule: "0 0 3 * * *", cluster: { name: pg }, method: "barmanObjectStore" });
        });

        it("fronts the primary with a PgBouncer pooler the cell's namespaces may reach", () => {
            const pooler = d.k8s("Pooler", `${pg}-pooler-rw`, "data").props.spec;
            expect(pooler).toMatchObject({ cluster: { name: pg }, type: "rw", instances: want.poolers, pgbouncer: { poolMode: "transaction" } });
            const policy = d.k8s("NetworkPolicy", `${pg}-pooler-rw`, "data").props.spec;
            expect(policy.podSelector).toEqual({ matchLabels: { "cnpg.io/poolerName": `${pg}-pooler-rw` } });
            expect(policy.ingress).toContainEqual({ from: [{ namespaceSelector: { matchLabels: { "agent-estate/cell": cell } } }], ports: [{ port: 5432, protocol: "TCP" }] });
        });

        it("lets only its own instances, the pooler, the operator and Prometheus reach the instances", () => {
            const policy = d.k8s("NetworkPolicy", `${pg}-instances`, "data").props.spec;
            const sources = policy.ingress.map((rule: Props) => JSON.stringify(rule.from));
            expect(sources).toEqual([
                JSON.stringify([{ podSelector: { matchLabels: { "cnpg.io/cluster": pg } } }]),
                JSON.stringify([{ podSelector: { matchLabels: { "cnpg.io/poolerName": `${pg}-pooler-rw` } } }]),
                JSON.stringify([{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "cnpg-system" } } }]),
                JSON.stringify([{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }]),
            ]);
            expect(d.k8s("Namespace", "data").props.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
        });

        it("exports PodMonitors for the instances and the pooler, after the Prometheus operator", () => {
            const cluster = d.k8s("Cluster", pg, "data");
            expect(cluster.props.spec.monitoring).toEqual({ enablePodMonitor: true });
            expect(d.k8s("Pooler", `${pg}-pooler-rw`, "data").props.spec.monitoring).toEqual({ enablePodMonitor: true });
            expect(cluster.dependencies).toContain(d.release("kube-prometheus-stack").urn);
        });
    });

    describe("stateful resources", () => {
        /** What losing would lose data: the database, its namespace, Longhorn and its class, the operator owning the database CRDs, Langfuse's stores. */
        const stateful = (): PlannedResource[] => [
            d.k8s("Cluster", `kaze-${stack}-pg`, "data"),
            d.k8s("Namespace", "data"),
            d.k8s("Namespace", "longhorn-system"),
            d.k8s("StorageClass", `${cell}-longhorn`),
            d.release("longhorn"),
            d.release("cloudnative-pg"),
            d.release("langfuse"),
            ...d.kind("PersistentVolumeClaim"),
        ];

        if (stack === "prod") {
            it("are all protected and retained on delete in prod", () => {
                for (const r of stateful()) {
                    expect(r.protect, r.urn).toBe(true);
                    // A namespace is a component's child: protected through its parent; the rest are retained too.
                    if ((r.props as Props).kind !== "Namespace") expect(r.retainOnDelete, r.urn).toBe(true);
                }
            });
        } else {
            it("are neither protected nor retained in dev, so a dev cell can be torn down", () => {
                for (const r of stateful()) expect([r.protect, r.retainOnDelete], r.urn).toEqual([false, false]);
            });
        }

        it("include no stateless add-on: the External Secrets Operator and the collector stay replaceable", () => {
            for (const chart of ["external-secrets", "opentelemetry-collector"]) expect(d.release(chart).protect, chart).toBe(false);
        });
    });
});
