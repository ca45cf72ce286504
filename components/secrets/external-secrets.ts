import type { IClusterSecretStore } from "@kubernetes-models/external-secrets/external-secrets.io/v1beta1/ClusterSecretStore";
import type { IExternalSecret } from "@kubernetes-models/external-secrets/external-secrets.io/v1beta1/ExternalSecret";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CLUSTER_SECRET_STORE, childName, workloadSecretName } from "../naming";

const API_VERSION = "external-secrets.io/v1beta1";

/** How the Secret is built (v2 templates); `mergePolicy` is newer than the published model. */
type SecretTemplate = NonNullable<NonNullable<NonNullable<IExternalSecret["spec"]>["target"]>["template"]> & { mergePolicy?: "Replace" | "Merge" };

/** What one ExternalSecret copies from Vault, and into which Secret. */
export interface ExternalSecretArgs {
    /** Name of the ExternalSecret. */
    name: string;
    namespace: string;
    /** @default {} */
    labels?: Record<string, string>;
    /** Name of the Secret it writes. @default - the ExternalSecret's own name */
    targetName?: string;
    /** How often the operator re-reads Vault. @default "1m" - a rotation reaches the cluster within a minute */
    refreshInterval?: string;
    /** Each key of the Secret, and the key (under the store's mount) and property of the Vault entry it is read from. */
    data: Array<{ secretKey: string; remoteRef: { key: string; property: string } }>;
    /** The Secret's type and computed keys (External Secrets' templates). @default - an Opaque Secret of the data as they are */
    template?: SecretTemplate;
}

/**
 * An ExternalSecret that copies Vault entries into a Kubernetes Secret through the cell's
 * ClusterSecretStore. The Secret is the ExternalSecret's (`creationPolicy: Owner`): it goes with it,
 * and nobody else writes it. No secret value passes through Pulumi.
 */
export function externalSecret(logicalName: string, args: ExternalSecretArgs, opts: pulumi.CustomResourceOptions): k8s.apiextensions.CustomResource {
    const spec: IExternalSecret["spec"] = {
        refreshInterval: args.refreshInterval ?? "1m",
        secretStoreRef: { kind: "ClusterSecretStore", name: CLUSTER_SECRET_STORE },
        target: { name: args.targetName ?? args.name, creationPolicy: "Owner", ...(args.template === undefined ? {} : { template: args.template }) },
        data: args.data,
    };
    return new k8s.apiextensions.CustomResource(logicalName, { apiVersion: API_VERSION, kind: "ExternalSecret", metadata: { name: args.name, namespace: args.namespace, labels: args.labels }, spec }, opts);
}

/** A workload whose env Secret External Secrets delivers, or a Secret delivered under its own name. */
export interface ExternalSecretServiceArgs {
    /** The workload's name (or the named Secret's); its ExternalSecret has the same name and reads `<kvMount>/<name>`. */
    name: string;
    /** The Secret written. @default - `workloadSecretName(name)`, the workload's env Secret */
    targetName?: string;
    namespace: string;
    /** Keys read from `<kvMount>/<name>`, written out of band. */
    keys: string[];
    /** Keys read from `<kvMount>/<name>/<managedSubpath>`, written by Pulumi. @default [] */
    managedKeys?: string[];
    /**
     * A registry host: the Secret is a `kubernetes.io/dockerconfigjson` for it, built from the keys `username`
     * and `password`. @default - an Opaque Secret of the keys as they are
     */
    registry?: string;
}

/** The template that turns `username` and `password` into a registry credential for `registry`. */
export function dockerConfigTemplate(registry: string): SecretTemplate {
    // External Secrets' templates are Go templates with Sprig: the auth is base64("username:password").
    const auth = '{{ printf "%s:%s" .username .password | b64enc }}';
    return {
        type: "kubernetes.io/dockerconfigjson",
        engineVersion: "v2",
        data: { ".dockerconfigjson": `{"auths":{"${registry}":{"username":"{{ .username }}","password":"{{ .password }}","auth":"${auth}"}}}` },
    };
}

