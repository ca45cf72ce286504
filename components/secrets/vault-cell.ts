import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { childName } from "../naming";
import { stateOptions } from "../state";

/** A workload whose values Vault keeps, and whose ServiceAccount may read them. */
export interface VaultServiceArgs {
    /** The workload's name: its path is `<kvMount>/<name>`. */
    name: string;
    /** Namespace of the workload's ServiceAccount. */
    namespace: string;
    /** The workload's ServiceAccount, the only identity its Kubernetes auth role admits. */
    serviceAccount: string;
    /**
     * Values Pulumi writes to `<kvMount>/<name>/pulumi` (the minted Tailscale key, seeded values), each a secret.
     * @default {} - every value of the workload is written out of band
     */
    managed?: Record<string, pulumi.Input<string>>;
}

/** A machine outside the cluster whose values Pulumi hands over through Vault (the OpenClaw node). */
export interface VaultNodeArgs {
    /** The node's name: its path is `<kvMount>/<name>`. */
    name: string;
    /** Values Pulumi writes to `<kvMount>/<name>/pulumi`, each a secret. */
    managed: Record<string, pulumi.Input<string>>;
    /** Whether people write values to `<kvMount>/<name>` too (else only Pulumi's sub-path is readable). @default true */
    outOfBand?: boolean;
}

export interface VaultCellArgs {
    /** Prefix of the cell's policy names (the cell's name), so several cells can share one Vault. */
    policyPrefix: string;
    /** Path of the KV v2 mount. */
    kvMount: string;
    /** @default 10 - versions kept per secret */
    kvMaxVersions?: number;
    /** Path of the Kubernetes auth method. */
    authPath: string;
    /** URL of the cluster's API server, as Vault reaches it to review service account tokens. */
    kubernetesHost: string;
    /**
     * PEM CA of that API server; when given, Vault is taken to run outside the cluster: it ignores its local CA and JWT
     * and reviews each login's token with that token. @default - Vault's own pod CA and token, when Vault runs in the cluster
     */
    kubernetesCaCert?: string;
    /** The workloads that have a path. */
    services: VaultServiceArgs[];
    /** @default [] - no external nodes */
    nodes?: VaultNodeArgs[];
    /**
     * Secrets delivered under their own name (`github-app-credentials`): a path each, with Pulumi's
     * seeded values under `<name>/pulumi`, read by External Secrets only (no pod logs in for them).
     * @default []
     */
    secrets?: VaultNodeArgs[];
    /**
     * Keys under the mount that other ExternalSecrets of the cell (add-ons: Grafana, Langfuse, Postgres…)
     * read through the store; the reader gets a read policy on exactly these. @default []
     */
    addonPaths?: string[];
    /** The External Secrets Operator's controller ServiceAccount, which the ClusterSecretStore logs in as. */
    reader: { serviceAccount: string; namespace: string };
    /** @default 3600 - seconds */
    tokenTtl?: number;
    /** @default 14400 - seconds */
    tokenMaxTtl?: number;
    /** Protect and retain the mount and the auth method (prod): deleting them destroys every secret and login. */
    protectState: boolean;
}

/** Sub-path of a workload's path that Pulumi owns. */
export const MANAGED_SUBPATH = "pulumi";

/** The role the ClusterSecretStore logs in with. */
export const READER_ROLE = "external-secrets";

/**
 * The cell's Vault: a KV v2 mount; per workload, a policy that reads its own path and nothing else and a
 * Kubernetes auth role bound to exactly its ServiceAccount; and the role External Secrets logs in with.
 *
 * Values stay out of band at `<kvMount>/<workload>`. What Pulumi itself writes (minted Tailscale keys,
 * seeded values) goes to `<kvMount>/<workload>/pulumi`: a KV v2 write replaces the whole secret, so a
 * resource owning the main path would wipe the keys people put there, and people writing the main path
 * would wipe Pulumi's. Two paths, two writers, nothing clobbered; the ExternalSecret reads both.
 */
export class VaultCell extends pulumi.ComponentResource {
    readonly mount: vault.Mount;
    readonly authBackend: vault.AuthBackend;
    /** Policy of each workload and node by name, and the add-ons' shared one as `addons`. */
    readonly policies: Readonly<Record<string, vault.Policy>>;
    /** Kubernetes auth role of each workload, by name. */
    readonly roles: Readonly<Record<string, vault.kubernetes.AuthBackendRole>>;
    /** The role the ClusterSecretStore logs in with. */
    readonly readerRole: vault.kubernetes.AuthBackendRole;
    /** Pulumi's writes to `<kvMount>/<name>/pulumi`, by workload or node name. */
    readonly managedSecrets: Readonly<Record<string, vault.kv.SecretV2>>;
    readonly kvMount: string;
    readonly authPath: string;

