import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as tailscale from "@pulumi/tailscale";
import { beforeAll, describe, expect, it } from "vitest";
import { CLUSTER_SECRET_STORE, serviceAccountName, TAILSCALE_AUTHKEY, workloadSecretName } from "../components/naming";
import { ExternalSecrets } from "../components/secrets/external-secrets";
import { TailnetKeys } from "../components/secrets/tailnet-keys";
import { plan } from "../plan/plan";
import { planJson, writeManifests } from "../plan/render";
import { runProgram, RuntimeConfig } from "../plan/runtime";
import { SECRET_PLACEHOLDER } from "../plan/types";
import { parseVaultPolicy } from "../policy/rules/vault";
import { workloadEnvKeys } from "../config/sections/secrets";
import { workloadsSection } from "../config/sections/workloads";
import { declare, Declared, rawStackConfig, stackConfig } from "./harness";

const WORKLOADS = ["kaze-gateway", "kaze-knowledge", "kaze-runtime"];

/**
 * A committed stack with its workloads edited, and `vault` keys or secrets replaced: the workloads are
 * the seed's (each reads its keys from its env Secret and runs the tailscale sidecar).
 */
function stackWith(
    stack: "dev" | "prod",
    change: { workloads?: (w: Record<string, any>) => void; vault?: Record<string, unknown>; secrets?: Record<string, string> } = {},
): RuntimeConfig {
    const { workloads, vault } = rawStackConfig(stack).values;
    change.workloads?.(workloads);
    return stackConfig(stack, { set: { workloads, vault: { ...vault, ...change.vault } }, secrets: change.secrets });
}

/** What each workload's containers and jobs read from its env Secret, per its committed config. */
function envKeysOf(stack: "dev" | "prod"): Record<string, string[]> {
    const workloads = workloadsSection.parse(rawStackConfig(stack).values.workloads);
    return Object.fromEntries(Object.entries(workloads).map(([w, spec]) => [w, [...new Set(workloadEnvKeys(spec).map((r) => r.key))].sort()]));
}

const props = (r: { props: Record<string, unknown> }) => r.props as Record<string, any>;
const byName = (d: Declared, type: string, name: string) => {
    const found = d.ofType(type).find((r) => r.name === name);
    if (!found) throw new Error(`no ${type} named ${name}`);
    return found;
};

