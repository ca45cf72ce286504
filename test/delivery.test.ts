import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { PREVIEW_AND_POLICY_CHECK } from "../components/delivery/checks";
import { parseDeliveryConfig } from "../config/delivery";
import { RawStackConfig } from "../config/parse";
import { parse } from "yaml";
import * as pulumi from "@pulumi/pulumi";
import { operationContextOf } from "../components/delivery/deployment-settings";
import { CI_TAILSCALE_VERSION, tailnetJoin } from "../components/delivery/tailnet-join";
import { SECRET_PLACEHOLDER } from "../plan/types";
import { configErrorOf, declare, Declared, rawStackConfig, ROOT } from "./harness";

type Props = Record<string, any>;
const props = (d: Declared, type: string): Array<{ name: string; props: Props; protect: boolean; retainOnDelete: boolean; provider?: string; parent?: string; urn: string; dependencies: string[] }> => d.ofType(type) as any;
const settingsOf = (d: Declared, stack: string) => props(d, "pulumiservice:index:DeploymentSettings").find((s) => s.props.stack === stack)!;

const deliveryRaw = () => rawStackConfig("delivery");
const problemsOf = (raw: RawStackConfig) => configErrorOf(parseDeliveryConfig, raw);

describe("the delivery stack", () => {
    let d: Declared;
    beforeAll(async () => {
        d = await declare("delivery");
    });

    it("declares no cell: no Kubernetes provider, no namespace", () => {
        expect(d.resources.filter((r) => r.type.startsWith("kubernetes:") || r.type === "pulumi:providers:kubernetes")).toEqual([]);
    });

    it("deploys each cell stack from git on push and previews pull requests, filtered to the program and the stack's file", () => {
        for (const stack of ["dev", "prod", "rooster"]) {
            const s = settingsOf(d, stack).props;
            expect(s.organization).toBe("speedrun-ventures");
            expect(s.project).toBe("agent-estate");
            expect(s.vcs).toMatchObject({ provider: "github", repository: "speedrun-ventures/agent-estate", deployCommits: true, previewPullRequests: true });
            expect(s.vcs.paths).toEqual(expect.arrayContaining(["components/**", "config/**", "index.ts", `Pulumi.${stack}.yaml`]));
            expect(s.sourceContext.git.branch).toBe("refs/heads/main");
        }
    });

    it("deploys every stack file of the repository except its own and `local` (no cell: npm run e2e and any cluster)", () => {
        const stacks = fs.readdirSync(ROOT).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f)).map((f) => f.slice(7, -5)).filter((s) => s !== "delivery" && s !== "local");
        expect(props(d, "pulumiservice:index:DeploymentSettings").map((s) => s.props.stack).sort()).toEqual(stacks.sort());
    });

    it("never manages its own deployment settings", () => {
        expect(props(d, "pulumiservice:index:DeploymentSettings").map((s) => s.props.stack).sort()).toEqual(["ai-agents-dev", "ai-agents-prod", "alfred-dev", "alfred-prod", "alfred-staging", "dev", "nexus", "prod", "rooster"]);
    });

    it("keeps each deployment's credentials secret (the operation context carries the kubeconfig)", () => {
        for (const s of props(d, "pulumiservice:index:DeploymentSettings")) expect(s.props.operationContext, s.name).toBe(SECRET_PLACEHOLDER);
        const text = JSON.stringify(d.resources.map((r) => r.props));
        expect(text).not.toContain("ZmFrZS1rdWJlY29uZmln"); // the ciphertexts of the kubeconfig secrets
    });

    it("reaches each private cell the way config says: dev, prod and ai-agents join the tailnet as an ephemeral tag:ci node, Rooster runs on its agent pool", () => {
        const deployment = tailnetJoin("dev", ["tag:ci"]);
        expect(deployment.preRunCommands[0]).toContain(`pkgs.tailscale.com/stable/tailscale_${CI_TAILSCALE_VERSION}_amd64.tgz`);
        expect(deployment.preRunCommands[1]).toMatch(/tailscaled --tun=userspace-networking --state=mem: .*--outbound-http-proxy-listen=localhost:1055/);
        expect(deployment.preRunCommands[2]).toBe('/tmp/tailscale_1.78.3_amd64/tailscale --socket=/tmp/tailscaled.sock up --auth-key="${TS_OAUTH_SECRET}?ephemeral=true&preauthorized=true" --advertise-tags=tag:ci --hostname=deploy-dev --timeout=60s');
        expect(deployment.environment).toMatchObject({ HTTPS_PROXY: "http://localhost:1055", HTTP_PROXY: "http://localhost:1055" });
        // What the run fetches before the node is up, and Pulumi Cloud, never go through the tailnet.
        expect(deployment.environment.NO_PROXY.split(",")).toEqual(expect.arrayContaining(["pkgs.tailscale.com", "api.pulumi.com", "github.com", "registry.npmjs.org"]));
    });

    it("joins the tailnet before the commands that read the kubeconfig, with the OAuth secret as a secret variable", () => {
        const raw = rawStackConfig("delivery");
        const cfg = parseDeliveryConfig(raw);
        expect(cfg.delivery.stacks.dev.reach).toEqual({ tailnet: { tags: ["tag:ci"], oauthSecret: "tailscaleCiOauthSecret" } });
        expect(cfg.delivery.stacks.rooster.reach).toEqual({ agentPool: "rooster-onprem" });
        const contextOf = (stack: string) => {
            const s = cfg.delivery.stacks[stack];
            const secret = pulumi.output("x");
            const reach = s.reach.tailnet ? { tailnet: { tags: s.reach.tailnet.tags, oauthSecret: secret } } : s.reach.agentPool ? { agentPoolId: "pool" } : undefined;
            return operationContextOf({ stack, reach, preRunCommands: s.preRunCommands, secretEnvironment: Object.fromEntries(Object.keys(s.secretEnvironment).map((k) => [k, secret])) });
        };
        const settings = contextOf("dev");
        expect(settings.preRunCommands.slice(0, 3)).toEqual(tailnetJoin("dev", ["tag:ci"]).preRunCommands);
        expect(settings.preRunCommands[3]).toMatch(/KUBECONFIG_DATA/);
        expect(Object.keys(settings.environmentVariables).sort()).toEqual(["HTTPS_PROXY", "HTTP_PROXY", "KUBECONFIG_DATA", "NO_PROXY", "TS_OAUTH_SECRET"]);
        expect(pulumi.Output.isInstance(settings.environmentVariables.TS_OAUTH_SECRET)).toBe(true);
        const rooster = contextOf("rooster");
        expect(Object.keys(rooster.environmentVariables)).toEqual(["KUBECONFIG_DATA"]);
        expect(rooster.preRunCommands.join("\n")).not.toContain("tailscale");
    });

    it("runs Rooster and Nexus, whose API servers are private, each on its self-hosted agent pool", () => {
        const pools = props(d, "pulumiservice:index:AgentPool").map((p) => p.props);
        expect(pools).toEqual(expect.arrayContaining([expect.objectContaining({ name: "rooster-onprem", organizationName: "speedrun-ventures" }), expect.objectContaining({ name: "nexus-server" })]));
        expect(settingsOf(d, "rooster").props.agentPoolId).toBe("mock-pool-delivery-pool-rooster-onprem");
        expect(settingsOf(d, "nexus").props.agentPoolId).toBe("mock-pool-delivery-pool-nexus-server");
        expect(settingsOf(d, "dev").props.agentPoolId).toBeUndefined();
        expect(settingsOf(d, "prod").props.agentPoolId).toBeUndefined();
        expect(d.outputs.agentPoolTokens).toEqual({ "rooster-onprem": SECRET_PLACEHOLDER, "nexus-server": SECRET_PLACEHOLDER });
    });

    it("checks every stack for drift every six hours without remediating on its own", () => {
        const drift = props(d, "pulumiservice:index:DriftSchedule");
        expect(drift.map((s) => s.props.stack).sort()).toEqual(["ai-agents-dev", "ai-agents-prod", "alfred-dev", "alfred-prod", "alfred-staging", "dev", "nexus", "prod", "rooster"]);
        for (const s of drift) expect(s.props).toMatchObject({ scheduleCron: "0 */6 * * *", autoRemediate: false });
    });

    it("binds the agent-estate policy pack to each environment's stacks with that environment's policy/config/<env>.json", () => {
        const groups = props(d, "pulumiservice:index:PolicyGroup");
        expect(groups.map((g) => g.props.name).sort()).toEqual(["agent-estate-dev", "agent-estate-prod", "agent-estate-staging"]);
        for (const env of ["dev", "staging", "prod"]) {
            const group = groups.find((g) => g.props.name === `agent-estate-${env}`)!;
            expect(group.props).toMatchObject({ organizationName: "speedrun-ventures", mode: "preventative", entityType: "stacks" });
            expect(group.props.policyPacks).toEqual([{ name: "agent-estate", config: JSON.parse(fs.readFileSync(path.join(__dirname, "..", "policy", "config", `${env}.json`), "utf8")) }]);
        }
        expect(groups.find((g) => g.props.name === "agent-estate-prod")!.props.stacks.map((s: Props) => s.name).sort()).toEqual(["ai-agents-prod", "alfred-prod", "nexus", "prod", "rooster"]);
        expect(groups.find((g) => g.props.name === "agent-estate-dev")!.props.stacks.map((s: Props) => s.name).sort()).toEqual(["ai-agents-dev", "alfred-dev", "dev"]);
        // prod's own gateway NodePorts (kaze, and the Rooster proxies) are allowed by prod.json; the pack's defaults would block them.
        expect(groups.find((g) => g.props.name === "agent-estate-prod")!.props.policyPacks[0].config["service-exposure"]).toEqual({ exposedNamespaces: ["kaze", "agentgateway-system"] });
    });

    it("declares each cell's stack before its deployment settings and drift schedule, and keeps it when let go", () => {
        const stacks = props(d, "pulumiservice:index:Stack");
        expect(stacks.map((s) => s.props.stackName).sort()).toEqual(["ai-agents-dev", "ai-agents-prod", "alfred-dev", "alfred-prod", "alfred-staging", "dev", "nexus", "prod", "rooster"]);
        for (const s of stacks) {
            expect(s.props).toMatchObject({ organizationName: "speedrun-ventures", projectName: "agent-estate" });
            expect({ protect: s.protect, retainOnDelete: s.retainOnDelete }).toEqual({ protect: true, retainOnDelete: true });
        }
        for (const type of ["DeploymentSettings", "DriftSchedule"]) {
            for (const r of props(d, `pulumiservice:index:${type}`)) {
                const own = stacks.find((s) => s.props.stackName === r.props.stack)!;
                expect(r.dependencies, `${type} ${r.name}`).toContain(own.urn);
            }
        }
    });

    it("manages the Pulumi Cloud objects through an explicit provider holding the access token as a secret", () => {
        const [service] = props(d, "pulumi:providers:pulumiservice");
        expect(service.props.accessToken).toBe(SECRET_PLACEHOLDER);
        for (const type of ["DeploymentSettings", "DriftSchedule", "AgentPool", "PolicyGroup"]) {
            for (const r of props(d, `pulumiservice:index:${type}`)) expect(r.provider, r.name).toMatch(/pulumi:providers:pulumiservice::delivery-pulumiservice::/);
        }
    });
});

