import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { plan } from "../plan/plan";
import { planJson, writeManifests } from "../plan/render";
import { ROOT, stackConfig } from "./harness";

/** The command `npm run plan --` runs: the CLI, compiled once (bin/compiled.js). */
const PLAN = [path.join(ROOT, "bin", "compiled.js"), "plan/cli.ts"];
/** Each CLI run is a fresh process that loads the SDK and the providers: slow on a loaded 2-core machine. */
const CLI_TIMEOUT = 180_000;
const cli = (...args: string[]) => spawnSync(process.execPath, [...PLAN, ...args], { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 26 });

const CANARY = "CANARY-3e1f7a-plaintext-must-never-show";

/** A small program that puts a secret where a careless program would leak it. */
async function leakyProgram() {
    const provider = new k8s.Provider("k8s", { context: "test" });
    const token = new pulumi.Config("agent-estate").requireSecret("canary");
    new k8s.core.v1.Secret("creds", { metadata: { name: "creds", namespace: "kaze" }, stringData: { token } }, { provider });
    new k8s.core.v1.ConfigMap("settings", { metadata: { name: "settings", namespace: "kaze" }, data: { url: pulumi.interpolate`https://u:${token}@example.com` } }, { provider });
    return { token, url: pulumi.interpolate`https://${token}@example.com`, plain: "visible" };
}

/** A program whose only workload runs privileged, as root: the pack must stop it in prod. */
async function privilegedProgram() {
    const provider = new k8s.Provider("k8s", { context: "test" });
    new k8s.apps.v1.Deployment(
        "rogue",
        {
            metadata: { name: "rogue", namespace: "kaze" },
            spec: {
                selector: { matchLabels: { app: "rogue" } },
                template: { metadata: { labels: { app: "rogue" } }, spec: { containers: [{ name: "rogue", image: "ghcr.io/speedrun-ventures/rogue:1.0.0", securityContext: { privileged: true } }] } },
            },
        },
        { provider },
    );
    return {};
}

/** A program that declares an object its kind's schema rejects. */
async function malformedProgram() {
    const provider = new k8s.Provider("k8s", { context: "test" });
    new k8s.core.v1.Service("bad", { metadata: { name: "bad", namespace: "kaze" }, spec: { ports: [{ port: "http" as unknown as number }] } }, { provider });
    return {};
}

