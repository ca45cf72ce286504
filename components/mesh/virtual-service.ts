import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { IVirtualService } from "@kubernetes-models/istio/networking.istio.io/v1beta1/VirtualService";
import type { HttpRoute, VirtualServiceSpec } from "../../config/sections/mesh";
import { childName, serviceHost } from "../naming";

export interface ServiceVirtualServiceArgs {
    /** The Service it routes to (the workload's name); also the VirtualService's name. */
    service: string;
    namespace: string;
    /** The Service's port, where routes without a destination go. */
    port: number;
    /**
     * The spec in Istio's field names. `hosts` defaults to the Service's short and full names,
     * `gateways` to ["mesh"]; an http route without `route` goes to the Service on `port`.
     */
    spec: VirtualServiceSpec;
    /** @default {} */
    labels?: Record<string, string>;
    /** What must exist first (the Service). @default [] */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * The Istio VirtualService of one Service: its routes in the order given (Istio matches the first),
 * each sent to the Service unless it names its own destinations.
 */
export class ServiceVirtualService extends pulumi.ComponentResource {
    readonly virtualService: k8s.apiextensions.CustomResource;
    /** The spec as declared, with the derived hosts, gateways and destinations. */
    readonly spec: VirtualServiceSpec;

    constructor(name: string, args: ServiceVirtualServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agent-estate:mesh:ServiceVirtualService", name, {}, opts);
        const host = serviceHost(args.service, args.namespace);
        const toService: HttpRoute["route"] = [{ destination: { host, port: { number: args.port } } }];
        this.spec = {
            ...args.spec,
            hosts: args.spec.hosts ?? [args.service, host],
            gateways: args.spec.gateways ?? ["mesh"],
            http: args.spec.http?.map((r) => ({ ...r, route: r.route ?? toService })),
        };
        // Typed by the Istio model (the plan validates the object against it); the model class itself is not loaded.
        const object: IVirtualService = { apiVersion: "networking.istio.io/v1beta1", kind: "VirtualService", metadata: { name: args.service, namespace: args.namespace, labels: args.labels }, spec: this.spec };
        this.virtualService = new k8s.apiextensions.CustomResource(childName(name, "virtualservice"), object, { parent: this, dependsOn: args.dependsOn });
        this.registerOutputs({ name: args.service });
    }
}
