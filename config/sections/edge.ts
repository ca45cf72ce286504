import { z } from "zod";
import { dnsLabel, nodePort, port } from "./primitives";

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HOSTNAME = /^(?=.{1,253}$)[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*$/;

/** The name of a stack config key set with `pulumi config set --secret` (without "agent-estate:"). */
const secretConfigKey = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]*$/, { error: 'must name a secret config key of this stack (without "agent-estate:"), e.g. "gatewayTlsCertificate"' });

/** Every secret config key a VIP's TLS names: values the program reads besides its own credentials. */
export function tlsSources(f5: { vips: Array<{ listeners: Array<{ tls?: { certificate: string; privateKey: string } }> }> } | undefined): Set<string> {
    return new Set((f5?.vips ?? []).flatMap((v) => v.listeners.flatMap((l) => (l.tls ? [l.tls.certificate, l.tls.privateKey] : []))));
}

/** An IPv4 address: VIPs and pool members are addresses, never names the BIG-IP would have to resolve. */
export const ipv4 = z.string().regex(IPV4, { error: 'must be an IPv4 address, e.g. "172.16.20.120"' });

/** A host name or IPv4 address. */
const host = z.string().regex(HOSTNAME, { error: 'must be a host name or IPv4 address, e.g. "172.16.10.10" or "bigip.example.com"' });

/** F5 object names: a partition, and the names the program derives under it. */
const partition = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]*$/, { error: 'must be a BIG-IP partition name, e.g. "Common"' });

/**
 * One listening port of a VIP and the Service behind it. The Service is one the cell declares (a
 * workload with a fixed `nodePort`, a Gateway's proxy Service), whose NodePort is read from it, or
 * one marked `external: true` (running but not declared by this program), with its raw `nodePort`.
 */
export const vipListener = z
    .strictObject({
        port: port.describe("Port the VIP listens on; one address and port serve one backend."),
        service: dnsLabel
            .optional()
            .describe("The Service this port fronts: a workload of `agent-estate:workloads` with a `nodePort`, or a Gateway's proxy Service (`agent-estate:gateways`); set it or `workload`."),
        workload: dnsLabel.optional().describe("Shorthand for `service` naming a workload of `agent-estate:workloads` (with a fixed `nodePort`)."),
        nodePort: nodePort
            .optional()
            .describe("The NodePort (30000-32767) behind this port: required with `external`; otherwise read from the declared Service (and, when given, it must be one of that Service's)."),
        external: z
            .boolean()
            .default(false)
            .describe("The Service runs in the cluster but this program does not declare it (it is adopted or managed elsewhere); needs `nodePort`. Default: false."),
        tls: z
            .strictObject({
                certificate: secretConfigKey.describe("Secret config key holding the PEM certificate (chain) the VIP presents, e.g. `gatewayTlsCertificate`."),
                privateKey: secretConfigKey.describe("Secret config key holding its PEM private key, e.g. `gatewayTlsPrivateKey`."),
            })
            .optional()
            .describe(
                "Terminate TLS on the BIG-IP (a client SSL profile with this certificate, a standard TCP virtual server) in front of a plain-HTTP backend; both values are Pulumi secrets (`pulumi config set --secret`). Default: a fastL4 pass-through, TLS (if any) ends at the backend.",
            ),
    })
    .superRefine((l, ctx) => {
        if ((l.workload === undefined) === (l.service === undefined)) {
            ctx.addIssue({ code: "custom", message: 'must set exactly one of "service" (the Service this port fronts) or "workload" (a workload of this cell with a nodePort)' });
        }
        if (l.external && l.nodePort === undefined) {
            ctx.addIssue({ code: "custom", path: ["nodePort"], message: 'is required with "external": true; give the NodePort (30000-32767) of the Service, e.g. 31572' });
        }
    });
/** The Service a listener fronts, by name. */
export function vipListenerService(l: { service?: string; workload?: string }): string {
    return l.service ?? l.workload ?? "";
}
export type VipListener = z.infer<typeof vipListener>;

