import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { resolveFamily } from "../config/family";
import { parseCellConfig } from "../config/parse";
import { plan } from "../plan/plan";
import { configErrorOf, Declared, declare, rawStackConfig, ROOT } from "./harness";

type Obj = Record<string, any>;
const STACKS = ["alfred-dev", "alfred-staging", "alfred-prod"] as const;
const HOSTS = {
    "alfred-dev": ["api.dev.alfred-platform.example.com", "ui.dev.alfred-platform.example.com"],
    "alfred-staging": ["api.staging.alfred-platform.example.com", "ui.staging.alfred-platform.example.com"],
    "alfred-prod": ["api.alfred-platform.example.com", "ui.alfred-platform.example.com"],
} as const;
const NS = "alfred-platform";

const main = (d: Declared, kind: string, name: string): Obj => d.k8s(kind, name, NS).props.spec.template.spec.containers[0];
const envFrom = (c: Obj, name: string): Obj | undefined => (c.env ?? []).find((e: Obj) => e.name === name);
const configOf = (d: Declared, w: string): Obj => d.k8s("ConfigMap", `${w}-config`, NS).props.data;

/** The problems of a stack after `change` to its own (override) values, as "key: message". */
function problems(stack: string, change: (v: Obj) => void): string[] {
    const raw = rawStackConfig(stack);
    change(raw.values);
    return configErrorOf((r) => parseCellConfig(resolveFamily(r)), raw).problems.map((p) => `${p.key}: ${p.message}`);
}