    constructor(name: string, args: VaultCellArgs, opts: pulumi.ComponentResourceOptions) {
        super("agent-estate:secrets:VaultCell", name, {}, opts);
        this.kvMount = args.kvMount;
        this.authPath = args.authPath;
        const state = { parent: this, ...stateOptions(args.protectState) };

        this.mount = new vault.Mount(
            childName(name, "kv"),
            { path: args.kvMount, type: "kv", options: { version: "2" }, description: `${args.policyPrefix}: workload credentials, delivered by External Secrets` },
            state,
        );
        new vault.kv.SecretBackendV2(childName(name, "kv-config"), { mount: this.mount.path, maxVersions: args.kvMaxVersions ?? 10 }, { parent: this });

        this.authBackend = new vault.AuthBackend(
            childName(name, "kubernetes-auth"),
            { type: "kubernetes", path: args.authPath, description: `${args.policyPrefix}: pods log in with their ServiceAccount` },
            state,
        );
        const authConfig = new vault.kubernetes.AuthBackendConfig(
            childName(name, "kubernetes-auth-config"),
            {
                backend: this.authBackend.path,
                kubernetesHost: args.kubernetesHost,
                kubernetesCaCert: args.kubernetesCaCert,
                // A Vault outside the cluster has no pod CA or token of it: it trusts the API server through the given CA and
                // reviews each login's token with that token itself (its ServiceAccount holds system:auth-delegator).
                disableLocalCaJwt: args.kubernetesCaCert !== undefined,
            },
            { parent: this },
        );

        const token = { tokenTtl: args.tokenTtl ?? 3600, tokenMaxTtl: args.tokenMaxTtl ?? 14400 };
        const policies: Record<string, vault.Policy> = {};
        const roles: Record<string, vault.kubernetes.AuthBackendRole> = {};
        const managedSecrets: Record<string, vault.kv.SecretV2> = {};

        const declarePath = (owner: string, managed: Record<string, pulumi.Input<string>>, outOfBand = true) => {
            const hasManaged = Object.keys(managed).length > 0;
            if (hasManaged) {
                managedSecrets[owner] = new vault.kv.SecretV2(
                    childName(name, `${owner}-managed`),
                    {
                        mount: this.mount.path,
                        name: `${owner}/${MANAGED_SUBPATH}`,
                        // Secret end to end: the SDK also wraps dataJson, this keeps it so whatever the inputs are.
                        dataJson: pulumi.secret(pulumi.jsonStringify(pulumi.output(managed))),
                    },
                    { parent: this },
                );
            }
            const paths = [...(outOfBand ? [`${owner}`] : []), ...(hasManaged ? [`${owner}/${MANAGED_SUBPATH}`] : [])];
            policies[owner] = new vault.Policy(
                childName(name, `${owner}-policy`),
                { name: `${args.policyPrefix}-${owner}`, policy: readPolicy(args.kvMount, paths) },
                { parent: this },
            );
        };

        for (const s of args.services) {
            declarePath(s.name, s.managed ?? {});
            roles[s.name] = new vault.kubernetes.AuthBackendRole(
                childName(name, `${s.name}-role`),
                {
                    backend: this.authBackend.path,
                    roleName: s.name,
                    boundServiceAccountNames: [s.serviceAccount],
                    boundServiceAccountNamespaces: [s.namespace],
                    tokenPolicies: [policies[s.name].name],
                    ...token,
                },
                { parent: this, dependsOn: [authConfig] },
            );
        }
        for (const n of args.nodes ?? []) declarePath(n.name, n.managed);
        for (const n of args.secrets ?? []) declarePath(n.name, n.managed, n.outOfBand);

        const addonPaths = [...new Set(args.addonPaths ?? [])].sort();
        const addonPolicy =
            addonPaths.length === 0
                ? undefined
                : new vault.Policy(childName(name, "addons-policy"), { name: `${args.policyPrefix}-addons`, policy: readPolicy(args.kvMount, addonPaths) }, { parent: this });
        if (addonPolicy) policies["addons"] = addonPolicy;

        // External Secrets delivers every workload's and named Secret, so its one role carries each one's own
        // policy, plus the add-ons' (and no node's): it reads exactly those paths, read-only, nothing else.
        this.readerRole = new vault.kubernetes.AuthBackendRole(
            childName(name, "reader-role"),
            {
                backend: this.authBackend.path,
                roleName: READER_ROLE,
                boundServiceAccountNames: [args.reader.serviceAccount],
                boundServiceAccountNamespaces: [args.reader.namespace],
                tokenPolicies: [...[...args.services, ...(args.secrets ?? [])].map((s) => policies[s.name].name), ...(addonPolicy ? [addonPolicy.name] : [])],
                ...token,
            },
            { parent: this, dependsOn: [authConfig] },
        );

        this.policies = policies;
        this.roles = roles;
        this.managedSecrets = managedSecrets;
        this.registerOutputs({ kvMount: this.kvMount, authPath: this.authPath, policies: Object.keys(policies), roles: Object.keys(roles) });
    }
}

/** A policy that reads exactly the given KV v2 paths: their data, nothing listed, written or deleted. */
export function readPolicy(kvMount: string, paths: readonly string[]): string {
    return paths.map((p) => `path "${kvMount}/data/${p}" {\n  capabilities = ["read"]\n}\n`).join("\n");
}
