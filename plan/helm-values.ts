/**
 * Helm values checked against the chart's own `values.schema.json`, vendored under
 * `schemas/helm/<chart>-<version>/` at the version the stack pins (see `schemas/helm/README.md`), the
 * schema Helm itself checks the values against on install. A chart that ships none has the values the
 * program writes typed in TypeScript where they are built ({@link TYPED_HELM_VALUES}); a release of any
 * other chart that carries values is listed as not validated.
 *
 * Checked the way Helm checks: a null deletes the key (Helm's coalescing), and a key the schema requires is
 * looked for in the chart's defaults too (its vendored `values.yaml`, read only when a key is missing).
 * Only the top-level keys the values set are compiled (a pruned copy of the schema, same semantics), so a
 * plan pays a few milliseconds per chart, not the whole schema's compilation.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ErrorObject, ValidateFunction } from "ajv";
import { parse } from "yaml";
import { didYouMean } from "../config/problems";
import { TYPED_HELM_VALUES } from "../components/addons/helm-addon";
import { PlannedResource, SECRET_PLACEHOLDER } from "./types";
import { cachedValidator } from "./schema-cache";
import type { SchemaError, Unvalidated } from "./validate";

/** Where vendored chart schemas live, one folder per chart and pinned version. */
export const VENDORED_HELM_DIR = path.resolve(__dirname, "..", "schemas", "helm");

/** The resource types that install a chart with values. */
export const HELM_RELEASE_TYPES = ["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart"];

/** Pulumi's marker for a value not known until apply. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

type JsonSchema = Record<string, unknown>;

/** The chart's name in a Release's `chart` input: the last segment of an `oci://` reference, else the name itself. */
export function chartNameOf(chart: string): string {
    return chart.replace(/\/+$/, "").split("/").pop() ?? chart;
}

/** The folder of one chart version's vendored schema (and defaults), relative to {@link VENDORED_HELM_DIR}. */
export function helmSchemaFolder(chart: string, version: string): string {
    return `${chartNameOf(chart)}-${version}`;
}

interface ChartSchema {
    /** The schema's folder, relative to {@link VENDORED_HELM_DIR}. */
    folder: string;
    root: JsonSchema;
    /** The object schema of the values (the root, or what the root `$ref`s). */
    values: JsonSchema;
    draft2020: boolean;
    validators: Map<string, ValidateFunction>;
    defaults?: Record<string, unknown>;
}

/** The schemas of one chart version: its own (key undefined) and its subcharts', each under the values key it reads. */
type ChartSchemas = Array<{ key?: string; schema: ChartSchema }>;

const schemas = new Map<string, ChartSchemas>();

/**
 * The vendored schemas of a chart version, parsed once: `<folder>/values.schema.json` for the chart's own
 * values, `<folder>/charts/<key>/values.schema.json` for a subchart's (Helm checks a subchart's values,
 * found under its name or alias, against the subchart's own schema). Empty when none is vendored.
 */
function chartSchemas(folder: string): ChartSchemas {
    let found = schemas.get(folder);
    if (!found) {
        found = [];
        const own = loadSchema(folder);
        if (own) found.push({ schema: own });
        const sub = path.join(VENDORED_HELM_DIR, folder, "charts");
        if (fs.existsSync(sub)) {
            for (const key of fs.readdirSync(sub).sort()) {
                const schema = loadSchema(path.join(folder, "charts", key));
                if (schema) found.push({ key, schema });
            }
        }
        schemas.set(folder, found);
    }
    return found;
}

function loadSchema(folder: string): ChartSchema | undefined {
    const file = path.join(VENDORED_HELM_DIR, folder, "values.schema.json");
    if (!fs.existsSync(file)) return undefined;
    const root = JSON.parse(fs.readFileSync(file, "utf8")) as JsonSchema;
    return { folder, root, values: resolveLocal(root, root), draft2020: String(root.$schema).includes("2020-12"), validators: new Map() };
}

/** A schema with its local `$ref` followed (`#/$defs/...`), for the root object's `properties`. */
function resolveLocal(root: JsonSchema, s: JsonSchema): JsonSchema {
    const ref = s.$ref;
    if (typeof ref !== "string" || !ref.startsWith("#/")) return s;
    const target = ref
        .slice(2)
        .split("/")
        .reduce<unknown>((cur, part) => (cur as Record<string, unknown> | undefined)?.[part.replace(/~1/g, "/").replace(/~0/g, "~")], root);
    return typeof target === "object" && target !== null ? resolveLocal(root, target as JsonSchema) : s;
}

/**
 * A validator of the values' top-level keys `keys`: the schema with its root `properties` narrowed to those
 * keys. A key the values set that the schema does not name is judged exactly as before (it was not among
 * the properties either), and definitions are compiled only where referenced.
 */
