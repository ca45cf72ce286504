// The ai-agents platform (seed 002) as the cells ai-agents-dev and ai-agents-prod: the seed's facts, and
// the errors a team meets when it breaks a CRD instance, an Ingress backend or an operator rule.
import { beforeAll, describe, expect, it } from "vitest";
import { resolveFamily } from "../config/family";
import { parseCellConfig } from "../config/parse";
import { checkFlows } from "../plan/flows/check";
import { configErrorOf, declare, Declared, rawStackConfig } from "./harness";

const NS = "ai-agents";
const API = "ai-agents-api";
const APP = "ai-agents-app";
const EXECUTOR = "ai-agents-executor";
/** The labels the operator puts on its executor Jobs' pods. */
const EXECUTOR_PODS = { "app.kubernetes.io/part-of": "ai-agents", "app.kubernetes.io/component": "executor" };
const TRAEFIK = { "kubernetes.io/metadata.name": "traefik" };

/** An Ingress's paths as `path pathType → service:port`. */
function routes(ing: { props: Record<string, any> }): string[] {
    return ing.props.spec.rules[0].http.paths.map((p: any) => `${p.path} ${p.pathType} → ${p.backend.service.name}:${p.backend.service.port.number}`);
}

/** The namespaces and ports a NetworkPolicy lets in (or out), one string per rule. */
function peers(rules: any[], side: "from" | "to"): string[] {
    return rules.map((r) => {
        const p = r[side][0];
        const who = p.ipBlock ? p.ipBlock.cidr : `${p.namespaceSelector.matchLabels["kubernetes.io/metadata.name"]}/${Object.values(p.podSelector.matchLabels).join(",") || "*"}`;
        return `${who}:${r.ports.map((x: any) => x.port).join(",")}`;
    });
}

