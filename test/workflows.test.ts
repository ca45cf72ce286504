import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { execFileSync, spawnSync } from "node:child_process";
import * as os from "node:os";
import { PREVIEW_AND_POLICY_CHECK } from "../components/delivery/checks";
import { imageBuildCheck } from "../components/delivery/image-workflow";
import { ROOT } from "./harness";

interface Step {
    name?: string;
    uses?: string;
    run?: string;
    if?: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
}
interface Job {
    name?: string;
    needs?: string[];
    if?: string;
    environment?: string;
    strategy?: { matrix: { stack?: string[]; include?: Array<Record<string, string>> } };
    with?: Record<string, unknown>;
    steps: Step[];
}
interface Workflow {
    on: Record<string, any>;
    permissions?: Record<string, string>;
    jobs: Record<string, Job>;
}

const workflow = (file: string) => parse(fs.readFileSync(path.join(ROOT, ".github/workflows", file), "utf8")) as Workflow;
const stackFiles = fs.readdirSync(ROOT).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f)).map((f) => f.slice(7, -5)).sort();
const deliveryFile = parse(fs.readFileSync(path.join(ROOT, "Pulumi.delivery.yaml"), "utf8")).config;
const delivery = deliveryFile["agent-estate:delivery"] as {
    stacks: Record<string, { reach: { agentPool?: string; tailnet?: { tags?: string[]; oauthSecret: string } }; secretEnvironment?: Record<string, string> }>;
};
const estateRepo = deliveryFile["agent-estate:github"].repositories["agent-estate"] as { actionsSecrets: Record<string, string> };
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
        const selfHosted = Object.entries(delivery.stacks).filter(([, s]) => s.reach.agentPool !== undefined).map(([stack]) => stack);
        // `local` is no deployed cell: `npm run e2e` previews and deploys it on an API server of its own.
        expect([...previewed, ...selfHosted, "local"].sort()).toEqual(stackFiles);
        for (const entry of preview.strategy!.matrix.include!) expect(fs.existsSync(path.join(ROOT, "policy/config", `${entry.policy}.json`)), entry.stack).toBe(true);
        expect(preview.strategy!.matrix.include!.find((i) => i.stack === "prod")?.policy).toBe("prod");
    });

    it("reaches each tailnet cell as its deployment does: joins with its tags, then writes the kubeconfig its deployment uses", () => {
        const preview = pr.jobs.preview;
        const names = preview.steps.map((st) => st.name ?? st.uses);
        const join = preview.steps.find((st) => st.uses === "tailscale/github-action@v3")!;
        const kube = preview.steps.find((st) => st.env?.KUBECONFIG_DATA !== undefined)!;
        expect(join.if).toBe("matrix.reach == 'tailnet'");
        expect(kube.if).toBe("matrix.reach == 'tailnet'");
        expect(names.indexOf(join.name)).toBeLessThan(names.indexOf(kube.name));
        expect(names.indexOf(kube.name)).toBeLessThan(names.findIndex((n) => n === "Preview with the policy pack"));
        expect(join.with).toEqual({ "oauth-client-id": "${{ secrets.TS_OAUTH_CLIENT_ID }}", "oauth-secret": "${{ secrets.TS_OAUTH_SECRET }}", tags: "${{ matrix.tags }}" });
        for (const entry of preview.strategy!.matrix.include!) {
            const reach = entry.stack === "delivery" ? { public: true } : delivery.stacks[entry.stack].reach;
            if (!("tailnet" in reach) || reach.tailnet === undefined) {
                expect(entry.reach, entry.stack).toBe("public");
                continue;
            }
            expect(entry.reach, entry.stack).toBe("tailnet");
            expect(entry.tags.split(","), entry.stack).toEqual(reach.tailnet.tags ?? ["tag:ci"]);
            // The Actions secret holds the same delivery secret the stack's deployment writes its kubeconfig from,
            // and the OAuth secret is the one its deployment joins with.
            expect(estateRepo.actionsSecrets[entry.kubeconfig], entry.stack).toBe(delivery.stacks[entry.stack].secretEnvironment!.KUBECONFIG_DATA);
            expect(estateRepo.actionsSecrets.TS_OAUTH_SECRET).toBe(reach.tailnet.oauthSecret);
        }
    });

    it("uses only Actions secrets the delivery stack gives this repository", () => {
        const text = fs.readFileSync(path.join(ROOT, ".github/workflows/pr.yml"), "utf8") + fs.readFileSync(path.join(ROOT, ".github/workflows/main.yml"), "utf8");
        const used = new Set([...text.matchAll(/secrets\.([A-Z_]+)/g)].map((m) => m[1]));
        used.delete("GITHUB_TOKEN"); // GitHub's own
        for (const name of used) expect(Object.keys(estateRepo.actionsSecrets), name).toContain(name);
        // secrets[matrix.kubeconfig]: each named one too.
        for (const entry of pr.jobs.preview.strategy!.matrix.include!) if (entry.kubeconfig) expect(Object.keys(estateRepo.actionsSecrets)).toContain(entry.kubeconfig);
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

describe("images.yml: a build of main moves the pins", () => {
    const images = workflow("images.yml");

    it("opens a pull request on the estate after a build of main pushed, for the stacks the caller names, with the built digest", () => {
        const pin = images.jobs.pin;
        expect(pin.needs).toBe("build");
        expect(pin.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main' && inputs.pin-stacks != ''");
        const [checkout] = uses(pin, "actions/checkout");
        expect(checkout.with).toEqual({ repository: "${{ inputs.estate-repository }}", token: "${{ secrets.pin-token }}" });
        const step = pin.steps.find((st) => st.run?.includes("bin/pin-image.mjs"))!;
        expect(step.env!.DIGEST).toBe("${{ needs.build.outputs.digest }}");
        expect(step.run).toMatch(/node bin\/pin-image.mjs "\$IMAGE" "\$tag" "\$DIGEST" \$STACKS/);
        expect(step.run).toMatch(/gh pr create --repo "\$ESTATE" --base main/);
        expect((images.jobs.build as unknown as { outputs: Record<string, string> }).outputs.digest).toBe("${{ steps.build.outputs.digest }}");
    });

    it("the check a caller reports is the one the delivery stack requires on the service repository", () => {
        // GitHub names a called workflow's check "<caller job> / <called job name>".
        const name = String(images.jobs.build.name).replace("${{ inputs.image }}", "kaze-runtime");
        expect(`image / ${name}`).toBe(imageBuildCheck("kaze-runtime"));
    });
});

describe("bin/pin-image.mjs", () => {
    const digest = `sha256:${"ab".repeat(32)}`;
    const copy = () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pin-"));
        fs.mkdirSync(path.join(dir, "bin"));
        fs.copyFileSync(path.join(ROOT, "bin/pin-image.mjs"), path.join(dir, "bin/pin-image.mjs"));
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
        fs.copyFileSync(path.join(ROOT, "Pulumi.dev.yaml"), path.join(dir, "Pulumi.dev.yaml"));
        return dir;
    };

    it("rewrites one pin, tag quoted (a short SHA may be all digits) with its digest, and nothing else of the file", () => {
        const dir = copy();
        execFileSync("node", [path.join(dir, "bin/pin-image.mjs"), "kaze-runtime", "1234567", digest, "dev"]);
        const before = fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8").split("\n");
        const after = fs.readFileSync(path.join(dir, "Pulumi.dev.yaml"), "utf8").split("\n");
        const changed = after.filter((line, i) => line !== before[i]);
        expect(changed).toEqual([`      kaze-runtime: { tag: "1234567", digest: "${digest}" }`]);
        expect(parse(after.join("\n")).config["agent-estate:images"].pins["kaze-runtime"]).toEqual({ tag: "1234567", digest });
    });

    it("refuses an image the stack does not pin yet, and a digest that is not one", () => {
        const dir = copy();
        const run = (...args: string[]) => spawnSync("node", [path.join(dir, "bin/pin-image.mjs"), ...args], { encoding: "utf8" });
        const missing = run("kaze-nothing", "abc1234", digest, "dev");
        expect(missing.status).toBe(1);
        expect(missing.stderr).toContain("Pulumi.dev.yaml has no agent-estate:images.pins.kaze-nothing; pin it by hand first");
        expect(run("kaze-runtime", "abc1234", "latest", "dev").status).toBe(2);
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