function validatorFor(chart: ChartSchema, keys: string[]): ValidateFunction {
    const id = keys.join("\u0000");
    let v = chart.validators.get(id);
    if (!v) {
        const properties = (chart.values.properties as Record<string, JsonSchema> | undefined) ?? {};
        // Ids and the meta-schema go: refs are local, and one Ajv holds every chart's pruned copies.
        const { $schema: _s, $id: _i, $ref: _r, ...rest } = chart.root;
        const { $schema: _s2, $id: _i2, ...values } = chart.values;
        const pruned = { ...rest, ...values, properties: Object.fromEntries(keys.filter((k) => k in properties).map((k) => [k, properties[k]])) };
        const options = { allErrors: true, strict: false, logger: false, validateSchema: false, verbose: true } as const;
        v = cachedValidator(pruned, options, undefined, chart.draft2020 ? "2020-12" : "07");
        chart.validators.set(id, v);
    }
    return v;
}

/** Values as Helm sees them after coalescing: a null deletes its key. */
export function withoutNulls(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(withoutNulls);
    if (value === null || typeof value !== "object") return value;
    return Object.fromEntries(
        Object.entries(value)
            .filter(([, v]) => v !== null)
            .map(([k, v]) => [k, withoutNulls(v)]),
    );
}

/** Helm's coalescing of user values over chart defaults: maps merge key by key, a null deletes, anything else replaces. */
export function coalesce(defaults: unknown, values: unknown): unknown {
    if (!isMap(defaults) || !isMap(values)) return values === undefined ? defaults : values;
    const out: Record<string, unknown> = { ...defaults };
    for (const [k, v] of Object.entries(values)) {
        if (v === null) delete out[k];
        else out[k] = coalesce(defaults[k], v);
    }
    return out;
}

function isMap(v: unknown): v is Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** The chart's own defaults (`values.yaml` beside the schema), read once, only when a required key is missing. */
function defaultsOf(chart: ChartSchema): Record<string, unknown> {
    if (!chart.defaults) {
        const file = path.join(VENDORED_HELM_DIR, chart.folder, "values.yaml");
        chart.defaults = fs.existsSync(file) ? ((parse(fs.readFileSync(file, "utf8")) as Record<string, unknown> | null) ?? {}) : {};
    }
    return chart.defaults;
}