describe.each(["ai-agents-dev", "ai-agents-prod"])("%s", (stack) => {
    let d: Declared;
    beforeAll(async () => {
        d = await declare(stack);
    });

    it("declares the six labrats.work/v1alpha1 CRDs with structural schemas", () => {
        const crds = d.kind("CustomResourceDefinition").map((c) => c.props);
        expect(crds.map((c) => c.spec.names.kind).sort()).toEqual(["AiAgent", "AiConfig", "AiInstruction", "AiModel", "InferenceRequest", "WebhookSource"]);
        for (const c of crds) {
            expect(c.apiVersion).toBe("apiextensions.k8s.io/v1");
            expect(c.spec.group).toBe("labrats.work");
            expect(c.spec.versions.map((v: any) => v.name)).toEqual(["v1alpha1"]);
            expect(c.spec.versions[0].schema.openAPIV3Schema.type).toBe("object");
        }
        expect(d.k8s("CustomResourceDefinition", "aimodels.labrats.work").props.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.credentialsRef.required).toEqual(["name"]);
    });

    it("ships the 14 AiInstructions: six global ones by priority, eight local ones with their roles", () => {
        const byName = Object.fromEntries(d.kind("AiInstruction").map((i) => [i.props.metadata.name, i.props]));
        expect(Object.keys(byName)).toHaveLength(14);
        const globals = Object.values(byName).filter((i: any) => i.spec.type === "global").map((i: any) => [i.metadata.name, i.spec.priority]).sort((a: any, b: any) => a[1] - b[1]);
        expect(globals).toEqual([
            ["global-code-quality", 10],
            ["global-commit-format", 20],
            ["global-security", 30],
            ["global-documentation", 40],
            ["global-testing", 50],
            ["global-repo-compliance", 60],
        ]);
        expect(Object.fromEntries(Object.values(byName).filter((i: any) => i.spec.type === "local").map((i: any) => [i.metadata.name, i.spec.roles]))).toEqual({
            "local-developer-workflow": ["developer", "codex-developer"],
            "local-reviewer-checklist": ["reviewer", "codex-reviewer"],
            "local-docs-standards": ["docs"],
            "local-architect-design": ["architect"],
            "local-ops-runbook": ["ops"],
            "local-security-audit": ["security"],
            "local-triage-process": ["triage"],
            "local-testing-strategy": ["testing"],
        });
        for (const i of Object.values(byName) as any[]) expect(i.metadata.namespace).toBe(NS);
    });

    it("runs the API on 3001, the App on 3000, the Processor and the Webhook receiver, each with its Service", () => {
        const ports = Object.fromEntries(d.kind("Service").filter((s) => s.props.metadata.namespace === NS).map((s) => [s.props.metadata.name, s.props.spec.ports[0].port]));
        expect(ports).toEqual({ [API]: 3001, [APP]: 3000, "ai-agents-processor": 3001, "ai-agents-webhook": 3001 });
        expect(d.k8s("ConfigMap", "ai-agents-webhook-config", NS).props.data.WEBHOOK_SOURCE_NAME).toBe("github");
        expect(d.k8s("ConfigMap", `${API}-config`, NS).props.data).toMatchObject({ PORT: "3001", WORKER_CONCURRENCY: "5", WORKSPACE_DIR: "/workspace/jobs", ACCOUNTS_DIR: "/workspace/.accounts", UPLOADS_DIR: "/workspace/uploads" });
    });

    it("splits the Ingresses by auth: ai-agents-public without middleware, ai-agents-protected behind Authelia", () => {
        const pub = d.k8s("Ingress", "ai-agents-public", NS);
        expect(pub.props.metadata.annotations?.["traefik.ingress.kubernetes.io/router.middlewares"]).toBeUndefined();
        expect(routes(pub)).toEqual([
            `/api/events/ingest Exact → ${API}:3001`,
            `/api/jobs/submit Exact → ${API}:3001`,
            `/metrics Exact → ${API}:3001`,
            `/health Exact → ${API}:3001`,
            `/ready Exact → ${API}:3001`,
            "/api/webhooks/github Prefix → ai-agents-webhook:3001",
            `/api/webhooks Prefix → ${API}:3001`,
        ]);
        const prot = d.k8s("Ingress", "ai-agents-protected", NS);
        expect(prot.props.metadata.annotations["traefik.ingress.kubernetes.io/router.middlewares"]).toBe("authelia-authelia@kubernetescrd");
        expect(routes(prot)).toEqual([`/api Prefix → ${API}:3001`, `/ Prefix → ${APP}:3000`]);
        for (const ing of [pub, prot]) {
            expect(ing.props.spec.ingressClassName).toBe("traefik");
            expect(ing.props.metadata.annotations["cert-manager.io/cluster-issuer"]).toBe("letsencrypt");
            expect(ing.props.spec.tls).toEqual([{ hosts: [ing.props.spec.rules[0].host], secretName: `${ing.props.metadata.name}-tls` }]);
        }
        expect(d.release("traefik").props.values.providers.kubernetesCRD.allowCrossNamespace).toBe(true);
    });

    it("lets into the API only Traefik, the App, the webhook receivers, Prometheus and the client namespaces; out only DNS, HTTPS, Prometheus' API and the API server", () => {
        const np = d.k8s("NetworkPolicy", API, NS).props.spec;
        expect(peers(np.ingress, "from").sort()).toEqual(
            // The client namespaces as the seed names them: every pod of each.
            [`${NS}/${APP}:3001`, `${NS}/ai-agents-webhook:3001`, `${NS}/webhook,ai-agents:3001`, "github-ai-agents/*:3001", "reader-ai-agents/*:3001", "traefik/traefik:3001", "monitoring/prometheus:3001"].sort(),
        );
        expect(peers(np.egress, "to")).toEqual(["kube-system/kube-dns:53,53", "monitoring/prometheus:9090", "0.0.0.0/0:443", expect.stringMatching(/^10\.\d+\.0\.10\/32:6443$/)]);
        expect(np.ingress.find((r: any) => r.from[0].namespaceSelector?.matchLabels["kubernetes.io/metadata.name"] === "traefik").from[0].namespaceSelector.matchLabels).toEqual(TRAEFIK);
    });

    it("allows every flow the platform needs, on both ends: Traefik to each Ingress backend, the API to Prometheus (PROMETHEUS_URL), Prometheus to /metrics", () => {
        const report = checkFlows(d.resources);
        expect(report.blocked.map((f) => f.reason)).toEqual([]);
        expect(report.flows.filter((f) => f.status === "unresolved").map((f) => f.reason)).toEqual([]);
        const allowed = (from: string, to: string, port: number) => report.flows.find((f) => f.from === from && f.to === to && f.port === port)?.status;
        expect(allowed("traefik/ingress controller", `${NS}/${API}`, 3001)).toBe("allowed");
        expect(allowed("traefik/ingress controller", `${NS}/${APP}`, 3000)).toBe("allowed");
        expect(allowed("traefik/ingress controller", `${NS}/ai-agents-webhook`, 3001)).toBe("allowed");
        expect(allowed(`${NS}/${API}`, "monitoring/kube-prometheus-stack-prometheus", 9090)).toBe("allowed");
        expect(allowed(`${NS}/${API}-token-refresh (CronJob)`, "monitoring/kube-prometheus-stack-prometheus", 9090)).toBe("allowed");
        expect(allowed("monitoring/prometheus", `${NS}/${API}`, 3001)).toBe("allowed");
        expect(allowed(`${NS}/${APP}`, `${NS}/${API}`, 3001)).toBe("allowed");
    });

    it("lets into the App only Traefik, and out only to the API and DNS", () => {
        const np = d.k8s("NetworkPolicy", APP, NS).props.spec;
        expect(peers(np.ingress, "from")).toEqual(["traefik/traefik:3000"]);
        expect(peers(np.egress, "to")).toEqual(["kube-system/kube-dns:53,53", `${NS}/${API}:3001`]);
    });

    it("gives the operator a Role to reconcile its CRDs and run Jobs without names, and Secrets only by name", () => {
        const rules = d.k8s("Role", API, NS).props.rules;
        expect(rules.find((r: any) => r.apiGroups[0] === "batch")).toEqual({ apiGroups: ["batch"], resources: ["jobs"], verbs: ["get", "list", "watch", "create", "delete"] });
        expect(rules.find((r: any) => r.resources.includes("secrets"))).toEqual({ apiGroups: [""], resources: ["secrets"], verbs: ["get", "update", "patch"], resourceNames: ["github-app-credentials", "claude-credentials"] });
        expect(d.kind("ClusterRole")).toEqual([]);
    });

    it("delivers OIDC_CLIENT_SECRET, JWT_SECRET, SUBMIT_API_KEYS and github-app-credentials from Vault", () => {
        const env = d.k8s("ExternalSecret", API, NS).props.spec;
        expect(env.data.map((e: any) => e.secretKey).sort()).toEqual(["JWT_SECRET", "OIDC_CLIENT_SECRET", "SUBMIT_API_KEYS"]);
        expect(d.k8s("ExternalSecret", "github-app-credentials", NS).props.spec.target.name).toBe("github-app-credentials");
    });

    it("scrapes the API's /metrics with a ServiceMonitor, and runs the cleanup and token-refresh CronJobs", () => {
        const sm = d.k8s("ServiceMonitor", API, NS).props.spec;
        expect(sm.endpoints[0]).toMatchObject({ port: "http", path: "/metrics" });
        expect(sm.selector.matchLabels).toEqual({ "app.kubernetes.io/name": API });
        expect(d.kind("CronJob").map((c) => c.props.metadata.name).sort()).toEqual([`${API}-cleanup`, `${API}-token-refresh`]);
        for (const job of ["cleanup", "token-refresh"]) {
            const pod = d.k8s("CronJob", `${API}-${job}`, NS).props.spec.jobTemplate.spec.template.spec;
            // Both work on the workspace, with the API's environment.
            expect(pod.volumes.find((v: any) => v.persistentVolumeClaim)?.persistentVolumeClaim.claimName).toBe(`${API}-workspace`);
            expect(pod.containers[0].envFrom).toEqual([{ configMapRef: { name: `${API}-config` } }]);
        }
    });

    it("ships the Grafana dashboard: CPU and memory of every process, and whether the API's metrics target is up", () => {
        const board = d.k8s("ConfigMap", `${stack}-workloads-dashboard`, "monitoring");
        expect(board.props.metadata.labels.grafana_dashboard).toBe("1");
        const titles = JSON.parse(Object.values(board.props.data)[0] as string).panels.map((p: any) => p.title);
        for (const w of [API, APP, "ai-agents-processor", "ai-agents-webhook"]) expect(titles).toEqual(expect.arrayContaining([`${w}: CPU`, `${w}: memory`]));
        expect(titles).toContain(`${API}: metrics targets up`);
        expect(titles).not.toContain(`${APP}: metrics targets up`);
    });

    it("runs every process with the seed's security context: uid/gid/fsGroup 1001, non-root, no privilege escalation, all capabilities dropped", () => {
        for (const w of [API, APP, "ai-agents-processor", "ai-agents-webhook"]) {
            const pod = d.k8s("Deployment", w, NS).props.spec.template.spec;
            expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1001, runAsGroup: 1001, fsGroup: 1001 });
            expect(pod.containers[0].securityContext).toMatchObject({ allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ["ALL"] } });
        }
    });

    it("runs the platform's images from ghcr.io/labrats-work: semver tags in dev, digests in prod", () => {
        const image = d.k8s("Deployment", API, NS).props.spec.template.spec.containers[0].image as string;
        expect(image.startsWith("ghcr.io/labrats-work/apps.ai-agents:1.42.0")).toBe(true);
        if (stack.endsWith("prod")) expect(image).toMatch(/@sha256:[a-f0-9]{64}$/);
        else expect(image).toBe("ghcr.io/labrats-work/apps.ai-agents:1.42.0");
    });

    it("declares the executor Jobs' identity: ServiceAccount ai-agents-executor, a Role writing back claude-credentials by name, a NetworkPolicy on the operator's executor label", () => {
        const sa = d.k8s("ServiceAccount", EXECUTOR, NS).props;
        // The operator writes the Job spec, so the token comes with the ServiceAccount.
        expect(sa.automountServiceAccountToken).toBe(true);
        expect(d.k8s("Role", EXECUTOR, NS).props.rules).toEqual([{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "update", "patch"], resourceNames: ["claude-credentials"] }]);
        expect(d.k8s("RoleBinding", EXECUTOR, NS).props.subjects).toEqual([{ kind: "ServiceAccount", name: EXECUTOR, namespace: NS }]);
        const np = d.k8s("NetworkPolicy", EXECUTOR, NS).props.spec;
        expect(np.podSelector.matchLabels).toEqual(EXECUTOR_PODS);
        expect(np.ingress).toEqual([]);
        // The seed: the Kubernetes API (credential write-back), DNS, HTTPS to the AI provider and GitHub.
        expect(peers(np.egress, "to")).toEqual(["kube-system/kube-dns:53,53", "0.0.0.0/0:443", expect.stringMatching(/^10\.\d+\.0\.10\/32:6443$/)]);
        const flows = checkFlows(d.resources).flows.filter((f) => f.from === `${NS}/${EXECUTOR} (operator pods)`);
        expect(flows.map((f) => `${f.to}:${f.port} ${f.status}`).sort()).toEqual(["internet:443 allowed", "kube-system/kube-dns:53 allowed", "kubernetes.default.svc:443 allowed"]);
    });

    it("hands the API and the Processor UPLOADS_PVC_NAME, EXECUTOR_SERVICE_ACCOUNT and EXECUTOR_IMAGE derived from the objects the cell declares", () => {
        const executorImage = stack.endsWith("prod") ? /^ghcr\.io\/labrats-work\/apps\.ai-agents\/executor-claude:1\.42\.0@sha256:[a-f0-9]{64}$/ : /^ghcr\.io\/labrats-work\/apps\.ai-agents\/executor-claude:1\.42\.0$/;
        for (const w of [API, "ai-agents-processor"]) {
            const env = d.k8s("ConfigMap", `${w}-config`, NS).props.data;
            expect(env.UPLOADS_PVC_NAME).toBe(d.k8s("PersistentVolumeClaim", `${API}-workspace`, NS).props.metadata.name);
            expect(env.EXECUTOR_SERVICE_ACCOUNT).toBe(d.k8s("ServiceAccount", EXECUTOR, NS).props.metadata.name);
            expect(env.EXECUTOR_IMAGE).toMatch(executorImage);
        }
        // The release the API reports is its pin's tag; the OIDC callback is on the protected Ingress' host.
        const api = d.k8s("ConfigMap", `${API}-config`, NS).props.data;
        expect(api.APP_VERSION).toBe("1.42.0");
        expect(api.OIDC_REDIRECT_URI).toBe(`https://${d.k8s("Ingress", "ai-agents-protected", NS).props.spec.rules[0].host}/api/auth/callback`);
    });

    it("lets the receivers the API reconciles per WebhookSource in from Traefik and out to the API, and the API take them in", () => {
        const np = d.k8s("NetworkPolicy", "ai-agents-webhook-receivers", NS).props.spec;
        expect(np.podSelector.matchLabels).toEqual({ "app.kubernetes.io/part-of": "ai-agents", "app.kubernetes.io/component": "webhook" });
        expect(peers(np.ingress, "from")).toEqual(["traefik/traefik:3001"]);
        expect(peers(np.egress, "to")).toEqual(["kube-system/kube-dns:53,53", `${NS}/${API}:3001`]);
        expect(peers(d.k8s("NetworkPolicy", API, NS).props.spec.ingress, "from")).toContain(`${NS}/webhook,ai-agents:3001`);
        // No API rule: the receivers' ServiceAccount carries no token.
        expect(d.k8s("ServiceAccount", "ai-agents-webhook-receivers", NS).props.automountServiceAccountToken).toBe(false);
    });

    it("holds executor pods by admission to their ServiceAccount and uploads to read-only, and declares the models cache for local inference", () => {
        const vap = d.k8s("ValidatingAdmissionPolicy", `${NS}-${EXECUTOR}-pods`).props.spec;
        expect(vap.failurePolicy).toBe("Fail");
        expect(vap.matchConstraints.objectSelector.matchLabels).toEqual(EXECUTOR_PODS);
        expect(vap.matchConstraints.namespaceSelector.matchLabels).toEqual({ "kubernetes.io/metadata.name": NS });
        expect(vap.validations.map((v: any) => v.message)).toEqual([expect.stringContaining(`must run as ServiceAccount ${EXECUTOR}`), expect.stringContaining(`must mount PVC ${API}-workspace read-only`)]);
        expect(vap.validations[0].expression).toBe(`has(object.spec.serviceAccountName) && object.spec.serviceAccountName == '${EXECUTOR}'`);
        expect(d.k8s("ValidatingAdmissionPolicyBinding", `${NS}-${EXECUTOR}-pods`).props.spec.validationActions).toEqual(["Deny"]);
        // The receivers' ServiceAccount is the WebhookSourceWatcher's choice: nothing is pinned for them.
        expect(d.kind("ValidatingAdmissionPolicy").map((p) => p.props.metadata.name)).toEqual([`${NS}-${EXECUTOR}-pods`]);
        const cache = d.k8s("PersistentVolumeClaim", "ai-agents-models-cache", NS);
        expect(cache.props.spec.accessModes).toEqual([stack.endsWith("prod") ? "ReadWriteMany" : "ReadWriteOnce"]);
        expect(cache.protect).toBe(stack.endsWith("prod"));
    });

    it("keeps the workspace ReadWriteMany in prod (several API pods), ReadWriteOnce in single-replica dev", () => {
        const pvc = d.k8s("PersistentVolumeClaim", `${API}-workspace`, NS);
        expect(pvc.props.spec.accessModes).toEqual([stack.endsWith("prod") ? "ReadWriteMany" : "ReadWriteOnce"]);
        expect(pvc.protect).toBe(stack.endsWith("prod"));
    });
});

