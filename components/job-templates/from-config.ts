import type { JobTemplateSpec } from "../../config/sections/job-templates";
import type { PeerSpec, WorkloadSpec } from "../../config/sections/workloads";
import { resolvePeer } from "../workloads/from-config";
import type { NetworkPeer } from "../workloads/network-policy";
import type { JobTemplateIdentityArgs } from "./job-template-identity";

/** What the Cell knows beyond the jobTemplates section. */
export interface JobTemplateContext {
    /** Labels every object carries. */
    labels: Record<string, string>;
    /** Protect and retain the claims (prod). */
    protectState: boolean;
    /** The API server's endpoints, for templates whose Jobs call the API. @default [] */
    apiServerEgress?: NetworkPeer[];
}

/**
 * Maps the jobTemplates section to the args of one {@link JobTemplateIdentity} each, and the ingress
 * each workload owes the Jobs that name it as an egress peer (a path is declared once, on the side
 * that opens the connection).
 */
export function jobTemplateArgsFromConfig(
    templates: Readonly<Record<string, JobTemplateSpec>>,
    workloads: Readonly<Record<string, WorkloadSpec>>,
    ctx: JobTemplateContext,
): { args: Record<string, JobTemplateIdentityArgs>; ingressToWorkloads: Record<string, NetworkPeer[]> } {
    const ingressToWorkloads: Record<string, NetworkPeer[]> = {};
    const args = Object.fromEntries(
        Object.entries(templates).map(([t, spec]) => {
            for (const p of spec.network.egressTo) {
                if (!("workload" in p)) continue;
                (ingressToWorkloads[p.workload] ??= []).push({ namespace: spec.namespace, podSelector: spec.podSelector, ports: resolvePeer(workloads, p).ports });
            }
            const resolve = (p: PeerSpec) => resolvePeer(workloads, p);
            const a: JobTemplateIdentityArgs = {
                name: t,
                namespace: spec.namespace,
                podSelector: spec.podSelector,
                labels: ctx.labels,
                rules: spec.apiAccess,
                ingressFrom: spec.network.ingressFrom.map(resolve),
                egressTo: spec.network.egressTo.map(resolve),
                externalHttps: spec.network.externalHttps,
                apiServerEgress: ctx.apiServerEgress,
                claims: spec.claims,
                readOnlyClaims: spec.volumes.filter((v) => v.readOnly).map((v) => v.claimName),
                pinServiceAccount: spec.pinServiceAccount,
                protectState: ctx.protectState,
            };
            return [t, a];
        }),
    );
    return { args, ingressToWorkloads };
}
