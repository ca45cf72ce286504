import { tagProblem } from "../../config/sections/primitives";

/** An image by repository and exactly one of a pinned tag or a digest. */
export interface ImageRef {
    /** Full repository without tag, e.g. `ghcr.io/speedrun-ventures/kaze-runtime`. */
    repository: string;
    /** A git SHA or semver, or a build id matching `buildTags`; never `latest`. */
    tag?: string;
    /** The cell's build-id pattern (`images.buildTags`). @default - only git SHAs and semvers pin */
    buildTags?: string;
    /** `sha256:<64 hex>`; with a tag, the reference is `repo:tag@digest` (the digest pins, the tag tells which release). */
    digest?: string;
}

/**
 * The reference a container runs: `<repository>:<tag>`, `<repository>@<digest>` or both, `<repository>:<tag>@<digest>`.
 * Throws on a floating or missing pin, so nothing reaches the cluster unpinned even if config was bypassed.
 */
export function imageReference(image: ImageRef): string {
    if (image.digest !== undefined && !/^sha256:[a-f0-9]{64}$/.test(image.digest)) throw new Error(`image ${image.repository}: digest "${image.digest}" is not sha256:<64 hex>`);
    if (image.tag !== undefined && tagProblem(image.tag, image.buildTags) !== undefined) throw new Error(`image ${image.repository}: tag "${image.tag}" is not pinned; use a git SHA, a semver or the cell's build id, never "latest"`);
    if (image.tag === undefined && image.digest === undefined) throw new Error(`image ${image.repository}: neither tag nor digest; pin one`);
    return `${image.repository}${image.tag !== undefined ? `:${image.tag}` : ""}${image.digest !== undefined ? `@${image.digest}` : ""}`;
}
