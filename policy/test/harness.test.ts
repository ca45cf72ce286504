// The offline harness behaves like the CrossGuard analyzer: same policies, same arguments,
// same config files, unknowns reported as advisory, remediations applied first.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { enforcementLevelOf, evaluatePolicies, evaluateWith, loadPackConfig, PlannedResource } from "../harness";
import { podOf } from "../pod";
import { policies } from "../policies";
import { changed, check, checkOne, defaultDenyPolicy, estate, podKinds, unknown, workload } from "./fixtures";

const policyDir = path.join(__dirname, "..");
/** The pack's own TypeScript sources: dependencies installed under node_modules are not the pack. */
const packSources = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory() ? (e.name === "node_modules" ? [] : packSources(path.join(dir, e.name))) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []);
/** A compliant estate whose one workload runs privileged: exactly one violation. */
const broken = () => estate(changed(workload(), spec => { spec.containers[0].securityContext.privileged = true; }));

describe("enforcement levels", () => {
    it("are advisory in dev, mandatory in staging and prod", () => {
        for (const [environment, level] of [["dev", "advisory"], ["staging", "mandatory"], ["prod", "mandatory"]] as const) {
            expect(check(broken(), { environment }).map(v => v.enforcementLevel), environment).toEqual([level]);
        }
    });
    it("fail closed for an environment without a config file", () => {
        expect(check(broken(), { environment: "qa" }).map(v => v.enforcementLevel)).toEqual(["mandatory"]);
    });
    it("can be overridden per policy, as a string or an object, and disabled", () => {
        expect(check(broken(), { config: { "pod-security-baseline-privileged": "advisory" } })[0].enforcementLevel).toBe("advisory");
        expect(check(broken(), { environment: "dev", config: { "pod-security-baseline-privileged": { enforcementLevel: "mandatory" } } })[0].enforcementLevel).toBe("mandatory");
        expect(check(broken(), { config: { "pod-security-baseline-privileged": "disabled" } })).toEqual([]);
    });
    it("resolve like CrossGuard: policy entry, then all, then the environment's default", () => {
        expect(enforcementLevelOf("x", { all: "advisory", x: { enforcementLevel: "mandatory" } }, "prod")).toBe("mandatory");
        expect(enforcementLevelOf("x", { all: "advisory", x: { other: 1 } }, "prod")).toBe("advisory");
        expect(enforcementLevelOf("x", {}, "dev")).toBe("advisory");
    });
});

describe("config files", () => {
    const schemas = new Map(policies.map(p => [p.name, p.configSchema?.properties ?? {}]));
    it.each(["dev", "staging", "prod"])("%s.json names only real policies and options their schema declares", env => {
        const config = JSON.parse(fs.readFileSync(path.join(policyDir, "config", `${env}.json`), "utf8"));
        expect(["advisory", "mandatory"]).toContain(config.all);
        for (const [name, entry] of Object.entries(config)) {
            if (name === "all") continue;
            expect(schemas.has(name), name).toBe(true);
            if (typeof entry === "string") continue;
            for (const [key, value] of Object.entries(entry as object)) {
                if (key === "enforcementLevel") continue;
                const schema = schemas.get(name)![key];
                expect(schema, `${name}.${key}`).toBeDefined();
                expect(Array.isArray(value) ? "array" : typeof value === "number" ? ["number", "integer"] : typeof value, `${name}.${key}`)
                    .toEqual(Array.isArray(value) ? schema.type : typeof value === "number" ? expect.arrayContaining([schema.type]) : schema.type);
            }
        }
    });
    it("are what the harness loads, with per-policy overrides merged on top", () => {
        expect(loadPackConfig("prod", { "image-digest": { requireDigest: false } })["image-digest"]).toEqual({ requireDigest: false });
        expect(loadPackConfig("prod")["image-digest"]).toEqual({ requireDigest: true });
    });
});

