// Good practice for anything that runs a pod: sized, probed, placed and scoped on purpose.
import { podPolicy } from "../define";
import { eachContainer } from "../pod";

export const resources = podPolicy<{ requireCpuLimit: boolean }>({
    name: "container-resources",
    description: "Containers and init containers request CPU and memory and set a memory limit (CPU limit optional: it throttles).",
    remediationSteps: "Set resources.requests.cpu, resources.requests.memory and resources.limits.memory.",
    configSchema: {
        properties: {
            requireCpuLimit: { type: "boolean", description: "Also require resources.limits.cpu.", default: false },
        },
    },
    // Ephemeral containers cannot carry resources (the API rejects them), so they are not checked.
    check: (pod, report, { requireCpuLimit }) => eachContainer(pod, c => {
        const r = c.spec.resources ?? {};
        const missing = [
            r.requests?.cpu === undefined && "requests.cpu",
            r.requests?.memory === undefined && "requests.memory",
            r.limits?.memory === undefined && "limits.memory",
            requireCpuLimit && r.limits?.cpu === undefined && "limits.cpu",
        ].filter(Boolean);
        if (missing.length > 0) report(`${c.where} has no resources.${missing.join(", resources.")}`);
    }, ["containers", "initContainers"]),
});

/** Batch pods run to completion; liveness and readiness mean nothing for them. */
const batchKinds = new Set(["Job", "CronJob"]);

export const probes = podPolicy({
    name: "container-probes",
    description: "Long-running containers (and native sidecars) have a liveness and a readiness probe.",
    remediationSteps: "Add livenessProbe and readinessProbe (they should differ: readiness gates traffic, liveness restarts).",
    check: (pod, report) => {
        if (batchKinds.has(pod.kind)) return;
        eachContainer(pod, c => {
            // Init containers run to completion unless they are native sidecars (restartPolicy Always).
            if (c.list === "initContainers" && c.spec.restartPolicy !== "Always") return;
            const missing = [!c.spec.livenessProbe && "livenessProbe", !c.spec.readinessProbe && "readinessProbe"].filter(Boolean);
            if (missing.length > 0) report(`${c.where} has no ${missing.join(" and no ")}`);
        }, ["containers", "initContainers"]);
    },
});

export const namespace = podPolicy({
    name: "workload-namespace",
    description: "Workloads live in their own namespace, never in `default` (nor unset, which lands there).",
    remediationSteps: "Set metadata.namespace to the component's namespace.",
    check: (pod, report) => {
        const ns = pod.metadata.namespace;
        if (ns === undefined || ns === "" || ns === "default") report(`metadata.namespace is ${ns ? `"${ns}"` : "unset"}; workloads do not run in the default namespace`);
    },
});

export const automount = podPolicy({
    name: "service-account-token-automount",
    description: "The pod declares automountServiceAccountToken: a Kubernetes API token is mounted only where a workload says it needs one.",
    remediationSteps: "Set automountServiceAccountToken: false, or true on a workload that calls the Kubernetes API.",
    check: (pod, report) => {
        if (typeof pod.spec.automountServiceAccountToken !== "boolean") report(`${pod.specPath}.automountServiceAccountToken is not declared (Kubernetes defaults it to true)`);
    },
});

export const workloadPractice = [resources, probes, namespace, automount];