describe("npm run plan exit codes", () => {
    it("is 0 for a clean stack", async () => {
        const result = await plan({ stack: "dev" });
        expect(result.configError).toBeUndefined();
        expect(result.schemaErrors).toEqual([]);
        expect(result.violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
        expect(result.exitCode).toBe(0);
    });

    it("is 2 for invalid configuration, naming the stack and key", async () => {
        const result = await plan({ stack: "dev", runtimeConfig: stackConfig("dev", { set: { cell: { name: "kaze", environment: "production", tenancy: "agency" } } }) });
        expect(result.exitCode).toBe(2);
        expect(result.configError).toContain('stack "dev", agent-estate:cell.environment: must be one of "dev", "staging" or "prod"');
        expect(result.resources).toEqual([]);
    });

    it("is 2 for a stack with no file, listing the stacks there are", async () => {
        const result = await plan({ stack: "nope" });
        expect(result.exitCode).toBe(2);
        expect(result.configError).toMatch(/Pulumi\.nope\.yaml does not exist \(stacks here: .*dev.*prod/);
    });

    it("is 1 for a mandatory policy violation in prod", async () => {
        const result = await plan({ stack: "prod", runtimeConfig: stackConfig("prod"), program: privilegedProgram });
        const mandatory = result.violations.filter((v) => v.enforcementLevel === "mandatory");
        expect(mandatory.map((v) => v.policy)).toEqual(expect.arrayContaining([expect.stringMatching(/privileged/)]));
        expect(result.exitCode).toBe(1);
    });

    it("reports the same violation as advisory in dev, and exits 0", async () => {
        const result = await plan({ stack: "dev", runtimeConfig: stackConfig("dev"), program: privilegedProgram });
        expect(result.violations.some((v) => /privileged/.test(v.policy) && v.enforcementLevel === "advisory")).toBe(true);
        expect(result.violations.every((v) => v.enforcementLevel === "advisory")).toBe(true);
        expect(result.exitCode).toBe(0);
    });

    it("is 1 for an object that fails its Kubernetes schema", async () => {
        const result = await plan({ stack: "dev", runtimeConfig: stackConfig("dev"), program: malformedProgram });
        expect(result.schemaErrors).toContainEqual({ urn: expect.stringContaining("kubernetes:core/v1:Service::bad"), message: "Service /spec/ports/0/port: must be integer" });
        expect(result.exitCode).toBe(1);
    });

    it("exits 2 with usage on a bad command line", () => {
        const run = cli("dev", "--frobnicate");
        expect(run.status).toBe(2);
        expect(run.stderr).toContain("usage: npm run plan -- <stack> [--json] [--out DIR]");
    }, CLI_TIMEOUT);
});

describe("npm run plan -- <stack> --json", () => {
    let first: string;
    beforeAll(() => {
        first = execFileSync(process.execPath, [...PLAN, "dev", "--json"], { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 26 });
    }, CLI_TIMEOUT);

    it("prints byte-identical output on two runs", () => {
        const second = execFileSync(process.execPath, [...PLAN, "dev", "--json"], { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 26 });
        expect(second).toBe(first);
    }, CLI_TIMEOUT);

    it("has the documented shape", () => {
        const doc = JSON.parse(first);
        expect(Object.keys(doc)).toEqual(["stack", "resources", "violations", "schemaErrors", "unvalidated", "flows", "unusedPolicyRules", "summary"]);
        expect(doc.stack).toBe("dev");
        const otlp = doc.flows.find((f: any) => f.from === "kaze/kaze-runtime" && f.to === "observability/otel-collector");
        expect(otlp).toMatchObject({ port: 4317, protocol: "TCP", via: "cluster", status: "allowed", why: ["env OTEL_EXPORTER_OTLP_ENDPOINT"] });
        for (const r of doc.resources) {
            expect(Object.keys(r)).toEqual(["urn", "type", "name", "parent", "inputs", "options"]);
            expect(Object.keys(r.options)).toEqual(["protect", "retainOnDelete", "dependsOn", "provider"]);
        }
        const stack = doc.resources.find((r: any) => r.type === "pulumi:pulumi:Stack");
        expect(stack.parent).toBeNull();
        const namespace = doc.resources.find((r: any) => r.type === "kubernetes:core/v1:Namespace");
        expect(namespace.parent).toMatch(/agent-estate:network:CellNamespace/);
        expect(namespace.options.provider).toMatch(/pulumi:providers:kubernetes/);
        expect(doc.summary.resources).toBe(doc.resources.length);
        expect(Object.values(doc.summary.byType).reduce((a: number, b: any) => a + b, 0)).toBe(doc.resources.length);
    });
});

describe("plans in one process", () => {
    it("started together, run one after the other and each declares only its own stack", async () => {
        const alone = [planJson(await plan({ stack: "dev" })), planJson(await plan({ stack: "prod" }))];
        const together = (await Promise.all([plan({ stack: "dev" }), plan({ stack: "prod" })])).map((p) => planJson(p));
        expect(together).toEqual(alone);
    });
});

describe("secrets in the plan", () => {
    it("never appear in plaintext in the JSON, the manifests or the outputs", async () => {
        const rc = stackConfig("dev", { secrets: { canary: CANARY } });
        const result = await plan({ stack: "dev", runtimeConfig: rc, program: leakyProgram });
        const json = planJson(result);
        expect(json).not.toContain(CANARY);
        expect(json).toContain('"[secret]"');
        expect(result.outputs).toEqual({ token: "[secret]", url: "[secret]", plain: "visible" });

        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-out-"));
        const files = writeManifests(result, dir);
        expect(files).toEqual(expect.arrayContaining([path.join("kaze", "secret-creds.yaml"), path.join("kaze", "configmap-settings.yaml")]));
        for (const f of files) expect(fs.readFileSync(path.join(dir, f), "utf8")).not.toContain(CANARY);
        const secret = parse(fs.readFileSync(path.join(dir, "kaze", "secret-creds.yaml"), "utf8"));
        // The SDK marks the whole property secret; the manifest shows it redacted as one value.
        expect(secret.stringData).toBe("[secret]");
    });

    it("reach the policies in plaintext, as the engine hands them, and nowhere else", async () => {
        const program = async () => {
            const provider = new k8s.Provider("k8s", { context: "test" });
            const canary = new pulumi.Config("agent-estate").requireSecret("canary");
            const data = { greeting: pulumi.secret("hello"), upstream: pulumi.interpolate`https://u:${canary}@example.com` };
            new k8s.core.v1.ConfigMap("settings", { metadata: { name: "settings", namespace: "kaze" }, data }, { provider });
            return {};
        };
        const result = await plan({ stack: "dev", runtimeConfig: stackConfig("dev", { secrets: { canary: CANARY } }), program });
        const settings = result.resources.find((r) => r.name === "settings")!;
        expect(settings.props.data).toBe("[secret]"); // the SDK marks the whole property secret
        expect(settings.plaintext?.data).toEqual({ greeting: "hello", upstream: `https://u:${CANARY}@example.com` });
        expect(JSON.stringify(settings)).not.toContain(CANARY);
        // A secret is judged by what it is: a credential in a URL fails, a greeting does not.
        expect(result.violations.filter((v) => v.policy === "no-plaintext-secrets").map((v) => v.message)).toEqual([
            "ConfigMap settings: ConfigMap key upstream contains a credential-looking value; use a Secret",
        ]);
        expect(planJson(result)).not.toContain(CANARY);
    });

    it("keeps a secure: value of the stack file opaque", () => {
        const rc = stackConfig("dev", { secrets: { canary: "v1:opaque-ciphertext" } });
        expect(rc.secretKeys).toContain("agent-estate:canary");
    });
});

describe("npm run plan -- <stack> --out DIR", () => {
    it("writes each Kubernetes object to DIR/<namespace>/<kind>-<name>.yaml", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cli-out-"));
        const run = cli("dev", "--out", dir);
        expect(run.status).toBe(0);
        expect(run.stdout).toMatch(/Wrote \d+ manifests/);
        expect(fs.existsSync(path.join(dir, "_cluster", "namespace-kaze.yaml"))).toBe(true);
        expect(fs.readFileSync(path.join(dir, "kaze", "networkpolicy-default-deny.yaml"), "utf8")).toMatch(/kind: NetworkPolicy/);
    }, CLI_TIMEOUT);
});
