import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { VaultReaderArgs } from "../addons/helm-addon";
import { vaultExternalSecret } from "../addons/vault-secret";
import { httpRoute } from "../gateway/http-route";
import { childName } from "../naming";

/** AgentGateway's API group and version (the OSS and Enterprise controllers share them). */
export const AGENTGATEWAY_API = { group: "agentgateway.dev", version: "agentgateway.dev/v1alpha1" } as const;

export interface AgentgatewayBackendArgs extends VaultReaderArgs {
    name: string;
    namespace: string;
    /**
     * The backend's `spec` as upstream writes it (`ai`, `mcp` or `static`, and `policies`), forwarded
     * unchanged apart from the API key's `policies.auth.secretRef`.
     */
    spec: Record<string, unknown>;
    /** The provider's API key in Vault; delivered into the Secret `<name>-api-key`. @default - no credential */
    apiKey?: { vaultKey: string; property: string };
    /** The routes to this backend: the Gateway each attaches to, its name, path and timeout. @default [] */
    routes?: Array<{ name: string; gateway: { name: string; namespace: string }; path: string; timeout?: string }>;
    /** Labels of every object (the cell's). @default {} */
    labels?: Record<string, string>;
    /** What must exist first: the CRDs, the Gateways. @default [] */
    dependsOn?: pulumi.Resource[];
}

/**
 * An AgentgatewayBackend (an LLM provider, a failover group, an MCP server, a static host), the
 * Secret of its API key copied from Vault, and the HTTPRoutes that bind it to its Gateways.
 */
export class AgentgatewayBackend extends pulumi.ComponentResource {
    readonly backend: k8s.apiextensions.CustomResource;
    readonly routes: Readonly<Record<string, k8s.apiextensions.CustomResource>>;
    readonly apiKey?: k8s.apiextensions.CustomResource;

    constructor(name: string, args: AgentgatewayBackendArgs, opts: pulumi.ComponentResourceOptions) {
        super("agent-estate:agentgateway:AgentgatewayBackend", name, {}, opts);
        const labels = args.labels ?? {};
        const secretName = `${args.name}-api-key`;

        this.apiKey =
            args.apiKey &&
            vaultExternalSecret(
                childName(name, "api-key"),
                {
                    name: secretName,
                    namespace: args.namespace,
                    labels,
                    vaultKey: args.apiKey.vaultKey,
                    // AgentGateway sends the Secret's `Authorization` value to the provider.
                    properties: { Authorization: args.apiKey.property },
                    operator: args.externalSecretsOperator,
                    secretStore: args.secretStore,
                    refreshInterval: args.refreshInterval,
                    after: args.dependsOn,
                },
                { parent: this },
            );

        const policies = (args.spec.policies ?? {}) as Record<string, unknown>;
        const spec = args.apiKey ? { ...args.spec, policies: { ...policies, auth: { secretRef: { name: secretName } } } } : args.spec;
        this.backend = new k8s.apiextensions.CustomResource(
            name,
            { apiVersion: AGENTGATEWAY_API.version, kind: "AgentgatewayBackend", metadata: { name: args.name, namespace: args.namespace, labels }, spec },
            { parent: this, dependsOn: [...(args.dependsOn ?? []), ...(this.apiKey ? [this.apiKey] : [])] },
        );

        this.routes = Object.fromEntries(
            (args.routes ?? []).map((r) => [
                r.name,
                httpRoute(
                    childName(name, `route-${r.name}`),
                    {
                        name: r.name,
                        namespace: args.namespace,
                        gateway: r.gateway,
                        path: r.path,
                        timeout: r.timeout,
                        backend: { group: AGENTGATEWAY_API.group, kind: "AgentgatewayBackend", name: args.name },
                        labels,
                    },
                    { parent: this, dependsOn: [this.backend] },
                ),
            ]),
        );

        this.registerOutputs({ backend: args.name, routes: Object.keys(this.routes) });
    }
}