describe("the estate's GitHub repositories", () => {
    let d: Declared;
    beforeAll(async () => {
        d = await declare("delivery");
    });

    it("are the program's repository, the Kaze services and the agent definitions", () => {
        expect(props(d, "github:index/repository:Repository").map((r) => r.props.name).sort()).toEqual(["agent-estate", "kaze-agent-ops", "kaze-gateway", "kaze-knowledge", "kaze-runtime"]);
    });

    it("are private, topical, alerted on vulnerabilities, delete merged branches, and are protected from destroy", () => {
        for (const r of props(d, "github:index/repository:Repository")) {
            expect(r.props).toMatchObject({ visibility: "private", vulnerabilityAlerts: true, deleteBranchOnMerge: true, archiveOnDestroy: true });
            expect(r.props.topics.length).toBeGreaterThan(0);
            expect(r.protect && r.retainOnDelete, r.name).toBe(true);
            expect(r.provider).toMatch(/pulumi:providers:github::delivery-github::/);
        }
    });

    it("protect main on each: one approval, no force push or deletion, admins included, and only the checks that repository runs", () => {
        const protections = props(d, "github:index/branchProtection:BranchProtection");
        expect(protections).toHaveLength(5);
        for (const bp of protections) {
            expect(bp.props).toMatchObject({ pattern: "main", enforceAdmins: true, allowsForcePushes: false, allowsDeletions: false });
            expect(bp.props.requiredPullRequestReviews[0].requiredApprovingReviewCount).toBe(1);
        }
        const checks = Object.fromEntries(protections.map((p) => [p.props.repositoryId.replace("R_mock_", ""), p.props.requiredStatusChecks?.[0].contexts ?? []]));
        expect(checks).toEqual({
            "agent-estate": [PREVIEW_AND_POLICY_CHECK],
            "kaze-runtime": ["image / build (kaze-runtime)"],
            "kaze-gateway": ["image / build (kaze-gateway)"],
            "kaze-knowledge": ["image / build (kaze-knowledge)"],
            // It runs no workflow: a required check would never report and nothing could merge.
            "kaze-agent-ops": [],
        });
        expect(protections.map((p) => p.props.repositoryId).sort()).toEqual(["agent-estate", "kaze-agent-ops", "kaze-gateway", "kaze-knowledge", "kaze-runtime"].map((n) => `R_mock_${n}`));
    });

    it("give CI its Pulumi token as a secret Actions secret, and the org as a variable", () => {
        const secret = props(d, "github:index/actionsSecret:ActionsSecret").find((s) => s.props.secretName === "PULUMI_ACCESS_TOKEN")!;
        expect(secret.props).toEqual({ repository: "agent-estate", secretName: "PULUMI_ACCESS_TOKEN", value: SECRET_PLACEHOLDER });
        const orgVar = props(d, "github:index/actionsVariable:ActionsVariable").find((v) => v.props.variableName === "PULUMI_ORG");
        expect(orgVar?.props).toMatchObject({ repository: "agent-estate", value: "speedrun-ventures" });
    });

    it("have dev and prod environments, prod waiting for the platform team and only for protected branches", () => {
        const envs = props(d, "github:index/repositoryEnvironment:RepositoryEnvironment").filter((e) => e.props.repository === "kaze-runtime");
        expect(envs.map((e) => e.props.environment).sort()).toEqual(["dev", "prod"]);
        const prod = envs.find((e) => e.props.environment === "prod")!;
        expect(prod.props.reviewers).toEqual([{ teams: [9184467], users: [] }]);
        expect(prod.props.deploymentBranchPolicy).toEqual({ protectedBranches: true, customBranchPolicies: false });
        expect(prod.props.canAdminsBypass).toBe(false);
    });

    it("give no deploy key: every cell's git-sync reads the agent definitions over HTTPS with a token", () => {
        expect(props(d, "github:index/repositoryDeployKey:RepositoryDeployKey")).toEqual([]);
        for (const stack of ["dev", "prod"]) {
            const gitSync = rawStackConfig(stack).values.workloads["kaze-runtime"].sidecars.gitSync;
            expect(gitSync.repo).toMatch(/^https:\/\/github.com\/speedrun-ventures\/kaze-agent-ops$/);
            expect(gitSync.tokenKey).toBe("GIT_SYNC_TOKEN");
        }
    });

    it("commit to each service repository the workflow that builds its image with the estate's images.yml, before main is protected", () => {
        const files = props(d, "github:index/repositoryFile:RepositoryFile");
        expect(files.map((f) => f.props.repository).sort()).toEqual(["kaze-gateway", "kaze-knowledge", "kaze-runtime"]);
        const runtime = files.find((f) => f.props.repository === "kaze-runtime")!;
        expect(runtime.props).toMatchObject({ file: ".github/workflows/image.yml", branch: "main", overwriteOnCreate: true });
        const caller = parse(runtime.props.content);
        expect(caller.permissions).toEqual({ contents: "read", packages: "write" });
        expect(caller.jobs.image).toEqual({
            uses: "speedrun-ventures/agent-estate/.github/workflows/images.yml@main",
            with: { image: "kaze-runtime", registry: "ghcr.io/speedrun-ventures", context: ".", dockerfile: "Dockerfile", "pin-stacks": "dev" },
            secrets: { "pin-token": "${{ secrets.ESTATE_PIN_TOKEN }}" },
        });
        const protection = props(d, "github:index/branchProtection:BranchProtection").find((p) => p.props.repositoryId === "R_mock_kaze-runtime")!;
        expect(protection.dependencies).toContain(runtime.urn);
        expect(props(d, "github:index/actionsSecret:ActionsSecret").find((s) => s.props.repository === "kaze-runtime")?.props.secretName).toBe("ESTATE_PIN_TOKEN");
    });

    it("share the estate's workflows with the organization, which a private repository's reusable workflow needs", () => {
        expect(props(d, "github:index/actionsRepositoryAccessLevel:ActionsRepositoryAccessLevel").map((a) => a.props)).toEqual([{ repository: "agent-estate", accessLevel: "organization" }]);
    });

    it("grant the platform team maintain and the agents team push on every repository", () => {
        const access = props(d, "github:index/teamRepository:TeamRepository");
        expect(access).toHaveLength(10);
        expect(access.filter((a) => a.props.teamId === "platform").every((a) => a.props.permission === "maintain")).toBe(true);
        expect(access.filter((a) => a.props.teamId === "agents").every((a) => a.props.permission === "push")).toBe(true);
    });
});

