import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CellConfig } from "../config/parse";
import { cellLabels } from "./naming";
import { CellNamespace } from "./network/namespace";

export interface CellArgs {
    /** The validated configuration of this cell. */
    config: CellConfig;
}

/**
 * One cell of the estate: everything a stack declares, built from its validated configuration.
 * Cells are identical in structure and differ only in configuration. The Cell creates the explicit
 * providers from that configuration and hands them to every component: nothing reaches a default
 * provider or the ambient kube context.
 */
export class Cell extends pulumi.ComponentResource {
    readonly kubernetes: k8s.Provider;
    readonly namespaces: Readonly<Record<string, CellNamespace>>;

    constructor(name: string, args: CellArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agent-estate:cell:Cell", name, {}, opts);
        const cfg = args.config;
        const labels = cellLabels(cfg.cell.name);

        this.kubernetes = new k8s.Provider(
            `${name}-kubernetes`,
            {
                context: cfg.kubernetes.context,
                kubeconfig: cfg.kubernetes.kubeconfigPath,
                enableServerSideApply: true,
            },
            { parent: this },
        );
        const k8sOpts = { parent: this, providers: { kubernetes: this.kubernetes } };

        this.namespaces = Object.fromEntries(
            cfg.namespaces.map((ns) => [
                ns.name,
                new CellNamespace(`ns-${ns.name}`, { name: ns.name, labels: { ...ns.labels, ...labels } }, k8sOpts),
            ]),
        );

        this.registerOutputs({ namespaces: Object.keys(this.namespaces) });
    }
}
