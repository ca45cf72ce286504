import { X509Certificate } from "node:crypto";
import { z } from "zod";
import { ConfigProblem } from "../errors";
import { qualify, setSecretHint } from "../problems";
import { dnsLabel, port, secretDataKey } from "./primitives";
import { canScaleOut, secretKeyRef, WorkloadSpec } from "./workloads";

/** The key, in a workload's env Secret, that carries its Tailscale auth key (minted by Pulumi, delivered from Vault). */
export const TAILSCALE_AUTHKEY = "TS_AUTHKEY";

/** A Vault mount path: segments of letters, digits, "-" and "_", no leading or trailing slash. */
const vaultPath = z
    .string()
    .regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, { error: 'must be a Vault path without leading or trailing "/", e.g. "kv" or "kubernetes-kaze-dev"' });


/** The name of a stack config key, without the `agent-estate:` namespace. */
const configKeyName = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]*$/, { error: 'must name a secret config key of this stack (without "agent-estate:"), e.g. "jwtSecret"' });

/** How to read the cluster's CA certificate, for messages. */
const CA_CERT_COMMAND = "`kubectl config view --raw --minify -o jsonpath='{.clusters[0].cluster.certificate-authority-data}' | base64 -d`";

/** True when `pem` holds one X.509 certificate that parses. */
function isPemCertificate(pem: string): boolean {
    if (!pem.trimStart().startsWith("-----BEGIN CERTIFICATE-----")) return false;
    try {
        new X509Certificate(pem);
        return true;
    } catch {
        return false;
    }
}

/** A duration in seconds. */
const seconds = z.number().int().min(60, { error: "must be a number of seconds, at least 60" });

/** A Tailscale ACL tag. */
export const aclTag = z.string().regex(/^tag:[a-z0-9-]+$/, { error: 'must be an ACL tag such as "tag:kaze"' });

/**
 * Keys that are LLM-provider or forge credentials. Only the workload named in
 * `vault.providerCredentialsHolder` (the gateway) may receive them: the runtime holds none.
 */
export const PROVIDER_CREDENTIAL_KEYS = ["ANTHROPIC_API_KEY", "OPENAI_API_KEY", "GOOGLE_GENERATIVE_AI_API_KEY", "GITHUB_TOKEN"] as const;

