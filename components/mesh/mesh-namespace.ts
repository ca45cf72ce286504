import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childName } from "../naming";

export interface MeshNamespaceArgs {
    /** A namespace of the cell in the mesh. */
    namespace: string;
    /** Labels every pod the cell declares carries (its workloads', CronJobs', data services'…): the pods the policy opens. */
    cellPods: Record<string, string>;
    /** istiod's pods and the port its sidecars call (xDS and certificates). */
    istiod: { namespace: string; podSelector: Record<string, string>; port: number };
    /** @default {} */
    labels?: Record<string, string>;
    /** The namespace. @default [] */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * What the sidecar data plane needs in one of the cell's namespaces, for every pod the cell declares
 * there (whichever component declared it, since injection applies to all of them): egress to istiod,
 * without which an injected istio-proxy never becomes ready. Policies add up, so this one widens each
 * pod's own policy by exactly that.
 */
export class MeshNamespace extends pulumi.ComponentResource {
    readonly networkPolicy: k8s.networking.v1.NetworkPolicy;

    constructor(name: string, args: MeshNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agent-estate:mesh:MeshNamespace", name, {}, opts);
        this.networkPolicy = new k8s.networking.v1.NetworkPolicy(
            childName(name, "istiod"),
            {
                metadata: { name: "istio-sidecar", namespace: args.namespace, labels: args.labels },
                spec: {
                    podSelector: { matchLabels: args.cellPods },
                    policyTypes: ["Egress"],
                    egress: [
                        {
                            to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": args.istiod.namespace } }, podSelector: { matchLabels: args.istiod.podSelector } }],
                            ports: [{ port: args.istiod.port, protocol: "TCP" }],
                        },
                    ],
                },
            },
            { parent: this, dependsOn: args.dependsOn },
        );
        this.registerOutputs({ namespace: args.namespace });
    }
}
