import { beforeAll, describe, expect, it } from "vitest";
import { parseCellConfig, RawStackConfig } from "../config/parse";
import { plan, PlanResult } from "../plan/plan";
import { configErrorOf, declare, rawStackConfig, stackConfig } from "./harness";

/** Seed 004: OpenClaw on the Nexus K3s cluster, as the `nexus` stack declares it. One plan serves every assertion of the first block. */

const NS = "nexus";
const W = "nexus-openclaw";
const PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "127.0.0.0/8"];

type Obj = { urn: string; type: string; props: Record<string, any>; dependencies: string[] };

describe("the nexus stack (seed 004)", () => {
    let result: PlanResult;
    const named = (k: string, name: string) => {
        const found = result.resources.find((r) => (r.props as any).kind === k && (r.props as any).metadata?.name === name);
        if (!found) throw new Error(`no ${k} ${name} is declared`);
        return found as Obj;
    };
    const pod = () => named("Deployment", W).props.spec.template;
    const main = () => pod().spec.containers.find((c: any) => c.name === W);

    beforeAll(async () => {
        result = await plan({ stack: "nexus" });
    });

    it("plans clean: exit 0, no mandatory violation, no schema error, every kind validated (Istio's included), no flow blocked", () => {
        expect(result.configError).toBeUndefined();
        expect(result.violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
        expect(result.schemaErrors).toEqual([]);
        expect(result.unvalidated).toEqual([]);
        expect(result.flows.blocked).toEqual([]);
        expect(result.exitCode).toBe(0);
    });

    it("runs nexus-openclaw on 8080 with the seed's resources, hardened: UID 1001, drop ALL, RuntimeDefault, read-only root", () => {
        const d = named("Deployment", W).props;
        expect(d.metadata.namespace).toBe(NS);
        expect(d.spec.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
        expect(pod().spec.terminationGracePeriodSeconds).toBe(30);
        expect(pod().spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1001, seccompProfile: { type: "RuntimeDefault" } });
        const c = main();
        expect(c.ports[0]).toMatchObject({ containerPort: 8080 });
        expect(c.resources).toEqual({ requests: { cpu: "1000m", memory: "2Gi" }, limits: { cpu: "4000m", memory: "8Gi" } });
        expect(c.securityContext).toMatchObject({ runAsUser: 1001, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
        expect(named("Service", W).props.spec.ports[0]).toMatchObject({ port: 8080, targetPort: "http" });
    });

    it("prefers to spread its replicas over nodes (preferred anti-affinity)", () => {
        const anti = pod().spec.affinity.podAntiAffinity;
        expect(anti.requiredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
        expect(anti.preferredDuringSchedulingIgnoredDuringExecution).toEqual([
            { weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { "app.kubernetes.io/name": W } }, topologyKey: "kubernetes.io/hostname" } },
        ]);
    });

    it("probes as the seed does: startup on /openclaw/health allowing 60 s, liveness every 30 s, readiness every 10 s", () => {
        const c = main();
        expect(c.startupProbe.httpGet.path).toBe("/openclaw/health");
        expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBe(60);
        expect(c.livenessProbe).toMatchObject({ httpGet: { path: "/openclaw/live" }, periodSeconds: 30 });
        expect(c.readinessProbe).toMatchObject({ httpGet: { path: "/openclaw/ready" }, periodSeconds: 10 });
    });

    it("mounts /tmp as a 1Gi emptyDir, /app/data (10Gi) and /app/logs as emptyDirs", () => {
        const volumes = Object.fromEntries(pod().spec.volumes.map((v: any) => [v.name, v]));
        expect(volumes.tmp.emptyDir).toEqual({ sizeLimit: "1Gi" });
        expect(volumes.data.emptyDir).toEqual({ sizeLimit: "10Gi" });
        expect(volumes.logs.emptyDir).toEqual({ sizeLimit: "1Gi" });
        const mounts = Object.fromEntries(main().volumeMounts.map((m: any) => [m.mountPath, m.name]));
        expect(mounts).toMatchObject({ "/tmp": "tmp", "/app/data": "data", "/app/logs": "logs" });
    });

    it("autoscales 2–5 on CPU 70 % and memory 80 %: up 100 % per 30 s, down 50 % per 60 s, with stabilization windows", () => {
        const hpa = named("HorizontalPodAutoscaler", W).props.spec;
        expect([hpa.minReplicas, hpa.maxReplicas]).toEqual([2, 5]);
        expect(hpa.metrics.map((m: any) => [m.resource.name, m.resource.target.averageUtilization])).toEqual([["cpu", 70], ["memory", 80]]);
        expect(hpa.behavior.scaleUp.policies).toEqual([{ type: "Percent", value: 100, periodSeconds: 30 }]);
        expect(hpa.behavior.scaleDown.policies).toEqual([{ type: "Percent", value: 50, periodSeconds: 60 }]);
        expect(hpa.behavior.scaleUp.stabilizationWindowSeconds).toBeGreaterThan(0);
        expect(hpa.behavior.scaleDown.stabilizationWindowSeconds).toBeGreaterThan(hpa.behavior.scaleUp.stabilizationWindowSeconds);
        expect(named("Deployment", W).props.spec.replicas).toBeUndefined();
        expect(named("PodDisruptionBudget", W).props.spec.minAvailable).toBe(1);
    });

    it("hands the pods the Nexus services, PostgreSQL (unified_nexus) and Redis in nexus-data, and the API keys from the api-keys Secret", () => {
        const env = named("ConfigMap", `${W}-config`).props.data;
        expect(env).toMatchObject({
            GRAPHRAG_ENHANCED_URL: "http://nexus-graphrag-enhanced:9051",
            GRAPHRAG_ENHANCED_WS_URL: "ws://nexus-graphrag-enhanced:9052",
            GRAPHRAG_URL: "http://nexus-graphrag:8090",
            MAGEAGENT_URL: "http://mageagent:8080",
            MAGEAGENT_WS_URL: "ws://mageagent:8081",
            POSTGRES_HOST: "nexus-postgres.nexus-data.svc.cluster.local",
            POSTGRES_DB: "unified_nexus",
            REDIS_URL: "redis://nexus-redis.nexus-data.svc.cluster.local:6379/0",
        });
        const secretEnv = Object.fromEntries(main().env.map((e: any) => [e.name, e.valueFrom?.secretKeyRef]));
        expect(secretEnv.ANTHROPIC_API_KEY).toEqual({ name: "api-keys", key: "ANTHROPIC_API_KEY" });
        expect(secretEnv.OPENROUTER_API_KEY).toEqual({ name: "api-keys", key: "OPENROUTER_API_KEY" });
        expect(secretEnv.POSTGRES_PASSWORD).toEqual({ name: "nexus-secrets", key: "POSTGRES_PASSWORD" });
        // Managed outside the program: referenced, never declared.
        expect(result.resources.filter((r) => ["api-keys", "nexus-secrets"].includes((r.props as any).metadata?.name))).toEqual([]);
    });

    it("carries its labels, annotations and the Prometheus scrape annotations Istio merges", () => {
        const d = named("Deployment", W).props;
        expect(pod().metadata.labels).toMatchObject({ version: "v1", "agent-estate/cell": "nexus", "app.kubernetes.io/name": W });
        expect(pod().metadata.annotations).toMatchObject({ "prometheus.io/scrape": "true", "prometheus.io/port": "8080", "prometheus.io/path": "/openclaw/metrics" });
        expect(d.metadata.annotations).toMatchObject({ "adverant.ai/plugin-id": W });
    });

    it("puts nexus in the mesh with sidecar injection, restricted (the Istio CNI runs)", () => {
        const ns = named("Namespace", NS).props.metadata.labels;
        expect(ns["istio-injection"]).toBe("enabled");
        expect(ns["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    });

    it("labels the shared nexus namespace without owning it, and closes only the cell's own pods there", () => {
        const ns = named("Namespace", NS);
        expect(ns.type).toBe("kubernetes:core/v1:NamespacePatch");
        expect(ns.props.metadata.annotations["agent-estate/shared-with"]).toMatch(/Nexus services/);
        const deny = result.resources.find((r) => (r.props as any).kind === "NetworkPolicy" && (r.props as any).metadata.name === "default-deny") as Obj;
        expect(deny.props.spec).toEqual({ podSelector: { matchLabels: { "agent-estate/cell": "nexus" } }, policyTypes: ["Ingress", "Egress"] });
        expect(pod().metadata.labels["agent-estate/cell"]).toBe("nexus");
    });

    it("resolves every flow it is handed (the Nexus services, PostgreSQL, Redis, istiod, the gateway in) and allows each", () => {
        const to = (t: string, port: number) => result.flows.flows.find((f) => f.to === t && f.port === port);
        for (const [t, port] of [["nexus/nexus-graphrag-enhanced", 9051], ["nexus/nexus-graphrag-enhanced", 9052], ["nexus/mageagent", 8081], ["nexus-data/nexus-postgres", 5432], ["nexus-data/nexus-redis", 6379], ["istio-system/istiod", 15012], [`${NS}/${W}`, 8080], ["internet", 80], ["internet", 443]] as const) {
            expect(to(t, port)?.status, `${t}:${port}`).toBe("allowed");
        }
        expect(result.flows.flows.filter((f) => f.status !== "allowed")).toEqual([]);
    });

    describe("the VirtualService", () => {
        const vs = () => named("VirtualService", W).props;
        it("serves the seed's hosts through its gateway and the mesh", () => {
            expect(vs().apiVersion).toBe("networking.istio.io/v1beta1");
            expect(vs().spec.hosts).toEqual([W, `${W}.${NS}.svc.cluster.local`, "api.adverant.ai"]);
            expect(vs().spec.gateways).toEqual(["istio-system/nexus-stack-gateway", "mesh"]);
        });
        it("has the six routes in the seed's order, WebSocket first, with their timeouts and retries", () => {
            const http = vs().spec.http;
            expect(http.map((r: any) => [r.name, r.timeout, r.retries?.attempts])).toEqual([
                ["websocket", "3600s", undefined],
                ["health", "5s", undefined],
                ["metrics", "10s", undefined],
                ["ui", "30s", 3],
                ["api", "300s", 3],
                ["docs", "10s", undefined],
            ]);
            expect(http[0].match[0]).toEqual({ uri: { prefix: "/openclaw/ws" }, headers: { upgrade: { regex: "websocket|WebSocket" } } });
            expect(http[3].match[0].uri).toEqual({ prefix: "/openclaw/ui" });
            expect(http[4].match[0].uri).toEqual({ prefix: "/openclaw/api/v1" });
            for (const r of http) expect(r.route).toEqual([{ destination: { host: `${W}.${NS}.svc.cluster.local`, port: { number: 8080 } } }]);
        });
        it("allows every origin with credentials for 24 h on the WebSocket, UI and API routes; the API exposes its rate-limit headers", () => {
            const http = vs().spec.http;
            for (const i of [0, 3, 4]) expect(http[i].corsPolicy).toMatchObject({ allowOrigins: [{ regex: ".*" }], allowCredentials: true, maxAge: "24h" });
            expect(http[4].corsPolicy.exposeHeaders).toEqual(expect.arrayContaining(["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"]));
        });
    });

    it("has a DestinationRule with the seed's pool, load balancing, circuit breaker, mTLS and subsets", () => {
        const dr = named("DestinationRule", W).props.spec;
        expect(dr.host).toBe(`${W}.${NS}.svc.cluster.local`);
        const { connectionPool, loadBalancer, outlierDetection, tls } = dr.trafficPolicy;
        expect(connectionPool.tcp).toMatchObject({ maxConnections: 200, connectTimeout: "30s" });
        expect(connectionPool.tcp.tcpKeepalive).toBeDefined();
        expect(connectionPool.http).toEqual({ http1MaxPendingRequests: 100, http2MaxRequests: 200, maxRequestsPerConnection: 10, idleTimeout: "3600s", h2UpgradePolicy: "UPGRADE" });
        expect(loadBalancer).toEqual({ simple: "ROUND_ROBIN", localityLbSetting: { enabled: true } });
        expect(outlierDetection).toMatchObject({ consecutive5xxErrors: 5, baseEjectionTime: "30s", maxEjectionPercent: 50, splitExternalLocalOriginErrors: true, consecutiveGatewayErrors: 5, consecutiveLocalOriginFailures: 5 });
        expect(tls).toEqual({ mode: "ISTIO_MUTUAL" });
        expect(dr.subsets.map((s: any) => s.name)).toEqual(["v1", "canary"]);
    });

    describe("the NetworkPolicy", () => {
        const np = () => named("NetworkPolicy", W).props.spec;
        const ingressFrom = (ns: string) => np().ingress.filter((r: any) => r.from[0].namespaceSelector?.matchLabels["kubernetes.io/metadata.name"] === ns);
        const egressTo = (ns: string) => np().egress.filter((r: any) => r.to[0].namespaceSelector?.matchLabels["kubernetes.io/metadata.name"] === ns);
        const ports = (rules: any[]) => rules.flatMap((r) => r.ports.map((p: any) => p.port)).sort((a: number, b: number) => a - b);

        it("lets in the Istio ingress gateway, the Nexus services and Prometheus (app port, and the sidecar's merged metrics)", () => {
            expect(ingressFrom("istio-system")).toEqual([{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "istio-system" } }, podSelector: { matchLabels: { istio: "ingressgateway" } } }], ports: [{ port: 8080, protocol: "TCP" }] }]);
            expect(ingressFrom("nexus").map((r: any) => r.from[0].podSelector.matchLabels)).toEqual(expect.arrayContaining([{ app: "nexus-gateway" }, { app: "mageagent" }]));
            expect(ports(ingressFrom("observability"))).toEqual([8080, 15020]);
        });

        it("lets out DNS, nexus-data on 5432 and 6379, the Nexus services on their ports", () => {
            expect(ports(egressTo("kube-system"))).toEqual([53, 53]);
            expect(ports(egressTo("nexus-data"))).toEqual([5432, 6379]);
            expect(ports(egressTo("nexus").filter((r: any) => r.to[0].podSelector.matchLabels.app !== undefined))).toEqual([8080, 8080, 8080, 8080, 8081, 8090, 8091, 9051, 9052]);
        });

        it("lets every pod of the cell in nexus reach istiod on 15012, whatever declared it (an injected sidecar needs it to start)", () => {
            const mesh = result.resources.find((r) => (r.props as any).kind === "NetworkPolicy" && (r.props as any).metadata.name === "istio-sidecar") as Obj;
            expect(mesh.props.metadata.namespace).toBe(NS);
            expect(mesh.props.spec).toEqual({
                podSelector: { matchLabels: { "agent-estate/cell": "nexus" } },
                policyTypes: ["Egress"],
                egress: [{ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "istio-system" } }, podSelector: { matchLabels: { app: "istiod" } } }], ports: [{ port: 15012, protocol: "TCP" }] }],
            });
        });

        it("lets out HTTPS 443 and HTTP 80 to the internet only, the private ranges excluded", () => {
            const internet = np().egress.filter((r: any) => r.to[0].ipBlock?.cidr === "0.0.0.0/0");
            expect(internet.map((r: any) => r.ports.map((p: any) => p.port))).toEqual(expect.arrayContaining([[80], [443]]));
            for (const r of internet) expect(r.to[0].ipBlock.except).toEqual(expect.arrayContaining(PRIVATE));
            expect(result.violations.filter((v) => v.policy === "internet-egress-excludes-private")).toEqual([]);
        });

        it("lets the replicas talk to one another on 8080", () => {
            const self = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": NS } }, podSelector: { matchLabels: { "app.kubernetes.io/name": W } } };
            expect(np().ingress).toContainEqual({ from: [self], ports: [{ port: 8080, protocol: "TCP" }] });
            expect(np().egress).toContainEqual({ to: [self], ports: [{ port: 8080, protocol: "TCP" }] });
        });
    });

    it("reads named Secrets and ConfigMaps by get, lists services, endpoints and pods, and gets pods/log, in its namespace only", () => {
        const role = named("Role", W).props;
        expect(role.metadata.namespace).toBe(NS);
        expect(role.rules).toEqual([
            { apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: ["nexus-secrets", "api-keys", "database-credentials"] },
            { apiGroups: [""], resources: ["configmaps"], verbs: ["get"], resourceNames: ["nexus-config", "openclaw-config"] },
            { apiGroups: [""], resources: ["services", "endpoints", "pods"], verbs: ["get", "list"] },
            { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
        ]);
        expect(result.resources.filter((r) => (r.props as any).kind === "ClusterRole")).toEqual([]);
    });

    it("runs its own build from localhost:5000, tagged with the build id and pinned by digest", () => {
        expect(main().image).toMatch(/^localhost:5000\/nexus-openclaw:nexus-openclaw-20260131-a1b2c3d4@sha256:[0-9a-f]{64}$/);
        expect(result.violations.filter((v) => v.policy.startsWith("image-"))).toEqual([]);
    });
});

