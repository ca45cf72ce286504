// Images: explicit non-latest tags, allowed registries, digests where the config asks.
import { describe, expect, it } from "vitest";
import { parseImage } from "../rules/images";
import { checkOne, changed, podKinds, workload } from "./fixtures";

const withImage = (image: string, list: "containers" | "initContainers" = "containers") =>
    changed(workload(), spec => { spec[list][0].image = image; });
const messages = (policy: string, r = workload(), config?: Record<string, unknown>) =>
    checkOne(policy, r, config ? { config } : {}).map(v => v.message);

describe("parseImage", () => {
    it.each([
        ["nginx", { registry: "docker.io", repository: "library/nginx", tag: undefined, digest: undefined }],
        ["nginx:1.27", { registry: "docker.io", repository: "library/nginx", tag: "1.27", digest: undefined }],
        ["bitnami/redis:7", { registry: "docker.io", repository: "bitnami/redis", tag: "7", digest: undefined }],
        ["localhost:5000/agent:dev", { registry: "localhost:5000", repository: "agent", tag: "dev", digest: undefined }],
        ["ghcr.io/a/b:1@sha256:abc", { registry: "ghcr.io", repository: "a/b", tag: "1", digest: "sha256:abc" }],
        ["ghcr.io/a/b@sha256:abc", { registry: "ghcr.io", repository: "a/b", tag: undefined, digest: "sha256:abc" }],
    ])("%s", (ref, expected) => expect(parseImage(ref)).toEqual(expected));
});

describe("image-tag", () => {
    it.each(podKinds)("a compliant %s passes", kind => expect(messages("image-tag", workload(kind))).toEqual([]));
    it("the latest tag fails, even pinned by digest", () => {
        expect(messages("image-tag", withImage("ghcr.io/agent-estate/agent:latest@sha256:abc")))
            .toEqual(['Deployment agent: container "agent" image ghcr.io/agent-estate/agent:latest@sha256:abc uses the latest tag']);
    });
    it("an untagged init container image fails", () => {
        expect(messages("image-tag", withImage("ghcr.io/agent-estate/migrate", "initContainers")))
            .toEqual(['Deployment agent: init container "migrate" image ghcr.io/agent-estate/migrate has no tag']);
    });
});

describe("image-registry-allowlist", () => {
    it("an image from an unlisted registry fails", () => {
        expect(messages("image-registry-allowlist", withImage("evil.example/agent:1")))
            .toEqual(['Deployment agent: container "agent" image evil.example/agent:1 comes from evil.example, which is not in allowedRegistries']);
    });
    it("a short Docker Hub name counts as docker.io", () => {
        expect(messages("image-registry-allowlist", withImage("redis:7"), { "image-registry-allowlist": { allowedRegistries: ["ghcr.io"] } }))
            .toEqual(['Deployment agent: container "agent" image redis:7 comes from docker.io, which is not in allowedRegistries']);
    });
    it("a host/path prefix allows only that path, on segment boundaries", () => {
        const config = { "image-registry-allowlist": { allowedRegistries: ["ghcr.io/agent-estate"] } };
        expect(messages("image-registry-allowlist", workload(), config)).toEqual([]);
        expect(messages("image-registry-allowlist", withImage("ghcr.io/agent-estate-fork/agent:1"), config)).toHaveLength(1);
    });
});

describe("image-registry-allowlist: registries allowed for one cell", () => {
    const build = "localhost:5000/nexus-openclaw:nexus-openclaw-20260131-a1b2c3d4";
    const ofCell = (cell: string) => changed(withImage(build), (_spec, props) => { props.metadata.labels = { "agent-estate/cell": cell }; });
    const config = { "image-registry-allowlist": { cells: { nexus: ["localhost:5000/nexus-openclaw"] } } };
    it("the cell's own build registry passes for that cell's objects", () => {
        expect(messages("image-registry-allowlist", ofCell("nexus"), config)).toEqual([]);
    });
    it("stays refused for every other cell, and for objects without a cell label", () => {
        expect(messages("image-registry-allowlist", ofCell("kaze-prod"), config))
            .toEqual([`Deployment agent: container "agent" image ${build} comes from localhost:5000, which is not in allowedRegistries nor cells.kaze-prod`]);
        expect(messages("image-registry-allowlist", withImage(build), config)).toHaveLength(1);
    });
    it("allows only the path it names, not the whole registry", () => {
        expect(messages("image-registry-allowlist", changed(ofCell("nexus"), spec => { spec.containers[0].image = "localhost:5000/other:1.0.0"; }), config)).toHaveLength(1);
    });
    it("the committed prod config allows localhost:5000 for the nexus cell only, and its defaults are untouched", () => {
        expect(messages("image-registry-allowlist", ofCell("nexus"))).toEqual([]);
        expect(messages("image-registry-allowlist", ofCell("kaze-prod"))).toHaveLength(1);
    });
});

describe("image-digest", () => {
    it("is required by the prod config and passes pinned images", () => {
        expect(messages("image-digest")).toEqual([]);
        expect(messages("image-digest", withImage("ghcr.io/agent-estate/agent:1.4.2")))
            .toEqual(['Deployment agent: container "agent" image ghcr.io/agent-estate/agent:1.4.2 is not pinned by digest']);
    });
    it("is not required by the dev config", () => {
        expect(checkOne("image-digest", withImage("ghcr.io/agent-estate/agent:1.4.2"), { environment: "dev" })).toEqual([]);
    });
});