export interface ExternalSecretsArgs {
    /** URL of the Vault server as the operator reaches it. */
    vaultServer: string;
    /** Vault Enterprise namespace. @default - the root namespace */
    vaultNamespace?: string;
    /** Path of the KV v2 mount. */
    kvMount: string;
    /** Sub-path of a workload's path that Pulumi writes. */
    managedSubpath: string;
    /** Path of the Kubernetes auth method and the role the store logs in with. */
    auth: { path: string; role: string };
    /** The workloads to deliver a Secret for. */
    services: ExternalSecretServiceArgs[];
    /** Labels of the namespaces whose ExternalSecrets may use the store: the cell's (workloads' and add-ons'). */
    namespaceLabels: Record<string, string>;
    /** How often the operator re-reads Vault. @default "1m" - a rotation reaches pods within a minute */
    refreshInterval?: string;
    /** Labels of every object (the cell's). @default {} */
    labels?: Record<string, string>;
    /** The External Secrets Operator (its Helm release): the store waits for its CRDs and webhook. @default - none, the operator is installed out of band */
    operator?: pulumi.Resource;
    /** What must exist in Vault before the store logs in (the role, its policies). @default [] */
    vaultDependencies?: pulumi.Resource[];
    /**
     * The ServiceAccount the store logs in as, bound to `system:auth-delegator` so that a Vault outside the
     * cluster can review its token with the token itself (TokenReview). @default - none, Vault reviews with its own token
     */
    tokenReviewer?: { serviceAccount: string; namespace: string };
    /** What must exist before each ExternalSecret, e.g. its namespace, by workload name. @default {} */
    serviceDependencies?: Record<string, pulumi.Resource[]>;
}

/**
 * The ClusterSecretStore through which the cell reaches Vault with Kubernetes auth, and one ExternalSecret
 * per workload mapping each key of its env Secret from its Vault path. Order: operator → store →
 * ExternalSecrets; the Cell makes each workload depend on its ExternalSecret.
 */
export class ExternalSecrets extends pulumi.ComponentResource {
    readonly store: k8s.apiextensions.CustomResource;
    /** The ExternalSecret of each workload, by workload name. */
    readonly externalSecrets: Readonly<Record<string, k8s.apiextensions.CustomResource>>;

    constructor(name: string, args: ExternalSecretsArgs, opts: pulumi.ComponentResourceOptions) {
        super("agent-estate:secrets:ExternalSecrets", name, {}, opts);
        const labels = args.labels ?? {};

        const storeSpec: IClusterSecretStore["spec"] = {
            // Only the cell's namespaces may use the store: another tenant's ExternalSecret cannot read the cell's paths.
            conditions: [{ namespaceSelector: { matchLabels: args.namespaceLabels } }],
            provider: {
                vault: {
                    server: args.vaultServer,
                    namespace: args.vaultNamespace,
                    path: args.kvMount,
                    version: "v2",
                    // No static token: the operator logs in with its own ServiceAccount's token.
                    auth: { kubernetes: { mountPath: args.auth.path, role: args.auth.role } },
                },
            },
        };
        const reviewer = args.tokenReviewer;
        const tokenReview =
            reviewer &&
            new k8s.rbac.v1.ClusterRoleBinding(
                childName(name, "token-review"),
                {
                    metadata: { name: `${reviewer.namespace}-${reviewer.serviceAccount}-vault-token-review`, labels },
                    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:auth-delegator" },
                    subjects: [{ kind: "ServiceAccount", name: reviewer.serviceAccount, namespace: reviewer.namespace }],
                },
                { parent: this, dependsOn: args.operator ? [args.operator] : [] },
            );
        this.store = new k8s.apiextensions.CustomResource(
            childName(name, "store"),
            { apiVersion: API_VERSION, kind: "ClusterSecretStore", metadata: { name: CLUSTER_SECRET_STORE, labels }, spec: storeSpec },
            { parent: this, dependsOn: [...(args.operator ? [args.operator] : []), ...(tokenReview ? [tokenReview] : []), ...(args.vaultDependencies ?? [])] },
        );

        this.externalSecrets = Object.fromEntries(
            args.services.map((s) => [
                s.name,
                externalSecret(
                    childName(name, s.name),
                    {
                        name: s.name,
                        namespace: s.namespace,
                        labels,
                        targetName: s.targetName ?? workloadSecretName(s.name),
                        refreshInterval: args.refreshInterval,
                        ...(s.registry === undefined ? {} : { template: dockerConfigTemplate(s.registry) }),
                        data: [
                            ...s.keys.map((key) => ({ secretKey: key, remoteRef: { key: s.name, property: key } })),
                            ...(s.managedKeys ?? []).map((key) => ({ secretKey: key, remoteRef: { key: `${s.name}/${args.managedSubpath}`, property: key } })),
                        ],
                    },
                    { parent: this, dependsOn: [this.store, ...(args.serviceDependencies?.[s.name] ?? [])] },
                ),
            ]),
        );
        this.registerOutputs({ store: CLUSTER_SECRET_STORE, externalSecrets: Object.keys(this.externalSecrets) });
    }
}
