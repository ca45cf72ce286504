import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { IDestinationRule } from "@kubernetes-models/istio/networking.istio.io/v1beta1/DestinationRule";
import type { DestinationRuleSpec } from "../../config/sections/mesh";
import { childName, serviceHost } from "../naming";

export interface ServiceDestinationRuleArgs {
    /** The Service the rule applies to (the workload's name); also the rule's name. */
    service: string;
    namespace: string;
    /** The spec in Istio's field names, without `host` (the Service's full name). */
    spec: Omit<DestinationRuleSpec, "host">;
    /** @default {} */
    labels?: Record<string, string>;
    /** What must exist first (the Service). @default [] */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** The Istio DestinationRule of one Service: connection pool, load balancing, outlier detection, TLS, subsets. */
export class ServiceDestinationRule extends pulumi.ComponentResource {
    readonly destinationRule: k8s.apiextensions.CustomResource;

    constructor(name: string, args: ServiceDestinationRuleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agent-estate:mesh:ServiceDestinationRule", name, {}, opts);
        const spec: DestinationRuleSpec = { host: serviceHost(args.service, args.namespace), ...args.spec };
        // Typed by the Istio model (the plan validates the object against it); the model class itself is not loaded.
        const object: IDestinationRule = { apiVersion: "networking.istio.io/v1beta1", kind: "DestinationRule", metadata: { name: args.service, namespace: args.namespace, labels: args.labels }, spec };
        this.destinationRule = new k8s.apiextensions.CustomResource(childName(name, "destinationrule"), object, { parent: this, dependsOn: args.dependsOn });
        this.registerOutputs({ name: args.service });
    }
}
