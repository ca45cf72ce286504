/**
 * A disk cache for the costly, pure steps of schema validation, so that only the first plan after a change
 * pays for them: parsing a vendored YAML file (CloudNativePG's CRDs run to a megabyte) and compiling a
 * JSON Schema into a validator (Ajv compiles the Pooler's embedded pod template in about a second). Entries
 * are named by the hash of exactly what they were made from (and Ajv's version), so a stale one is never
 * read; they live beside bin/compiled.js's bundles, in node_modules/.cache/agent-estate (or
 * AGENT_ESTATE_BUILD_CACHE), and are written atomically, so concurrent plans never see half a file.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv, { Options, ValidateFunction } from "ajv";
import Ajv2020 from "ajv/dist/2020";
import standaloneCode from "ajv/dist/standalone";

const ROOT = path.resolve(__dirname, "..");
const CACHE = path.join(path.resolve(process.env.AGENT_ESTATE_BUILD_CACHE || path.join(ROOT, "node_modules", ".cache", "agent-estate")), "schemas");
const AJV_VERSION = (JSON.parse(fs.readFileSync(require.resolve("ajv/package.json"), "utf8")) as { version: string }).version;

const sha = (text: string) => crypto.createHash("sha256").update(text).digest("hex").slice(0, 32);

function write(file: string, text: string): void {
    try {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, text);
        fs.renameSync(tmp, file);
    } catch {
        // A read-only tree: the result is still right, only the next plan pays again.
    }
}

/** `parse(text)`, or its result as JSON from an earlier run on the very same text. */
export function cachedParse<T>(text: string, parse: (text: string) => T, dir: string = CACHE): T {
    const file = path.join(dir, `parsed-${sha(text)}.json`);
    try {
        return JSON.parse(fs.readFileSync(file, "utf8")) as T;
    } catch {
        const value = parse(text);
        write(file, JSON.stringify(value));
        return value;
    }
}

/** One Ajv instance per draft and set of options. */
const instances = new Map<string, Ajv>();

/**
 * A validator of `schema` with `options`: Ajv's standalone code for it from an earlier run, or compiled now
 * (and its standalone code kept). The two validate alike: the standalone code is what Ajv compiled.
 */
export function cachedValidator(schema: Record<string, unknown>, options: Options, dir: string = CACHE, draft: "07" | "2020-12" = "07"): ValidateFunction {
    const text = JSON.stringify(schema);
    const file = path.join(dir, `ajv-${sha(`${AJV_VERSION}\n${draft}\n${JSON.stringify(options)}\n${text}`)}.js`);
    if (fs.existsSync(file)) {
        try {
            // eslint-disable-next-line @typescript-eslint/no-require-imports -- a generated module, found at run time
            return require(file) as ValidateFunction;
        } catch {
            // unreadable: compile again below
        }
    }
    const key = `${draft}\n${JSON.stringify(options)}`;
    let ajv = instances.get(key);
    if (!ajv) instances.set(key, (ajv = draft === "2020-12" ? new Ajv2020({ ...options, code: { source: true } }) : new Ajv({ ...options, code: { source: true } })));
    const validate = ajv.compile(schema);
    write(file, standaloneCode(ajv, validate));
    return validate;
}
