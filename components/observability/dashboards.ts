import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { GRAFANA_DASHBOARD_LABEL } from "../addons/monitoring";
import { childName } from "../naming";

/** A workload whose metrics a dashboard shows. */
export interface DashboardWorkload {
    name: string;
    namespace: string;
    /** Prometheus scrapes its metrics (a ServiceMonitor): the dashboard shows whether each target is up. @default false */
    scraped?: boolean;
}

export interface DashboardsArgs {
    /** The namespace of the ConfigMaps (Grafana's sidecar searches every namespace). */
    namespace: string;
    /** The cell's name, in each dashboard's title and uid. */
    cell: string;
    /** The workloads of the cell. */
    workloads: DashboardWorkload[];
    /** The Postgres cluster, for the database dashboard. @default - no database dashboard */
    postgres?: { namespace: string; clusterName: string; poolerName: string };
    /** Labels of every object (the cell's). @default {} */
    labels?: Record<string, string>;
    /** Dashboards the cell ships as they are (Grafana JSON models from the repository), by name. @default {} */
    files?: Record<string, Record<string, unknown>>;
}

/**
 * Grafana dashboards as ConfigMaps labelled `grafana_dashboard: "1"` (seed 003), which the
 * kube-prometheus-stack's Grafana loads: one for the cell's workloads, one for its database, and
 * each JSON file the cell ships from the repository.
 */
export class Dashboards extends pulumi.ComponentResource {
    readonly configMaps: Readonly<Record<string, k8s.core.v1.ConfigMap>>;

    constructor(name: string, args: DashboardsArgs, opts: pulumi.ComponentResourceOptions) {
        super("agent-estate:observability:Dashboards", name, {}, opts);
        const dashboards: Record<string, object> = { workloads: workloadsDashboard(args.cell, args.workloads) };
        if (args.postgres !== undefined) dashboards.postgres = postgresDashboard(args.cell, args.postgres);
        for (const [key, model] of Object.entries(args.files ?? {})) {
            if (key in dashboards) throw new Error(`dashboard "${key}" is also the name of a generated dashboard; the config schema should have refused it`);
            dashboards[key] = model;
        }

        this.configMaps = Object.fromEntries(
            Object.entries(dashboards).map(([key, dashboard]) => [
                key,
                new k8s.core.v1.ConfigMap(
                    childName(name, key),
                    {
                        metadata: { name: `${args.cell}-${key}-dashboard`, namespace: args.namespace, labels: { ...args.labels, ...GRAFANA_DASHBOARD_LABEL } },
                        data: { [`${args.cell}-${key}.json`]: JSON.stringify(dashboard, null, 2) },
                    },
                    { parent: this },
                ),
            ]),
        );
        this.registerOutputs({ dashboards: Object.keys(this.configMaps) });
    }
}

type Panel = { title: string; expr: string; unit: string };

/** A Grafana dashboard (schema 39) of time-series panels, two a row. */
export function dashboard(uid: string, title: string, panels: Panel[]): object {
    return {
        uid,
        title,
        schemaVersion: 39,
        editable: false,
        time: { from: "now-6h", to: "now" },
        tags: ["agent-estate"],
        panels: panels.map((p, i) => ({
            id: i + 1,
            type: "timeseries",
            title: p.title,
            gridPos: { x: (i % 2) * 12, y: Math.floor(i / 2) * 8, w: 12, h: 8 },
            datasource: { type: "prometheus", uid: "prometheus" },
            fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
            targets: [{ refId: "A", expr: p.expr, legendFormat: "{{pod}}" }],
        })),
    };
}

function workloadsDashboard(cell: string, workloads: DashboardWorkload[]): object {
    const panels = workloads.flatMap((w): Panel[] => {
        const sel = `namespace="${w.namespace}", pod=~"${w.name}-.*"`;
        return [
            { title: `${w.name}: CPU`, expr: `sum by (pod) (rate(container_cpu_usage_seconds_total{${sel}, container!=""}[5m]))`, unit: "cores" },
            { title: `${w.name}: memory`, expr: `sum by (pod) (container_memory_working_set_bytes{${sel}, container!=""})`, unit: "bytes" },
            ...(w.scraped ? [{ title: `${w.name}: metrics targets up`, expr: `sum by (pod) (up{namespace="${w.namespace}", service="${w.name}"})`, unit: "short" }] : []),
        ];
    });
    return dashboard(`${cell}-workloads`.slice(0, 40), `${cell}: workloads`, panels);
}

function postgresDashboard(cell: string, pg: { namespace: string; clusterName: string; poolerName: string }): object {
    const ns = `namespace="${pg.namespace}"`;
    return dashboard(`${cell}-postgres`.slice(0, 40), `${cell}: postgres`, [
        { title: "Backends", expr: `sum by (pod) (cnpg_backends_total{${ns}})`, unit: "short" },
        { title: "Database size", expr: `sum by (pod) (cnpg_pg_database_size_bytes{${ns}})`, unit: "bytes" },
        { title: "Replication lag", expr: `max by (pod) (cnpg_pg_replication_lag{${ns}})`, unit: "s" },
        { title: "Pooler: waiting clients", expr: `sum by (pod) (cnpg_pgbouncer_pools_cl_waiting{${ns}, pod=~"${pg.poolerName}-.*"})`, unit: "short" },
    ]);
}