describe("the cell's Vault (dev)", () => {
    let d: Declared;
    beforeAll(async () => {
        d = await declare("dev");
    });

    it("has one KV v2 mount at kv, through the explicit Vault provider", () => {
        const [mount] = d.ofType("vault:index/mount:Mount");
        expect(d.ofType("vault:index/mount:Mount")).toHaveLength(1);
        expect(props(mount)).toMatchObject({ path: "kv", type: "kv", options: { version: "2" } });
        expect(mount.provider).toMatch(/pulumi:providers:vault::kaze-dev-vault::/);
        const [provider] = d.ofType("pulumi:providers:vault");
        expect(props(provider).address).toBe("https://vault.kaze-dev.internal:8200");
        expect(props(provider).token).toBe(SECRET_PLACEHOLDER);
    });

    it("gives each workload a policy that reads exactly its own paths, and nothing else", () => {
        for (const w of WORKLOADS) {
            const policy = byName(d, "vault:index/policy:Policy", `kaze-dev-vault-${w}-policy`);
            expect(props(policy).name).toBe(`kaze-dev-${w}`);
            expect(parseVaultPolicy(props(policy).policy)).toEqual([
                { path: `kv/data/${w}`, capabilities: ["read"] },
                { path: `kv/data/${w}/pulumi`, capabilities: ["read"] },
            ]);
        }
    });

    it("binds each workload's Kubernetes auth role to exactly its ServiceAccount and namespace, and its policy alone", () => {
        for (const w of WORKLOADS) {
            const role = props(byName(d, "vault:kubernetes/authBackendRole:AuthBackendRole", `kaze-dev-vault-${w}-role`));
            expect(role).toMatchObject({
                backend: "kubernetes-kaze-dev",
                roleName: w,
                boundServiceAccountNames: [serviceAccountName(w)],
                boundServiceAccountNamespaces: ["kaze"],
                tokenPolicies: [`kaze-dev-${w}`],
                tokenTtl: 3600,
                tokenMaxTtl: 14400,
            });
        }
    });

    it("lets External Secrets log in as the operator's ServiceAccount only", () => {
        const reader = props(byName(d, "vault:kubernetes/authBackendRole:AuthBackendRole", "kaze-dev-vault-reader-role"));
        expect(reader.boundServiceAccountNames).toEqual(["external-secrets"]);
        expect(reader.boundServiceAccountNamespaces).toEqual(["external-secrets"]);
    });

    it("lets External Secrets read exactly the paths the cell's ExternalSecrets name, read-only", () => {
        const reader = props(byName(d, "vault:kubernetes/authBackendRole:AuthBackendRole", "kaze-dev-vault-reader-role"));
        const policies = d.ofType("vault:index/policy:Policy").filter((r) => (reader.tokenPolicies as string[]).includes(props(r).name));
        expect(policies).toHaveLength(reader.tokenPolicies.length);
        const rules = policies.flatMap((r) => parseVaultPolicy(props(r).policy));
        expect(new Set(rules.flatMap((r) => r.capabilities))).toEqual(new Set(["read"]));
        const read = d.kind("ExternalSecret").flatMap((r) => (props(r).spec.data as Array<{ remoteRef: { key: string } }>).map((e) => `kv/data/${e.remoteRef.key}`));
        expect(rules.map((r) => r.path).sort()).toEqual([...new Set(read)].sort());
        expect(reader.tokenPolicies).not.toContain("kaze-dev-openclaw");
    });

    it("configures the Kubernetes auth method with the API server at an address the external Vault reaches", () => {
        const [backend] = d.ofType("vault:index/authBackend:AuthBackend");
        expect(props(backend)).toMatchObject({ type: "kubernetes", path: "kubernetes-kaze-dev" });
        const [config] = d.ofType("vault:kubernetes/authBackendConfig:AuthBackendConfig");
        expect(props(config)).toMatchObject({ backend: "kubernetes-kaze-dev", kubernetesHost: "https://10.30.0.10:6443" });
    });

    it("trusts that API server through the cluster's CA from config, and reviews each login's token with the token itself", () => {
        const [config] = d.ofType("vault:kubernetes/authBackendConfig:AuthBackendConfig");
        const ca = rawStackConfig("dev").values.vault.kubernetesCaCert as string;
        expect(ca).toMatch(/^-----BEGIN CERTIFICATE-----/);
        // An external Vault has no pod CA or token of the cluster: the local ones must not be used.
        expect(props(config)).toMatchObject({ kubernetesCaCert: ca, disableLocalCaJwt: true });
        expect(props(config).tokenReviewerJwt).toBeUndefined();
        // So the ServiceAccount that logs in (External Secrets' controller) may call TokenReview itself.
        const review = d.kind("ClusterRoleBinding").filter((b) => props(b).roleRef.name === "system:auth-delegator");
        expect(review.map((b) => props(b).subjects)).toEqual([[{ kind: "ServiceAccount", name: "external-secrets", namespace: "external-secrets" }]]);
    });

    it("leaves the mount and the auth method unprotected in dev", () => {
        for (const t of ["vault:index/mount:Mount", "vault:index/authBackend:AuthBackend"]) {
            expect(d.ofType(t).map((r) => [r.protect, r.retainOnDelete])).toEqual([[false, false]]);
        }
    });
});

