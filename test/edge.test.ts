import { beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../config/errors";
import { FAST_L4_PROFILE, TCP_PROFILE } from "../components/edge/f5-names";
import { parseCellConfig } from "../config/parse";
import { SECRET_PLACEHOLDER } from "../plan/types";
import { configErrorOf, declare, Declared, rawStackConfig, stackConfig } from "./harness";

/**
 * The VIP table of the Rooster README (seed 001): DNS, VIP, port → the Gateway proxy's NodePort. The
 * ArgoCD row (argo.rooster.maniak.io, 172.16.20.121, 443/80 → 31988/32178) is gone with ArgoCD.
 */
const ROOSTER_TABLE: Array<{ dns: string; address: string; port: number; nodePort: number; service: string }> = [
    { dns: "solo.rooster.maniak.com", address: "172.16.20.120", port: 8080, nodePort: 31572, service: "agentgateway-nodeport" },
    { dns: "xai.rooster.maniak.com", address: "172.16.20.122", port: 8081, nodePort: 31990, service: "xai-gateway-proxy" },
    { dns: "mcp.rooster.maniak.com", address: "172.16.20.123", port: 8090, nodePort: 30168, service: "mcp-gateway-proxy" },
    { dns: "model.rooster.maniak.com", address: "172.16.20.124", port: 8085, nodePort: 30689, service: "model-priority-gateway-proxy" },
    { dns: "github.rooster.maniak.com", address: "172.16.20.125", port: 8092, nodePort: 31313, service: "github-gateway-proxy" },
];
const ROOSTER_NODES = ["172.16.10.130", "172.16.10.132", "172.16.10.133", "172.16.10.136"];

const f5 = (d: Declared, kind: string) => d.ofType(`f5bigip:ltm/${kind}`) as Array<{ name: string; props: Record<string, any>; provider?: string; dependencies: string[] }>;

describe("the Rooster stack reproduces the F5 VIP table of its README", () => {
    let d: Declared;
    beforeAll(async () => {
        d = await declare("rooster");
    });

    it("declares one virtual server per table row, on the VIP address and port", () => {
        const vs = f5(d, "virtualServer:VirtualServer");
        expect(vs.map((v) => `${v.props.destination}:${v.props.port}`).sort()).toEqual(ROOSTER_TABLE.map((r) => `${r.address}:${r.port}`).sort());
    });

    it("makes every virtual server a fastL4 forwarder with SNAT automap, in front of its own pool", () => {
        for (const v of f5(d, "virtualServer:VirtualServer")) {
            expect(v.props.profiles).toEqual([FAST_L4_PROFILE]);
            expect(v.props.sourceAddressTranslation).toBe("automap");
            expect(v.props.ipProtocol).toBe("tcp");
            expect(v.props.mask).toBe("255.255.255.255");
            expect(v.props.pool).toBe(v.props.name);
        }
    });

    it("attaches all four Talos nodes to each pool on the row's NodePort", () => {
        const members = f5(d, "poolAttachment:PoolAttachment");
        for (const row of ROOSTER_TABLE) {
            const pool = `/Common/rooster-${row.dns.split(".")[0]}-${row.port}`;
            const nodes = members.filter((m) => m.props.pool === pool).map((m) => m.props.node as string);
            expect(nodes.sort(), pool).toEqual(ROOSTER_NODES.map((n) => `/Common/rooster-node-${n}:${row.nodePort}`).sort());
        }
    });

    it("declares each cluster node once, shared by all pools", () => {
        expect(f5(d, "node:Node").map((n) => n.props.address).sort()).toEqual([...ROOSTER_NODES].sort());
    });

    it("gives each pool a TCP monitor of its own", () => {
        const monitors = f5(d, "monitor:Monitor");
        expect(monitors).toHaveLength(ROOSTER_TABLE.length);
        for (const p of f5(d, "pool:Pool")) {
            expect(p.props.monitors).toHaveLength(1);
            const m = monitors.find((x) => x.props.name === p.props.monitors[0]);
            expect(m?.props.parent, p.props.name).toBe("/Common/tcp");
        }
    });

    it("manages every F5 object through the explicit f5bigip provider, whose password is secret", () => {
        const [provider] = d.ofType("pulumi:providers:f5bigip");
        expect(provider.props.address).toBe("172.16.10.10");
        expect(provider.props.username).toBe("admin");
        expect(provider.props.password).toBe(SECRET_PLACEHOLDER);
        for (const r of d.resources.filter((x) => x.type.startsWith("f5bigip:ltm/"))) expect(r.provider, r.name).toMatch(/^urn:.*pulumi:providers:f5bigip::rooster-f5bigip::/);
    });

    it("exports the VIP endpoints", () => {
        expect([...(d.outputs.vips as string[])].sort()).toEqual(ROOSTER_TABLE.map((r) => `${r.address}:${r.port}`).sort());
    });

    it("fronts, on each row, a NodePort Service the stack declares, holding the row's NodePort", () => {
        for (const row of ROOSTER_TABLE) {
            const svc = d.k8s("Service", row.service, "agentgateway-system");
            expect(svc.props.spec.type, row.service).toBe("NodePort");
            expect(svc.props.spec.ports, row.service).toEqual([expect.objectContaining({ port: row.port, nodePort: row.nodePort })]);
        }
    });

    it("has no ArgoCD VIP any more", () => {
        expect(f5(d, "virtualServer:VirtualServer").filter((v) => v.props.destination === "172.16.20.121")).toEqual([]);
    });
});

describe("a VIP listener that fronts no declared Service", () => {
    /** Rooster with its first VIP listener replaced. */
    const roosterWith = (listener: Record<string, unknown>) => {
        const { f5: edge } = rawStackConfig("rooster").values;
        edge.vips[0].listeners = [listener];
        return stackConfig("rooster", { set: { f5: edge } });
    };
    const problemsOf = async (rc: ReturnType<typeof stackConfig>) => {
        const error = await declare(rc).then(
            () => undefined,
            (e: unknown) => e,
        );
        expect(ConfigError.isInstance(error)).toBe(true);
        return (error as ConfigError).problems;
    };

    it("is refused on a NodePort no declared Service holds, naming stack, key and NodePort", async () => {
        const [problem] = await problemsOf(roosterWith({ port: 8080, service: "agentgateway-nodeport", nodePort: 31999 }));
        expect(problem.key).toBe("agent-estate:f5.vips[0].listeners[0].nodePort");
        expect(problem.message).toBe('no declared Service holds NodePort 31999: Service "agentgateway-nodeport" holds 31572; use one of those or remove nodePort');
        expect(String(await declare(roosterWith({ port: 8080, service: "agentgateway-nodeport", nodePort: 31999 })).catch((e: unknown) => e))).toContain('stack "rooster"');
    });

    it("is refused when it names a Service nobody declares, listing the ones that exist", async () => {
        const [problem] = await problemsOf(roosterWith({ port: 443, service: "argocd-server", nodePort: 31988 }));
        expect(problem.key).toBe("agent-estate:f5.vips[0].listeners[0].service");
        expect(problem.message).toMatch(/^no declared Service holds NodePort 31988; points at Service "argocd-server", which this stack does not declare \(declared: agentgateway-nodeport, github-gateway-proxy, /);
    });

    it("is accepted for a Service marked external, on its raw NodePort", async () => {
        const d = await declare(roosterWith({ port: 443, service: "argocd-server", nodePort: 31988, external: true }));
        const members = f5(d, "poolAttachment:PoolAttachment").filter((m) => m.props.pool === "/Common/rooster-solo-443");
        expect(members.map((m) => m.props.node).sort()).toEqual(ROOSTER_NODES.map((n) => `/Common/rooster-node-${n}:31988`).sort());
    });
});

describe("a VIP in front of a workload of the cell", () => {
    const prodWith = (nodePort: number | undefined) => {
        const { workloads } = rawStackConfig("prod").values;
        if (nodePort !== undefined) workloads["kaze-gateway"].nodePort = nodePort;
        else delete workloads["kaze-gateway"].nodePort;
        return stackConfig("prod", {
            set: {
                workloads,
                f5: {
                    address: "bigip.example.com",
                    username: "pulumi",
                    nodes: ["10.0.0.11", "10.0.0.12"],
                    vips: [{ name: "gateway", address: "10.0.1.20", listeners: [{ port: 443, workload: "kaze-gateway" }], healthCheck: { type: "http", path: "/health" } }],
                },
            },
            secrets: { f5Password: "v1:opaque" },
            // This VIP terminates no TLS: the committed certificate and key would name nothing.
            remove: ["gatewayTlsCertificate", "gatewayTlsPrivateKey"],
        });
    };

    it("sends traffic to the workload's fixed NodePort on every node", async () => {
        const d = await declare(prodWith(31443));
        const members = f5(d, "poolAttachment:PoolAttachment").map((m) => m.props.node).sort();
        expect(members).toEqual(["/Common/kaze-prod-node-10.0.0.11:31443", "/Common/kaze-prod-node-10.0.0.12:31443"]);
        const [vs] = f5(d, "virtualServer:VirtualServer");
        expect(vs.props.description).toContain("kaze-gateway");
    });

    it("checks members with an HTTP monitor on the configured path", async () => {
        const d = await declare(prodWith(31443));
        const [m] = f5(d, "monitor:Monitor");
        expect(m.props.parent).toBe("/Common/http");
        expect(m.props.send).toMatch(/^GET \/health HTTP\/1\.1/);
    });

    it("is refused, naming both keys, when the workload has no nodePort", async () => {
        const error = await declare(prodWith(undefined)).then(
            () => undefined,
            (e: unknown) => e,
        );
        expect(ConfigError.isInstance(error)).toBe(true);
        const problem = (error as ConfigError).problems.find((p) => p.key === "agent-estate:f5.vips[0].listeners[0].workload");
        expect(problem?.message).toContain("agent-estate:workloads.kaze-gateway.nodePort");
    });
});

describe("stacks without an f5 section", () => {
    it("declare no F5 provider or object", async () => {
        const d = await declare("dev");
        expect(d.resources.filter((r) => r.type.startsWith("f5bigip:") || r.type === "pulumi:providers:f5bigip")).toEqual([]);
    });
});

describe("the prod Kaze cell's edge", () => {
    let d: Declared;
    beforeAll(async () => {
        d = await declare("prod");
    });

    it("fronts kaze-gateway with an internal VIP on 443 and SNAT automap, to its fixed NodePort on every node", () => {
        const [vs] = f5(d, "virtualServer:VirtualServer");
        expect(vs.props).toMatchObject({ destination: "10.40.20.10", port: 443, sourceAddressTranslation: "automap" });
        const members = f5(d, "poolAttachment:PoolAttachment").map((m) => m.props.node).sort();
        expect(members).toEqual(["10.40.1.11", "10.40.1.12", "10.40.1.13"].map((ip) => `/Common/kaze-prod-node-${ip}:31420`));
        expect(d.k8s("Service", "kaze-gateway", "kaze").props.spec).toMatchObject({ type: "NodePort", ports: [expect.objectContaining({ port: 4200, nodePort: 31420 })] });
    });

    it("terminates TLS on the BIG-IP for the plain-HTTP gateway: a standard TCP virtual server with a client SSL profile, no fastL4 pass-through", () => {
        const [vs] = f5(d, "virtualServer:VirtualServer");
        expect(vs.props.profiles).toEqual([TCP_PROFILE]);
        expect(vs.props.profiles).not.toContain(FAST_L4_PROFILE);
        expect(vs.props.clientProfiles).toEqual(["/Common/Shared/kaze-prod-kaze-gateway-443-clientssl"]);
        // The certificate and the profile come first; the declaration (it holds the key) stays secret.
        const [as3] = d.ofType("f5bigip:index/as3:As3");
        expect(vs.dependencies).toContain(as3.urn);
        expect(as3.props).toMatchObject({ as3Json: SECRET_PLACEHOLDER, tenantFilter: "Common" });
        expect(as3.provider).toMatch(/pulumi:providers:f5bigip::kaze-prod-f5bigip::/);
    });

    it("presents the certificate and key from the stack's secret config, in a client SSL profile in /Common/Shared", async () => {
        const pem = { gatewayTlsCertificate: "-----BEGIN CERTIFICATE-----\nMIIcanary\n-----END CERTIFICATE-----\n", gatewayTlsPrivateKey: "-----BEGIN PRIVATE KEY-----\nMIIkey\n-----END PRIVATE KEY-----\n" };
        const withPem = await declare(stackConfig("prod", { secrets: pem }));
        const [as3] = withPem.ofType("f5bigip:index/as3:As3");
        expect(JSON.stringify(as3.props)).not.toContain("MIIkey");
        const shared = JSON.parse(String(as3.plaintext?.as3Json)).declaration.Common.Shared;
        expect(shared["kaze-prod-kaze-gateway-443-cert"]).toEqual({ class: "Certificate", certificate: pem.gatewayTlsCertificate, privateKey: pem.gatewayTlsPrivateKey });
        expect(shared["kaze-prod-kaze-gateway-443-clientssl"]).toEqual({ class: "TLS_Server", certificates: [{ certificate: "kaze-prod-kaze-gateway-443-cert" }] });
    });

    it("refuses a TLS listener whose certificate is not set as a secret, naming the key and the command", () => {
        const raw = rawStackConfig("prod");
        delete raw.values.gatewayTlsPrivateKey;
        raw.secretKeys.delete("gatewayTlsPrivateKey");
        const e = configErrorOf(parseCellConfig, raw);
        expect(e.problems.find((p) => p.key === "agent-estate:f5.vips[0].listeners[0].tls.privateKey")?.message, e.message).toMatch(/names agent-estate:gatewayTlsPrivateKey, which is not set; set it with `pulumi config set --secret agent-estate:gatewayTlsPrivateKey`/);
    });

    it("lets the BIG-IP and the nodes reach the gateway's port through its NetworkPolicy", () => {
        const from = JSON.stringify(d.k8s("NetworkPolicy", "kaze-gateway", "kaze").props.spec.ingress);
        expect(from).toContain('"cidr":"10.40.0.0/28"');
        expect(from).toContain('"cidr":"10.40.1.0/24"');
    });

    it("keeps the F5 password a secret on the provider", () => {
        const [provider] = d.ofType("pulumi:providers:f5bigip");
        expect(provider.props.password).toBe(SECRET_PLACEHOLDER);
        expect(provider.props.address).toBe("10.40.0.10");
    });
});
