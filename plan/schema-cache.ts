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
import type Ajv from "ajv";
import type { Options, ValidateFunction } from "ajv";

const ROOT = path.resolve(__dirname, "..");
const CACHE = path.join(path.resolve(process.env.AGENT_ESTATE_BUILD_CACHE || path.join(ROOT, "node_modules", ".cache", "agent-estate")), "schemas");
const AJV_VERSION = (JSON.parse(fs.readFileSync(require.resolve("ajv/package.json"), "utf8")) as { version: string }).version;

/** A short content hash (128 bits of SHA-256, hex). */
export const sha = (text: string) => crypto.createHash("sha256").update(text).digest("hex").slice(0, 32);

/** Writes a cache file atomically; a read-only tree is no error (the next run pays again). */
export function writeCached(file: string, text: string): void {
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
        writeCached(file, JSON.stringify(value));
        return value;
    }
}

/** A file in the cache, by name. */
export function cacheFile(name: string, dir: string = CACHE): string {
    return path.join(dir, name);
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
    // Ajv itself is loaded only to compile: a plan whose validators are all cached never loads it.
    /* eslint-disable @typescript-eslint/no-require-imports */
    if (!ajv) {
        const Class = draft === "2020-12" ? (require("ajv/dist/2020") as { default: typeof Ajv }).default : (require("ajv") as { default: typeof Ajv }).default;
        instances.set(key, (ajv = new Class({ ...options, code: { source: true } })));
    }
    const validate = ajv.compile(schema);
    writeCached(file, (require("ajv/dist/standalone") as { default: (ajv: Ajv, validate: ValidateFunction) => string }).default(ajv, validate));
    /* eslint-enable @typescript-eslint/no-require-imports */
    return validate;
}

/**
 * What validators said of objects in earlier runs: a verdict (the list of problems, usually empty) is
 * filed under the hash of the validator's identity, the object's exact JSON and `salt`, which the caller
 * makes from everything else the verdict depends on (the validation code, the packages' versions). An
 * object changed by a single character is judged afresh; an unchanged one costs a hash and a file read
 * instead of loading and running its validator. At most {@link MAX_VERDICTS} are kept: a run that adds
 * some removes the oldest beyond that.
 */
export class VerdictCache {
    private added = false;

    constructor(
        private readonly salt: string,
        private readonly dir: string = path.join(CACHE, "verdicts"),
        /** How many verdicts the folder keeps. @default {@link MAX_VERDICTS} */
        private readonly keep: number = MAX_VERDICTS,
    ) {}

    /** The key of `object` as judged by the validator `identity`. */
    key(identity: string, object: unknown): string {
        return sha(`${this.salt}\n${identity}\n${JSON.stringify(object)}`);
    }

    get(key: string): string[] | undefined {
        try {
            const verdict = JSON.parse(fs.readFileSync(path.join(this.dir, `${key}.json`), "utf8")) as unknown;
            return Array.isArray(verdict) && verdict.every((m) => typeof m === "string") ? verdict : undefined;
        } catch {
            return undefined;
        }
    }

    /** The verdicts under `keys` when one earlier run filed exactly these together (see {@link setAll}). */
    getAll(keys: readonly string[]): string[][] | undefined {
        try {
            const verdicts = JSON.parse(fs.readFileSync(this.allFile(keys), "utf8")) as unknown;
            return Array.isArray(verdicts) && verdicts.length === keys.length && verdicts.every((v) => Array.isArray(v) && v.every((m) => typeof m === "string"))
                ? (verdicts as string[][])
                : undefined;
        } catch {
            return undefined;
        }
    }

    /** Files the verdicts of a whole plan together: a plan of the same objects reads one file, not one an object. */
    setAll(keys: readonly string[], verdicts: readonly (readonly string[])[]): void {
        writeCached(this.allFile(keys), JSON.stringify(verdicts));
    }

    private allFile(keys: readonly string[]): string {
        return path.join(this.dir, `all-${sha(keys.join("\n"))}.json`);
    }

    set(key: string, problems: readonly string[]): void {
        writeCached(path.join(this.dir, `${key}.json`), JSON.stringify(problems));
        if (!this.added) {
            this.added = true;
            prune(this.dir, this.keep);
        }
    }
}

/**
 * How many verdicts are kept (one small file each, a disk block apiece: at most ~80 MB): a few hundred
 * objects a stack, a dozen stacks, the bench's cells and the tests' generated configurations.
 */
export const MAX_VERDICTS = 20_000;

/** Removes the oldest files of a folder beyond `keep` (once per process that adds some). */
function prune(dir: string, keep: number): void {
    try {
        const files = fs.readdirSync(dir);
        if (files.length <= keep) return;
        const aged = files.map((f) => ({ f, t: fs.statSync(path.join(dir, f)).mtimeMs })).sort((a, b) => a.t - b.t);
        for (const { f } of aged.slice(0, files.length - keep)) fs.rmSync(path.join(dir, f), { force: true });
    } catch {
        // another process pruned meanwhile, or a read-only tree
    }
}

/** A short hash of files' contents (missing files count as empty): part of a cache's salt. */
export function contentsHash(files: readonly string[]): string {
    const h = crypto.createHash("sha256");
    for (const f of files) {
        h.update(`${f}\n`);
        try {
            h.update(fs.readFileSync(f));
        } catch {
            // a file not there is part of what is hashed too
        }
    }
    return h.digest("hex").slice(0, 32);
}
