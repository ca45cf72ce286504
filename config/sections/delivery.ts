import { z } from "zod";
import { dnsLabel } from "./primitives";

const envName = z.string().regex(/^[A-Z][A-Z0-9_]*$/, { error: 'must be an upper-case environment variable name such as "KUBECONFIG_DATA"' });
const secretKeyName = z.string().regex(/^[a-z][A-Za-z0-9]*$/, { error: 'must name a secret config key of this stack, e.g. "kazeDevKubeconfig"' });
const stackName = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, { error: 'must be a stack name, e.g. "prod"' });
/** Five-field cron, as Pulumi Deployments schedules take it. */
const cron = z.string().regex(/^(\S+\s+){4}\S+$/, { error: 'must be a five-field cron expression, e.g. "0 */6 * * *"' });

const tailscaleTag = z.string().regex(/^tag:[a-z0-9][a-z0-9-]*$/, { error: 'must be a Tailscale tag, e.g. "tag:ci"' });

/**
 * How a deployment of the stack reaches its private endpoints (API server, Vault, BIG-IP): exactly one way.
 * The providers connect when they are configured (Vault creates a child token, the BIG-IP provider logs in),
 * so a runner that cannot reach them fails every preview.
 */
export const stackReach = z
    .strictObject({
        agentPool: dnsLabel
            .optional()
            .describe("Run on this self-hosted agent pool of `agent-estate:delivery.agentPools`, inside the cell's network. Its pull-request previews come from Pulumi Deployments, not from pr.yml."),
        tailnet: z
            .strictObject({
                tags: z.array(tailscaleTag).min(1).default(["tag:ci"]).describe('The tags the ephemeral CI node advertises (the tailnet ACL grants them the cell). Default: ["tag:ci"].'),
                oauthSecret: secretKeyName.describe("The secret config key of this (delivery) stack holding a Tailscale OAuth client secret allowed to create keys for those tags, e.g. tailscaleCiOauthSecret."),
            })
            .optional()
            .describe("Join the tailnet as an ephemeral, pre-authorized node for the run (Pulumi-hosted runners; pr.yml joins with tailscale/github-action); the kubeconfig then names the cluster by its tailnet address."),
        public: z
            .strictObject({ reason: z.string().min(10, { error: "must say why this stack's endpoints may be reached from the internet" }).describe("Why its endpoints are reachable from anywhere.") })
            .optional()
            .describe("The stack's endpoints are reachable from Pulumi-hosted runners as they are; say why."),
    })
    .superRefine((r, ctx) => {
        const ways = (["agentPool", "tailnet", "public"] as const).filter((k) => r[k] !== undefined);
        if (ways.length !== 1) {
            ctx.addIssue({
                code: "custom",
                message: ways.length === 0 ? "must say how a deployment reaches the cell: one of agentPool, tailnet or public, e.g. {tailnet: {oauthSecret: tailscaleCiOauthSecret}}" : `names ${ways.join(" and ")}; a stack is reached one way`,
            });
        }
    });

/** How one cell stack of the project is deployed from git. */
export const stackDeploymentSpec = z.strictObject({
    environment: z
        .enum(["dev", "staging", "prod"], { error: 'must be one of "dev", "staging" or "prod"' })
        .describe("The stack's environment class; prod stacks get the policy pack bound in preventative mode."),
    deployOnPush: z.boolean().default(true).describe("Run `pulumi up` on every push to the branch that touches `paths`. Default: true."),
    previewPullRequests: z.boolean().default(true).describe("Run `pulumi preview` on every pull request. Default: true."),
    paths: z.array(z.string().min(1)).optional().describe("Path filters; a push elsewhere does not deploy. Default: the program's code and this stack's file."),
    reach: stackReach,
    secretEnvironment: z
        .record(envName, secretKeyName)
        .default({})
        .describe("Environment variables of the deployment whose values are secret config keys of this (delivery) stack, e.g. { KUBECONFIG_DATA: kazeDevKubeconfig }. Default: {}."),
    preRunCommands: z
        .array(z.string().min(1))
        .default([])
        .describe("Commands run before the Pulumi operation, e.g. writing the kubeconfig from a secret variable. Default: []."),
    detectDrift: z.boolean().default(true).describe("Drift detection on `agent-estate:delivery.drift.schedule`. Default: true."),
});

/** `agent-estate:delivery`: Pulumi Deployments for the cell stacks. Its presence makes this stack the delivery stack. */
export const deliverySection = z
    .strictObject({
        organization: z
            .string()
            .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { error: 'must be a Pulumi organization, e.g. "speedrun-ventures"' })
            .describe("Pulumi Cloud organization."),
        project: z.string().min(1).default("agent-estate").describe('The project whose stacks are deployed. Default: "agent-estate".'),
        repository: z
            .string()
            .regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, { error: 'must be "owner/name", e.g. "speedrun-ventures/agent-estate"' })
            .describe("The GitHub repository holding the program, `owner/name`."),
        branch: z.string().min(1).default("main").describe('The branch that deploys. Default: "main".'),
        policyPack: z
            .strictObject({
                name: z.string().min(1).default("agent-estate").describe('Name of the published policy pack. Default: "agent-estate".'),
                versionTag: z.string().min(1).optional().describe("A published version tag. Default: the latest published."),
            })
            .default({ name: "agent-estate" })
            .describe("The CrossGuard pack bound to prod stacks (published with `pulumi policy publish`)."),
        drift: z
            .strictObject({
                schedule: cron.default("0 */6 * * *").describe('When drift detection runs, a five-field cron. Default: "0 */6 * * *".'),
                autoRemediate: z.boolean().default(false).describe("Run `pulumi up` when drift is found. Default: false, a human reads the report first."),
            })
            .default({ schedule: "0 */6 * * *", autoRemediate: false })
            .describe("Drift detection of the stacks that set detectDrift. Default: every 6 hours, report only."),
        agentPools: z
            .record(
                dnsLabel,
                z
                    .strictObject({ description: z.string().min(1).describe("What the pool is for and where its agents run.") })
                    .describe("A self-hosted Pulumi Deployments agent pool."),
            )
            .default({})
            .describe("Self-hosted agent pools by name. Default: {}."),
        stacks: z
            .record(stackName, stackDeploymentSpec.describe("How one cell stack of the project is deployed from git."))
            .refine((s) => Object.keys(s).length > 0, { error: "must list at least one stack to deploy, e.g. {dev: {environment: dev}}" })
            .describe("The stacks to deploy, by stack name (never the delivery stack itself); at least one."),
    })
    .superRefine((d, ctx) => {
        for (const [stack, s] of Object.entries(d.stacks)) {
            if (s.reach.agentPool !== undefined && !(s.reach.agentPool in d.agentPools)) {
                ctx.addIssue({ code: "custom", path: ["stacks", stack, "reach", "agentPool"], message: `"${s.reach.agentPool}" is not one of agent-estate:delivery.agentPools (${Object.keys(d.agentPools).join(", ") || "none"}); declare it there` });
            }
        }
    });
