import * as pulumi from "@pulumi/pulumi";
import { ConfigError, ConfigProblem } from "./errors";
import { missingSecrets, plaintextSecret, qualify, schemaProblems, SecretKeySpec, sortProblems } from "./problems";
import { CellSettings, SECRET_KEYS, SecretKey, cellConfigSchema } from "./schema";
import { unsetSeedSources } from "./sections/secrets";

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
    const secretSpecs: Record<string, SecretKeySpec> = SECRET_KEYS;

    for (const [key, value] of Object.entries(raw.values)) {
        const spec = secretSpecs[key];
        if (spec === undefined) {
            if (raw.secretKeys.has(key) && !(key in cellConfigSchema.shape)) {
                problems.push({ key: qualify([key]), message: `is not a key this program reads (secret keys: ${Object.keys(secretSpecs).join(", ") || "none"})` });
            } else {
                settings[key] = value;
            }
        } else if (!raw.secretKeys.has(key)) {
            problems.push(plaintextSecret(key));
        } else if (typeof value !== "string" || value === "") {
            problems.push({ key: qualify([key]), message: `must be a non-empty secret string (${spec.description})` });
        } else {
            secrets[key] = pulumi.secret(value);
        }
    }
    problems.push(...missingSecrets(secretSpecs, raw.values));

    const parsed = cellConfigSchema.safeParse(settings);
    if (!parsed.success) problems.push(...parsed.error.issues.flatMap((i) => schemaProblems(i, "this program reads (see docs/config-reference.md)")));
    else problems.push(...unsetSeedSources(parsed.data.vault, new Set(Object.keys(secrets))));
    if (problems.length > 0 || !parsed.success) throw new ConfigError(raw.stack, sortProblems(problems));
    return { ...parsed.data, stack: raw.stack, secrets };
}