describe.each(STACKS)("%s (seed 003)", (stack) => {
    let d: Declared;
    beforeAll(async () => {
        d = await declare(stack);
    });

    it("plans clean: exit 0, no mandatory violation, no schema error, nothing unvalidated, every flow allowed", async () => {
        const r = await plan({ stack });
        expect(r.configError).toBeUndefined();
        expect(r.exitCode).toBe(0);
        expect(r.violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
        expect(r.schemaErrors).toEqual([]);
        expect(r.unvalidated).toEqual([]);
        expect(r.flows.blocked).toEqual([]);
        expect(r.flows.unusedRules).toEqual([]);
        expect(r.environment).toBe(stack.replace("alfred-", ""));
    });

    it("agent-core serves 8011 with the seed's probes: /health, initial delays 30 s / 5 s, periods 10 s / 5 s, no startup probe", () => {
        const c = main(d, "Deployment", "agent-core");
        expect(c.ports[0]).toMatchObject({ containerPort: 8011 });
        expect(c.livenessProbe).toMatchObject({ httpGet: { path: "/health" }, initialDelaySeconds: 30, periodSeconds: 10 });
        expect(c.readinessProbe).toMatchObject({ httpGet: { path: "/health" }, initialDelaySeconds: 5, periodSeconds: 5 });
        expect(c.startupProbe).toBeUndefined();
        expect(d.k8s("Service", "agent-core", NS).props.spec.ports[0].port).toBe(8011);
    });

    it("agent-core's env comes from its ConfigMap and from alfred-secrets (database-url as ALFRED_DATABASE_URL), delivered from Vault", () => {
        const c = main(d, "Deployment", "agent-core");
        expect(envFrom(c, "ALFRED_DATABASE_URL")).toEqual({ name: "ALFRED_DATABASE_URL", valueFrom: { secretKeyRef: { name: "alfred-secrets", key: "database-url" } } });
        expect(c.envFrom).toEqual([{ configMapRef: { name: "agent-core-config" } }]);
        expect(configOf(d, "agent-core")).toMatchObject({ ALFRED_DB_NAME: "postgres", ALFRED_VECTOR_DB_URL: "http://vector-db.alfred-platform.svc.cluster.local:6333" });
        const es = d.k8s("ExternalSecret", "alfred-secrets", NS).props.spec;
        expect(es.target.name).toBe("alfred-secrets");
        expect(es.data.map((x: Obj) => x.secretKey).sort()).toEqual(["database-url", "db-password", "db-user", "jwt-secret", "openai-api-key"]);
    });

    it("the agent services, ui-chat (8501) and admin-ui run hardened, from pinned images, never :latest", () => {
        for (const w of ["agent-core", "agent-social", "agent-financial", "ui-chat", "admin-ui"]) {
            const pod = d.k8s("Deployment", w, NS).props.spec.template.spec;
            expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
            expect(pod.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
            expect(pod.containers[0].image).toMatch(stack === "alfred-dev" ? /^docker\.io\/alfred-platform\/[a-z-]+:2\.0\.0$/ : /^docker\.io\/alfred-platform\/[a-z-]+:2\.0\.0@sha256:[0-9a-f]{64}$/);
        }
        expect(main(d, "Deployment", "ui-chat").ports[0].containerPort).toBe(8501);
    });

    it("PostgreSQL, Redis and the vector DB are StatefulSets with volume claim templates behind headless Services, probed as their protocol allows", () => {
        const pg = d.k8s("StatefulSet", "postgres", NS).props.spec;
        expect(pg.template.spec.containers[0].image).toMatch(/^docker\.io\/supabase\/postgres:15\.1\.0\.117/);
        expect(pg.volumeClaimTemplates[0].spec).toMatchObject({ storageClassName: "standard", resources: { requests: { storage: "10Gi" } } });
        expect(pg.template.spec.containers[0].readinessProbe.exec.command[0]).toBe("pg_isready");
        expect(envFrom(pg.template.spec.containers[0], "POSTGRES_PASSWORD")).toEqual({ name: "POSTGRES_PASSWORD", valueFrom: { secretKeyRef: { name: "alfred-secrets", key: "db-password" } } });
        const vdb = d.k8s("StatefulSet", "vector-db", NS).props.spec;
        expect(vdb.volumeClaimTemplates[0].spec.resources.requests.storage).toBe("10Gi");
        expect(vdb.template.spec.containers[0].readinessProbe.httpGet).toEqual({ path: "/readyz", port: "service" });
        const redis = d.k8s("StatefulSet", "redis", NS).props.spec.template.spec.containers[0];
        expect(redis.livenessProbe.tcpSocket).toEqual({ port: "service" });
        for (const [svc, port] of [["postgres", 5432], ["redis", 6379], ["vector-db", 6333]] as const) {
            expect(d.k8s("Service", svc, NS).props.spec).toMatchObject({ clusterIP: "None", ports: [{ port }] });
            // The claims are protected where losing them loses data: prod.
            expect(d.k8s("StatefulSet", svc, NS).protect).toBe(stack === "alfred-prod");
        }
    });

    it("one Ingress through ingress-nginx: api → agent-core:8011, ui → ui-chat:8501, TLS alfred-platform-tls from letsencrypt-prod, hosts per environment", () => {
        const ing = d.k8s("Ingress", "alfred-platform", NS).props;
        const [api, ui] = HOSTS[stack];
        expect(ing.spec.ingressClassName).toBe("nginx");
        expect(ing.metadata.annotations["cert-manager.io/cluster-issuer"]).toBe("letsencrypt-prod");
        expect(ing.spec.tls).toEqual([{ hosts: [api, ui], secretName: "alfred-platform-tls" }]);
        const rules = Object.fromEntries(ing.spec.rules.map((r: Obj) => [r.host, r.http.paths.map((p: Obj) => `${p.path} ${p.backend.service.name}:${p.backend.service.port.number}`)]));
        expect(rules).toEqual({ [api]: ["/ agent-core:8011"], [ui]: ["/ ui-chat:8501"] });
        expect(d.release("ingress-nginx").props.namespace).toBe("ingress-nginx");
    });

    it("NetworkPolicies as the seed draws them: the data services take core and agents only; the controller reaches core and ui-chat; Prometheus scrapes", () => {
        const from = (policy: string) =>
            d.k8s("NetworkPolicy", policy, NS).props.spec.ingress.map((r: Obj) => `${r.from[0].namespaceSelector.matchLabels["kubernetes.io/metadata.name"]}/${Object.values(r.from[0].podSelector.matchLabels).join(",")}:${r.ports.map((p: Obj) => p.port).join(",")}`);
        for (const [data, port] of [["postgres", 5432], ["redis", 6379]] as const) {
            expect(from(data).sort()).toEqual([`${NS}/agent-core:${port}`, `${NS}/agent-financial:${port}`, `${NS}/agent-social:${port}`]);
        }
        expect(from("vector-db")).toContain("monitoring/prometheus:6333");
        expect(from("agent-core")).toEqual(expect.arrayContaining(["ingress-nginx/controller,ingress-nginx:8011", `${NS}/ui-chat:8011`, `${NS}/admin-ui:8011`, "monitoring/prometheus:8011"]));
        expect(from("ui-chat")).toEqual(["ingress-nginx/controller,ingress-nginx:8501"]);
    });

    it("the stack outputs each data service's in-cluster address", () => {
        expect(d.outputs.dataServices).toEqual({ postgres: "postgres.alfred-platform.svc.cluster.local:5432", redis: "redis.alfred-platform.svc.cluster.local:6379", "vector-db": "vector-db.alfred-platform.svc.cluster.local:6333" });
    });

    it("agent-core's Role: get/list on its own ConfigMap, get on alfred-secrets, each by name", () => {
        expect(d.k8s("Role", "agent-core", NS).props.rules).toEqual([
            { apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list"], resourceNames: ["agent-core-config"] },
            { apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: ["alfred-secrets"] },
        ]);
    });

    it("monitoring: a ServiceMonitor every 15 s on agent-core, and the platform dashboard from dashboards/alfred-platform.json", () => {
        expect(d.k8s("ServiceMonitor", "agent-core", NS).props.spec.endpoints[0]).toMatchObject({ path: "/metrics", interval: "15s" });
        const cm = d.k8s("ConfigMap", `${stack}-alfred-platform-dashboard`, "monitoring").props;
        expect(cm.metadata.labels.grafana_dashboard).toBe("1");
        expect(JSON.parse(cm.data[`${stack}-alfred-platform.json`])).toEqual(JSON.parse(fs.readFileSync(path.join(ROOT, "dashboards", "alfred-platform.json"), "utf8")));
    });
});

describe("Pub/Sub: the emulator in dev and staging, GCP in prod", () => {
    it.each(["alfred-dev", "alfred-staging"])("%s runs the emulator on 8085 and hands the agents PUBSUB_EMULATOR_HOST", async (stack) => {
        const d = await declare(stack);
        expect(main(d, "Deployment", "pubsub-emulator").ports[0].containerPort).toBe(8085);
        expect(configOf(d, "agent-core").PUBSUB_EMULATOR_HOST).toBe("pubsub-emulator.alfred-platform.svc.cluster.local:8085");
    });

    it("alfred-prod has no emulator: its agents reach https://pubsub.googleapis.com, a declared external endpoint", async () => {
        const d = await declare("alfred-prod");
        expect(() => d.k8s("Deployment", "pubsub-emulator")).toThrow();
        const env = configOf(d, "agent-core");
        expect(env.PUBSUB_EMULATOR_HOST).toBeUndefined();
        expect(env.ALFRED_PUBSUB_ENDPOINT).toBe("https://pubsub.googleapis.com");
    });

    it("the emulator's registry is allowed for alfred-dev and alfred-staging only", () => {
        const allowed = (env: string) => JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "config", `${env}.json`), "utf8"))["image-registry-allowlist"];
        expect(allowed("dev").cells["alfred-dev"]).toEqual(["gcr.io/google.com/cloudsdktool/google-cloud-cli"]);
        expect(allowed("staging").cells["alfred-staging"]).toEqual(["gcr.io/google.com/cloudsdktool/google-cloud-cli"]);
        expect(allowed("prod").cells["alfred-prod"]).toBeUndefined();
        for (const env of ["dev", "staging", "prod"]) expect(allowed(env).allowedRegistries).not.toContain("gcr.io");
    });
});

