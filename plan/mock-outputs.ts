import * as pulumi from "@pulumi/pulumi";

/**
 * Outputs that a real provider computes and the program reads back. The mock runtime echoes inputs
 * as outputs; for these types it adds the computed fields too, deterministically from the name.
 * Values that the provider marks secret stay secret because the SDK wraps them by type.
 */
export const mockOutputs: Record<string, (name: string, inputs: Record<string, unknown>) => Record<string, unknown>> = {
    // The provider returns the minted auth key, which the program writes to Vault. The mock engine does
    // not apply the SDK's additionalSecretOutputs, so the mock returns it already secret, as the engine would.
    "tailscale:index/tailnetKey:TailnetKey": (name) => ({ key: pulumi.secret(`tskey-auth-mock${name.replace(/[^A-Za-z0-9]/g, "")}-0000000000000000`) }),
    // Pulumi Cloud mints the pool's id and its agent token (secret: the self-hosted agent logs in with it).
    "pulumiservice:index:AgentPool": (name) => ({ agentPoolId: `mock-pool-${name}`, tokenValue: pulumi.secret(`pul-mock-agent-token-${name}`) }),
    // GitHub assigns a repository its GraphQL node id (branch protection refers to it) and full name.
    "github:index/repository:Repository": (name, inputs) => ({ nodeId: `R_mock_${String(inputs.name ?? name)}`, fullName: `mock-owner/${String(inputs.name ?? name)}` }),
};