describe("External Secrets", () => {
    let d: Declared;
    beforeAll(async () => {
        d = await declare("dev");
    });

    it("reaches Vault through one ClusterSecretStore with Kubernetes auth, limited to the cell's namespaces", () => {
        const store = d.k8s("ClusterSecretStore", CLUSTER_SECRET_STORE);
        expect(props(store).apiVersion).toBe("external-secrets.io/v1beta1");
        expect(props(store).spec.provider.vault).toEqual({
            server: "https://vault.kaze-dev.internal:8200",
            path: "kv",
            version: "v2",
            auth: { kubernetes: { mountPath: "kubernetes-kaze-dev", role: "external-secrets" } },
        });
        expect(props(store).spec.conditions).toEqual([{ namespaceSelector: { matchLabels: { "agent-estate/cell": "kaze-dev" } } }]);
    });

    it("declares one ExternalSecret per workload, refreshed every minute, into the Secret named for the workload", () => {
        for (const w of WORKLOADS) {
            const spec = props(d.k8s("ExternalSecret", w, "kaze")).spec;
            expect(spec.refreshInterval).toBe("1m");
            expect(spec.secretStoreRef).toEqual({ kind: "ClusterSecretStore", name: CLUSTER_SECRET_STORE });
            expect(spec.target).toEqual({ name: workloadSecretName(w), creationPolicy: "Owner" });
        }
    });

    it("admits every namespace that holds an ExternalSecret of the cell through the store's selector", () => {
        const selector = props(d.k8s("ClusterSecretStore", CLUSTER_SECRET_STORE)).spec.conditions[0].namespaceSelector.matchLabels as Record<string, string>;
        const namespaces = new Set(d.kind("ExternalSecret").map((r) => props(r).metadata.namespace as string));
        for (const ns of namespaces) expect(props(d.k8s("Namespace", ns)).metadata.labels, ns).toMatchObject(selector);
    });

    it("maps exactly the keys each workload reads from its own Vault path, and the tailnet key from the path Pulumi writes", () => {
        const keys = envKeysOf("dev");
        for (const w of WORKLOADS) {
            const data = props(d.k8s("ExternalSecret", w, "kaze")).spec.data;
            expect(data).toEqual([
                ...keys[w].map((k) => ({ secretKey: k, remoteRef: { key: w, property: k } })),
                { secretKey: TAILSCALE_AUTHKEY, remoteRef: { key: `${w}/pulumi`, property: TAILSCALE_AUTHKEY } },
            ]);
        }
        expect(keys["kaze-gateway"]).toContain("ANTHROPIC_API_KEY");
    });

    it("gives the runtime no provider credentials: only the gateway's Secret has the LLM keys", () => {
        const keysOf = (w: string) => (props(d.k8s("ExternalSecret", w, "kaze")).spec.data as Array<{ secretKey: string }>).map((e) => e.secretKey);
        for (const key of ["ANTHROPIC_API_KEY", "GOOGLE_GENERATIVE_AI_API_KEY", "GITHUB_TOKEN"]) {
            expect(WORKLOADS.filter((w) => keysOf(w).includes(key))).toEqual(["kaze-gateway"]);
        }
    });

    it("orders operator before store before ExternalSecrets before workloads, and the store after its Vault role", () => {
        const store = d.k8s("ClusterSecretStore", CLUSTER_SECRET_STORE);
        const reader = byName(d, "vault:kubernetes/authBackendRole:AuthBackendRole", "kaze-dev-vault-reader-role");
        const operator = d.ofType("kubernetes:helm.sh/v3:Release").find((r) => props(r).chart === "external-secrets");
        expect(operator, "the External Secrets Operator release").toBeDefined();
        expect(store.dependencies).toEqual(expect.arrayContaining([operator!.urn, reader.urn]));
        for (const w of WORKLOADS) {
            const es = d.k8s("ExternalSecret", w, "kaze");
            expect(es.dependencies).toContain(store.urn);
            const workload = d.ofType("agent-estate:workloads:AgentWorkload").find((r) => r.name === w);
            expect(workload?.dependencies).toContain(es.urn);
        }
    });

    it("waits for the operator's CRDs when the operator is given", async () => {
        const run = await runProgram(stackConfig("dev"), () => {
            const provider = new k8s.Provider("k8s", { context: "test" });
            const operator = new k8s.core.v1.Namespace("operator", { metadata: { name: "external-secrets" } }, { provider });
            const es = new ExternalSecrets(
                "es",
                { vaultServer: "https://vault:8200", kvMount: "kv", managedSubpath: "pulumi", auth: { path: "kubernetes", role: "external-secrets" }, services: [{ name: "w", namespace: "n", keys: ["K"] }], namespaceLabels: { cell: "c" }, operator },
                { providers: { kubernetes: provider } },
            );
            return { store: es.store.urn };
        });
        const operator = run.resources.find((r) => r.name === "operator")!;
        const store = run.resources.find((r) => r.name === "es-store")!;
        const externalSecret = run.resources.find((r) => r.name === "es-w")!;
        expect(store.dependencies).toContain(operator.urn);
        expect(externalSecret.dependencies).toContain(store.urn);
    });
});

