import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { chartVersion } from "../config/sections/primitives";
import { CLUSTER_SECRET_STORE } from "../components/naming";
import { plan } from "../plan/plan";
import { validateKubernetesObjects } from "../plan/validate";
import { parseVaultPolicy } from "../policy/rules/vault";
import { PlannedResource } from "../plan/types";
import { Declared, declare, HELM_RELEASE, rawStackConfig, stackConfig } from "./harness";

type Props = Record<string, any>;

/** Every urn a resource waits for: its dependencies, theirs, and the children of a component it depends on. */
function waitsFor(d: Declared, r: PlannedResource): Set<string> {
    const seen = new Set<string>();
    const queue = [...r.dependencies];
    while (queue.length > 0) {
        const urn = queue.pop()!;
        if (seen.has(urn)) continue;
        seen.add(urn);
        const dep = d.resources.find((x) => x.urn === urn);
        if (!dep) continue;
        queue.push(...dep.dependencies);
        if (!dep.custom) queue.push(...d.resources.filter((x) => x.parent === urn).map((x) => x.urn));
    }
    return seen;
}

/** The resources under a component, itself included. */
function subtree(d: Declared, root: string): Set<string> {
    const out = new Set([root]);
    let grew = true;
    while (grew) {
        grew = false;
        for (const r of d.resources) {
            if (r.parent && out.has(r.parent) && !out.has(r.urn)) {
                out.add(r.urn);
                grew = true;
            }
        }
    }
    return out;
}

