import * as k8s from "@pulumi/kubernetes";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ImagesConfig } from "../config/sections/core";
import { SIDECAR_HEALTH_PORTS, workloadsSection } from "../config/sections/workloads";
import { cellLabels } from "../components/naming";
import { CellNamespace } from "../components/network/namespace";
import { AgentWorkload } from "../components/workloads/agent-workload";
import { workloadArgsFromConfig } from "../components/workloads/from-config";
import { evaluatePolicies } from "../policy/harness";
import { runProgram } from "../plan/runtime";
import { PlannedResource } from "../plan/types";
import { validateKubernetesObjects } from "../plan/validate";
import { podOf } from "../policy/pod";
import { Declared } from "./harness";

type Obj = Record<string, any>;

const digest = (c: string) => `sha256:${c.repeat(64)}`;
/** Every pin carries a tag and a digest, as the prod policy wants. */
const IMAGES: ImagesConfig = {
    registry: "ghcr.io/speedrun-ventures",
    pins: {
        app: { tag: "1.2.3", digest: digest("a") },
        "git-sync": { repository: "registry.k8s.io/git-sync/git-sync", tag: "v4.4.0", digest: digest("b") },
        tailscale: { repository: "ghcr.io/tailscale/tailscale", tag: "v1.78.3", digest: digest("c") },
        mcp: { tag: "0.3.1", digest: digest("d") },
        jobs: { tag: "9c41d2e", digest: digest("e") },
    },
};
const NAMES = ["alpha", "beta"] as const;

// ---- Arbitrary workload specs, in the shape a user writes in the stack file. -----------------

const reserved: number[] = Object.values(SIDECAR_HEALTH_PORTS);
const appPort = fc.integer({ min: 1024, max: 65535 }).filter((p) => !reserved.includes(p));
const envKey = fc.constantFrom("LOG_LEVEL", "FEATURE_FLAGS", "REGION", "WORKERS", "MODE");
const secretKey = fc.constantFrom("DATABASE_URL", "LANGFUSE_PUBLIC_KEY", "LANGFUSE_SECRET_KEY", "GIT_SYNC_TOKEN", "GOOGLE_API_KEY");
const resources = fc.record({
    requests: fc.record({ cpu: fc.constantFrom("50m", "250m", "1"), memory: fc.constantFrom("64Mi", "512Mi", "1Gi") }),
    limits: fc.record({ cpu: fc.constantFrom("500m", "1", "2"), memory: fc.constantFrom("256Mi", "1Gi", "2Gi") }),
});
const externalPeer = fc.oneof(
    fc.record({ namespace: fc.constantFrom("data", "langfuse", "monitoring"), podSelector: fc.constant({ "app.kubernetes.io/name": "db" }), ports: fc.uniqueArray(appPort, { minLength: 1, maxLength: 2 }) }),
    fc.record({ cidr: fc.constantFrom("10.43.0.1/32", "192.168.10.0/24"), ports: fc.constant([6443]) }),
);
const peer = (self: string) => fc.oneof(externalPeer, fc.constant({ workload: NAMES.find((n) => n !== self)! }));
const cronJob = (self: string) =>
    fc.record(
        {
            schedule: fc.constantFrom("*/15 * * * *", "0 3 * * *"),
            command: fc.constant(["node", "dist/job.js"]),
            image: fc.constantFrom("jobs", "app"),
            mountWorkspace: fc.boolean(),
            secretKeys: fc.uniqueArray(secretKey, { maxLength: 2 }),
            egressTo: fc.array(peer(self), { maxLength: 2 }),
            externalHttps: fc.boolean(),
        },
        { requiredKeys: ["schedule", "command"] },
    );

