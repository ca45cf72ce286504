// One place that knows where each pod-carrying kind keeps its pod, and how Kubernetes combines
// pod-level and container-level security settings.
import { eachDecision, k8sType, list, Obj } from "./common";

/** Where the pod spec lives in each pod-carrying kind, keyed by "<group>/<Kind>" (any version). */
const podSpecPaths: Record<string, string[]> = {
    "core/Pod": ["spec"],
    "apps/Deployment": ["spec", "template", "spec"],
    "apps/StatefulSet": ["spec", "template", "spec"],
    "apps/DaemonSet": ["spec", "template", "spec"],
    "apps/ReplicaSet": ["spec", "template", "spec"],
    "batch/Job": ["spec", "template", "spec"],
    "batch/CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
};

export type ContainerList = "containers" | "initContainers" | "ephemeralContainers";
const containerLists: ContainerList[] = ["containers", "initContainers", "ephemeralContainers"];
const listNoun: Record<ContainerList, string> = {
    containers: "container",
    initContainers: "init container",
    ephemeralContainers: "ephemeral container",
};

export interface ContainerView {
    list: ContainerList;
    /** Raw container spec. */
    spec: Obj;
    /** Human name for messages, e.g. `init container "migrate"`. */
    where: string;
    /** Field path for messages, e.g. `spec.template.spec.initContainers[0]`. */
    path: string;
}

export interface PodView {
    /** The workload kind, e.g. "CronJob". */
    kind: string;
    /** The object's own metadata (namespace lives here, not on the template). */
    metadata: Obj;
    /** The pod's metadata: the template's for controllers, the object's for a Pod. */
    podMetadata: Obj;
    spec: Obj;
    /** Dotted path of the pod spec, e.g. `spec.jobTemplate.spec.template.spec`. */
    specPath: string;
    /** Containers, init containers and ephemeral containers, in that order. */
    containers: ContainerView[];
}

/** True when the type token is one of the pod-carrying kinds. */
export function carriesPod(type: string): boolean {
    const t = k8sType(type);
    return t !== undefined && podSpecPaths[`${t.group}/${t.kind}`] !== undefined;
}

/** The pod inside a pod-carrying resource, or undefined for any other type. */
export function podOf(type: string, props: Obj): PodView | undefined {
    const t = k8sType(type);
    const path = t && podSpecPaths[`${t.group}/${t.kind}`];
    if (!t || !path) return undefined;
    let spec: any = props;
    let parent: any = undefined;
    for (const key of path) {
        parent = spec;
        spec = spec?.[key];
    }
    spec ??= {};
    const podMetadata = path.length === 1 ? props.metadata ?? {} : parent?.metadata ?? {};
    const specPath = path.join(".");
    const containers: ContainerView[] = [];
    for (const l of containerLists) {
        list<Obj>(spec[l]).forEach((c, i) => containers.push({
            list: l,
            spec: c,
            where: `${listNoun[l]} "${c.name}"`,
            path: `${specPath}.${l}[${i}]`,
        }));
    }
    return { kind: t.kind, metadata: props.metadata ?? {}, podMetadata, spec, specPath, containers };
}

/** Pod-level fields that a container's securityContext may override. */
export type InheritedField = "runAsUser" | "runAsGroup" | "runAsNonRoot" | "seLinuxOptions" | "seccompProfile" | "appArmorProfile";

/** The value Kubernetes applies to this container: the container's field if set, else the pod's. */
export function effective(pod: PodView, c: ContainerView, field: InheritedField): any {
    const own = c.spec.securityContext?.[field];
    return own !== undefined && own !== null ? own : pod.spec.securityContext?.[field];
}

/** Windows options are merged field by field (kubelet's DetermineEffectiveSecurityContext). */
export function effectiveHostProcess(pod: PodView, c: ContainerView): boolean | undefined {
    return c.spec.securityContext?.windowsOptions?.hostProcess ?? pod.spec.securityContext?.windowsOptions?.hostProcess;
}

/**
 * Every securityContext that can carry a forbidden value: the pod's and each container's.
 * Forbidden-value controls check each level literally, as PSS admission does, so a pod-level
 * Unconfined is reported even when every container overrides it.
 */
export function securityContexts(pod: PodView): { where: string; path: string; sc: Obj | undefined }[] {
    return [
        { where: "the pod", path: `${pod.specPath}.securityContext`, sc: pod.spec.securityContext },
        ...pod.containers.map(c => ({ where: c.where, path: `${c.path}.securityContext`, sc: c.spec.securityContext })),
    ];
}

/** Runs a check per container, one unknown never masking another container's violation. */
export function eachContainer(pod: PodView, check: (c: ContainerView) => void, lists: ContainerList[] = containerLists): void {
    eachDecision(pod.containers.filter(c => lists.includes(c.list)), check);
}
