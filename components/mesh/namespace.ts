import type { MeshConfig } from "../../config/sections/mesh";

/** The label that puts a namespace in the mesh: sidecar injection, or the ambient data plane. */
export function meshNamespaceLabels(mesh: Pick<MeshConfig, "dataPlane" | "namespaces"> | undefined, namespace: string): Record<string, string> {
    if (!mesh || !mesh.namespaces.includes(namespace)) return {};
    return mesh.dataPlane === "ambient" ? { "istio.io/dataplane-mode": "ambient" } : { "istio-injection": "enabled" };
}
