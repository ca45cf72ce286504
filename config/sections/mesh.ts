import type { DestinationRule, IDestinationRule } from "@kubernetes-models/istio/networking.istio.io/v1beta1/DestinationRule";
import type { IVirtualService, VirtualService } from "@kubernetes-models/istio/networking.istio.io/v1beta1/VirtualService";
import { z } from "zod";
import { dnsLabel } from "./primitives";

/**
 * `agent-estate:mesh`: the cell's Istio service mesh, which the cluster runs (this program does not
 * install Istio): its data plane, whether the Istio CNI node agent is there, the namespaces in the
 * mesh, and where istiod and the ingress gateway run. VirtualServices and DestinationRules belong to
 * the services they route to (`workloads.<w>.mesh`), in Istio's own field names.
 */

/** Kubernetes label keys and values, for selecting istiod's and the gateway's pods. */
const labelMap = z.record(z.string().min(1), z.string());

/** Ports of the Istio data plane a NetworkPolicy must let through. */
export const MESH_PORTS = {
    /** istiod's xDS and certificate service (mTLS), which every sidecar calls. */
    istiodXds: 15012,
    /** The sidecar's merged Prometheus metrics (the app's metrics and Envoy's), scraped instead of the app's port. */
    mergedMetrics: 15020,
    /** HBONE, the ambient data plane's tunnel: ztunnel delivers a meshed pod's inbound traffic on it. */
    hbone: 15008,
} as const;

/** `agent-estate:mesh`. */
export const meshSection = z.strictObject({
    dataPlane: z
        .enum(["sidecar", "ambient"], { error: 'must be "sidecar" or "ambient"' })
        .describe('"sidecar": the namespaces are labelled `istio-injection: enabled` and each pod gets an istio-proxy container; "ambient": `istio.io/dataplane-mode: ambient`, traffic goes through the node\'s ztunnel.'),
    istioCni: z
        .boolean()
        .describe(
            "Whether the cluster runs the Istio CNI node agent. Without it, sidecar injection adds the istio-init container (NET_ADMIN, NET_RAW, root), which only the `privileged` Pod Security level admits; with it, meshed namespaces can stay `restricted`. Ambient always needs it.",
        ),
    namespaces: z.array(dnsLabel).min(1, { error: "must list at least one namespace of agent-estate:namespaces" }).describe("The cell's namespaces in the mesh."),
    istiod: z
        .strictObject({
            namespace: dnsLabel.default("istio-system").describe('Namespace of istiod. Default: "istio-system".'),
            podSelector: labelMap.default({ app: "istiod" }).describe('Labels of istiod\'s pods. Default: { app: "istiod" }.'),
            service: dnsLabel.default("istiod").describe('Its Service. Default: "istiod".'),
        })
        .default({ namespace: "istio-system", podSelector: { app: "istiod" }, service: "istiod" })
        .describe(`istiod, which every sidecar reaches on ${MESH_PORTS.istiodXds} (xDS and certificates). Default: the istiod chart's.`),
    gateways: z
        .array(z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: 'must be an Istio Gateway as "<namespace>/<name>", e.g. "istio-system/nexus-stack-gateway"' }))
        .default([])
        .describe('The Istio Gateways the cluster runs, as "<namespace>/<name>", which a VirtualService may bind besides `mesh`. Default: [] (VirtualServices bind `mesh` only).'),
    ingressGateway: z
        .strictObject({
            namespace: dnsLabel.default("istio-system").describe('Namespace of the gateway\'s pods. Default: "istio-system".'),
            podSelector: labelMap.default({ istio: "ingressgateway" }).describe('Labels of its pods. Default: { istio: "ingressgateway" }.'),
        })
        .default({ namespace: "istio-system", podSelector: { istio: "ingressgateway" } })
        .describe("The ingress gateway's pods, let in on the service port of each workload whose VirtualService binds a Gateway. Default: the istio-ingressgateway chart's."),
    prometheus: z
        .strictObject({
            namespace: dnsLabel.describe("Namespace of Prometheus."),
            podSelector: labelMap.describe("Labels of its pods."),
        })
        .optional()
        .describe(`Prometheus, let in on the merged metrics port ${MESH_PORTS.mergedMetrics} of meshed sidecar pods that ask to be scraped (pod annotation prometheus.io/scrape: "true"). Default: none.`),
});
export type MeshConfig = z.infer<typeof meshSection>;

