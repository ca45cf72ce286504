import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childName } from "../naming";
import { HelmAddon, HelmChartRef } from "./helm-addon";
import { ADDON_NAMESPACES } from "../../config/sections/addons";

/**
 * The external-secrets chart's values this program sets. The chart's schema (vendored, checked by the
 * plan) leaves its objects open, so a misspelt key would pass it: typed here, it does not compile.
 */
export interface ExternalSecretsValues {
    installCRDs: boolean;
    serviceAccount: { name: string };
    serviceMonitor: { enabled: boolean };
}

export interface ExternalSecretsOperatorArgs {
    cell: string;
    chart: HelmChartRef;
    /** Labels of every object (the cell's). @default {} */
    labels?: Record<string, string>;
}

/**
 * The External Secrets Operator and its CRDs. The secrets component's ClusterSecretStore, and every
 * ExternalSecret, depend on {@link release}. Its controller ServiceAccount is `external-secrets` in
 * namespace `external-secrets` (the chart's defaults), which the Vault role binds.
 */
export class ExternalSecretsOperator extends pulumi.ComponentResource {
    readonly addon: HelmAddon;
    /** The operator's Helm release: what a ClusterSecretStore or ExternalSecret waits for. */
    readonly release: k8s.helm.v3.Release;
    readonly namespace: string = ADDON_NAMESPACES.externalSecrets;
    readonly serviceAccountName = "external-secrets";

    constructor(name: string, args: ExternalSecretsOperatorArgs, opts: pulumi.ComponentResourceOptions) {
        super("agent-estate:addons:ExternalSecretsOperator", name, {}, opts);
        this.addon = new HelmAddon(
            childName(name, "release"),
            {
                cell: args.cell,
                namespace: this.namespace,
                releaseName: "external-secrets",
                chart: args.chart,
                values: { installCRDs: true, serviceAccount: { name: this.serviceAccountName }, serviceMonitor: { enabled: false } } satisfies ExternalSecretsValues,
                labels: args.labels,
                // The validating webhook, which the API server calls.
                openPorts: [10250],
            },
            { parent: this },
        );
        this.release = this.addon.release;
        this.registerOutputs({ namespace: this.namespace });
    }
}
