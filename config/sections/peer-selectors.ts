import { z } from "zod";
import { podLabels } from "../../components/naming";
import type { DataServiceSpec } from "./data-services";
import type { PeerSpec, WorkloadSpec } from "./workloads";

/** The label on a Gateway's proxy pods (Gateway API's own). */
const GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";

/** The parts of the cell's settings the selector check reads. */
interface PeerSelectorsInput {
    cell: { name: string };
    namespaces: Array<{ name: string; sharedWith?: string }>;
    workloads: Record<string, WorkloadSpec>;
    dataServices: Record<string, DataServiceSpec>;
    gateways: Record<string, { namespace: string }>;
    jobTemplates: Record<string, { namespace: string; podSelector: Record<string, string> }>;
    kagent?: { namespace: string };
    agentgateway?: { namespace: string };
    addons: { otelCollector?: { namespace: string } };
    postgres?: { namespace: string };
}

/**
 * A `{ namespace, podSelector }` peer in one of the cell's own namespaces must select a pod the cell
 * declares there (a workload, a CronJob, a data service, a job template's Jobs, a Gateway's proxies): a NetworkPolicy rule
 * that selects nothing is a silent no-op that blocks the flow it was written for. Namespaces where a
 * chart or an operator runs pods whose labels the program does not write (kagent, AgentGateway's
 * control plane, the collector, the CloudNativePG cluster), and those `sharedWith` software the program
 * does not manage, are not checked.
 */
export function checkPeerSelectors(cfg: PeerSelectorsInput, ctx: z.RefinementCtx): void {
    const own = new Set(cfg.namespaces.map((n) => n.name));
    const opaque = new Set([...cfg.namespaces.filter((n) => n.sharedWith !== undefined).map((n) => n.name), cfg.kagent?.namespace, cfg.agentgateway?.namespace, cfg.addons.otelCollector?.namespace, cfg.postgres?.namespace].filter((n): n is string => n !== undefined));
    const pods: Array<{ name: string; namespace: string; labels: Record<string, string>; form: string }> = [];
    for (const [w, spec] of Object.entries(cfg.workloads)) {
        pods.push({ name: w, namespace: spec.namespace, labels: podLabels(cfg.cell.name, w, "workload"), form: `{ workload: ${w} }` });
        for (const job of Object.keys(spec.cronJobs)) pods.push({ name: `${w}-${job}`, namespace: spec.namespace, labels: podLabels(cfg.cell.name, `${w}-${job}`, "cronJob"), form: `{ namespace: ${spec.namespace}, podSelector: { app.kubernetes.io/name: ${w}-${job} } }` });
    }
    for (const [d, spec] of Object.entries(cfg.dataServices)) pods.push({ name: d, namespace: spec.namespace, labels: podLabels(cfg.cell.name, d, "dataService"), form: `{ dataService: ${d} }` });
    // Jobs an operator creates carry at least the labels their template selects them by.
    for (const [t, spec] of Object.entries(cfg.jobTemplates)) pods.push({ name: `job template ${t}`, namespace: spec.namespace, labels: spec.podSelector, form: `{ namespace: ${spec.namespace}, podSelector: ${JSON.stringify(spec.podSelector)} }` });
    for (const [g, spec] of Object.entries(cfg.gateways)) pods.push({ name: `Gateway ${g}`, namespace: spec.namespace, labels: { [GATEWAY_NAME_LABEL]: g }, form: `{ namespace: ${spec.namespace}, podSelector: { ${GATEWAY_NAME_LABEL}: ${g} } }` });

    const check = (list: PeerSpec[], path: PropertyKey[]) =>
        list.forEach((p, i) => {
            if (!("podSelector" in p) || !own.has(p.namespace) || opaque.has(p.namespace)) return;
            const there = pods.filter((pod) => pod.namespace === p.namespace);
            if (there.some((pod) => Object.entries(p.podSelector).every(([k, v]) => pod.labels[k] === v))) return;
            const text = Object.entries(p.podSelector).map(([k, v]) => `${k}: ${v}`).join(", ");
            // The likeliest intent: a pod whose name one of the selector's values spells.
            const meant = there.find((pod) => Object.values(p.podSelector).includes(pod.name.replace(/^Gateway /, "")));
            ctx.addIssue({
                code: "custom",
                path: [...path, i, "podSelector"],
                message: `{ ${text} } selects no pod the cell declares in namespace ${p.namespace} (${there.map((pod) => pod.name).join(", ") || "none there"}), so the rule would allow nothing; ${meant ? `did you mean ${meant.form}?` : `name the peer, e.g. ${there[0]?.form ?? "{ workload: <name> }"}, or use labels its pods carry (app.kubernetes.io/name: <name>)`}`,
            });
        });
    for (const [w, spec] of Object.entries(cfg.workloads)) {
        check(spec.network.ingressFrom, ["workloads", w, "network", "ingressFrom"]);
        check(spec.network.egressTo, ["workloads", w, "network", "egressTo"]);
        for (const [job, c] of Object.entries(spec.cronJobs)) check(c.egressTo, ["workloads", w, "cronJobs", job, "egressTo"]);
    }
    for (const [d, spec] of Object.entries(cfg.dataServices)) {
        check(spec.network.ingressFrom, ["dataServices", d, "network", "ingressFrom"]);
        check(spec.network.egressTo, ["dataServices", d, "network", "egressTo"]);
    }
}
