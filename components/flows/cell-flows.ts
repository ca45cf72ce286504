import * as pulumi from "@pulumi/pulumi";

/** A TCP or UDP port of an endpoint: the Service port, and the pods' port behind it. */
export interface EndpointPort {
    port: number;
    /** @default - the same as `port` */
    targetPort?: number;
    /** @default "TCP" */
    protocol?: "TCP" | "UDP";
}

/**
 * A Service the program names (in a URL it hands a workload, or as a peer) but does not render itself:
 * a Helm chart or an operator creates it. The pods behind it carry `podSelector`'s labels.
 */
export interface ServiceEndpoint {
    /** The Service's name. */
    service: string;
    namespace: string;
    podSelector: Record<string, string>;
    ports: EndpointPort[];
    /** Who creates it, e.g. "addon otelCollector". */
    owner: string;
}

/** A name outside the pod network whose addresses the config knows (an API server, an external Vault). */
export interface ExternalEndpoint {
    host: string;
    /** Addresses or CIDRs the name resolves to. @default - a public address the plan cannot know */
    addresses?: string[];
    /** Ports the name answers on, when the addresses listen elsewhere (the API server's 443 → 6443). @default - the port asked for */
    ports?: EndpointPort[];
    owner: string;
}

/** One end of a declared flow: pods by namespace and labels, or addresses outside the pod network. */
export type FlowEnd =
    | { name: string; namespace: string; podSelector: Record<string, string> }
    | { name: string; addresses: string[] }
    /** A tailnet node (tags as advertised) reaching a pod through its tailscale sidecar. */
    | { name: string; tailnetTags: string[] };

/** A flow the rendered pods do not show as a URL: a chart's exporter, a VIP, a tailnet peer, a secret URL. */
export interface DeclaredFlow {
    from: FlowEnd;
    /** A URL or `host:port`; a tailnet flow names the workload's Service (`<service>.<namespace>:<port>`). */
    to: string;
    /** @default "TCP" */
    protocol?: "TCP" | "UDP";
    /** Why the flow exists, e.g. "OTLP export to Langfuse". */
    why: string;
    /** How it travels. @default "cluster" - through the pod network, where NetworkPolicies apply */
    via?: "cluster" | "nodePort" | "tailnet";
}

export interface CellFlowsArgs {
    endpoints: ServiceEndpoint[];
    externals: ExternalEndpoint[];
    flows: DeclaredFlow[];
}

/**
 * What the cell means to talk to, besides the URLs its pods' environment already shows: the Services
 * charts create, the external names it knows, and the flows no rendered URL reveals. It declares no
 * cloud object; its inputs are the record `npm run plan -- <stack> --flows` checks against the cell's
 * NetworkPolicies.
 */
export class CellFlows extends pulumi.ComponentResource {
    constructor(name: string, args: CellFlowsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agent-estate:flows:CellFlows", name, sorted(args), opts);
        this.registerOutputs({});
    }
}

/** Stable order, so the plan stays byte-identical whatever order the areas declared in. */
function sorted(a: CellFlowsArgs): CellFlowsArgs {
    const by = <T>(key: (t: T) => string) => (x: T, y: T) => key(x).localeCompare(key(y));
    return {
        endpoints: [...a.endpoints].sort(by((e) => `${e.namespace}/${e.service}`)),
        externals: [...a.externals].sort(by((e) => e.host)),
        flows: [...a.flows].sort(by((f) => `${f.from.name} ${f.to} ${f.why}`)),
    };
}

/** The type token the plan reads the declarations from. */
export const CELL_FLOWS_TYPE = "agent-estate:flows:CellFlows";
