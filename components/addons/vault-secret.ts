import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { externalSecret } from "../secrets/external-secrets";

export interface VaultSecretArgs {
    /** Name of the ExternalSecret and of the Kubernetes Secret it writes. */
    name: string;
    namespace: string;
    /** Labels of the ExternalSecret (the cell's). @default {} */
    labels?: Record<string, string>;
    /** Vault KV key under the store's mount (from config). */
    vaultKey: string;
    /** Secret key → property of the Vault entry. */
    properties: Record<string, string>;
    /**
     * Keys of the Secret computed from the properties (External Secrets' v2 templates, sprig
     * functions), e.g. an `Authorization` header. When set, the Secret holds these keys and the
     * properties too. @default - the properties as they are
     */
    template?: Record<string, string>;
    /** The Secret's type. @default "Opaque" */
    type?: string;
    /** The External Secrets Operator release (its CRDs). @default - none, the operator is installed out of band */
    operator?: pulumi.Resource;
    /** The ClusterSecretStore `CLUSTER_SECRET_STORE`, declared by the secrets component. @default - none */
    secretStore?: pulumi.Resource;
    /** Anything else that must exist first, e.g. the namespace. @default [] */
    after?: pulumi.Resource[];
    /** How often the operator re-reads Vault. @default "1m" */
    refreshInterval?: string;
}

/**
 * An ExternalSecret that copies properties of one Vault entry into a Kubernetes Secret through the
 * cell's ClusterSecretStore, refreshed every minute by default so rotation in Vault reaches the cluster
 * within a minute, after the operator, the store and whatever else `after` names.
 */
export function vaultExternalSecret(logicalName: string, args: VaultSecretArgs, opts: Omit<pulumi.CustomResourceOptions, "dependsOn">): k8s.apiextensions.CustomResource {
    const template =
        args.template === undefined && args.type === undefined
            ? undefined
            : {
                  type: args.type ?? "Opaque",
                  ...(args.template === undefined ? {} : { engineVersion: "v2", mergePolicy: "Merge" as const, data: args.template }),
              };
    const dependsOn = [args.operator, args.secretStore, ...(args.after ?? [])].filter((r): r is pulumi.Resource => r !== undefined);
    return externalSecret(
        logicalName,
        {
            name: args.name,
            namespace: args.namespace,
            labels: args.labels,
            targetName: args.name,
            refreshInterval: args.refreshInterval,
            data: Object.entries(args.properties).map(([secretKey, property]) => ({ secretKey, remoteRef: { key: args.vaultKey, property } })),
            template,
        },
        { ...opts, dependsOn },
    );
}