const workload = (self: string) =>
    fc
        .record(
            {
                namespace: fc.constant("agents"),
                image: fc.constant("app"),
                port: appPort,
                kind: fc.constantFrom("Deployment", "StatefulSet"),
                replicas: fc.integer({ min: 1, max: 4 }),
                autoscaling: fc.integer({ min: 1, max: 4 }).chain((min) => fc.record({ minReplicas: fc.constant(min), maxReplicas: fc.integer({ min, max: min + 6 }), cpuUtilization: fc.integer({ min: 40, max: 90 }) })),
                resources,
                env: fc.dictionary(envKey, fc.string({ maxLength: 12 }), { maxKeys: 3 }),
                secretKeys: fc.uniqueArray(secretKey, { maxLength: 3 }),
                terminationGracePeriodSeconds: fc.integer({ min: 5, max: 120 }),
                nodePort: fc.integer({ min: 30000, max: 32767 }),
                metrics: fc.record({ path: fc.constant("/metrics"), port: appPort }),
                network: fc.record({ ingressFrom: fc.array(externalPeer, { maxLength: 2 }), egressTo: fc.array(peer(self), { maxLength: 3 }), externalHttps: fc.boolean() }),
                apiAccess: fc.array(fc.record({ apiGroups: fc.constant([""]), resources: fc.constant(["configmaps"]), verbs: fc.constant(["get", "watch"]), resourceNames: fc.constant([`${self}-leader`]) }), { maxLength: 1 }),
                workspace: fc.record({ size: fc.constantFrom("1Gi", "5Gi"), accessMode: fc.constantFrom("ReadWriteOnce", "ReadWriteMany") }),
                sharedVolumes: fc.array(fc.record({ claimName: fc.constant("models"), mountPath: fc.constant("/models") }), { maxLength: 1 }),
                sidecars: fc.record(
                    {
                        gitSync: fc.record({ repo: fc.constant("https://github.com/speedrun-ventures/kaze-agent-ops"), period: fc.integer({ min: 10, max: 300 }), tokenKey: fc.constant("GIT_SYNC_TOKEN") }, { requiredKeys: ["repo"] }),
                        tailscale: fc.record({ tags: fc.constant(["tag:kaze"]) }, { requiredKeys: [] }),
                        mcpProxies: fc.dictionary(fc.constantFrom("langfuse-mcp", "github-mcp"), fc.record({ image: fc.constant("mcp"), port: appPort }), { maxKeys: 2 }),
                    },
                    { requiredKeys: [] },
                ),
                cronJobs: fc.dictionary(fc.constantFrom("workspace-cleanup", "token-refresh"), cronJob(self), { maxKeys: 2 }),
            },
            { requiredKeys: ["namespace", "image", "port", "resources"] },
        )
        // A user who autoscales does not also set replicas.
        .map((w) => (w.autoscaling ? { ...w, replicas: undefined } : w));

/** Specs the schema accepts; the rest (port clashes, a shared ReadWriteOnce workspace…) are the corpus' business. */
const acceptedWorkloads = fc.record({ alpha: workload("alpha"), beta: workload("beta") }).map((raw) => workloadsSection.safeParse(raw)).filter((r) => r.success).map((r) => r.data!);

// ---- Rendering and checks. -----------------------------------------------------------------

async function render(workloads: ReturnType<typeof workloadsSection.parse>, environment: "dev" | "prod"): Promise<PlannedResource[]> {
    const run = await runProgram({ project: "agent-estate", stack: environment, config: {}, secretKeys: [] }, () => {
        const provider = new k8s.Provider("k8s", { context: "test", enableServerSideApply: true });
        const args = workloadArgsFromConfig(workloads, { images: IMAGES, labels: cellLabels("prop"), protectState: environment === "prod", hasSecretEnv: () => true, serviceMonitors: true, prometheus: { namespace: "monitoring", podSelector: { "app.kubernetes.io/name": "prometheus" } }, otlp: { endpoint: "http://otel-collector.observability.svc:4317", collector: { namespace: "observability", podSelector: { "app.kubernetes.io/name": "opentelemetry-collector" }, ports: [{ port: 4317 }] } }, apiServerEgress: [{ cidr: "10.0.0.10/32", ports: [{ port: 6443 }] }] });
        // As the Cell does: the namespace (restricted, default deny) first, then the workloads in it.
        const ns = new CellNamespace("ns-agents", { name: "agents", labels: cellLabels("prop") }, { providers: { kubernetes: provider } });
        for (const [name, a] of Object.entries(args)) new AgentWorkload(name, a, { providers: { kubernetes: provider }, dependsOn: [ns] });
        return {};
    });
    return run.resources;
}

/** Every pod spec, of whatever pod-carrying kind, found where the policies find it. */
function podSpecs(resources: PlannedResource[]): Array<{ where: string; pod: Obj }> {
    return resources.flatMap((r) => {
        const pod = podOf(r.type, r.props);
        return pod ? [{ where: `${pod.kind} ${pod.metadata.name}`, pod: pod.spec }] : [];
    });
}

