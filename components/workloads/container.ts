import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";

type Container = k8s.types.input.core.v1.Container;
type PodSecurityContext = k8s.types.input.core.v1.PodSecurityContext;

/** The uid/gid every agent container runs as (and the fsGroup of every volume). */
export const RUN_AS = 1001;

/** Requests and limits of a container; both always set, so every pod has a QoS class and fits a node. */
export type ContainerResources = { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } };

/** The scratch volume mounted at `/tmp` in every container, since root filesystems are read-only. */
export const TMP_VOLUME = "tmp";

/** Pod-level part of the Pod Security Standards "restricted" profile, plus our fixed ids. */
export function restrictedPodSecurityContext(): PodSecurityContext {
    return {
        runAsNonRoot: true,
        runAsUser: RUN_AS,
        runAsGroup: RUN_AS,
        fsGroup: RUN_AS,
        fsGroupChangePolicy: "OnRootMismatch",
        seccompProfile: { type: "RuntimeDefault" },
    };
}

/** Container-level "restricted" context: applied to the main container, init containers and sidecars alike. */
export function restrictedContainerSecurityContext(): k8s.types.input.core.v1.SecurityContext {
    return {
        runAsNonRoot: true,
        runAsUser: RUN_AS,
        runAsGroup: RUN_AS,
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
    };
}

export interface HardenedContainerArgs {
    name: string;
    /** A pinned image reference (see {@link imageReference}). */
    image: string;
    /** @default - the image's entrypoint */
    command?: string[];
    /** @default - the image's */
    args?: string[];
    /** @default [] */
    env?: k8s.types.input.core.v1.EnvVar[];
    /** @default [] */
    envFrom?: k8s.types.input.core.v1.EnvFromSource[];
    /** @default [] - the container serves nothing */
    ports?: k8s.types.input.core.v1.ContainerPort[];
    /** @default - {@link SIDECAR_RESOURCES} (sidecars and jobs that carry no traffic) */
    resources?: ContainerResources;
    /** Mounts besides `/tmp`, which every hardened container gets. @default [] */
    volumeMounts?: k8s.types.input.core.v1.VolumeMount[];
    /** @default - none */
    startupProbe?: k8s.types.input.core.v1.Probe;
    /** @default - none */
    livenessProbe?: k8s.types.input.core.v1.Probe;
    /** @default - none */
    readinessProbe?: k8s.types.input.core.v1.Probe;
}

/** Modest requests and limits for sidecars and jobs that do not set their own. */
export const SIDECAR_RESOURCES: ContainerResources = { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "200m", memory: "128Mi" } };

/**
 * A container with the restricted security context, a read-only root filesystem with `/tmp` on an
 * emptyDir, and always requests and limits. The security context is not overridable here on purpose:
 * a container that needs more belongs in another namespace with another Pod Security level.
 */
export function hardenedContainer(a: HardenedContainerArgs): Container {
    return {
        name: a.name,
        image: a.image,
        imagePullPolicy: "IfNotPresent",
        command: a.command,
        args: a.args,
        env: a.env && a.env.length > 0 ? a.env : undefined,
        envFrom: a.envFrom && a.envFrom.length > 0 ? a.envFrom : undefined,
        ports: a.ports && a.ports.length > 0 ? a.ports : undefined,
        resources: a.resources ?? SIDECAR_RESOURCES,
        securityContext: restrictedContainerSecurityContext(),
        volumeMounts: [{ name: TMP_VOLUME, mountPath: "/tmp" }, ...(a.volumeMounts ?? [])],
        startupProbe: a.startupProbe,
        livenessProbe: a.livenessProbe,
        readinessProbe: a.readinessProbe,
        terminationMessagePolicy: "FallbackToLogsOnError",
    };
}

/** The `/tmp` emptyDir every hardened pod carries, `sizeLimit` at most (default 256Mi). */
export function tmpVolume(sizeLimit = "256Mi"): k8s.types.input.core.v1.Volume {
    return { name: TMP_VOLUME, emptyDir: { sizeLimit } };
}

/** An env var read from one key of a Secret; the pod fails to start if the key is missing, rather than running without it. */
export function secretEnv(name: string, secretName: string, key: string = name): k8s.types.input.core.v1.EnvVar {
    return { name, valueFrom: { secretKeyRef: { name: secretName, key } } };
}

/** A short hash of a ConfigMap's data, as a pod-template annotation: a changed ConfigMap rolls the pods. */
export function configChecksum(data: Record<string, string>): string {
    return createHash("sha256").update(JSON.stringify(Object.entries(data).sort())).digest("hex").slice(0, 16);
}
