import { z } from "zod";
import { ConfigProblem } from "./errors";

/** Every stack key lives in this namespace: `agent-estate:<key>`. */
export const CONFIG_NAMESPACE = "agent-estate";

/** A credential the program reads from a secret config key. */
export interface SecretKeySpec {
    description: string;
    /** The section whose presence makes this secret mandatory. */
    requiredWhen?: string;
}

/** `["workloads", "kaze-runtime", "image"]` → `agent-estate:workloads.kaze-runtime.image`. */
export function qualify(path: readonly PropertyKey[]): string {
    const [head, ...rest] = path;
    const tail = rest.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
    return `${CONFIG_NAMESPACE}:${head === undefined ? "" : String(head)}${tail}`;
}

/** Problems in a stable order: by key, then message. */
export function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
    return [...problems].sort((a, b) => (a.key === b.key ? a.message.localeCompare(b.message) : a.key.localeCompare(b.key)));
}

/** How to store a credential: the fix that every secret problem names. */
export function setSecretHint(key: string): string {
    return `\`pulumi config set --secret ${CONFIG_NAMESPACE}:${key}\``;
}

/** The problem of a credential kept in plaintext. */
export function plaintextSecret(key: string): ConfigProblem {
    return { key: qualify([key]), message: `is stored in plaintext; set it with ${setSecretHint(key)} so it stays encrypted` };
}

/** The problems of required credentials that are absent while the section that needs them is set. */
export function missingSecrets(specs: Readonly<Record<string, SecretKeySpec>>, values: Readonly<Record<string, unknown>>): ConfigProblem[] {
    return Object.entries(specs)
        .filter(([key, spec]) => spec.requiredWhen !== undefined && values[spec.requiredWhen] !== undefined && !(key in values))
        .map(([key, spec]) => ({ key: qualify([key]), message: `is required when ${CONFIG_NAMESPACE}:${spec.requiredWhen} is set: ${spec.description}; set it with ${setSecretHint(key)}` }));
}

/** `did you mean "port"?` for the closest candidate within a typo's edit distance, else "". */
export function didYouMean(word: string, candidates: readonly string[]): string {
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const c of candidates) {
        const d = editDistance(word.toLowerCase(), c.toLowerCase());
        if (d < bestDistance) [best, bestDistance] = [c, d];
    }
    const allowed = Math.max(2, Math.floor(word.length / 3));
    return best !== undefined && bestDistance <= allowed ? `did you mean "${best}"?` : "";
}

/** Levenshtein distance: insertions, deletions and substitutions. */
export function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        previous = current;
    }
    return previous[b.length];
}

interface SchemaDef {
    type: string;
    innerType?: z.ZodType;
    in?: z.ZodType;
    shape?: Record<string, z.ZodType>;
    valueType?: z.ZodType;
    element?: z.ZodType;
    options?: z.ZodType[];
    left?: z.ZodType;
    right?: z.ZodType;
    getter?: () => z.ZodType;
}
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: SchemaDef } })._zod.def;

/** The schemas a value at `path` may match (several under a union), wrappers removed. */
function schemasAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType[] {
    const def = defOf(schema);
    const inner = def.innerType ?? def.in ?? def.getter?.();
    if (inner) return schemasAt(inner, path);
    if (def.type === "union") return (def.options ?? []).flatMap((o) => schemasAt(o, path));
    if (def.type === "intersection") return [def.left, def.right].flatMap((o) => (o ? schemasAt(o, path) : []));
    if (path.length === 0) return [schema];
    const [head, ...rest] = path;
    if (def.type === "object") return def.shape && String(head) in def.shape ? schemasAt(def.shape[String(head)], rest) : [];
    if (def.type === "record" && def.valueType) return schemasAt(def.valueType, rest);
    if (def.type === "array" && def.element) return schemasAt(def.element, rest);
    return [];
}

/** The keys an object at `path` of the schema accepts (every alternative's, under a union). */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
    return [...new Set(schemasAt(schema, path).flatMap((s) => Object.keys(defOf(s).shape ?? {})))];
}

/** A key no schema here accepts: a likely typo gets "did you mean", anything else is said plainly. */
export function unknownKeyProblem(path: readonly PropertyKey[], key: string, valid: readonly string[], reads: string): ConfigProblem {
    const hint = didYouMean(key, valid);
    const where = path.length === 0 ? "" : ` at ${qualify(path)}`;
    const message = hint
        ? `is not a key ${reads}; ${hint}`
        : `is not a setting this program has: nothing${where} configures "${key}" (the keys here are ${valid.map((k) => `"${k}"`).join(", ") || "none"}); remove it`;
    return { key: qualify([...path, key]), message };
}

/**
 * A schema issue as problems a user can act on. `root` is the schema the issue's path is relative to
 * (for "did you mean" over the keys valid at that path), `reads` says what the stack reads.
 */
export function schemaProblems(issue: z.core.$ZodIssue, root: z.ZodType, reads: string, prefix: readonly PropertyKey[] = []): ConfigProblem[] {
    const path = [...prefix, ...issue.path];
    if (issue.code === "unrecognized_keys") {
        const valid = keysAt(root, issue.path);
        return issue.keys.map((k) => unknownKeyProblem(path, k, valid, reads));
    }
    if (issue.code === "invalid_key") {
        return [{ key: qualify(path), message: `is not a valid name: ${issue.issues.map((i) => i.message).join("; ")}` }];
    }
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
        // The alternative the value came closest to says what is missing or wrong, field by field.
        const closest = [...issue.errors].sort((a, b) => a.length - b.length)[0];
        if (closest.length > 0) {
            const shapes = schemasAt(root, issue.path).map((s) => Object.keys(defOf(s).shape ?? {}).filter((k) => !defOf(defOf(s).shape![k]).type.match(/optional|default/)));
            const nested = closest.flatMap((i) => schemaProblems({ ...i, path: [...issue.path, ...i.path] } as z.core.$ZodIssue, root, reads, prefix));
            const alternatives = shapes.filter((r) => r.length > 0).map((r) => `{${r.join(", ")}}`);
            return alternatives.length > 1 ? nested.map((p) => ({ ...p, message: `${p.message} (the shapes accepted here need ${alternatives.join(" or ")})` })) : nested;
        }
    }
    if (issue.code === "invalid_type" && issue.input === undefined) {
        return [{ key: qualify(path), message: `is required (${issue.expected})` }];
    }
    return [{ key: qualify(path), message: issue.message }];
}
