import { z } from "zod";
import { dnsLabel, nodePort, port } from "./primitives";

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HOSTNAME = /^(?=.{1,253}$)[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*$/;

/** An IPv4 address: VIPs and pool members are addresses, never names the BIG-IP would have to resolve. */
export const ipv4 = z.string().regex(IPV4, { error: 'must be an IPv4 address, e.g. "172.16.20.120"' });

/** A host name or IPv4 address. */
const host = z.string().regex(HOSTNAME, { error: 'must be a host name or IPv4 address, e.g. "172.16.10.10" or "bigip.example.com"' });

/** F5 object names: a partition, and the names the program derives under it. */
const partition = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]*$/, { error: 'must be a BIG-IP partition name, e.g. "Common"' });

/**
 * One listening port of a VIP and the NodePort behind it. The backend is either a workload of this
 * cell (its fixed `nodePort` is read from `agent-estate:workloads.<name>.nodePort`) or, for a Service
 * the cell does not declare (argocd-server, a gateway proxy), a raw `nodePort` and a `service` name.
 */
export const vipListener = z
    .strictObject({
        port: port.describe("Port the VIP listens on; one address and port serve one backend."),
        workload: dnsLabel.optional().describe("A workload of `agent-estate:workloads` (with a fixed `nodePort`) whose NodePort Service backs this port; set it or `nodePort`."),
        nodePort: nodePort.optional().describe("The NodePort (30000-32767) of a Service the cell does not declare; set it or `workload`."),
        service: z.string().min(1).optional().describe("The name of that Service, for descriptions and outputs; required with `nodePort`. Default: the workload's name."),
    })
    .superRefine((l, ctx) => {
        if ((l.workload === undefined) === (l.nodePort === undefined)) {
            ctx.addIssue({ code: "custom", message: 'must set exactly one of "workload" (a workload of this cell with a nodePort) or "nodePort" (30000-32767, with "service" naming the backend)' });
        }
        if (l.nodePort !== undefined && l.service === undefined) {
            ctx.addIssue({ code: "custom", path: ["service"], message: 'is required with "nodePort": name the Service behind it, e.g. "argocd-server"' });
        }
    });
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

/**
 * Cross-section check (called from the schema's superRefine): a listener that names a workload needs
 * that workload, with a fixed `nodePort`, so the BIG-IP knows where to send traffic.
 */
export function checkVipBackends(f5: F5Config | undefined, workloads: Readonly<Record<string, { nodePort?: number }>>, ctx: z.RefinementCtx): void {
    f5?.vips.forEach((vip, i) =>
        vip.listeners.forEach((l, j) => {
            if (l.workload === undefined) return;
            const path = ["f5", "vips", i, "listeners", j, "workload"];
            const w = workloads[l.workload];
            if (w === undefined) {
                ctx.addIssue({ code: "custom", path, message: `"${l.workload}" is not a workload of agent-estate:workloads (${Object.keys(workloads).join(", ") || "none"}); name one, or give a raw nodePort and service` });
            } else if (w.nodePort === undefined) {
                ctx.addIssue({ code: "custom", path, message: `workload "${l.workload}" has no fixed NodePort; set agent-estate:workloads.${l.workload}.nodePort (30000-32767) so VIP "${vip.name}" can reach it` });
            }
        }),
    );
}