/** The Pod Security level a meshed namespace needs at least, and why. */
export function meshPodSecurity(mesh: Pick<MeshConfig, "dataPlane" | "istioCni">): { level: "restricted" | "privileged"; why?: string } {
    if (mesh.dataPlane === "sidecar" && !mesh.istioCni) {
        return { level: "privileged", why: "sidecar injection without the Istio CNI adds the istio-init container, which runs as root with NET_ADMIN and NET_RAW to redirect the pod's traffic" };
    }
    return { level: "restricted" };
}

/** Where a routing object's spec breaks its Istio schema, as paths inside the spec and messages. */
type SpecProblem = { path: PropertyKey[]; message: string };

/** A node of the JSON schema a model validates against. */
type SchemaNode = { properties?: Record<string, SchemaNode>; additionalProperties?: SchemaNode | boolean; items?: SchemaNode };

type IstioModel = typeof VirtualService | typeof DestinationRule;

/**
 * The Istio models, loaded when a stack's mesh section is first checked (loading the package costs
 * about 90 ms, which a stack without a mesh does not pay).
 */
/* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use */
const ISTIO_MODELS: Record<"VirtualService" | "DestinationRule", () => IstioModel> = {
    VirtualService: () => (require("@kubernetes-models/istio/networking.istio.io/v1beta1/VirtualService") as { VirtualService: IstioModel }).VirtualService,
    DestinationRule: () => (require("@kubernetes-models/istio/networking.istio.io/v1beta1/DestinationRule") as { DestinationRule: IstioModel }).DestinationRule,
};
/* eslint-enable @typescript-eslint/no-require-imports */

const specSchemas = new Map<IstioModel, SchemaNode>();

/** The model's schema of `spec`: the model reports it with the error for a spec of the wrong type. */
function specSchemaOf(Model: IstioModel): SchemaNode {
    let schema = specSchemas.get(Model);
    if (!schema) {
        try {
            new Model({ metadata: { name: "probe" }, spec: 0 as never }).validate();
        } catch (e) {
            schema = (e as { errors?: Array<{ instancePath: string; parentSchema?: SchemaNode }> }).errors?.find((x) => x.instancePath === "/spec")?.parentSchema;
        }
        schema ??= {};
        specSchemas.set(Model, schema);
    }
    return schema;
}

/** Fields the schema does not know (the model itself lets them pass; the API server would prune or refuse them). */
function unknownFields(node: SchemaNode, value: unknown, path: PropertyKey[]): SpecProblem[] {
    if (Array.isArray(value)) return node.items ? value.flatMap((v, i) => unknownFields(node.items as SchemaNode, v, [...path, i])) : [];
    if (value === null || typeof value !== "object") return [];
    const out: SpecProblem[] = [];
    for (const [k, v] of Object.entries(value)) {
        const sub = node.properties?.[k];
        if (sub) out.push(...unknownFields(sub, v, [...path, k]));
        else if (typeof node.additionalProperties === "object") out.push(...unknownFields(node.additionalProperties, v, [...path, k]));
        else if (node.properties !== undefined && node.additionalProperties === undefined) {
            out.push({ path: [...path, k], message: `unknown field "${k}"; the fields here are ${Object.keys(node.properties).map((p) => `"${p}"`).join(", ")}` });
        }
    }
    return out;
}

