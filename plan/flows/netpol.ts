/**
 * A small model of Kubernetes NetworkPolicy semantics (networking.k8s.io/v1), enough to decide whether
 * one connection passes: a pod is isolated in a direction once any policy selecting it lists that
 * policy type; an isolated pod lets a connection through when any rule of any selecting policy allows
 * it. Egress is judged at the source pod, ingress at the destination pod; both must allow.
 */

/** A label selector as Kubernetes spells it. */
export interface LabelSelector {
    matchLabels?: Record<string, string>;
    matchExpressions?: Array<{ key: string; operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; values?: string[] }>;
}

export interface PolicyPort {
    protocol?: string;
    port?: number | string;
    endPort?: number;
}

export interface PolicyPeer {
    podSelector?: LabelSelector;
    namespaceSelector?: LabelSelector;
    ipBlock?: { cidr: string; except?: string[] };
}

export interface PolicyRule {
    /** `from` for ingress, `to` for egress; absent or empty: every peer. */
    peers?: PolicyPeer[];
    /** Absent or empty: every port. */
    ports?: PolicyPort[];
}

/** One NetworkPolicy, as declared. */
export interface Policy {
    name: string;
    namespace: string;
    podSelector: LabelSelector;
    types: Array<"Ingress" | "Egress">;
    ingress: PolicyRule[];
    egress: PolicyRule[];
}

/** A pod template: where it runs, its labels, and its containers' named ports. */
export interface Pod {
    namespace: string;
    labels: Record<string, string>;
    /** Container port names to numbers (for named ports in rules). */
    namedPorts: Record<string, number>;
}

/** The other end of a connection: a pod, or an address outside the pod network. */
export type Peer =
    | { kind: "pod"; pod: Pod }
    /** `public` is a public address the plan cannot know (a DNS name resolved at run time). */
    | { kind: "address"; address: string | "public" };

/** Which rule of which policy a decision rests on. */
export interface RuleRef {
    policy: string;
    namespace: string;
    direction: "ingress" | "egress";
    /** Index in the policy's `ingress` or `egress` list. */
    index: number;
}

export interface Verdict {
    allowed: boolean;
    /** The rules that allow it (empty when the pod is not isolated in that direction). */
    allowedBy: RuleRef[];
    /** The policies that isolate the pod in that direction (named in a denial). */
    isolatedBy: string[];
}

export function selects(sel: LabelSelector | undefined, labels: Record<string, string>): boolean {
    if (!sel) return true;
    for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
    for (const e of sel.matchExpressions ?? []) {
        const has = Object.prototype.hasOwnProperty.call(labels, e.key);
        const values = e.values ?? [];
        if (e.operator === "In" && !(has && values.includes(labels[e.key]))) return false;
        if (e.operator === "NotIn" && has && values.includes(labels[e.key])) return false;
        if (e.operator === "Exists" && !has) return false;
        if (e.operator === "DoesNotExist" && has) return false;
    }
    return true;
}

function ipv4(a: string): number | undefined {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(a);
    const parts = m?.slice(1).map(Number);
    return parts && parts.every((p) => p <= 255) ? ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3] : undefined;
}

/** Answers given: a plan asks about the same few CIDRs and addresses for every flow and rule. */
const containment = new Map<string, boolean>();

/** Whether an IPv4 address (or a whole CIDR) lies inside a CIDR. */
export function cidrContains(cidr: string, address: string): boolean {
    const key = `${cidr} ${address}`;
    let answer = containment.get(key);
    if (answer === undefined) containment.set(key, (answer = contains(cidr, address)));
    return answer;
}

function contains(cidr: string, address: string): boolean {
    const [net, bitsText] = cidr.split("/");
    const [addr, addrBitsText] = address.split("/");
    const n = ipv4(net);
    const a = ipv4(addr);
    if (n === undefined || a === undefined) return false;
    const bits = bitsText === undefined ? 32 : Number(bitsText);
    const addrBits = addrBitsText === undefined ? 32 : Number(addrBitsText);
    if (addrBits < bits) return false;
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    return ((n & mask) >>> 0) === ((a & mask) >>> 0);
}

/** Ranges that are never a public address: RFC 1918, CGNAT, loopback, link-local. */
const NON_PUBLIC = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16"];

/** Answers given per ipBlock: every flow of a cell asks about the same blocks and a few addresses. */
const blockAnswers = new WeakMap<{ cidr: string; except?: string[] }, Map<string, boolean>>();

/** An ipBlock matches an unknown public address only when it spans the whole internet, excepting nothing public. */
function ipBlockMatches(block: { cidr: string; except?: string[] }, address: string | "public"): boolean {
    let answers = blockAnswers.get(block);
    if (!answers) blockAnswers.set(block, (answers = new Map()));
    let answer = answers.get(address);
    if (answer === undefined) answers.set(address, (answer = blockContains(block, address)));
    return answer;
}

