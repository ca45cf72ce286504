import { describe, expect, it } from "vitest";
import { parseCellConfig } from "../config/parse";
import { validateKubernetesObjects } from "../plan/validate";
import { configErrorOf, declare, rawStackConfig, stackConfig } from "./harness";

type Obj = Record<string, any>;

/** A Redis and a Postgres in the dev Kaze cell, the knowledge service reaching both by name. */
function withData(v: Record<string, any>): Record<string, any> {
    v.images.pins.redis = { repository: "docker.io/library/redis", tag: "7.4.1" };
    v.images.pins.postgres = { repository: "docker.io/supabase/postgres", tag: "15.1.0" };
    v.dataServices = {
        redis: { namespace: "kaze", image: "redis", port: 6379, protocol: "redis", resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "250m", memory: "256Mi" } }, storage: { size: "1Gi", mountPath: "/data" } },
        postgres: {
            namespace: "kaze",
            image: "postgres",
            port: 5432,
            protocol: "postgres",
            resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
            env: { POSTGRES_DB: "postgres", PGDATA: "/var/lib/postgresql/data/pgdata" },
            storage: { size: "10Gi", mountPath: "/var/lib/postgresql/data", storageClassName: "standard" },
            writablePaths: ["/var/run/postgresql"],
        },
    };
    v.workloads["kaze-knowledge"].network.egressTo.push({ dataService: "redis" }, { dataService: "postgres" });
    return v.dataServices;
}

const problemsAt = (change: (v: Record<string, any>) => void, key: string): string[] => {
    const raw = rawStackConfig("dev");
    change(raw.values);
    const error = configErrorOf(parseCellConfig, raw);
    return error.problems.filter((p) => p.key === key).map((p) => p.message);
};