describe("a broken delivery configuration", () => {
    const cases: Array<[string, (v: Record<string, any>, secrets: Set<string>) => void, string, RegExp]> = [
        ["the delivery stack deploying itself", (v) => (v.delivery.stacks.delivery = { environment: "prod", reach: { public: { reason: "Pulumi Cloud and GitHub only" } } }), "agent-estate:delivery.stacks.delivery", /this stack itself/],
        ["an agent pool that is not declared", (v) => (v.delivery.stacks.rooster.reach.agentPool = "elsewhere"), "agent-estate:delivery.stacks.rooster.reach.agentPool", /not one of agent-estate:delivery.agentPools/],
        ["a stack that does not say how it is reached", (v) => delete v.delivery.stacks.prod.reach, "agent-estate:delivery.stacks.prod.reach", /required/],
        ["a stack reached two ways", (v) => (v.delivery.stacks.rooster.reach.tailnet = { oauthSecret: "tailscaleCiOauthSecret" }), "agent-estate:delivery.stacks.rooster.reach", /names agentPool and tailnet; a stack is reached one way/],
        ["a tailnet OAuth secret that is not set", (v) => (v.delivery.stacks.dev.reach.tailnet.oauthSecret = "tsSecret"), "agent-estate:delivery.stacks.dev.reach.tailnet.oauthSecret", /agent-estate:tsSecret, which is not set/],
        ["a pin for a stack that is not deployed", (v) => (v.github.repositories["kaze-runtime"].imageWorkflow.pinStacks = ["staging"]), "agent-estate:github.repositories.kaze-runtime.imageWorkflow.pinStacks.0", /"staging" is not one of agent-estate:delivery.stacks/],
        ["pins without the token that opens their pull request", (v) => (v.github.repositories["kaze-runtime"].actionsSecrets = {}), "agent-estate:github.repositories.kaze-runtime.imageWorkflow.pinStacks", /needs the Actions secret ESTATE_PIN_TOKEN/],
        ["a deployment secret that is not set", (v) => (v.delivery.stacks.dev.secretEnvironment.CLOUD_TOKEN = "cloudToken"), "agent-estate:delivery.stacks.dev.secretEnvironment.CLOUD_TOKEN", /agent-estate:cloudToken, which is not set/],
        ["a deployment secret stored in plaintext", (_v, s) => s.delete("kazeDevKubeconfig"), "agent-estate:kazeDevKubeconfig", /plaintext/],
        ["the Pulumi token in plaintext", (_v, s) => s.delete("pulumiAccessToken"), "agent-estate:pulumiAccessToken", /plaintext/],
        ["no Pulumi token", (v, s) => (delete v.pulumiAccessToken, s.delete("pulumiAccessToken")), "agent-estate:pulumiAccessToken", /required when agent-estate:delivery is set/],
        ["no GitHub token", (v, s) => (delete v.githubToken, s.delete("githubToken")), "agent-estate:githubToken", /required when agent-estate:github is set/],
        ["an unused secret", (v, s) => ((v.strayToken = "x"), s.add("strayToken")), "agent-estate:strayToken", /no deployment or repository uses/],
        ["a drift schedule that is not cron", (v) => (v.delivery.drift.schedule = "hourly"), "agent-estate:delivery.drift.schedule", /five-field cron/],
        ["a repository without a description", (v) => delete v.github.repositories["kaze-runtime"].description, "agent-estate:github.repositories.kaze-runtime.description", /required/],
        ["zero required approvals", (v) => (v.github.requiredApprovals = 0), "agent-estate:github.requiredApprovals", /never merged unreviewed/],
        ["a deploy key that is not a public key", (v) => (v.github.repositories["kaze-agent-ops"].deployKeys = { "git-sync kaze-dev": "-----BEGIN OPENSSH PRIVATE KEY-----" }), 'agent-estate:github.repositories.kaze-agent-ops.deployKeys.git-sync kaze-dev', /OpenSSH public key/],
        ["an unknown team permission", (v) => (v.github.teams.platform = "write"), "agent-estate:github.teams.platform", /"maintain"/],
        ["a misspelt key", (v) => (v.delivery.stack = {}), "agent-estate:delivery.stack", /not a key the delivery stack reads/],
    ];

    it.each(cases)("%s is reported with its key and a fix", (_title, breaks, key, says) => {
        const raw = deliveryRaw();
        breaks(raw.values, raw.secretKeys);
        const error = problemsOf(raw);
        const problem = error.problems.find((p) => p.key === key);
        expect(problem, `problems were: ${error.message}`).toBeDefined();
        expect(problem!.message).toMatch(says);
    });

    it("accepts the committed delivery stack", () => {
        expect(() => parseDeliveryConfig(deliveryRaw())).not.toThrow();
    });
});

describe("the gateway's WORKSPACE_DENY_REPOS", () => {
    const delivery = rawStackConfig("delivery").values;
    const estate = new Set(Object.keys(delivery.github.repositories).map((r) => `${delivery.github.owner}/${r}`));

    it.each(["dev", "prod"])("%s: names the infrastructure repository, and only repositories the estate has", (stack) => {
        const denied = String(rawStackConfig(stack).values.workloads["kaze-gateway"].env.WORKSPACE_DENY_REPOS).split(",");
        expect(denied).toContain("speedrun-ventures/agent-estate");
        expect(denied.filter((r) => !estate.has(r))).toEqual([]);
    });
});