describe("scaling: dev and staging by replicas, prod by HPA", () => {
    it("alfred-dev runs one agent-core on the dev overlay's resources (100m/256Mi, 500m/512Mi), development and debug", async () => {
        const d = await declare("alfred-dev");
        expect(d.k8s("Deployment", "agent-core", NS).props.spec.replicas).toBe(1);
        expect(main(d, "Deployment", "agent-core").resources).toEqual({ requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } });
        expect(configOf(d, "agent-core")).toMatchObject({ ALFRED_ENVIRONMENT: "development", ALFRED_LOG_LEVEL: "debug" });
    });

    it("alfred-staging runs the base's three agent-core pods on 500m/512Mi, 1/1Gi, a PDB keeping two", async () => {
        const d = await declare("alfred-staging");
        expect(d.k8s("Deployment", "agent-core", NS).props.spec.replicas).toBe(3);
        expect(main(d, "Deployment", "agent-core").resources).toEqual({ requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } });
        expect(d.k8s("PodDisruptionBudget", "agent-core", NS).props.spec.minAvailable).toBe(2);
    });

    it("alfred-prod: agent-core HPA 3-10 on CPU 75 % and memory 75 %, replicas left to it, PDB minAvailable 2, scale-down slowed", async () => {
        const d = await declare("alfred-prod");
        const hpa = d.k8s("HorizontalPodAutoscaler", "agent-core", NS).props.spec;
        expect(hpa).toMatchObject({ minReplicas: 3, maxReplicas: 10, scaleTargetRef: { kind: "Deployment", name: "agent-core" } });
        expect(hpa.metrics.map((m: Obj) => `${m.resource.name} ${m.resource.target.averageUtilization}`)).toEqual(["cpu 75", "memory 75"]);
        expect(hpa.behavior.scaleDown).toEqual({ stabilizationWindowSeconds: 300, selectPolicy: "Min", policies: [{ type: "Pods", value: 1, periodSeconds: 60 }] });
        expect(d.k8s("Deployment", "agent-core", NS).props.spec.replicas).toBeUndefined();
        expect(d.k8s("PodDisruptionBudget", "agent-core", NS).props.spec).toMatchObject({ minAvailable: 2 });
    });
});

