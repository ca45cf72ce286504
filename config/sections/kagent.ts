import { z } from "zod";
import { helmChart, vaultKey } from "./addons";
import { dnsLabel } from "./primitives";

/**
 * `agent-estate:kagent`: kagent, the Kubernetes-native agent platform: its charts (CRDs, the
 * management plane and UI, the controller), and the resources its agents are made of. Each
 * resource's `spec` is kagent's own (kagent.dev/v1alpha2; MCPServer is kmcp's kagent.dev/v1alpha1),
 * forwarded unchanged and validated against the vendored CRD schemas; the program checks that what
 * one names (a ModelConfig, an MCP server, another agent, a gateway route) is declared.
 */

const upstreamSpec = (kind: string) => z.record(z.string(), z.unknown()).describe(`The ${kind}'s \`spec\` as kagent writes it.`);

/** A pinned chart and its extra values. */
const release = (what: string) =>
    z
        .strictObject({
            chart: helmChart.describe(`The ${what} chart: repository, name and exact version.`),
            values: z
                .record(z.string(), z.unknown())
                .default({})
                .describe("Extra chart values, as the chart documents them. Passed as written: the plan checks them only when the chart's values.schema.json is vendored under schemas/helm/, and lists the release as not validated otherwise. Default: {}."),
        })
        .describe(`The ${what} Helm release.`);

/** A ModelConfig; `apiKey` delivers the provider key from Vault when the model is not reached through a gateway that holds it. */
export const modelConfigSpec = z.strictObject({
    spec: upstreamSpec("ModelConfig"),
    apiKey: z
        .strictObject({
            vaultKey: vaultKey.describe("Key of the Vault entry holding the provider key."),
            property: z.string().min(1).default("api-key").describe('Property holding it. Default: "api-key".'),
        })
        .optional()
        .describe("The provider's API key, copied from Vault into the Secret `<model-config>-api-key` and named by `apiKeySecret`. Default: none (the model is reached through AgentGateway, which holds the key)."),
});

/** `agent-estate:kagent`. */
export const kagentSection = z.strictObject({
    namespace: dnsLabel.default("kagent").describe('Namespace of kagent and of its resources, one of `agent-estate:namespaces`. Default: "kagent".'),
    crds: release("kagent CRDs (`kagent-crds`)"),
    management: release("management plane and UI (`kagent-mgmt`)").optional(),
    controller: release("kagent controller (`kagent`)"),
    license: z
        .strictObject({
            vaultKey: vaultKey.describe("Key of the Vault entry holding the license, e.g. `kagent/license`."),
            property: z.string().min(1).default("license-key").describe('Property holding it. Default: "license-key".'),
            valuesKey: z
                .string()
                .regex(/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/, { error: 'must be a dotted values path such as "licensing.secretName"' })
                .default("licensing.secretName")
                .describe('Values path, in the management and controller charts, naming the Secret that holds the license. Default: "licensing.secretName".'),
        })
        .optional()
        .describe("The Enterprise license, delivered from Vault into the Secret `kagent-license` before the charts install. Default: none (OSS)."),
    telemetryCollector: z
        .strictObject({
            service: dnsLabel.describe('Service of kagent\'s telemetry collector, e.g. "solo-enterprise-telemetry-collector".'),
            port: z.number().int().min(1).max(65535).default(4317).describe("Its OTLP/gRPC port. Default: 4317."),
            podSelector: z.record(z.string(), z.string()).describe("Labels of its pods, for the NetworkPolicy that lets the cell's OTel collector in."),
        })
        .optional()
        .describe("kagent's own trace collector (installed by the management chart), which the cell's OTel collector may export to. Default: none."),
    modelConfigs: z.record(dnsLabel, modelConfigSpec.describe("A ModelConfig.")).default({}).describe("ModelConfigs by name. Default: {}."),
    remoteMCPServers: z
        .record(dnsLabel, z.strictObject({ spec: upstreamSpec("RemoteMCPServer") }).describe("A RemoteMCPServer; its `url` must be a route of a declared Gateway or an external endpoint."))
        .default({})
        .describe("RemoteMCPServers by name. Default: {}."),
    mcpServers: z.record(dnsLabel, z.strictObject({ spec: upstreamSpec("MCPServer") }).describe("A kmcp MCPServer that kagent runs.")).default({}).describe("MCPServers by name. Default: {}."),
    agents: z.record(dnsLabel, z.strictObject({ spec: upstreamSpec("Agent") }).describe("An Agent.")).default({}).describe("Agents by name. Default: {}."),
});
export type KagentConfig = z.infer<typeof kagentSection>;
