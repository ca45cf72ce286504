import { z } from "zod";
import { dnsLabel } from "./primitives";

const envName = z.string().regex(/^[A-Z][A-Z0-9_]*$/, { error: 'must be an upper-case environment variable name such as "KUBECONFIG_DATA"' });
const secretKeyName = z.string().regex(/^[a-z][A-Za-z0-9]*$/, { error: 'must name a secret config key of this stack, e.g. "kazeDevKubeconfig"' });
const stackName = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, { error: 'must be a stack name, e.g. "prod"' });
/** Five-field cron, as Pulumi Deployments schedules take it. */
const cron = z.string().regex(/^(\S+\s+){4}\S+$/, { error: 'must be a five-field cron expression, e.g. "0 */6 * * *"' });

/** How one cell stack of the project is deployed from git. */
export const stackDeploymentSpec = z.strictObject({
    /** The stack's environment class: prod stacks get the policy pack bound in preventative mode. */
    environment: z.enum(["dev", "staging", "prod"], { error: 'must be one of "dev", "staging" or "prod"' }),
    /** `pulumi up` on every push to the branch that touches `paths`. @default true */
    deployOnPush: z.boolean().default(true),
    /** `pulumi preview` on every pull request. @default true */
    previewPullRequests: z.boolean().default(true),
    /** Path filters; a push elsewhere does not deploy. @default - the program's code and this stack's file */
    paths: z.array(z.string().min(1)).optional(),
    /** An agent pool of `agent-estate:delivery.agentPools` for a cell whose API server only a self-hosted agent can reach. @default - Pulumi-hosted */
    agentPool: dnsLabel.optional(),
    /** Environment variables of the deployment whose values are secret config keys of this (delivery) stack. @default {} */
    secretEnvironment: z.record(envName, secretKeyName).default({}),
    /** Commands run before the Pulumi operation, e.g. writing the kubeconfig from a secret variable. @default [] */
    preRunCommands: z.array(z.string().min(1)).default([]),
    /** Drift detection on `agent-estate:delivery.drift.schedule`. @default true */
    detectDrift: z.boolean().default(true),
});
export type StackDeploymentSpec = z.infer<typeof stackDeploymentSpec>;

/** `agent-estate:delivery`: Pulumi Deployments for the cell stacks. Its presence makes this stack the delivery stack. */
export const deliverySection = z
    .strictObject({
        /** Pulumi Cloud organization. */
        organization: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { error: 'must be a Pulumi organization, e.g. "speedrun-ventures"' }),
        /** The project whose stacks are deployed. @default "agent-estate" */
        project: z.string().min(1).default("agent-estate"),
        /** The GitHub repository holding the program, `owner/name`. */
        repository: z.string().regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, { error: 'must be "owner/name", e.g. "speedrun-ventures/agent-estate"' }),
        /** The branch that deploys. @default "main" */
        branch: z.string().min(1).default("main"),
        /** The CrossGuard pack bound to prod stacks (published with `pulumi policy publish`). */
        policyPack: z
            .strictObject({
                /** @default "agent-estate" */
                name: z.string().min(1).default("agent-estate"),
                /** A published version tag. @default - the latest published */
                versionTag: z.string().min(1).optional(),
            })
            .default({ name: "agent-estate" }),
        /** Drift detection. @default - every 6 hours, report only */
        drift: z
            .strictObject({
                /** @default "0 *\/6 * * *" */
                schedule: cron.default("0 */6 * * *"),
                /** Run `pulumi up` when drift is found. @default false - a human reads the report first */
                autoRemediate: z.boolean().default(false),
            })
            .default({ schedule: "0 */6 * * *", autoRemediate: false }),
        /** Self-hosted agent pools by name. @default {} */
        agentPools: z.record(dnsLabel, z.strictObject({ description: z.string().min(1) })).default({}),
        /** The stacks to deploy, by stack name. */
        stacks: z.record(stackName, stackDeploymentSpec).refine((s) => Object.keys(s).length > 0, { error: "must list at least one stack to deploy, e.g. {dev: {environment: dev}}" }),
    })
    .superRefine((d, ctx) => {
        for (const [stack, s] of Object.entries(d.stacks)) {
            if (s.agentPool !== undefined && !(s.agentPool in d.agentPools)) {
                ctx.addIssue({ code: "custom", path: ["stacks", stack, "agentPool"], message: `"${s.agentPool}" is not one of agent-estate:delivery.agentPools (${Object.keys(d.agentPools).join(", ") || "none"}); declare it there` });
            }
        }
    });
export type DeliveryConfig = z.infer<typeof deliverySection>;
