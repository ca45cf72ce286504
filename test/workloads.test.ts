import { beforeAll, describe, expect, it } from "vitest";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { CronJob } from "kubernetes-models/batch/v1/CronJob";
import { serviceAccountName, tailscaleStateSecretName, TAILSCALE_AUTHKEY, workloadConfigMapName, workloadSecretName } from "../components/naming";
import { PRIVATE_RANGES } from "../components/workloads/network-policy";
import { validateKubernetesObjects } from "../plan/validate";
import { parseCellConfig } from "../config/parse";
import { Declared, configErrorOf, declare, rawStackConfig, stackConfig } from "./harness";

const KAZE = ["kaze-runtime", "kaze-gateway", "kaze-knowledge"] as const;
const PORTS = { "kaze-runtime": 4100, "kaze-gateway": 4200, "kaze-knowledge": 4300 } as const;

type Obj = Record<string, any>;
const podOf = (d: Declared, w: string): Obj => d.k8s("Deployment", w, "kaze").props.spec.template.spec;
const allContainers = (pod: Obj): Obj[] => [...(pod.initContainers ?? []), ...pod.containers];
const container = (pod: Obj, name: string): Obj => {
    const c = allContainers(pod).find((x) => x.name === name);
    if (!c) throw new Error(`no container ${name}`);
    return c;
};
const envOf = (c: Obj, name: string): Obj | undefined => (c.env ?? []).find((e: Obj) => e.name === name);

/** The restricted-profile fields a reviewer checks on every pod and container. */
function expectRestricted(pod: Obj) {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1001, runAsGroup: 1001, fsGroup: 1001, seccompProfile: { type: "RuntimeDefault" } });
    const tmp = pod.volumes.find((v: Obj) => v.name === "tmp");
    expect(tmp.emptyDir).toBeDefined();
    for (const c of allContainers(pod)) {
        expect(c.securityContext, c.name).toEqual({
            runAsNonRoot: true,
            runAsUser: 1001,
            runAsGroup: 1001,
            allowPrivilegeEscalation: false,
            privileged: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
        });
        expect(c.volumeMounts, c.name).toContainEqual({ name: "tmp", mountPath: "/tmp" });
        expect(c.resources.requests, c.name).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
        expect(c.resources.limits, c.name).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
        expect(c.image, c.name).not.toMatch(/:latest$/);
    }
}

