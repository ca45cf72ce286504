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
    /**
     * The namespace exists and runs pods this program does not manage (which, in a sentence): it is labelled
     * through a server-side-apply patch instead of being created, and its default deny selects `ownPods` only.
     * @default - the namespace is the cell's: created, and closed for every pod
     */
    shared?: { with: string; ownPods: Record<string, string> };
}

/**
 * A namespace that is closed by default: Pod Security Standards enforced, audited and warned at the
 * given level, and a default-deny NetworkPolicy for ingress and egress. Workloads then open exactly
 * what they need with their own policies.
 */
export class CellNamespace extends pulumi.ComponentResource {
    /** The Namespace, or the patch that labels a namespace the cell shares. */
    readonly namespace: k8s.core.v1.Namespace | k8s.core.v1.NamespacePatch;
    readonly defaultDeny: k8s.networking.v1.NetworkPolicy;
    /** The namespace's name, known at declaration time, for the components that place objects in it. */
    readonly name: string;

    constructor(name: string, args: CellNamespaceArgs, opts: pulumi.ComponentResourceOptions) {
        super("agent-estate:network:CellNamespace", name, {}, opts);
        const level = args.podSecurity ?? "restricted";
        this.name = args.name;

        const annotations = {
            ...(args.podSecurityReason === undefined ? {} : { "agent-estate/pod-security-reason": args.podSecurityReason }),
            ...(args.shared === undefined ? {} : { "agent-estate/shared-with": args.shared.with }),
        };
        // A shared namespace is only labelled (server-side apply owns just these fields): deleting the cell leaves it and its other pods.
        const Kind = args.shared ? k8s.core.v1.NamespacePatch : k8s.core.v1.Namespace;
        this.namespace = new Kind(
            name,
            {
                metadata: {
                    name: args.name,
                    ...(Object.keys(annotations).length === 0 ? {} : { annotations }),
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
                // In a shared namespace, the cell's pods only: the other software keeps the traffic its owners allow.
                spec: { podSelector: args.shared ? { matchLabels: args.shared.ownPods } : {}, policyTypes: ["Ingress", "Egress"] },
            },
            { parent: this, dependsOn: [this.namespace] },
        );

        this.registerOutputs({ name: this.name });
    }
}