describe.each(["dev", "prod"])("the %s stack's add-ons", (stack) => {
    let d: Declared;
    beforeAll(async () => {
        d = await declare(stack);
    });

    it("installs each add-on as a Helm release pinned to an exact chart version in a pinned repository", () => {
        const releases = d.ofType(HELM_RELEASE).map((r) => r.props as Props);
        expect(releases.map((r) => r.chart).sort()).toEqual(
            ["cloudnative-pg", "external-secrets", "kube-prometheus-stack", "langfuse", "longhorn", "opentelemetry-collector"],
        );
        for (const r of releases) {
            expect(r.version, r.chart).toMatch(/^v?\d+\.\d+\.\d+$/);
            expect(r.repositoryOpts.repo, r.chart).toMatch(/^https:\/\//);
            expect(r.createNamespace, r.chart).toBe(false);
            expect(r.atomic, r.chart).toBe(true);
        }
    });

    it("installs each release into a namespace the program declares, closed by default", () => {
        for (const r of d.ofType(HELM_RELEASE)) {
            const ns = (r.props as Props).namespace;
            const namespace = d.k8s("Namespace", ns);
            expect(r.dependencies).toContain(namespace.urn);
            expect(d.k8s("NetworkPolicy", "default-deny", ns).props.spec.policyTypes).toEqual(["Ingress", "Egress"]);
        }
    });

    it("runs add-ons restricted unless the chart cannot, and only Longhorn and node-exporter privileged", () => {
        const level = (ns: string) => d.k8s("Namespace", ns).props.metadata.labels["pod-security.kubernetes.io/enforce"];
        expect(level("longhorn-system")).toBe("privileged");
        expect(level("monitoring")).toBe("privileged");
        expect(level("langfuse")).toBe("baseline");
        for (const ns of ["external-secrets", "cnpg-system", "observability", "data"]) expect(level(ns), ns).toBe("restricted");
    });

    it("declares each custom resource after the operator whose CRD defines it", () => {
        const operatorOf: Record<string, string> = {
            "cert-manager.io": "cert-manager",
            "traefik.io": "traefik",
            "external-secrets.io": "external-secrets",
            "postgresql.cnpg.io": "cloudnative-pg",
            "longhorn.io": "longhorn",
        };
        const checked: string[] = [];
        for (const r of d.resources) {
            const apiVersion = (r.props as Props).apiVersion;
            if (!r.custom || typeof apiVersion !== "string") continue;
            const chart = operatorOf[apiVersion.split("/")[0]];
            if (chart === undefined) continue;
            expect(waitsFor(d, r).has(d.release(chart).urn), `${r.urn} waits for the ${chart} release`).toBe(true);
            checked.push(r.name);
        }
        expect(checked.length).toBeGreaterThanOrEqual(12);
    });

    it("validates every custom resource that has a schema model", () => {
        const ours = d.resources.filter((r) => /external-secrets\.io|cert-manager\.io|traefik\.io|monitoring\.coreos\.com/.test(String((r.props as Props).apiVersion)));
        expect(ours.length).toBeGreaterThanOrEqual(8);
        expect(validateKubernetesObjects(ours).errors).toEqual([]);
    });

    it("copies every add-on credential from Vault through the cell's ClusterSecretStore, refreshed every minute", () => {
        const store = d.k8s("ClusterSecretStore", CLUSTER_SECRET_STORE);
        const eso = d.release("external-secrets").urn;
        // The tailnet proxies' auth keys (tailscale.services) are the secrets area's, not add-on credentials.
        const addonSecrets = d.kind("ExternalSecret").filter((e) => ["longhorn-system", "data", "monitoring", "observability", "langfuse"].includes(e.props.metadata.namespace) && !e.props.metadata.name.endsWith("-tailnet"));
        expect(addonSecrets.map((e) => e.props.metadata.name).sort()).toEqual(
            ["grafana-admin", "kaze-" + stack + "-pg-app", "kaze-" + stack + "-pg-backup-s3", "langfuse", "longhorn-backup-target", "otel-collector-langfuse"].sort(),
        );
        for (const e of addonSecrets) {
            expect(e.props.apiVersion).toBe("external-secrets.io/v1beta1");
            expect(e.props.spec.secretStoreRef).toEqual({ name: CLUSTER_SECRET_STORE, kind: "ClusterSecretStore" });
            expect(e.props.spec.refreshInterval).toBe("1m");
            expect(e.props.spec.data.every((x: Props) => x.remoteRef.key.startsWith("addons/"))).toBe(true);
            expect(e.dependencies).toEqual(expect.arrayContaining([eso, store.urn]));
        }
    });

    it("lets the ClusterSecretStore's Vault role read exactly the add-ons' Vault keys", () => {
        const policies = d.ofType("vault:index/policy:Policy").filter((p) => String((p.props as Props).name).endsWith("-addons"));
        expect(policies).toHaveLength(1);
        const keys = ["grafana-admin", "langfuse", "longhorn-backup", "otel-langfuse", "postgres-app", "postgres-backup"];
        const rules = parseVaultPolicy(String((policies[0].props as Props).policy)).sort((a, b) => a.path.localeCompare(b.path));
        expect(rules).toEqual(keys.map((key) => ({ path: `kv/data/addons/${key}`, capabilities: ["read"] })));
    });

    it("puts no credential in any chart's values", () => {
        for (const r of d.ofType(HELM_RELEASE)) {
            const text = JSON.stringify((r.props as Props).values);
            expect(text, (r.props as Props).chart).not.toMatch(/"(password|secret|token|salt|encryptionKey)"\s*:\s*"[^"]+"/i);
        }
        const langfuse = d.release("langfuse").props.values;
        expect(langfuse.langfuse.salt).toEqual({ secretKeyRef: { name: "langfuse", key: "salt" } });
        expect(langfuse.postgresql.auth.existingSecret).toBe("langfuse");
    });

    it("exposes nothing publicly (seed: ClusterIP only, no ingress): no ingress controller, no LoadBalancer, no public issuer, no ForwardAuth", () => {
        const charts = d.ofType(HELM_RELEASE).map((r) => (r.props as Props).chart);
        for (const chart of ["traefik", "ingress-nginx", "cert-manager"]) expect(charts).not.toContain(chart);
        expect(d.kind("Service").filter((svc) => svc.props.spec?.type === "LoadBalancer")).toEqual([]);
        // The one Service reachable from outside the pod network is prod's gateway NodePort, behind the internal F5 VIP.
        expect(d.kind("Service").filter((svc) => svc.props.spec?.type === "NodePort").map((svc) => svc.props.metadata.name)).toEqual(stack === "prod" ? ["kaze-gateway"] : []);
        for (const kind of ["Ingress", "ClusterIssuer", "Issuer", "Middleware"]) expect(d.kind(kind), kind).toEqual([]);
    });
});

/** The dev stack with the edge the seed rules out for Kaze but other cells want (ai-agents): Traefik, Authelia ForwardAuth, ACME. */
function devWithPublicEdge(stack: "dev" | "prod") {
    const { addons } = rawStackConfig("dev").values;
    addons.ingress = { controller: "traefik", chart: { repo: "https://traefik.github.io/charts", chart: "traefik", version: "33.2.1" }, forwardAuth: { address: "http://authelia.authelia.svc.cluster.local/api/authz/forward-auth" } };
    const server = stack === "prod" ? {} : { server: "https://acme-staging-v02.api.letsencrypt.org/directory" };
    addons.certManager = { chart: { repo: "https://charts.jetstack.io", chart: "cert-manager", version: "v1.16.2" }, issuer: { name: "letsencrypt", email: "ops@speedrun.ventures", ...server } };
    return stackConfig("dev", { set: { addons } });
}

describe.each(["dev", "prod"] as const)("a cell that wants a public edge (%s ACME)", (stack) => {
    let d: Declared;
    beforeAll(async () => {
        d = await declare(devWithPublicEdge(stack));
    });

    it("fronts the cell with Traefik, which lets workload Ingresses use the Authelia ForwardAuth middleware", () => {
        const traefik = d.release("traefik").props;
        expect(traefik.values.providers.kubernetesCRD.allowCrossNamespace).toBe(true);
        expect(traefik.values.ingressClass).toMatchObject({ enabled: true, isDefaultClass: true, name: "traefik" });
        const mw = d.k8s("Middleware", "authelia", "traefik");
        expect(mw.props.spec.forwardAuth.address).toBe("http://authelia.authelia.svc.cluster.local/api/authz/forward-auth");
        expect(mw.props.spec.forwardAuth.authResponseHeaders).toContain("Remote-User");
    });

    it("issues certificates from an ACME ClusterIssuer solved through the cell's ingress class", () => {
        const issuer = d.k8s("ClusterIssuer", "letsencrypt");
        expect(issuer.props.spec.acme.solvers).toEqual([{ http01: { ingress: { ingressClassName: "traefik" } } }]);
        expect(issuer.props.spec.acme.server).toBe(stack === "prod" ? "https://acme-v02.api.letsencrypt.org/directory" : "https://acme-staging-v02.api.letsencrypt.org/directory");
        expect(d.release("cert-manager").props.values.crds).toEqual({ enabled: true, keep: true });
    });

    it("runs Traefik and cert-manager restricted, each after its namespace, their custom resources after their charts", () => {
        const level = (ns: string) => d.k8s("Namespace", ns).props.metadata.labels["pod-security.kubernetes.io/enforce"];
        for (const ns of ["traefik", "cert-manager"]) expect(level(ns), ns).toBe("restricted");
        expect(waitsFor(d, d.k8s("Middleware", "authelia", "traefik")).has(d.release("traefik").urn)).toBe(true);
        expect(waitsFor(d, d.k8s("ClusterIssuer", "letsencrypt")).has(d.release("cert-manager").urn)).toBe(true);
        expect(validateKubernetesObjects([d.k8s("Middleware", "authelia", "traefik"), d.k8s("ClusterIssuer", "letsencrypt")]).errors).toEqual([]);
        // A release whose values hold no null leaves Helm's default alone.
        expect(d.release("cert-manager").props.allowNullValues).toBeUndefined();
    });
});

describe.each(["dev", "prod"])("the %s stack's add-ons, continued", (stack) => {
    let d: Declared;
    beforeAll(async () => {
        d = await declare(stack);
    });

    it("keeps the collector's null values, which switch the chart's jaeger and zipkin receivers off (allowNullValues)", () => {
        const release = d.release("opentelemetry-collector").props;
        expect(release.values.config.receivers).toMatchObject({ jaeger: null, zipkin: null });
        expect(release.allowNullValues).toBe(true);
        // A release whose values hold no null leaves Helm's default alone.
        expect(d.release("external-secrets").props.allowNullValues).toBeUndefined();
    });

    it("fans traces out from one OTLP collector to Langfuse and a second sink", () => {
        const config = d.release("opentelemetry-collector").props.values.config;
        expect(config.service.pipelines.traces).toEqual({ receivers: ["otlp"], processors: ["memory_limiter", "batch"], exporters: ["otlphttp/langfuse", "otlp/second"] });
        expect(config.exporters["otlphttp/langfuse"]).toEqual({ endpoint: "http://langfuse-web.langfuse.svc.cluster.local:3000/api/public/otel", headers: { Authorization: "${env:LANGFUSE_AUTH}" } });
        expect(config.exporters["otlp/second"].endpoint).toBe("otel-sink.speedrun.ventures:4317");
        const auth = d.k8s("ExternalSecret", "otel-collector-langfuse", "observability");
        expect(auth.props.spec.target.template.data.LANGFUSE_AUTH).toMatch(/^Basic \{\{ printf "%s:%s" \.LANGFUSE_PUBLIC_KEY \.LANGFUSE_SECRET_KEY \| b64enc \}\}$/);
    });

    it("points every workload's OTLP exporter at the collector, which admits the cell's namespaces", () => {
        const endpoint = "http://otel-collector.observability.svc.cluster.local:4317";
        const envs = d.kind("ConfigMap").filter((c) => c.props.data?.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined);
        expect(envs.length).toBeGreaterThanOrEqual(3);
        for (const c of envs) expect(c.props.data.OTEL_EXPORTER_OTLP_ENDPOINT).toBe(endpoint);
        const allow = d.k8s("NetworkPolicy", "allow-addon", "observability").props.spec.ingress;
        expect(allow).toContainEqual({ from: [{ namespaceSelector: { matchLabels: { "agent-estate/cell": `kaze-${stack}` } } }], ports: [{ port: 4317, protocol: "TCP" }, { port: 4318, protocol: "TCP" }] });
    });

    it("has Prometheus select every ServiceMonitor and Grafana load every labelled dashboard", () => {
        const values = d.release("kube-prometheus-stack").props.values;
        expect(values.prometheus.prometheusSpec.serviceMonitorSelectorNilUsesHelmValues).toBe(false);
        expect(values.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.storageClassName).toBe(`kaze-${stack}-longhorn`);
        expect(values.grafana.sidecar.dashboards).toMatchObject({ enabled: true, label: "grafana_dashboard", labelValue: "1", searchNamespace: "ALL" });
        expect(values.grafana.admin).toEqual({ existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" });
    });

    it("exports what is installed and where to connect, and no credential", () => {
        expect([...(d.outputs.addons as string[])].sort()).toEqual(["cloudnativePg", "dashboards", "externalSecrets", "langfuse", "longhorn", "monitoring", "otelCollector", "postgres"]);
        expect(d.outputs).toMatchObject({
            otlpEndpoint: "http://otel-collector.observability.svc.cluster.local:4317",
            storageClass: `kaze-${stack}-longhorn`,
            postgres: { host: `kaze-${stack}-pg-pooler-rw.data.svc.cluster.local`, port: 5432, loginSecret: `data/kaze-${stack}-pg-app` },
        });
    });

    it("ships Grafana dashboards as labelled ConfigMaps, with panels for every workload and the database", () => {
        const boards = d.kind("ConfigMap").filter((c) => c.props.metadata.labels?.grafana_dashboard === "1");
        expect(boards.map((c) => c.props.metadata.name).sort()).toEqual([`kaze-${stack}-postgres-dashboard`, `kaze-${stack}-workloads-dashboard`]);
        const workloads = JSON.parse(Object.values(d.k8s("ConfigMap", `kaze-${stack}-workloads-dashboard`).props.data)[0] as string);
        const titles = workloads.panels.map((p: Props) => p.title);
        for (const w of ["kaze-runtime", "kaze-gateway", "kaze-knowledge"]) expect(titles).toEqual(expect.arrayContaining([`${w}: CPU`, `${w}: memory`]));
    });
});

describe.each(["dev", "prod"])("`npm run plan -- %s`", (stack) => {
    it("includes every add-on, Longhorn and the database, with no policy violation or schema error on any of them", async () => {
        const result = await plan({ stack });
        const ours = (urn: string) => /agent-estate:(addons|storage|observability):/.test(urn);
        const types = new Set(result.resources.filter((r) => ours(r.urn)).map((r) => r.type));
        for (const t of ["agent-estate:addons:HelmAddon", "agent-estate:storage:Longhorn", "agent-estate:storage:PostgresCluster", "agent-estate:observability:Dashboards", HELM_RELEASE, "kubernetes:postgresql.cnpg.io/v1:Cluster", "kubernetes:postgresql.cnpg.io/v1:Pooler", "kubernetes:longhorn.io/v1beta2:RecurringJob"]) {
            expect(types.has(t), t).toBe(true);
        }
        expect(result.violations.filter((v) => v.urn !== undefined && ours(v.urn))).toEqual([]);
        expect(result.schemaErrors.filter((e) => ours(e.urn))).toEqual([]);
    });
});

describe("vault.refreshInterval", () => {
    it("sets how often every ExternalSecret of the cell re-reads Vault, the add-ons' as much as the workloads'", async () => {
        const { vault } = rawStackConfig("dev").values;
        const d = await declare(stackConfig("dev", { set: { vault: { ...vault, refreshInterval: "5m" } } }));
        const intervals = d.kind("ExternalSecret").map((e) => [e.props.metadata.name, e.props.spec.refreshInterval]);
        expect(intervals.length).toBeGreaterThan(6);
        expect(intervals.filter(([, interval]) => interval !== "5m")).toEqual([]);
    });
});

describe("a workload that serves /metrics", () => {
    it("gets a ServiceMonitor, its workload waits for the Prometheus operator, and Prometheus is let in", async () => {
        const { workloads } = rawStackConfig("dev").values;
        workloads["kaze-runtime"].metrics = { port: 4100 };
        const d = await declare(stackConfig("dev", { set: { workloads } }));
        const monitor = d.k8s("ServiceMonitor", "kaze-runtime", "kaze");
        expect(monitor.props.spec.endpoints).toEqual([expect.objectContaining({ path: "/metrics" })]);
        // The ServiceMonitor itself waits for the operator that installs its CRD.
        expect(monitor.dependencies).toContain(d.release("kube-prometheus-stack").urn);
        const ingress = d.k8s("NetworkPolicy", "kaze-runtime", "kaze").props.spec.ingress;
        expect(ingress).toContainEqual({
            from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } } }],
            ports: [{ port: 4100, protocol: "TCP" }],
        });
    });
});

