import { z } from "zod";
import { helmChart, vaultKey } from "./addons";
import { routeSpec } from "./gateways";
import { dnsLabel } from "./primitives";

/**
 * `agent-estate:agentgateway`: AgentGateway, the AI gateway in front of LLM providers and MCP
 * servers: its control plane (pinned Helm charts), its backends with the routes they need, and its
 * policies. Fields that forward AgentGateway's own API (a backend's `ai`, `mcp`, `static` and
 * `policies`, a policy's `spec`) keep upstream's names and shapes, so upstream examples copy in
 * unchanged, and are validated against the vendored CRD schemas (schemas/crds/).
 */

/** An object forwarded to an upstream API unchanged. */
const upstream = (what: string) => z.record(z.string(), z.unknown()).describe(what);

/** Where a Secret's value comes from: one property of a Vault entry, through External Secrets. */
export const vaultValue = z.strictObject({
    vaultKey: vaultKey.describe("Key of the Vault KV entry under the ClusterSecretStore's mount, e.g. `agentgateway/openai`."),
    property: z.string().min(1).default("api-key").describe('Property of that entry holding the value. Default: "api-key".'),
});

/** One AgentgatewayBackend: exactly one of `ai`, `mcp`, `static` (upstream), its credential and its routes. */
export const agentgatewayBackend = z
    .strictObject({
        ai: upstream("An LLM backend: `provider` (openai, anthropic, …, host/port for OpenAI-compatible APIs) or `groups` of providers tried by priority (failover); AgentgatewayBackend's `spec.ai`.").optional(),
        mcp: upstream("An MCP backend: `targets` (static host/port/protocol or a Service selector); AgentgatewayBackend's `spec.mcp`.").optional(),
        static: upstream("A plain host and port; AgentgatewayBackend's `spec.static`.").optional(),
        policies: upstream("Backend policies (tls, auth, ai, mcp, http…); AgentgatewayBackend's `spec.policies`. The API key of `apiKey` is added as `auth.secretRef`.").optional(),
        apiKey: vaultValue
            .optional()
            .describe("The provider's API key, copied from Vault into a Secret `<backend>-api-key` in the backend's namespace and used as the backend's `policies.auth.secretRef`. Default: no credential."),
        routes: z.array(routeSpec).default([]).describe("HTTPRoutes to this backend, each attached to a Gateway of `agent-estate:gateways`. Default: [] (the backend is only reached from policies)."),
    })
    .superRefine((b, ctx) => {
        const kinds = (["ai", "mcp", "static"] as const).filter((k) => b[k] !== undefined);
        if (kinds.length !== 1) ctx.addIssue({ code: "custom", message: `must set exactly one of "ai", "mcp" or "static" (set: ${kinds.join(", ") || "none"})` });
    });
export type AgentgatewayBackendSpec = z.infer<typeof agentgatewayBackend>;

/** One AgentgatewayPolicy, with a switch so a cell can turn it off (the seed does, during development). */
export const agentgatewayPolicy = z.strictObject({
    enabled: z.boolean().default(true).describe("Declare the policy. Off leaves it out of the stack (the `agentgateway-guardrails` policy warns in prod). Default: true."),
    spec: upstream("AgentgatewayPolicy's `spec` as upstream writes it: `targetRefs` (Gateways, HTTPRoutes, backends of this stack) and `traffic`, `frontend` or `backend` rules."),
});
export type AgentgatewayPolicySpec = z.infer<typeof agentgatewayPolicy>;

/** `agent-estate:agentgateway`. */
export const agentgatewaySection = z.strictObject({
    namespace: dnsLabel.default("agentgateway-system").describe('Namespace of the control plane, the backends and the policies, one of `agent-estate:namespaces`. Default: "agentgateway-system".'),
    crds: helmChart.describe("The chart that installs AgentGateway's CRDs (e.g. `enterprise-agentgateway-crds`), pinned; installed before the control plane."),
    controlPlane: helmChart.describe("The control-plane chart (e.g. `enterprise-agentgateway`), pinned."),
    values: upstream(
        "Extra values of the control-plane chart, as the chart documents them. Passed as written: the plan checks them only when the chart's values.schema.json is vendored under schemas/helm/, and lists the release as not validated otherwise. Default: {}.",
    ).default({}),
    license: z
        .strictObject({
            vaultKey: vaultKey.describe("Key of the Vault entry holding the license, e.g. `agentgateway/license`."),
            property: z.string().min(1).default("license-key").describe('Property holding it. Default: "license-key".'),
            valuesKey: z
                .string()
                .regex(/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/, { error: 'must be a dotted values path such as "licensing.secretName"' })
                .default("licensing.secretName")
                .describe('Values path of the chart that names the Secret holding the license. Default: "licensing.secretName".'),
        })
        .optional()
        .describe("The Enterprise license, delivered from Vault into the Secret `agentgateway-license` before the chart installs. Default: none (OSS)."),
    tracing: z
        .strictObject({
            randomSampling: z
                .string()
                .regex(/^(0(\.\d+)?|1(\.0+)?)$/, { error: 'must be a sampling ratio from "0" to "1", e.g. "1.0"' })
                .default("1.0")
                .describe('Share of requests traced, a ratio as AgentGateway\'s `randomSampling` takes it. Default: "1.0".'),
        })
        .optional()
        .describe("Traces from every Gateway of the namespace to the cell's OTel collector (`addons.otelCollector`), declared as one AgentgatewayPolicy `tracing`. Default: no tracing."),
    backends: z.record(dnsLabel, agentgatewayBackend.describe("An AgentgatewayBackend and the routes to it.")).default({}).describe("AgentgatewayBackends by name. Default: {}."),
    policies: z.record(dnsLabel, agentgatewayPolicy.describe("An AgentgatewayPolicy with its switch.")).default({}).describe("AgentgatewayPolicies by name (pii-protection, prompt-injection, rate limits…). Default: {}."),
});
export type AgentgatewayConfig = z.infer<typeof agentgatewaySection>;