describe("Tailscale keys", () => {
    let d: Declared;
    beforeAll(async () => {
        d = await declare("dev");
    });

    it("mints one preauthorized, tagged, expiring key per sidecar workload and for the OpenClaw node", () => {
        const keys = d.ofType("tailscale:index/tailnetKey:TailnetKey");
        // The sidecars', the OpenClaw node's, and the dashboards' tailnet proxies' (tailscale.services).
        expect(keys.map((k) => k.name).sort()).toEqual([...WORKLOADS, "grafana-tailnet", "langfuse-tailnet", "openclaw"].map((n) => `kaze-dev-tailnet-keys-${n}`).sort());
        for (const k of keys) {
            expect(props(k)).toMatchObject({ preauthorized: true, ephemeral: true, expiry: 2592000 });
            expect(k.provider).toMatch(/pulumi:providers:tailscale::kaze-dev-tailscale::/);
        }
        expect(props(byName(d, "tailscale:index/tailnetKey:TailnetKey", "kaze-dev-tailnet-keys-kaze-runtime"))).toMatchObject({ tags: ["tag:kaze-dev-runtime"], reusable: true });
        expect(props(byName(d, "tailscale:index/tailnetKey:TailnetKey", "kaze-dev-tailnet-keys-openclaw"))).toMatchObject({ tags: ["tag:openclaw"], reusable: false });
    });

    it("tags a workload's key with its sidecar's tags when it names some", async () => {
        const tagged = await declare(stackWith("dev", { workloads: (w) => (w["kaze-gateway"].sidecars.tailscale.tags = ["tag:kaze-gateway"]) }));
        expect(props(byName(tagged, "tailscale:index/tailnetKey:TailnetKey", "kaze-dev-tailnet-keys-kaze-gateway")).tags).toEqual(["tag:kaze-gateway"]);
    });

    it("writes each key, as a secret, to the Pulumi-owned sub-path of its Vault path", () => {
        for (const n of [...WORKLOADS, "openclaw"]) {
            const secret = props(byName(d, "vault:kv/secretV2:SecretV2", `kaze-dev-vault-${n}-managed`));
            expect(secret).toMatchObject({ mount: "kv", name: `${n}/pulumi`, dataJson: SECRET_PLACEHOLDER });
        }
    });

    it("hands the OpenClaw node's key over through a policy of its own, which no Kubernetes role carries", () => {
        const policy = props(byName(d, "vault:index/policy:Policy", "kaze-dev-vault-openclaw-policy"));
        expect(parseVaultPolicy(policy.policy)).toEqual([
            { path: "kv/data/openclaw", capabilities: ["read"] },
            { path: "kv/data/openclaw/pulumi", capabilities: ["read"] },
        ]);
        const roles = d.ofType("vault:kubernetes/authBackendRole:AuthBackendRole").map((r) => props(r).tokenPolicies as string[]);
        expect(roles.flat()).not.toContain("kaze-dev-openclaw");
    });

    it("never puts a key in a ConfigMap or a container's env literal", () => {
        for (const r of d.resources.filter((x) => x.type.startsWith("kubernetes:"))) {
            const text = JSON.stringify(r.props);
            expect(text).not.toMatch(/tskey-/);
            if (props(r).kind === "ConfigMap") expect(Object.keys(props(r).data ?? {})).not.toContain(TAILSCALE_AUTHKEY);
        }
    });
});

describe("stack outputs", () => {
    it("name where the credentials live and who gets them, and carry no value", async () => {
        const d = await declare("dev");
        expect(d.outputs).toMatchObject({
            vault: { kvMount: "kv", kubernetesAuthPath: "kubernetes-kaze-dev" },
            externalSecrets: [...WORKLOADS, "ghcr-pull", "grafana-tailnet", "langfuse-tailnet"].sort(),
            tailnetNodes: [...WORKLOADS, "grafana-tailnet", "langfuse-tailnet", "openclaw"].sort(),
        });
        expect((d.outputs.vault as { policies: string[] }).policies).toEqual(expect.arrayContaining([...WORKLOADS, "openclaw"]));
    });
});