function blockContains(block: { cidr: string; except?: string[] }, address: string | "public"): boolean {
    if (address === "public") {
        if (block.cidr !== "0.0.0.0/0" && block.cidr !== "::/0") return false;
        return (block.except ?? []).every((e) => NON_PUBLIC.some((p) => cidrContains(p, e)));
    }
    return cidrContains(block.cidr, address) && !(block.except ?? []).some((e) => cidrContains(e, address));
}

/**
 * Whether a rule's peer matches the other end. Pod peers match by namespace and pod labels; an ipBlock
 * never matches a pod (pod addresses are the cluster's to assign), and selectors never match an address.
 */
function peerMatches(p: PolicyPeer, policyNamespace: string, other: Peer, namespaceLabels: (ns: string) => Record<string, string>): boolean {
    if (p.ipBlock) return other.kind === "address" && ipBlockMatches(p.ipBlock, other.address);
    if (other.kind !== "pod") return false;
    if (p.namespaceSelector) {
        if (!selects(p.namespaceSelector, namespaceLabels(other.pod.namespace))) return false;
    } else if (other.pod.namespace !== policyNamespace) return false;
    return selects(p.podSelector, other.pod.labels);
}

/** Whether a rule's ports admit `port`; a named port is looked up on the destination pod. */
function portMatches(ports: PolicyPort[] | undefined, port: number, protocol: string, destination: Pod | undefined): boolean {
    if (!ports || ports.length === 0) return true;
    return ports.some((p) => {
        if ((p.protocol ?? "TCP") !== protocol) return false;
        if (p.port === undefined) return true;
        const number = typeof p.port === "number" ? p.port : destination?.namedPorts[p.port];
        if (number === undefined) return false;
        return p.endPort !== undefined ? port >= number && port <= p.endPort : port === number;
    });
}

/**
 * Judges one direction at one pod: `direction` "egress" at the source (`other` is the destination),
 * "ingress" at the destination (`other` is the source). `port` is the pod's port (after a Service's
 * targetPort), `protocol` TCP/UDP/SCTP.
 */
export function judge(
    policies: Policy[],
    pod: Pod,
    direction: "ingress" | "egress",
    other: Peer,
    port: number,
    protocol: string,
    namespaceLabels: (ns: string) => Record<string, string>,
): Verdict {
    const type = direction === "ingress" ? "Ingress" : "Egress";
    const selecting = selectingPolicies(policies, pod, type);
    if (selecting.length === 0) return { allowed: true, allowedBy: [], isolatedBy: [] };
    const destination = direction === "egress" ? (other.kind === "pod" ? other.pod : undefined) : pod;
    const allowedBy: RuleRef[] = [];
    for (const p of selecting) {
        p[direction].forEach((rule, index) => {
            const peerOk = !rule.peers || rule.peers.length === 0 || rule.peers.some((peer) => peerMatches(peer, p.namespace, other, namespaceLabels));
            if (peerOk && portMatches(rule.ports, port, protocol, destination)) allowedBy.push({ policy: p.name, namespace: p.namespace, direction, index });
        });
    }
    return { allowed: allowedBy.length > 0, allowedBy, isolatedBy: selecting.map((p) => p.name) };
}

/** The policies of a cell that select a pod in a direction: the same for every connection of that pod, so found once. */
function selectingPolicies(policies: Policy[], pod: Pod, type: "Ingress" | "Egress"): Policy[] {
    let ofPods = selectingOf.get(policies);
    if (!ofPods) selectingOf.set(policies, (ofPods = new WeakMap()));
    let ofPod = ofPods.get(pod);
    if (!ofPod) ofPods.set(pod, (ofPod = {}));
    return (ofPod[type] ??= policies.filter((p) => p.namespace === pod.namespace && p.types.includes(type) && selects(p.podSelector, pod.labels)));
}

const selectingOf = new WeakMap<Policy[], WeakMap<Pod, Partial<Record<"Ingress" | "Egress", Policy[]>>>>();

/** A NetworkPolicy's spec, as rendered, in this model's terms; `policyTypes` defaults as Kubernetes defaults it. */
export function policyOf(name: string, namespace: string, spec: Record<string, unknown>): Policy {
    const ingress = ((spec.ingress as Array<{ from?: PolicyPeer[]; ports?: PolicyPort[] }>) ?? []).map((r) => ({ peers: r.from, ports: r.ports }));
    const egress = ((spec.egress as Array<{ to?: PolicyPeer[]; ports?: PolicyPort[] }>) ?? []).map((r) => ({ peers: r.to, ports: r.ports }));
    const declared = spec.policyTypes as Array<"Ingress" | "Egress"> | undefined;
    const types: Array<"Ingress" | "Egress"> = declared ?? (spec.egress ? ["Ingress", "Egress"] : ["Ingress"]);
    return { name, namespace, podSelector: (spec.podSelector as LabelSelector) ?? {}, types, ingress, egress };
}
