import { describe, expect, it } from "vitest";
import { ConfigError } from "../config/errors";
import { parseCellConfig, RawStackConfig } from "../config/parse";
import { declare, stackConfig } from "./harness";

/** The dev stack's committed configuration, as the program would read it, ready to be broken. */
function devRaw(): RawStackConfig & { values: Record<string, any> } {
    const rc = stackConfig("dev");
    const values: Record<string, any> = {};
    const secretKeys = new Set<string>();
    for (const [full, text] of Object.entries(rc.config)) {
        if (!full.startsWith("agent-estate:")) continue;
        const key = full.slice("agent-estate:".length);
        values[key] = /^[[{]/.test(text) ? JSON.parse(text) : text;
        if (rc.secretKeys.includes(full)) secretKeys.add(key);
    }
    return { stack: "dev", values, secretKeys };
}

function problemsOf(raw: RawStackConfig): ConfigError {
    try {
        parseCellConfig(raw);
    } catch (e) {
        if (ConfigError.isInstance(e)) return e;
        throw e;
    }
    throw new Error("the configuration was accepted");
}

type Breaker = [title: string, breaks: (v: Record<string, any>) => void, key: string, says: RegExp];

/** Each entry breaks one thing in the dev stack and names the key and message a user must see. */
const corpus: Breaker[] = [
    ["no cell section", (v) => delete v.cell, "agent-estate:cell", /required/],
    ["a cell name that is not a DNS label", (v) => (v.cell.name = "Kaze_Dev"), "agent-estate:cell.name", /DNS label/],
    ["an unknown environment", (v) => (v.cell.environment = "production"), "agent-estate:cell.environment", /"dev", "staging" or "prod"/],
    ["an unknown tenancy", (v) => (v.cell.tenancy = "saas"), "agent-estate:cell.tenancy", /"agency" or "customer-vpc"/],
    ["a misspelt top-level key", (v) => (v.workload = {}), "agent-estate:workload", /not a key this program reads/],
    ["a misspelt key inside a section", (v) => (v.cell.nmae = "x"), "agent-estate:cell.nmae", /not a key this program reads/],
    ["no kube context", (v) => delete v.kubernetes.context, "agent-estate:kubernetes.context", /required/],
    ["an empty kube context", (v) => (v.kubernetes.context = ""), "agent-estate:kubernetes.context", /kubeconfig context/],
    ["an API server that is not a URL", (v) => (v.kubernetes.apiServer = "kubernetes:443"), "agent-estate:kubernetes.apiServer", /URL/],
    ["no namespaces", (v) => (v.namespaces = []), "agent-estate:namespaces", /at least one namespace/],
    ["a namespace listed twice", (v) => v.namespaces.push({ name: v.namespaces[0].name }), "agent-estate:namespaces[1].name", /listed twice/],
    ["the default namespace", (v) => v.namespaces.push({ name: "default" }), "agent-estate:namespaces[1].name", /must not run in "default"/],
    ["a namespace name in capitals", (v) => (v.namespaces[0].name = "Kaze"), "agent-estate:namespaces[0].name", /DNS label/],
    ["a registry with a tag", (v) => (v.images.registry = "ghcr.io/acme:1.0.0"), "agent-estate:images.registry", /without tag/],
    ["an image tagged latest", (v) => (v.images.pins["kaze-runtime"] = { tag: "latest" }), "agent-estate:images.pins.kaze-runtime.tag", /"latest" is not allowed/],
    ["an empty image tag", (v) => (v.images.pins["kaze-runtime"] = { tag: "" }), "agent-estate:images.pins.kaze-runtime.tag", /is empty/],
    ["a floating tag", (v) => (v.images.pins["kaze-runtime"] = { tag: "stable" }), "agent-estate:images.pins.kaze-runtime.tag", /not a pinned tag/],
    ["both a tag and a digest", (v) => (v.images.pins["kaze-runtime"] = { tag: "1.0.0", digest: `sha256:${"a".repeat(64)}` }), "agent-estate:images.pins.kaze-runtime", /exactly one of "tag"/],
    ["neither tag nor digest", (v) => (v.images.pins["kaze-runtime"] = {}), "agent-estate:images.pins.kaze-runtime", /exactly one of "tag"/],
    ["a malformed digest", (v) => (v.images.pins["kaze-runtime"] = { digest: "sha256:abc" }), "agent-estate:images.pins.kaze-runtime.digest", /64 hex digits/],
    ["a workload in an undeclared namespace", (v) => (v.workloads["kaze-runtime"].namespace = "elsewhere"), "agent-estate:workloads.kaze-runtime.namespace", /not one of agent-estate:namespaces/],
    ["a workload image without a pin", (v) => (v.workloads["kaze-runtime"].image = "nowhere"), "agent-estate:workloads.kaze-runtime.image", /no pin/],
    ["port 0", (v) => (v.workloads["kaze-runtime"].port = 0), "agent-estate:workloads.kaze-runtime.port", /1 to 65535/],
    ["port 70000", (v) => (v.workloads["kaze-runtime"].port = 70000), "agent-estate:workloads.kaze-runtime.port", /1 to 65535/],
    ["zero replicas", (v) => (v.workloads["kaze-runtime"].replicas = 0), "agent-estate:workloads.kaze-runtime.replicas", /./],
    ["an HPA whose max is below its min", (v) => (v.workloads["kaze-runtime"].autoscaling = { minReplicas: 3, maxReplicas: 2 }), "agent-estate:workloads.kaze-runtime.autoscaling.maxReplicas", /at least minReplicas/],
    ["a CPU target over 100%", (v) => (v.workloads["kaze-runtime"].autoscaling = { minReplicas: 2, maxReplicas: 4, cpuUtilization: 150 }), "agent-estate:workloads.kaze-runtime.autoscaling.cpuUtilization", /./],
    ["no limits", (v) => delete v.workloads["kaze-runtime"].resources.limits, "agent-estate:workloads.kaze-runtime.resources.limits", /required/],
    ["a quantity that is not one", (v) => (v.workloads["kaze-runtime"].resources.requests.memory = "lots"), "agent-estate:workloads.kaze-runtime.resources.requests.memory", /Kubernetes quantity/],
    ["a workload name that is not a DNS label", (v) => (v.workloads.Kaze_Runtime = v.workloads["kaze-runtime"]), "agent-estate:workloads.Kaze_Runtime", /DNS label/],
];

describe("a broken stack configuration", () => {
    it.each(corpus)("%s is reported with its key and a fix", (_title, breaks, key, says) => {
        const raw = devRaw();
        breaks(raw.values);
        const error = problemsOf(raw);
        const problem = error.problems.find((p) => p.key === key);
        expect(problem, `problems were: ${error.message}`).toBeDefined();
        expect(problem!.message).toMatch(says);
        expect(error.message).toContain(`stack "dev", ${key}:`);
    });

    it("keeps a corpus of at least 25 broken configurations", () => {
        expect(corpus.length).toBeGreaterThanOrEqual(25);
    });

    it("reports every problem at once, not the first one", () => {
        const raw = devRaw();
        raw.values.cell.environment = "production";
        raw.values.images.pins["kaze-runtime"] = { tag: "latest" };
        raw.values.workloads["kaze-gateway"].port = 0;
        const error = problemsOf(raw);
        expect(error.problems.map((p) => p.key)).toEqual(
            expect.arrayContaining(["agent-estate:cell.environment", "agent-estate:images.pins.kaze-runtime.tag", "agent-estate:workloads.kaze-gateway.port"]),
        );
        expect(error.message).toMatch(/^Stack "dev" has \d+ configuration errors; nothing was declared:/);
    });

    it("refuses a secure value the program does not read", () => {
        const raw = devRaw();
        raw.values.unusedToken = "opaque";
        (raw.secretKeys as Set<string>).add("unusedToken");
        expect(problemsOf(raw).problems).toContainEqual({ key: "agent-estate:unusedToken", message: expect.stringMatching(/not a key this program reads/) });
    });

    it("declares nothing but the stack itself when the program meets bad config", async () => {
        const broken = stackConfig("dev", { set: { images: { registry: "ghcr.io/acme", pins: { "kaze-runtime": { tag: "latest" } } } } });
        await expect(declare(broken)).rejects.toThrow(/agent-estate:images\.pins\.kaze-runtime\.tag: "latest" is not allowed/);
    });
});

describe("the committed stacks", () => {
    it.each(["dev", "prod"])("%s validates", (stack) => {
        const raw = devRaw();
        if (stack === "prod") {
            const rc = stackConfig("prod");
            for (const [full, text] of Object.entries(rc.config)) {
                if (full.startsWith("agent-estate:")) raw.values[full.slice(13)] = /^[[{]/.test(text) ? JSON.parse(text) : text;
            }
        }
        expect(() => parseCellConfig(raw)).not.toThrow();
    });
});
