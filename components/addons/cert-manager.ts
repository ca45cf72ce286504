import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childName } from "../naming";
import { HelmAddon, HelmChartRef } from "./helm-addon";
import { ADDON_NAMESPACES } from "../../config/sections/addons";

export interface CertManagerArgs {
    cell: string;
    chart: HelmChartRef;
    /** The ACME ClusterIssuer. */
    issuer: { name: string; email: string; server: string };
    /** IngressClass of the HTTP-01 solver. @default - the cluster's default IngressClass */
    solverIngressClass?: string;
    /** Labels of every object (the cell's). @default {} */
    labels?: Record<string, string>;
}

/** cert-manager with its CRDs, and the ACME ClusterIssuer that Ingresses name in `cert-manager.io/cluster-issuer` (seed 003). */
export class CertManager extends pulumi.ComponentResource {
    readonly addon: HelmAddon;
    readonly clusterIssuer: k8s.apiextensions.CustomResource;
    /** The ClusterIssuer's name, for the `cert-manager.io/cluster-issuer` annotation. */
    readonly clusterIssuerName: string;

    constructor(name: string, args: CertManagerArgs, opts: pulumi.ComponentResourceOptions) {
        super("agent-estate:addons:CertManager", name, {}, opts);
        const labels = args.labels ?? {};
        this.clusterIssuerName = args.issuer.name;

        this.addon = new HelmAddon(
            childName(name, "release"),
            {
                cell: args.cell,
                namespace: ADDON_NAMESPACES.certManager,
                releaseName: "cert-manager",
                chart: args.chart,
                // keep: uninstalling the chart must not delete every Certificate of the cluster with the CRDs.
                values: { crds: { enabled: true, keep: true }, prometheus: { enabled: true } },
                labels,
                // The webhook, which the API server calls.
                openPorts: [10250],
            },
            { parent: this },
        );

        const http01 = args.solverIngressClass === undefined ? { ingress: {} } : { ingress: { ingressClassName: args.solverIngressClass } };
        this.clusterIssuer = new k8s.apiextensions.CustomResource(
            childName(name, "issuer"),
            {
                apiVersion: "cert-manager.io/v1",
                kind: "ClusterIssuer",
                metadata: { name: args.issuer.name, labels },
                spec: {
                    acme: {
                        email: args.issuer.email,
                        server: args.issuer.server,
                        privateKeySecretRef: { name: `${args.issuer.name}-account-key` },
                        solvers: [{ http01 }],
                    },
                },
            },
            { parent: this, dependsOn: [this.addon.release] },
        );

        this.registerOutputs({ clusterIssuerName: this.clusterIssuerName });
    }
}
