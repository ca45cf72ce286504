import * as k8s from "@pulumi/kubernetes";

/** One handler and the timings of a kubelet probe, as Kubernetes spells them; every field optional but the handler. */
export interface ProbeArgs {
    /** An HTTP GET on `port` (a number, or a named port). @default - the handler given, one of the three */
    httpGet?: { path: string; port?: number | string };
    /** A TCP connect on `port`. */
    tcpSocket?: { port?: number | string };
    /** A command run in the container. */
    exec?: { command: string[] };
    /** @default 0 */
    initialDelaySeconds?: number;
    /** @default - the probe's: startup 5, liveness 10, readiness 5 */
    periodSeconds?: number;
    /** @default 3 */
    timeoutSeconds?: number;
    /** @default - the probe's: startup 30, liveness 3, readiness 3 */
    failureThreshold?: number;
}

/** The probes of a container: each a path on `defaultPort` or a probe; `startup: false` drops the startup probe. */
export interface ProbesArgs {
    /** @default "/health" over HTTP, every 10 s, 3 s timeout, 3 failures */
    liveness?: string | ProbeArgs;
    /** @default "/ready" over HTTP, every 5 s, 3 s timeout, 3 failures */
    readiness?: string | ProbeArgs;
    /** @default - the liveness handler, every 5 s, 3 s timeout, 30 failures (a slow first start gets 150 s) */
    startup?: string | ProbeArgs | false;
}

/** The program's timings of each probe. */
export const PROBE_TIMINGS = {
    startup: { periodSeconds: 5, failureThreshold: 30, timeoutSeconds: 3 },
    liveness: { periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 3 },
    readiness: { periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 3 },
} as const;

type Probe = k8s.types.input.core.v1.Probe;

/** A probe in Kubernetes' shape: the handler on `defaultPort` unless it names a port, the timings over `timings`. */
function toProbe(p: string | ProbeArgs, defaultPort: number | string, timings: (typeof PROBE_TIMINGS)[keyof typeof PROBE_TIMINGS]): Probe {
    const a: ProbeArgs = typeof p === "string" ? { httpGet: { path: p } } : p;
    const handler: Probe = a.httpGet
        ? { httpGet: { path: a.httpGet.path, port: a.httpGet.port ?? defaultPort } }
        : a.tcpSocket
          ? { tcpSocket: { port: a.tcpSocket.port ?? defaultPort } }
          : a.exec
            ? { exec: { command: a.exec.command } }
            : (() => {
                  throw new Error("a probe needs one handler: httpGet, tcpSocket or exec");
              })();
    return {
        ...handler,
        initialDelaySeconds: a.initialDelaySeconds,
        periodSeconds: a.periodSeconds ?? timings.periodSeconds,
        timeoutSeconds: a.timeoutSeconds ?? timings.timeoutSeconds,
        failureThreshold: a.failureThreshold ?? timings.failureThreshold,
    };
}

/** The startup, liveness and readiness probes of a container serving on `port` (a number or a named port). */
export function containerProbes(
    probes: ProbesArgs | undefined,
    port: number | string,
    defaults: { liveness: string | ProbeArgs; readiness: string | ProbeArgs } = { liveness: "/health", readiness: "/ready" },
): { startupProbe?: Probe; livenessProbe: Probe; readinessProbe: Probe } {
    const liveness = probes?.liveness ?? defaults.liveness;
    const livenessHandler: ProbeArgs = typeof liveness === "string" ? { httpGet: { path: liveness } } : { httpGet: liveness.httpGet, tcpSocket: liveness.tcpSocket, exec: liveness.exec };
    const startup = probes?.startup === undefined ? livenessHandler : probes.startup;
    return {
        startupProbe: startup === false ? undefined : toProbe(startup, port, PROBE_TIMINGS.startup),
        livenessProbe: toProbe(liveness, port, PROBE_TIMINGS.liveness),
        readinessProbe: toProbe(probes?.readiness ?? defaults.readiness, port, PROBE_TIMINGS.readiness),
    };
}
