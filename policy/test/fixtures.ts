// Fixtures start from one fully compliant workload and mutate it, so each test reads as
// "take the good one, break this, expect that".
import * as pulumi from "@pulumi/pulumi";
import { Obj } from "../common";
import { evaluatePolicies, evaluateWith, PlannedResource, PolicyRunOptions, Violation } from "../harness";
import { podOf } from "../pod";
import { policies } from "../policies";

/** Pulumi's unknown-at-preview sentinel, as the mock runtime puts it in inputs. */
export const unknown = pulumi.runtime.unknownValue;

export const digest = `sha256:${"a1".repeat(32)}`;
export const image = `ghcr.io/agent-estate/agent:1.4.2@${digest}`;
export const namespace = "agents";

export type PodKind = "Pod" | "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job" | "CronJob";
export const podKinds: PodKind[] = ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"];
export const typeOf: Record<PodKind, string> = {
    Pod: "kubernetes:core/v1:Pod",
    Deployment: "kubernetes:apps/v1:Deployment",
    StatefulSet: "kubernetes:apps/v1:StatefulSet",
    DaemonSet: "kubernetes:apps/v1:DaemonSet",
    ReplicaSet: "kubernetes:apps/v1:ReplicaSet",
    Job: "kubernetes:batch/v1:Job",
    CronJob: "kubernetes:batch/v1:CronJob",
};
const apiVersionOf = (type: string) => {
    const [, gv] = type.split(":");
    const [group, version] = gv.split("/");
    return group === "core" ? version : `${group}/${version}`;
};

export function container(name: string, opts: { probes?: boolean } = {}): Obj {
    const probe = { httpGet: { path: "/healthz", port: 8080 } };
    return {
        name,
        image,
        ports: [{ containerPort: 8080, name: "http" }],
        env: [
            { name: "LOG_LEVEL", value: "info" },
            { name: "ANTHROPIC_API_KEY", valueFrom: { secretKeyRef: { name: "agent-llm", key: "apiKey" } } },
        ],
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
        ...(opts.probes !== false && { livenessProbe: probe, readinessProbe: { ...probe, httpGet: { path: "/readyz", port: 8080 } } }),
    };
}

function compliantPodSpec(): Obj {
    return {
        automountServiceAccountToken: false,
        serviceAccountName: "agent",
        securityContext: { runAsNonRoot: true, runAsUser: 65532, fsGroup: 65532, seccompProfile: { type: "RuntimeDefault" } },
        initContainers: [container("migrate", { probes: false })],
        containers: [container("agent")],
        volumes: [
            { name: "tmp", emptyDir: {} },
            { name: "config", configMap: { name: "agent" } },
            { name: "token", projected: { sources: [{ serviceAccountToken: { path: "token", audience: "vault" } }] } },
        ],
    };
}

/** A compliant resource of any pod-carrying kind, its pod spec in the place that kind keeps it. */
export function workload(kind: PodKind = "Deployment", name = "agent"): PlannedResource {
    const labels = { "app.kubernetes.io/name": name };
    const template = { metadata: { labels }, spec: compliantPodSpec() };
    const batch = { ...template, spec: { ...template.spec, restartPolicy: "Never" } };
    const spec: Obj =
        kind === "Pod" ? template.spec :
        kind === "Job" ? { template: batch } :
        kind === "CronJob" ? { schedule: "0 * * * *", jobTemplate: { spec: { template: batch } } } :
        kind === "DaemonSet" ? { selector: { matchLabels: labels }, template } :
        { replicas: 2, selector: { matchLabels: labels }, template, ...(kind === "StatefulSet" && { serviceName: name }) };
    const metadata = { name, namespace, ...(kind === "Pod" && { labels }) };
    return planned(typeOf[kind], name, { apiVersion: apiVersionOf(typeOf[kind]), kind, metadata, spec });
}

export function planned(type: string, name: string, props: Obj, extra: Partial<PlannedResource> = {}): PlannedResource {
    return {
        urn: `urn:pulumi:prod::agent-estate::${type}::${name}`,
        type, name, props, protect: false, retainOnDelete: false, dependencies: [], ...extra,
    };
}

/** A Kubernetes object as the program declares it (`kubernetes:<group>/<version>:<Kind>`). */
export function k8s(type: string, name: string, body: Obj, metadata: Obj = {}, extra: Partial<PlannedResource> = {}): PlannedResource {
    const kind = type.split(":")[2];
    return planned(type, name, { apiVersion: apiVersionOf(type), kind, metadata: { name, namespace, ...metadata }, ...body }, extra);
}

/** The pod spec inside a workload (mutable: it is the resource's own object). */
function podSpec(r: PlannedResource): Obj {
    const pod = podOf(r.type, r.props as Obj);
    if (!pod) throw new Error(`${r.type} carries no pod`);
    return pod.spec;
}

/** Clones the resource and applies a change to its pod spec. */
export function changed(r: PlannedResource, change: (spec: Obj, props: Obj) => void): PlannedResource {
    const copy = structuredClone(r);
    change(podSpec(copy), copy.props);
    return copy;
}

export const defaultDenyPolicy = (ns = namespace) => k8s("kubernetes:networking.k8s.io/v1:NetworkPolicy", `${ns}-default-deny`,
    { spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } }, { name: "default-deny", namespace: ns });

export const pdbFor = (r: PlannedResource, spec: Obj = { minAvailable: 1 }) => k8s("kubernetes:policy/v1:PodDisruptionBudget", `${r.name}-pdb`,
    { spec: { ...spec, selector: { matchLabels: (r.props as Obj).spec?.template?.metadata?.labels } } });

/** The workloads plus what the estate declares around them: default-deny per namespace, PDBs. */
export function estate(...workloads: PlannedResource[]): PlannedResource[] {
    const namespaces = [...new Set(workloads.map(w => (w.props as Obj).metadata?.namespace ?? "default"))];
    const pdbs = workloads.filter(w => ["Deployment", "StatefulSet", "ReplicaSet"].includes(w.type.split(":")[2])).map(w => pdbFor(w));
    return [...namespaces.map(ns => defaultDenyPolicy(ns)), ...workloads, ...pdbs];
}

/** Violations of the whole pack, in prod unless told otherwise. */
export function check(resources: PlannedResource | PlannedResource[], opts: Partial<PolicyRunOptions> = {}): Violation[] {
    return evaluatePolicies(Array.isArray(resources) ? resources : [resources], { environment: "prod", ...opts });
}

/** Violations of one named policy only. */
export function checkOne(policy: string, resources: PlannedResource | PlannedResource[], opts: Partial<PolicyRunOptions> = {}): Violation[] {
    const p = policies.find(x => x.name === policy);
    if (!p) throw new Error(`no policy ${policy}`);
    return evaluateWith([p], Array.isArray(resources) ? resources : [resources], { environment: "prod", ...opts });
}

/** The distinct policies that fired, sorted. */
export const fired = (violations: Violation[]) => [...new Set(violations.map(v => v.policy))].sort();