/** `agent-estate:vault`: the cell's Vault: its KV v2 mount, per-workload paths and policies, Kubernetes auth. */
export const vaultSection = z.strictObject({
    address: z
        .url({ protocol: /^https?$/, error: 'must be the URL of the Vault server, e.g. "https://vault.kaze.internal:8200"' })
        .describe("URL of the Vault server, as both Pulumi and the External Secrets Operator reach it."),
    namespace: vaultPath.optional().describe("Vault Enterprise namespace. Default: the root namespace."),
    kvMount: vaultPath.default("kv").describe('Path of the cell\'s KV v2 mount; each workload\'s values live at `<kvMount>/<workload>`. Default: "kv".'),
    kvMaxVersions: z.number().int().min(1).max(100).default(10).describe("Versions kept per secret, for rollback after a bad rotation. Default: 10."),
    kubernetesAuthPath: vaultPath
        .default("kubernetes")
        .describe('Path of the cell\'s Kubernetes auth method; use one per cluster when several cells share a Vault. Default: "kubernetes".'),
    kubernetesCaCert: z
        .string()
        .superRefine((pem, ctx) => {
            if (!isPemCertificate(pem)) ctx.addIssue({ code: "custom", message: `must be the cluster's CA certificate in PEM ("-----BEGIN CERTIFICATE-----" …), e.g. the output of ${CA_CERT_COMMAND}` });
        })
        .optional()
        .describe(
            "PEM CA certificate of the cluster's API server (at `agent-estate:kubernetes.apiServer`), which Vault calls back to review tokens; required when Vault runs outside the cluster. Default: Vault's own pod CA (Vault runs in the cluster).",
        ),
    tokenTtl: seconds.default(3600).describe("TTL of the tokens the Kubernetes auth roles issue, in seconds (at least 60). Default: 3600."),
    tokenMaxTtl: seconds.default(14400).describe("Maximum TTL of those tokens after renewals, in seconds; at least tokenTtl. Default: 14400."),
    externalSecrets: z
        .strictObject({
            serviceAccount: dnsLabel.default("external-secrets").describe('Name of the controller\'s ServiceAccount. Default: "external-secrets".'),
            namespace: dnsLabel.default("external-secrets").describe('Namespace of the External Secrets Operator. Default: "external-secrets".'),
        })
        .default({ serviceAccount: "external-secrets", namespace: "external-secrets" })
        .describe(
            'The External Secrets Operator\'s controller ServiceAccount, as which the ClusterSecretStore logs in to Vault. Default: { serviceAccount: "external-secrets", namespace: "external-secrets" }, the Helm chart\'s defaults.',
        ),
    refreshInterval: z
        .string()
        .regex(/^([0-9]+(s|m|h))+$/, { error: 'must be a duration such as "1m" or "30s"' })
        .default("1m")
        .describe('How often External Secrets re-reads Vault, a Go duration. Default: "1m".'),
    providerCredentialsHolder: dnsLabel
        .optional()
        .describe(`The one workload allowed to hold LLM-provider and forge credentials (${PROVIDER_CREDENTIAL_KEYS.join(", ")}). Default: none may hold them.`),
    secrets: z
        .record(
            dnsLabel,
            z
                .strictObject({
                    namespace: dnsLabel.describe("Namespace of the Secret, one of `agent-estate:namespaces`."),
                    keys: z
                        .array(secretDataKey)
                        .min(1, { error: 'must list at least one key, e.g. ["app-id", "private-key"]' })
                        .describe("Keys of the Secret, each read from the same property of the Vault entry `<kvMount>/<name>` (or `<name>/pulumi` when seeded)."),
                    registry: z
                        .string()
                        .regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?$/, { error: 'must be a registry host, e.g. "ghcr.io"' })
                        .optional()
                        .describe('A registry credential: the Secret is a `kubernetes.io/dockerconfigjson` for this host, built from the keys `username` and `password` (a read-only token), for `images.pullSecret`. Default: an Opaque Secret of the keys.'),
                })
                .describe("A Secret delivered under its own name, e.g. `github-app-credentials`."),
        )
        .default({})
        .describe(
            "Secrets delivered by External Secrets under their own name (not a workload's env Secret), e.g. `github-app-credentials` that an operator reads by name; each read from `<kvMount>/<name>`. Default: {}.",
        ),
    seed: z
        .record(dnsLabel, z.record(secretDataKey, configKeyName))
        .default({})
        .describe(
            "Values seeded into Vault from Pulumi secret config: workload or named Secret (`vault.secrets`) → key → name of any secret config key of the stack, set with `pulumi config set --secret` (e.g. `{ kaze-gateway: { ANTHROPIC_API_KEY: anthropicApiKey } }`). Default: {}, the values are written out of band.",
        ),
});
export type VaultConfig = z.infer<typeof vaultSection>;

/**
 * `agent-estate:existingSecrets`: Secrets the cell's workloads read by name but this program does not
 * manage (created by hand or by another tool). Where Vault is there, the same Secret goes in
 * `vault.secrets` instead and External Secrets delivers it: workloads refer to it the same way.
 */
