/**
 * The cell as the flows check sees it: namespaces, the pods of every rendered workload (with the
 * environment their containers receive), Services, NetworkPolicies, and what the program declared
 * about Services it does not render (CellFlows). Built from the planned resources alone.
 */
import { CELL_FLOWS_TYPE, CellFlowsArgs, DeclaredFlow, ExternalEndpoint, ServiceEndpoint } from "../../components/flows/cell-flows";
import { PlannedResource } from "../types";
import { Pod, Policy, policyOf } from "./netpol";

/** A rendered pod template: one per Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod. */
export interface PodTemplate extends Pod {
    /** `<namespace>/<name>`, with the kind when it is not a Deployment or StatefulSet. */
    id: string;
    kind: string;
    name: string;
    /** Every environment variable a container receives as a plain value (literal or from a ConfigMap), by container. */
    env: Array<{ container: string; name: string; value: string }>;
    /** Container names. */
    containers: string[];
    /** Whether a volume projects a ServiceAccount token (the pod calls the API server). */
    projectsApiToken: boolean;
}

export interface ServicePort {
    name?: string;
    port: number;
    targetPort: number | string;
    protocol: string;
    nodePort?: number;
}

export interface RenderedService {
    name: string;
    namespace: string;
    /** Absent: a Service without a selector (its endpoints are managed elsewhere). */
    selector?: Record<string, string>;
    ports: ServicePort[];
}

export interface CellModel {
    namespaceLabels: (ns: string) => Record<string, string>;
    namespaces: Set<string>;
    pods: PodTemplate[];
    services: RenderedService[];
    policies: Policy[];
    endpoints: ServiceEndpoint[];
    externals: ExternalEndpoint[];
    declared: DeclaredFlow[];
    /** The tailnet ACL the cell declares (HuJSON/JSON text), if any. */
    tailnetAcl?: string;
}

type Obj = Record<string, unknown>;
type Container = { name: string; env?: Array<{ name: string; value?: string; valueFrom?: { configMapKeyRef?: { name: string; key: string } } }>; envFrom?: Array<{ configMapRef?: { name: string }; prefix?: string }>; ports?: Array<{ name?: string; containerPort: number }> };
type PodSpec = { containers?: Container[]; initContainers?: Container[]; volumes?: Array<{ projected?: { sources?: Array<{ serviceAccountToken?: unknown }> } }> };

const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"]);

/** The pod template of a workload object, and its labels. */
function templateOf(kind: string, props: Obj): { labels: Record<string, string>; spec: PodSpec } | undefined {
    const spec = props.spec as Obj | undefined;
    if (kind === "Pod") return { labels: ((props.metadata as Obj)?.labels as Record<string, string>) ?? {}, spec: (spec ?? {}) as PodSpec };
    const template = kind === "CronJob" ? (((spec?.jobTemplate as Obj)?.spec as Obj)?.template as Obj) : (spec?.template as Obj);
    if (!template) return undefined;
    return { labels: ((template.metadata as Obj)?.labels as Record<string, string>) ?? {}, spec: (template.spec ?? {}) as PodSpec };
}

export function buildModel(resources: PlannedResource[]): CellModel {
    const nsLabels = new Map<string, Record<string, string>>();
    const configMaps = new Map<string, Record<string, string>>();
    const services: RenderedService[] = [];
    const policies: Policy[] = [];
    const workloads: Array<{ kind: string; name: string; namespace: string; labels: Record<string, string>; spec: PodSpec }> = [];
    const declared: CellFlowsArgs = { endpoints: [], externals: [], flows: [] };
    let tailnetAcl: string | undefined;

    for (const r of resources) {
        if (r.type === CELL_FLOWS_TYPE) {
            const a = r.props as unknown as CellFlowsArgs;
            declared.endpoints.push(...(a.endpoints ?? []));
            declared.externals.push(...(a.externals ?? []));
            declared.flows.push(...(a.flows ?? []));
            continue;
        }
        if (r.type === "tailscale:index/acl:Acl" && typeof r.props.acl === "string") tailnetAcl = r.props.acl;
        if (!r.custom || !r.type.startsWith("kubernetes:") || r.type.startsWith("kubernetes:helm.sh/")) continue;
        const kind = r.props.kind as string | undefined;
        const meta = (r.props.metadata ?? {}) as { name?: string; namespace?: string; labels?: Record<string, string> };
        const name = meta.name ?? r.name;
        const namespace = meta.namespace ?? "default";
        if (kind === "Namespace") nsLabels.set(name, { ...meta.labels, "kubernetes.io/metadata.name": name });
        else if (kind === "ConfigMap") configMaps.set(`${namespace}/${name}`, (r.props.data as Record<string, string>) ?? {});
        else if (kind === "Service") {
            const spec = (r.props.spec ?? {}) as { selector?: Record<string, string>; ports?: Array<{ name?: string; port: number; targetPort?: number | string; protocol?: string; nodePort?: number }> };
            services.push({
                name,
                namespace,
                selector: spec.selector,
                ports: (spec.ports ?? []).map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort ?? p.port, protocol: p.protocol ?? "TCP", nodePort: p.nodePort })),
            });
        } else if (kind === "NetworkPolicy") policies.push(policyOf(name, namespace, (r.props.spec ?? {}) as Obj));
        else if (kind && WORKLOAD_KINDS.has(kind)) {
            const t = templateOf(kind, r.props);
            if (t) workloads.push({ kind, name, namespace, ...t });
        }
    }

    const pods: PodTemplate[] = workloads.map((w) => {
        const containers = [...(w.spec.initContainers ?? []), ...(w.spec.containers ?? [])];
        const env: PodTemplate["env"] = [];
        const namedPorts: Record<string, number> = {};
        for (const c of containers) {
            for (const from of c.envFrom ?? []) {
                const data = from.configMapRef ? configMaps.get(`${w.namespace}/${from.configMapRef.name}`) : undefined;
                for (const [k, v] of Object.entries(data ?? {})) env.push({ container: c.name, name: `${from.prefix ?? ""}${k}`, value: v });
            }
            for (const e of c.env ?? []) {
                if (typeof e.value === "string") env.push({ container: c.name, name: e.name, value: e.value });
                const ref = e.valueFrom?.configMapKeyRef;
                const value = ref && configMaps.get(`${w.namespace}/${ref.name}`)?.[ref.key];
                if (value !== undefined) env.push({ container: c.name, name: e.name, value });
            }
            for (const p of c.ports ?? []) if (p.name) namedPorts[p.name] = p.containerPort;
        }
        const qualifier = w.kind === "Deployment" || w.kind === "StatefulSet" ? "" : ` (${w.kind})`;
        return {
            id: `${w.namespace}/${w.name}${qualifier}`,
            kind: w.kind,
            name: w.name,
            namespace: w.namespace,
            labels: w.labels,
            namedPorts,
            env,
            containers: containers.map((c) => c.name),
            projectsApiToken: (w.spec.volumes ?? []).some((v) => (v.projected?.sources ?? []).some((s) => s.serviceAccountToken !== undefined)),
        };
    });

    const namespaces = new Set<string>([...nsLabels.keys(), ...pods.map((p) => p.namespace), ...services.map((s) => s.namespace), ...declared.endpoints.map((e) => e.namespace)]);
    return {
        namespaceLabels: (ns) => nsLabels.get(ns) ?? { "kubernetes.io/metadata.name": ns },
        namespaces,
        pods,
        services,
        policies,
        endpoints: declared.endpoints,
        externals: declared.externals,
        declared: declared.flows,
        tailnetAcl,
    };
}
