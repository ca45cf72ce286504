import { z } from "zod";
import { dnsLabel, port } from "./primitives";

/** A DNS host name an Ingress routes, e.g. `ai-agents.labrats.work`. */
const hostName = z
    .string()
    .regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/, { error: 'must be a DNS host name such as "ai-agents.labrats.work" (no scheme, no wildcard)' });

/** One host of an Ingress: TLS from the cell's ClusterIssuer, or a stated reason why not. */
export const ingressHostSpec = z
    .strictObject({
        name: hostName.describe("The host name, e.g. `ai-agents.labrats.work`."),
        tls: z.boolean().default(true).describe("Terminate TLS with a certificate from the cell's cert-manager ClusterIssuer. Default: true."),
        noTlsReason: z
            .string()
            .min(10, { error: "must say why the host is served without TLS, e.g. \"TLS ends at the F5 VIP in front of the controller\"" })
            .optional()
            .describe("Why the host is served without TLS (required with `tls: false`); recorded on the Ingress, and the `ingress-tls` policy reports it, advisory or mandatory by environment."),
    })
    .superRefine((h, ctx) => {
        if (!h.tls && h.noTlsReason === undefined) ctx.addIssue({ code: "custom", path: ["noTlsReason"], message: "is required with tls: false: say why the host is served in plaintext" });
        if (h.tls && h.noTlsReason !== undefined) ctx.addIssue({ code: "custom", path: ["noTlsReason"], message: "is set while tls is true; remove it, or set tls: false" });
    });

/** A path of an Ingress; Kubernetes' `pathType`, `Prefix` by default (a seed's `/api/*`). */
export const ingressPathSpec = z.strictObject({
    path: z
        .string()
        .regex(/^\/[^*\s]*$/, { error: 'must be an absolute path without wildcard, e.g. "/api" (a Prefix path already matches "/api/*")' })
        .describe('The path, e.g. "/api/jobs/submit"; a Prefix path `/api` matches what a glob `/api/*` would.'),
    pathType: z.enum(["Prefix", "Exact"]).default("Prefix").describe('"Prefix" (the path and everything under it) or "Exact". Default: "Prefix".'),
});
export type IngressPathSpec = z.infer<typeof ingressPathSpec>;

/** A backend of a cell-level rule: a Service the program declares, by name. */
export const ingressBackendSpec = z.strictObject({
    service: dnsLabel.describe("A Service the cell declares: a workload's name in `agent-estate:workloads`."),
    port: port.optional().describe("The Service port. Default: the workload's service port."),
});

/** An Traefik Middleware by namespace and name, as the `router.middlewares` annotation names it. */
const middlewareRef = z.strictObject({
    namespace: dnsLabel.describe("Namespace of the Middleware, e.g. `authelia`; another namespace needs Traefik's allowCrossNamespace, which the cell's Traefik sets."),
    name: dnsLabel.describe("Name of the Middleware, e.g. `authelia`."),
});

/** Annotations each controller reads; anything else on an Ingress would be silently ignored. */
export const CONTROLLER_ANNOTATION_PREFIX = { traefik: "traefik.ingress.kubernetes.io/", "ingress-nginx": "nginx.ingress.kubernetes.io/" } as const;

/** One Ingress of the cell: its hosts, TLS and auth are the cell's; its paths come from workloads (`workloads.<w>.ingress`) and `rules`. */
export const ingressSpec = z.strictObject({
    namespace: dnsLabel.describe("Namespace of the Ingress, one of `agent-estate:namespaces`; its backends run there."),
    hosts: z.array(ingressHostSpec).min(1, { error: 'must list at least one host, e.g. [{ name: "ai-agents.labrats.work" }]' }).describe("The hosts it routes; every path applies to each."),
    forwardAuth: z
        .boolean()
        .default(false)
        .describe("Put the cell's Authelia ForwardAuth Middleware (`addons.ingress.forwardAuth`, Traefik) in front of every path. Default: false."),
    middlewares: z
        .array(middlewareRef)
        .default([])
        .describe("Traefik Middlewares in front of every path, in order, e.g. [{ namespace: authelia, name: authelia }] for `authelia-authelia@kubernetescrd`. Traefik only. Default: []."),
    annotations: z
        .record(z.string(), z.string())
        .default({})
        .describe("Controller annotations (`traefik.ingress.kubernetes.io/*` or `nginx.ingress.kubernetes.io/*`, the cell's controller's only), e.g. nginx's auth-url. Default: {}."),
    rules: z
        .array(ingressPathSpec.extend({ backend: ingressBackendSpec.describe("The Service the path routes to.") }))
        .default([])
        .describe("Paths declared on the Ingress itself, each to a Service the cell declares; a workload usually declares its own in `workloads.<name>.ingress`. Default: []."),
});
export type IngressSpec = z.infer<typeof ingressSpec>;

/** `agent-estate:ingresses`: the cell's Ingresses by name; the class and controller are the cell's (`addons.ingress`). */
export const ingressesSection = z.record(dnsLabel, ingressSpec.describe("One Ingress of the cell, keyed by its name."));

/** What a workload routes through one of the cell's Ingresses (`workloads.<name>.ingress`). */
export const workloadRouteSpec = z.strictObject({
    ingress: dnsLabel.describe("The Ingress, a key of `agent-estate:ingresses`."),
    paths: z.array(ingressPathSpec).min(1, { error: 'must list at least one path, e.g. [{ path: "/api" }]' }).describe("The paths routed to this workload's Service port."),
    hosts: z
        .array(hostName)
        .min(1)
        .optional()
        .describe("The Ingress's hosts these paths apply to (one Ingress, one certificate, a host per service: `api.` to the API, `ui.` to the UI). Default: every host of the Ingress."),
});

