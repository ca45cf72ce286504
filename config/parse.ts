import * as pulumi from "@pulumi/pulumi";
import { ConfigError, ConfigProblem } from "./errors";
import { missingSecrets, plaintextSecret, qualify, schemaProblems, SecretKeySpec, sortProblems } from "./problems";
import { CellSettings, SECRET_KEYS, SecretKey, cellConfigSchema } from "./schema";
import { seedSources, unsetSeedSources } from "./sections/secrets";

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
    /** Application values a `vault.seed` entry names, by secret config key: any key set with `pulumi config set --secret`. */
    seedValues: Readonly<Record<string, pulumi.Output<string>>>;
}

/** Validates a stack's raw configuration; throws one {@link ConfigError} listing every problem. */
export function parseCellConfig(raw: RawStackConfig): CellConfig {
    const problems: ConfigProblem[] = [];
    const settings: Record<string, unknown> = {};
    const secrets: Record<string, pulumi.Output<string>> = {};
    const secretSpecs: Record<string, SecretKeySpec> = SECRET_KEYS;
    // Secret values held for a seed (any key, decided once the settings parse) and plaintext keys a seed might name.
    const held: Record<string, unknown> = {};
    const plaintext = new Set<string>();

    for (const [key, value] of Object.entries(raw.values)) {
        const spec = secretSpecs[key];
        if (spec === undefined) {
            if (raw.secretKeys.has(key) && !(key in cellConfigSchema.shape)) {
                held[key] = value;
            } else {
                if (!(key in cellConfigSchema.shape)) plaintext.add(key);
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

    // A plaintext key that a seed names is that seed's problem (it says how to encrypt it), not an unknown key.
    const parsed = cellConfigSchema.safeParse(Object.fromEntries(Object.entries(settings).filter(([k]) => !plaintext.has(k) || !seedNames(settings).has(k))));
    if (!parsed.success) problems.push(...parsed.error.issues.flatMap((i) => schemaProblems(i, "this program reads (see docs/config-reference.md)")));
    const sources = parsed.success ? seedSources(parsed.data.vault) : seedNames(settings);
    const seedValues: Record<string, pulumi.Output<string>> = {};
    for (const [key, value] of Object.entries(held)) {
        if (!sources.has(key)) {
            problems.push({ key: qualify([key]), message: `is not a key this program reads (secret keys: ${Object.keys(secretSpecs).join(", ")}; an application value becomes one when a vault.seed entry names it)` });
        } else if (typeof value !== "string" || value === "") {
            problems.push({ key: qualify([key]), message: "must be a non-empty secret string (a value vault.seed writes to Vault)" });
        } else {
            seedValues[key] = pulumi.secret(value);
        }
    }
    if (parsed.success) problems.push(...unsetSeedSources(parsed.data.vault, new Set([...Object.keys(secrets), ...Object.keys(seedValues)]), plaintext));
    if (problems.length > 0 || !parsed.success) throw new ConfigError(raw.stack, sortProblems(problems));
    return { ...parsed.data, stack: raw.stack, secrets, seedValues };
}

/** The secret config keys `vault.seed` names in settings that may not parse: read leniently, for the unknown-key check. */
function seedNames(settings: Record<string, unknown>): Set<string> {
    const seed = (settings.vault as { seed?: unknown } | undefined)?.seed;
    if (seed === null || typeof seed !== "object") return new Set();
    return new Set(Object.values(seed as Record<string, unknown>).flatMap((v) => (v !== null && typeof v === "object" ? Object.values(v as Record<string, unknown>).filter((x): x is string => typeof x === "string") : [])));
}
