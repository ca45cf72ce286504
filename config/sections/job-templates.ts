import { z } from "zod";
import { declaredClaims, notDeclared } from "../references";
import { dnsLabel, quantity } from "./primitives";
import { apiRuleSpec, labelMap, networkSpec, WorkloadSpec } from "./workloads";

/** A PersistentVolumeClaim the job template owns (a models cache): the cell declares it, the operator mounts it. */
export const jobClaimSpec = z.strictObject({
    size: quantity.describe('Size of the volume, a Kubernetes quantity such as "50Gi".'),
    accessMode: z
        .enum(["ReadWriteOnce", "ReadWriteMany", "ReadOnlyMany", "ReadWriteOncePod"])
        .default("ReadWriteOnce")
        .describe('Access mode; ReadWriteMany when Jobs on several nodes share it. Default: "ReadWriteOnce".'),
    storageClassName: z.string().min(1).optional().describe("StorageClass of the claim. Default: the cluster's default StorageClass."),
});

/** A PVC the operator mounts into the Jobs, and whether admission must hold it read-only. */
export const jobVolumeSpec = z.strictObject({
    claimName: dnsLabel.describe("A PVC the stack declares: a Deployment workload's workspace (`<workload>-workspace`) or one of this template's `claims`."),
    readOnly: z
        .boolean()
        .default(true)
        .describe("Admission refuses a pod of the Jobs that mounts the claim writable (a ValidatingAdmissionPolicy on the pods the `podSelector` selects). Default: true."),
});

/** The kinds an operator makes pods through, by the `<apiGroup>/<resource>` its Role must create. */
export const LAUNCHED_KINDS = {
    Job: "batch/jobs",
    CronJob: "batch/cronjobs",
    Deployment: "apps/deployments",
    StatefulSet: "apps/statefulsets",
    DaemonSet: "apps/daemonsets",
    ReplicaSet: "apps/replicasets",
    Pod: "/pods",
} as const;
type LaunchedKind = keyof typeof LAUNCHED_KINDS;
const POD_CREATORS = new Set<string>(Object.values(LAUNCHED_KINDS));

/**
 * What a cell declares for the pods an operator workload creates at run time (executor Jobs, or the
 * Deployments it reconciles per custom resource): their identity, their NetworkPolicy, the claims they
 * mount. The operator writes the pod specs; the cell owns everything those pods run as and may reach,
 * so nothing the operator creates runs with more.
 */
export const jobTemplateSpec = z.strictObject({
    namespace: dnsLabel.describe("Namespace the operator creates the Jobs in, one of `agent-estate:namespaces`."),
    kind: z
        .enum(Object.keys(LAUNCHED_KINDS) as [LaunchedKind, ...LaunchedKind[]])
        .default("Job")
        .describe('What the operator creates to run the pods (Job, Deployment, ...); its launchers must be allowed to create it. Default: "Job".'),
    launchedBy: z
        .array(dnsLabel)
        .min(1, { error: "must name the workload(s) that create the Jobs, e.g. [ai-agents-api]" })
        .describe("The workloads (operators) that create these Jobs; each needs an `apiAccess` rule with `create` on what makes the pods (`batch/jobs`, `apps/deployments`, ...)."),
    podSelector: labelMap
        .refine((m) => Object.keys(m).length > 0, { error: "must name at least one label the operator puts on the Jobs' pods; an empty selector would select every pod of the namespace" })
        .describe("The labels the operator puts on the pods of the Jobs it creates (e.g. `app.kubernetes.io/component: executor`); the NetworkPolicy and the admission policy select them."),
    apiAccess: z
        .array(apiRuleSpec)
        .default([])
        .describe("Rules the Jobs need on the Kubernetes API (credential write-back), on their own ServiceAccount named after the template; any rule opens the API server for egress. Default: [] - no API access."),
    network: networkSpec
        .default({ ingressFrom: [], egressTo: [], externalHttps: false })
        .describe("Who may reach the Jobs' pods (default: nobody) and whom they may reach besides DNS, e.g. `externalHttps: true` for an AI provider and GitHub."),
    claims: z
        .record(dnsLabel, jobClaimSpec.describe("A PVC the template owns, named by its key."))
        .default({})
        .describe("PVCs the cell declares for the Jobs, by claim name (a models cache the executors share); protected in prod. Default: {}."),
    volumes: z.array(jobVolumeSpec).default([]).describe("PVCs the operator mounts into the Jobs; read-only unless said otherwise, held so by admission. Default: []."),
    pinServiceAccount: z
        .boolean()
        .default(true)
        .describe(
            "Admission refuses a pod of the selector that runs as another ServiceAccount than the template's, so the label that opens the NetworkPolicy cannot come with the operator's own rights; the operator learns the name from an env value `{ valueFrom: { serviceAccount } }`. Set false only for an operator that chooses the ServiceAccount itself. Default: true.",
        ),
});
export type JobTemplateSpec = z.infer<typeof jobTemplateSpec>;

/** `agent-estate:jobTemplates`: template name (its ServiceAccount's name too) → spec. */
export const jobTemplatesSection = z.record(dnsLabel, jobTemplateSpec.describe("The identity and reach of the Jobs an operator workload creates, keyed by a name (a DNS label)."));


type Ctx = z.RefinementCtx;
interface JobTemplatesInput {
    namespaces: ReadonlyArray<{ name: string }>;
    workloads: Readonly<Record<string, WorkloadSpec>>;
    jobTemplates: Readonly<Record<string, JobTemplateSpec>>;
    kubernetes: { apiServerEgress?: unknown[] };
}

