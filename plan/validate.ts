import * as fs from "node:fs";
import * as path from "node:path";
import { crdKey, CrdVersionSchema, schemasOfCrd, validatorOf, vendoredCrdSchema } from "./crd-schemas";
import { PlannedResource, SECRET_PLACEHOLDER } from "./types";

/** A Kubernetes object that does not match its official schema. */
export interface SchemaError {
    urn: string;
    message: string;
}

/** Packages with Kubernetes models, core first; each lays its models out as `<group>/<version>/<Kind>` (core: `<version>/<Kind>`). */
const MODEL_PACKAGES = [
    "kubernetes-models",
    "@kubernetes-models/external-secrets",
    "@kubernetes-models/cert-manager",
    "@kubernetes-models/prometheus-operator",
    "@kubernetes-models/traefik",
    "@kubernetes-models/gateway-api",
    "@kubernetes-models/istio",
];

/** Pulumi's marker for a value not known until apply. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

type Model = new (data: unknown) => { validate(): void };
const modelCache = new Map<string, Model | null>();

/** The Kubernetes `apiVersion`/`kind` of a Pulumi resource, or undefined when it is not a Kubernetes object. */
export function kubernetesObjectOf(r: PlannedResource): { apiVersion: string; kind: string } | undefined {
    if (!r.custom || !r.type.startsWith("kubernetes:") || r.type.startsWith("kubernetes:helm.sh/")) return undefined;
    const { apiVersion, kind } = r.props as { apiVersion?: unknown; kind?: unknown };
    return typeof apiVersion === "string" && typeof kind === "string" ? { apiVersion, kind } : undefined;
}

let packagesByGroup: Map<string, string> | undefined;

/** The package holding the models of an API group (`<version>` for the core group), read off the packages' own directories. */
function packageOf(groupDir: string): string | undefined {
    if (!packagesByGroup) {
        packagesByGroup = new Map();
        for (const pkg of MODEL_PACKAGES) {
            const dir = path.dirname(require.resolve(`${pkg}/package.json`));
            for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
                if (entry.isDirectory() && !entry.name.startsWith("_") && !packagesByGroup.has(entry.name)) packagesByGroup.set(entry.name, pkg);
            }
        }
    }
    return packagesByGroup.get(groupDir);
}

function findModel(apiVersion: string, kind: string): Model | null {
    const key = `${apiVersion}/${kind}`;
    if (!modelCache.has(key)) {
        // Core kinds live under their bare version: kubernetes-models/v1/Namespace.
        const pkg = packageOf(apiVersion.split("/")[0]);
        let found: Model | null = null;
        if (pkg) {
            try {
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                found = (require(`${pkg}/${key}`) as Record<string, Model>)[kind] ?? null;
            } catch {
                found = null;
            }
        }
        modelCache.set(key, found);
    }
    return modelCache.get(key) ?? null;
}

function valueAt(obj: unknown, pointer: string): unknown {
    return pointer
        .split("/")
        .slice(1)
        .reduce<unknown>((cur, part) => (cur !== null && typeof cur === "object" ? (cur as Record<string, unknown>)[part.replace(/~1/g, "/").replace(/~0/g, "~")] : undefined), obj);
}

/** A kind the plan could not validate, and why. */
export interface Unvalidated {
    /** `<apiVersion>/<Kind>`, e.g. `postgresql.cnpg.io/v1/Cluster`; for a Helm release's values, `helm chart <chart> <version>` (`plan/helm-values.ts`). */
    kind: string;
    reason: string;
}

/** The CRD type token: CRDs a stack declares are schemas for its own custom resources. */
const CRD_TYPE = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition";

/**
 * Validates every Kubernetes object against the schema of its kind: the official models for built-in and
 * published kinds, otherwise the CRD's own schema (declared by the stack, or vendored under `schemas/crds/`).
 * Errors at a value that is a redacted secret or unknown until apply are not the object's fault and are not
 * reported. Returns the errors and the kinds that could not be validated, with the reason.
 */
export function validateKubernetesObjects(resources: readonly PlannedResource[]): { errors: SchemaError[]; unvalidated: Unvalidated[] } {
    const errors: SchemaError[] = [];
    const unvalidated = new Map<string, string>();
    let declared: Map<string, CrdVersionSchema> | undefined;
    const report = (r: PlannedResource, kind: string, details: ReadonlyArray<{ instancePath: string; message?: string; params?: { additionalProperty?: string } }>) => {
        for (const d of details) {
            const at = valueAt(r.props, d.instancePath);
            if (at === SECRET_PLACEHOLDER || at === UNKNOWN) continue;
            // A field the schema does not know is named: "unknown field" is what the API server says.
            const message = d.params?.additionalProperty !== undefined ? `unknown field "${d.params.additionalProperty}"` : (d.message ?? "is invalid");
            errors.push({ urn: r.urn, message: `${kind} ${d.instancePath || "/"}: ${message}` });
        }
    };
    for (const r of resources) {
        const obj = kubernetesObjectOf(r);
        if (!obj) continue;
        const Model = findModel(obj.apiVersion, obj.kind);
        if (Model) {
            try {
                // The model copies the object (dropping undefined values) before validating: the resource is never touched.
                new Model(r.props).validate();
            } catch (e) {
                const details = (e as { errors?: Array<{ instancePath: string; message?: string }> }).errors;
                if (Array.isArray(details)) report(r, obj.kind, details);
                else errors.push({ urn: r.urn, message: (e as Error).message });
            }
            continue;
        }
        const key = crdKey(obj.apiVersion, obj.kind);
        declared ??= declaredCrdSchemas(resources);
        const crd = declared.get(key) ?? vendoredCrdSchema(key);
        if (!crd) {
            unvalidated.set(key, `no published model, and no CustomResourceDefinition for ${obj.kind} in ${obj.apiVersion} declared by the stack or vendored under schemas/crds/`);
            continue;
        }
        if (!crd.schema) {
            unvalidated.set(key, `its CustomResourceDefinition (${crd.source}) has no openAPIV3Schema for ${obj.apiVersion}`);
            continue;
        }
        const validate = validatorOf(crd.schema);
        if (!validate(r.props)) report(r, obj.kind, validate.errors ?? []);
    }
    return { errors, unvalidated: [...unvalidated].sort(([a], [b]) => a.localeCompare(b)).map(([kind, reason]) => ({ kind, reason })) };
}

/** The schemas of the CustomResourceDefinitions the stack declares itself. */
function declaredCrdSchemas(resources: readonly PlannedResource[]): Map<string, CrdVersionSchema> {
    const found = new Map<string, CrdVersionSchema>();
    for (const r of resources) {
        if (r.type !== CRD_TYPE) continue;
        for (const [key, schema] of schemasOfCrd(r.props, `declared by the stack (${r.name})`)) found.set(key, schema);
    }
    return found;
}
