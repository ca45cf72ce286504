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

/** A schema issue as problems a user can act on; `unknownKey` says what the stack reads instead. */
export function schemaProblems(issue: z.core.$ZodIssue, unknownKey: string): ConfigProblem[] {
    if (issue.code === "unrecognized_keys") {
        return issue.keys.map((k) => ({ key: qualify([...issue.path, k]), message: `is not a key ${unknownKey}; check its spelling` }));
    }
    if (issue.code === "invalid_key") {
        return [{ key: qualify(issue.path), message: `is not a valid name: ${issue.issues.map((i) => i.message).join("; ")}` }];
    }
    if (issue.code === "invalid_type" && issue.input === undefined) {
        return [{ key: qualify(issue.path), message: `is required (${issue.expected})` }];
    }
    return [{ key: qualify(issue.path), message: issue.message }];
}