export const existingSecretsSection = z.record(
    dnsLabel,
    z
        .strictObject({
            namespace: dnsLabel.describe("Namespace of the Secret, one of `agent-estate:namespaces`."),
            keys: z.array(secretDataKey).min(1, { error: 'must list at least one key, e.g. ["ANTHROPIC_API_KEY"]' }).describe("Keys the workloads may read from it."),
            managedBy: z
                .string()
                .min(10, { error: 'must say who creates and rotates the Secret, e.g. "kubectl create secret by the Nexus operators (k8s/secrets.yaml.example)"' })
                .describe("Who creates and rotates it outside this program, for whoever audits the cell."),
        })
        .describe("A Secret managed outside this program, by name."),
);
export type ExistingSecretsConfig = z.infer<typeof existingSecretsSection>;

/** The parts of the settings the Secret-reference checks read. */
interface SecretRefsCheckInput {
    namespaces: Array<{ name: string }>;
    workloads: Record<string, WorkloadSpec>;
    vault?: Pick<VaultConfig, "secrets">;
    existingSecrets: ExistingSecretsConfig;
}

/**
 * Every `secretRefs` entry names a Secret the cell knows, in the workload's namespace, by a key it
 * holds: one managed outside the program (`existingSecrets`) or delivered from Vault (`vault.secrets`).
 */
export function checkSecretRefs(cfg: SecretRefsCheckInput, ctx: z.RefinementCtx): void {
    const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: "custom", path, message });
    const delivered = cfg.vault?.secrets ?? {};
    const namespaces = new Set(cfg.namespaces.map((n) => n.name));
    for (const [name, e] of Object.entries(cfg.existingSecrets)) {
        if (name in delivered) issue(["existingSecrets", name], `is also in vault.secrets, which delivers it from Vault; keep it in one of them`);
        if (!namespaces.has(e.namespace)) issue(["existingSecrets", name, "namespace"], `"${e.namespace}" is not one of agent-estate:namespaces (${[...namespaces].join(", ")})`);
    }
    for (const [w, spec] of Object.entries(cfg.workloads)) checkNamedSecretRefs(cfg, spec.secretRefs, spec.namespace, ["workloads", w, "secretRefs"], ctx);
}

/** One pod's `secretRefs` (at `at`, running in `namespace`): each names a Secret the cell knows, in that namespace, by a key it holds. */
export function checkNamedSecretRefs(
    cfg: { vault?: Pick<VaultConfig, "secrets">; existingSecrets: Record<string, { namespace: string; keys: string[] }> },
    refs: Record<string, { secret: string; key?: string }>,
    namespace: string,
    at: PropertyKey[],
    ctx: z.RefinementCtx,
): void {
    const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: "custom", path, message });
    const delivered = cfg.vault?.secrets ?? {};
    const known = [...Object.keys(cfg.existingSecrets), ...Object.keys(delivered)];
    for (const [env, ref] of Object.entries(refs)) {
        const secret = cfg.existingSecrets[ref.secret] ?? delivered[ref.secret];
        if (secret === undefined) {
            issue([...at, env, "secret"], `"${ref.secret}" is not a Secret of agent-estate:existingSecrets or vault.secrets (${known.join(", ") || "none"}); add it to existingSecrets (managed outside this program) or vault.secrets (delivered from Vault)`);
            continue;
        }
        if (secret.namespace !== namespace) issue([...at, env, "secret"], `"${ref.secret}" lives in namespace ${secret.namespace}, but the pod runs in ${namespace}; a pod reads Secrets of its own namespace only`);
        const key = ref.key ?? env;
        if (!secret.keys.includes(key)) issue([...at, env, ...(ref.key === undefined ? [] : ["key"])], `"${key}" is not a key of Secret "${ref.secret}" (${secret.keys.join(", ")}); list it there or name the key with key:`);
    }
}

/** Settings of the auth keys Pulumi mints; each use site describes its own default. */
const keySettings = {
    ephemeral: z.boolean(),
    reusable: z.boolean(),
    expirySeconds: z.number().int().min(300, { error: "must be at least 300 seconds" }).max(7_776_000, { error: "must be at most 7776000 seconds (90 days), Tailscale's limit" }),
};
const EPHEMERAL = "Ephemeral nodes are removed from the tailnet shortly after they go offline.";
const REUSABLE = "A reusable key registers several nodes (replicas, restarts); a single-use key one.";
const EXPIRY = "Seconds until the key expires (300 to 7776000, Tailscale's 90 days); a new key is minted when it lapses.";

