import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HelmChartRef, pinnedRelease, VaultReaderArgs } from "../addons/helm-addon";
import { vaultExternalSecret } from "../addons/vault-secret";
import { childName } from "../naming";
import { operatorPodsPolicy, withValueAt } from "../network/operator-pods";

/** The Secret the Enterprise license is delivered into. */
export const KAGENT_LICENSE_SECRET = "kagent-license";

/** A pinned chart and its extra values. */
export interface KagentChart {
    chart: HelmChartRef;
    /** @default {} */
    values?: Record<string, unknown>;
}

export interface KagentArgs extends VaultReaderArgs {
    namespace: string;
    /** The CRD chart (`kagent-crds`), installed first. */
    crds: KagentChart;
    /** The management plane and UI (`kagent-mgmt`). @default - not installed */
    management?: KagentChart;
    /** The controller (`kagent`). */
    controller: KagentChart;
    /** The license in Vault and the values path, in the management and controller charts, naming its Secret. @default - none (OSS) */
    license?: { vaultKey: string; property: string; valuesKey: string };
    /**
     * kagent's telemetry collector, reached by the cell's OTel collector: its pods, port and the
     * namespace the traces come from. @default - not opened
     */
    telemetryIngress?: { podSelector: Record<string, string>; port: number; fromNamespace: string };
    /** Labels of every object (the cell's). @default {} */
    labels?: Record<string, string>;
    /** What must exist first (the namespace). @default [] */
    dependsOn?: pulumi.Resource[];
}

/**
 * kagent: the CRD chart, then the management plane and the controller, pinned, in a namespace the
 * cell declares, with the Enterprise license delivered from Vault before they install, and the
 * NetworkPolicies of kagent's own pods (its telemetry collector opened to the cell's OTel collector).
 */
export class Kagent extends pulumi.ComponentResource {
    readonly crds: k8s.helm.v3.Release;
    readonly management?: k8s.helm.v3.Release;
    readonly controller: k8s.helm.v3.Release;
    readonly license?: k8s.apiextensions.CustomResource;
    readonly networkPolicy: k8s.networking.v1.NetworkPolicy;

    constructor(name: string, args: KagentArgs, opts: pulumi.ComponentResourceOptions) {
        super("agent-estate:kagent:Kagent", name, {}, opts);
        const labels = args.labels ?? {};
        const after = args.dependsOn ?? [];
        const lic = args.license;

        this.license =
            lic &&
            vaultExternalSecret(
                childName(name, "license"),
                {
                    name: KAGENT_LICENSE_SECRET,
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
        const licensed = (values: Record<string, unknown> | undefined) => (lic ? withValueAt(values ?? {}, lic.valuesKey, KAGENT_LICENSE_SECRET) : (values ?? {}));
        const ready = [...after, ...(this.license ? [this.license] : [])];

        this.crds = pinnedRelease(childName(name, "crds"), { releaseName: "kagent-crds", chart: args.crds.chart, namespace: args.namespace, values: args.crds.values }, { parent: this, dependsOn: after });
        this.management =
            args.management &&
            pinnedRelease(
                childName(name, "mgmt"),
                { releaseName: "kagent-mgmt", chart: args.management.chart, namespace: args.namespace, values: licensed(args.management.values) },
                { parent: this, dependsOn: [this.crds, ...ready] },
            );
        this.controller = pinnedRelease(
            name,
            { releaseName: "kagent", chart: args.controller.chart, namespace: args.namespace, values: licensed(args.controller.values) },
            { parent: this, dependsOn: [this.crds, ...ready, ...(this.management ? [this.management] : [])] },
        );

        const t = args.telemetryIngress;
        this.networkPolicy = operatorPodsPolicy(
            childName(name, "policy"),
            {
                name: "allow-kagent",
                namespace: args.namespace,
                labels,
                ingressFrom: t && [
                    {
                        from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": t.fromNamespace } } }],
                        ports: [{ port: t.port, protocol: "TCP" }],
                    },
                ],
            },
            { parent: this },
        );

        this.registerOutputs({ controller: this.controller.name });
    }
}
