import * as pulumi from "@pulumi/pulumi";
import { F5BIGIP_VERSION } from "./version";

/** The inputs that are set: unset optional inputs are left to the provider's defaults. */
function definedInputs(args: object): pulumi.Inputs {
    const inputs: pulumi.Inputs = {};
    for (const [key, value] of Object.entries(args)) if (value !== undefined) inputs[key] = value;
    return inputs;
}

function withVersion(opts?: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
    return pulumi.mergeOptions({ version: F5BIGIP_VERSION }, opts);
}

/** Inputs of `f5bigip:ltm/monitor:Monitor` (the subset this estate uses). */
export interface MonitorArgs {
    /** Full path, `/<partition>/<name>`. */
    name: pulumi.Input<string>;
    /** The built-in monitor this one derives from, e.g. `/Common/tcp` or `/Common/http`. */
    parent: pulumi.Input<string>;
    /** Seconds between checks. @default - the parent's (5) */
    interval?: pulumi.Input<number>;
    /** Seconds without an answer before the member is marked down. @default - the parent's (16) */
    timeout?: pulumi.Input<number>;
    /** What the monitor sends (HTTP monitors). @default - the parent's */
    send?: pulumi.Input<string>;
    /** Regular expression the answer must match (HTTP monitors). @default - the parent's */
    receive?: pulumi.Input<string>;
    /** Alias address and port to check instead of the member, `*:*` for the member itself. @default - the member */
    destination?: pulumi.Input<string>;
}

/** An LTM health monitor. */
export class Monitor extends pulumi.CustomResource {
    static readonly __pulumiType = "f5bigip:ltm/monitor:Monitor";
    declare readonly name: pulumi.Output<string>;

    constructor(name: string, args: MonitorArgs, opts?: pulumi.CustomResourceOptions) {
        super(Monitor.__pulumiType, name, definedInputs(args), withVersion(opts));
    }
}

/** Inputs of `f5bigip:ltm/pool:Pool` (the subset this estate uses). */
export interface PoolArgs {
    /** Full path, `/<partition>/<name>`. */
    name: pulumi.Input<string>;
    /** Full paths of the monitors that decide whether a member gets traffic. @default - none */
    monitors?: pulumi.Input<pulumi.Input<string>[]>;
    /** Load-balancing method. @default "round-robin" */
    loadBalancingMode?: pulumi.Input<string>;
    /** `"yes"` or `"no"`. @default "yes" */
    allowSnat?: pulumi.Input<string>;
    /** `"yes"` or `"no"`. @default "yes" */
    allowNat?: pulumi.Input<string>;
    /** What happens to connections when a member goes down, e.g. `"reset"`. @default "none" */
    serviceDownAction?: pulumi.Input<string>;
    /** Free text. @default - none */
    description?: pulumi.Input<string>;
}

/** An LTM pool: the members that serve one virtual server. */
export class Pool extends pulumi.CustomResource {
    static readonly __pulumiType = "f5bigip:ltm/pool:Pool";
    declare readonly name: pulumi.Output<string>;

    constructor(name: string, args: PoolArgs, opts?: pulumi.CustomResourceOptions) {
        super(Pool.__pulumiType, name, definedInputs(args), withVersion(opts));
    }
}

/** Inputs of `f5bigip:ltm/node:Node` (the subset this estate uses). */
export interface NodeArgs {
    /** Full path, `/<partition>/<name>`. */
    name: pulumi.Input<string>;
    /** IP address (or host name) of the server. */
    address: pulumi.Input<string>;
    /** Node-level monitor, e.g. `/Common/icmp`. @default - none (members are checked by their pool's monitors) */
    monitor?: pulumi.Input<string>;
    /** Free text. @default - none */
    description?: pulumi.Input<string>;
}

/** An LTM node: one server (here, one Kubernetes node). */
export class Node extends pulumi.CustomResource {
    static readonly __pulumiType = "f5bigip:ltm/node:Node";
    declare readonly name: pulumi.Output<string>;
    declare readonly address: pulumi.Output<string>;

    constructor(name: string, args: NodeArgs, opts?: pulumi.CustomResourceOptions) {
        super(Node.__pulumiType, name, definedInputs(args), withVersion(opts));
    }
}

/** Inputs of `f5bigip:ltm/poolAttachment:PoolAttachment` (the subset this estate uses). */
export interface PoolAttachmentArgs {
    /** Full path of the pool. */
    pool: pulumi.Input<string>;
    /** The member: `<node full path>:<port>` (or `<ipv4>:<port>`). */
    node: pulumi.Input<string>;
    /** Member-level monitor override. @default - the pool's monitors */
    monitor?: pulumi.Input<string>;
}

/** A pool member: a node on a port, attached to a pool. */
export class PoolAttachment extends pulumi.CustomResource {
    static readonly __pulumiType = "f5bigip:ltm/poolAttachment:PoolAttachment";
    declare readonly pool: pulumi.Output<string>;
    declare readonly node: pulumi.Output<string>;

    constructor(name: string, args: PoolAttachmentArgs, opts?: pulumi.CustomResourceOptions) {
        super(PoolAttachment.__pulumiType, name, definedInputs(args), withVersion(opts));
    }
}

/** Inputs of `f5bigip:ltm/virtualServer:VirtualServer` (the subset this estate uses). */
export interface VirtualServerArgs {
    /** Full path, `/<partition>/<name>`. */
    name: pulumi.Input<string>;
    /** The VIP address. */
    destination: pulumi.Input<string>;
    /** The listening port. */
    port: pulumi.Input<number>;
    /** Destination mask. @default "255.255.255.255" */
    mask?: pulumi.Input<string>;
    /** `tcp`, `udp` or `any`. @default "tcp" */
    ipProtocol?: pulumi.Input<string>;
    /** Default pool (full path). @default - none */
    pool?: pulumi.Input<string>;
    /** Profiles for both contexts, e.g. `["/Common/fastL4"]`. @default - `/Common/tcp` */
    profiles?: pulumi.Input<pulumi.Input<string>[]>;
    /** Client-side profiles, e.g. a client SSL profile that terminates TLS. @default - none */
    clientProfiles?: pulumi.Input<pulumi.Input<string>[]>;
    /** `none`, `automap` or `snat`. @default "none" */
    sourceAddressTranslation?: pulumi.Input<string>;
    /** `enabled` or `disabled`. @default "enabled" */
    translateAddress?: pulumi.Input<string>;
    /** `enabled` or `disabled`. @default "enabled" */
    translatePort?: pulumi.Input<string>;
    /** Free text. @default - none */
    description?: pulumi.Input<string>;
}

/** An LTM virtual server: a VIP and port that accepts traffic and hands it to a pool. */
export class VirtualServer extends pulumi.CustomResource {
    static readonly __pulumiType = "f5bigip:ltm/virtualServer:VirtualServer";
    declare readonly name: pulumi.Output<string>;
    declare readonly destination: pulumi.Output<string>;
    declare readonly port: pulumi.Output<number>;

    constructor(name: string, args: VirtualServerArgs, opts?: pulumi.CustomResourceOptions) {
        super(VirtualServer.__pulumiType, name, definedInputs(args), withVersion(opts));
    }
}
