import { z } from "zod";
import { crdKey, schemasOfCrd, validatorOf, vendoredCrdSchema } from "../../plan/crd-schemas";
import { dnsLabel } from "./primitives";

/** A node of a structural schema: upstream's openAPIV3Schema, passed through unchanged. */
type SchemaNode = Record<string, unknown>;
const schemaNode = z.record(z.string(), z.unknown());

/**
 * The structural-schema rules the API server enforces on a CRD (apiextensions.k8s.io/v1): every
 * node states its type (unless it is int-or-string or keeps unknown fields), and `allOf`/`anyOf`/
 * `oneOf`/`not` only add value checks, never a type or a default. Returns the problems with their paths.
 */
export function structuralProblems(node: SchemaNode, path: PropertyKey[] = [], inJunctor = false): Array<{ path: PropertyKey[]; message: string }> {
    const out: Array<{ path: PropertyKey[]; message: string }> = [];
    const free = node["x-kubernetes-int-or-string"] === true || node["x-kubernetes-preserve-unknown-fields"] === true;
    if (!inJunctor && node.type === undefined && !free) out.push({ path, message: 'must state its type (e.g. type: object): a CRD schema must be structural' });
    if (inJunctor) for (const k of ["type", "default", "additionalProperties", "description", "nullable"]) if (k in node) out.push({ path: [...path, k], message: `is not allowed inside allOf/anyOf/oneOf/not of a structural schema; state it on the node itself` });
    for (const [k, v] of Object.entries(node)) {
        if (k === "properties" && v && typeof v === "object") for (const [p, sub] of Object.entries(v as Record<string, SchemaNode>)) out.push(...structuralProblems(sub, [...path, "properties", p], inJunctor));
        else if ((k === "items" || (k === "additionalProperties" && typeof v === "object")) && v) out.push(...structuralProblems(v as SchemaNode, [...path, k], inJunctor));
        else if ((k === "allOf" || k === "anyOf" || k === "oneOf") && Array.isArray(v)) v.forEach((sub, i) => out.push(...structuralProblems(sub as SchemaNode, [...path, k, i], true)));
        else if (k === "not" && v && typeof v === "object") out.push(...structuralProblems(v as SchemaNode, [...path, k], true));
    }
    return out;
}

/** One version of a CRD the cell owns (upstream's field names). */
const crdVersion = z.strictObject({
    name: z.string().regex(/^v[0-9]+((alpha|beta)[0-9]+)?$/, { error: 'must be a Kubernetes API version such as "v1alpha1"' }).describe('The version, e.g. "v1alpha1".'),
    served: z.boolean().default(true).describe("Served by the API. Default: true."),
    storage: z.boolean().default(true).describe("The storage version; exactly one version has it. Default: true."),
    schema: z.strictObject({ openAPIV3Schema: schemaNode.describe("The structural schema of the whole object (upstream's, passed through).") }).describe("The version's schema."),
    subresources: z.strictObject({ status: z.strictObject({}).optional(), scale: schemaNode.optional() }).optional().describe("Subresources, e.g. { status: {} }. Default: none."),
    additionalPrinterColumns: z.array(schemaNode).optional().describe("Columns `kubectl get` prints. Default: none."),
});

/** A CustomResourceDefinition the cell owns, by upstream's `spec` (apiextensions.k8s.io/v1). */
export const crdSpec = z.strictObject({
    group: z.string().regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/, { error: 'must be an API group, a DNS name such as "labrats.work"' }).describe("The API group, e.g. `labrats.work`."),
    names: z
        .strictObject({
            kind: z.string().regex(/^[A-Z][A-Za-z0-9]*$/, { error: 'must be a kind in CamelCase, e.g. "AiInstruction"' }).describe("The kind, e.g. `AiInstruction`."),
            plural: dnsLabel.describe("The plural, lower-case, e.g. `aiinstructions`; the CRD's name is `<plural>.<group>`."),
            singular: dnsLabel.optional().describe("The singular. Default: the kind in lower case."),
            listKind: z.string().optional().describe("Default: `<kind>List`."),
            shortNames: z.array(dnsLabel).optional().describe("Short names for kubectl. Default: none."),
            categories: z.array(dnsLabel).optional().describe("Categories, e.g. [labrats]. Default: none."),
        })
        .describe("The kind's names."),
    scope: z.enum(["Namespaced", "Cluster"]).default("Namespaced").describe('"Namespaced" or "Cluster". Default: "Namespaced".'),
    versions: z.array(crdVersion).min(1).describe("The served versions and their structural schemas."),
});
export type CrdSpec = z.infer<typeof crdSpec>;

/** `agent-estate:crds`: the CRDs the cell owns, keyed by their name `<plural>.<group>`. */
export const crdsSection = z
    .record(z.string(), crdSpec.describe("One CustomResourceDefinition the cell owns (upstream's spec fields), keyed by `<plural>.<group>`."))
    .superRefine((crds, ctx) => {
        for (const [name, crd] of Object.entries(crds)) {
            if (name !== `${crd.names.plural}.${crd.group}`) ctx.addIssue({ code: "custom", path: [name], message: `must be named <plural>.<group>, "${crd.names.plural}.${crd.group}"` });
            if (crd.versions.filter((v) => v.storage).length !== 1) ctx.addIssue({ code: "custom", path: [name, "versions"], message: "must mark exactly one version storage: true" });
            crd.versions.forEach((v, i) => {
                for (const p of structuralProblems(v.schema.openAPIV3Schema)) ctx.addIssue({ code: "custom", path: [name, "versions", i, "schema", "openAPIV3Schema", ...p.path], message: p.message });
            });
        }
    });

