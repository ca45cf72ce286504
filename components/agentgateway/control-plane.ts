import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HelmChartRef, pinnedRelease, VaultReaderArgs } from "../addons/helm-addon";
import { vaultExternalSecret } from "../addons/vault-secret";
import { childName } from "../naming";
import { operatorPodsPolicy, withValueAt } from "../network/operator-pods";

/** The Secret the Enterprise license is delivered into. */
export const AGENTGATEWAY_LICENSE_SECRET = "agentgateway-license";

export interface AgentgatewayControlPlaneArgs extends VaultReaderArgs {
    namespace: string;
    /** The CRD chart, installed first. */
    crds: HelmChartRef;
    /** The control-plane chart. */
    controlPlane: HelmChartRef;
    /** Extra values of the control-plane chart. @default {} */
    values?: Record<string, unknown>;
    /** The license in Vault and the values path naming its Secret. @default - none (OSS) */
    license?: { vaultKey: string; property: string; valuesKey: string };
    /** Labels of every object (the cell's). @default {} */
    labels?: Record<string, string>;
    /** What must exist first (the namespace). @default [] */
    dependsOn?: pulumi.Resource[];
}

/**
 * AgentGateway's control plane: the CRD chart, then the control-plane chart (pinned, in a namespace
 * the cell declares), the Enterprise license delivered from Vault before either installs, and the
 * NetworkPolicy of the operator's own pods (the proxies it deploys get theirs from their Gateway).
 */
export class AgentgatewayControlPlane extends pulumi.ComponentResource {
    readonly crds: k8s.helm.v3.Release;
    readonly release: k8s.helm.v3.Release;
    readonly license?: k8s.apiextensions.CustomResource;
    readonly networkPolicy: k8s.networking.v1.NetworkPolicy;

    constructor(name: string, args: AgentgatewayControlPlaneArgs, opts: pulumi.ComponentResourceOptions) {
        super("agent-estate:agentgateway:AgentgatewayControlPlane", name, {}, opts);
        const labels = args.labels ?? {};
        const after = args.dependsOn ?? [];

        const lic = args.license;
        this.license =
            lic &&
            vaultExternalSecret(
                childName(name, "license"),
                {
                    name: AGENTGATEWAY_LICENSE_SECRET,
                    namespace: args.namespace,
                    labels,
                    vaultKey: lic.vaultKey,
                    properties: { "license-key": lic.property },
                    operator: args.externalSecretsOperator,
                    secretStore: args.secretStore,
                    refreshInterval: args.refreshInterval,
                    after,
                },
                { parent: this },
            );

        this.crds = pinnedRelease(childName(name, "crds"), { releaseName: "agentgateway-crds", chart: args.crds, namespace: args.namespace }, { parent: this, dependsOn: after });
        const values = lic ? withValueAt(args.values ?? {}, lic.valuesKey, AGENTGATEWAY_LICENSE_SECRET) : (args.values ?? {});
        this.release = pinnedRelease(
            name,
            { releaseName: "agentgateway", chart: args.controlPlane, namespace: args.namespace, values },
            { parent: this, dependsOn: [this.crds, ...after, ...(this.license ? [this.license] : [])] },
        );

        this.networkPolicy = operatorPodsPolicy(childName(name, "policy"), { name: "allow-agentgateway-control-plane", namespace: args.namespace, labels }, { parent: this });

        this.registerOutputs({ release: this.release.name });
    }
}