/** A node outside the cluster that joins the tailnet (the OpenClaw node): its key goes to Vault for its own deployment. */
export const tailnetNodeSpec = z.strictObject({
    tags: z.array(aclTag).min(1).optional().describe("ACL tags of the node. Default: `tailscale.tags`."),
    ephemeral: z.boolean().default(true).describe(`${EPHEMERAL} Default: true, a node that stays offline long is removed and rejoins with a fresh key.`),
    reusable: z.boolean().default(false).describe(`${REUSABLE} Default: false, one machine, one key.`),
    expirySeconds: keySettings.expirySeconds.optional().describe(`${EXPIRY} Default: \`tailscale.keys.expirySeconds\`.`),
});

/**
 * One rule of the tailnet policy: who (`src` tags) may reach what. Workloads are named, and their
 * sidecar's tags and service port derived; anything else is tags and ports.
 */
/** Who a grant lets in: nodes by tag, or people (`autogroup:member`, `group:<name>`). */
const aclSource = z.string().regex(/^(tag:[a-z0-9-]+|autogroup:member|group:[a-z0-9-]+)$/, { error: 'must be an ACL tag ("tag:openclaw"), "autogroup:member" or a group ("group:ops")' });

export const aclGrantSpec = z.union(
    [
        z.strictObject({
            src: z.array(aclSource).min(1).describe("Who may reach the services: tags, autogroup:member or groups."),
            services: z.array(dnsLabel).min(1).describe("Services of `tailscale.services` they may reach, on each one's port only."),
        }),
        z.strictObject({
            src: z.array(aclTag).min(1).describe("Tags of the nodes allowed in, e.g. [tag:openclaw]."),
            workloads: z
                .array(dnsLabel)
                .min(1)
                .describe("Workloads with a tailscale sidecar they may reach, on each one's service port only (its sidecars' ports stay closed to the tailnet)."),
        }),
        z.strictObject({
            src: z.array(aclTag).min(1).describe("Tags of the nodes allowed out, e.g. [tag:kaze-prod-runtime]."),
            dst: z.array(aclTag).min(1).describe("Tags of the nodes they may reach, e.g. [tag:openclaw]."),
            ports: z.array(port).min(1).describe("Ports allowed on those nodes."),
        }),
    ],
    { error: "must be { src: [..], services: [<name>] }, { src: [tag:..], workloads: [<workload>] } or { src: [tag:..], dst: [tag:..], ports: [..] }" },
);
export type AclGrantSpec = z.infer<typeof aclGrantSpec>;

