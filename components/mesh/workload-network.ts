import { MESH_PORTS, type MeshConfig } from "../../config/sections/mesh";
import type { DeclaredFlow, ServiceEndpoint } from "../flows/cell-flows";
import type { AgentWorkloadArgs } from "../workloads/agent-workload";
import type { NetworkPeer } from "../workloads/network-policy";

/** What a meshed workload's NetworkPolicy needs besides its own peers. */
export interface MeshWorkload {
    /** The workload's VirtualService binds a Gateway (not only `mesh`): the ingress gateway's pods come in on the service port. */
    gatewayBound: boolean;
}

/** Whether a VirtualService spec binds a Gateway besides the sidecars (`mesh`). */
export function bindsGateway(gateways: unknown): boolean {
    return Array.isArray(gateways) && gateways.some((g) => g !== "mesh");
}

/**
 * A meshed workload's args with the mesh's traffic opened: the ingress gateway on the service port when
 * a VirtualService binds a Gateway; with sidecars, Prometheus on the merged metrics port when the pods
 * ask to be scraped (istiod is opened for every pod of the namespace by its MeshNamespace); with
 * ambient, HBONE from and to every pod peer.
 */
export function meshWorkloadArgs(args: AgentWorkloadArgs, mesh: MeshConfig, w: MeshWorkload): AgentWorkloadArgs {
    if (!mesh.namespaces.includes(args.namespace)) return args;
    const ingressFrom: NetworkPeer[] = [...(args.ingressFrom ?? [])];
    const egressTo: NetworkPeer[] = [...(args.egressTo ?? [])];
    if (w.gatewayBound) ingressFrom.push({ namespace: mesh.ingressGateway.namespace, podSelector: mesh.ingressGateway.podSelector, ports: [{ port: args.port }] });
    if (mesh.dataPlane === "sidecar") {
        if (mesh.prometheus && args.podAnnotations?.["prometheus.io/scrape"] === "true") {
            ingressFrom.push({ ...mesh.prometheus, ports: [{ port: MESH_PORTS.mergedMetrics }] });
        }
        return { ...args, ingressFrom, egressTo };
    }
    // Ambient: ztunnel carries traffic between meshed pods over HBONE, to the destination pod's 15008.
    const hbone = (peers: NetworkPeer[]) => peers.map((p) => ("podSelector" in p ? { ...p, ports: [...p.ports, { port: MESH_PORTS.hbone }] } : p));
    return { ...args, ingressFrom: hbone(ingressFrom), egressTo: hbone(egressTo) };
}

/** istiod's Service, for the flows check: the chart's, not this program's. */
export function istiodEndpoint(mesh: MeshConfig): ServiceEndpoint {
    return { service: mesh.istiod.service, namespace: mesh.istiod.namespace, podSelector: { ...mesh.istiod.podSelector }, ports: [{ port: MESH_PORTS.istiodXds }], owner: "Istio (agent-estate:mesh.istiod)" };
}

/**
 * The flows the mesh adds, which no URL in a pod shows: each sidecar to istiod, and the ingress
 * gateway to each workload whose VirtualService binds a Gateway.
 */
export function meshFlows(mesh: MeshConfig, workloads: ReadonlyArray<{ name: string; namespace: string; podSelector: Record<string, string>; port: number; gatewayBound: boolean }>): DeclaredFlow[] {
    const flows: DeclaredFlow[] = [];
    for (const w of workloads) {
        if (!mesh.namespaces.includes(w.namespace)) continue;
        if (mesh.dataPlane === "sidecar") {
            flows.push({ from: { name: w.name, namespace: w.namespace, podSelector: w.podSelector }, to: `${mesh.istiod.service}.${mesh.istiod.namespace}.svc:${MESH_PORTS.istiodXds}`, why: "mesh sidecar: xDS and certificates from istiod" });
        }
        if (w.gatewayBound) {
            flows.push({ from: { name: "istio ingress gateway", namespace: mesh.ingressGateway.namespace, podSelector: { ...mesh.ingressGateway.podSelector } }, to: `${w.name}.${w.namespace}.svc:${w.port}`, why: "VirtualService bound to a Gateway" });
        }
    }
    return flows;
}