/** Every template's namespace, launchers and volumes exist; its names clash with nothing; its API calls can leave the namespace. */
export function checkJobTemplates(cfg: JobTemplatesInput, ctx: Ctx): void {
    // A workload that may create pods launches them: their identity and reach must be declared, or they
    // run as the namespace's default ServiceAccount under its default deny (not even DNS).
    for (const [w, spec] of Object.entries(cfg.workloads)) {
        const covered = new Set<string>(Object.values(cfg.jobTemplates).flatMap((t) => (t.namespace === spec.namespace && t.launchedBy.includes(w) ? [LAUNCHED_KINDS[t.kind]] : [])));
        spec.apiAccess.forEach((r, i) => {
            const uncovered = createsOf({ apiAccess: [r] }).filter((c) => !covered.has(c));
            if (uncovered.length === 0) return;
            const kinds = uncovered.map((c) => (Object.keys(LAUNCHED_KINDS) as LaunchedKind[]).find((k) => LAUNCHED_KINDS[k] === c) as LaunchedKind);
            ctx.addIssue({
                code: "custom",
                path: ["workloads", w, "apiAccess", i],
                message: `lets the workload create ${kinds.join(", ")} objects, whose pods no agent-estate:jobTemplates entry covers: they would run as the namespace's default ServiceAccount, cut off by its default deny; declare them, e.g. jobTemplates.${w}-pods: { kind: ${kinds[0]}, namespace: ${spec.namespace}, launchedBy: [${w}], podSelector: {<the labels it puts on them>} }`,
            });
        });
    }

    const namespaces = cfg.namespaces.map((n) => n.name);
    const claims = declaredClaims(cfg.workloads, cfg.jobTemplates);
    const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: "custom", path: ["jobTemplates", ...path], message });
    const workspaces = declaredClaims(cfg.workloads, {});
    const owners = new Map<string, string>();
    for (const [t, spec] of Object.entries(cfg.jobTemplates)) {
        if (!namespaces.includes(spec.namespace)) issue([t, "namespace"], notDeclared("namespace", spec.namespace, namespaces, "add it to agent-estate:namespaces"));
        const w = cfg.workloads[t];
        if (w && w.namespace === spec.namespace) issue([t], `names the ServiceAccount "${t}", which workload "${t}" already has in namespace ${spec.namespace}; name the template after what the Jobs do, e.g. "${t}-executor"`);
        spec.launchedBy.forEach((l, i) => {
            const launcher = cfg.workloads[l];
            if (!launcher) return issue([t, "launchedBy", i], notDeclared("workload", l, Object.keys(cfg.workloads), "name the workload that creates the Jobs"));
            if (launcher.namespace !== spec.namespace) return issue([t, "launchedBy", i], `workload "${l}" runs in namespace ${launcher.namespace}, the Jobs in ${spec.namespace}; its namespaced Role cannot create them there`);
            const [group, resource] = LAUNCHED_KINDS[spec.kind].split("/");
            if (!createsOf(launcher).includes(LAUNCHED_KINDS[spec.kind])) {
                issue([t, "launchedBy", i], `workload "${l}" cannot create ${spec.kind}s; add to agent-estate:workloads.${l}.apiAccess a rule { apiGroups: ["${group}"], resources: [${resource}], verbs: [create, ...] }`);
            }
        });
        for (const side of ["ingressFrom", "egressTo"] as const) {
            spec.network[side].forEach((p, i) => {
                if (!("workload" in p)) return;
                if (!(p.workload in cfg.workloads)) issue([t, "network", side, i, "workload"], notDeclared("workload", p.workload, Object.keys(cfg.workloads), "name one, or use { namespace, podSelector, ports } for pods outside the cell"));
                else if (side === "ingressFrom" && p.ports === undefined) issue([t, "network", side, i, "ports"], "is required: the Jobs have no Service port to default to; list the ports the Jobs listen on, e.g. [8080]");
            });
        }
        spec.volumes.forEach((v, i) => {
            if (!claims.includes(v.claimName)) issue([t, "volumes", i, "claimName"], notDeclared("PersistentVolumeClaim", v.claimName, claims, "name a Deployment's workspace (<workload>-workspace) or add the claim to this template's claims"));
        });
        for (const c of Object.keys(spec.claims)) {
            const other = owners.get(c) ?? (workspaces.includes(c) ? "a workload's workspace" : undefined);
            if (other !== undefined) issue([t, "claims", c], `is already the name of ${other}; each PVC of the stack needs its own name`);
            owners.set(c, `a claim of job template "${t}"`);
        }
        if (spec.apiAccess.length > 0 && cfg.kubernetes.apiServerEgress === undefined) {
            issue([t, "apiAccess"], 'lets the Jobs call the Kubernetes API, which their namespace\'s default-deny policy blocks; set agent-estate:kubernetes.apiServerEgress to the API server\'s endpoints, e.g. [{cidr: "10.40.1.5/32", ports: [6443]}]');
        }
    }
}

/** The `<apiGroup>/<resource>` pod makers a workload may create in its namespace. */
function createsOf(w: { apiAccess: ReadonlyArray<{ apiGroups: string[]; resources: string[]; verbs: string[]; clusterScope?: string }> }): string[] {
    return w.apiAccess.flatMap((r) => (r.clusterScope === undefined && r.verbs.includes("create") ? r.apiGroups.flatMap((g) => r.resources.map((res) => `${g}/${res}`).filter((x) => POD_CREATORS.has(x))) : []));
}
