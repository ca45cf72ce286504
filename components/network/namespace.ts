import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childName } from "../naming";

export interface CellNamespaceArgs {
    /** The namespace's name. */
    name: string;
    /** Labels for the namespace and its default-deny policy (cell labels, extra labels from config). @default {} */
    labels?: Record<string, string>;
    /**
     * Pod Security Standards level enforced by the API server.
     * @default "restricted" - the hardened profile every agent workload is built to pass
     * "privileged" is only for node-level agents that cannot run otherwise (Longhorn's manager and
     * CSI plugin mount host paths and run privileged; Prometheus' node-exporter uses the host's
     * network and PID namespaces); the add-on that needs it says so where it asks for it.
     */
    podSecurity?: "restricted" | "baseline" | "privileged";
    /** Why the namespace is not `restricted`, kept on the namespace as an annotation for whoever audits it. @default - none */
    podSecurityReason?: string;
}

/**
 * A namespace that is closed by default: Pod Security Standards enforced, audited and warned at the
 * given level, and a default-deny NetworkPolicy for ingress and egress. Workloads then open exactly
 * what they need with their own policies.
 */
export class CellNamespace extends pulumi.ComponentResource {
    readonly namespace: k8s.core.v1.Namespace;
    readonly defaultDeny: k8s.networking.v1.NetworkPolicy;
    /** The namespace's name, known at declaration time, for the components that place objects in it. */
    readonly name: string;

    constructor(name: string, args: CellNamespaceArgs, opts: pulumi.ComponentResourceOptions) {
        super("agent-estate:network:CellNamespace", name, {}, opts);
        const level = args.podSecurity ?? "restricted";
        this.name = args.name;

        this.namespace = new k8s.core.v1.Namespace(
            name,
            {
                metadata: {
                    name: args.name,
                    ...(args.podSecurityReason === undefined ? {} : { annotations: { "agent-estate/pod-security-reason": args.podSecurityReason } }),
                    labels: {
                        ...args.labels,
                        "pod-security.kubernetes.io/enforce": level,
                        "pod-security.kubernetes.io/enforce-version": "latest",
                        "pod-security.kubernetes.io/audit": level,
                        "pod-security.kubernetes.io/warn": level,
                    },
                },
            },
            { parent: this },
        );

        this.defaultDeny = new k8s.networking.v1.NetworkPolicy(
            childName(name, "default-deny"),
            {
                metadata: { name: "default-deny", namespace: args.name, labels: args.labels },
                spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
            },
            { parent: this, dependsOn: [this.namespace] },
        );

        this.registerOutputs({ name: this.name });
    }
}
