import { z } from "zod";
import { dnsLabel, nodePort, port } from "./primitives";

/**
 * `agent-estate:gateways`: the cell's Gateway API Gateways. Gateway API splits the roles: the
 * platform (this section) owns each Gateway and its listeners; whatever serves traffic (an
 * AgentGateway backend, a workload) declares the HTTPRoutes it needs and names the Gateway they
 * attach to.
 */

/** One listener of a Gateway. */
export const gatewayListener = z.strictObject({
    name: dnsLabel.default("http").describe('Listener name, unique in the Gateway (routes may attach to it by `sectionName`). Default: "http".'),
    port: port.describe("Port the proxy listens on."),
    protocol: z.enum(["HTTP", "HTTPS"], { error: 'must be "HTTP" or "HTTPS"' }).default("HTTP").describe('Protocol of the listener. Default: "HTTP".'),
    nodePort: nodePort
        .optional()
        .describe("Fixed NodePort (30000-32767) of the proxy's Service for this port, when something outside the cluster (an F5 VIP) sends to it. Default: the proxy is reachable in the cluster only."),
});

/** One Gateway of the cell. */
export const gatewaySpec = z
    .strictObject({
        namespace: dnsLabel.describe("Namespace of the Gateway and its proxy, one of `agent-estate:namespaces`."),
        className: dnsLabel.describe('The GatewayClass whose controller runs the proxy, e.g. "enterprise-agentgateway".'),
        listeners: z.array(gatewayListener).min(1, { error: "must list at least one listener, e.g. [{port: 8080}]" }).describe("The Gateway's listeners."),
        service: dnsLabel
            .optional()
            .describe("Name of the NodePort Service the program declares in front of the proxy's pods when a listener has a `nodePort` (F5 VIPs name it). Default: `<gateway>-proxy`."),
    })
    .superRefine((g, ctx) => {
        const names = new Set<string>();
        const ports = new Set<number>();
        g.listeners.forEach((l, i) => {
            if (names.has(l.name)) ctx.addIssue({ code: "custom", path: ["listeners", i, "name"], message: `listener name "${l.name}" is used twice in the Gateway; name each listener once` });
            if (ports.has(l.port)) ctx.addIssue({ code: "custom", path: ["listeners", i, "port"], message: `port ${l.port} is used by two listeners of the Gateway; one port serves one listener` });
            names.add(l.name);
            ports.add(l.port);
        });
    });
export type GatewaySpec = z.infer<typeof gatewaySpec>;

/** `agent-estate:gateways`: Gateways by name. */
export const gatewaysSection = z.record(dnsLabel, gatewaySpec.describe("A Gateway: its class, namespace and listeners.")).superRefine((gateways, ctx) => {
    // A NodePort is one per cluster: two Services cannot hold the same one.
    const held = new Map<number, string>();
    for (const [name, g] of Object.entries(gateways)) {
        g.listeners.forEach((l, i) => {
            if (l.nodePort === undefined) return;
            const other = held.get(l.nodePort);
            if (other !== undefined) ctx.addIssue({ code: "custom", path: [name, "listeners", i, "nodePort"], message: `NodePort ${l.nodePort} is already held by Gateway "${other}"; a NodePort serves one Service in the cluster` });
            held.set(l.nodePort, name);
        });
    }
});
export type GatewaysConfig = z.infer<typeof gatewaysSection>;

/** The NodePort Service in front of a Gateway's proxy: named in config, else `<gateway>-proxy`. */
export function gatewayServiceName(gateway: string, spec: Pick<GatewaySpec, "service">): string {
    return spec.service ?? `${gateway}-proxy`;
}

/** The in-cluster host of a Gateway's proxy: the NodePort Service when there is one, else the Service the controller creates under the Gateway's name. */
export function gatewayHost(gateway: string, spec: GatewaySpec): string {
    const service = spec.listeners.some((l) => l.nodePort !== undefined) ? gatewayServiceName(gateway, spec) : gateway;
    return `${service}.${spec.namespace}.svc.cluster.local`;
}

/** An HTTPRoute a backend or workload asks for: the Gateway it attaches to and the path prefix it serves. */
export const routeSpec = z.strictObject({
    gateway: dnsLabel.describe("The Gateway of `agent-estate:gateways` the route attaches to."),
    path: z.string().startsWith("/", { error: 'must be a path prefix starting with "/", e.g. "/openai"' }).default("/").describe('Path prefix the route matches. Default: "/".'),
    name: dnsLabel.optional().describe("Name of the HTTPRoute. Default: the backend's name, suffixed `-<n>` from the second route on."),
    timeout: z
        .string()
        .regex(/^([0-9]+(ms|s|m|h))+$/, { error: 'must be a Gateway API duration such as "30s" or "5m"' })
        .optional()
        .describe("Request timeout (`rules[].timeouts.request`), e.g. \"120s\" for long LLM completions. Default: the implementation's."),
});
export type RouteSpec = z.infer<typeof routeSpec>;

/** The HTTPRoute names of a backend's routes: the backend's name, then `<backend>-2`, `<backend>-3`… unless named in config. */
export function routeNames(backend: string, routes: readonly RouteSpec[]): string[] {
    return routes.map((r, i) => r.name ?? (i === 0 ? backend : `${backend}-${i + 1}`));
}
