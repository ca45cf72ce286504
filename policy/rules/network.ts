// Network exposure: nothing reachable from outside the cluster by accident, nothing inside a
// namespace reachable before a policy says so.
import { eachDecision, isK8s, list, Obj } from "../common";
import { resourcePolicy, stackPolicy } from "../define";
import { carriesPod, podOf } from "../pod";

const networking = "networking.k8s.io";

export const serviceExposure = resourcePolicy<{ exposedNamespaces: string[] }>({
    name: "service-exposure",
    description: "Services of type NodePort or LoadBalancer only in namespaces allowed to face the outside.",
    remediationSteps: "Use a ClusterIP Service behind the edge (Ingress / Tailscale), or add the namespace to exposedNamespaces.",
    configSchema: {
        properties: {
            exposedNamespaces: {
                type: "array", items: { type: "string" }, default: [],
                description: "Namespaces where NodePort and LoadBalancer Services are allowed (e.g. the ingress controller's).",
            },
        },
    },
    applies: type => isK8s(type, "core", "Service"),
    check: (props, report, { exposedNamespaces }) => {
        const type = props.spec?.type;
        if (type !== "NodePort" && type !== "LoadBalancer") return;
        const ns = props.metadata?.namespace ?? "default";
        if (!exposedNamespaces.includes(ns)) report(`type ${type} in namespace ${ns}, which is not in exposedNamespaces`);
    },
});

export const ingressTls = resourcePolicy({
    name: "ingress-tls",
    description: "Every Ingress terminates TLS for every host it routes; a host served without it carries its reason (agent-estate/no-tls-reason), which the report quotes.",
    remediationSteps: "Add spec.tls with a cert-manager certificate covering each rule's host (the cell's ClusterIssuer); where TLS ends elsewhere, the stack's environment decides whether the stated reason is enough (advisory in dev, mandatory in prod).",
    applies: type => isK8s(type, networking, "Ingress"),
    check: (props, report) => {
        const reasons = new Map<string, string>();
        for (const line of String(props.metadata?.annotations?.["agent-estate/no-tls-reason"] ?? "").split("\n")) {
            const at = line.indexOf(": ");
            if (at > 0) reasons.set(line.slice(0, at), line.slice(at + 2));
        }
        const why = (host: string) => (reasons.has(host) ? ` (reason given: ${reasons.get(host)})` : "");
        const tls = list<Obj>(props.spec?.tls);
        const rules = list<Obj>(props.spec?.rules);
        if (tls.length === 0) return report(`has no spec.tls${rules.length === 1 && rules[0].host ? why(rules[0].host) : ""}`);
        const covered = new Set(tls.flatMap(t => list<string>(t.hosts)));
        eachDecision(rules, r => {
            if (r.host && !covered.has(r.host)) report(`host ${r.host} is not covered by spec.tls${why(r.host)}`);
        });
    },
});

/**
 * The labels a deny-all NetworkPolicy selects by (both policy types, no rules, no matchExpressions):
 * `{}` for every pod of its namespace; undefined when the policy allows something.
 */
function denyAllSelector(np: Obj): Record<string, string> | undefined {
    const selector = np.spec?.podSelector ?? {};
    const types = list<string>(np.spec?.policyTypes);
    const denies = types.includes("Ingress") && types.includes("Egress") && list(np.spec?.ingress).length === 0 && list(np.spec?.egress).length === 0;
    return denies && list(selector.matchExpressions).length === 0 ? (selector.matchLabels ?? {}) : undefined;
}

export const defaultDeny = stackPolicy({
    name: "namespace-default-deny",
    description:
        "Every workload's pods are closed by default: a NetworkPolicy of their namespace with both policy types and no rules selects them (podSelector {}; in a namespace the cell shares with software it does not manage, the cell's own pods).",
    remediationSteps: "Declare the namespace through the estate's namespace component, which adds the default-deny policy.",
    check: (resources, report) => {
        const denied = new Map<string, Array<Record<string, string>>>();
        eachDecision(resources.filter(r => isK8s(r.type, networking, "NetworkPolicy")), np => {
            const selector = denyAllSelector(np.props);
            const ns = np.props.metadata?.namespace ?? "default";
            if (selector) denied.set(ns, [...(denied.get(ns) ?? []), selector]);
        });
        eachDecision(resources.filter(r => carriesPod(r.type)), w => {
            const ns = w.props.metadata?.namespace ?? "default";
            const labels: Record<string, unknown> = podOf(w.type, w.props)?.podMetadata?.labels ?? {};
            const covered = (denied.get(ns) ?? []).some(sel => Object.entries(sel).every(([k, v]) => labels[k] === v));
            // A workload in `default` is workload-namespace's finding: it must move, not get a policy there.
            if (ns === "default" || covered) return;
            if (!denied.has(ns)) report(`${w.name} runs in namespace ${ns}, which has no default-deny NetworkPolicy`, w.urn);
            else report(`${w.name} runs in namespace ${ns}, whose default-deny NetworkPolicies do not select its pods`, w.urn);
        });
    },
});