/** JSON pointer segments of an Ajv `instancePath`. */
function segments(pointer: string): string[] {
    return pointer
        .split("/")
        .slice(1)
        .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function at(obj: unknown, parts: string[]): unknown {
    return parts.reduce<unknown>((cur, part) => (cur !== null && typeof cur === "object" ? (cur as Record<string, unknown>)[part] : undefined), obj);
}

/** A values path as a reader writes it: `config.exporters["otlp/second"].tls`, `extraEnvs[0].name`. */
export function valuesPath(parts: string[]): string {
    return parts.reduce((out, p) => (/^\d+$/.test(p) ? `${out}[${p}]` : /^[A-Za-z_][A-Za-z0-9_-]*$/.test(p) ? (out ? `${out}.${p}` : p) : `${out}[${JSON.stringify(p)}]`), "");
}

/** Whether a path lies at or under a redacted secret of the planned values. */
function underSecret(redacted: unknown, parts: string[]): boolean {
    let cur = redacted;
    for (const part of [...parts, ""]) {
        if (cur === SECRET_PLACEHOLDER) return true;
        if (part === "" || cur === null || typeof cur !== "object") return false;
        cur = (cur as Record<string, unknown>)[part];
    }
    return false;
}

/** What is wrong, in words that never quote the value (it may be a secret). */
function describe(e: ErrorObject): string {
    const params = e.params as { additionalProperty?: string; missingProperty?: string; allowedValues?: unknown[]; allowedValue?: unknown };
    if (params.additionalProperty !== undefined) {
        const known = Object.keys(((e.parentSchema as JsonSchema | undefined)?.properties as object | undefined) ?? {});
        const near = didYouMean(params.additionalProperty, known);
        return `unknown key, the chart's schema allows no other keys here${near ? `; ${near}` : ""}`;
    }
    if (params.missingProperty !== undefined) return "required by the chart's schema, and neither these values nor the chart's defaults set it";
    if (params.allowedValues !== undefined) return `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
    if (params.allowedValue !== undefined) return `must be ${JSON.stringify(params.allowedValue)}`;
    return e.message ?? "is invalid";
}

/** A subchart's values as Helm hands them over: the parent's `global` merged into the subchart's own. */
function withGlobals(values: Record<string, unknown>, global: unknown): Record<string, unknown> {
    return isMap(global) ? { ...values, global: coalesce(values.global, global) } : values;
}

/**
 * One chart's values against its schema, as Helm checks them: a required key may come from the chart's
 * defaults, so when one is missing the values are merged over them and checked again. Each error has the
 * path of the value it is about (the unknown or missing key included) and what is wrong.
 */
function check(schema: ChartSchema, raw: unknown): Array<{ parts: string[]; message: string; aboutKey: boolean }> {
    const keys = (v: unknown) => (isMap(v) ? Object.keys(v).sort() : []);
    const values = withoutNulls(raw);
    let validate = validatorFor(schema, keys(values));
    if (!validate(values) && validate.errors?.some((e) => e.keyword === "required")) {
        const merged = withoutNulls(coalesce(defaultsOf(schema), raw));
        validate = validatorFor(schema, keys(merged));
        validate(merged);
    }
    return (validate.errors ?? []).map((e) => {
        const { missingProperty, additionalProperty } = e.params as { missingProperty?: string; additionalProperty?: string };
        const key = missingProperty ?? additionalProperty;
        const parts = segments(e.instancePath);
        return { parts: key === undefined ? parts : [...parts, key], message: describe(e), aboutKey: key !== undefined };
    });
}

/** The add-on a release belongs to: its nearest ancestor that is not the generic HelmAddon wrapper. */
function addonOf(r: PlannedResource, byUrn: Map<string, PlannedResource>): string {
    let cur: PlannedResource | undefined = r.parent ? byUrn.get(r.parent) : undefined;
    while (cur && cur.type === "agent-estate:addons:HelmAddon" && cur.parent) cur = byUrn.get(cur.parent);
    if (!cur || cur.type === "pulumi:pulumi:Stack" || cur.type.endsWith(":Cell")) return `release ${r.name}`;
    return `${cur.type.split(":").pop()} ${cur.name}`;
}

/**
 * Checks the values of every Helm release against the schema vendored for its chart and version.
 * An error names the add-on, the release, the chart, the value's path and what is wrong; an error at a
 * secret's value (redacted, or ciphertext in the plan) or at a value unknown until apply is not reported,
 * while keys inside a secret object are checked like any others. A release of a chart with no vendored
 * schema and no typed values, carrying values, is listed as not validated.
 */
export function validateHelmValues(resources: readonly PlannedResource[]): { errors: SchemaError[]; unvalidated: Unvalidated[] } {
    const errors: SchemaError[] = [];
    const unvalidated = new Map<string, string>();
    let byUrn: Map<string, PlannedResource> | undefined;
    for (const r of resources) {
        if (!HELM_RELEASE_TYPES.includes(r.type)) continue;
        const { chart, version, name } = r.props as { chart?: unknown; version?: unknown; name?: unknown };
        if (typeof chart !== "string" || typeof version !== "string") continue;
        const redacted = (r.props as { values?: unknown }).values;
        const plain = r.plaintext ? (r.plaintext as { values?: unknown }).values : redacted;
        const found = chartSchemas(helmSchemaFolder(chart, version));
        const chartName = chartNameOf(chart);
        if (found.length === 0) {
            const empty = plain === undefined || (isMap(plain) && Object.keys(plain).length === 0);
            if (!empty && !(chartName in TYPED_HELM_VALUES)) {
                unvalidated.set(`helm chart ${chartName} ${version}`, `no values.schema.json vendored under schemas/helm/${helmSchemaFolder(chart, version)}/, and its values are not typed by the program (they come from config as written)`);
            }
            continue;
        }
        const raw = plain ?? {};
        const all = withoutNulls(raw);
        const release = `${addonOf(r, (byUrn ??= new Map(resources.map((x) => [x.urn, x]))))}: Helm release "${String(name ?? r.name)}" (chart ${chartName} ${version})`;
        for (const { key, schema } of found) {
            // A subchart is checked only when the release sets its values; it sees the parent's globals too.
            const sub = key === undefined ? undefined : at(raw, [key]);
            if (key !== undefined && !isMap(sub)) continue;
            const own = isMap(sub) ? withGlobals(sub, at(raw, ["global"])) : raw;
            for (const e of check(schema, own)) {
                const parts = key === undefined ? e.parts : [key, ...e.parts];
                // A key unknown or missing is the program's; a value in the plan may be a secret's ciphertext.
                const value = at(all, parts);
                if (!e.aboutKey && (value === UNKNOWN || (typeof value === "string" && underSecret(redacted, parts)))) continue;
                errors.push({ urn: r.urn, message: `${release} value ${valuesPath(parts) || "(the values)"}: ${e.message}` });
            }
        }
    }
    return { errors, unvalidated: [...unvalidated].sort(([a], [b]) => a.localeCompare(b)).map(([kind, reason]) => ({ kind, reason })) };
}