describe("ai-agents config errors, each naming stack and key", () => {
    const broken = (change: (v: Record<string, any>) => void) => {
        const raw = resolveFamily(rawStackConfig("ai-agents-dev"));
        const values = structuredClone(raw.values) as Record<string, any>;
        change(values);
        return configErrorOf(parseCellConfig, { ...raw, values });
    };

    it("an AiInstruction that breaks its CRD's schema", () => {
        const e = broken((v) => (v.customResources[0].spec.priority = "high"));
        expect(e.message).toContain('stack "ai-agents-dev", agent-estate:customResources[0].spec.priority: breaks the schema of AiInstruction (CRD aiinstructions.labrats.work): must be integer');
        const typo = broken((v) => (v.customResources[7].spec.type = "regional"));
        expect(typo.problems).toContainEqual({ key: "agent-estate:customResources[7].spec.type", message: expect.stringMatching(/must be equal to one of the allowed values \("global", "local"\)/) });
        const noRoles = broken((v) => delete v.customResources[8].spec.roles);
        expect(noRoles.problems.map((p) => p.key)).toContain("agent-estate:customResources[8].spec");
    });

    it("an Ingress path to a Service the cell does not declare", () => {
        const e = broken((v) => v.ingresses["ai-agents-public"].rules = [{ path: "/status", backend: { service: "ai-agents-status" } }]);
        expect(e.message).toContain('stack "ai-agents-dev", agent-estate:ingresses.ai-agents-public.rules[0].backend.service: "ai-agents-status" is not a Service the cell declares');
        const route = broken((v) => (v.workloads["ai-agents-app"].ingress[0].ingress = "ai-agents-privat"));
        expect(route.message).toContain('stack "ai-agents-dev", agent-estate:workloads.ai-agents-app.ingress[0].ingress: "ai-agents-privat" is not an Ingress of agent-estate:ingresses');
    });

    it("a whole client namespace let in without a reason", () => {
        const e = broken((v) => (v.workloads["ai-agents-api"].network.ingressFrom[0] = { namespace: "github-ai-agents", ports: [3001] }));
        expect(e.message).toContain('stack "ai-agents-dev", agent-estate:workloads.ai-agents-api.network.ingressFrom[0]');
        expect(e.message).toMatch(/allPods/);
    });

    it("an operator rule with a wildcard", () => {
        const e = broken((v) => (v.workloads["ai-agents-api"].apiAccess[1].verbs = ["*"]));
        expect(e.message).toContain('stack "ai-agents-dev", agent-estate:workloads.ai-agents-api.apiAccess[1].verbs[0]: "*" grants every verb');
    });

    it("an env reference to an object the stack does not declare", () => {
        const e = broken((v) => {
            v.workloads["ai-agents-api"].env.UPLOADS_PVC_NAME = { valueFrom: { persistentVolumeClaim: "ai-agents-uploads" } };
            v.workloads["ai-agents-processor"].env.EXECUTOR_SERVICE_ACCOUNT = { valueFrom: { serviceAccount: "ai-agents-executer" } };
            v.workloads["ai-agents-api"].env.EXECUTOR_IMAGE = { valueFrom: { image: "ai-agents-executor-codex" } };
        });
        expect(e.message).toContain(
            'stack "ai-agents-dev", agent-estate:workloads.ai-agents-api.env.UPLOADS_PVC_NAME.valueFrom.persistentVolumeClaim: points at PersistentVolumeClaim in namespace ai-agents "ai-agents-uploads", which this stack does not declare (declared: ai-agents-api-workspace, ai-agents-models-cache)',
        );
        expect(e.problems).toContainEqual({ key: "agent-estate:workloads.ai-agents-processor.env.EXECUTOR_SERVICE_ACCOUNT.valueFrom.serviceAccount", message: expect.stringContaining('"ai-agents-executer", which this stack does not declare (declared: ai-agents-api, ai-agents-app, ai-agents-executor, ai-agents-processor, ai-agents-webhook, ai-agents-webhook-receivers)') });
        expect(e.problems).toContainEqual({ key: "agent-estate:workloads.ai-agents-api.env.EXECUTOR_IMAGE.valueFrom.image", message: expect.stringContaining('points at image pin "ai-agents-executor-codex"') });
        const more = broken((v) => {
            v.images.pins["ai-agents-api"] = { repository: "ghcr.io/labrats-work/apps.ai-agents", digest: `sha256:${"a".repeat(64)}` };
            v.workloads["ai-agents-api"].env.OIDC_REDIRECT_URI.valueFrom.ingressUrl.ingress = "ai-agents-private";
        });
        expect(more.problems).toContainEqual({ key: "agent-estate:workloads.ai-agents-api.env.APP_VERSION.valueFrom.imageTag", message: expect.stringMatching(/^image pin "ai-agents-api" is pinned by digest only and has no tag/) });
        expect(more.problems).toContainEqual({
            key: "agent-estate:workloads.ai-agents-api.env.OIDC_REDIRECT_URI.valueFrom.ingressUrl.ingress",
            message: 'points at Ingress "ai-agents-private", which this stack does not declare (declared: ai-agents-protected, ai-agents-public); declare it in agent-estate:ingresses',
        });
        const shape = broken((v) => (v.workloads["ai-agents-api"].env.EXECUTOR_IMAGE = { valueFrom: { pin: "ai-agents-executor" } }));
        expect(shape.problems.map((p) => p.key)).toContain("agent-estate:workloads.ai-agents-api.env.EXECUTOR_IMAGE");
    });

    it("an executor job template that points at nothing, or is launched by a workload that cannot create Jobs", () => {
        const e = broken((v) => {
            const t = v.jobTemplates["ai-agents-executor"];
            t.volumes[0].claimName = "ai-agents-uploads";
            t.launchedBy.push("ai-agents-app", "ai-agents-operator");
            t.podSelector = {};
        });
        expect(e.message).toContain('stack "ai-agents-dev", agent-estate:jobTemplates.ai-agents-executor.volumes[0].claimName: points at PersistentVolumeClaim "ai-agents-uploads", which this stack does not declare');
        expect(e.problems).toContainEqual({ key: "agent-estate:jobTemplates.ai-agents-executor.launchedBy[2]", message: expect.stringMatching(/workload "ai-agents-app" cannot create Jobs; add to agent-estate:workloads.ai-agents-app.apiAccess/) });
        expect(e.problems).toContainEqual({ key: "agent-estate:jobTemplates.ai-agents-executor.launchedBy[3]", message: expect.stringContaining('points at workload "ai-agents-operator", which this stack does not declare') });
        expect(e.problems).toContainEqual({ key: "agent-estate:jobTemplates.ai-agents-executor.podSelector", message: expect.stringMatching(/at least one label/) });
        const uncovered = broken((v) => delete v.jobTemplates["ai-agents-webhook-receivers"]);
        expect(uncovered.problems).toEqual([
            {
                key: "agent-estate:workloads.ai-agents-api.apiAccess[3]",
                message: expect.stringMatching(/^lets the workload create Deployment objects, whose pods no agent-estate:jobTemplates entry covers: .*declare them, e.g. jobTemplates.ai-agents-api-pods: \{ kind: Deployment, namespace: ai-agents, launchedBy: \[ai-agents-api\]/),
            },
        ]);
        const wildcard = broken((v) => (v.jobTemplates["ai-agents-executor"].apiAccess[0].resourceNames = undefined));
        expect(wildcard.problems).toContainEqual({ key: "agent-estate:jobTemplates.ai-agents-executor.apiAccess[0].resourceNames", message: expect.stringMatching(/must name the Secrets/) });
    });

    it("a host without TLS and without a reason; a path routed twice", () => {
        const e = broken((v) => (v.ingresses["ai-agents-public"].hosts[0].tls = false));
        expect(e.problems).toContainEqual({ key: "agent-estate:ingresses.ai-agents-public.hosts[0].noTlsReason", message: expect.stringMatching(/say why/) });
        const twice = broken((v) => v.workloads["ai-agents-app"].ingress.push({ ingress: "ai-agents-public", paths: [{ path: "/health", pathType: "Exact" }] }));
        expect(twice.problems.find((p) => p.key === "agent-estate:workloads.ai-agents-app.ingress[1].paths[0].path")?.message).toMatch(/already routed by workload "ai-agents-api"/);
    });
});
