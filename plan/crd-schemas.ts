/**
 * Schemas of custom resources: the `openAPIV3Schema` of a CustomResourceDefinition, taken from a CRD the
 * stack itself declares or from one vendored under `schemas/crds/<project>-<version>/` (upstream's own
 * YAML, at the version the cell pins), compiled once per kind into a JSON Schema validator.
 *
 * The translation follows the API server's structural-schema rules: a field no schema mentions is refused
 * (what `kubectl apply`'s default strict field validation does) unless the schema says
 * `x-kubernetes-preserve-unknown-fields`; `x-kubernetes-int-or-string` accepts an integer or a string;
 * `nullable` admits null. CEL rules (`x-kubernetes-validations`) and formats are not evaluated.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ValidateFunction } from "ajv";
import { parseAllDocuments } from "yaml";
import { cachedParse, cachedValidator, cacheFile, sha, writeCached } from "./schema-cache";

/** Where vendored CRDs live, one folder per upstream project and pinned version. */
export const VENDORED_CRD_DIR = path.resolve(__dirname, "..", "schemas", "crds");

type JsonSchema = Record<string, unknown>;

/** One served version of a CRD: where it came from and its schema. */
export interface CrdVersionSchema {
    /** `declared by the stack` or the vendored file, relative to the repository. */
    source: string;
    schema: JsonSchema | undefined;
}

/** `<group>/<version>/<Kind>` of a custom resource, the key schemas are found by. */
export function crdKey(apiVersion: string, kind: string): string {
    return `${apiVersion}/${kind}`;
}

/** Every served version of a CustomResourceDefinition document, keyed by {@link crdKey}. */
export function schemasOfCrd(crd: unknown, source: string): Map<string, CrdVersionSchema> {
    const out = new Map<string, CrdVersionSchema>();
    const spec = (crd as { spec?: { group?: unknown; names?: { kind?: unknown }; versions?: unknown } } | null)?.spec;
    if (!spec || typeof spec.group !== "string" || typeof spec.names?.kind !== "string" || !Array.isArray(spec.versions)) return out;
    for (const v of spec.versions as Array<{ name?: unknown; served?: unknown; schema?: { openAPIV3Schema?: JsonSchema } }>) {
        if (typeof v.name !== "string" || v.served === false) continue;
        out.set(crdKey(`${spec.group}/${v.name}`, spec.names.kind), { source, schema: v.schema?.openAPIV3Schema });
    }
    return out;
}

/** The CustomResourceDefinition documents of one vendored file (YAML or JSON). */
function crdDocuments(file: string, text: string): unknown[] {
    const docs = file.endsWith(".json") ? [JSON.parse(text) as unknown] : cachedParse(text, (t) => parseAllDocuments(t).map((doc) => doc.toJS() as unknown));
    return docs.filter((doc) => (doc as { kind?: unknown } | null)?.kind === "CustomResourceDefinition");
}

/** Every vendored CRD file under a folder, with its path relative to the repository, in a stable order. */
function vendoredFiles(dir: string): Array<{ file: string; source: string }> {
    const out: Array<{ file: string; source: string }> = [];
    const walk = (d: string) => {
        if (!fs.existsSync(d)) return;
        for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
            const file = path.join(d, entry.name);
            if (entry.isDirectory()) walk(file);
            else if (/\.(ya?ml|json)$/.test(entry.name)) out.push({ file, source: path.relative(path.resolve(VENDORED_CRD_DIR, "..", ".."), file) });
        }
    };
    walk(dir);
    return out;
}

/** Every vendored CRD under a folder, keyed by {@link crdKey}: all files parsed (for tests and tooling). */
export function vendoredCrdSchemas(dir: string = VENDORED_CRD_DIR): Map<string, CrdVersionSchema> {
    const found = new Map<string, CrdVersionSchema>();
    for (const { file, source } of vendoredFiles(dir)) {
        for (const doc of crdDocuments(file, fs.readFileSync(file, "utf8"))) {
            for (const [key, schema] of schemasOfCrd(doc, source)) if (!found.has(key)) found.set(key, schema);
        }
    }
    return found;
}

let vendoredTexts: Array<{ file: string; source: string; text: string }> | undefined;
const vendoredByKey = new Map<string, CrdVersionSchema | undefined>();

/**
 * The vendored schema of one `<group>/<version>/<Kind>`, or undefined. Vendored CRDs run to megabytes
 * (CloudNativePG's Pooler embeds a whole pod template), so only a file whose text names the group and the
 * kind is parsed, once, on the first lookup that needs it.
 */