/** A custom resource instance of any kind: apiVersion, kind, metadata, and the rest as upstream has it. */
export const customResourceSpec = z
    .looseObject({
        apiVersion: z.string().regex(/^[a-z0-9.-]+\/v[0-9a-z]+$/, { error: 'must be "<group>/<version>", e.g. "labrats.work/v1alpha1"' }).describe("`<group>/<version>` of the kind."),
        kind: z.string().regex(/^[A-Z][A-Za-z0-9]*$/).describe("The kind, e.g. `AiInstruction`."),
        metadata: z
            .strictObject({
                name: z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, { error: "must be a DNS subdomain name" }).describe("The object's name."),
                namespace: dnsLabel.optional().describe("Its namespace, one of `agent-estate:namespaces` (namespaced kinds only)."),
                labels: z.record(z.string(), z.string()).optional().describe("Labels, besides the cell's."),
                annotations: z.record(z.string(), z.string()).optional().describe("Annotations."),
            })
            .describe("Name, namespace, labels and annotations."),
    })
    .describe("A custom resource: apiVersion, kind, metadata and its fields as its CRD defines them (`spec`, …).");
export type CustomResourceSpec = z.infer<typeof customResourceSpec>;

/** `agent-estate:customResources`: instances of any kind, each validated against its CRD's schema when the cell declares or vendors it. */
export const customResourcesSection = z.array(customResourceSpec);

/** The parts of the settings the custom-resource checks read. */
interface CustomResourceCheckInput {
    namespaces: Array<{ name: string }>;
    crds: Record<string, CrdSpec>;
    customResources: CustomResourceSpec[];
}

/**
 * Every instance against its kind's schema, before anything is declared: the CRD the cell declares,
 * or one vendored under schemas/crds/. Names are unique per kind and namespace; a namespaced kind
 * lives in a cell namespace, a cluster-scoped one in none.
 */
export function checkCustomResources(cfg: CustomResourceCheckInput, ctx: z.RefinementCtx): void {
    const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: "custom", path, message });
    const declared = new Map<string, { schema: SchemaNode | undefined; scope: string; crd: string }>();
    for (const [name, crd] of Object.entries(cfg.crds)) {
        for (const [key, v] of schemasOfCrd({ spec: crd }, name)) declared.set(key, { schema: v.schema, scope: crd.scope, crd: name });
    }
    const namespaces = new Set(cfg.namespaces.map((n) => n.name));
    const seen = new Set<string>();
    cfg.customResources.forEach((cr, i) => {
        const at = (...rest: PropertyKey[]) => ["customResources", i, ...rest];
        const key = crdKey(cr.apiVersion, cr.kind);
        const own = declared.get(key);
        const group = cr.apiVersion.split("/")[0];
        if (!own && Object.values(cfg.crds).some((c) => c.group === group && c.names.kind === cr.kind)) {
            issue(at("apiVersion"), `"${cr.apiVersion}" is not a served version of the ${cr.kind} CRD this cell declares`);
            return;
        }
        const ns = cr.metadata.namespace;
        if (own?.scope === "Cluster" && ns !== undefined) issue(at("metadata", "namespace"), `is set, but ${cr.kind} is cluster-scoped (${own.crd}); remove it`);
        if (own?.scope === "Namespaced" && ns === undefined) issue(at("metadata", "namespace"), `is required: ${cr.kind} is namespaced; name one of agent-estate:namespaces`);
        if (ns !== undefined && !namespaces.has(ns)) issue(at("metadata", "namespace"), `"${ns}" is not one of agent-estate:namespaces (${[...namespaces].join(", ")})`);
        const id = `${key} ${ns ?? ""}/${cr.metadata.name}`;
        if (seen.has(id)) issue(at("metadata", "name"), `${cr.kind} "${cr.metadata.name}" is declared twice`);
        seen.add(id);
        const schema = own?.schema ?? vendoredCrdSchema(key)?.schema;
        if (!schema) return;
        const validate = validatorOf(schema);
        if (validate({ ...cr }) === true) return;
        for (const e of validate.errors ?? []) {
            const pointer = e.instancePath.split("/").slice(1).map((p) => (/^\d+$/.test(p) ? Number(p) : p.replace(/~1/g, "/").replace(/~0/g, "~")));
            const extra = e.keyword === "additionalProperties" ? ` ("${String((e.params as { additionalProperty?: string }).additionalProperty)}")` : e.keyword === "enum" ? ` (${(e.params as { allowedValues?: unknown[] }).allowedValues?.map((v) => JSON.stringify(v)).join(", ")})` : "";
            issue(at(...pointer), `breaks the schema of ${cr.kind} (${own ? `CRD ${own.crd}` : "vendored CRD"}): ${e.message ?? "is invalid"}${extra}`);
        }
    });
}