/** Checks a VirtualService or DestinationRule spec against @kubernetes-models/istio's schema (types, enums, unknown fields). */
export function istioSpecProblems(kind: keyof typeof ISTIO_MODELS, spec: unknown): SpecProblem[] {
    const Model = ISTIO_MODELS[kind]();
    const out: SpecProblem[] = [];
    try {
        new Model({ metadata: { name: "check" }, spec: spec as never }).validate();
    } catch (e) {
        const errors = (e as { errors?: Array<{ instancePath: string; message?: string; keyword?: string; params?: { allowedValues?: unknown[] } }> }).errors ?? [];
        for (const err of errors) {
            if (!err.instancePath.startsWith("/spec")) continue;
            const path = err.instancePath.split("/").slice(2).map((p) => (/^\d+$/.test(p) ? Number(p) : p.replace(/~1/g, "/").replace(/~0/g, "~")));
            const allowed = err.keyword === "enum" ? ` (${err.params?.allowedValues?.map((v) => JSON.stringify(v)).join(", ")})` : "";
            out.push({ path, message: `breaks Istio's ${Model.kind} schema: ${err.message ?? "is invalid"}${allowed}` });
        }
    }
    return [...out, ...unknownFields(specSchemaOf(Model), spec, [])];
}

export type VirtualServiceSpec = NonNullable<IVirtualService["spec"]>;
export type DestinationRuleSpec = NonNullable<IDestinationRule["spec"]>;
export type HttpRoute = NonNullable<VirtualServiceSpec["http"]>[number];

/** Istio's duration: seconds (with a fraction) or a Go-style duration, e.g. "30s", "1h", "500ms". */
const DURATION = /^([0-9]+(\.[0-9]+)?(h|m|s|ms|us|µs|ns))+$/;

/** Durations inside a spec, by field name: the schema calls them strings, Envoy refuses anything else. */
const DURATION_FIELDS = new Set(["timeout", "perTryTimeout", "connectTimeout", "idleTimeout", "interval", "baseEjectionTime", "maxAge", "time", "maxConnectionDuration", "perTryIdleTimeout"]);

function durationProblems(value: unknown, path: PropertyKey[]): SpecProblem[] {
    if (Array.isArray(value)) return value.flatMap((v, i) => durationProblems(v, [...path, i]));
    if (value === null || typeof value !== "object") return [];
    return Object.entries(value).flatMap(([k, v]) =>
        DURATION_FIELDS.has(k) && typeof v === "string" && !DURATION.test(v) ? [{ path: [...path, k], message: `"${v}" is not a duration; write it as Istio does, e.g. "30s", "3600s" or "500ms"` }] : durationProblems(v, [...path, k]),
    );
}

/** An object forwarded to Istio unchanged, checked against the model in the workload's superRefine. */
const istioSpec = (what: string) => z.record(z.string(), z.unknown()).describe(what);

/**
 * `workloads.<w>.mesh`: the Istio routing objects of the workload's Service, in Istio's field names
 * (networking.istio.io/v1beta1). A route without `route` goes to the workload's Service on its port.
 */
export const workloadMeshSpec = z
    .strictObject({
        virtualService: istioSpec(
            "The VirtualService's `spec` (hosts, gateways, http routes in order: match, timeout, retries, corsPolicy, headers…). `hosts` defaults to the Service's short and full names, `gateways` to [mesh]; an http route without `route` is sent to the workload's Service on its port.",
        ).optional(),
        destinationRule: istioSpec("The DestinationRule's `spec` (trafficPolicy: connectionPool, loadBalancer, outlierDetection, tls; subsets). `host` is the workload's Service.").optional(),
    })
    .superRefine((m, ctx) => {
        const report = (base: PropertyKey[]) => (p: SpecProblem) => ctx.addIssue({ code: "custom", path: [...base, ...p.path], message: p.message });
        if (m.virtualService) {
            if ("host" in m.virtualService) ctx.addIssue({ code: "custom", path: ["virtualService", "host"], message: 'is not a VirtualService field; did you mean "hosts"?' });
            istioSpecProblems("VirtualService", m.virtualService).forEach(report(["virtualService"]));
            durationProblems(m.virtualService, []).forEach(report(["virtualService"]));
        }
        if (m.destinationRule) {
            if ("host" in m.destinationRule) ctx.addIssue({ code: "custom", path: ["destinationRule", "host"], message: "is the workload's Service, set by the program; remove it" });
            istioSpecProblems("DestinationRule", m.destinationRule).forEach(report(["destinationRule"]));
            durationProblems(m.destinationRule, []).forEach(report(["destinationRule"]));
        }
        // Every subset a route names is one the DestinationRule defines.
        const subsets = new Set(((m.destinationRule?.subsets as Array<{ name?: string }> | undefined) ?? []).map((s) => s.name));
        ((m.virtualService?.http as HttpRoute[] | undefined) ?? []).forEach((r, i) =>
            (r.route ?? []).forEach((d, j) => {
                const subset = d.destination?.subset;
                if (subset !== undefined && subset !== null && !subsets.has(subset)) {
                    ctx.addIssue({ code: "custom", path: ["virtualService", "http", i, "route", j, "destination", "subset"], message: `"${subset}" is not a subset of the workload's destinationRule (${[...subsets].join(", ") || "none"})` });
                }
            }),
        );
    });