describe("the dev Kaze cell", () => {
    let d: Declared;
    beforeAll(async () => {
        d = await declare("dev");
    });

    it("the kaze namespace enforces the restricted Pod Security Standard and denies all traffic by default", () => {
        const ns = d.k8s("Namespace", "kaze");
        expect(ns.props.metadata.labels).toMatchObject({ "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/warn": "restricted", "pod-security.kubernetes.io/audit": "restricted" });
        const deny = d.k8s("NetworkPolicy", "default-deny", "kaze");
        expect(deny.props.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    });

    it.each(KAZE)("%s is one Deployment with a surge-only rolling update, spread over nodes", (w) => {
        const dep = d.k8s("Deployment", w, "kaze");
        expect(dep.props.spec.replicas).toBe(1);
        expect(dep.props.spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
        expect(dep.props.spec.selector).toEqual({ matchLabels: { "app.kubernetes.io/name": w } });
        const pod = podOf(d, w);
        expect(pod.terminationGracePeriodSeconds).toBe(30);
        expect(pod.topologySpreadConstraints).toEqual([{ maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { "app.kubernetes.io/name": w } } }]);
        expect(dep.props.metadata.labels).toMatchObject({ "agent-estate/cell": "kaze-dev", "app.kubernetes.io/name": w });
    });

    it.each(KAZE)("%s runs every container, init containers and sidecars included, with the restricted security context", (w) => {
        expectRestricted(podOf(d, w));
    });

    it.each(KAZE)("%s probes /health at startup and for liveness, /ready for readiness, on its service port", (w) => {
        const main = container(podOf(d, w), w);
        expect(main.ports[0]).toEqual({ name: "http", containerPort: PORTS[w], protocol: "TCP" });
        expect(main.startupProbe.httpGet).toEqual({ path: "/health", port: "http" });
        expect(main.livenessProbe.httpGet).toEqual({ path: "/health", port: "http" });
        expect(main.readinessProbe.httpGet).toEqual({ path: "/ready", port: "http" });
    });

    it.each(KAZE)("%s has no HPA and no PDB with one replica", (w) => {
        expect(() => d.k8s("HorizontalPodAutoscaler", w)).toThrow();
        expect(() => d.k8s("PodDisruptionBudget", w)).toThrow();
    });

    it.each(KAZE)("%s has a ClusterIP Service on its port and a ServiceAccount that does not automount", (w) => {
        const svc = d.k8s("Service", w, "kaze");
        expect(svc.props.spec.type).toBe("ClusterIP");
        expect(svc.props.spec.ports).toEqual([{ name: "http", port: PORTS[w], targetPort: "http", protocol: "TCP" }]);
        expect(svc.props.spec.selector).toEqual({ "app.kubernetes.io/name": w });
        const sa = d.k8s("ServiceAccount", serviceAccountName(w), "kaze");
        expect(sa.props.automountServiceAccountToken).toBe(false);
        const pod = podOf(d, w);
        expect(pod.serviceAccountName).toBe(serviceAccountName(w));
        expect(pod.automountServiceAccountToken).toBe(false);
    });

    it.each(KAZE)("%s waits for its ExternalSecret before its pods start", (w) => {
        const es = d.kind("ExternalSecret").find((r) => r.props.spec.target.name === workloadSecretName(w));
        if (!es) throw new Error(`no ExternalSecret delivers ${workloadSecretName(w)}`);
        expect(d.k8s("Deployment", w, "kaze").dependencies).toContain(es.urn);
    });

    it.each(KAZE)("%s reaches tailnet peers (OpenClaw) through the userspace sidecar's SOCKS5/HTTP proxy on localhost:1055, cluster names excepted", (w) => {
        const pod = podOf(d, w);
        const ts = container(pod, "tailscale");
        expect(envOf(ts, "TS_SOCKS5_SERVER")?.value).toBe("localhost:1055");
        expect(envOf(ts, "TS_OUTBOUND_HTTP_PROXY_LISTEN")?.value).toBe("localhost:1055");
        const main = container(pod, w);
        expect(envOf(main, "ALL_PROXY")?.value).toBe("socks5h://localhost:1055");
        expect(envOf(main, "HTTP_PROXY")?.value).toBe("http://localhost:1055");
        expect(envOf(main, "HTTPS_PROXY")?.value).toBe("http://localhost:1055");
        expect(envOf(main, "NO_PROXY")?.value?.split(",")).toEqual(expect.arrayContaining(["localhost", ".svc", ".cluster.local"]));
    });

    it.each(KAZE)("%s runs a tailscale sidecar in userspace, its auth key from the env Secret, its state in its own Secret", (w) => {
        const pod = podOf(d, w);
        const ts = container(pod, "tailscale");
        expect(envOf(ts, "TS_USERSPACE")?.value).toBe("true");
        expect(envOf(ts, "TS_KUBE_SECRET")?.value).toBe(tailscaleStateSecretName(w));
        expect(envOf(ts, "TS_AUTHKEY")?.valueFrom).toEqual({ secretKeyRef: { name: workloadSecretName(w), key: TAILSCALE_AUTHKEY } });
        // The API token is projected into the tailscale container only.
        expect(ts.volumeMounts).toContainEqual({ name: "tailscale-api-token", mountPath: "/var/run/secrets/kubernetes.io/serviceaccount", readOnly: true });
        for (const c of allContainers(pod).filter((x) => x.name !== "tailscale")) {
            expect((c.volumeMounts ?? []).map((m: Obj) => m.name)).not.toContain("tailscale-api-token");
        }
        expect(ts.livenessProbe.httpGet).toEqual({ path: "/healthz", port: 9002 });
    });

    it.each(KAZE)("%s may reach the API server's endpoint, where its tailscale sidecar keeps state, and no other control-plane address", (w) => {
        const egress = d.k8s("NetworkPolicy", w, "kaze").props.spec.egress as Obj[];
        const toApi = egress.filter((rule) => (rule.to ?? []).some((peer: Obj) => peer.ipBlock?.cidr === "10.30.0.10/32"));
        expect(toApi).toEqual([{ to: [{ ipBlock: { cidr: "10.30.0.10/32" } }], ports: [{ port: 6443, protocol: "TCP" }] }]);
    });

    it.each(KAZE)("%s has a Role that touches its tailscale state Secret by name, and creates Secrets", (w) => {
        const role = d.k8s("Role", serviceAccountName(w), "kaze");
        expect(role.props.rules).toEqual([
            { apiGroups: [""], resources: ["secrets"], resourceNames: [tailscaleStateSecretName(w)], verbs: ["get", "update", "patch"] },
            { apiGroups: [""], resources: ["secrets"], verbs: ["create"] },
        ]);
        const binding = d.k8s("RoleBinding", serviceAccountName(w), "kaze");
        expect(binding.props.roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: serviceAccountName(w) });
        expect(binding.props.subjects).toEqual([{ kind: "ServiceAccount", name: serviceAccountName(w), namespace: "kaze" }]);
    });

    it("the runtime clones its agent definitions in an init container and pulls them every 60 s, read-only at /agents/kaze-agent-ops", () => {
        const pod = podOf(d, "kaze-runtime");
        expect(pod.initContainers.map((c: Obj) => c.name)).toEqual(["git-sync-init"]);
        expect(pod.containers.map((c: Obj) => c.name)).toEqual(["kaze-runtime", "git-sync", "langfuse-mcp", "tailscale"]);
        const init = container(pod, "git-sync-init");
        const sidecar = container(pod, "git-sync");
        expect(envOf(init, "GITSYNC_ONE_TIME")?.value).toBe("true");
        expect(envOf(sidecar, "GITSYNC_PERIOD")?.value).toBe("60s");
        for (const c of [init, sidecar]) {
            expect(envOf(c, "GITSYNC_REPO")?.value).toBe("https://github.com/speedrun-ventures/kaze-agent-ops");
            expect(envOf(c, "GITSYNC_LINK")?.value).toBe("kaze-agent-ops");
            expect(envOf(c, "GITSYNC_PASSWORD")?.valueFrom).toEqual({ secretKeyRef: { name: "kaze-runtime-env", key: "GIT_SYNC_TOKEN" } });
            expect(c.volumeMounts).toContainEqual({ name: "agents", mountPath: "/git" });
        }
        expect(container(pod, "kaze-runtime").volumeMounts).toContainEqual({ name: "agents", mountPath: "/agents", readOnly: true });
    });

    it("the runtime serves langfuse-mcp on localhost:4101 over SSE, a port the Service does not expose", () => {
        const pod = podOf(d, "kaze-runtime");
        const mcp = container(pod, "langfuse-mcp");
        expect(mcp.ports).toEqual([{ name: "mcp", containerPort: 4101, protocol: "TCP" }]);
        expect(envOf(mcp, "MCP_TRANSPORT")?.value).toBe("sse");
        expect(envOf(mcp, "LANGFUSE_SECRET_KEY")?.valueFrom).toEqual({ secretKeyRef: { name: "kaze-runtime-env", key: "LANGFUSE_SECRET_KEY" } });
        expect(d.k8s("Service", "kaze-runtime").props.spec.ports.map((p: Obj) => p.port)).toEqual([4100]);
    });

    it("the runtime mounts a 5Gi workspace PVC at /workspace, unprotected in dev", () => {
        const pvc = d.k8s("PersistentVolumeClaim", "kaze-runtime-workspace", "kaze");
        expect(pvc.props.spec).toMatchObject({ accessModes: ["ReadWriteMany"], resources: { requests: { storage: "5Gi" } } });
        expect(pvc.protect).toBe(false);
        const pod = podOf(d, "kaze-runtime");
        expect(pod.volumes).toContainEqual({ name: "workspace", persistentVolumeClaim: { claimName: "kaze-runtime-workspace" } });
        expect(container(pod, "kaze-runtime").volumeMounts).toContainEqual({ name: "workspace", mountPath: "/workspace" });
    });

    it("the gateway mounts the runtime's workspace at /workspace, read-write (workspace_list clones into it), and has no PVC of its own", () => {
        const pod = podOf(d, "kaze-gateway");
        const vol = pod.volumes.find((v: Obj) => v.persistentVolumeClaim?.claimName === "kaze-runtime-workspace");
        expect(vol).toBeDefined();
        expect(vol.persistentVolumeClaim.readOnly).toBe(false);
        expect(container(pod, "kaze-gateway").volumeMounts).toContainEqual({ name: vol.name, mountPath: "/workspace", readOnly: false });
        expect(d.kind("PersistentVolumeClaim").map((p) => p.props.metadata.name)).not.toContain("kaze-gateway-workspace");
    });

    it("the runtime finds its peers through derived URLs in its ConfigMap", () => {
        const cm = d.k8s("ConfigMap", workloadConfigMapName("kaze-runtime"), "kaze");
        expect(cm.props.data).toMatchObject({
            KAZE_GATEWAY_URL: "http://kaze-gateway.kaze.svc.cluster.local:4200",
            KAZE_KNOWLEDGE_URL: "http://kaze-knowledge.kaze.svc.cluster.local:4300",
        });
        expect(container(podOf(d, "kaze-runtime"), "kaze-runtime").envFrom).toEqual([{ configMapRef: { name: "kaze-runtime-config" } }]);
    });

    it("the gateway receives WORKSPACE_DENY_REPOS from its ConfigMap and its provider keys from its Secret, by name", () => {
        const cm = d.k8s("ConfigMap", "kaze-gateway-config", "kaze");
        expect(cm.props.data.WORKSPACE_DENY_REPOS).toContain("speedrun-ventures/agent-estate");
        const main = container(podOf(d, "kaze-gateway"), "kaze-gateway");
        expect(envOf(main, "ANTHROPIC_API_KEY")?.valueFrom).toEqual({ secretKeyRef: { name: "kaze-gateway-env", key: "ANTHROPIC_API_KEY" } });
        // The tailscale auth key stays with the sidecar.
        expect(envOf(main, "TS_AUTHKEY")).toBeUndefined();
        expect((main.envFrom ?? []).some((e: Obj) => e.secretRef)).toBe(false);
    });

    it("knowledge reads DATABASE_URL from its Secret and may reach only the Postgres pooler on 5432 inside the cluster", () => {
        const main = container(podOf(d, "kaze-knowledge"), "kaze-knowledge");
        expect(envOf(main, "DATABASE_URL")?.valueFrom).toEqual({ secretKeyRef: { name: "kaze-knowledge-env", key: "DATABASE_URL" } });
        const np = d.k8s("NetworkPolicy", "kaze-knowledge", "kaze").props.spec;
        expect(np.egress).toContainEqual({
            to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "data" } }, podSelector: { matchLabels: { "cnpg.io/poolerName": "kaze-dev-pg-pooler-rw" } } }],
            ports: [{ port: 5432, protocol: "TCP" }],
        });
    });

    it("network paths: the runtime (and its cleanup job, which runs with its environment) reaches gateway and knowledge, which accept them and nothing else from the cluster", () => {
        const runtimePods = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kaze" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "kaze-runtime" } } };
        const cleanupPods = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kaze" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "kaze-runtime-workspace-cleanup" } } };
        const rt = d.k8s("NetworkPolicy", "kaze-runtime", "kaze").props.spec;
        expect(rt.policyTypes).toEqual(["Ingress", "Egress"]);
        expect(rt.ingress).toEqual([]);
        for (const [w, port] of [["kaze-gateway", 4200], ["kaze-knowledge", 4300]] as const) {
            expect(rt.egress).toContainEqual({ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kaze" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": w } } }], ports: [{ port, protocol: "TCP" }] });
            expect(d.k8s("NetworkPolicy", w, "kaze").props.spec.ingress).toEqual([
                { from: [runtimePods], ports: [{ port, protocol: "TCP" }] },
                { from: [cleanupPods], ports: [{ port, protocol: "TCP" }] },
            ]);
        }
    });

    it.each(KAZE)("%s may resolve DNS, and reaches the internet only on HTTPS/tailscale ports with private ranges excluded", (w) => {
        const np = d.k8s("NetworkPolicy", w, "kaze").props.spec;
        expect(np.egress[0]).toEqual({
            to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
            ports: [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }],
        });
        // Every address block but the API server's endpoint (checked on its own) is the internet minus private ranges.
        const external = np.egress.filter((r: Obj) => r.to[0].ipBlock && r.to[0].ipBlock.cidr !== "10.30.0.10/32");
        expect(external.length).toBeGreaterThan(0);
        for (const r of external) {
            expect(r.to[0].ipBlock).toEqual({ cidr: "0.0.0.0/0", except: PRIVATE_RANGES });
            for (const p of r.ports) expect([443, 3478, 41641]).toContain(p.port);
        }
    });

    it("the workspace cleanup CronJob is hardened, never overlaps, and mounts the shared workspace on any node", () => {
        const cj = d.k8s("CronJob", "kaze-runtime-workspace-cleanup", "kaze");
        expect(cj.props.spec.concurrencyPolicy).toBe("Forbid");
        const pod = cj.props.spec.jobTemplate.spec.template.spec;
        expectRestricted(pod);
        expect(pod.automountServiceAccountToken).toBe(false);
        expect(pod.containers[0].volumeMounts).toContainEqual({ name: "volume", mountPath: "/workspace" });
        expect(pod.affinity).toBeUndefined();
        expect(() => new CronJob(cj.props as never).validate()).not.toThrow();
        // Its own policy: no ingress, egress only to DNS.
        expect(d.k8s("NetworkPolicy", "kaze-runtime-workspace-cleanup", "kaze").props.spec.ingress).toEqual([]);
    });

    it("the token refresh CronJob gets the same hardening and only the key it needs", () => {
        const pod = d.k8s("CronJob", "kaze-gateway-token-refresh", "kaze").props.spec.jobTemplate.spec.template.spec;
        expectRestricted(pod);
        expect(pod.containers[0].env).toEqual([{ name: "GITHUB_TOKEN", valueFrom: { secretKeyRef: { name: "kaze-gateway-env", key: "GITHUB_TOKEN" } } }]);
    });

    it("images are pinned by tag, built from the registry and the pin", () => {
        expect(container(podOf(d, "kaze-runtime"), "kaze-runtime").image).toBe("ghcr.io/speedrun-ventures/kaze-runtime:3f2a9c1");
        expect(container(podOf(d, "kaze-runtime"), "git-sync").image).toMatch(/^registry\.k8s\.io\/git-sync\/git-sync:v4\.\d+\.\d+$/);
    });

    it("every Kubernetes object validates against its schema", () => {
        expect(validateKubernetesObjects(d.resources).errors).toEqual([]);
        for (const w of KAZE) expect(() => new Deployment(d.k8s("Deployment", w).props as never).validate()).not.toThrow();
    });
});

