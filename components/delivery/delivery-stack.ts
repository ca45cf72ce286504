import * as fs from "node:fs";
import * as path from "node:path";
import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import * as pulumiservice from "@pulumi/pulumiservice";
import { DeliveryStackConfig } from "../../config/delivery";
import { childName } from "../naming";
import { PREVIEW_AND_POLICY_CHECK } from "./checks";
import { StackDeployment } from "./deployment-settings";
import { IMAGE_CALLER_PATH, imageBuildCheck, imageCallerWorkflow } from "./image-workflow";
import { GitHubRepository } from "./github-repository";

export interface DeliveryStackArgs {
    /** The validated configuration of the delivery stack. */
    config: DeliveryStackConfig;
}

/**
 * The delivery stack: how the cell stacks are deployed, declared from a separate stack so that no
 * stack manages its own deployment settings. It holds Pulumi Deployments settings and drift schedules
 * per cell stack, self-hosted agent pools for customer-VPC cells, the policy groups that bind the
 * CrossGuard pack to each environment's stacks with that environment's config, and the estate's GitHub repositories (estate-wide, so owned by one
 * stack rather than fought over by every cell).
 */
export class DeliveryStack extends pulumi.ComponentResource {
    readonly agentPools: Readonly<Record<string, pulumiservice.AgentPool>>;
    readonly deployments: Readonly<Record<string, StackDeployment>>;
    /** The policy group of each environment the stacks use, binding the pack with its `policy/config/<env>.json`. */
    readonly policyGroups: Readonly<Record<string, pulumiservice.PolicyGroup>>;
    readonly repositories: Readonly<Record<string, GitHubRepository>>;

    constructor(name: string, args: DeliveryStackArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agent-estate:delivery:DeliveryStack", name, {}, opts);
        const cfg = args.config;
        const d = cfg.delivery;

        const service = new pulumiservice.Provider(childName(name, "pulumiservice"), { accessToken: cfg.secrets.pulumiAccessToken }, { parent: this });
        const serviceOpts = { parent: this, providers: { pulumiservice: service } };
        const serviceResourceOpts = { parent: this, provider: service };

        this.agentPools = Object.fromEntries(
            Object.entries(d.agentPools).map(([pool, spec]) => [
                pool,
                new pulumiservice.AgentPool(childName(name, `pool-${pool}`), { organizationName: d.organization, name: pool, description: spec.description }, serviceResourceOpts),
            ]),
        );

        this.deployments = Object.fromEntries(
            Object.entries(d.stacks).map(([stack, s]) => [
                stack,
                new StackDeployment(
                    childName(name, `deploy-${stack}`),
                    {
                        organization: d.organization,
                        project: d.project,
                        stack,
                        repository: d.repository,
                        branch: d.branch,
                        deployOnPush: s.deployOnPush,
                        previewPullRequests: s.previewPullRequests,
                        paths: s.paths,
                        reach:
                            s.reach.agentPool !== undefined
                                ? { agentPoolId: this.agentPools[s.reach.agentPool].agentPoolId }
                                : s.reach.tailnet !== undefined
                                  ? { tailnet: { tags: s.reach.tailnet.tags, oauthSecret: secretOf(cfg, s.reach.tailnet.oauthSecret) } }
                                  : undefined,
                        secretEnvironment: Object.fromEntries(Object.entries(s.secretEnvironment).map(([env, key]) => [env, secretOf(cfg, key)])),
                        preRunCommands: s.preRunCommands,
                        driftSchedule: s.detectDrift ? d.drift.schedule : undefined,
                        autoRemediate: d.drift.autoRemediate,
                    },
                    serviceOpts,
                ),
            ]),
        );

        // One policy group per environment, binding the pack with that environment's policy/config/<env>.json:
        // without it the pack's defaults (every policy mandatory, no exceptions) would judge every stack.
        const environments = [...new Set(Object.values(d.stacks).map((s) => s.environment))].sort();
        this.policyGroups = Object.fromEntries(
            environments.map((env) => [
                env,
                new pulumiservice.PolicyGroup(
                    childName(name, `${env}-policy`),
                    {
                        organizationName: d.organization,
                        name: `${d.project}-${env}`,
                        entityType: "stacks",
                        mode: "preventative",
                        stacks: Object.entries(d.stacks)
                            .filter(([, s]) => s.environment === env)
                            .map(([stack]) => ({ name: stack, routingProject: d.project })),
                        policyPacks: [{ name: d.policyPack.name, versionTag: d.policyPack.versionTag, config: policyPackConfig(env) }],
                    },
                    { ...serviceResourceOpts, dependsOn: Object.entries(d.stacks).filter(([, s]) => s.environment === env).map(([stack]) => this.deployments[stack].stack) },
                ),
            ]),
        );

        const gh = cfg.github;
        if (gh === undefined) {
            this.repositories = {};
        } else {
            const provider = new github.Provider(childName(name, "github"), { owner: gh.owner, token: cfg.secrets.githubToken }, { parent: this });
            const ghOpts = { parent: this, providers: { github: provider } };
            const [estateOwner, estateName] = d.repository.split("/");
            const isEstate = (repo: string) => estateOwner === gh.owner && repo === estateName;
            const anyImage = Object.values(gh.repositories).some((r) => r.imageWorkflow !== undefined);
            this.repositories = Object.fromEntries(
                Object.entries(gh.repositories).map(([repo, r]) => [
                    repo,
                    new GitHubRepository(
                        childName(name, `repo-${repo}`),
                        {
                            name: repo,
                            description: r.description,
                            visibility: r.visibility,
                            topics: r.topics,
                            requiredChecks: r.requiredChecks ?? requiredChecksOf(isEstate(repo), r.imageWorkflow?.image),
                            files: r.imageWorkflow ? { [IMAGE_CALLER_PATH]: imageCallerWorkflow(d.repository, d.branch, r.imageWorkflow) } : {},
                            shareWorkflows: isEstate(repo) && anyImage,
                            requiredApprovals: gh.requiredApprovals,
                            actionsSecrets: Object.fromEntries(Object.entries(r.actionsSecrets).map(([n, key]) => [n, secretOf(cfg, key)])),
                            actionsVariables: r.actionsVariables,
                            environments: gh.environments,
                            deployKeys: r.deployKeys,
                            teams: gh.teams,
                        },
                        ghOpts,
                    ),
                ]),
            );
        }

        this.registerOutputs({ stacks: Object.keys(this.deployments), repositories: Object.keys(this.repositories) });
    }
}

/** The checks a repository runs on a pull request: the estate's gate, or its image build, or none. */
export function requiredChecksOf(isEstate: boolean, image: string | undefined): string[] {
    return [...(isEstate ? [PREVIEW_AND_POLICY_CHECK] : []), ...(image !== undefined ? [imageBuildCheck(image)] : [])];
}

/** A secret config key of the delivery stack; the config parse has checked that each referenced key is set. */
function secretOf(cfg: DeliveryStackConfig, key: string): pulumi.Output<string> {
    const value = cfg.secrets[key];
    if (value === undefined) throw new Error(`agent-estate:${key} is not set; the delivery config parse should have refused this stack`);
    return value;
}

/** The policy pack's config for an environment, the very file `npm run plan` and `--policy-pack-config` use. */
export function policyPackConfig(environment: string): Record<string, unknown> {
    const file = path.join(__dirname, "..", "..", "policy", "config", `${environment}.json`);
    if (!fs.existsSync(file)) throw new Error(`${file} does not exist: every environment a stack uses needs its policy config`);
    return JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
}
