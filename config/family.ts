import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { ConfigError, ConfigProblem } from "./errors";
import type { RawStackConfig } from "./parse";
import { CONFIG_NAMESPACE, didYouMean, qualify, sortProblems } from "./problems";

/**
 * Stack families: stacks that share one description (a cell's dev, staging and prod) name a family
 * with `agent-estate:family: <name>`; the family's base is `families/<name>.yaml`, in the stack-file
 * format (`config:` with `agent-estate:*` keys). The stack's own keys are overrides, deep-merged over
 * the base before validation:
 *
 * - maps merge key by key, recursively;
 * - lists and scalars replace the base's value whole;
 * - `null` deletes the base's key;
 * - a key the base does not have is an error (with a did-you-mean), unless it ends in `+`: `ui-chat+:`
 *   adds `ui-chat`. A `+` on a key the base has is an error too, so the mark always means "new".
 *
 * Secrets (`secure:` values) stay in the stack file: the base holds no secret and they are not merged.
 * The program reads the base itself, so `pulumi preview`/`up` and `npm run plan` see the same result.
 */

/** The stack key that names the family. */
export const FAMILY_KEY = "family";

/** The suffix that marks an override's key as an addition the base does not have. */
export const ADD_MARK = "+";

/** Where family bases live, relative to the project directory. */
export const FAMILIES_DIR = "families";

/** The project directory (holding Pulumi.yaml and families/): the program's own. */
export const PROJECT_ROOT = path.resolve(__dirname, "..");

type Json = unknown;
type JsonMap = Record<string, Json>;

function isMap(v: unknown): v is JsonMap {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The base file of a family. */
export function familyFile(family: string, projectDir: string = PROJECT_ROOT): string {
    return path.join(projectDir, FAMILIES_DIR, `${family}.yaml`);
}

/**
 * The stack's effective configuration: its own values merged over its family's base (when it names one).
 * Throws one {@link ConfigError} listing every problem of the base and the overrides.
 */
export function resolveFamily(raw: RawStackConfig, projectDir: string = PROJECT_ROOT): RawStackConfig {
    const family = raw.values[FAMILY_KEY];
    if (family === undefined) return raw;
    const familyKey = qualify([FAMILY_KEY]);
    const fail = (message: string): never => {
        throw new ConfigError(raw.stack, [{ key: familyKey, message }]);
    };
    if (typeof family !== "string" || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(family)) fail(`must name a family, a DNS label such as "alfred" (its base is ${FAMILIES_DIR}/<name>.yaml)`);
    const name = family as string;
    const file = familyFile(name, projectDir);
    if (!fs.existsSync(file)) {
        const dir = path.join(projectDir, FAMILIES_DIR);
        const known = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".yaml")).map((f) => f.slice(0, -5)) : [];
        const hint = didYouMean(name, known);
        fail(`family "${name}" has no base ${path.relative(projectDir, file)}${hint ? `; ${hint}` : ""} (families: ${known.join(", ") || "none"})`);
    }
    let doc: unknown;
    try {
        doc = parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        fail(`${path.relative(projectDir, file)} is not valid YAML: ${(e as Error).message}`);
    }
    return mergeFamily(raw, name, baseValues(raw.stack, name, doc));
}

/** The base's `agent-estate:*` values, keys without the namespace; anything else is a problem. */
export function baseValues(stack: string, family: string, doc: unknown): JsonMap {
    const where = `${FAMILIES_DIR}/${family}.yaml`;
    const problems: ConfigProblem[] = [];
    const config = isMap(doc) ? doc.config : undefined;
    if (!isMap(config)) throw new ConfigError(stack, [{ key: qualify([FAMILY_KEY]), message: `${where} must hold a "config:" map of ${CONFIG_NAMESPACE}:* keys, as a stack file does` }]);
    const values: JsonMap = {};
    for (const [fullKey, value] of Object.entries(config)) {
        const [ns, key] = fullKey.includes(":") ? [fullKey.slice(0, fullKey.indexOf(":")), fullKey.slice(fullKey.indexOf(":") + 1)] : [CONFIG_NAMESPACE, fullKey];
        if (ns !== CONFIG_NAMESPACE) problems.push({ key: fullKey, message: `in ${where}: only ${CONFIG_NAMESPACE}:* keys can be shared by a family; set it in each stack file` });
        else if (key === FAMILY_KEY) problems.push({ key: qualify([key]), message: `in ${where}: a base cannot name a family itself; families do not chain` });
        else if (isMap(value) && "secure" in value && Object.keys(value).length === 1) {
            problems.push({ key: qualify([key]), message: `in ${where}: secrets are encrypted per stack; set it in each stack with \`pulumi config set --secret ${CONFIG_NAMESPACE}:${key}\`` });
        } else values[key] = isMap(value) || Array.isArray(value) || value === null ? value : String(value); // top-level scalars arrive as text, as from a stack file
    }
    if (problems.length > 0) throw new ConfigError(stack, sortProblems(problems));
    return values;
}

/** The stack's values merged over the base by the family rules; secret keys are the stack's alone. */
export function mergeFamily(raw: RawStackConfig, family: string, base: JsonMap): RawStackConfig {
    const problems: ConfigProblem[] = [];
    const overrides: JsonMap = {};
    for (const [key, value] of Object.entries(raw.values)) {
        if (key !== FAMILY_KEY && !raw.secretKeys.has(key)) overrides[key] = value;
    }
    const merged = mergeMap(base, overrides, [], family, problems);
    if (problems.length > 0) throw new ConfigError(raw.stack, sortProblems(problems));
    for (const key of raw.secretKeys) merged[key] = raw.values[key];
    return { stack: raw.stack, values: merged, secretKeys: raw.secretKeys };
}

/** Deep merge of one map level; `path` is where we are, for the problems. */
function mergeMap(base: JsonMap, override: JsonMap, at: PropertyKey[], family: string, problems: ConfigProblem[]): JsonMap {
    const result: JsonMap = { ...base };
    const baseKeys = Object.keys(base);
    for (const [written, value] of Object.entries(override)) {
        const adds = written.endsWith(ADD_MARK) && written.length > ADD_MARK.length;
        const key = adds ? written.slice(0, -ADD_MARK.length) : written;
        const here = [...at, key];
        const inBase = Object.prototype.hasOwnProperty.call(base, key);
        if (adds) {
            if (inBase) problems.push({ key: qualify([...at, written]), message: `is marked as an addition, but the family base ${FAMILIES_DIR}/${family}.yaml has "${key}"; drop the "${ADD_MARK}" to override it` });
            else if (value === null) problems.push({ key: qualify([...at, written]), message: "adds nothing (null); remove it" });
            else result[key] = value;
        } else if (!inBase) {
            const hint = didYouMean(key, baseKeys);
            const what = at.length === 0 ? `the family base ${FAMILIES_DIR}/${family}.yaml sets no key "${key}"` : `the family base ${FAMILIES_DIR}/${family}.yaml has no key "${key}" here`;
            problems.push({ key: qualify(here), message: `${what}${hint ? ` (${hint})` : ""}; to add a key the base lacks, write it as "${key}${ADD_MARK}"` });
        } else if (value === null) {
            delete result[key];
        } else if (isMap(value) && isMap(base[key])) {
            result[key] = mergeMap(base[key] as JsonMap, value, here, family, problems);
        } else {
            result[key] = value;
        }
    }
    return result;
}

/** One edit-distance suggestion for the whole config (config/problems.ts); tests import it from here too. */
export { didYouMean };