/** The Pod Security Standards "restricted" profile, field by field, plus our fixed ids and read-only roots. */
function restrictedProblems(where: string, pod: Obj): string[] {
    const out: string[] = [];
    const psc = pod.securityContext ?? {};
    if (psc.runAsNonRoot !== true || psc.runAsUser !== 1001 || psc.runAsGroup !== 1001 || psc.fsGroup !== 1001) out.push(`${where}: pod ids`);
    if (psc.seccompProfile?.type !== "RuntimeDefault") out.push(`${where}: pod seccomp`);
    if (pod.hostNetwork || pod.hostPID || pod.hostIPC) out.push(`${where}: host namespaces`);
    for (const v of pod.volumes ?? []) {
        const allowed = ["emptyDir", "persistentVolumeClaim", "projected", "configMap", "secret", "downwardAPI"];
        if (!Object.keys(v).filter((k) => k !== "name").every((k) => allowed.includes(k))) out.push(`${where}: volume ${v.name} of a forbidden type`);
    }
    for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
        const sc = c.securityContext ?? {};
        const at = `${where} container ${c.name}`;
        if (sc.allowPrivilegeEscalation !== false) out.push(`${at}: allowPrivilegeEscalation`);
        if (sc.privileged === true) out.push(`${at}: privileged`);
        if (JSON.stringify(sc.capabilities?.drop) !== '["ALL"]' || (sc.capabilities?.add ?? []).length > 0) out.push(`${at}: capabilities`);
        if (sc.runAsNonRoot !== true) out.push(`${at}: runAsNonRoot`);
        if (sc.seccompProfile?.type !== "RuntimeDefault") out.push(`${at}: seccomp`);
        if (sc.readOnlyRootFilesystem !== true) out.push(`${at}: readOnlyRootFilesystem`);
        if (!(c.volumeMounts ?? []).some((m: Obj) => m.mountPath === "/tmp")) out.push(`${at}: no /tmp`);
        if (!c.resources?.requests?.cpu || !c.resources?.limits?.memory) out.push(`${at}: resources`);
        if ((c.ports ?? []).some((p: Obj) => p.hostPort !== undefined)) out.push(`${at}: hostPort`);
        if (!/(:[^/]+|@sha256:[a-f0-9]{64})$/.test(c.image) || /:latest(@|$)/.test(c.image)) out.push(`${at}: unpinned image ${c.image}`);
    }
    return out;
}

/**
 * Configs rendered per run: each is a program run under the mock runtime (about 0.15 s of CPU), and 200
 * were a third of the suite's CPU time. 100 by default; PROPERTY_RUNS=1000 for a deeper search.
 */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);

describe("any workload the config schema accepts", () => {
    it(`renders restricted-compliant, schema-valid, policy-clean objects (property, ${RUNS} configs)`, async () => {
        let rendered = 0;
        await fc.assert(
            fc.asyncProperty(acceptedWorkloads, fc.constantFrom("dev" as const, "prod" as const), async (workloads, environment) => {
                const resources = await render(workloads, environment);
                rendered++;
                const pods = podSpecs(resources);
                // One pod-bearing object per workload, plus one per CronJob.
                const expectedPods = Object.values(workloads).reduce((n, w) => n + 1 + Object.keys(w.cronJobs).length, 0);
                expect(pods.length).toBe(expectedPods);
                expect(pods.flatMap(({ where, pod }) => restrictedProblems(where, pod))).toEqual([]);
                expect(validateKubernetesObjects(resources).errors).toEqual([]);
                // A fixed NodePort is the F5 path: the cell's policy config opens the namespace for it, as a prod cell with a VIP would.
                expect(evaluatePolicies(resources, { environment, config: { "service-exposure": { exposedNamespaces: ["agents"] } } })).toEqual([]);

                const declared = new Declared(resources, {});
                for (const [name, w] of Object.entries(workloads)) {
                    const obj = declared.k8s(w.kind, name).props;
                    // An HPA owns the count: the workload leaves replicas unset, and the PDB stays below the HPA's minimum.
                    if (w.autoscaling) expect(obj.spec.replicas).toBeUndefined();
                    else expect(obj.spec.replicas).toBe(w.replicas ?? 1);
                    const pdb = declared.kind("PodDisruptionBudget").find((r) => r.props.metadata.name === name)?.props;
                    const canExceedOne = w.autoscaling ? w.autoscaling.maxReplicas > 1 : (w.replicas ?? 1) > 1;
                    expect(pdb !== undefined).toBe(canExceedOne);
                    if (pdb?.spec.minAvailable !== undefined) expect(pdb.spec.minAvailable).toBeLessThan(w.autoscaling?.minReplicas ?? w.replicas ?? 1);
                }
            }),
            { numRuns: RUNS },
        );
        expect(rendered).toBeGreaterThanOrEqual(RUNS);
    }, 300_000);
});