describe("an add-on toggle", () => {
    let base: Declared;
    beforeAll(async () => {
        base = await declare("dev");
    });

    /** Declares dev without one add-on and returns what disappeared and what appeared. */
    async function without(section: "addons" | "storage" | "postgres", key?: string) {
        const value = rawStackConfig("dev").values[section];
        const change = key === undefined ? { remove: [section] } : { set: { [section]: (delete value[key], value) } };
        const d = await declare(stackConfig("dev", change));
        const before = new Set(base.resources.map((r) => r.urn));
        const after = new Set(d.resources.map((r) => r.urn));
        return { removed: [...before].filter((u) => !after.has(u)).sort(), added: [...after].filter((u) => !before.has(u)) };
    }

    const component = (type: string) => {
        const found = base.ofType(type);
        expect(found, type).toHaveLength(1);
        return [...subtree(base, found[0].urn)].sort();
    };

    it.each([
        ["otelCollector", "agent-estate:addons:OtelCollector"],
    ])("addons.%s removes exactly that add-on, and nothing appears", async (key, type) => {
        const { removed, added } = await without("addons", key);
        expect(added).toEqual([]);
        expect(removed).toEqual(component(type));
    });

    it("addons.monitoring removes the stack, its dashboards and the workloads' ServiceMonitors, nothing else", async () => {
        // Grafana's tailnet name goes with it (tailscale.services.grafana and its grant).
        const { addons, tailscale } = rawStackConfig("dev").values;
        delete addons.monitoring;
        delete tailscale.services.grafana;
        for (const g of tailscale.acl.grants) if ("services" in g) g.services = g.services.filter((x: string) => x !== "grafana");
        const d = await declare(stackConfig("dev", { set: { addons, tailscale } }));
        const after = new Set(d.resources.map((r) => r.urn));
        const before = new Set(base.resources.map((r) => r.urn));
        expect([...after].filter((u) => !before.has(u))).toEqual([]);
        const removed = [...before].filter((u) => !after.has(u) && !u.includes("grafana-tailnet")).sort();
        const expected = [...component("agent-estate:addons:Monitoring"), ...component("agent-estate:observability:Dashboards"), ...base.kind("ServiceMonitor").map((r) => r.urn)].sort();
        expect(removed).toEqual(expected);
    });

    it("postgres removes exactly the database", async () => {
        const { removed, added } = await without("postgres");
        expect(added).toEqual([]);
        // The database dashboard goes with the database.
        const board = base.k8s("ConfigMap", "kaze-dev-postgres-dashboard").urn;
        expect(removed).toEqual([...component("agent-estate:storage:PostgresCluster"), board].sort());
    });

    it("addons.langfuse removes exactly that add-on once the collector exports to an external Langfuse instead", async () => {
        const { addons, externalEndpoints, tailscale } = rawStackConfig("dev").values;
        delete addons.langfuse;
        addons.otelCollector.langfuse.endpoint = "https://langfuse.example.com/api/public/otel";
        // Its tailnet name goes with it (the proxy, its key, its Vault path and ExternalSecret).
        delete tailscale.services.langfuse;
        for (const g of tailscale.acl.grants) if ("services" in g) g.services = g.services.filter((x: string) => x !== "langfuse");
        const d = await declare(stackConfig("dev", { set: { addons, tailscale, externalEndpoints: { ...externalEndpoints, langfuse: { url: "https://langfuse.example.com" } } } }));
        const after = new Set(d.resources.map((r) => r.urn));
        const removed = base.resources.map((r) => r.urn).filter((u) => !after.has(u));
        expect(removed.filter((u) => !u.includes("langfuse-tailnet")).sort()).toEqual(component("agent-estate:addons:Langfuse"));
        expect(removed.filter((u) => u.includes("langfuse-tailnet")).length).toBeGreaterThanOrEqual(8);
        expect(d.release("opentelemetry-collector").props.values.config.exporters["otlphttp/langfuse"].endpoint).toBe("https://langfuse.example.com/api/public/otel");
    });

    it.each([
        ["externalSecrets", /addons\.externalSecrets/],
        ["cloudnativePg", /CloudNativePG/],
        ["langfuse", /addons\.otelCollector\.langfuse\.endpoint: points at Service "langfuse-web\.langfuse", which this stack does not declare/],
    ])("addons.%s cannot be removed while something still needs it", async (key, says) => {
        const { addons } = rawStackConfig("dev").values;
        delete addons[key];
        await expect(declare(stackConfig("dev", { set: { addons } }))).rejects.toThrow(says);
    });

    it("switches the ingress to ingress-nginx, with the ClusterIssuer solving through it", async () => {
        const { addons } = rawStackConfig("dev").values;
        addons.ingress = { controller: "ingress-nginx", chart: { repo: "https://kubernetes.github.io/ingress-nginx", chart: "ingress-nginx", version: "4.11.3" } };
        addons.certManager = { chart: { repo: "https://charts.jetstack.io", chart: "cert-manager", version: "v1.16.2" }, issuer: { name: "letsencrypt", email: "ops@speedrun.ventures" } };
        const d = await declare(stackConfig("dev", { set: { addons } }));
        expect(d.ofType(HELM_RELEASE).map((r) => (r.props as Props).chart)).not.toContain("traefik");
        expect(d.kind("Middleware")).toEqual([]);
        const nginx = d.release("ingress-nginx").props;
        expect(nginx.namespace).toBe("ingress-nginx");
        expect(nginx.values.controller.ingressClassResource).toEqual({ name: "nginx", default: true });
        expect(d.k8s("Namespace", "ingress-nginx").props.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("baseline");
        expect(d.k8s("ClusterIssuer", "letsencrypt").props.spec.acme.solvers).toEqual([{ http01: { ingress: { ingressClassName: "nginx" } } }]);
    });
});

describe("a chart version", () => {
    const exact = fc.tuple(fc.nat(99), fc.nat(99), fc.nat(99), fc.boolean()).map(([a, b, c, v]) => `${v ? "v" : ""}${a}.${b}.${c}`);

    it("is accepted when exact", () => {
        fc.assert(fc.property(exact, (v) => chartVersion.safeParse(v).success));
    });

    it("is refused as a range, a wildcard, a partial version or a tag", () => {
        const floating = fc.oneof(
            exact.map((v) => `^${v}`),
            exact.map((v) => `~${v}`),
            exact.map((v) => `>=${v}`),
            exact.map((v) => v.replace(/\.\d+$/, ".x")),
            exact.map((v) => v.replace(/\.\d+$/, "")),
            fc.constantFrom("latest", "*", "", "stable"),
        );
        fc.assert(fc.property(floating, (v) => !chartVersion.safeParse(v).success));
    });
});