/** `agent-estate:tailscale`: the tailnet that workloads with the tailscale sidecar, and external nodes, join. */
export const tailscaleSection = z.strictObject({
    tailnet: z.string().min(1).optional().describe("Tailnet ID. Default: the tailnet that owns the OAuth client."),
    oauthClientId: z
        .string()
        .min(1, { error: "must be the ID of a Tailscale OAuth client with the auth_keys scope" })
        .describe("ID of the OAuth client Pulumi mints keys with (not secret; its secret is `agent-estate:tailscaleOauthClientSecret`)."),
    tags: z
        .array(aclTag)
        .min(1, { error: 'must list at least one ACL tag, e.g. ["tag:kaze"]: keys minted by an OAuth client must be tagged' })
        .describe("Tags of every key whose node names none; keys minted by an OAuth client must carry at least one."),
    keys: z
        .strictObject({
            ephemeral: keySettings.ephemeral.default(true).describe(`${EPHEMERAL} Must be true when a workload runs several replicas. Default: true.`),
            reusable: keySettings.reusable.default(true).describe(`${REUSABLE} Must be true when a workload runs several replicas. Default: true.`),
            expirySeconds: keySettings.expirySeconds.default(7_776_000).describe(`${EXPIRY} Default: 7776000.`),
        })
        .default({ ephemeral: true, reusable: true, expirySeconds: 7_776_000 })
        .describe("Keys of the workloads' tailscale sidecars. Default: { ephemeral: true, reusable: true, expirySeconds: 7776000 }, as pods are cattle and replicas share a key."),
    nodes: z
        .record(dnsLabel, tailnetNodeSpec.describe("A node outside the cluster that joins the tailnet; its auth key goes to Vault for its own deployment."))
        .default({})
        .describe("Nodes outside the cluster, by name (e.g. `openclaw`); each needs `vault`. Default: {}."),
    services: z
        .record(
            dnsLabel,
            z.strictObject({
                service: z
                    .string()
                    .regex(/^[a-z0-9-]+\.[a-z0-9-]+$/, { error: 'must be "<service>.<namespace>", e.g. "langfuse-web.langfuse"' })
                    .describe('The in-cluster Service, "<service>.<namespace>", e.g. "langfuse-web.langfuse"; one the cell declares or installs.'),
                port: port.describe("Its port, the only one on the tailnet."),
                hostname: dnsLabel.describe("The stable tailnet hostname, e.g. kaze-prod-langfuse."),
                tags: z.array(aclTag).min(1).describe("ACL tags of the proxy node, e.g. [tag:kaze-prod-dashboards]."),
            }),
        )
        .default({})
        .describe(
            "Services of the cell (dashboards: Langfuse, Grafana) on the tailnet under a stable hostname: a proxy pod in the Service's namespace, its auth key minted by Pulumi and delivered through Vault. Default: {}.",
        ),
    acl: z
        .strictObject({
            grants: z.array(aclGrantSpec).min(1, { error: "must list at least one grant; a tailnet policy without one denies everything" }).describe("What the tailnet lets through; everything else is denied."),
        })
        .optional()
        .describe(
            "The tailnet's policy (tailscale.Acl), owned by this stack: it replaces the tailnet's whole policy file, so only one stack per tailnet may set it, and the OAuth client needs the policy_file scope. Default: the tailnet's policy is managed elsewhere.",
        ),
});
export type TailscaleConfig = z.infer<typeof tailscaleSection>;

/** The keys of a workload's env Secret that its containers and jobs read, each with the config path that names it (and the env var it sets, when another name). */
export function workloadEnvKeys(w: WorkloadSpec): Array<{ key: string; path: PropertyKey[]; env?: string }> {
    const refs: Array<{ key: string; path: PropertyKey[]; env?: string }> = w.secretKeys.map((entry, i) => {
        const { name, key } = secretKeyRef(entry);
        return { key, env: name, path: ["secretKeys", i] };
    });
    if (w.sidecars.gitSync?.tokenKey) refs.push({ key: w.sidecars.gitSync.tokenKey, path: ["sidecars", "gitSync", "tokenKey"] });
    for (const [name, m] of Object.entries(w.sidecars.mcpProxies)) m.secretKeys.forEach((key, i) => refs.push({ key, path: ["sidecars", "mcpProxies", name, "secretKeys", i] }));
    for (const [name, c] of Object.entries(w.cronJobs)) c.secretKeys.forEach((key, i) => refs.push({ key, path: ["cronJobs", name, "secretKeys", i] }));
    return refs;
}

/**
 * Where each key of a workload's env Secret lives in Vault. `outOfBand` keys are written by people at
 * `<kvMount>/<workload>`; `managed` keys (the minted Tailscale key, seeded values) by Pulumi at
 * `<kvMount>/<workload>/pulumi`, so neither writer ever replaces the other's values.
 */
