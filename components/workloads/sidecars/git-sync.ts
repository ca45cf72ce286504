import * as k8s from "@pulumi/kubernetes";
import { SIDECAR_HEALTH_PORTS } from "../../../config/sections/workloads";
import { hardenedContainer, secretEnv } from "../container";
import { internet } from "../network-policy";
import { PodPiece } from "../pod-piece";

export interface GitSyncArgs {
    /** HTTPS URL of the repository. */
    repo: string;
    /** A pinned git-sync image reference (v4). */
    image: string;
    /** Branch, tag or commit. @default "main" */
    ref?: string;
    /** Seconds between pulls. @default 60 */
    period?: number;
    /** Mount point of the checkouts in the main container (read-only). @default "/agents" */
    mountPath?: string;
    /** Name of the workload's env Secret and the key holding a token, for private repositories. @default - anonymous clone */
    token?: { secretName: string; key: string };
}

/** The checkout volume shared by git-sync (read-write) and the main container (read-only). */
export const GIT_SYNC_VOLUME = "agents";

/** The directory name a repository gets under the mount: its last path segment without `.git`. */
export function repoDirName(repo: string): string {
    const last = new URL(repo).pathname.split("/").filter(Boolean).pop() ?? "repo";
    return last.replace(/\.git$/, "");
}

/**
 * git-sync as two hardened containers: an init container that clones once (the main container starts
 * with its definitions in place) and a sidecar that pulls every `period` seconds. The checkout is at
 * `<mountPath>/<repo name>`, read-only for the main container.
 */
export function gitSync(a: GitSyncArgs): PodPiece {
    const mountPath = a.mountPath ?? "/agents";
    const link = repoDirName(a.repo);
    const env: k8s.types.input.core.v1.EnvVar[] = [
        { name: "GITSYNC_REPO", value: a.repo },
        { name: "GITSYNC_REF", value: a.ref ?? "main" },
        { name: "GITSYNC_ROOT", value: "/git" },
        { name: "GITSYNC_LINK", value: link },
        { name: "GITSYNC_DEPTH", value: "1" },
        // git writes its config under HOME: keep it on the writable /tmp.
        { name: "HOME", value: "/tmp" },
    ];
    if (a.token) env.push({ name: "GITSYNC_USERNAME", value: "x-access-token" }, secretEnv("GITSYNC_PASSWORD", a.token.secretName, a.token.key));
    const mounts = [{ name: GIT_SYNC_VOLUME, mountPath: "/git" }];
    const health = SIDECAR_HEALTH_PORTS.gitSync;
    return {
        initContainers: [hardenedContainer({ name: "git-sync-init", image: a.image, env: [...env, { name: "GITSYNC_ONE_TIME", value: "true" }], volumeMounts: mounts })],
        containers: [
            hardenedContainer({
                name: "git-sync",
                image: a.image,
                env: [
                    ...env,
                    { name: "GITSYNC_PERIOD", value: `${a.period ?? 60}s` },
                    // A transient outage of the forge must not restart the pod: give up after ten failed pulls.
                    { name: "GITSYNC_MAX_FAILURES", value: "10" },
                    // `/` answers 5xx until the first sync, 200 after: a liveness and readiness signal.
                    { name: "GITSYNC_HTTP_BIND", value: `:${health}` },
                ],
                ports: [{ name: "gitsync-health", containerPort: health, protocol: "TCP" }],
                volumeMounts: mounts,
                livenessProbe: { httpGet: { path: "/", port: health }, periodSeconds: 30, failureThreshold: 3 },
                readinessProbe: { httpGet: { path: "/", port: health }, periodSeconds: 10 },
            }),
        ],
        volumes: [{ name: GIT_SYNC_VOLUME, emptyDir: { sizeLimit: "1Gi" } }],
        mainMounts: [{ name: GIT_SYNC_VOLUME, mountPath, readOnly: true }],
        egress: [internet([{ port: 443 }])],
        secretKeys: a.token ? [a.token.key] : [],
    };
}