describe("the prod Kaze cell", () => {
    let d: Declared;
    beforeAll(async () => {
        d = await declare("prod");
    });

    it.each(KAZE)("%s's pods, which never call the API, get no egress to it", (w) => {
        const egress = JSON.stringify(d.k8s("NetworkPolicy", w, "kaze").props.spec.egress);
        expect(egress).not.toContain("6443");
    });

    it.each(KAZE)("%s's replicas keep their tailscale state in memory: no shared state Secret, no API token, no Role on Secrets", (w) => {
        const pod = podOf(d, w);
        const ts = container(pod, "tailscale");
        expect(envOf(ts, "TS_KUBE_SECRET")?.value).toBe("");
        expect(ts.volumeMounts).toEqual([{ name: "tmp", mountPath: "/tmp" }]);
        expect((pod.volumes ?? []).map((v: Obj) => v.name)).not.toContain("tailscale-api-token");
        expect(() => d.k8s("Role", serviceAccountName(w), "kaze")).toThrow(/no Role/);
    });

    it.each([
        ["kaze-runtime", 2, 6],
        ["kaze-gateway", 2, 6],
        ["kaze-knowledge", 2, 4],
    ] as const)("%s is autoscaled from %i to %i on CPU and memory, and the Deployment leaves replicas to the HPA", (w, min, max) => {
        expect(d.k8s("Deployment", w, "kaze").props.spec.replicas).toBeUndefined();
        const hpa = d.k8s("HorizontalPodAutoscaler", w, "kaze");
        expect(hpa.type).toBe("kubernetes:autoscaling/v2:HorizontalPodAutoscaler");
        expect(hpa.props.spec).toMatchObject({ scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: w }, minReplicas: min, maxReplicas: max });
        expect(hpa.props.spec.metrics).toEqual([
            { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
            { type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: 80 } } },
        ]);
        expect(hpa.props.spec.behavior.scaleUp.policies.length).toBeGreaterThan(0);
        expect(hpa.props.spec.behavior.scaleDown.stabilizationWindowSeconds).toBe(300);
    });

    it.each(KAZE)("%s has a PDB whose minAvailable stays below the HPA's minimum", (w) => {
        const pdb = d.k8s("PodDisruptionBudget", w, "kaze");
        const hpa = d.k8s("HorizontalPodAutoscaler", w, "kaze");
        expect(pdb.props.spec.minAvailable).toBe(1);
        expect(pdb.props.spec.minAvailable).toBeLessThan(hpa.props.spec.minReplicas);
        expect(pdb.props.spec.selector).toEqual({ matchLabels: { "app.kubernetes.io/name": w } });
    });

    it.each(KAZE)("%s runs every container with the restricted security context", (w) => {
        expectRestricted(podOf(d, w));
    });

    it.each(KAZE)("%s runs images pinned by tag and digest", (w) => {
        for (const c of allContainers(podOf(d, w))) expect(c.image, c.name).toMatch(/:[^/@]+@sha256:[a-f0-9]{64}$/);
    });

    it("the runtime's workspace is shared ReadWriteMany, protected and retained", () => {
        const pvc = d.k8s("PersistentVolumeClaim", "kaze-runtime-workspace", "kaze");
        expect(pvc.props.spec.accessModes).toEqual(["ReadWriteMany"]);
        expect(pvc.protect).toBe(true);
        expect(pvc.retainOnDelete).toBe(true);
        // Shared storage: the cleanup job may run on any node.
        const cj = d.k8s("CronJob", "kaze-runtime-workspace-cleanup", "kaze");
        expect(cj.props.spec.jobTemplate.spec.template.spec.affinity).toBeUndefined();
    });

    it("every Kubernetes object validates against its schema", () => {
        expect(validateKubernetesObjects(d.resources).errors).toEqual([]);
        for (const w of KAZE) expect(() => new Deployment(d.k8s("Deployment", w).props as never).validate()).not.toThrow();
    });
});