describe("seeding a value from secret config", () => {
    it("is off by default: Pulumi writes only the minted tailnet key", async () => {
        const d = await declare("dev");
        const data = props(d.k8s("ExternalSecret", "kaze-gateway", "kaze")).spec.data as Array<{ secretKey: string; remoteRef: { key: string } }>;
        expect(data.filter((e) => e.remoteRef.key === "kaze-gateway/pulumi").map((e) => e.secretKey)).toEqual([TAILSCALE_AUTHKEY]);
    });

    it("writes a seeded key to the Pulumi-owned sub-path and maps it from there", async () => {
        // Any secret config key of the stack can be a seed's source, set with `pulumi config set --secret`.
        const d = await declare(stackWith("dev", { vault: { seed: { "kaze-gateway": { GITHUB_TOKEN: "githubToken" } } }, secrets: { githubToken: "ghp-opaque" } }));
        const data = props(d.k8s("ExternalSecret", "kaze-gateway", "kaze")).spec.data as Array<{ secretKey: string; remoteRef: { key: string } }>;
        expect(data.find((e) => e.secretKey === "GITHUB_TOKEN")?.remoteRef.key).toBe("kaze-gateway/pulumi");
        expect(props(byName(d, "vault:kv/secretV2:SecretV2", "kaze-dev-vault-kaze-gateway-managed")).dataJson).toBe(SECRET_PLACEHOLDER);
    });

    it("refuses the program's own credential as a seed's source, and an application secret no seed names", async () => {
        await expect(declare(stackWith("dev", { vault: { seed: { "kaze-gateway": { GITHUB_TOKEN: "vaultToken" } } } }))).rejects.toThrow(
            /agent-estate:vault\.seed\.kaze-gateway\.GITHUB_TOKEN: "vaultToken" is the program's own credential/,
        );
        await expect(declare(stackWith("dev", { secrets: { githubTokne: "ghp-opaque" } }))).rejects.toThrow(/agent-estate:githubTokne: is not a setting this program has: nothing configures "githubTokne"/);
    });

    it("refuses a seed whose source is kept in plaintext, naming the command that encrypts it", async () => {
        const rc = stackWith("dev", { vault: { seed: { "kaze-gateway": { GITHUB_TOKEN: "githubToken" } } } });
        rc.config["agent-estate:githubToken"] = "ghp-plain";
        await expect(declare(rc)).rejects.toThrow(/agent-estate:vault\.seed\.kaze-gateway\.GITHUB_TOKEN: names agent-estate:githubToken, which is stored in plaintext; set it with `pulumi config set --secret agent-estate:githubToken`/);
    });

    it("delivers a named Secret under its own name, seeded keys from the Pulumi-owned sub-path", async () => {
        const { secrets } = rawStackConfig("dev").values.vault;
        const d = await declare(stackWith("dev", { vault: { secrets: { ...secrets, "github-app-credentials": { namespace: "kaze", keys: ["app-id", "private-key"] } }, seed: { "github-app-credentials": { "private-key": "githubAppPrivateKey" } } }, secrets: { githubAppPrivateKey: "-----BEGIN-opaque" } }));
        const es = props(d.k8s("ExternalSecret", "github-app-credentials", "kaze"));
        expect(es.spec.target).toMatchObject({ name: "github-app-credentials", creationPolicy: "Owner" });
        expect(es.spec.data).toEqual([
            { secretKey: "app-id", remoteRef: { key: "github-app-credentials", property: "app-id" } },
            { secretKey: "private-key", remoteRef: { key: "github-app-credentials/pulumi", property: "private-key" } },
        ]);
        expect(props(byName(d, "vault:kv/secretV2:SecretV2", "kaze-dev-vault-github-app-credentials-managed")).dataJson).toBe(SECRET_PLACEHOLDER);
        expect(props(byName(d, "vault:index/policy:Policy", "kaze-dev-vault-github-app-credentials-policy")).policy).toContain('path "kv/data/github-app-credentials"');
    });

    it("refuses a seed whose secret config key is not set, naming the key and the seed", async () => {
        await expect(declare(stackWith("dev", { vault: { seed: { "kaze-gateway": { GITHUB_TOKEN: "githubToken" } } } }))).rejects.toThrow(
            /agent-estate:vault\.seed\.kaze-gateway\.GITHUB_TOKEN: names agent-estate:githubToken, which is not set; set it with `pulumi config set --secret agent-estate:githubToken`/,
        );
    });
});