export type WorkloadMeshSpec = z.infer<typeof workloadMeshSpec>;

/** The parts of the settings the mesh checks read. */
interface MeshCheckInput {
    namespaces: Array<{ name: string; podSecurity: { level: string } }>;
    workloads: Record<string, { namespace: string; mesh?: WorkloadMeshSpec }>;
    mesh?: MeshConfig;
}

/**
 * The mesh against the namespaces and workloads: every meshed namespace is the cell's and runs at a
 * Pod Security level that admits the mesh's pods (the plan refuses one that would not); the ambient
 * data plane has the CNI it runs on; a workload with routing objects is in the mesh.
 */
export function checkMesh(cfg: MeshCheckInput, ctx: z.RefinementCtx): void {
    const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: "custom", path, message });
    const mesh = cfg.mesh;
    if (mesh) {
        if (mesh.dataPlane === "ambient" && !mesh.istioCni) {
            issue(["mesh", "istioCni"], "is false, but the ambient data plane runs on the Istio CNI node agent (it redirects pod traffic to ztunnel); install it and set istioCni: true, or use dataPlane: sidecar");
        }
        const needed = meshPodSecurity(mesh);
        mesh.namespaces.forEach((name, i) => {
            const at = cfg.namespaces.findIndex((n) => n.name === name);
            if (at < 0) {
                issue(["mesh", "namespaces", i], `"${name}" is not one of agent-estate:namespaces (${cfg.namespaces.map((n) => n.name).join(", ")})`);
                return;
            }
            const level = cfg.namespaces[at].podSecurity.level;
            if (needed.level === "privileged" && level !== "privileged") {
                issue(
                    ["namespaces", at, "podSecurity", "level"],
                    `is "${level}", which would not admit the mesh's pods: ${needed.why}, and only "privileged" allows that. Install the Istio CNI node agent and set agent-estate:mesh.istioCni: true (then "${level}" works), or set level "privileged" with a reason`,
                );
            }
        });
    }
    for (const [w, spec] of Object.entries(cfg.workloads)) {
        if (!spec.mesh) continue;
        if (!mesh) {
            issue(["workloads", w, "mesh"], "needs agent-estate:mesh (the cluster's Istio data plane and the namespaces in the mesh); set it or remove the routing objects");
            continue;
        }
        if (!mesh.namespaces.includes(spec.namespace)) issue(["workloads", w, "mesh"], `routes a workload of namespace ${spec.namespace}, which is not in agent-estate:mesh.namespaces (${mesh.namespaces.join(", ")}); add it there`);
        // A Gateway a route binds is one the cluster runs: a typo would leave the route unserved, silently.
        const gateways = spec.mesh.virtualService?.gateways;
        if (Array.isArray(gateways)) {
            gateways.forEach((g, i) => {
                if (typeof g !== "string" || g === "mesh" || mesh.gateways.includes(g)) return;
                issue(["workloads", w, "mesh", "virtualService", "gateways", i], `"${g}" is not an Istio Gateway of agent-estate:mesh.gateways (${mesh.gateways.join(", ") || "none"}); name it as "<namespace>/<name>" there, or bind "mesh" only`);
            });
        }
    }
}