describe("AgentWorkload options a cell may turn on", () => {
    const devWorkloads = (): Record<string, Obj> => rawStackConfig("dev").values.workloads;

    it("metrics: a ServiceMonitor scrapes /metrics, and only Prometheus may reach the metrics port", async () => {
        const workloads = devWorkloads();
        workloads["kaze-gateway"].metrics = { path: "/metrics", port: 9464 };
        const d = await declare(stackConfig("dev", { set: { workloads } }));
        const sm = d.k8s("ServiceMonitor", "kaze-gateway", "kaze");
        expect(sm.props.apiVersion).toBe("monitoring.coreos.com/v1");
        expect(sm.props.spec.endpoints).toEqual([{ port: "metrics", path: "/metrics", interval: "30s", scrapeTimeout: "10s" }]);
        expect(sm.props.spec.selector).toEqual({ matchLabels: { "app.kubernetes.io/name": "kaze-gateway" } });
        const ingress = d.k8s("NetworkPolicy", "kaze-gateway", "kaze").props.spec.ingress;
        const scrape = ingress.find((r: Obj) => r.ports[0].port === 9464);
        expect(scrape.from[0].namespaceSelector.matchLabels["kubernetes.io/metadata.name"]).toBe("monitoring");
        expect(d.k8s("Service", "kaze-gateway").props.spec.ports.map((p: Obj) => p.name)).toEqual(["http", "metrics"]);
        expect(validateKubernetesObjects(d.resources).errors).toEqual([]);
    });

    it("sharedVolumes by workload: read-only unless it says it writes; a ReadWriteOnce workspace only when both workloads are pinned to one node", async () => {
        const workloads = devWorkloads();
        workloads["kaze-runtime"].workspace.accessMode = "ReadWriteOnce";
        workloads["kaze-runtime"].cronJobs = {};
        workloads["kaze-knowledge"].sharedVolumes = [{ workload: "kaze-runtime", mountPath: "/workspace" }];
        const raw = rawStackConfig("dev");
        raw.values.workloads = workloads;
        const unpinned = configErrorOf(parseCellConfig, raw);
        for (const w of ["kaze-gateway", "kaze-knowledge"]) {
            const problem = unpinned.problems.find((p) => p.key === `agent-estate:workloads.${w}.sharedVolumes[0].workload`);
            expect(problem?.message, unpinned.message).toMatch(/is ReadWriteOnce, attached to one node at a time.*set agent-estate:workloads\.kaze-runtime\.workspace\.accessMode to ReadWriteMany, or pin both with nodeSelector: \{ kubernetes\.io\/hostname: <node> \}/);
        }
        const pin = { "kubernetes.io/hostname": "kaze-dev-1" };
        for (const w of KAZE) workloads[w].nodeSelector = pin;
        const d = await declare(stackConfig("dev", { set: { workloads } }));
        for (const w of KAZE) expect(podOf(d, w).nodeSelector).toEqual(pin);
        const knowledge = podOf(d, "kaze-knowledge");
        expect(knowledge.volumes).toContainEqual({ name: "shared-0", persistentVolumeClaim: { claimName: "kaze-runtime-workspace", readOnly: true } });
        expect(container(knowledge, "kaze-knowledge").volumeMounts).toContainEqual({ name: "shared-0", mountPath: "/workspace", readOnly: true });
    });

    it("sharedVolumes by workload resolve through the reference model: a workload without a workspace, a StatefulSet's, another namespace's", () => {
        const problemAt = (edit: (w: Record<string, Obj>, v: Obj) => void, key: string) => {
            const raw = rawStackConfig("dev");
            edit(raw.values.workloads, raw.values);
            const e = configErrorOf(parseCellConfig, raw);
            const p = e.problems.find((x) => x.key === key);
            expect(p, e.message).toBeDefined();
            return p!.message;
        };
        const at = "agent-estate:workloads.kaze-gateway.sharedVolumes[0].workload";
        expect(problemAt((w) => (w["kaze-gateway"].sharedVolumes[0].workload = "kaze-knowledge"), at)).toMatch(/^points at the workspace of workload "kaze-knowledge", which this stack does not declare \(declared: kaze-runtime\); give workload "kaze-knowledge" a workspace/);
        expect(problemAt((w) => (w["kaze-gateway"].sharedVolumes[0].workload = "kaze-nowhere"), at)).toMatch(/which this stack does not declare/);
        expect(problemAt((w) => Object.assign(w["kaze-runtime"], { kind: "StatefulSet", cronJobs: {} }), at)).toMatch(/StatefulSet: its workspaces are one claim per pod/);
        expect(problemAt((w, v) => (v.namespaces.push({ name: "tools" }), (w["kaze-gateway"].namespace = "tools")), at)).toMatch(/a pod mounts claims of its own namespace only/);
        expect(problemAt((w) => (w["kaze-runtime"].workspace.accessMode = "ReadWriteOncePod"), at)).toMatch(/ReadWriteOncePod: one pod only/);
    });

    it("nodePort: the Service becomes a NodePort on that fixed port, for an F5 VIP", async () => {
        const workloads = devWorkloads();
        workloads["kaze-gateway"].nodePort = 30420;
        const d = await declare(stackConfig("dev", { set: { workloads } }));
        const svc = d.k8s("Service", "kaze-gateway", "kaze").props.spec;
        expect(svc.type).toBe("NodePort");
        expect(svc.ports[0]).toMatchObject({ port: 4200, nodePort: 30420 });
        expect(d.k8s("Service", "kaze-knowledge", "kaze").props.spec.type).toBe("ClusterIP");
    });

    it("kind StatefulSet: one workspace per pod from a claim template, a headless Service, replicas left to the HPA", async () => {
        const workloads = devWorkloads();
        workloads["kaze-runtime"] = { ...workloads["kaze-runtime"], kind: "StatefulSet", autoscaling: { minReplicas: 2, maxReplicas: 3 }, cronJobs: {} };
        // Per-pod workspaces are not shareable: the gateway mounts none of them.
        workloads["kaze-gateway"].sharedVolumes = [];
        const d = await declare(stackConfig("dev", { set: { workloads } }));
        expect(() => d.k8s("Deployment", "kaze-runtime")).toThrow();
        const sts = d.k8s("StatefulSet", "kaze-runtime", "kaze").props.spec;
        expect(sts.replicas).toBeUndefined();
        expect(sts.serviceName).toBe("kaze-runtime-headless");
        expect(sts.volumeClaimTemplates[0]).toMatchObject({ metadata: { name: "workspace" }, spec: { resources: { requests: { storage: "5Gi" } } } });
        expect(d.k8s("Service", "kaze-runtime-headless").props.spec.clusterIP).toBe("None");
        expect(d.k8s("HorizontalPodAutoscaler", "kaze-runtime").props.spec.scaleTargetRef.kind).toBe("StatefulSet");
        expect(d.k8s("PodDisruptionBudget", "kaze-runtime").props.spec.minAvailable).toBe(1);
        expectRestricted(sts.template.spec);
    });

    it("apiAccess: the main container gets a projected API token and a Role narrowed to the named objects", async () => {
        const workloads = devWorkloads();
        workloads["kaze-gateway"].apiAccess = [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "watch"], resourceNames: ["kaze-gateway-leader"] }];
        const d = await declare(stackConfig("dev", { set: { workloads } }));
        const main = container(podOf(d, "kaze-gateway"), "kaze-gateway");
        expect(main.volumeMounts).toContainEqual({ name: "kube-api-access", mountPath: "/var/run/secrets/kubernetes.io/serviceaccount", readOnly: true });
        expect(d.k8s("Role", "kaze-gateway").props.rules[0]).toEqual({ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "watch"], resourceNames: ["kaze-gateway-leader"] });
    });

    it("child names derive from the workload's name, so a refactor is an alias", () => {
        // Logical names: <workload>, <workload>-service, -sa, -role, -netpol, -hpa, -pdb, -workspace, -<cron job>.
        return declare("prod").then((d) => {
            const names = d.resources.filter((r) => r.urn.includes("agent-estate:workloads:")).map((r) => r.name);
            for (const n of ["kaze-runtime", "kaze-runtime-service", "kaze-runtime-identity-sa", "kaze-runtime-netpol", "kaze-runtime-hpa", "kaze-runtime-pdb", "kaze-runtime-workspace", "kaze-runtime-workspace-cleanup"]) expect(names).toContain(n);
        });
    });
});
