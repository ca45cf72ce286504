// Availability: replicated workloads survive a node drain, and HPAs own their replica counts.
import { PolicyResource } from "@pulumi/policy";
import { eachDecision, isK8s, Obj, selectorMatches } from "../common";
import { stackPolicy } from "../define";

const isHpa = (r: PolicyResource) => isK8s(r.type, "autoscaling", "HorizontalPodAutoscaler");
const isPdb = (r: PolicyResource) => isK8s(r.type, "policy", "PodDisruptionBudget");
/** Kinds whose replica count a PDB protects and an HPA may own. */
const isReplicated = (r: PolicyResource) => isK8s(r.type, "apps", "Deployment", "StatefulSet", "ReplicaSet");

const ns = (props: Obj) => props.metadata?.namespace ?? "default";
const kindOf = (r: PolicyResource) => r.type.split(":")[2];

/** The stack's HPAs, PDBs and replicated workloads, found once per stack rather than once per workload or PDB. */
const hpasOf = oncePerStack(resources => resources.filter(isHpa));
const pdbsOf = oncePerStack(resources => resources.filter(isPdb));
const replicatedOf = oncePerStack(resources => resources.filter(isReplicated));

function oncePerStack<T>(f: (resources: PolicyResource[]) => T): (resources: PolicyResource[]) => T {
    const cache = new WeakMap<PolicyResource[], T>();
    return resources => {
        if (!cache.has(resources)) cache.set(resources, f(resources));
        return cache.get(resources)!;
    };
}

/** The HPA scaling this workload, matched by namespace, kind and name. */
function hpaFor(workload: PolicyResource, resources: PolicyResource[]): PolicyResource | undefined {
    return hpasOf(resources).find(h => {
        const ref = h.props.spec?.scaleTargetRef ?? {};
        return ns(h.props) === ns(workload.props) && ref.kind === kindOf(workload) && ref.name === workload.props.metadata?.name;
    });
}

/** Lowest and highest replica counts: the HPA's range if one scales it, else spec.replicas (default 1). */
function replicaRange(workload: PolicyResource, resources: PolicyResource[]): { min: number; max: number } {
    const hpa = hpaFor(workload, resources);
    if (hpa) return { min: hpa.props.spec?.minReplicas ?? 1, max: hpa.props.spec?.maxReplicas ?? 1 };
    const replicas = workload.props.spec?.replicas ?? 1;
    return { min: replicas, max: replicas };
}

const podLabels = (w: PolicyResource): Obj => w.props.spec?.template?.metadata?.labels ?? {};
const pdbsFor = (w: PolicyResource, resources: PolicyResource[]) =>
    pdbsOf(resources).filter(p => ns(p.props) === ns(w.props) && selectorMatches(p.props.spec?.selector, podLabels(w)));

export const hpaReplicas = stackPolicy({
    name: "hpa-managed-replicas",
    description: "A workload scaled by a HorizontalPodAutoscaler does not set spec.replicas (each apply would fight the HPA).",
    remediationSteps: "Remove spec.replicas from the workload; set the floor with the HPA's minReplicas.",
    check: (resources, report) => eachDecision(replicatedOf(resources), w => {
        if (w.props.spec?.replicas !== undefined && hpaFor(w, resources)) report(`${w.name} sets spec.replicas but is scaled by an HPA`, w.urn);
    }),
});

export const workloadPdb = stackPolicy({
    name: "workload-pdb",
    description: "Every workload that can run more than one replica has a PodDisruptionBudget selecting its pods.",
    remediationSteps: "Declare a PodDisruptionBudget in the workload's namespace whose selector matches the pod template labels.",
    check: (resources, report) => eachDecision(replicatedOf(resources), w => {
        // A workload in `default` is workload-namespace's finding; its PDB comes with its real namespace.
        if (ns(w.props) === "default") return;
        if (replicaRange(w, resources).max > 1 && pdbsFor(w, resources).length === 0) report(`${w.name} can run more than one replica but no PodDisruptionBudget selects its pods`, w.urn);
    }),
});

/** True for 0, "0" and "0%". */
const isZero = (v: unknown) => v === 0 || v === "0" || v === "0%";

export const pdbAllowsDrain = stackPolicy({
    name: "pdb-allows-drain",
    description: "A PodDisruptionBudget still lets a node drain: it allows at least one disruption at the workload's lowest replica count.",
    remediationSteps: "Use maxUnavailable: 1, or a minAvailable below the workload's (minimum) replica count.",
    check: (resources, report) => eachDecision(pdbsOf(resources), pdb => {
        const { minAvailable, maxUnavailable } = pdb.props.spec ?? {};
        if (isZero(maxUnavailable)) return report(`${pdb.name} sets maxUnavailable ${maxUnavailable}: no pod may ever be evicted`, pdb.urn);
        if (minAvailable === "100%") return report(`${pdb.name} sets minAvailable 100%: no pod may ever be evicted`, pdb.urn);
        if (typeof minAvailable !== "number") return;
        eachDecision(replicatedOf(resources), w => {
            if (ns(w.props) !== ns(pdb.props) || !selectorMatches(pdb.props.spec?.selector, podLabels(w))) return;
            const { min } = replicaRange(w, resources);
            if (minAvailable >= min) report(`${pdb.name} requires ${minAvailable} available pods but ${w.name} may run only ${min}: a drain would block`, pdb.urn);
        });
    }),
});

export const availability = [hpaReplicas, workloadPdb, pdbAllowsDrain];