/** How the BIG-IP decides a pool member is up. */
export const healthCheck = z
    .strictObject({
        type: z
            .enum(["tcp", "http"], { error: 'must be "tcp" or "http"' })
            .default("tcp")
            .describe('`tcp`: the NodePort accepts connections; `http`: `GET <path>` answers 2xx/3xx. Default: "tcp".'),
        path: z.string().startsWith("/", { error: 'must be a path starting with "/", e.g. "/healthz"' }).default("/").describe('Path for `http` checks. Default: "/".'),
        interval: z.number().int().min(1).default(5).describe("Seconds between checks. Default: 5."),
        timeout: z
            .number()
            .int()
            .min(1)
            .default(16)
            .describe("Seconds without an answer before a member is marked down; longer than interval, F5 recommends 3 × interval + 1. Default: 16."),
    })
    .refine((h) => h.timeout > h.interval, { error: "timeout must be longer than interval (F5 recommends 3 × interval + 1)", path: ["timeout"] });

/** One virtual IP: an address, the ports it listens on, and what answers behind each port. */
export const vipSpec = z.strictObject({
    name: dnsLabel.describe("Short name, unique among the VIPs; F5 objects are named `<cell>-<name>-<port>`."),
    dns: z
        .string()
        .regex(HOSTNAME, { error: 'must be a DNS name, e.g. "solo.rooster.maniak.com"' })
        .optional()
        .describe("The DNS name that points at the VIP (documentation and outputs; DNS itself is managed elsewhere)."),
    address: ipv4.describe('The VIP address, an IPv4 address such as "172.16.20.120".'),
    listeners: z
        .array(vipListener)
        .min(1, { error: "must list at least one listener, e.g. [{port: 443, workload: kaze-gateway}]" })
        .describe("Listening ports, each with one virtual server, pool and monitor, and the NodePort behind it."),
    healthCheck: healthCheck
        .default({ type: "tcp", path: "/", interval: 5, timeout: 16 })
        .describe("How the BIG-IP decides a pool member is up. Default: a TCP check every 5 s, 16 s timeout."),
});

/** `agent-estate:f5`: the BIG-IP that fronts the cell, the cluster nodes behind it, and the VIPs. */
export const f5Section = z
    .strictObject({
        address: host.describe("Management address (host name or IPv4) of the BIG-IP; the password is the secret `agent-estate:f5Password`."),
        port: port.optional().describe("Management port. Default: 443."),
        username: z.string().min(1, { error: 'must name a BIG-IP user, e.g. "admin"' }).describe("A user with iControl REST access to the partition."),
        partition: partition.default("Common").describe('Partition the cell\'s objects live in. Default: "Common".'),
        validateCerts: z
            .boolean()
            .default(true)
            .describe("Verify the management API's TLS certificate; turn off only for a lab BIG-IP with a self-signed certificate. Default: true."),
        nodes: z
            .array(ipv4)
            .min(1, { error: 'must list the cluster nodes\' addresses, e.g. ["172.16.10.130"]' })
            .describe("Addresses of the cluster nodes, each listed once: every VIP pool has each of them as a member on the Service's NodePort."),
        vips: z.array(vipSpec).default([]).describe("The VIPs of the cell, each with a unique name. Default: []."),
    })
    .superRefine((f5, ctx) => {
        const seenNodes = new Set<string>();
        f5.nodes.forEach((n, i) => {
            if (seenNodes.has(n)) ctx.addIssue({ code: "custom", path: ["nodes", i], message: `node "${n}" is listed twice` });
            seenNodes.add(n);
        });
        const names = new Set<string>();
        const endpoints = new Map<string, string>();
        f5.vips.forEach((vip, i) => {
            if (names.has(vip.name)) ctx.addIssue({ code: "custom", path: ["vips", i, "name"], message: `VIP name "${vip.name}" is used twice; names must be unique` });
            names.add(vip.name);
            vip.listeners.forEach((l, j) => {
                const endpoint = `${vip.address}:${l.port}`;
                const owner = endpoints.get(endpoint);
                if (owner !== undefined) ctx.addIssue({ code: "custom", path: ["vips", i, "listeners", j, "port"], message: `${endpoint} is already used by VIP "${owner}"; one address and port serve one backend` });
                endpoints.set(endpoint, vip.name);
            });
        });
    });
export type F5Config = z.infer<typeof f5Section>;

