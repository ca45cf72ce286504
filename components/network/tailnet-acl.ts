import * as pulumi from "@pulumi/pulumi";
import * as tailscale from "@pulumi/tailscale";
import { childName } from "../naming";

/** One accept rule: nodes with any `src` tag may reach `dst` entries (`<tag>:<ports>`). */
export interface TailnetGrant {
    src: string[];
    /** `tag:<name>:<port>[,<port>]`, Tailscale's own spelling. */
    dst: string[];
}

export interface TailnetAclArgs {
    /** What the tailnet lets through; everything else is denied. */
    grants: TailnetGrant[];
    /** Every tag the cell's nodes and grants use; each needs an owner or no key can carry it. */
    tags: string[];
    /** Who may assign the tags: admins, and the tags of the OAuth client that mints the keys. @default ["autogroup:admin"] */
    tagOwners?: string[];
}

/** The tailnet policy document: tag owners and accept rules in a stable order, so a plan is byte-identical. */
export function tailnetPolicy(args: TailnetAclArgs): string {
    const owners = args.tagOwners ?? ["autogroup:admin"];
    // Only tags have owners; people (autogroup:member, group:…) are sources, not tags.
    const tags = [...new Set([...args.tags, ...args.grants.flatMap((g) => [...g.src, ...g.dst.map((d) => d.slice(0, d.lastIndexOf(":")))])])].filter((t) => t.startsWith("tag:")).sort();
    return JSON.stringify(
        {
            tagOwners: Object.fromEntries(tags.map((t) => [t, owners])),
            acls: args.grants.map((g) => ({ action: "accept", src: [...g.src].sort(), dst: [...g.dst].sort() })),
        },
        null,
        2,
    );
}

/**
 * The tailnet's whole policy file (tailscale.Acl): default deny, each grant an accept rule on named
 * ports only, so a workload's service port is reachable from the peers that need it and the ports of
 * its sidecars (an MCP proxy, health endpoints) are not. It replaces whatever policy the tailnet had.
 */
export class TailnetAcl extends pulumi.ComponentResource {
    readonly acl: tailscale.Acl;
    readonly policy: string;

    constructor(name: string, args: TailnetAclArgs, opts: pulumi.ComponentResourceOptions) {
        super("agent-estate:network:TailnetAcl", name, {}, opts);
        this.policy = tailnetPolicy(args);
        this.acl = new tailscale.Acl(childName(name, "policy"), { acl: this.policy, overwriteExistingContent: true }, { parent: this });
        this.registerOutputs({ grants: args.grants.length });
    }
}