describe("the errors a user translating seed 003 meets", () => {
    it("the prod overlay's replicas: 5 beside the HPA is refused, saying why", () => {
        expect(problems("alfred-prod", (v) => (v.workloads["agent-core"].replicas = 5))).toEqual([
            expect.stringMatching(/^agent-estate:workloads\.agent-core\.replicas: is owned by the HPA when autoscaling is set: the HPA writes the replica count itself, .*\(they fight, and pods come and go\); remove replicas and set autoscaling\.minReplicas \(e\.g\. 5\) instead$/),
        ]);
    });

    it("an HTTP probe on a data service's TCP port (Redis as the seed's workloads probe everything) is refused", () => {
        expect(problems("alfred-dev", (v) => (v["dataServices"] = { "redis": { "probes+": { liveness: { httpGet: { path: "/health", port: 6379 } } } } }))).toEqual([
            expect.stringMatching(/^agent-estate:dataServices\.redis\.probes\.liveness\.httpGet: probes port 6379 over HTTP, but the service speaks redis there: the probe never succeeds and the pod never becomes Ready; use exec: \{ command: \["redis-cli", "ping"\] \} or tcpSocket: \{\}$/),
        ]);
    });

    it("the seed's selector { app: alfred-platform, component: agent-core } matches no pod the cell declares, and says which peer was meant", () => {
        const found = problems("alfred-dev", (v) => (v.workloads["ui-chat"] = { network: { egressTo: [{ namespace: NS, podSelector: { app: "alfred-platform", component: "agent-core" }, ports: [8011] }] } }));
        expect(found).toEqual([expect.stringMatching(/^agent-estate:workloads\.ui-chat\.network\.egressTo\[0\]\.podSelector: \{ app: alfred-platform, component: agent-core \} selects no pod the cell declares in namespace alfred-platform \(.*\), so the rule would allow nothing; did you mean \{ workload: agent-core \}\?$/)]);
    });

    it("an override naming a key the base does not have is refused with a did-you-mean; with + it adds", () => {
        expect(problems("alfred-staging", (v) => (v.workloads["agent-cor"] = { replicas: 2 }))).toEqual([
            'agent-estate:workloads.agent-cor: the family base families/alfred.yaml has no key "agent-cor" here (did you mean "agent-core"?); to add a key the base lacks, write it as "agent-cor+"',
        ]);
    });

    it("a route naming a host its Ingress does not serve is refused (a typo would silently route nothing)", () => {
        expect(problems("alfred-dev", (v) => (v.workloads["ui-chat"] = { ingress: [{ ingress: "alfred-platform", hosts: ["ui.alfred-platform.example.com"], paths: [{ path: "/" }] }] }))).toEqual([
            'agent-estate:workloads.ui-chat.ingress[0].hosts[0]: "ui.alfred-platform.example.com" is not a host of Ingress "alfred-platform" (api.dev.alfred-platform.example.com, ui.dev.alfred-platform.example.com); add it to agent-estate:ingresses.alfred-platform.hosts or name one of those',
        ]);
    });

    it("Supabase's four-part release 15.1.0.117 is a pin; latest is not", () => {
        expect(problems("alfred-dev", (v) => (v.images = { pins: { postgres: { tag: "latest" } } }))).toEqual([expect.stringMatching(/^agent-estate:images\.pins\.postgres\.tag: "latest" is not allowed: it floats/)]);
    });
});
