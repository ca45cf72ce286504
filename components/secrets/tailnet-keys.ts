import * as pulumi from "@pulumi/pulumi";
import * as tailscale from "@pulumi/tailscale";
import { childName } from "../naming";

/** One node that joins the tailnet: a workload's sidecar (all its replicas) or an external machine. */
export interface TailnetNodeArgs {
    /** The workload or node name; the key is described by it. */
    name: string;
    /** ACL tags the key grants; at least one (keys minted by an OAuth client must be tagged). */
    tags: string[];
    /** Remove the node from the tailnet shortly after it goes offline. */
    ephemeral: boolean;
    /** Let the key register several nodes (replicas, restarts). */
    reusable: boolean;
    /** Seconds until the key expires (at most 90 days). */
    expirySeconds: number;
}

export interface TailnetKeysArgs {
    /** Prefix of each key's description (the cell's name), to tell cells apart in the admin console. */
    descriptionPrefix: string;
    nodes: TailnetNodeArgs[];
}

/**
 * Pre-authorized, tagged, expiring auth keys, one per node. The keys are secrets from the moment the
 * provider returns them; they leave this component only as secret Outputs, headed for Vault.
 */
export class TailnetKeys extends pulumi.ComponentResource {
    /** The minted key of each node, a secret, by node name. */
    readonly keys: Readonly<Record<string, pulumi.Output<string>>>;
    readonly tailnetKeys: Readonly<Record<string, tailscale.TailnetKey>>;

    constructor(name: string, args: TailnetKeysArgs, opts: pulumi.ComponentResourceOptions) {
        super("agent-estate:secrets:TailnetKeys", name, {}, opts);
        const tailnetKeys: Record<string, tailscale.TailnetKey> = {};
        for (const n of args.nodes) {
            tailnetKeys[n.name] = new tailscale.TailnetKey(
                childName(name, n.name),
                {
                    description: `${args.descriptionPrefix} ${n.name}`.slice(0, 50),
                    tags: [...n.tags].sort(),
                    ephemeral: n.ephemeral,
                    reusable: n.reusable,
                    preauthorized: true,
                    expiry: n.expirySeconds,
                    // An expired or revoked key is minted again on the next update, and flows to Vault from there.
                    recreateIfInvalid: "always",
                },
                { parent: this },
            );
        }
        this.tailnetKeys = tailnetKeys;
        this.keys = Object.fromEntries(Object.entries(tailnetKeys).map(([n, k]) => [n, pulumi.secret(k.key)]));
        this.registerOutputs({ nodes: Object.keys(tailnetKeys) });
    }
}