/** The ranges an egress rule "to the internet" must leave out: RFC 1918, link-local (cloud metadata), loopback. */
export const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "127.0.0.0/8"];

/** An IPv4 CIDR as its first address and prefix length. */
function parseCidr(cidr: string): { ip: number; bits: number } | undefined {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
    if (!m) return undefined;
    return { ip: m.slice(1, 5).reduce((n, o) => n * 256 + Number(o), 0), bits: Number(m[5]) };
}

/** True when CIDR `inner` lies inside CIDR `outer` (IPv4). */
export function cidrWithin(outer: string, inner: string): boolean {
    const o = parseCidr(outer);
    const i = parseCidr(inner);
    if (!o || !i || i.bits < o.bits) return false;
    const block = 2 ** (32 - o.bits);
    return Math.floor(o.ip / block) === Math.floor(i.ip / block);
}

/** The ports of an egress rule as a reader says them, and whether they are HTTPS (443) only. */
function portsOf(rule: Obj): { text: string; httpsOnly: boolean } {
    const ports = list<Obj>(rule.ports);
    if (ports.length === 0) return { text: "every port", httpsOnly: false };
    const text = ports.map(p => `${p.port ?? "any"}${p.endPort !== undefined && p.endPort !== p.port ? `-${p.endPort}` : ""}/${p.protocol ?? "TCP"}`).join(", ");
    const httpsOnly = ports.every(p => p.port === 443 && (p.endPort === undefined || p.endPort === 443));
    return { text, httpsOnly };
}

export const internetEgressExcludesPrivate = resourcePolicy<{ privateRanges: string[] }>({
    name: "internet-egress-excludes-private",
    description:
        "A NetworkPolicy egress rule to an ipBlock that spans a private range (0.0.0.0/0, \"the internet\") on any port other than 443, or on every port, leaves the private ranges out with `except`: " +
        "otherwise plain HTTP \"to the internet\" also reaches the cluster's nodes, pod and service networks, the LAN and the cloud metadata endpoint.",
    remediationSteps: "Add except: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 169.254.0.0/16, 127.0.0.0/8] to the ipBlock (a workload's `{ cidr, except, ports }` peer), or reach the private destination through its own narrow rule.",
    configSchema: {
        properties: {
            privateRanges: {
                type: "array", items: { type: "string" }, default: PRIVATE_RANGES,
                description: "IPv4 CIDRs an internet egress rule must leave out (RFC 1918, link-local, loopback by default; add 100.64.0.0/10 where CGNAT addresses are internal).",
            },
        },
    },
    applies: type => isK8s(type, networking, "NetworkPolicy"),
    check: (props, report, { privateRanges }) => eachDecision(list<Obj>(props.spec?.egress).map((rule, i) => ({ rule, i })), ({ rule, i }) => {
        const { text, httpsOnly } = portsOf(rule);
        if (httpsOnly) return;
        list<Obj>(rule.to).forEach((peer, j) => {
            const block = peer.ipBlock;
            if (!block || typeof block.cidr !== "string") return;
            const except = list<string>(block.except);
            const open = privateRanges.filter(r => cidrWithin(block.cidr, r) && !except.some(e => cidrWithin(e, r)));
            if (open.length > 0) report(`egress[${i}].to[${j}] opens ${block.cidr} on ${text} without excluding the private range(s) ${open.join(", ")}; add them to ipBlock.except`);
        });
    }),
});

export const network = [serviceExposure, ingressTls, defaultDeny, internetEgressExcludesPrivate];