describe("values unknown at preview", () => {
    it("an unknown image is reported as advisory with the reason, never passed", () => {
        const r = changed(workload(), spec => { spec.containers[0].image = unknown; });
        const v = checkOne("image-tag", r);
        expect(v).toEqual([expect.objectContaining({ policy: "image-tag", enforcementLevel: "advisory", urn: r.urn })]);
        expect(v[0].message).toMatch(/can't run policy 'image-tag' during preview: .*containers\.0\.image can't be known during preview/);
    });
    it("an unknown in one container does not hide a definite violation in another", () => {
        const r = changed(workload(), spec => {
            spec.containers[0].image = unknown;
            spec.initContainers[0].image = "ghcr.io/agent-estate/migrate:latest";
        });
        expect(checkOne("image-tag", r).map(v => v.enforcementLevel).sort()).toEqual(["advisory", "mandatory"]);
    });
    it("an unknown namespace is advisory for the namespace rule and the stack rule", () => {
        const r = changed(workload(), (_s, props) => { props.metadata.namespace = unknown; });
        const v = check([defaultDenyPolicy(), r, ...estate(workload()).filter(x => x.type.includes("PodDisruptionBudget"))]);
        expect(v.map(x => [x.policy, x.enforcementLevel])).toEqual([
            ["namespace-default-deny", "advisory"], ["pdb-allows-drain", "advisory"], ["workload-namespace", "advisory"], ["workload-pdb", "advisory"],
        ]);
        expect(v.every(x => x.message.endsWith("string value at .metadata.namespace can't be known during preview"))).toBe(true);
    });
    it("an unknown that no decision needs is ignored", () => {
        const r = changed(workload(), (_s, props) => { props.metadata.annotations = { "pulumi.com/patchForce": unknown }; });
        expect(check(estate(r))).toEqual([]);
    });
});

describe("remediation", () => {
    const bare = () => changed(workload(), spec => {
        delete spec.securityContext.seccompProfile;
        for (const c of [...spec.containers, ...spec.initContainers]) delete c.securityContext.capabilities;
    });
    const remediating = { config: { "pod-security-restricted-seccomp": "remediate", "pod-security-restricted-capabilities": "remediate" } };

    it("without remediation, the missing seccomp profile and drop ALL are violations", () => {
        expect(check(estate(bare())).map(v => v.policy)).toEqual([
            "pod-security-restricted-capabilities", "pod-security-restricted-capabilities",
            "pod-security-restricted-seccomp", "pod-security-restricted-seccomp",
        ]);
    });
    it.each(podKinds)("at level remediate, a %s gets seccomp RuntimeDefault and drop ALL, and passes", kind => {
        const r = changed(workload(kind), spec => {
            delete spec.securityContext.seccompProfile;
            for (const c of [...spec.containers, ...spec.initContainers]) delete c.securityContext.capabilities;
        });
        expect(check(estate(r), remediating)).toEqual([]);
    });
    it("sets RuntimeDefault at pod level only when the pod sets none, and keeps added capabilities", () => {
        const policy = policies.find(p => p.name === "pod-security-restricted-seccomp") as ResourceValidationPolicy;
        const caps = policies.find(p => p.name === "pod-security-restricted-capabilities") as ResourceValidationPolicy;
        const r = changed(bare(), spec => { spec.containers[0].securityContext.capabilities = { add: ["NET_BIND_SERVICE"] }; });
        const args = { type: r.type, props: r.props } as Parameters<NonNullable<ResourceValidationPolicy["remediateResource"]>>[0];
        const out = caps.remediateResource!({ ...args, props: policy.remediateResource!(args) as any }) as any;
        const pod = podOf(r.type, out)!;
        expect(pod.spec.securityContext.seccompProfile).toEqual({ type: "RuntimeDefault" });
        expect(pod.containers.map(c => c.spec.securityContext.capabilities)).toEqual([{ add: ["NET_BIND_SERVICE"], drop: ["ALL"] }, { drop: ["ALL"] }]);
        expect(policy.remediateResource!({ ...args, props: workload().props })).toBeUndefined();
    });
    it("does not paper over Unconfined: the container's override stays and baseline still fires", () => {
        const r = changed(workload(), spec => { spec.containers[0].securityContext.seccompProfile = { type: "Unconfined" }; });
        expect(check(estate(r), remediating).map(v => v.policy)).toEqual(["pod-security-baseline-seccomp"]);
    });
});

