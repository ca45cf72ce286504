// Network: exposure only where allowed, TLS on every Ingress host, default-deny per namespace.
import { describe, expect, it } from "vitest";
import { checkOne, defaultDenyPolicy, k8s, podKinds, workload } from "./fixtures";

const messages = (policy: string, r: Parameters<typeof checkOne>[1], config?: Record<string, unknown>) =>
    checkOne(policy, r, config ? { config } : {}).map(v => v.message);
const service = (type: string, namespace = "agents") => k8s("kubernetes:core/v1:Service", "agent", { spec: { type, ports: [{ port: 80 }] } }, { namespace });

describe("service-exposure", () => {
    it("a LoadBalancer or NodePort Service outside the allowed namespaces fails", () => {
        expect(messages("service-exposure", service("LoadBalancer"))).toEqual(["Service agent: type LoadBalancer in namespace agents, which is not in exposedNamespaces"]);
        expect(messages("service-exposure", service("NodePort"))).toHaveLength(1);
    });
    it("ClusterIP passes; a LoadBalancer in an allowed namespace passes", () => {
        expect(messages("service-exposure", service("ClusterIP"))).toEqual([]);
        expect(messages("service-exposure", service("LoadBalancer", "edge"), { "service-exposure": { exposedNamespaces: ["edge"] } })).toEqual([]);
    });
});

describe("ingress-tls", () => {
    const ingress = (spec: object) => k8s("kubernetes:networking.k8s.io/v1:Ingress", "agent", { spec });
    const rules = [{ host: "agent.example.org" }, { host: "api.example.org" }];
    it("an Ingress without TLS fails", () => {
        expect(messages("ingress-tls", ingress({ rules }))).toEqual(["Ingress agent: has no spec.tls"]);
    });
    it("a host not covered by spec.tls fails", () => {
        expect(messages("ingress-tls", ingress({ rules, tls: [{ hosts: ["agent.example.org"], secretName: "agent-tls" }] })))
            .toEqual(["Ingress agent: host api.example.org is not covered by spec.tls"]);
    });
    it("a host served without TLS is reported with the reason the Ingress records", () => {
        const plain = k8s("kubernetes:networking.k8s.io/v1:Ingress", "agent", { metadata: { annotations: { "agent-estate/no-tls-reason": "agent.example.org: TLS ends at the F5 VIP" } }, spec: { rules: [{ host: "agent.example.org" }] } });
        expect(messages("ingress-tls", plain)).toEqual(["Ingress agent: has no spec.tls (reason given: TLS ends at the F5 VIP)"]);
    });
    it("TLS covering every host passes", () => {
        expect(messages("ingress-tls", ingress({ rules, tls: [{ hosts: ["agent.example.org", "api.example.org"], secretName: "agent-tls" }] }))).toEqual([]);
    });
});

describe("namespace-default-deny", () => {
    it.each(podKinds)("a %s in a namespace with a default-deny policy passes, without one fails", kind => {
        expect(messages("namespace-default-deny", [defaultDenyPolicy(), workload(kind)])).toEqual([]);
        expect(messages("namespace-default-deny", [workload(kind)])).toEqual(["agent runs in namespace agents, which has no default-deny NetworkPolicy"]);
    });
    it("a policy in another namespace, or one that allows traffic, does not count", () => {
        const allowing = defaultDenyPolicy();
        (allowing.props as any).spec.ingress = [{}];
        expect(messages("namespace-default-deny", [defaultDenyPolicy("other"), allowing, workload()])).toHaveLength(1);
    });
    it("a policy with only Ingress does not count", () => {
        const ingressOnly = defaultDenyPolicy();
        (ingressOnly.props as any).spec.policyTypes = ["Ingress"];
        expect(messages("namespace-default-deny", [ingressOnly, workload()])).toHaveLength(1);
    });
});
