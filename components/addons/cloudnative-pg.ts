import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childName } from "../naming";
import { HelmAddon, HelmChartRef } from "./helm-addon";
import { ADDON_NAMESPACES } from "../../config/sections/addons";

/**
 * The cloudnative-pg chart's values this program sets. The chart's schema (vendored, checked by the
 * plan) leaves its objects open, so a misspelt key would pass it: typed here, it does not compile.
 */
export interface CloudNativePgValues {
    crds: { create: boolean };
    monitoring: { podMonitorEnabled: boolean };
}

export interface CloudNativePgArgs {
    cell: string;
    chart: HelmChartRef;
    /** Labels of every object (the cell's). @default {} */
    labels?: Record<string, string>;
    /**
     * Protect and retain the operator in prod: its CRDs own every Cluster, so uninstalling it
     * would delete the databases with them. @default false
     */
    protectState?: boolean;
}

/** The CloudNativePG operator and its CRDs; Postgres clusters depend on {@link release}. */
export class CloudNativePg extends pulumi.ComponentResource {
    readonly addon: HelmAddon;
    readonly release: k8s.helm.v3.Release;
    /** The operator's namespace: the database pods admit its status checks from there. */
    readonly namespace: string = ADDON_NAMESPACES.cloudnativePg;

    constructor(name: string, args: CloudNativePgArgs, opts: pulumi.ComponentResourceOptions) {
        super("agent-estate:addons:CloudNativePg", name, {}, opts);
        this.addon = new HelmAddon(
            childName(name, "release"),
            {
                cell: args.cell,
                namespace: this.namespace,
                releaseName: "cnpg",
                chart: args.chart,
                values: { crds: { create: true }, monitoring: { podMonitorEnabled: false } } satisfies CloudNativePgValues,
                labels: args.labels,
                // The mutating/validating webhook, which the API server calls.
                openPorts: [9443],
                protectState: args.protectState,
            },
            { parent: this },
        );
        this.release = this.addon.release;
        this.registerOutputs({ namespace: this.namespace });
    }
}
