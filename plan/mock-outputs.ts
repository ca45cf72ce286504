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
};
