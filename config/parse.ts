import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ConfigError, ConfigProblem } from "./errors";
import { CONFIG_NAMESPACE, CellSettings, SECRET_KEYS, SecretKey, cellConfigSchema } from "./schema";

/** A stack's configuration as read, before validation: keys without the namespace, structured values parsed. */
export interface RawStackConfig {
    stack: string;
    values: Readonly<Record<string, unknown>>;
    /** Keys (without namespace) whose values are `secure:` in the stack file. */
    secretKeys: ReadonlySet<string>;
}

/** The validated configuration of one cell: the settings, plus credentials as Pulumi secrets. */
export interface CellConfig extends CellSettings {
    stack: string;
    secrets: { readonly [K in SecretKey]?: pulumi.Output<string> };
}

/** Validates a stack's raw configuration; throws one {@link ConfigError} listing every problem. */
export function parseCellConfig(raw: RawStackConfig): CellConfig {
    const problems: ConfigProblem[] = [];
    const settings: Record<string, unknown> = {};
    const secrets: Record<string, pulumi.Output<string>> = {};
    const secretSpecs: Record<string, { description: string; requiredWhen?: string }> = SECRET_KEYS;

    for (const [key, value] of Object.entries(raw.values)) {
        const spec = secretSpecs[key];
        if (spec === undefined) {
            if (raw.secretKeys.has(key) && !(key in cellConfigSchema.shape)) {
                problems.push({ key: qualify([key]), message: `is not a key this program reads (secret keys: ${Object.keys(secretSpecs).join(", ") || "none"})` });
            } else {
                settings[key] = value;
            }
        } else if (!raw.secretKeys.has(key)) {
            problems.push({ key: qualify([key]), message: `is stored in plaintext; set it with \`pulumi config set --secret ${CONFIG_NAMESPACE}:${key}\` so it stays encrypted` });
        } else if (typeof value !== "string" || value === "") {
            problems.push({ key: qualify([key]), message: `must be a non-empty secret string (${spec.description})` });
        } else {
            secrets[key] = pulumi.secret(value);
        }
    }
    for (const [key, spec] of Object.entries(secretSpecs)) {
        if (spec.requiredWhen !== undefined && raw.values[spec.requiredWhen] !== undefined && secrets[key] === undefined && !(key in raw.values)) {
            problems.push({ key: qualify([key]), message: `is required when ${CONFIG_NAMESPACE}:${spec.requiredWhen} is set: ${spec.description}; set it with \`pulumi config set --secret ${CONFIG_NAMESPACE}:${key}\`` });
        }
    }

    const parsed = cellConfigSchema.safeParse(settings);
    if (!parsed.success) problems.push(...parsed.error.issues.flatMap(toProblems));
    if (problems.length > 0 || !parsed.success) throw new ConfigError(raw.stack, sortProblems(problems));
    return { ...parsed.data, stack: raw.stack, secrets };
}

function toProblems(issue: z.core.$ZodIssue): ConfigProblem[] {
    if (issue.code === "unrecognized_keys") {
        return issue.keys.map((k) => ({ key: qualify([...issue.path, k]), message: "is not a key this program reads; check its spelling against the README's config reference" }));
    }
    if (issue.code === "invalid_key") {
        return [{ key: qualify(issue.path), message: `is not a valid name: ${issue.issues.map((i) => i.message).join("; ")}` }];
    }
    if (issue.code === "invalid_type" && issue.input === undefined) {
        return [{ key: qualify(issue.path), message: `is required (${issue.expected})` }];
    }
    return [{ key: qualify(issue.path), message: issue.message }];
}

/** `["workloads", "kaze-runtime", "image"]` → `agent-estate:workloads.kaze-runtime.image`. */
function qualify(path: readonly PropertyKey[]): string {
    const [head, ...rest] = path;
    const tail = rest.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
    return `${CONFIG_NAMESPACE}:${head === undefined ? "" : String(head)}${tail}`;
}

function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
    return [...problems].sort((a, b) => (a.key === b.key ? a.message.localeCompare(b.message) : a.key.localeCompare(b.key)));
}
