// Image provenance: a reviewer must know exactly what runs, and from where.
import { podPolicy } from "../define";
import { eachContainer } from "../pod";

export interface ImageRef { registry: string; repository: string; tag?: string; digest?: string }

/** Parses an image reference the way the container runtime does (docker.io is implied). */
export function parseImage(ref: string): ImageRef {
    const [nameAndTag, digest] = ref.split("@", 2);
    const lastSlash = nameAndTag.lastIndexOf("/");
    const colon = nameAndTag.lastIndexOf(":");
    const tag = colon > lastSlash ? nameAndTag.slice(colon + 1) : undefined;
    const name = colon > lastSlash ? nameAndTag.slice(0, colon) : nameAndTag;
    const first = name.split("/")[0];
    const hasRegistry = name.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
    return {
        registry: hasRegistry ? first : "docker.io",
        repository: hasRegistry ? name.slice(first.length + 1) : name.includes("/") ? name : `library/${name}`,
        tag: tag || undefined,
        digest: digest || undefined,
    };
}

export const imageTag = podPolicy({
    name: "image-tag",
    description: "Every image names an explicit tag, and the tag is not `latest`.",
    remediationSteps: "Reference the image as registry/repository:<version>@sha256:<digest>.",
    check: (pod, report) => eachContainer(pod, c => {
        const { tag } = parseImage(String(c.spec.image ?? ""));
        if (tag === undefined) report(`${c.where} image ${c.spec.image} has no tag`);
        else if (tag === "latest") report(`${c.where} image ${c.spec.image} uses the latest tag`);
    }),
});

/** The label that names the cell an object belongs to (the program sets it on every object of a cell). */
const CELL_LABEL = "agent-estate/cell";

export const imageRegistry = podPolicy<{ allowedRegistries: string[]; cells: Record<string, string[]> }>({
    name: "image-registry-allowlist",
    description: "Every image comes from an allowed registry (or registry/path prefix); a cell may be allowed more, for its own objects only (by their agent-estate/cell label).",
    remediationSteps: "Mirror the image into an allowed registry, or add the registry to allowedRegistries in the pack config (or, for one cell's own build registry, to cells.<cell>).",
    configSchema: {
        properties: {
            allowedRegistries: {
                type: "array", items: { type: "string" },
                description: "Registry hosts or host/path prefixes, e.g. ghcr.io or ghcr.io/agent-estate. docker.io is the implied registry of short names.",
                default: ["ghcr.io", "registry.k8s.io", "quay.io", "docker.io"],
            },
            cells: {
                type: "object", additionalProperties: { type: "array", items: { type: "string" } }, default: {},
                description: "Registries (hosts or host/path prefixes) allowed besides allowedRegistries for one cell only, by the cell name in the objects' agent-estate/cell label, e.g. {\"nexus\": [\"localhost:5000/nexus-openclaw\"]}.",
            },
        },
    },
    check: (pod, report, { allowedRegistries, cells }) => {
        const cell = pod.metadata.labels?.[CELL_LABEL];
        const allowed = [...allowedRegistries, ...(typeof cell === "string" ? cells[cell] ?? [] : [])];
        eachContainer(pod, c => {
            const { registry, repository } = parseImage(String(c.spec.image ?? ""));
            const full = `${registry}/${repository}`;
            if (!allowed.some(a => full === a || full.startsWith(`${a.replace(/\/$/, "")}/`))) {
                report(`${c.where} image ${c.spec.image} comes from ${registry}, which is not in allowedRegistries${typeof cell === "string" ? ` nor cells.${cell}` : ""}`);
            }
        });
    },
});

export const imageDigest = podPolicy<{ requireDigest: boolean }>({
    name: "image-digest",
    description: "Where the config asks for it (requireDigest), every image is pinned by digest.",
    remediationSteps: "Append @sha256:<digest> to the image reference (keep the tag for humans).",
    configSchema: {
        properties: {
            requireDigest: { type: "boolean", description: "Require @sha256 digests on every image.", default: false },
        },
    },
    check: (pod, report, { requireDigest }) => {
        if (!requireDigest) return;
        eachContainer(pod, c => {
            if (!parseImage(String(c.spec.image ?? "")).digest) report(`${c.where} image ${c.spec.image} is not pinned by digest`);
        });
    },
});

export const images = [imageTag, imageRegistry, imageDigest];
