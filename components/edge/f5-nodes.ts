import * as pulumi from "@pulumi/pulumi";
import { childName } from "../naming";
import * as f5bigip from "./f5bigip";
import { f5NodeName, f5Path } from "./f5-names";

export interface F5ClusterNodesArgs {
    /** The cell, prefix of every F5 object name. */
    cell: string;
    /** Addresses of the cluster's nodes. */
    addresses: readonly string[];
    /**
     * BIG-IP partition.
     * @default "Common"
     */
    partition?: string;
}

/**
 * The cluster's nodes as BIG-IP nodes, declared once and shared by every VIP pool of the cell (a
 * BIG-IP node is unique per address, so each VIP must not declare its own).
 */
export class F5ClusterNodes extends pulumi.ComponentResource {
    /** The BIG-IP node of each cluster node, by address. */
    readonly nodes: Readonly<Record<string, f5bigip.ltm.Node>>;

    constructor(name: string, args: F5ClusterNodesArgs, opts: pulumi.ComponentResourceOptions) {
        super("agent-estate:edge:F5ClusterNodes", name, {}, opts);
        const partition = args.partition ?? "Common";
        this.nodes = Object.fromEntries(
            args.addresses.map((address) => [
                address,
                new f5bigip.ltm.Node(
                    childName(name, address),
                    { name: f5Path(partition, f5NodeName(args.cell, address)), address, description: `${args.cell} cluster node ${address}` },
                    { parent: this },
                ),
            ]),
        );
        this.registerOutputs({ addresses: args.addresses });
    }
}
