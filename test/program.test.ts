import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runProgram } from "../plan/runtime";
import { declare, ROOT, stackConfig } from "./harness";

describe("Pulumi.yaml", () => {
    const project = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));

    it("is a nodejs project whose entry is index.ts compiled, not type-checked on every preview", () => {
        expect(project.name).toBe("agent-estate");
        expect(project.runtime).toEqual({ name: "nodejs", options: { typescript: false } });
        expect(project.main).toBe("bin/pulumi-main.js");
    });

    it("runs, through that entry, exactly the program index.ts declares", async () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const pulumiMain = require(path.join(ROOT, project.main)) as () => Promise<Record<string, unknown>>;
        const viaEntry = await runProgram(stackConfig("dev"), pulumiMain);
        const direct = await declare("dev");
        expect(viaEntry.resources.length).toBeGreaterThan(50);
        expect(JSON.stringify(viaEntry.resources)).toBe(JSON.stringify(direct.resources));
        expect(viaEntry.outputs).toEqual(direct.outputs);
    });

    it("disables every default provider, so nothing reaches an ambient kube context or credentials", () => {
        expect(project.config["pulumi:disable-default-providers"]).toEqual({ value: ["*"] });
    });
});

describe.each(["dev", "prod"])("the %s stack's graph", (stack) => {
    it("gives every managed resource an explicit provider", async () => {
        const d = await declare(stack);
        const managed = d.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
        expect(managed.length).toBeGreaterThan(0);
        expect(managed.filter((r) => !r.provider).map((r) => r.urn)).toEqual([]);
        const providers = new Set(d.resources.filter((r) => r.type.startsWith("pulumi:providers:")).map((r) => r.urn));
        for (const r of managed) expect(providers.has(r.provider!.split("::").slice(0, -1).join("::"))).toBe(true);
    });

    it("roots everything in the cell, under the stack", async () => {
        const d = await declare(stack);
        const stackResource = d.ofType("pulumi:pulumi:Stack");
        expect(stackResource).toHaveLength(1);
        const roots = d.resources.filter((r) => r.parent === stackResource[0].urn);
        expect(roots.every((r) => r.type.startsWith("agent-estate:"))).toBe(true);
        for (const r of d.resources) if (r.parent) expect(() => d.byUrn(r.parent!)).not.toThrow();
    });

    it("names the cell's kube context explicitly on the provider", async () => {
        const d = await declare(stack);
        const [provider] = d.ofType("pulumi:providers:kubernetes");
        expect(provider.props.context).toBe(stack === "dev" ? "kaze-dev" : "kaze-prod");
    });

    it("closes every namespace it creates: Pod Security restricted and a default-deny policy", async () => {
        const d = await declare(stack);
        for (const ns of d.kind("Namespace").filter((n) => n.props.metadata.labels["pod-security.kubernetes.io/enforce"] === "restricted")) {
            const deny = d.k8s("NetworkPolicy", "default-deny", ns.props.metadata.name);
            expect(deny.props.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
        }
        expect(d.k8s("Namespace", "kaze").props.metadata.labels).toMatchObject({
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/audit": "restricted",
            "pod-security.kubernetes.io/warn": "restricted",
        });
    });

    it("exports the cell's name and environment", async () => {
        const d = await declare(stack);
        expect(d.outputs).toMatchObject({ cell: `kaze-${stack}`, environment: stack });
    });
});
