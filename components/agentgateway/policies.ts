import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childName } from "../naming";
import { AGENTGATEWAY_API } from "./backend";

export interface AgentgatewayPoliciesArgs {
    namespace: string;
    /** Policies by name, each with its upstream `spec`; only those switched on. */
    policies: Record<string, Record<string, unknown>>;
    /**
     * Traces from every listed Gateway to an OTLP/gRPC collector Service, sampled at `randomSampling`:
     * one policy `tracing` targeting the Gateways. @default - no tracing
     */
    tracing?: { gateways: string[]; collector: { name: string; namespace: string; port: number }; randomSampling: string };
    /** Labels of every object (the cell's). @default {} */
    labels?: Record<string, string>;
    /** What must exist first: the CRDs, the Gateways, the routes they target. @default [] */
    dependsOn?: pulumi.Resource[];
}

/** The AgentgatewayPolicies of a namespace: guardrails, rate limits and tracing, each from config. */
export class AgentgatewayPolicies extends pulumi.ComponentResource {
    readonly policies: Readonly<Record<string, k8s.apiextensions.CustomResource>>;

    constructor(name: string, args: AgentgatewayPoliciesArgs, opts: pulumi.ComponentResourceOptions) {
        super("agent-estate:agentgateway:AgentgatewayPolicies", name, {}, opts);
        const labels = args.labels ?? {};
        const all: Record<string, Record<string, unknown>> = { ...args.policies };
        const t = args.tracing;
        if (t) {
            all.tracing = {
                targetRefs: t.gateways.map((g) => ({ group: "gateway.networking.k8s.io", kind: "Gateway", name: g })),
                frontend: {
                    tracing: {
                        backendRef: { kind: "Service", name: t.collector.name, namespace: t.collector.namespace, port: t.collector.port },
                        protocol: "GRPC",
                        randomSampling: t.randomSampling,
                    },
                },
            };
        }
        this.policies = Object.fromEntries(
            Object.entries(all).map(([p, spec]) => [
                p,
                new k8s.apiextensions.CustomResource(
                    childName(name, p),
                    { apiVersion: AGENTGATEWAY_API.version, kind: "AgentgatewayPolicy", metadata: { name: p, namespace: args.namespace, labels }, spec },
                    { parent: this, dependsOn: args.dependsOn },
                ),
            ]),
        );
        this.registerOutputs({ policies: Object.keys(this.policies) });
    }
}
