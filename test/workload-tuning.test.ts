import { describe, expect, it } from "vitest";
import { parseCellConfig } from "../config/parse";
import { validateKubernetesObjects } from "../plan/validate";
import { configErrorOf, declare, rawStackConfig, stackConfig } from "./harness";

type Obj = Record<string, any>;
const devWorkloads = (): Record<string, Obj> => rawStackConfig("dev").values.workloads;
const mainOf = (d: { k8s(kind: string, name: string): { props: Obj } }, w: string): Obj => d.k8s("Deployment", w).props.spec.template.spec.containers.find((c: Obj) => c.name === w);

/** The problem a user sees for one key of the dev stack with `change` applied to its workloads. */
function problemOf(change: (w: Record<string, Obj>) => void, key: string): string {
    const raw = rawStackConfig("dev");
    change(raw.values.workloads);
    const error = configErrorOf(parseCellConfig, raw);
    const found = error.problems.find((p) => p.key === key);
    if (!found) throw new Error(`no problem at ${key}; problems were: ${error.message}`);
    return found.message;
}

describe("probes per workload, as Kubernetes spells them", () => {
    it("keep today's values when unset: startup 5 s × 30 on /health, liveness 10 s × 3 on /health, readiness 5 s × 3 on /ready, 3 s timeouts", async () => {
        const main = mainOf(await declare("dev"), "kaze-gateway");
        expect(main.startupProbe).toEqual({ httpGet: { path: "/health", port: "http" }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 30 });
        expect(main.livenessProbe).toEqual({ httpGet: { path: "/health", port: "http" }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 });
        expect(main.readinessProbe).toEqual({ httpGet: { path: "/ready", port: "http" }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 });
    });

    it("take the seed's timings (initial delays 30 s / 5 s, periods 10 s / 5 s), a TCP or exec handler, and a separate startup probe or none", async () => {
        const workloads = devWorkloads();
        workloads["kaze-gateway"].probes = {
            liveness: { httpGet: { path: "/health", port: 4200 }, initialDelaySeconds: 30, periodSeconds: 10 },
            readiness: { httpGet: { path: "/health" }, initialDelaySeconds: 5, periodSeconds: 5 },
            startup: false,
        };
        workloads["kaze-knowledge"].probes = { liveness: { tcpSocket: {} }, readiness: { exec: { command: ["/bin/ready"] }, timeoutSeconds: 1 }, startup: { httpGet: { path: "/warm" }, failureThreshold: 60 } };
        const d = await declare(stackConfig("dev", { set: { workloads } }));
        const gw = mainOf(d, "kaze-gateway");
        expect(gw.startupProbe).toBeUndefined();
        expect(gw.livenessProbe).toEqual({ httpGet: { path: "/health", port: 4200 }, initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 });
        expect(gw.readinessProbe).toEqual({ httpGet: { path: "/health", port: "http" }, initialDelaySeconds: 5, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 });
        const kn = mainOf(d, "kaze-knowledge");
        expect(kn.livenessProbe).toMatchObject({ tcpSocket: { port: "http" }, periodSeconds: 10 });
        expect(kn.readinessProbe).toMatchObject({ exec: { command: ["/bin/ready"] }, timeoutSeconds: 1 });
        expect(kn.startupProbe).toEqual({ httpGet: { path: "/warm", port: "http" }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 60 });
        expect(validateKubernetesObjects(d.resources).errors).toEqual([]);
    });

    it("refuse a probe with two handlers or none, and one on a port the container does not serve", () => {
        expect(problemOf((w) => (w["kaze-gateway"].probes = { liveness: { httpGet: { path: "/health" }, tcpSocket: {} } }), "agent-estate:workloads.kaze-gateway.probes.liveness")).toMatch(/exactly one handler/);
        expect(problemOf((w) => (w["kaze-gateway"].probes = { readiness: { periodSeconds: 5 } }), "agent-estate:workloads.kaze-gateway.probes.readiness")).toMatch(/names no handler/);
        expect(problemOf((w) => (w["kaze-gateway"].probes = { liveness: { tcpSocket: { port: 5432 } } }), "agent-estate:workloads.kaze-gateway.probes.liveness.tcpSocket.port")).toMatch(/5432 is not a port the container serves \(4200\)/);
    });
});

