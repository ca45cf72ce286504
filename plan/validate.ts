import * as fs from "node:fs";
import * as path from "node:path";
import { crdKey, CrdVersionSchema, schemasOfCrd, validatorOf, vendoredCrdSchema, vendoredCrdSource } from "./crd-schemas";
import { PlannedResource, SECRET_PLACEHOLDER } from "./types";
import { contentsHash, sha, VerdictCache } from "./schema-cache";

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
/** `<apiVersion>/<Kind>` to the module of its model, or null when no package has one. */
const modelModules = new Map<string, string | null>();
const loadedModels = new Map<string, Model>();

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

/**
 * The model of a kind, if a model package has one: the module it is in (found without loading it) and a
 * loader. Core kinds live under their bare version: kubernetes-models/v1/Namespace.
 */
function modelOf(apiVersion: string, kind: string): { module: string; load: () => Model } | undefined {
    const key = `${apiVersion}/${kind}`;
    if (!modelModules.has(key)) {
        const pkg = packageOf(apiVersion.split("/")[0]);
        let module: string | null = null;
        if (pkg) {
            try {
                require.resolve(`${pkg}/${key}`);
                module = `${pkg}/${key}`;
            } catch {
                module = null;
            }
        }
        modelModules.set(key, module);
    }
    const module = modelModules.get(key);
    if (!module) return undefined;
    return {
        module,
        load: () => {
            let Model = loadedModels.get(module);
            if (!Model) {
                // eslint-disable-next-line @typescript-eslint/no-require-imports -- a model is loaded when first needed
                Model = (require(module) as Record<string, Model>)[kind];
                if (typeof Model !== "function") throw new Error(`${module} has no model ${kind}`);
                loadedModels.set(module, Model);
            }
            return Model;
        },
    };
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
 * How objects of one kind are judged: an `identity` naming the validator (for the verdict cache) and
 * `judge`, which loads it on first use and returns the object's problems; or why the kind cannot be.
 */
type Judge = { identity: string; judge: (r: PlannedResource) => string[] } | { unvalidated: string };

/** Where the verdicts of earlier plans are kept; everything a verdict depends on besides the object is in its salt. */
let defaultCache: VerdictCache | undefined;
function defaultVerdicts(): VerdictCache {
    const root = path.resolve(__dirname, "..");
    // This code, the schema translation and cache, and every package's version (the models, Ajv).
    const files = ["plan/validate.ts", "plan/crd-schemas.ts", "plan/schema-cache.ts", "package-lock.json"].map((f) => path.join(root, f));
    return (defaultCache ??= new VerdictCache(`kubernetes-objects 1 ${contentsHash(files)}`));
}

/**
 * Validates every Kubernetes object against the schema of its kind: the official models for built-in and
 * published kinds, otherwise the CRD's own schema (declared by the stack, or vendored under `schemas/crds/`).
 * Errors at a value that is a redacted secret or unknown until apply are not the object's fault and are not
 * reported. Returns the errors and the kinds that could not be validated, with the reason.
 *
 * Verdicts are kept (`cache`, by default on disk beside the compiled program): an object exactly as an
 * earlier plan validated it, against the same schema, gets that plan's verdict without loading its validator.
 */
export function validateKubernetesObjects(
    resources: readonly PlannedResource[],
    cache: VerdictCache | undefined = defaultVerdicts(),
): { errors: SchemaError[]; unvalidated: Unvalidated[] } {
    const errors: SchemaError[] = [];
    const unvalidated = new Map<string, string>();
    const judges = new Map<string, Judge>();
    let declared: Map<string, CrdVersionSchema> | undefined;
    const judgeOf = (apiVersion: string, kind: string): Judge => {
        const key = crdKey(apiVersion, kind);
        let j = judges.get(key);
        if (!j) {
            const model = modelOf(apiVersion, kind);
            if (model) j = { identity: `model ${model.module}`, judge: (r) => judgeByModel(r, kind, model.load()) };
            else {
                declared ??= declaredCrdSchemas(resources);
                j = crdJudge(key, apiVersion, kind, declared.get(key));
            }
            judges.set(key, j);
        }
        return j;
    };
    const judged: Array<{ r: PlannedResource; identity: string; judge: (r: PlannedResource) => string[] }> = [];
    for (const r of resources) {
        const obj = kubernetesObjectOf(r);
        if (!obj) continue;
        const j = judgeOf(obj.apiVersion, obj.kind);
        if ("unvalidated" in j) unvalidated.set(crdKey(obj.apiVersion, obj.kind), j.unvalidated);
        else judged.push({ r, ...j });
    }
    // A plan exactly as before reads all its verdicts at once; otherwise each object's, judging the rest.
    const keys = cache && judged.map((x) => cache.key(x.identity, x.r.props));
    const filed = keys && cache.getAll(keys);
    const verdicts = judged.map((x, i) => {
        let problems = filed?.[i] ?? (keys && cache.get(keys[i]));
        if (!problems) {
            problems = x.judge(x.r);
            if (keys) cache.set(keys[i], problems);
        }
        for (const message of problems) errors.push({ urn: x.r.urn, message });
        return problems;
    });
    if (keys && !filed) cache.setAll(keys, verdicts);
    return { errors, unvalidated: [...unvalidated].sort(([a], [b]) => a.localeCompare(b)).map(([kind, reason]) => ({ kind, reason })) };
}

/**
 * The judge of a custom resource kind: the CRD the stack declares, else the vendored one. A vendored
 * schema is named by its file's hash (from the index of vendored CRDs) and loaded only to judge.
 */
function crdJudge(key: string, apiVersion: string, kind: string, declared: CrdVersionSchema | undefined): Judge {
    const noCrd = `no published model, and no CustomResourceDefinition for ${kind} in ${apiVersion} declared by the stack or vendored under schemas/crds/`;
    const noSchema = (source: string) => `its CustomResourceDefinition (${source}) has no openAPIV3Schema for ${apiVersion}`;
    if (declared) {
        const schema = declared.schema;
        if (!schema) return { unvalidated: noSchema(declared.source) };
        return { identity: `crd ${sha(JSON.stringify(schema))}`, judge: (r) => judgeBySchema(r, kind, schema) };
    }
    const vendored = vendoredCrdSource(key);
    if (!vendored) return { unvalidated: noCrd };
    if (!vendored.hasSchema) return { unvalidated: noSchema(vendored.source) };
    return {
        identity: `vendored crd ${vendored.source} ${vendored.sha} ${key}`,
        judge: (r) => {
            const crd = vendoredCrdSchema(key);
            if (crd?.schema === undefined || crd.source !== vendored.source) throw new Error(`the index of vendored CRDs says ${vendored.source} defines ${key}, which it does not (any more)`);
            return judgeBySchema(r, kind, crd.schema);
        },
    };
}

type Detail = { instancePath: string; message?: string; params?: { additionalProperty?: string } };

/** The problems a validator found, but those at a redacted secret or a value unknown until apply (not the object's fault). */
function problemsOf(r: PlannedResource, kind: string, details: readonly Detail[]): string[] {
    const out: string[] = [];
    for (const d of details) {
        const at = valueAt(r.props, d.instancePath);
        if (at === SECRET_PLACEHOLDER || at === UNKNOWN) continue;
        // A field the schema does not know is named: "unknown field" is what the API server says.
        const message = d.params?.additionalProperty !== undefined ? `unknown field "${d.params.additionalProperty}"` : (d.message ?? "is invalid");
        out.push(`${kind} ${d.instancePath || "/"}: ${message}`);
    }
    return out;
}

function judgeByModel(r: PlannedResource, kind: string, Model: Model): string[] {
    try {
        // The model copies the object (dropping undefined values) before validating: the resource is never touched.
        new Model(r.props).validate();
        return [];
    } catch (e) {
        const details = (e as { errors?: Detail[] }).errors;
        return Array.isArray(details) ? problemsOf(r, kind, details) : [(e as Error).message];
    }
}

function judgeBySchema(r: PlannedResource, kind: string, schema: Record<string, unknown>): string[] {
    const validate = validatorOf(schema);
    return validate(r.props) ? [] : problemsOf(r, kind, validate.errors ?? []);
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
