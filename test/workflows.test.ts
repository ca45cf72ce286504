import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PREVIEW_AND_POLICY_CHECK } from "../components/delivery/checks";
import { ROOT } from "./harness";

interface Step {
    name?: string;
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
}
interface Job {
    name?: string;
    needs?: string[];
    if?: string;
    environment?: string;
    strategy?: { matrix: { stack?: string[]; include?: Array<Record<string, string>> } };
    steps: Step[];
}
interface Workflow {
    on: Record<string, any>;
    permissions?: Record<string, string>;
    jobs: Record<string, Job>;
}

const workflow = (file: string) => parse(fs.readFileSync(path.join(ROOT, ".github/workflows", file), "utf8")) as Workflow;
const stackFiles = fs.readdirSync(ROOT).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f)).map((f) => f.slice(7, -5)).sort();
const delivery = parse(fs.readFileSync(path.join(ROOT, "Pulumi.delivery.yaml"), "utf8")).config["agent-estate:delivery"] as { stacks: Record<string, { agentPool?: string }> };
const runs = (job: Job) => job.steps.map((s) => s.run ?? "").join("\n");
const uses = (job: Job, action: string) => job.steps.filter((s) => s.uses?.startsWith(`${action}@`));

describe("pr.yml: every pull request to main", () => {
    const pr = workflow("pr.yml");

    it("runs on pull requests to main", () => {
        expect(pr.on.pull_request.branches).toEqual(["main"]);
    });

    it("installs with the lockfile, type-checks and tests", () => {
        const test = pr.jobs.test;
        expect(runs(test)).toMatch(/^npm ci$/m);
        expect(runs(test)).toMatch(/^npm run typecheck$/m);
        expect(runs(test)).toMatch(/^npm test$/m);
    });

    it("plans every stack of the repository offline", () => {
        const plan = pr.jobs.plan;
        expect([...plan.strategy!.matrix.stack!].sort()).toEqual(stackFiles);
        expect(runs(plan)).toContain("npm run plan -- ${{ matrix.stack }}");
    });

    it("previews each stack with the policy pack and its environment's policy config, except those only a self-hosted agent can reach", () => {
        const preview = pr.jobs.preview;
        const [step] = uses(preview, "pulumi/actions");
        expect(step.with).toMatchObject({ command: "preview", policyPacks: "./policy", policyPackConfigs: "./policy/config/${{ matrix.policy }}.json" });
        expect(step.with!["stack-name"]).toContain("${{ matrix.stack }}");
        expect(step.env!.PULUMI_ACCESS_TOKEN).toBe("${{ secrets.PULUMI_ACCESS_TOKEN }}");
        const previewed = preview.strategy!.matrix.include!.map((i) => i.stack);
        const selfHosted = Object.entries(delivery.stacks).filter(([, s]) => s.agentPool !== undefined).map(([stack]) => stack);
        // `local` is no deployed cell: `npm run e2e` previews and deploys it on an API server of its own.
        expect([...previewed, ...selfHosted, "local"].sort()).toEqual(stackFiles);
        for (const entry of preview.strategy!.matrix.include!) expect(fs.existsSync(path.join(ROOT, "policy/config", `${entry.policy}.json`)), entry.stack).toBe(true);
        expect(preview.strategy!.matrix.include!.find((i) => i.stack === "prod")?.policy).toBe("prod");
    });

    it(`gates the merge with one job named "${PREVIEW_AND_POLICY_CHECK}", the check branch protection requires`, () => {
        const gates = Object.values(pr.jobs).filter((j) => j.name === PREVIEW_AND_POLICY_CHECK);
        expect(gates).toHaveLength(1);
        const [gate] = gates;
        expect([...gate.needs!].sort()).toEqual(["plan", "preview", "test"]);
        expect(gate.if).toBe("always()");
        expect(runs(gate)).toMatch(/exit 1/);
    });
});

describe("main.yml: a push to main", () => {
    const main = workflow("main.yml");

    it("runs on pushes to main", () => {
        expect(main.on.push.branches).toEqual(["main"]);
    });

    it("updates only the delivery stack, behind the prod environment, and leaves the cell stacks to Pulumi Deployments", () => {
        const ups = Object.values(main.jobs).flatMap((j) => uses(j, "pulumi/actions").map((s) => ({ job: j, step: s })));
        expect(ups).toHaveLength(1);
        const [{ job, step }] = ups;
        expect(step.with).toMatchObject({ command: "up", policyPacks: "./policy", policyPackConfigs: "./policy/config/prod.json" });
        expect(step.with!["stack-name"]).toMatch(/\/agent-estate\/delivery$/);
        expect(job.environment).toBe("prod");
        expect(runs(job)).toMatch(/^npm test$/m);
        // A stack that Pulumi Deployments updates on push would be deployed twice.
        const upped = String(step.with!["stack-name"]).split("/").pop()!;
        expect(Object.keys(delivery.stacks)).not.toContain(upped);
    });
});

describe("images.yml: the service repositories' image build", () => {
    const images = workflow("images.yml");
    const build = images.jobs.build;

    it("is a reusable workflow that may write packages", () => {
        expect(images.on.workflow_call.inputs.image.required).toBe(true);
        expect(images.permissions).toMatchObject({ packages: "write", contents: "read" });
    });

    it("builds amd64 and arm64 with buildx and pushes to GHCR (not from pull requests)", () => {
        expect(uses(build, "docker/setup-qemu-action")).toHaveLength(1);
        expect(uses(build, "docker/setup-buildx-action")).toHaveLength(1);
        const [login] = uses(build, "docker/login-action");
        expect(login.with!.registry).toBe("ghcr.io");
        const [push] = uses(build, "docker/build-push-action");
        expect(String(push.with!.platforms).split(",").sort()).toEqual(["linux/amd64", "linux/arm64"]);
        expect(push.with!.push).toBe("${{ github.event_name != 'pull_request' }}");
        expect(push.with!.tags).toBe("${{ steps.meta.outputs.tags }}");
        expect(images.on.workflow_call.inputs.registry.default).toMatch(/^ghcr\.io\//);
    });

    it("tags by git SHA and full semver, never latest", () => {
        const [meta] = uses(build, "docker/metadata-action");
        expect(String(meta.with!.flavor)).toMatch(/latest=false/);
        const tags = String(meta.with!.tags).trim().split("\n").map((t) => t.trim());
        expect(tags).toContain("type=sha,prefix=,format=short");
        expect(tags).toContain("type=semver,pattern={{version}}");
        for (const t of tags) {
            expect(t, "a floating tag").not.toMatch(/latest|type=raw|type=edge|type=ref|{{major}}(?!\.{{minor}}\.{{patch}})/);
        }
    });
});

describe("every workflow", () => {
    it.each(fs.readdirSync(path.join(ROOT, ".github/workflows")))("%s pins each action to a major version and holds no credential", (file) => {
        const text = fs.readFileSync(path.join(ROOT, ".github/workflows", file), "utf8");
        const wf = parse(text) as Workflow;
        for (const job of Object.values(wf.jobs)) for (const s of job.steps) if (s.uses) expect(s.uses).toMatch(/@v\d+$/);
        expect(text).not.toMatch(/pul-[0-9a-f]{20,}|gh[pousr]_[A-Za-z0-9]{20,}/);
    });
});