export function workloadVaultKeys(name: string, w: WorkloadSpec, vault: Pick<VaultConfig, "seed"> | undefined): { outOfBand: string[]; managed: string[] } {
    const managed = new Set(Object.keys(vault?.seed[name] ?? {}));
    if (w.sidecars.tailscale) managed.add(TAILSCALE_AUTHKEY);
    const outOfBand = new Set(workloadEnvKeys(w).map((r) => r.key).filter((k) => !managed.has(k)));
    return { outOfBand: [...outOfBand].sort(), managed: [...managed].sort() };
}

/** The parts of the cell's settings the secrets checks read. */
interface SecretsCheckInput {
    kubernetes: { apiServer?: string };
    images: { registry: string; pullSecret?: string };
    namespaces: Array<{ name: string }>;
    workloads: Record<string, WorkloadSpec>;
    vault?: VaultConfig;
    tailscale?: TailscaleConfig;
}

/** Cross-section checks of `vault` and `tailscale` against the workloads; called from the schema's superRefine. */
export function checkSecrets(cfg: SecretsCheckInput, programSecretNames: readonly string[], ctx: z.RefinementCtx): void {
    const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: "custom", path, message });
    const workloads = Object.keys(cfg.workloads);
    const { vault, tailscale } = cfg;

    const pull = cfg.images.pullSecret;
    if (pull !== undefined) {
        const secret = vault?.secrets[pull];
        const credentials = Object.entries(vault?.secrets ?? {}).filter(([, s]) => s.registry !== undefined).map(([n]) => n);
        if (vault === undefined) issue(["images", "pullSecret"], `needs agent-estate:vault: the registry credential "${pull}" is delivered from Vault by External Secrets (vault.secrets.${pull})`);
        else if (secret === undefined || secret.registry === undefined) {
            issue(["images", "pullSecret"], `"${pull}" is not a registry credential of vault.secrets (${credentials.join(", ") || "none"}); declare vault.secrets.${pull}: {namespace, keys: [username, password], registry: "${cfg.images.registry.split("/")[0]}"}`);
        } else if (!cfg.images.registry.startsWith(`${secret.registry}/`)) {
            issue(["images", "pullSecret"], `"${pull}" is a credential for ${secret.registry}, but agent-estate:images.registry is ${cfg.images.registry}`);
        }
    }

    if (vault) {
        if (cfg.kubernetes.apiServer === undefined) {
            issue(["kubernetes", "apiServer"], 'is required when agent-estate:vault is set: Vault\'s Kubernetes auth calls the API server back at this URL, e.g. "https://kubernetes.default.svc:443"');
        }
        const clusterOnly = (url: string) => /\.svc(\.cluster\.local)?$/.test(new URL(url).hostname);
        const apiServer = cfg.kubernetes.apiServer;
        if (apiServer !== undefined && clusterOnly(apiServer) && !clusterOnly(vault.address)) {
            issue(
                ["kubernetes", "apiServer"],
                `is ${apiServer}, a name only the cluster resolves, but Vault (${vault.address}) runs outside the cluster and calls the API server back at this URL to review tokens: give an address Vault reaches, e.g. "https://10.30.0.10:6443"`,
            );
        }
        // An external Vault has no pod CA of the cluster: without the CA it cannot verify the API server it calls to review tokens.
        if (!clusterOnly(vault.address) && vault.kubernetesCaCert === undefined) {
            issue(
                ["vault", "kubernetesCaCert"],
                `is required: Vault (${vault.address}) runs outside the cluster and calls the API server${apiServer === undefined ? "" : ` (${apiServer})`} to review tokens, which it can only trust with the cluster's CA certificate; set it to the PEM from ${CA_CERT_COMMAND}`,
            );
        }
        if (vault.tokenMaxTtl < vault.tokenTtl) issue(["vault", "tokenMaxTtl"], `must be at least vault.tokenTtl (${vault.tokenTtl})`);
        if (vault.providerCredentialsHolder !== undefined && !(vault.providerCredentialsHolder in cfg.workloads)) {
            issue(["vault", "providerCredentialsHolder"], `"${vault.providerCredentialsHolder}" is not a workload of agent-estate:workloads (${workloads.join(", ")})`);
        }
        for (const [name, secret] of Object.entries(vault.secrets)) {
            if (secret.registry !== undefined && !["username", "password"].every((k) => secret.keys.includes(k))) {
                issue(["vault", "secrets", name, "keys"], `must be ["username", "password"] for a registry credential (registry ${secret.registry}): the .dockerconfigjson is built from them`);
            }
            if (name in cfg.workloads) issue(["vault", "secrets", name], `"${name}" is also a workload, whose Vault path it would share; name the Secret after what it holds, e.g. "${name}-credentials"`);
            if (!cfg.namespaces.some((n) => n.name === secret.namespace)) {
                issue(["vault", "secrets", name, "namespace"], `"${secret.namespace}" is not one of agent-estate:namespaces (${cfg.namespaces.map((n) => n.name).join(", ")})`);
            }
        }
        for (const [w, values] of Object.entries(vault.seed)) {
            const spec = cfg.workloads[w];
            const named = vault.secrets[w];
            if (spec === undefined && named === undefined) {
                issue(["vault", "seed", w], `"${w}" is neither a workload of agent-estate:workloads (${workloads.join(", ")}) nor a Secret of vault.secrets (${Object.keys(vault.secrets).join(", ") || "none"})`);
                continue;
            }
            const keys = new Set(spec ? workloadEnvKeys(spec).map((r) => r.key) : named.keys);
            for (const [key, source] of Object.entries(values)) {
                if (key === TAILSCALE_AUTHKEY && spec) issue(["vault", "seed", w, key], "is minted by Pulumi from agent-estate:tailscale; do not seed it");
                else if (!keys.has(key)) issue(["vault", "seed", w, key], spec ? `is not a key workload "${w}" reads; add it to workloads.${w}.secretKeys or remove the seed` : `is not a key of Secret "${w}" (${named.keys.join(", ")}); add it to vault.secrets.${w}.keys or remove the seed`);
                if (programSecretNames.includes(source)) issue(["vault", "seed", w, key], `"${source}" is the program's own credential (${programSecretNames.join(", ")}); seed application values from their own secret config key, e.g. "${camel(key)}"`);
            }
        }
    }
    // Least privilege: the runtime and every other workload receive no provider credentials.
    const holder = vault?.providerCredentialsHolder;
    for (const [w, spec] of Object.entries(cfg.workloads)) {
        for (const ref of workloadEnvKeys(spec)) {
            if (!vault) {
                // The env Secret of a workload is synced from Vault; without Vault there is none to read from.
                issue(["workloads", w, ...ref.path], `reads "${ref.key}" from the workload's env Secret, which is synced from Vault, but there is no \`vault\` section; set agent-estate:vault (with the secret vaultToken) or remove the key`);
            } else if ([ref.key, ref.env].some((k) => k !== undefined && (PROVIDER_CREDENTIAL_KEYS as readonly string[]).includes(k)) && w !== holder) {
                issue(["workloads", w, ...ref.path], `"${ref.env ?? ref.key}" is a provider credential; only ${holder === undefined ? "the workload named in vault.providerCredentialsHolder (unset)" : `"${holder}"`} may hold it`);
            }
        }
        if (spec.sidecars.tailscale) {
            if (!tailscale) issue(["workloads", w, "sidecars", "tailscale"], "needs agent-estate:tailscale, which mints the node's auth key; set it or remove the sidecar");
            if (!vault) issue(["workloads", w, "sidecars", "tailscale"], "needs agent-estate:vault: the auth key reaches the pod through Vault and External Secrets; set it or remove the sidecar");
            const multi = canScaleOut(spec);
            if (tailscale && multi && !tailscale.keys.reusable) {
                issue(["tailscale", "keys", "reusable"], `must be true: workload "${w}" runs several replicas, which share one auth key`);
            }
            // Replicas keep their node state in memory (one shared state Secret would make them one
            // node); only ephemeral nodes are removed from the tailnet when such a pod goes away.
            if (tailscale && multi && !tailscale.keys.ephemeral) {
                issue(["tailscale", "keys", "ephemeral"], `must be true: the replicas of workload "${w}" keep their tailnet state in memory, so each pod is a new node that must vanish with it`);
            }
        }
    }
    if (tailscale) {
        tailscale.acl?.grants.forEach((g, i) => {
            if ("services" in g) {
                g.services.forEach((svc, j) => {
                    if (!(svc in tailscale.services)) issue(["tailscale", "acl", "grants", i, "services", j], `"${svc}" is not a service of tailscale.services (${Object.keys(tailscale.services).join(", ") || "none"})`);
                });
                return;
            }
            if (!("workloads" in g)) return;
            g.workloads.forEach((w, j) => {
                const path = ["tailscale", "acl", "grants", i, "workloads", j];
                if (!(w in cfg.workloads)) issue(path, `"${w}" is not a workload of agent-estate:workloads (${workloads.join(", ")})`);
                else if (!cfg.workloads[w].sidecars.tailscale) issue(path, `workload "${w}" has no tailscale sidecar, so it is not on the tailnet; add sidecars.tailscale to it or remove it from the grant`);
                else if (cfg.workloads[w].sidecars.tailscale!.tags.length === 0) {
                    issue(path, `workload "${w}"'s tailscale sidecar advertises no tag of its own, so a grant to it would open every node tagged ${tailscale.tags.join(", ")}; set sidecars.tailscale.tags, e.g. ["tag:${w}"]`);
                }
            });
        });
        if (!vault && Object.keys(tailscale.services).length > 0) issue(["tailscale", "services"], "needs agent-estate:vault: each proxy's auth key reaches its pod through Vault and External Secrets; set it or remove the services");
        if (!vault && Object.keys(tailscale.nodes).length > 0) issue(["tailscale", "nodes"], "needs agent-estate:vault: an external node's auth key is handed over through Vault; set it or remove the nodes");
        for (const node of Object.keys(tailscale.nodes)) {
            if (node in cfg.workloads) issue(["tailscale", "nodes", node], `"${node}" is also a workload; an external node needs its own Vault path, name it e.g. "${node}-node"`);
        }
    }
}

