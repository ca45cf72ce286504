import * as pulumi from "@pulumi/pulumi";
import { ConfigError, ConfigProblem } from "./errors";
import { z } from "zod";
import { missingSecrets, plaintextSecret, qualify, schemaProblems, SecretKeySpec, setSecretHint, sortProblems, unknownKeyProblem } from "./problems";
import { CROSS_SECTION_CHECKS, CellSection, CellSettings, SECRET_KEYS, SecretKey, cellConfigSchema } from "./schema";
import { seedSources, unsetSeedSources } from "./sections/secrets";
import { tlsSources } from "./sections/edge";

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
    const named = seedNames(settings);
    const reads = "this program reads (see docs/config-reference.md)";
    const shape = cellConfigSchema.shape;
    for (const key of Object.keys(settings)) {
        if (!(key in shape) && !(plaintext.has(key) && named.has(key))) problems.push(unknownKeyProblem([], key, [...Object.keys(shape), ...Object.keys(secretSpecs)], reads));
    }
    // Section by section, so a broken section hides nothing else: every section is validated, and every
    // cross-section check runs whose sections have their shape (a user fixes the file in one pass, not in waves).
    const parsedSections: Record<string, unknown> = {};
    const failed = new Set<string>();
    for (const [key, schema] of Object.entries(shape) as Array<[CellSection, z.ZodType]>) {
        const result = schema.safeParse(settings[key]);
        if (result.success) {
            if (result.data !== undefined) parsedSections[key] = result.data;
            continue;
        }
        problems.push(...result.error.issues.flatMap((i) => schemaProblems(i, schema, reads, [key])));
        // Refinement issues only ("custom") mean the section has its shape: zod ran its refinements
        // because nothing was missing or of the wrong type, so the cross-section checks can read it.
        if (result.error.issues.every((i) => i.code === "custom")) parsedSections[key] = shapedValue(schema, settings[key]);
        else failed.add(key);
    }
    const cfg = parsedSections as CellSettings;
    const ctx = { addIssue: (i: { path?: PropertyKey[]; message?: string }) => problems.push({ key: qualify(i.path ?? []), message: i.message ?? "is invalid" }) } as unknown as z.RefinementCtx;
    for (const c of CROSS_SECTION_CHECKS) if (c.needs.every((n) => !failed.has(n))) c.check(cfg, ctx);

    // Application values: what a seed writes to Vault, and the certificates and keys of the VIPs' TLS.
    const tls = failed.has("f5") ? new Set<string>() : tlsSources(cfg.f5);
    const sources = new Set([...(failed.has("vault") ? named : seedSources(cfg.vault)), ...tls]);
    const seedValues: Record<string, pulumi.Output<string>> = {};
    for (const [key, value] of Object.entries(held)) {
        if (!sources.has(key)) {
            problems.push(unknownKeyProblem([], key, [...Object.keys(secretSpecs), ...sources], "this program reads as a secret (an application value becomes one when a vault.seed entry names it)"));
        } else if (typeof value !== "string" || value === "") {
            problems.push({ key: qualify([key]), message: "must be a non-empty secret string (a value vault.seed writes to Vault)" });
        } else {
            seedValues[key] = pulumi.secret(value);
        }
    }
    if (!failed.has("vault")) problems.push(...unsetSeedSources(cfg.vault, new Set([...Object.keys(secrets), ...Object.keys(seedValues)]), plaintext));
    (cfg.f5?.vips ?? []).forEach((vip, i) =>
        vip.listeners.forEach((l, j) => {
            for (const part of ["certificate", "privateKey"] as const) {
                const key = l.tls?.[part];
                if (key === undefined || key in seedValues) continue;
                const how = plaintext.has(key) ? "is stored in plaintext; set it" : "is not set; set it";
                problems.push({ key: qualify(["f5", "vips", i, "listeners", j, "tls", part]), message: `names ${qualify([key])}, which ${how} with ${setSecretHint(key)} (the PEM ${part === "certificate" ? "certificate" : "private key"} the VIP presents)` });
            }
        }),
    );
    if (problems.length > 0) throw new ConfigError(raw.stack, sortProblems(problems));
    return { ...cfg, stack: raw.stack, secrets, seedValues };
}

/** The value a schema produced (defaults applied) although a refinement of it failed. */
function shapedValue(schema: z.ZodType, input: unknown): unknown {
    const internals = (schema as unknown as { _zod: { run(payload: { value: unknown; issues: unknown[] }, ctx: object): { value: unknown } } })._zod;
    return internals.run({ value: input, issues: [] }, {}).value;
}

/** The secret config keys `vault.seed` names in settings that may not parse: read leniently, for the unknown-key check. */
function seedNames(settings: Record<string, unknown>): Set<string> {
    const seed = (settings.vault as { seed?: unknown } | undefined)?.seed;
    if (seed === null || typeof seed !== "object") return new Set();
    return new Set(Object.values(seed as Record<string, unknown>).flatMap((v) => (v !== null && typeof v === "object" ? Object.values(v as Record<string, unknown>).filter((x): x is string => typeof x === "string") : [])));
}
