import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { VaultReaderArgs } from "../addons/helm-addon";
import { vaultExternalSecret } from "../addons/vault-secret";
import { childName } from "../naming";

/** kagent's API versions: its own kinds at v1alpha2, kmcp's MCPServer at v1alpha1. */
export const KAGENT_API = { agents: "kagent.dev/v1alpha2", mcpServer: "kagent.dev/v1alpha1" } as const;

export interface KagentResourcesArgs extends VaultReaderArgs {
    namespace: string;
    /** ModelConfigs: upstream spec, and the provider key in Vault when the model is not reached through a gateway. */
    modelConfigs: Record<string, { spec: Record<string, unknown>; apiKey?: { vaultKey: string; property: string } }>;
    /** RemoteMCPServers by name, upstream spec. */
    remoteMCPServers: Record<string, Record<string, unknown>>;
    /** kmcp MCPServers by name, upstream spec. */
    mcpServers: Record<string, Record<string, unknown>>;
    /** Agents by name, upstream spec. */
    agents: Record<string, Record<string, unknown>>;
    /** Labels of every object (the cell's). @default {} */
    labels?: Record<string, string>;
    /** What must exist first: kagent's CRDs and controller. @default [] */
    dependsOn?: pulumi.Resource[];
}

/**
 * What kagent's agents are made of: ModelConfigs (with their key's Secret when they hold one),
 * RemoteMCPServers, MCPServers and the Agents, in that order, so an agent is created after what it
 * names. The config checked that every name an object uses is declared.
 */
export class KagentResources extends pulumi.ComponentResource {
    readonly modelConfigs: Readonly<Record<string, k8s.apiextensions.CustomResource>>;
    readonly remoteMCPServers: Readonly<Record<string, k8s.apiextensions.CustomResource>>;
    readonly mcpServers: Readonly<Record<string, k8s.apiextensions.CustomResource>>;
    readonly agents: Readonly<Record<string, k8s.apiextensions.CustomResource>>;

    constructor(name: string, args: KagentResourcesArgs, opts: pulumi.ComponentResourceOptions) {
        super("agent-estate:kagent:KagentResources", name, {}, opts);
        const labels = args.labels ?? {};
        const after = args.dependsOn ?? [];
        const cr = (kind: string, apiVersion: string, n: string, spec: Record<string, unknown>, dependsOn: pulumi.Resource[]) =>
            new k8s.apiextensions.CustomResource(
                childName(name, `${kind.toLowerCase()}-${n}`),
                { apiVersion, kind, metadata: { name: n, namespace: args.namespace, labels }, spec },
                { parent: this, dependsOn },
            );

        this.modelConfigs = Object.fromEntries(
            Object.entries(args.modelConfigs).map(([m, model]) => {
                if (!model.apiKey) return [m, cr("ModelConfig", KAGENT_API.agents, m, model.spec, after)];
                const secretName = `${m}-api-key`;
                const key = vaultExternalSecret(
                    childName(name, `${m}-api-key`),
                    {
                        name: secretName,
                        namespace: args.namespace,
                        labels,
                        vaultKey: model.apiKey.vaultKey,
                        properties: { "api-key": model.apiKey.property },
                        operator: args.externalSecretsOperator,
                        secretStore: args.secretStore,
                        refreshInterval: args.refreshInterval,
                        after,
                    },
                    { parent: this },
                );
                return [m, cr("ModelConfig", KAGENT_API.agents, m, { ...model.spec, apiKeySecret: secretName, apiKeySecretKey: "api-key" }, [...after, key])];
            }),
        );
        this.remoteMCPServers = Object.fromEntries(Object.entries(args.remoteMCPServers).map(([r, spec]) => [r, cr("RemoteMCPServer", KAGENT_API.agents, r, spec, after)]));
        this.mcpServers = Object.fromEntries(Object.entries(args.mcpServers).map(([m, spec]) => [m, cr("MCPServer", KAGENT_API.mcpServer, m, spec, after)]));
        const tools = [...Object.values(this.modelConfigs), ...Object.values(this.remoteMCPServers), ...Object.values(this.mcpServers)];
        this.agents = Object.fromEntries(Object.entries(args.agents).map(([a, spec]) => [a, cr("Agent", KAGENT_API.agents, a, spec, [...after, ...tools])]));

        this.registerOutputs({ agents: Object.keys(this.agents) });
    }
}