describe("HPA behaviour, PDB and replicas", () => {
    it("the HPA's behaviour is configurable field by field in autoscaling/v2's shape; unset fields keep the defaults", async () => {
        const workloads = devWorkloads();
        workloads["kaze-gateway"].autoscaling = {
            minReplicas: 3,
            maxReplicas: 10,
            cpuUtilization: 75,
            memoryUtilization: 75,
            behavior: { scaleDown: { stabilizationWindowSeconds: 600, policies: [{ type: "Pods", value: 1, periodSeconds: 120 }] } },
        };
        workloads["kaze-gateway"].disruptionBudget = { minAvailable: 2 };
        delete workloads["kaze-gateway"].replicas;
        const d = await declare(stackConfig("dev", { set: { workloads } }));
        const hpa = d.k8s("HorizontalPodAutoscaler", "kaze-gateway").props.spec;
        expect(hpa).toMatchObject({ minReplicas: 3, maxReplicas: 10 });
        expect(hpa.metrics.map((m: Obj) => [m.resource.name, m.resource.target.averageUtilization])).toEqual([["cpu", 75], ["memory", 75]]);
        expect(hpa.behavior.scaleDown).toEqual({ stabilizationWindowSeconds: 600, selectPolicy: "Min", policies: [{ type: "Pods", value: 1, periodSeconds: 120 }] });
        expect(hpa.behavior.scaleUp).toEqual({ stabilizationWindowSeconds: 0, selectPolicy: "Max", policies: [{ type: "Percent", value: 100, periodSeconds: 30 }, { type: "Pods", value: 2, periodSeconds: 30 }] });
        expect(d.k8s("PodDisruptionBudget", "kaze-gateway").props.spec).toMatchObject({ minAvailable: 2 });
        expect(d.k8s("PodDisruptionBudget", "kaze-gateway").props.spec.maxUnavailable).toBeUndefined();
    });

    it("replicas beside an HPA is refused, and the error says why (the two would fight over the count)", () => {
        const message = problemOf((w) => ((w["kaze-gateway"].replicas = 5), (w["kaze-gateway"].autoscaling = { minReplicas: 3, maxReplicas: 10 })), "agent-estate:workloads.kaze-gateway.replicas");
        expect(message).toMatch(/owned by the HPA/);
        expect(message).toMatch(/reset by the HPA after each deploy and forced back by each `pulumi up`/);
        expect(message).toMatch(/autoscaling\.minReplicas \(e\.g\. 5\)/);
        // Even replicas: 1, which used to pass unnoticed as the default.
        expect(problemOf((w) => ((w["kaze-gateway"].replicas = 1), (w["kaze-gateway"].autoscaling = { minReplicas: 2, maxReplicas: 4 })), "agent-estate:workloads.kaze-gateway.replicas")).toMatch(/owned by the HPA/);
    });

    it("a PDB that would block every drain, or one on a single-pod workload, is refused", () => {
        expect(problemOf((w) => ((w["kaze-gateway"].autoscaling = { minReplicas: 2, maxReplicas: 4 }), (w["kaze-gateway"].disruptionBudget = { minAvailable: 2 })), "agent-estate:workloads.kaze-gateway.disruptionBudget.minAvailable")).toMatch(
            /only 2 pod\(s\).*use at most 1/,
        );
        expect(problemOf((w) => (w["kaze-gateway"].disruptionBudget = { maxUnavailable: 1 }), "agent-estate:workloads.kaze-gateway.disruptionBudget")).toMatch(/runs one pod/);
        expect(problemOf((w) => ((w["kaze-gateway"].replicas = 3), (w["kaze-gateway"].disruptionBudget = { minAvailable: 1, maxUnavailable: 1 })), "agent-estate:workloads.kaze-gateway.disruptionBudget")).toMatch(/exactly one of/);
    });
});

describe("secret keys and scraping", () => {
    it("a secretKeys entry maps any valid Secret key (database-url) to an env name", async () => {
        const workloads = devWorkloads();
        workloads["kaze-knowledge"].secretKeys = [...workloads["kaze-knowledge"].secretKeys, { name: "ALFRED_DATABASE_URL", key: "database-url" }];
        const d = await declare(stackConfig("dev", { set: { workloads } }));
        expect(mainOf(d, "kaze-knowledge").env).toContainEqual({ name: "ALFRED_DATABASE_URL", valueFrom: { secretKeyRef: { name: "kaze-knowledge-env", key: "database-url" } } });
        const es = d.k8s("ExternalSecret", "kaze-knowledge").props.spec;
        expect(JSON.stringify(es)).toContain("database-url");
    });

    it("a secretKeys entry that is neither an env name nor { name, key } is refused with both forms", () => {
        expect(problemOf((w) => (w["kaze-knowledge"].secretKeys = ["database-url"]), "agent-estate:workloads.kaze-knowledge.secretKeys[0]")).toMatch(/\{ name: ALFRED_DATABASE_URL, key: database-url \}/);
    });

    it("the ServiceMonitor's interval is configurable (the seed scrapes every 15 s), and a timeout longer than it is refused", async () => {
        const workloads = devWorkloads();
        workloads["kaze-gateway"].metrics = { path: "/metrics", port: 4200, interval: "15s" };
        const d = await declare(stackConfig("dev", { set: { workloads } }));
        expect(d.k8s("ServiceMonitor", "kaze-gateway").props.spec.endpoints).toEqual([{ port: "http", path: "/metrics", interval: "15s", scrapeTimeout: "10s" }]);
        expect(problemOf((w) => (w["kaze-gateway"].metrics = { port: 4200, interval: "15s", scrapeTimeout: "20s" }), "agent-estate:workloads.kaze-gateway.metrics.scrapeTimeout")).toMatch(/at most interval/);
    });
});
