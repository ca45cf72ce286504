import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childName } from "../naming";
import { NetworkPeer, networkPolicySpec } from "../workloads/network-policy";

/** The label a Gateway API implementation puts on the pods of a Gateway's proxy. */
export const GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";

export interface GatewayListenerArgs {
    name: string;
    port: number;
    protocol: "HTTP" | "HTTPS";
    /** Fixed NodePort of the proxy's Service for this port. @default - none, in-cluster only */
    nodePort?: number;
}

export interface CellGatewayArgs {
    /** The Gateway's name (its proxy's pods carry it as {@link GATEWAY_NAME_LABEL}). */
    name: string;
    namespace: string;
    /** The GatewayClass whose controller runs the proxy. */
    className: string;
    listeners: GatewayListenerArgs[];
    /** Name of the NodePort Service, declared when a listener has a nodePort. */
    serviceName: string;
    /** Where the proxy may send (its backends, the trace collector, providers); DNS is always allowed. @default [] */
    egressTo?: NetworkPeer[];
    /** Labels of every object (the cell's). @default {} */
    labels?: Record<string, string>;
    /** What must exist first: the controller and its CRDs. @default [] */
    dependsOn?: pulumi.Resource[];
}

/**
 * A Gateway the cell owns (Gateway API's platform role): its listeners, the NodePort Service in front
 * of its proxy when a listener has a fixed NodePort (an F5 VIP sends there), and the proxy's
 * NetworkPolicy: anyone may reach the listener ports, the proxy reaches only what `egressTo` names.
 * Routes attach to it from the backends and workloads that need them.
 */
export class CellGateway extends pulumi.ComponentResource {
    readonly gateway: k8s.apiextensions.CustomResource;
    /** The NodePort Service, when a listener has a nodePort. */
    readonly service?: k8s.core.v1.Service;
    readonly networkPolicy: k8s.networking.v1.NetworkPolicy;
    readonly name: string;
    readonly namespace: string;
    /** Labels of the proxy's pods. */
    readonly podLabels: Readonly<Record<string, string>>;

    constructor(name: string, args: CellGatewayArgs, opts: pulumi.ComponentResourceOptions) {
        super("agent-estate:gateway:CellGateway", name, {}, opts);
        this.name = args.name;
        this.namespace = args.namespace;
        this.podLabels = { [GATEWAY_NAME_LABEL]: args.name };
        const labels = args.labels ?? {};

        this.gateway = new k8s.apiextensions.CustomResource(
            name,
            {
                apiVersion: "gateway.networking.k8s.io/v1",
                kind: "Gateway",
                metadata: { name: args.name, namespace: args.namespace, labels },
                spec: {
                    gatewayClassName: args.className,
                    // Routes of any namespace may attach: which ones do is decided by the routes the program declares.
                    listeners: args.listeners.map((l) => ({ name: l.name, port: l.port, protocol: l.protocol, allowedRoutes: { namespaces: { from: "All" } } })),
                },
            },
            { parent: this, dependsOn: args.dependsOn },
        );

        const exposed = args.listeners.filter((l) => l.nodePort !== undefined);
        if (exposed.length > 0) {
            this.service = new k8s.core.v1.Service(
                childName(name, "nodeport"),
                {
                    metadata: { name: args.serviceName, namespace: args.namespace, labels },
                    spec: {
                        type: "NodePort",
                        selector: this.podLabels,
                        // The F5 sends to every node; keep the client's node-level source for the proxy's logs.
                        externalTrafficPolicy: "Cluster",
                        ports: exposed.map((l) => ({ name: l.name, port: l.port, targetPort: l.port, nodePort: l.nodePort, protocol: "TCP" })),
                    },
                },
                { parent: this },
            );
        }

        const spec = networkPolicySpec({ podSelector: this.podLabels, ingressFrom: [], egressTo: [...(args.egressTo ?? [])] });
        this.networkPolicy = new k8s.networking.v1.NetworkPolicy(
            childName(name, "policy"),
            {
                metadata: { name: `gateway-${args.name}`, namespace: args.namespace, labels },
                spec: {
                    ...spec,
                    // Clients come from anywhere: the F5's SNAT addresses through the NodePort, pods of any namespace.
                    ingress: [{ ports: args.listeners.map((l) => ({ port: l.port, protocol: "TCP" })) }],
                },
            },
            { parent: this },
        );

        this.registerOutputs({ name: this.name, service: this.service?.metadata.name });
    }
}