describe("the nexus stack's configuration errors", () => {
    const nexusRaw = () => rawStackConfig("nexus");
    const problems = (raw: RawStackConfig) => configErrorOf(parseCellConfig, raw);
    const expectProblem = (raw: RawStackConfig, key: string, says: RegExp) => {
        const error = problems(raw);
        expect(error.message).toMatch(/^Stack "nexus" has \d+ configuration errors?; nothing was declared:/);
        const problem = error.problems.find((p) => p.key === key);
        expect(problem, `${key} in ${error.message}`).toBeDefined();
        expect(problem!.message).toMatch(says);
    };
    const workload = (raw: RawStackConfig) => (raw as any).values.workloads[W];

    it("refuses restricted for a sidecar mesh without the Istio CNI (istio-init would not be admitted), naming the namespace's level", () => {
        const raw = nexusRaw();
        (raw as any).values.mesh.istioCni = false;
        expectProblem(raw, "agent-estate:namespaces[0].podSecurity.level", /is "restricted", which would not admit the mesh's pods: .*istio-init.*NET_ADMIN.*only "privileged"/);
    });

    it("accepts privileged with its reason for a sidecar mesh without the CNI", () => {
        const raw = nexusRaw();
        (raw as any).values.mesh.istioCni = false;
        (raw as any).values.namespaces[0].podSecurity = { level: "privileged", reason: "istio-init redirects traffic with NET_ADMIN and NET_RAW, the cluster has no Istio CNI" };
        expect(() => parseCellConfig(raw)).not.toThrow();
    });

    it("refuses the ambient data plane without the Istio CNI", () => {
        const raw = nexusRaw();
        Object.assign((raw as any).values.mesh, { dataPlane: "ambient", istioCni: false });
        expectProblem(raw, "agent-estate:mesh.istioCni", /ambient data plane runs on the Istio CNI/);
    });

    it("refuses a meshed namespace the cell does not have, and routing for a workload outside the mesh", () => {
        const raw = nexusRaw();
        (raw as any).values.mesh.namespaces = ["nexus-data"];
        const error = problems(raw);
        expect(error.problems.map((p) => p.key)).toEqual(expect.arrayContaining(["agent-estate:mesh.namespaces[0]", `agent-estate:workloads.${W}.mesh`]));
    });

    it("refuses a VirtualService bound to an Istio Gateway the mesh section does not name", () => {
        const raw = nexusRaw();
        workload(raw).mesh.virtualService.gateways = ["istio-system/nexus-gateway", "mesh"];
        expectProblem(raw, `agent-estate:workloads.${W}.mesh.virtualService.gateways[0]`, /"istio-system\/nexus-gateway" is not an Istio Gateway of agent-estate:mesh.gateways \(istio-system\/nexus-stack-gateway\)/);
    });

    it("refuses a VirtualService field Istio does not have, a wrong type and an unknown enum value, at their keys", () => {
        const raw = nexusRaw();
        const w = workload(raw);
        w.mesh.virtualService.http[0].timeOut = "3600s";
        w.mesh.virtualService.http[1].timeout = 5;
        w.mesh.destinationRule.trafficPolicy.loadBalancer.simple = "ROUND_ROBINN";
        const error = problems(raw);
        const at = (k: string) => error.problems.find((p) => p.key === `agent-estate:workloads.${W}.mesh.${k}`)?.message;
        expect(at("virtualService.http[0].timeOut")).toMatch(/unknown field "timeOut"; the fields here are .*"timeout"/);
        expect(at("virtualService.http[1].timeout")).toMatch(/Istio's VirtualService schema: must be string/);
        expect(at("destinationRule.trafficPolicy.loadBalancer.simple")).toMatch(/must be equal to one of the allowed values \(.*"ROUND_ROBIN"/);
    });

    it("refuses a duration Envoy would not parse and a subset the DestinationRule does not define", () => {
        const raw = nexusRaw();
        const w = workload(raw);
        w.mesh.virtualService.http[0].timeout = "1 hour";
        w.mesh.virtualService.http[4].route = [{ destination: { host: `${W}.${NS}.svc.cluster.local`, subset: "v2" } }];
        expectProblem(raw, `agent-estate:workloads.${W}.mesh.virtualService.http[0].timeout`, /"1 hour" is not a duration/);
        expectProblem(raw, `agent-estate:workloads.${W}.mesh.virtualService.http[4].route[0].destination.subset`, /"v2" is not a subset of the workload's destinationRule \(v1, canary\)/);
    });

    it("refuses a reference to a Secret the cell does not know, or a key it does not hold", () => {
        const raw = nexusRaw();
        const w = workload(raw);
        w.secretRefs.VOYAGE_API_KEY = { secret: "voyage-keys" };
        w.secretRefs.JWT = { secret: "nexus-secrets" };
        expectProblem(raw, `agent-estate:workloads.${W}.secretRefs.VOYAGE_API_KEY.secret`, /"voyage-keys" is not a Secret of agent-estate:existingSecrets or vault.secrets \(nexus-secrets, api-keys\)/);
        expectProblem(raw, `agent-estate:workloads.${W}.secretRefs.JWT`, /"JWT" is not a key of Secret "nexus-secrets"/);
    });

    it("refuses an except block outside its CIDR, an emptyDir on a taken path or name, a peer naming the workload itself", () => {
        const raw = nexusRaw();
        const w = workload(raw);
        const http = w.network.egressTo.findIndex((p: any) => p.cidr === "0.0.0.0/0");
        w.network.egressTo[http] = { cidr: "203.0.113.0/24", except: ["10.0.0.0/8"], ports: [80] };
        w.emptyDirs.logs.mountPath = "/tmp";
        w.emptyDirs.tmp = { mountPath: "/scratch" };
        w.network.ingressFrom.push({ workload: W });
        expectProblem(raw, `agent-estate:workloads.${W}.network.egressTo[${http}].except[0]`, /"10.0.0.0\/8" is not inside 203.0.113.0\/24/);
        expectProblem(raw, `agent-estate:workloads.${W}.emptyDirs.logs.mountPath`, /\/tmp is already mounted/);
        expectProblem(raw, `agent-estate:workloads.${W}.emptyDirs.tmp`, /name of a volume the pod already has/);
        expectProblem(raw, `agent-estate:workloads.${W}.network.ingressFrom[4].workload`, /set network.betweenReplicas: true/);
    });

    it("refuses a Service the cell does not run in a namespace the cell owns (its default deny would cut it off)", () => {
        const raw = nexusRaw();
        delete (raw as any).values.namespaces[0].sharedWith;
        expectProblem(raw, "agent-estate:clusterServices.nexus-auth.namespace", /"nexus" is a namespace the cell owns.*sharedWith/);
    });

    it("accepts build-id tags only as this cell's images.buildTags describes them, never latest", () => {
        const raw = nexusRaw();
        (raw as any).values.images.pins[W].tag = "nexus-openclaw-latest";
        expectProblem(raw, `agent-estate:images.pins.${W}.tag`, /not a pinned tag; .* or a build id matching images.buildTags/);
        const loose = nexusRaw();
        (loose as any).values.images.buildTags = "^.*$";
        expectProblem(loose, "agent-estate:images.buildTags", /matches the floating tag\(s\) "latest"/);
        const unanchored = nexusRaw();
        (unanchored as any).values.images.buildTags = "nexus-openclaw-[0-9]{8}";
        expectProblem(unanchored, "agent-estate:images.buildTags", /anchored at both ends/);
    });
});

describe("the nexus stack with Vault: the same Secret references, delivered by External Secrets", () => {
    it("declares an ExternalSecret for api-keys and nexus-secrets, and the Deployment reads them as before, after them", async () => {
        const raw = rawStackConfig("nexus");
        const existing = raw.values.existingSecrets as Record<string, { namespace: string; keys: string[] }>;
        const pem = (rawStackConfig("rooster").values.vault as { kubernetesCaCert: string }).kubernetesCaCert;
        const d = await declare(
            stackConfig("nexus", {
                remove: ["existingSecrets"],
                set: {
                    kubernetes: { ...raw.values.kubernetes, apiServer: "https://157.173.102.118:6443" },
                    vault: { address: "https://vault.adverant.ai:8200", kubernetesCaCert: pem, secrets: Object.fromEntries(Object.entries(existing).map(([n, e]) => [n, { namespace: e.namespace, keys: e.keys }])) },
                    addons: { externalSecrets: { chart: { repo: "https://charts.external-secrets.io", chart: "external-secrets", version: "0.10.7" } } },
                },
                secrets: { vaultToken: "v1:opaque" },
            }),
        );
        const es = d.k8s("ExternalSecret", "api-keys", NS);
        expect(es.props.spec.target.name).toBe("api-keys");
        const deployment = d.k8s("Deployment", W);
        const env = Object.fromEntries(deployment.props.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.valueFrom?.secretKeyRef]));
        expect(env.ANTHROPIC_API_KEY).toEqual({ name: "api-keys", key: "ANTHROPIC_API_KEY" });
        expect(deployment.dependencies).toEqual(expect.arrayContaining([es.urn, d.k8s("ExternalSecret", "nexus-secrets", NS).urn]));
    });
});

describe("the nexus stack on the ambient data plane", () => {
    it("labels the namespace for ambient, needs no istiod egress from the pods, and opens HBONE (15008) beside every pod peer's ports", async () => {
        const raw = rawStackConfig("nexus");
        const d = await declare(stackConfig("nexus", { set: { mesh: { ...(raw.values.mesh as object), dataPlane: "ambient" } } }));
        const labels = d.k8s("Namespace", NS).props.metadata.labels;
        expect(labels["istio.io/dataplane-mode"]).toBe("ambient");
        expect(labels["istio-injection"]).toBeUndefined();
        const np = d.k8s("NetworkPolicy", W).props.spec;
        const ns = (r: any) => r.namespaceSelector?.matchLabels["kubernetes.io/metadata.name"];
        expect(np.egress.filter((r: any) => ns(r.to[0]) === "istio-system")).toEqual([]);
        expect(d.kind("NetworkPolicy").filter((r) => r.props.metadata.name === "istio-sidecar")).toEqual([]);
        const gateway = np.ingress.find((r: any) => ns(r.from[0]) === "istio-system");
        expect(gateway.ports.map((p: any) => p.port)).toEqual([8080, 15008]);
        const redis = np.egress.find((r: any) => ns(r.to[0]) === "nexus-data" && r.to[0].podSelector.matchLabels.app === "nexus-redis");
        expect(redis.ports.map((p: any) => p.port)).toEqual([6379, 15008]);
        // Addresses outside the pod network are not in the mesh.
        expect(np.egress.find((r: any) => r.to[0].ipBlock?.cidr === "157.173.102.118/32").ports).toEqual([{ port: 6443, protocol: "TCP" }]);
    });
});

describe("Postgres identifiers", () => {
    it("a database named unified_nexus is a good name (a Postgres identifier, not a DNS label); one with a dash is not", () => {
        const raw = rawStackConfig("dev");
        (raw as any).values.postgres.database.name = "unified_nexus";
        expect(parseCellConfig(raw).postgres?.database.name).toBe("unified_nexus");
        (raw as any).values.postgres.database.name = "unified-nexus";
        const problem = configErrorOf(parseCellConfig, raw).problems.find((p) => p.key === "agent-estate:postgres.database.name");
        expect(problem?.message).toMatch(/must be a PostgreSQL identifier/);
    });
});