/** `GITHUB_APP_ID` → `githubAppId`: the config key a seed's value would naturally live in. */
function camel(key: string): string {
    return key.toLowerCase().replace(/[-_.]+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Seeds whose secret config key is not set: checked once the settings parse, against the secrets the
 * stack holds, so a seed never reaches Vault empty.
 */
export function unsetSeedSources(vault: Pick<VaultConfig, "seed"> | undefined, present: ReadonlySet<string>, plaintext: ReadonlySet<string> = new Set()): ConfigProblem[] {
    return Object.entries(vault?.seed ?? {}).flatMap(([w, values]) =>
        Object.entries(values)
            .filter(([, source]) => !present.has(source))
            .map(([key, source]) => ({
                key: qualify(["vault", "seed", w, key]),
                message: plaintext.has(source)
                    ? `names ${qualify([source])}, which is stored in plaintext; set it with ${setSecretHint(source)} so it stays encrypted`
                    : `names ${qualify([source])}, which is not set; set it with ${setSecretHint(source)}`,
            })),
    );
}

/** Every secret config key a seed names: the keys besides the program's own that a stack may hold as secrets. */
export function seedSources(vault: Pick<VaultConfig, "seed"> | undefined): Set<string> {
    return new Set(Object.values(vault?.seed ?? {}).flatMap((values) => Object.values(values)));
}
