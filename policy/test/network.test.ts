// Network: exposure only where allowed, TLS on every Ingress host, default-deny per namespace.
import { describe, expect, it } from "vitest";
import { changed, checkOne, defaultDenyPolicy, k8s, podKinds, workload } from "./fixtures";

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

describe("namespace-default-deny in a namespace the cell shares", () => {
    const cellDeny = (labels: Record<string, string>) => k8s("kubernetes:networking.k8s.io/v1:NetworkPolicy", "agents-default-deny", { spec: { podSelector: { matchLabels: labels }, policyTypes: ["Ingress", "Egress"] } }, { name: "default-deny" });
    const ofCell = changed(workload("Deployment"), (_spec, props) => { props.spec.template.metadata.labels["agent-estate/cell"] = "nexus"; });
    it("a deny-all policy that selects the cell's pods covers the cell's workloads", () => {
        expect(messages("namespace-default-deny", [cellDeny({ "agent-estate/cell": "nexus" }), ofCell])).toEqual([]);
    });
    it("one that selects other pods does not, and says so", () => {
        expect(messages("namespace-default-deny", [cellDeny({ "agent-estate/cell": "kaze" }), ofCell])).toEqual(["agent runs in namespace agents, whose default-deny NetworkPolicies do not select its pods"]);
    });
    it("a policy with a rule is no deny-all, whatever it selects", () => {
        const allows = k8s("kubernetes:networking.k8s.io/v1:NetworkPolicy", "allow", { spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"], egress: [{}] } });
        expect(messages("namespace-default-deny", [allows, ofCell])).toEqual(["agent runs in namespace agents, which has no default-deny NetworkPolicy"]);
    });
});

describe("internet-egress-excludes-private", () => {
    const PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "127.0.0.0/8"];
    const policy = (egress: object[]) => k8s("kubernetes:networking.k8s.io/v1:NetworkPolicy", "agent", { spec: { podSelector: { matchLabels: { app: "agent" } }, policyTypes: ["Egress"], egress } });
    const internet = (ports: object[] | undefined, except?: string[]) => ({ to: [{ ipBlock: { cidr: "0.0.0.0/0", ...(except && { except }) } }], ...(ports && { ports }) });
    it("HTTP (80) to 0.0.0.0/0 without except fails, naming every private range left open", () => {
        expect(messages("internet-egress-excludes-private", policy([internet([{ port: 80, protocol: "TCP" }])]))).toEqual([
            `NetworkPolicy agent: egress[0].to[0] opens 0.0.0.0/0 on 80/TCP without excluding the private range(s) ${PRIVATE.join(", ")}; add them to ipBlock.except`,
        ]);
    });
    it("a rule on every port fails; one that forgets a range fails naming it", () => {
        expect(messages("internet-egress-excludes-private", policy([internet(undefined, PRIVATE)]))).toEqual([]);
        expect(messages("internet-egress-excludes-private", policy([internet(undefined)]))[0]).toContain("on every port");
        expect(messages("internet-egress-excludes-private", policy([internet([{ port: 80 }], PRIVATE.slice(0, 3))]))[0]).toContain("private range(s) 169.254.0.0/16, 127.0.0.0/8;");
    });
    it("HTTP to the internet with the private ranges excepted passes (wider excepts count)", () => {
        expect(messages("internet-egress-excludes-private", policy([internet([{ port: 80 }], PRIVATE)]))).toEqual([]);
        expect(messages("internet-egress-excludes-private", policy([internet([{ port: 80 }], ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "127.0.0.0/8", "100.64.0.0/10"])]))).toEqual([]);
    });
    it("HTTPS (443) alone is not this policy's concern; 443 beside 80 is", () => {
        expect(messages("internet-egress-excludes-private", policy([internet([{ port: 443, protocol: "TCP" }])]))).toEqual([]);
        expect(messages("internet-egress-excludes-private", policy([internet([{ port: 443 }, { port: 80 }])]))).toHaveLength(1);
    });
    it("a narrow block (an API server's /32, a public /24) and pod peers pass", () => {
        const narrow = { to: [{ ipBlock: { cidr: "10.40.1.5/32" } }], ports: [{ port: 6443 }] };
        const publicBlock = { to: [{ ipBlock: { cidr: "157.173.102.0/24" } }], ports: [{ port: 80 }] };
        const pods = { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "data" } } }], ports: [{ port: 5432 }] };
        expect(messages("internet-egress-excludes-private", policy([narrow, publicBlock, pods]))).toEqual([]);
    });
    it("a block wider than a private range but not 0.0.0.0/0 counts as the internet too", () => {
        expect(messages("internet-egress-excludes-private", policy([{ to: [{ ipBlock: { cidr: "172.0.0.0/8" } }], ports: [{ port: 8080 }] }]))[0]).toContain("172.16.0.0/12;");
    });
});