describe("prod", () => {
    it("protects and retains the Vault mount and the Kubernetes auth method", async () => {
        const d = await declare("prod");
        for (const t of ["vault:index/mount:Mount", "vault:index/authBackend:AuthBackend"]) {
            expect(d.ofType(t).map((r) => [r.protect, r.retainOnDelete])).toEqual([[true, true]]);
        }
    });
});

describe("canary secrets never appear in plaintext", () => {
    const CANARIES = { vaultToken: "CANARY-VAULT-7f3a91", tailscaleOauthClientSecret: "CANARY-TSOAUTH-52be0c", githubToken: "CANARY-GITHUB-d41c07" };
    const rc = () => stackWith("prod", { secrets: CANARIES, vault: { seed: { "kaze-gateway": { GITHUB_TOKEN: "githubToken" } } } });
    const leaks = (text: string) => [...Object.values(CANARIES), "tskey-auth"].filter((c) => text.includes(c));

    it("in the declared resources and the stack outputs", async () => {
        const d = await declare(rc());
        expect(leaks(JSON.stringify(d.resources))).toEqual([]);
        expect(leaks(JSON.stringify(d.outputs))).toEqual([]);
    });

    it("in the plan JSON and the --out manifests", async () => {
        const result = await plan({ stack: "prod", runtimeConfig: rc() });
        expect(result.configError).toBeUndefined();
        expect(leaks(planJson(result))).toEqual([]);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "secrets-canary-"));
        try {
            const files = writeManifests(result, dir);
            expect(files.length).toBeGreaterThan(0);
            for (const f of files) expect(leaks(fs.readFileSync(path.join(dir, f), "utf8")), f).toEqual([]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("refuses a credential kept in plaintext config, naming the command that fixes it", async () => {
        await expect(declare(stackConfig("dev", { set: { vaultToken: "hvs.CANARY-PLAIN" } }))).rejects.toThrow(/agent-estate:vaultToken: is stored in plaintext; set it with `pulumi config set --secret agent-estate:vaultToken`/);
    });

    it("keeps a minted tailnet key secret from the provider onward", async () => {
        const run = await runProgram(stackConfig("dev"), () => {
            const provider = new tailscale.Provider("ts", {});
            const keys = new TailnetKeys("keys", { descriptionPrefix: "c", nodes: [{ name: "n", tags: ["tag:t"], ephemeral: true, reusable: true, expirySeconds: 3600 }] }, { providers: { tailscale: provider } });
            return { raw: keys.tailnetKeys.n.key, delivered: keys.keys.n };
        });
        expect(run.outputs).toEqual({ raw: SECRET_PLACEHOLDER, delivered: SECRET_PLACEHOLDER });
    });

    it("while the canaries do reach the providers and Vault, as secrets", async () => {
        // Guards the test above: the values are used, only never shown.
        const d = await declare(rc());
        expect(props(d.ofType("pulumi:providers:vault")[0]).token).toBe(SECRET_PLACEHOLDER);
        expect(props(d.ofType("pulumi:providers:tailscale")[0]).oauthClientSecret).toBe(SECRET_PLACEHOLDER);
    });
});

describe("the committed stacks plan with the whole secrets area", () => {
    const SECRETS_TYPES = [
        "vault:index/mount:Mount",
        "vault:index/authBackend:AuthBackend",
        "vault:kubernetes/authBackendConfig:AuthBackendConfig",
        "vault:kubernetes/authBackendRole:AuthBackendRole",
        "vault:index/policy:Policy",
        "vault:kv/secretV2:SecretV2",
        "tailscale:index/tailnetKey:TailnetKey",
        "kubernetes:external-secrets.io/v1beta1:ClusterSecretStore",
        "kubernetes:external-secrets.io/v1beta1:ExternalSecret",
    ];

    it.each(["dev", "prod"])("%s: Vault, Tailscale and External Secrets are declared, schema-valid, with no mandatory violation of their own", async (stack) => {
        const result = await plan({ stack });
        expect(result.configError).toBeUndefined();
        const types = new Set(result.resources.map((r) => r.type));
        for (const t of SECRETS_TYPES) expect(types, t).toContain(t);
        const ours = new Set(result.resources.filter((r) => SECRETS_TYPES.includes(r.type)).map((r) => r.urn));
        expect(result.violations.filter((v) => v.enforcementLevel === "mandatory" && v.urn !== undefined && ours.has(v.urn))).toEqual([]);
        expect(result.schemaErrors.filter((e) => ours.has(e.urn))).toEqual([]);
    });
});

describe("pulling the estate's private images (GHCR)", () => {
    let d: Declared;
    beforeAll(async () => {
        d = await declare("dev");
    });

    it("delivers the registry credential from Vault as a dockerconfigjson Secret built from a read-only token", () => {
        const spec = props(d.k8s("ExternalSecret", "ghcr-pull", "kaze")).spec;
        expect(spec.target.name).toBe("ghcr-pull");
        expect(spec.target.template.type).toBe("kubernetes.io/dockerconfigjson");
        const config = spec.target.template.data[".dockerconfigjson"] as string;
        expect(config).toContain('"auths":{"ghcr.io":{"username":"{{ .username }}","password":"{{ .password }}"');
        expect(config).toContain('"auth":"{{ printf "%s:%s" .username .password | b64enc }}"');
        expect(spec.data).toEqual([
            { secretKey: "password", remoteRef: { key: "ghcr-pull", property: "password" } },
            { secretKey: "username", remoteRef: { key: "ghcr-pull", property: "username" } },
        ]);
    });

    it("has every ServiceAccount of the namespace pull with it, and each workload wait for it", () => {
        const accounts = d.kind("ServiceAccount").filter((r) => props(r).metadata.namespace === "kaze");
        expect(accounts.length).toBeGreaterThanOrEqual(WORKLOADS.length);
        for (const sa of accounts) expect(props(sa).imagePullSecrets, props(sa).metadata.name).toEqual([{ name: "ghcr-pull" }]);
        const pull = d.k8s("ExternalSecret", "ghcr-pull", "kaze");
        for (const w of WORKLOADS) {
            const workload = d.resources.find((r) => r.type === "agent-estate:workloads:AgentWorkload" && r.name === w)!;
            expect(workload.dependencies, w).toContain(pull.urn);
        }
    });

    it("refuses a pull secret that is not a registry credential, or for another registry, or without Vault", async () => {
        const { vault, images } = rawStackConfig("dev").values;
        const notRegistry = stackConfig("dev", { set: { vault: { ...vault, secrets: { "ghcr-pull": { namespace: "kaze", keys: ["username", "password"] } } } } });
        await expect(declare(notRegistry)).rejects.toThrow(/agent-estate:images\.pullSecret: "ghcr-pull" is not a registry credential of vault\.secrets \(none\); declare vault\.secrets\.ghcr-pull: \{namespace, keys: \[username, password\], registry: "ghcr.io"\}/);
        const otherRegistry = stackConfig("dev", { set: { vault: { ...vault, secrets: { "ghcr-pull": { namespace: "kaze", keys: ["username", "password"], registry: "quay.io" } } } } });
        await expect(declare(otherRegistry)).rejects.toThrow(/agent-estate:images\.pullSecret: "ghcr-pull" is a credential for quay\.io, but agent-estate:images\.registry is ghcr\.io\/speedrun-ventures/);
        const badKeys = stackConfig("dev", { set: { vault: { ...vault, secrets: { "ghcr-pull": { namespace: "kaze", keys: ["token"], registry: "ghcr.io" } } } } });
        await expect(declare(badKeys)).rejects.toThrow(/agent-estate:vault\.secrets\.ghcr-pull\.keys: must be \["username", "password"\] for a registry credential/);
        const noVault = stackConfig("dev", { set: { images: { ...images, pullSecret: "ghcr-pull" } }, remove: ["vault"] });
        await expect(declare(noVault)).rejects.toThrow(/agent-estate:images\.pullSecret: needs agent-estate:vault/);
    });
});
