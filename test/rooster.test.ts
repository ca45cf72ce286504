import { beforeAll, describe, expect, it } from "vitest";
import { parseCellConfig } from "../config/parse";
import { plan, PlanResult } from "../plan/plan";
import { configErrorOf, HELM_RELEASE, rawStackConfig } from "./harness";

/**
 * Seed 001, the Rooster estate: what ArgoCD synced, now declared by the `rooster` stack. One plan of
 * the stack serves every assertion of the first block.
 */

/** The five AgentGateway proxies of the VIP table: Gateway, listener port, NodePort Service and NodePort. */
const GATEWAYS = [
    { name: "agentgateway-proxy", port: 8080, service: "agentgateway-nodeport", nodePort: 31572 },
    { name: "xai-gateway", port: 8081, service: "xai-gateway-proxy", nodePort: 31990 },
    { name: "model-priority-gateway", port: 8085, service: "model-priority-gateway-proxy", nodePort: 30689 },
    { name: "mcp-gateway", port: 8090, service: "mcp-gateway-proxy", nodePort: 30168 },
    { name: "github-gateway", port: 8092, service: "github-gateway-proxy", nodePort: 31313 },
];
const AG = "agentgateway-system";
const GUARDRAILS = ["pii-protection", "prompt-injection", "credential-protection", "elicitation"];

type Obj = { urn: string; type: string; props: Record<string, any>; dependencies: string[] };

