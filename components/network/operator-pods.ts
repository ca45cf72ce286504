import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { GATEWAY_NAME_LABEL } from "../gateway/gateway";

/**
 * What an operator namespace needs besides the objects of its own component; shared by the
 * AgentGateway and kagent components, whose charts install pods this program does not write.
 */

/**
 * The NetworkPolicy of an operator's own pods in a namespace the cell shares with its workloads: every
 * pod there that is neither a workload of the cell (they carry the cell label and their own derived
 * policy), nor a Gateway proxy (its Gateway's policy), nor the OTel collector. Those pods talk to each
 * other and are reached from the namespace (the proxies fetch their xDS config from the controller);
 * their egress is open because the controllers call the API server, which no selector can name.
 */
export function operatorPodsPolicy(
    logicalName: string,
    args: { name: string; namespace: string; labels: Record<string, string>; ingressFrom?: k8s.types.input.networking.v1.NetworkPolicyIngressRule[] },
    opts: pulumi.CustomResourceOptions,
): k8s.networking.v1.NetworkPolicy {
    return new k8s.networking.v1.NetworkPolicy(
        logicalName,
        {
            metadata: { name: args.name, namespace: args.namespace, labels: args.labels },
            spec: {
                podSelector: {
                    matchExpressions: [
                        { key: "agent-estate/cell", operator: "DoesNotExist" },
                        { key: GATEWAY_NAME_LABEL, operator: "DoesNotExist" },
                        { key: "app.kubernetes.io/name", operator: "NotIn", values: ["opentelemetry-collector"] },
                    ],
                },
                policyTypes: ["Ingress", "Egress"],
                ingress: [{ from: [{ podSelector: {} }] }, ...(args.ingressFrom ?? [])],
                egress: [{}],
            },
        },
        opts,
    );
}

/** A copy of chart values with `value` set at a dotted path (`licensing.secretName`). */
export function withValueAt(values: Record<string, unknown>, dotted: string, value: unknown): Record<string, unknown> {
    const [head, ...rest] = dotted.split(".");
    if (rest.length === 0) return { ...values, [head]: value };
    const inner = values[head];
    return { ...values, [head]: withValueAt(inner !== null && typeof inner === "object" ? (inner as Record<string, unknown>) : {}, rest.join("."), value) };
}
