import { z } from "zod";
import { port } from "./primitives";

/**
 * Kubelet probes as Kubernetes spells them (core/v1 Probe): one handler (`httpGet`, `tcpSocket` or
 * `exec`) and the timings. Shared by workloads and data services; the defaults of each probe are the
 * program's, so a probe that names only its handler keeps them.
 */

const timings = {
    initialDelaySeconds: z.number().int().min(0).max(3600).optional().describe("Seconds after the container starts before the first probe. Default: the probe's (0)."),
    periodSeconds: z.number().int().min(1).max(3600).optional().describe("Seconds between probes. Default: the probe's (startup 5, liveness 10, readiness 5)."),
    timeoutSeconds: z.number().int().min(1).max(600).optional().describe("Seconds before one probe times out. Default: 3."),
    failureThreshold: z.number().int().min(1).max(1000).optional().describe("Consecutive failures before the probe fails. Default: the probe's (startup 30, liveness 3, readiness 3)."),
};

/** A probe in Kubernetes' shape, every field optional but the handler. */
export const probeObjectSpec = z
    .strictObject({
        httpGet: z
            .strictObject({
                path: z.string().startsWith("/").describe('HTTP path, e.g. "/health".'),
                port: port.optional().describe("Container port. Default: the service port."),
            })
            .optional()
            .describe("An HTTP GET; healthy on 2xx/3xx. Only on a port that speaks HTTP."),
        tcpSocket: z
            .strictObject({ port: port.optional().describe("Container port. Default: the service port.") })
            .optional()
            .describe("A TCP connect: healthy when the port accepts a connection (Redis, Postgres, anything not HTTP)."),
        exec: z
            .strictObject({ command: z.array(z.string().min(1)).min(1, { error: 'must name the command, e.g. ["pg_isready", "-U", "postgres"]' }).describe("Command run in the container; healthy on exit 0.") })
            .optional()
            .describe('A command run in the container, e.g. ["redis-cli", "ping"].'),
        ...timings,
    })
    .superRefine((p, ctx) => {
        const handlers = (["httpGet", "tcpSocket", "exec"] as const).filter((h) => p[h] !== undefined);
        if (handlers.length !== 1) {
            ctx.addIssue({
                code: "custom",
                message: handlers.length === 0 ? 'names no handler; set exactly one of httpGet: {path: "/health"}, tcpSocket: {} or exec: {command: [...]}' : `sets ${handlers.join(" and ")}; a probe has exactly one handler, keep one`,
            });
        }
    });

/** A probe: an HTTP path on the service port (shorthand), or a probe object. */
export const probeSpec = z.union([z.string().startsWith("/", { error: 'must be an HTTP path such as "/health"' }), probeObjectSpec], {
    error: 'must be an HTTP path such as "/health" or a probe such as { httpGet: { path: "/health" }, periodSeconds: 10 }',
});
export type ProbeSpec = z.infer<typeof probeSpec>;
export type ProbeObject = z.infer<typeof probeObjectSpec>;

/** The three probes of a container. */
export const probesSpec = z.strictObject({
    liveness: probeSpec.optional().describe('The liveness probe: a path on the service port, or a probe. Default: "/health" (HTTP), every 10 s, 3 s timeout, 3 failures.'),
    readiness: probeSpec.optional().describe('The readiness probe. Default: "/ready" (HTTP), every 5 s, 3 s timeout, 3 failures.'),
    startup: z
        .union([probeSpec, z.literal(false)])
        .optional()
        .describe("The startup probe, or false for none (then liveness's initialDelaySeconds must cover a slow start). Default: liveness's handler, every 5 s, 3 s timeout, 30 failures (150 s)."),
});
export type ProbesSpec = z.infer<typeof probesSpec>;

/** The probe object of a shorthand path. */
export function probeObject(p: ProbeSpec): ProbeObject {
    return typeof p === "string" ? { httpGet: { path: p } } : p;
}

/** Every probe of a probes spec with its config path, startup excluded when off. */
export function probeList(p: ProbesSpec | undefined): Array<{ probe: ProbeObject; path: PropertyKey[] }> {
    const out: Array<{ probe: ProbeObject; path: PropertyKey[] }> = [];
    for (const which of ["liveness", "readiness", "startup"] as const) {
        const v = p?.[which];
        if (v !== undefined && v !== false) out.push({ probe: probeObject(v), path: ["probes", which] });
    }
    return out;
}
