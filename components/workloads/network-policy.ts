import * as k8s from "@pulumi/kubernetes";

/** A port of a peer; TCP unless said otherwise. */
export interface PeerPort {
    port: number;
    /** @default "TCP" */
    protocol?: "TCP" | "UDP";
}

/**
 * A resolved network peer: pods selected by labels in a namespace, or an address block. Workload
 * names from config are resolved to the first form by the Cell (see `workloadPeer`).
 */
export type NetworkPeer =
    | { namespace: string; podSelector: Record<string, string>; ports: PeerPort[] }
    | { cidr: string; except?: string[]; ports: PeerPort[] };

/** Ranges never reached through the "external" rules: RFC 1918, CGNAT (the tailnet's own range), loopback, link-local (cloud metadata). */
export const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16"];

/** The public internet on the given ports, private ranges excluded. */
export function internet(ports: PeerPort[]): NetworkPeer {
    return { cidr: "0.0.0.0/0", except: PRIVATE_RANGES, ports };
}

/** The cluster DNS (kube-dns/CoreDNS in kube-system), UDP and TCP 53. */
export const CLUSTER_DNS: NetworkPeer = {
    namespace: "kube-system",
    podSelector: { "k8s-app": "kube-dns" },
    ports: [
        { port: 53, protocol: "UDP" },
        { port: 53, protocol: "TCP" },
    ],
};

export interface NetworkPolicySpecArgs {
    /** Labels of the pods the policy applies to. */
    podSelector: Record<string, string>;
    ingressFrom: NetworkPeer[];
    /** DNS is always added. */
    egressTo: NetworkPeer[];
}

type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;
type Port = k8s.types.input.networking.v1.NetworkPolicyPort;

function toPeer(p: NetworkPeer): Peer {
    if ("cidr" in p) return { ipBlock: { cidr: p.cidr, except: p.except && p.except.length > 0 ? p.except : undefined } };
    return {
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": p.namespace } },
        podSelector: { matchLabels: p.podSelector },
    };
}

function toPorts(p: NetworkPeer): Port[] {
    return p.ports.map((port) => ({ port: port.port, protocol: port.protocol ?? "TCP" }));
}

/**
 * The spec of a workload's NetworkPolicy, derived from its peers: ingress only from the named peers,
 * egress only to DNS and the named peers. With the namespace's default deny, nothing else passes.
 * Both policy types are always listed, so an empty list means "nothing", never "everything".
 */
export function networkPolicySpec(a: NetworkPolicySpecArgs): k8s.types.input.networking.v1.NetworkPolicySpec {
    return {
        podSelector: { matchLabels: a.podSelector },
        policyTypes: ["Ingress", "Egress"],
        ingress: a.ingressFrom.map((p) => ({ from: [toPeer(p)], ports: toPorts(p) })),
        egress: [CLUSTER_DNS, ...a.egressTo].map((p) => ({ to: [toPeer(p)], ports: toPorts(p) })),
    };
}