describe("the harness", () => {
    it("is deterministic whatever the input order", () => {
        const resources: PlannedResource[] = [...broken(), ...estate(workload("CronJob", "sweeper")), workload("Pod", "loose")];
        expect(evaluatePolicies([...resources].reverse(), { environment: "prod" })).toEqual(evaluatePolicies(resources, { environment: "prod" }));
    });
    it("hands policies the arguments CrossGuard builds", () => {
        const seen: any[] = [];
        const spy: ResourceValidationPolicy = { name: "spy", description: "spy", validateResource: args => { seen.push(args); } };
        const stackSpy: StackValidationPolicy = { name: "stack-spy", description: "spy", validateStack: args => { seen.push(args); } };
        const ns = defaultDenyPolicy();
        const w = { ...workload(), parent: ns.urn, dependencies: [ns.urn], protect: true };
        evaluateWith([spy, stackSpy], [ns, w], { environment: "prod", config: { spy: { answer: 42 } } });
        const args = seen[1];
        expect(args.isType(k8s.apps.v1.Deployment)).toBe(true);
        expect(args.isType(k8s.core.v1.Pod)).toBe(false);
        expect(args.asType(k8s.apps.v1.Deployment).spec.replicas).toBe(2);
        expect(args.getConfig()).toEqual({ answer: 42 });
        expect(args.opts).toMatchObject({ protect: true, parent: ns.urn });
        expect(() => args.notApplicable("n/a")).toThrow();
        const stack = seen[2];
        const seenW = stack.resources.find((r: any) => r.urn === w.urn);
        expect(seenW.parent.urn).toBe(ns.urn);
        expect(seenW.dependencies.map((d: any) => d.urn)).toEqual([ns.urn]);
    });
    it("serves policies with unique names, descriptions and remediation steps", () => {
        const names = policies.map(p => p.name);
        expect(new Set(names).size).toBe(names.length);
        for (const p of policies) {
            expect(p.description.length, p.name).toBeGreaterThan(20);
            expect(p.remediationSteps?.length, p.name).toBeGreaterThan(10);
            expect(p.configSchema?.properties ?? {}, p.name).not.toHaveProperty("enforcementLevel");
        }
    });
    it("keeps index.ts to the PolicyPack constructor, imported by nobody", () => {
        const index = fs.readFileSync(path.join(policyDir, "index.ts"), "utf8");
        expect(index.match(/^import .*$/gm)).toEqual(['import { PolicyPack } from "@pulumi/policy";', 'import { policies } from "./policies";']);
        for (const file of packSources(policyDir).filter(f => !f.endsWith("index.ts"))) {
            expect(fs.readFileSync(file, "utf8"), file).not.toMatch(/from "\.{1,2}\/(\.\.\/)*index"/);
        }
    });
    it("reads only the pack's own sources, never policy/node_modules (what `cd policy && npm install` creates)", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pack-"));
        try {
            fs.mkdirSync(path.join(dir, "rules"));
            fs.mkdirSync(path.join(dir, "node_modules", "@pulumi", "policy"), { recursive: true });
            for (const file of ["index.ts", "rules/a.ts", "node_modules/@pulumi/policy/index.d.ts"]) fs.writeFileSync(path.join(dir, file), "export const x = 1;\n");
            expect(packSources(dir).map(f => path.relative(dir, f)).sort()).toEqual(["index.ts", path.join("rules", "a.ts")]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
    it("documents every policy in the README table", () => {
        const readme = fs.readFileSync(path.join(policyDir, "README.md"), "utf8");
        for (const p of policies) expect(readme, p.name).toContain(`| \`${p.name}\` |`);
    });
});
