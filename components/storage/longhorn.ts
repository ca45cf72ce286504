import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HelmAddon, HelmChartRef, VaultReaderArgs } from "../addons/helm-addon";
import { ADDON_NAMESPACES } from "../../config/sections/addons";
import { childName } from "../naming";
import { stateOptions } from "../state";

/** The Secret Longhorn reads the backup target's credentials from. */
const BACKUP_SECRET = "longhorn-backup-target";

/** The longhorn chart's values this program sets (the chart ships no values schema): typed, so a misspelt key does not compile. */
export interface LonghornValues {
    persistence: { defaultClass: boolean };
    defaultSettings: {
        /** @default - no backup target */
        backupTarget?: string;
        /** @default - none */
        backupTargetCredentialSecret?: string;
        defaultReplicaCount: number;
        deletingConfirmationFlag: boolean;
    };
}

export interface LonghornArgs extends VaultReaderArgs {
    cell: string;
    chart: HelmChartRef;
    /** Replicas of every volume of the cell's StorageClass. */
    replicas: number;
    /** Reclaim policy of the cell's StorageClass: "Retain" in prod, so a deleted claim keeps its volume. */
    reclaimPolicy: "Retain" | "Delete";
    /** Local snapshots: cron and how many to keep. */
    snapshot: { cron: string; retain: number };
    /** Backups to the target: cron and how many to keep. @default - no backup job (needs backupTarget) */
    backup?: { cron: string; retain: number };
    /** Backup target (`s3://bucket@region/path`), optional S3-compatible endpoint, and the Vault key of its credentials. @default - none: snapshots stay on the cluster and nothing is read from Vault */
    backupTarget?: { url: string; endpoint?: string; vaultKey: string };
    /** Protect and retain the release, the StorageClass and the namespace (prod). @default false */
    protectState?: boolean;
    /** Labels of every object (the cell's). @default {} */
    labels?: Record<string, string>;
}

/**
 * Longhorn in `longhorn-system`, the cell's StorageClass (the cluster default), and recurring
 * snapshot and backup jobs for every volume of that class. The backup target's credentials come
 * from Vault through External Secrets.
 */
export class Longhorn extends pulumi.ComponentResource {
    readonly addon: HelmAddon;
    readonly release: k8s.helm.v3.Release;
    readonly storageClass: k8s.storage.v1.StorageClass;
    /** The StorageClass stateful components name (`<cell>-longhorn`). */
    readonly storageClassName: string;
    /** The recurring jobs: always a snapshot job, a backup job when a backup target is set. */
    readonly recurringJobs: Readonly<{ snapshot: k8s.apiextensions.CustomResource; backup?: k8s.apiextensions.CustomResource }>;

    constructor(name: string, args: LonghornArgs, opts: pulumi.ComponentResourceOptions) {
        super("agent-estate:storage:Longhorn", name, {}, opts);
        const labels = args.labels ?? {};
        const namespace = ADDON_NAMESPACES.longhorn;
        this.storageClassName = `${args.cell}-longhorn`;
        // Volumes of the class join this recurring-job group, so every one of them is snapshotted and backed up.
        const jobGroup = args.cell;

        const target = args.backupTarget;
        const credentials = { AWS_ACCESS_KEY_ID: "AWS_ACCESS_KEY_ID", AWS_SECRET_ACCESS_KEY: "AWS_SECRET_ACCESS_KEY" };
        this.addon = new HelmAddon(
            childName(name, "release"),
            {
                cell: args.cell,
                namespace,
                releaseName: "longhorn",
                chart: args.chart,
                values: {
                    // The cell's own class below is the default; the chart's would be a second one.
                    persistence: { defaultClass: false },
                    defaultSettings: {
                        backupTarget: target?.url,
                        backupTargetCredentialSecret: target === undefined ? undefined : BACKUP_SECRET,
                        defaultReplicaCount: args.replicas,
                        // Uninstalling Longhorn (and every volume with it) stays refused until confirmed by hand.
                        deletingConfirmationFlag: false,
                    },
                } satisfies LonghornValues,
                labels,
                // Longhorn's manager, engine and CSI plugin mount host paths and run privileged: only
                // "privileged" admits them. Nothing else runs in this namespace.
                podSecurity: "privileged",
                // The admission and conversion webhooks, which the API server calls; the CSI plugin on each node.
                openPorts: [9501, 9502, 9503],
                protectState: args.protectState,
                vaultSecrets:
                    target === undefined
                        ? []
                        : [
                              {
                                  name: BACKUP_SECRET,
                                  vaultKey: target.vaultKey,
                                  properties: credentials,
                                  ...(target.endpoint === undefined ? {} : { template: { AWS_ENDPOINTS: target.endpoint } }),
                              },
                          ],
                externalSecretsOperator: args.externalSecretsOperator,
                secretStore: args.secretStore,
                refreshInterval: args.refreshInterval,
            },
            { parent: this },
        );
        this.release = this.addon.release;

        this.storageClass = new k8s.storage.v1.StorageClass(
            childName(name, "class"),
            {
                metadata: { name: this.storageClassName, labels, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
                provisioner: "driver.longhorn.io",
                reclaimPolicy: args.reclaimPolicy,
                allowVolumeExpansion: true,
                volumeBindingMode: "Immediate",
                parameters: {
                    numberOfReplicas: String(args.replicas),
                    staleReplicaTimeout: "30",
                    fsType: "ext4",
                    dataLocality: "best-effort",
                    recurringJobSelector: JSON.stringify([{ name: jobGroup, isGroup: true }]),
                },
            },
            { parent: this, dependsOn: [this.release], ...stateOptions(args.protectState) },
        );

        const job = (task: "snapshot" | "backup", schedule: { cron: string; retain: number }) =>
            new k8s.apiextensions.CustomResource(
                childName(name, task),
                {
                    apiVersion: "longhorn.io/v1beta2",
                    kind: "RecurringJob",
                    metadata: { name: `${args.cell}-${task}`, namespace, labels },
                    spec: { name: `${args.cell}-${task}`, task, cron: schedule.cron, retain: schedule.retain, concurrency: 1, groups: [jobGroup], labels: {} },
                },
                { parent: this, dependsOn: [this.release] },
            );
        this.recurringJobs = {
            snapshot: job("snapshot", args.snapshot),
            ...(args.backup === undefined || target === undefined ? {} : { backup: job("backup", args.backup) }),
        };

        this.registerOutputs({ storageClassName: this.storageClassName });
    }
}