export function vendoredCrdSchema(key: string): CrdVersionSchema | undefined {
    if (vendoredByKey.has(key)) return vendoredByKey.get(key);
    vendoredTexts ??= vendoredFiles(VENDORED_CRD_DIR).map((f) => ({ ...f, text: fs.readFileSync(f.file, "utf8") }));
    const parts = key.split("/");
    const kind = parts[parts.length - 1];
    const group = parts.slice(0, -2).join("/");
    const names = new RegExp(`^\\s*kind: ["']?${kind.replace(/[^A-Za-z0-9]/g, "")}["']?\\s*$`, "m");
    let found: CrdVersionSchema | undefined;
    for (const f of vendoredTexts) {
        if (found || !f.text.includes(group) || !names.test(f.text)) continue;
        for (const doc of crdDocuments(f.file, f.text)) {
            for (const [k, schema] of schemasOfCrd(doc, f.source)) {
                if (!vendoredByKey.has(k)) vendoredByKey.set(k, schema);
                if (k === key) found = schema;
            }
        }
    }
    if (!vendoredByKey.has(key)) vendoredByKey.set(key, found);
    return found;
}

/** Where a vendored kind is defined: the file (relative to the repository) and the hash of its text. */
export interface VendoredCrdSource {
    source: string;
    sha: string;
    /** Whether the CRD gives that version a schema. */
    hasSchema: boolean;
}

/**
 * Where a vendored `<group>/<version>/<Kind>` is defined, without reading the vendored files when an
 * earlier run has looked the kind up: answers are kept in an index under a key of the files' paths,
 * sizes and modification times (an edit, or a file added or removed, starts a new index). A kind not in
 * the index yet is looked up as {@link vendoredCrdSchema} does (only its file is parsed) and added.
 */
export function vendoredCrdSource(key: string): VendoredCrdSource | undefined {
    index ??= loadIndex();
    if (!(key in index.entries)) {
        const crd = vendoredCrdSchema(key);
        const text = crd && vendoredTexts?.find((f) => f.source === crd.source)?.text;
        index.entries[key] = crd && text !== undefined ? { source: crd.source, sha: sha(text), hasSchema: crd.schema !== undefined } : null;
        writeCached(index.file, JSON.stringify(index.entries));
    }
    return index.entries[key] ?? undefined;
}

let index: { file: string; entries: Record<string, VendoredCrdSource | null> } | undefined;

function loadIndex(): { file: string; entries: Record<string, VendoredCrdSource | null> } {
    const stamp = vendoredFiles(VENDORED_CRD_DIR).map((f) => {
        const st = fs.statSync(f.file);
        return `${f.source} ${st.size} ${st.mtimeMs}`;
    });
    const file = cacheFile(`vendored-crds-${sha(`index 1\n${stamp.join("\n")}`)}.json`);
    let entries: Record<string, VendoredCrdSource | null> = {};
    try {
        entries = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, VendoredCrdSource | null>;
    } catch {
        // a new index
    }
    return { file, entries };
}

/** A Kubernetes structural schema as plain JSON Schema (draft-07 keywords Ajv knows). */
export function toJsonSchema(s: JsonSchema): JsonSchema {
    const out: JsonSchema = {};
    for (const [k, v] of Object.entries(s)) {
        if (k.startsWith("x-kubernetes-") || k === "nullable" || k === "format") continue;
        if (k === "properties" || k === "patternProperties") {
            out[k] = Object.fromEntries(Object.entries(v as Record<string, JsonSchema>).map(([p, sub]) => [p, toJsonSchema(sub)]));
        } else if (k === "items" || k === "not" || (k === "additionalProperties" && typeof v === "object")) {
            out[k] = Array.isArray(v) ? v.map((sub) => toJsonSchema(sub as JsonSchema)) : toJsonSchema(v as JsonSchema);
        } else if (k === "allOf" || k === "anyOf" || k === "oneOf") {
            out[k] = (v as JsonSchema[]).map(toJsonSchema);
        } else out[k] = v;
    }
    if (s["x-kubernetes-int-or-string"] === true) {
        delete out.type;
        out.anyOf = [...((out.anyOf as JsonSchema[] | undefined) ?? []), { type: "integer" }, { type: "string" }];
    }
    if (s.nullable === true && typeof out.type === "string") out.type = [out.type, "null"];
    // Unknown fields are refused unless the schema keeps them: what strict field validation does.
    const isObject = out.type === "object" || (Array.isArray(out.type) && out.type.includes("object"));
    if (isObject && out.additionalProperties === undefined && s["x-kubernetes-preserve-unknown-fields"] !== true && s["x-kubernetes-embedded-resource"] !== true) {
        if (out.properties !== undefined) out.additionalProperties = false;
    }
    if (s["x-kubernetes-embedded-resource"] === true && out.properties !== undefined) {
        out.properties = { apiVersion: { type: "string" }, kind: { type: "string" }, metadata: { type: "object" }, ...(out.properties as JsonSchema) };
    }
    return out;
}

const compiled = new WeakMap<JsonSchema, ValidateFunction>();

/** A validator for one CRD version's schema, compiled once. The object's own `metadata` is the API server's to check. */
export function validatorOf(schema: JsonSchema): ValidateFunction {
    let v = compiled.get(schema);
    if (!v) {
        const root = toJsonSchema(schema);
        const properties = { ...((root.properties as JsonSchema | undefined) ?? {}), apiVersion: { type: "string" }, kind: { type: "string" }, metadata: { type: "object" } };
        v = cachedValidator({ ...root, type: "object", properties }, { allErrors: true, strict: false, logger: false });
        compiled.set(schema, v);
    }
    return v;
}
