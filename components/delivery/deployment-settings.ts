import * as pulumi from "@pulumi/pulumi";
import * as pulumiservice from "@pulumi/pulumiservice";
import { childName } from "../naming";
import { TAILNET_OAUTH_ENV, tailnetJoin } from "./tailnet-join";

/** The paths whose change can alter any cell: the program, its dependencies and the project file. */
export const PROGRAM_PATHS = ["index.ts", "components/**", "config/**", "Pulumi.yaml", "package.json", "package-lock.json"];

export interface StackDeploymentArgs {
    organization: string;
    project: string;
    stack: string;
    /** GitHub repository, `owner/name`. */
    repository: string;
    /** @default "main" */
    branch?: string;
    /** `pulumi up` on push. @default true */
    deployOnPush?: boolean;
    /** `pulumi preview` on pull requests. @default true */
    previewPullRequests?: boolean;
    /** Path filters. @default - {@link PROGRAM_PATHS} and `Pulumi.<stack>.yaml` */
    paths?: string[];
    /**
     * How the run reaches the cell's private endpoints: a self-hosted agent pool's id, or joining the tailnet
     * (an ephemeral tagged node from a Tailscale OAuth client secret), or neither for endpoints reachable
     * from anywhere. @default - Pulumi-hosted runners, no tailnet
     */
    reach?: { agentPoolId: pulumi.Input<string> } | { tailnet: { tags: string[]; oauthSecret: pulumi.Output<string> } };
    /** Secret environment variables of the deployment (kubeconfig, cloud credentials). @default {} */
    secretEnvironment?: Record<string, pulumi.Output<string>>;
    /** Commands before the operation. @default [] */
    preRunCommands?: string[];
    /** A drift-detection cron; unset turns drift detection off for this stack. @default - none */
    driftSchedule?: string;
    /** Run `pulumi up` when drift is found. @default false */
    autoRemediate?: boolean;
}

/**
 * How one stack is deployed by Pulumi Deployments: from git on push (and previewed on pull requests),
 * with its credentials as secret environment variables held by Pulumi Cloud (never in the
 * repository), optionally on a self-hosted agent pool, and checked for drift on a schedule.
 */
export class StackDeployment extends pulumi.ComponentResource {
    /** The stack itself: settings and schedules of a stack that does not exist fail with 404, so it comes first. */
    readonly stack: pulumiservice.Stack;
    readonly settings: pulumiservice.DeploymentSettings;
    readonly drift?: pulumiservice.DriftSchedule;

    constructor(name: string, args: StackDeploymentArgs, opts: pulumi.ComponentResourceOptions) {
        super("agent-estate:delivery:StackDeployment", name, {}, opts);
        const target = { organization: args.organization, project: args.project, stack: args.stack };
        const { environmentVariables, preRunCommands } = operationContextOf(args);

        // Kept when the delivery stack lets go of it (retainOnDelete): a cell's stack and its state outlive its deployment settings.
        this.stack = new pulumiservice.Stack(
            childName(name, "stack"),
            { organizationName: args.organization, projectName: args.project, stackName: args.stack },
            { parent: this, protect: true, retainOnDelete: true },
        );
        this.settings = new pulumiservice.DeploymentSettings(
            childName(name, "settings"),
            {
                ...target,
                agentPoolId: args.reach !== undefined && "agentPoolId" in args.reach ? args.reach.agentPoolId : undefined,
                vcs: {
                    provider: "github",
                    repository: args.repository,
                    deployCommits: args.deployOnPush ?? true,
                    previewPullRequests: args.previewPullRequests ?? true,
                    paths: args.paths ?? [...PROGRAM_PATHS, `Pulumi.${args.stack}.yaml`],
                },
                sourceContext: { git: { branch: `refs/heads/${args.branch ?? "main"}` } },
                operationContext: {
                    environmentVariables,
                    preRunCommands,
                    options: { skipIntermediateDeployments: true },
                },
                cacheOptions: { enable: true },
            },
            { parent: this, dependsOn: [this.stack] },
        );

        if (args.driftSchedule !== undefined) {
            this.drift = new pulumiservice.DriftSchedule(
                childName(name, "drift"),
                { ...target, scheduleCron: args.driftSchedule, autoRemediate: args.autoRemediate ?? false },
                { parent: this, dependsOn: [this.stack, this.settings] },
            );
        }
        this.registerOutputs({ stack: `${args.organization}/${args.project}/${args.stack}` });
    }
}

/**
 * The environment and pre-run commands of a stack's deployment: joining the tailnet first when that is how the
 * cell is reached (the commands after it, such as writing the kubeconfig, may need the cell), then the stack's own.
 */
export function operationContextOf(args: Pick<StackDeploymentArgs, "stack" | "reach" | "secretEnvironment" | "preRunCommands">): {
    environmentVariables: Record<string, pulumi.Input<string>>;
    preRunCommands: string[];
} {
    const tailnet = args.reach !== undefined && "tailnet" in args.reach ? args.reach.tailnet : undefined;
    const join = tailnet ? tailnetJoin(args.stack, tailnet.tags) : undefined;
    return {
        environmentVariables: {
            ...join?.environment,
            ...Object.fromEntries(Object.entries(args.secretEnvironment ?? {}).map(([k, v]) => [k, pulumi.secret(v)])),
            ...(tailnet ? { [TAILNET_OAUTH_ENV]: pulumi.secret(tailnet.oauthSecret) } : {}),
        },
        preRunCommands: [...(join?.preRunCommands ?? []), ...(args.preRunCommands ?? [])],
    };
}
