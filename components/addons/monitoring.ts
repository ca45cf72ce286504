import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childName } from "../naming";
import { HelmAddon, HelmChartRef, VaultReaderArgs } from "./helm-addon";
import { ADDON_NAMESPACES } from "../../config/sections/addons";
import type { ServiceEndpoint } from "../flows/cell-flows";

/** The label Grafana's sidecar loads dashboards from, on ConfigMaps in any namespace. */
export const GRAFANA_DASHBOARD_LABEL = { grafana_dashboard: "1" } as const;

/** The labels of Prometheus' pods (the Prometheus operator's), and the port of its query API. */
export const PROMETHEUS_PODS = { "app.kubernetes.io/name": "prometheus" } as const;
const PROMETHEUS_PORT = 9090;

/** The Secret holding Grafana's admin login, copied from Vault. */
const GRAFANA_ADMIN_SECRET = "grafana-admin";

/**
 * The kube-prometheus-stack chart's values this program sets, its Grafana subchart's included (neither
 * ships a values schema): typed, so a misspelt key does not compile.
 */
export interface KubePrometheusStackValues {
    crds: { enabled: boolean };
    prometheus: {
        prometheusSpec: {
            retention: string;
            serviceMonitorSelectorNilUsesHelmValues: boolean;
            podMonitorSelectorNilUsesHelmValues: boolean;
            ruleSelectorNilUsesHelmValues: boolean;
            /** @default - an emptyDir */
            storageSpec?: { volumeClaimTemplate: { spec: k8s.types.input.core.v1.PersistentVolumeClaimSpec } };
        };
    };
    grafana: {
        admin: { existingSecret: string; userKey: string; passwordKey: string };
        sidecar: { dashboards: { enabled: boolean; label: string; labelValue: string; searchNamespace: string } };
    };
}

export interface MonitoringArgs extends VaultReaderArgs {
    cell: string;
    /** kube-prometheus-stack. */
    chart: HelmChartRef;
    /** Prometheus TSDB retention, e.g. "15d". */
    retention: string;
    /** Vault KV key of Grafana's admin login (`admin-user`, `admin-password`). */
    grafanaAdminVaultKey: string;
    /** StorageClass of Prometheus' volume. @default - an emptyDir (metrics lost on restart) */
    storageClassName?: string;
    /** What the volume needs first (the StorageClass). @default [] */
    storage?: pulumi.Resource[];
    /** Labels of every object (the cell's). @default {} */
    labels?: Record<string, string>;
    /** Namespaces whose pods query Prometheus' API (port 9090), e.g. a dashboard's backend. @default [] - nobody outside the add-on */
    queriedFrom?: string[];
}

/**
 * kube-prometheus-stack: the Prometheus operator (ServiceMonitor/PodMonitor CRDs), Prometheus, which
 * selects every ServiceMonitor and PodMonitor of the cluster, and Grafana, which loads every ConfigMap
 * labelled `grafana_dashboard: "1"`. Grafana's admin login comes from Vault.
 */
export class Monitoring extends pulumi.ComponentResource {
    readonly addon: HelmAddon;
    /** The release that brings the monitoring.coreos.com CRDs: ServiceMonitors depend on it. */
    readonly release: k8s.helm.v3.Release;
    readonly namespace: string = ADDON_NAMESPACES.monitoring;
    /** Prometheus' pods, for the NetworkPolicies of what it scrapes. */
    readonly prometheusPeer = { namespace: ADDON_NAMESPACES.monitoring, podSelector: { ...PROMETHEUS_PODS } };
    /** Prometheus' query API as the chart names its Service, for the flows check. */
    readonly endpoint: ServiceEndpoint = {
        service: "kube-prometheus-stack-prometheus",
        namespace: ADDON_NAMESPACES.monitoring,
        podSelector: { ...PROMETHEUS_PODS },
        ports: [{ port: PROMETHEUS_PORT }],
        owner: "addon monitoring",
    };

    /** Grafana's web Service as the chart names it (port 80 to the pods' 3000), for a tailnet proxy and the flows check. */
    readonly grafanaEndpoint: ServiceEndpoint = {
        service: "kube-prometheus-stack-grafana",
        namespace: ADDON_NAMESPACES.monitoring,
        podSelector: { "app.kubernetes.io/name": "grafana" },
        ports: [{ port: 80, targetPort: 3000 }],
        owner: "addon monitoring (Grafana)",
    };

    constructor(name: string, args: MonitoringArgs, opts: pulumi.ComponentResourceOptions) {
        super("agent-estate:addons:Monitoring", name, {}, opts);
        const labels = args.labels ?? {};

        this.addon = new HelmAddon(
            childName(name, "release"),
            {
                cell: args.cell,
                namespace: this.namespace,
                releaseName: "kube-prometheus-stack",
                chart: args.chart,
                values: {
                    crds: { enabled: true },
                    prometheus: {
                        prometheusSpec: {
                            retention: args.retention,
                            // Select every ServiceMonitor/PodMonitor/rule of the cluster, not only the chart's own.
                            serviceMonitorSelectorNilUsesHelmValues: false,
                            podMonitorSelectorNilUsesHelmValues: false,
                            ruleSelectorNilUsesHelmValues: false,
                            storageSpec:
                                args.storageClassName === undefined
                                    ? undefined
                                    : { volumeClaimTemplate: { spec: { storageClassName: args.storageClassName, accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "20Gi" } } } } },
                        },
                    },
                    grafana: {
                        admin: { existingSecret: GRAFANA_ADMIN_SECRET, userKey: "admin-user", passwordKey: "admin-password" },
                        sidecar: { dashboards: { enabled: true, label: "grafana_dashboard", labelValue: GRAFANA_DASHBOARD_LABEL.grafana_dashboard, searchNamespace: "ALL" } },
                    },
                } satisfies KubePrometheusStackValues,
                labels,
                // node-exporter reads the host (hostNetwork, hostPID, hostPath): only "privileged" admits it.
                podSecurity: "privileged",
                // The operator's admission webhook (PrometheusRule validation).
                openPorts: [10250],
                ...(args.queriedFrom?.length ? { cellPorts: [PROMETHEUS_PORT], cellPortsFrom: args.queriedFrom } : {}),
                vaultSecrets: [{ name: GRAFANA_ADMIN_SECRET, vaultKey: args.grafanaAdminVaultKey, properties: { "admin-user": "admin-user", "admin-password": "admin-password" } }],
                externalSecretsOperator: args.externalSecretsOperator,
                secretStore: args.secretStore,
                refreshInterval: args.refreshInterval,
                dependsOn: args.storage,
            },
            { parent: this },
        );
        this.release = this.addon.release;

        this.registerOutputs({ namespace: this.namespace });
    }
}
