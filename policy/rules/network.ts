// Network exposure: nothing reachable from outside the cluster by accident, nothing inside a
// namespace reachable before a policy says so.
import { eachDecision, isK8s, list, Obj } from "../common";
import { resourcePolicy, stackPolicy } from "../define";
import { carriesPod } from "../pod";

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

/** A NetworkPolicy that selects every pod and allows nothing in either direction. */
function isDefaultDeny(np: Obj): boolean {
    const selector = np.spec?.podSelector ?? {};
    const selectsAll = Object.keys(selector.matchLabels ?? {}).length === 0 && list(selector.matchExpressions).length === 0;
    const types = list<string>(np.spec?.policyTypes);
    return selectsAll && types.includes("Ingress") && types.includes("Egress")
        && list(np.spec?.ingress).length === 0 && list(np.spec?.egress).length === 0;
}

export const defaultDeny = stackPolicy({
    name: "namespace-default-deny",
    description: "Every namespace that runs workloads has a default-deny NetworkPolicy (podSelector {}, Ingress and Egress, no rules).",
    remediationSteps: "Declare the namespace through the estate's namespace component, which adds the default-deny policy.",
    check: (resources, report) => {
        const denied = new Set<string>();
        eachDecision(resources.filter(r => isK8s(r.type, networking, "NetworkPolicy")), np => {
            if (isDefaultDeny(np.props)) denied.add(np.props.metadata?.namespace ?? "default");
        });
        eachDecision(resources.filter(r => carriesPod(r.type)), w => {
            const ns = w.props.metadata?.namespace ?? "default";
            // A workload in `default` is workload-namespace's finding: it must move, not get a policy there.
            if (ns !== "default" && !denied.has(ns)) report(`${w.name} runs in namespace ${ns}, which has no default-deny NetworkPolicy`, w.urn);
        });
    },
});

export const network = [serviceExposure, ingressTls, defaultDeny];