describe("data services: StatefulSets with claims, headless Services, probes their protocol understands", () => {
    const planned = (() => {
        const raw = rawStackConfig("dev");
        withData(raw.values);
        return declare(stackConfig("dev", { set: { images: raw.values.images, dataServices: raw.values.dataServices, workloads: raw.values.workloads } }));
    })();

    it("postgres is a StatefulSet with a 10Gi claim template, a headless Service of its name, probed with pg_isready, hardened", async () => {
        const d = await planned;
        const sts = d.k8s("StatefulSet", "postgres", "kaze").props.spec;
        expect(sts.serviceName).toBe("postgres");
        expect(sts.volumeClaimTemplates[0].spec).toMatchObject({ accessModes: ["ReadWriteOnce"], storageClassName: "standard", resources: { requests: { storage: "10Gi" } } });
        expect(sts.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Retain", whenScaled: "Retain" });
        const c = sts.template.spec.containers[0];
        expect(c.image).toBe("docker.io/supabase/postgres:15.1.0");
        expect(c.readinessProbe.exec.command).toEqual(["pg_isready", "-h", "127.0.0.1", "-p", "5432"]);
        expect(c.livenessProbe.httpGet).toBeUndefined();
        expect(c.volumeMounts).toEqual(expect.arrayContaining([{ name: "data", mountPath: "/var/lib/postgresql/data" }, { name: "writable-0", mountPath: "/var/run/postgresql" }]));
        expect(c.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
        expect(sts.template.spec.automountServiceAccountToken).toBe(false);
        const svc = d.k8s("Service", "postgres", "kaze").props.spec;
        expect(svc.clusterIP).toBe("None");
        expect(svc.ports).toEqual([{ name: "service", port: 5432, targetPort: "service", protocol: "TCP" }]);
        expect(validateKubernetesObjects(d.resources).errors).toEqual([]);
    });

    it("redis is checked with a TCP connect (liveness) and redis-cli ping (readiness), never over HTTP", async () => {
        const c = (await planned).k8s("StatefulSet", "redis", "kaze").props.spec.template.spec.containers[0];
        expect(c.livenessProbe).toMatchObject({ tcpSocket: { port: "service" } });
        expect(c.readinessProbe).toMatchObject({ exec: { command: ["redis-cli", "-p", "6379", "ping"] } });
    });

    it("a workload reaches a data service by name: its egress and the data service's ingress open on the service port, nothing else gets in", async () => {
        const d = await planned;
        const pg = d.k8s("NetworkPolicy", "postgres", "kaze").props.spec;
        expect(pg.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kaze" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "kaze-knowledge" } } }], ports: [{ port: 5432, protocol: "TCP" }] }]);
        const kn = d.k8s("NetworkPolicy", "kaze-knowledge", "kaze").props.spec;
        expect(kn.egress).toContainEqual({ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kaze" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "postgres" } } }], ports: [{ port: 5432, protocol: "TCP" }] });
    });

    it("claims are unprotected in dev (and protected in prod, see the Alfred prod cell)", async () => {
        expect((await planned).k8s("StatefulSet", "postgres").protect).toBe(false);
    });

    it("an HTTP probe on a data service's TCP port is a config error that says why and what to use", () => {
        const [message] = problemsAt((v) => (withData(v).postgres.probes = { readiness: { httpGet: { path: "/health" } } }), "agent-estate:dataServices.postgres.probes.readiness.httpGet");
        expect(message).toMatch(/probes port 5432 over HTTP, but the service speaks postgres there: the probe never succeeds and the pod never becomes Ready; use exec: \{ command: \["pg_isready"/);
        expect(problemsAt((v) => (withData(v).redis.probes = { liveness: "/health" }), "agent-estate:dataServices.redis.probes.liveness.httpGet")[0]).toMatch(/speaks redis/);
    });

    it("a peer naming a data service the cell lacks, and a Secret outside vault.secrets, are config errors", () => {
        expect(problemsAt((v) => (withData(v), v.workloads["kaze-knowledge"].network.egressTo.push({ dataService: "redis-cache" })), "agent-estate:workloads.kaze-knowledge.network.egressTo[4].dataService")[0]).toMatch(/not a data service of agent-estate:dataServices \(redis, postgres\)/);
        expect(problemsAt((v) => (withData(v).postgres.secretRefs = { POSTGRES_PASSWORD: { secret: "alfred-secrets", key: "db-password" } }), "agent-estate:dataServices.postgres.secretRefs.POSTGRES_PASSWORD.secret")[0]).toMatch(/not a Secret of agent-estate:existingSecrets or vault\.secrets/);
    });
});

describe("NetworkPolicy selectors in config", () => {
    it("a selector in one of the cell's namespaces that matches no pod the cell declares is a config error, with a did-you-mean", () => {
        const [message] = problemsAt(
            (v) => v.workloads["kaze-runtime"].network.egressTo.push({ namespace: "kaze", podSelector: { app: "kaze-platform", component: "kaze-gateway" }, ports: [4200] }),
            "agent-estate:workloads.kaze-runtime.network.egressTo[3].podSelector",
        );
        expect(message).toMatch(/\{ app: kaze-platform, component: kaze-gateway \} selects no pod the cell declares in namespace kaze \(kaze-runtime, kaze-runtime-workspace-cleanup, .*\), so the rule would allow nothing; did you mean \{ workload: kaze-gateway \}\?/);
    });

    it("a selector that matches a declared pod, or one in a namespace the cell does not own, passes", () => {
        const raw = rawStackConfig("dev");
        raw.values.workloads["kaze-runtime"].network.egressTo.push({ namespace: "kaze", podSelector: { "app.kubernetes.io/name": "kaze-gateway" }, ports: [4200] });
        expect(() => parseCellConfig(raw)).not.toThrow();
    });
});

describe("dashboards from JSON files in the repository", () => {
    it("a missing file or a JSON that is not a dashboard is a config error", () => {
        const at = "agent-estate:addons.monitoring.dashboards.platform";
        expect(problemsAt((v) => (v.addons.monitoring.dashboards = { platform: "dashboards/nowhere.json" }), at)[0]).toMatch(/does not exist in the repository/);
        expect(problemsAt((v) => (v.addons.monitoring.dashboards = { platform: "package.json" }), at)[0]).toMatch(/needs a "title" and a "panels" list/);
    });

    it("ships a committed dashboard as a labelled ConfigMap in the monitoring namespace", async () => {
        const raw = rawStackConfig("dev");
        raw.values.addons.monitoring.dashboards = { "alfred-platform": "dashboards/alfred-platform.json" };
        const d = await declare(stackConfig("dev", { set: { addons: raw.values.addons } }));
        const cm = d.k8s("ConfigMap", "kaze-dev-alfred-platform-dashboard", "monitoring").props as Obj;
        expect(cm.metadata.labels.grafana_dashboard).toBe("1");
        expect(JSON.parse(cm.data["kaze-dev-alfred-platform.json"]).title).toBe("Alfred Agent Platform");
    });
});