describe("the Rooster stack (seed 001)", () => {
    let result: PlanResult;
    const kind = (k: string, ns?: string) => result.resources.filter((r) => (r.props as any).kind === k && (ns === undefined || (r.props as any).metadata?.namespace === ns)) as Obj[];
    const named = (k: string, name: string, ns?: string) => {
        const found = kind(k, ns).find((r) => r.props.metadata?.name === name);
        if (!found) throw new Error(`no ${k} ${name} is declared`);
        return found;
    };
    const release = (name: string) => {
        const found = result.resources.filter((r) => r.type === HELM_RELEASE && (r.props as any).name === name) as Obj[];
        expect(found, name).toHaveLength(1);
        return found[0];
    };

    beforeAll(async () => {
        result = await plan({ stack: "rooster" });
    });

    it("probes the MCP servers by connecting to their port (they answer JSON-RPC on /mcp, no GET health path)", () => {
        for (const [workload, port] of [["everything", 3001], ["slack-mcp", 13080], ["excalidraw", 3000]] as const) {
            const container = named("Deployment", workload, "agentgateway-system").props.spec.template.spec.containers[0];
            expect(container.ports).toContainEqual(expect.objectContaining({ name: "http", containerPort: port }));
            for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"]) {
                expect(container[probe].tcpSocket, `${workload} ${probe}`).toEqual({ port: "http" });
                expect(container[probe].httpGet, `${workload} ${probe}`).toBeUndefined();
            }
        }
    });

    it("plans clean: no mandatory violation, no schema error, exit 0", () => {
        expect(result.configError).toBeUndefined();
        expect(result.violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
        expect(result.schemaErrors).toEqual([]);
        expect(result.exitCode).toBe(0);
    });

    it("runs the operators in agentgateway-system and kagent, each at baseline with its reason, closed by default", () => {
        for (const ns of [AG, "kagent"]) {
            const n = named("Namespace", ns);
            expect(n.props.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("baseline");
            expect(n.props.metadata.annotations["agent-estate/pod-security-reason"]).toMatch(/restricted/);
            const deny = named("NetworkPolicy", "default-deny", ns);
            expect(deny.props.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
        }
    });

    it("installs kagent Enterprise and AgentGateway Enterprise as pinned Helm releases, CRDs first", () => {
        const charts = {
            "kagent-crds": ["oci://us-docker.pkg.dev/solo-public/kagent-enterprise-helm/charts/kagent-enterprise-crds", "0.3.12"],
            "kagent-mgmt": ["oci://us-docker.pkg.dev/solo-public/solo-enterprise-helm/charts/management", "0.3.12"],
            kagent: ["oci://us-docker.pkg.dev/solo-public/kagent-enterprise-helm/charts/kagent-enterprise", "0.3.12"],
            "agentgateway-crds": ["oci://us-docker.pkg.dev/solo-public/enterprise-agentgateway/charts/enterprise-agentgateway-crds", "v2.2.0"],
            agentgateway: ["oci://us-docker.pkg.dev/solo-public/enterprise-agentgateway/charts/enterprise-agentgateway", "v2.2.0"],
        };
        for (const [name, [chart, version]] of Object.entries(charts)) {
            const r = release(name);
            expect(r.props, name).toMatchObject({ chart, version, namespace: name.startsWith("kagent") ? "kagent" : AG, createNamespace: false });
        }
        expect(release("kagent").dependencies).toContain(release("kagent-crds").urn);
        expect(release("agentgateway").dependencies).toContain(release("agentgateway-crds").urn);
    });

    it("delivers both Enterprise licenses from Vault through External Secrets, never in the values", () => {
        for (const [ns, secret, key, rel] of [[AG, "agentgateway-license", "agentgateway/license", "agentgateway"], ["kagent", "kagent-license", "kagent/license", "kagent"]]) {
            const es = named("ExternalSecret", secret, ns);
            expect(es.props.spec.data).toEqual([{ secretKey: "license-key", remoteRef: { key, property: "license-key" } }]);
            expect(es.props.spec.secretStoreRef).toEqual({ kind: "ClusterSecretStore", name: "vault" });
            expect(release(rel).props.values.licensing).toEqual({ secretName: secret });
            expect(release(rel).dependencies).toContain(es.urn);
        }
    });

    it("declares the five Gateways of the VIP table, each proxy behind a NodePort Service on the seed's port", () => {
        expect(kind("Gateway").map((g) => g.props.metadata.name).sort()).toEqual(GATEWAYS.map((g) => g.name).sort());
        for (const g of GATEWAYS) {
            const gw = named("Gateway", g.name, AG);
            expect(gw.props.spec.gatewayClassName).toBe("enterprise-agentgateway");
            expect(gw.props.spec.listeners).toEqual([{ name: "http", port: g.port, protocol: "HTTP", allowedRoutes: { namespaces: { from: "All" } } }]);
            const svc = named("Service", g.service, AG);
            expect(svc.props.spec).toMatchObject({ type: "NodePort", selector: { "gateway.networking.k8s.io/gateway-name": g.name }, ports: [{ port: g.port, targetPort: g.port, nodePort: g.nodePort, protocol: "TCP" }] });
        }
    });

    it("binds each backend to its Gateway with an HTTPRoute", () => {
        const routes = Object.fromEntries(
            kind("HTTPRoute", AG).map((r) => [r.props.metadata.name, `${r.props.spec.parentRefs[0].name} ${r.props.spec.rules[0].matches[0].path.value} -> ${r.props.spec.rules[0].backendRefs[0].kind}/${r.props.spec.rules[0].backendRefs[0].name}`]),
        );
        expect(routes).toEqual({
            anthropic: "agentgateway-proxy /anthropic -> AgentgatewayBackend/anthropic",
            openai: "agentgateway-proxy /openai -> AgentgatewayBackend/openai",
            xai: "xai-gateway / -> AgentgatewayBackend/xai",
            "model-priority": "model-priority-gateway / -> AgentgatewayBackend/model-priority",
            everything: "mcp-gateway /everything -> AgentgatewayBackend/everything",
            slack: "mcp-gateway /slack -> AgentgatewayBackend/slack",
            excalidraw: "mcp-gateway /excalidraw -> AgentgatewayBackend/excalidraw",
            github: "github-gateway /mcp -> AgentgatewayBackend/github",
        });
    });

    it("sends LLM traffic to Anthropic, OpenAI, xAI and an OpenAI failover by priority groups, keys from Vault", () => {
        const spec = (b: string) => named("AgentgatewayBackend", b, AG).props.spec;
        expect(spec("anthropic").ai.provider.anthropic).toBeDefined();
        expect(spec("openai").ai.provider.openai.model).toBe("gpt-4o-mini");
        expect(spec("xai").ai.provider).toMatchObject({ host: "api.x.ai", port: 443 });
        expect(spec("model-priority").ai.groups.map((g: any) => g.providers.map((p: any) => p.openai.model))).toEqual([["gpt-4o"], ["gpt-4o-mini"]]);
        for (const b of ["anthropic", "openai", "xai", "model-priority"]) {
            expect(spec(b).policies.auth, b).toEqual({ secretRef: { name: `${b}-api-key` } });
            expect(named("ExternalSecret", `${b}-api-key`, AG).props.spec.data[0].secretKey).toBe("Authorization");
        }
    });

    it("rate-limits xAI on its route", () => {
        const p = named("AgentgatewayPolicy", "xai-rate-limit", AG).props.spec;
        expect(p.targetRefs).toEqual([{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "xai" }]);
        expect(p.traffic.rateLimit.local).toEqual([{ requests: 60, unit: "Minutes", burst: 10 }]);
    });

    it("leaves the four guardrail policies off, as the seed does in development, and warns about it", () => {
        const declared = kind("AgentgatewayPolicy").map((p) => p.props.metadata.name);
        for (const g of GUARDRAILS) expect(declared).not.toContain(g);
        const warnings = result.violations.filter((v) => v.policy === "agentgateway-guardrails");
        expect(warnings.map((w) => w.enforcementLevel)).toEqual(["advisory", "advisory", "advisory", "advisory"]);
        expect(warnings.map((w) => w.message).join("\n")).toContain("HTTPRoute openai sends prompts to LLM backend openai with no prompt guard");
    });

    it("runs everything, slack and excalidraw as hardened MCP workloads over HTTP, reached only by the MCP gateway", () => {
        const targets = { everything: 3001, slack: 13080, excalidraw: 3000 };
        for (const [b, port] of Object.entries(targets)) {
            const workload = b === "slack" ? "slack-mcp" : b;
            expect(named("AgentgatewayBackend", b, AG).props.spec.mcp.targets[0].static).toMatchObject({ host: `${workload}.${AG}.svc.cluster.local`, port, protocol: "StreamableHTTP" });
            const pod = named("Deployment", workload, AG).props.spec.template.spec;
            expect(pod.containers[0].securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
            const np = named("NetworkPolicy", workload, AG).props.spec;
            expect(np.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": AG } }, podSelector: { matchLabels: { "gateway.networking.k8s.io/gateway-name": "mcp-gateway" } } }], ports: [{ port, protocol: "TCP" }] }]);
        }
        expect(named("AgentgatewayBackend", "github", AG).props.spec.mcp.targets[0].static).toMatchObject({ host: "api.githubcopilot.com", port: 443 });
    });

    it("lets each proxy reach exactly what its routes lead to", () => {
        const egress = (g: string) => JSON.stringify(named("NetworkPolicy", `gateway-${g}`, AG).props.spec.egress);
        expect(egress("mcp-gateway")).toContain('"app.kubernetes.io/name":"everything"');
        expect(egress("mcp-gateway")).not.toContain('"cidr":"0.0.0.0/0"');
        expect(egress("agentgateway-proxy")).toContain('"cidr":"0.0.0.0/0"');
        expect(egress("agentgateway-proxy")).toContain('"app.kubernetes.io/instance":"langfuse-otel-collector"');
    });

    it("traces every Gateway to the fan-out collector, which exports to the external Langfuse and to kagent:4317", () => {
        const tracing = named("AgentgatewayPolicy", "tracing", AG).props.spec;
        expect(tracing.targetRefs.map((t: any) => t.name).sort()).toEqual(GATEWAYS.map((g) => g.name).sort());
        expect(tracing.frontend.tracing.backendRef).toEqual({ kind: "Service", name: "langfuse-otel-collector", namespace: AG, port: 4317 });
        const collector = release("langfuse-otel-collector");
        expect(collector.props.namespace).toBe(AG);
        const exporters = collector.props.values.config.exporters;
        expect(exporters["otlphttp/langfuse"]).toEqual({ endpoint: "http://172.16.10.173:3000/api/public/otel", headers: { Authorization: "${env:LANGFUSE_AUTH}" } });
        expect(exporters["otlp/second"]).toEqual({ endpoint: "solo-enterprise-telemetry-collector.kagent.svc.cluster.local:4317", tls: { insecure: true } });
        expect(named("ExternalSecret", "langfuse-otel-collector-langfuse", AG).props.spec.data.map((d: any) => d.remoteRef.key)).toEqual(["agentgateway/langfuse", "agentgateway/langfuse"]);
        const policy = named("NetworkPolicy", "allow-langfuse-otel-collector", AG).props.spec;
        expect(policy.podSelector).toEqual({ matchLabels: { "app.kubernetes.io/name": "opentelemetry-collector", "app.kubernetes.io/instance": "langfuse-otel-collector" } });
        expect(JSON.stringify(policy.ingress)).toContain(`{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"${AG}"}}}`);
        expect(policy.egress).toContainEqual({ to: [{ ipBlock: { cidr: "172.16.10.173/32" } }], ports: [{ port: 3000, protocol: "TCP" }] });
        expect(policy.egress).toContainEqual({
            to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kagent" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "solo-enterprise-telemetry-collector" } } }],
            ports: [{ port: 4317, protocol: "TCP" }],
        });
    });

    it("declares the four agents, their ModelConfigs and the MCP servers they name", () => {
        expect(kind("Agent", "kagent").map((a) => a.props.metadata.name).sort()).toEqual(["github-issues-agent", "github-pr-agent", "slackbot-k8s-agent", "team-lead-agent"]);
        expect(kind("ModelConfig", "kagent").map((m) => m.props.metadata.name).sort()).toEqual(["anthropic-model-config", "default-model-config"]);
        expect(named("ModelConfig", "default-model-config", "kagent").props.spec.openAI.baseUrl).toBe(`http://agentgateway-nodeport.${AG}.svc.cluster.local:8080/openai`);
        expect(Object.fromEntries(kind("RemoteMCPServer", "kagent").map((r) => [r.props.metadata.name, r.props.spec.url]))).toEqual({
            "slack-mcp-remote": `http://mcp-gateway-proxy.${AG}.svc.cluster.local:8090/slack`,
            "github-mcp-remote": `http://github-gateway-proxy.${AG}.svc.cluster.local:8092/mcp`,
        });
        expect(named("MCPServer", "slack-mcp", "kagent").props.spec.transportType).toBe("http");
        const agent = named("Agent", "github-pr-agent", "kagent");
        expect(agent.props.spec.declarative.tools[0].mcpServer).toMatchObject({ kind: "RemoteMCPServer", name: "github-mcp-remote" });
        expect(agent.dependencies).toContain(named("RemoteMCPServer", "github-mcp-remote", "kagent").urn);
        expect(agent.dependencies).toContain(release("kagent").urn);
    });

    it("runs the Slack bot as a hardened Deployment in kagent, its tokens from Vault", () => {
        const d = named("Deployment", "slack-bot", "kagent").props.spec.template.spec;
        const env = d.containers[0].env.map((e: any) => e.name);
        expect(env).toEqual(expect.arrayContaining(["SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"]));
        expect(named("ExternalSecret", "slack-bot", "kagent").props.spec.target.name).toBe("slack-bot-env");
    });

    it("runs Longhorn without a backup target: a snapshot job, no backup job, no backup credentials", () => {
        expect(kind("RecurringJob").map((j) => j.props.spec.task)).toEqual(["snapshot"]);
        expect(kind("ExternalSecret").map((e) => e.props.metadata.name)).not.toContain("longhorn-backup-target");
        expect(release("longhorn").props.values.defaultSettings.backupTarget).toBeUndefined();
    });
});

describe("a Rooster config that points at nothing", () => {
    const problems = (change: (v: Record<string, any>) => void) => {
        const raw = rawStackConfig("rooster");
        change(raw.values);
        return configErrorOf(parseCellConfig, raw);
    };

    it("refuses a route to a backend whose Service is not declared, naming stack and key", () => {
        const e = problems((v) => delete v.workloads.excalidraw);
        expect(e.message).toContain('stack "rooster"');
        expect(e.problems).toContainEqual({
            key: "agent-estate:agentgateway.backends.excalidraw.mcp.targets[0].static.host",
            message: expect.stringMatching(/^points at Service "excalidraw\.agentgateway-system", which this stack does not declare \(declared: /),
        });
    });

    it("refuses a route to a Gateway that is not declared", () => {
        const e = problems((v) => (v.agentgateway.backends.openai.routes[0].gateway = "llm-gateway"));
        expect(e.problems).toContainEqual({
            key: "agent-estate:agentgateway.backends.openai.routes[0].gateway",
            message: 'points at Gateway "llm-gateway", which this stack does not declare (declared: agentgateway-proxy, github-gateway, mcp-gateway, model-priority-gateway, xai-gateway); declare it in agent-estate:gateways',
        });
    });

    it("refuses an agent naming a ModelConfig that is not declared", () => {
        const e = problems((v) => (v.kagent.agents["github-pr-agent"].spec.declarative.modelConfig = "gpt-model-config"));
        expect(e.problems).toEqual([
            {
                key: "agent-estate:kagent.agents.github-pr-agent.spec.declarative.modelConfig",
                message: 'points at ModelConfig "gpt-model-config", which this stack does not declare (declared: anthropic-model-config, default-model-config); declare it in agent-estate:kagent.modelConfigs',
            },
        ]);
    });

    it("refuses an agent naming an MCP server that is not declared", () => {
        const e = problems((v) => (v.kagent.agents["github-issues-agent"].spec.declarative.tools[0].mcpServer.name = "github-remote"));
        expect(e.problems.map((p) => p.key)).toEqual(["agent-estate:kagent.agents.github-issues-agent.spec.declarative.tools[0].mcpServer.name"]);
        expect(e.problems[0].message).toMatch(/^points at RemoteMCPServer "github-remote", which this stack does not declare \(declared: github-mcp-remote, slack-mcp-remote\)/);
    });

    it("refuses a RemoteMCPServer URL that no route of the Gateway serves", () => {
        const e = problems((v) => (v.kagent.remoteMCPServers["slack-mcp-remote"].spec.url = "http://mcp-gateway-proxy.agentgateway-system.svc.cluster.local:8090/teams"));
        expect(e.problems).toEqual([
            {
                key: "agent-estate:kagent.remoteMCPServers.slack-mcp-remote.spec.url",
                message:
                    'points at an HTTPRoute for "/teams" on "mcp-gateway-proxy.agentgateway-system:8090", which this stack does not declare (declared: /everything, /excalidraw, /slack); add a route with that path prefix to a backend on this Gateway (agent-estate:agentgateway.backends.<name>.routes)',
            },
        ]);
    });

    it("refuses an exporter to a host that is neither a Service nor an external endpoint", () => {
        const e = problems((v) => delete v.externalEndpoints.langfuse);
        expect(e.problems.map((p) => p.key)).toEqual(["agent-estate:addons.otelCollector.langfuse.endpoint"]);
        expect(e.problems[0].message).toContain('points at external endpoint "172.16.10.173:3000", which this stack does not declare');
    });

    it("refuses a policy targeting a route that is not declared", () => {
        const e = problems((v) => (v.agentgateway.policies["xai-rate-limit"].spec.targetRefs[0].name = "grok"));
        expect(e.problems.map((p) => p.key)).toEqual(["agent-estate:agentgateway.policies.xai-rate-limit.spec.targetRefs[0].name"]);
    });

    it("refuses an operator namespace below restricted without a reason", () => {
        const e = problems((v) => delete v.namespaces[1].podSecurity.reason);
        expect(e.problems).toEqual([{ key: "agent-estate:namespaces[1].podSecurity.reason", message: expect.stringMatching(/^is required with level "baseline"/) }]);
    });
});
