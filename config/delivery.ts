import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ConfigError, ConfigProblem } from "./errors";
import { CONFIG_NAMESPACE, missingSecrets, plaintextSecret, qualify, schemaProblems, SecretKeySpec, setSecretHint, sortProblems, unknownKeyProblem } from "./problems";
import { RawStackConfig } from "./parse";
import { deliverySection } from "./sections/delivery";
import { githubSection, PIN_TOKEN_SECRET } from "./sections/github";
import { importsSection } from "./sections/imports";

/** The config key whose presence makes a stack the delivery stack rather than a cell. */
export const DELIVERY_KEY = "delivery";

/** True when the stack is the delivery stack: it manages deployment settings and repositories, not a cell. */
export function isDeliveryStack(raw: RawStackConfig): boolean {
    return raw.values[DELIVERY_KEY] !== undefined;
}

/** The delivery stack's non-secret keys. */
export const deliveryConfigSchema = z.strictObject({
    delivery: deliverySection.describe(
        "Pulumi Deployments for the cell stacks (organization, repository, branch, policy pack, drift detection, agent pools, stacks); its presence makes this stack the delivery stack. Needs the secret `pulumiAccessToken`.",
    ),
    github: githubSection
        .optional()
        .describe("The estate's repositories in one GitHub organization: branch protection, teams, environments, Actions secrets and variables, deploy keys. Needs the secret `githubToken`. Default: not managed."),
    imports: importsSection,
});

/**
 * Credentials of the delivery stack. Besides these, the secret keys that `delivery.stacks.*.secretEnvironment`
 * and `github.repositories.*.actionsSecrets` name are read (and must be secret).
 */
export const DELIVERY_SECRET_KEYS = {
    pulumiAccessToken: { description: "a Pulumi Cloud token of the organization that may manage deployment settings, schedules, agent pools and policy groups", requiredWhen: "delivery" },
    githubToken: { description: "a GitHub token (fine-grained: administration, secrets, variables, environments on the estate's repositories; members read)", requiredWhen: "github" },
} as const;
type StaticSecret = keyof typeof DELIVERY_SECRET_KEYS;

export type DeliverySettings = z.infer<typeof deliveryConfigSchema>;

export interface DeliveryStackConfig extends DeliverySettings {
    stack: string;
    /** Every secret key the stack holds (static and referenced), as Pulumi secrets. */
    secrets: { readonly [K in StaticSecret]: pulumi.Output<string> } & { readonly [key: string]: pulumi.Output<string> | undefined };
}

/** Validates the delivery stack's configuration; throws one {@link ConfigError} listing every problem. */
export function parseDeliveryConfig(raw: RawStackConfig): DeliveryStackConfig {
    const problems: ConfigProblem[] = [];
    const settings: Record<string, unknown> = {};
    const secrets: Record<string, pulumi.Output<string>> = {};
    const statics: Record<string, SecretKeySpec> = DELIVERY_SECRET_KEYS;
    const unknownPlain: string[] = [];

    for (const [key, value] of Object.entries(raw.values)) {
        if (raw.secretKeys.has(key)) {
            if (typeof value !== "string" || value === "") problems.push({ key: qualify([key]), message: "must be a non-empty secret string" });
            else secrets[key] = pulumi.secret(value);
        } else if (key in statics) {
            problems.push(plaintextSecret(key));
        } else if (key in deliveryConfigSchema.shape) {
            settings[key] = value;
        } else {
            unknownPlain.push(key); // a referenced secret stored in plaintext, or a misspelt key: told apart below
        }
    }
    problems.push(...missingSecrets(statics, raw.values));

    const parsed = deliveryConfigSchema.safeParse(settings);
    const referenced = new Map<string, string>();
    if (!parsed.success) {
        problems.push(...parsed.error.issues.flatMap((i) => schemaProblems(i, deliveryConfigSchema, "the delivery stack reads (it reads delivery, github and their secrets)")));
    } else {
        const d = parsed.data;
        // A stack must not manage its own deployment settings: a failed update could cut its own delivery.
        if (raw.stack in d.delivery.stacks) {
            problems.push({ key: qualify(["delivery", "stacks", raw.stack]), message: `is this stack itself; the delivery stack is updated by hand or by CI, never by its own deployment settings. Remove it` });
        }
        for (const [stack, s] of Object.entries(d.delivery.stacks)) {
            for (const [env, key] of Object.entries(s.secretEnvironment)) referenced.set(key, qualify(["delivery", "stacks", stack, "secretEnvironment", env]));
            if (s.reach.tailnet) referenced.set(s.reach.tailnet.oauthSecret, qualify(["delivery", "stacks", stack, "reach", "tailnet", "oauthSecret"]));
        }
        for (const [repo, r] of Object.entries(d.github?.repositories ?? {})) {
            for (const [name, key] of Object.entries(r.actionsSecrets)) referenced.set(key, qualify(["github", "repositories", repo, "actionsSecrets", name]));
            const pins = r.imageWorkflow?.pinStacks ?? [];
            pins.forEach((stack, i) => {
                if (!(stack in d.delivery.stacks)) problems.push({ key: qualify(["github", "repositories", repo, "imageWorkflow", "pinStacks", String(i)]), message: `"${stack}" is not one of agent-estate:delivery.stacks (${Object.keys(d.delivery.stacks).join(", ")})` });
            });
            if (pins.length > 0 && !(PIN_TOKEN_SECRET in r.actionsSecrets)) {
                problems.push({ key: qualify(["github", "repositories", repo, "imageWorkflow", "pinStacks"]), message: `needs the Actions secret ${PIN_TOKEN_SECRET} (a token that may push a branch and open a pull request on ${d.delivery.repository}); add actionsSecrets: {${PIN_TOKEN_SECRET}: <secret config key>}` });
            }
        }
        for (const [key, where] of referenced) {
            if (secrets[key] !== undefined || key in statics) continue;
            if (key in raw.values) continue; // reported above as plaintext or empty
            problems.push({ key: where, message: `names ${CONFIG_NAMESPACE}:${key}, which is not set; set it with ${setSecretHint(key)}` });
        }
        for (const key of Object.keys(raw.values)) {
            if (raw.secretKeys.has(key) && !(key in statics) && !referenced.has(key)) {
                problems.push({ key: qualify([key]), message: "is a secret no deployment or repository uses; reference it from delivery.stacks.<stack>.secretEnvironment, delivery.stacks.<stack>.reach.tailnet.oauthSecret or github.repositories.<repo>.actionsSecrets, or remove it" });
            }
        }
    }
    for (const key of unknownPlain) {
        problems.push(
            referenced.has(key)
                ? { key: qualify([key]), message: `is stored in plaintext but is used as a secret; set it with ${setSecretHint(key)}` }
                : unknownKeyProblem([], key, [...Object.keys(deliveryConfigSchema.shape), ...Object.keys(statics)], "the delivery stack reads (it reads delivery, github and their secrets, and the secrets they name)"),
        );
    }
    if (problems.length > 0 || !parsed.success) throw new ConfigError(raw.stack, sortProblems(problems));
    return { ...parsed.data, stack: raw.stack, secrets: secrets as DeliveryStackConfig["secrets"] };
}