/** The parts of the settings the Ingress checks read. */
interface IngressCheckInput {
    namespaces: Array<{ name: string }>;
    workloads: Record<string, { namespace: string; port: number; ingress: Array<z.infer<typeof workloadRouteSpec>> }>;
    addons: { ingress?: { controller: "traefik" | "ingress-nginx"; forwardAuth?: unknown }; certManager?: unknown };
    ingresses: Record<string, IngressSpec>;
}

/**
 * Cross-section checks of the Ingresses: every backend is a Service the cell declares, in the Ingress's
 * namespace; TLS has a ClusterIssuer; auth and annotations fit the cell's controller; no path twice.
 */
export function checkIngresses(cfg: IngressCheckInput, ctx: z.RefinementCtx): void {
    const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: "custom", path, message });
    const controller = cfg.addons.ingress?.controller;
    const names = Object.keys(cfg.ingresses);
    const seen = new Map<string, string>();
    const claim = (ingress: string, host: string, p: IngressPathSpec, by: string, path: PropertyKey[]) => {
        const key = `${ingress} ${host} ${p.pathType} ${p.path}`;
        const other = seen.get(key);
        if (other !== undefined) issue(path, `${p.pathType} path "${p.path}" on ${host} is already routed by ${other}; each path of an Ingress has one backend`);
        else seen.set(key, by);
    };
    for (const [name, ing] of Object.entries(cfg.ingresses)) {
        const at = (...rest: PropertyKey[]) => ["ingresses", name, ...rest];
        if (controller === undefined) issue(at(), "needs the cell's ingress controller: set agent-estate:addons.ingress (its IngressClass serves every Ingress of the cell)");
        if (!cfg.namespaces.some((n) => n.name === ing.namespace)) issue(at("namespace"), `"${ing.namespace}" is not one of agent-estate:namespaces (${cfg.namespaces.map((n) => n.name).join(", ")})`);
        ing.hosts.forEach((h, i) => {
            if (h.tls && cfg.addons.certManager === undefined) issue(at("hosts", i, "tls"), "needs a ClusterIssuer: set agent-estate:addons.certManager, or tls: false with a noTlsReason");
        });
        if (ing.forwardAuth && !(controller === "traefik" && cfg.addons.ingress?.forwardAuth !== undefined)) {
            issue(at("forwardAuth"), "needs the cell's Traefik with agent-estate:addons.ingress.forwardAuth; or name an existing Middleware in middlewares");
        }
        if (ing.middlewares.length > 0 && controller !== undefined && controller !== "traefik") issue(at("middlewares"), `are Traefik Middlewares, but the cell's controller is ${controller}; use its annotations instead (e.g. nginx.ingress.kubernetes.io/auth-url)`);
        const prefix = controller && CONTROLLER_ANNOTATION_PREFIX[controller];
        for (const key of Object.keys(ing.annotations)) {
            if (prefix !== undefined && !key.startsWith(prefix)) issue(at("annotations", key), `is not an annotation ${controller} reads (${prefix}*); the cell's controller would ignore it`);
        }
        ing.rules.forEach((r, i) => {
            const target = cfg.workloads[r.backend.service];
            if (target === undefined) {
                issue(at("rules", i, "backend", "service"), `"${r.backend.service}" is not a Service the cell declares (${Object.keys(cfg.workloads).join(", ") || "none"}); route to a workload of agent-estate:workloads`);
                return;
            }
            if (target.namespace !== ing.namespace) issue(at("rules", i, "backend", "service"), `"${r.backend.service}" runs in namespace ${target.namespace}, but an Ingress reaches Services of its own namespace (${ing.namespace}) only`);
            if (r.backend.port !== undefined && r.backend.port !== target.port) issue(at("rules", i, "backend", "port"), `${r.backend.port} is not a port of Service "${r.backend.service}" (${target.port})`);
            for (const h of ing.hosts) claim(name, h.name, r, `agent-estate:ingresses.${name}.rules[${i}]`, at("rules", i, "path"));
        });
    }
    for (const [w, spec] of Object.entries(cfg.workloads)) {
        spec.ingress.forEach((route, i) => {
            const at = ["workloads", w, "ingress", i];
            const ing = cfg.ingresses[route.ingress];
            if (ing === undefined) {
                issue([...at, "ingress"], `"${route.ingress}" is not an Ingress of agent-estate:ingresses (${names.join(", ") || "none"})`);
                return;
            }
            if (ing.namespace !== spec.namespace) issue([...at, "ingress"], `Ingress "${route.ingress}" is in namespace ${ing.namespace}, but an Ingress reaches Services of its own namespace only (this workload runs in ${spec.namespace})`);
            const hosts = ing.hosts.map((h) => h.name);
            (route.hosts ?? []).forEach((h, j) => {
                if (!hosts.includes(h)) issue([...at, "hosts", j], `"${h}" is not a host of Ingress "${route.ingress}" (${hosts.join(", ")}); add it to agent-estate:ingresses.${route.ingress}.hosts or name one of those`);
            });
            route.paths.forEach((p, j) => {
                for (const h of route.hosts ?? hosts) claim(route.ingress, h, p, `workload "${w}"`, [...at, "paths", j, "path"]);
            });
        });
    }
}
