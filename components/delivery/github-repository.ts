import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import { childName } from "../naming";
import { stateOptions } from "../state";
import { PREVIEW_AND_POLICY_CHECK } from "./checks";

/** A repository environment (`dev`, `prod`). */
export interface RepositoryEnvironmentSpec {
    /** Numeric ids of teams and users who must approve a job using it. @default - none */
    reviewers?: { teams?: number[]; users?: number[] };
    /** Only protected branches may deploy to it. @default true */
    protectedBranchesOnly?: boolean;
}

export interface GitHubRepositoryArgs {
    /** Repository name. */
    name: string;
    description: string;
    /** @default "private" */
    visibility?: "private" | "internal" | "public";
    /** @default [] */
    topics?: string[];
    /** Status checks required on main. @default [PREVIEW_AND_POLICY_CHECK] */
    requiredChecks?: string[];
    /** Approving reviews a pull request needs. @default 1 */
    requiredApprovals?: number;
    /** Actions secrets by name; values are Pulumi secrets and stay secret. @default {} */
    actionsSecrets?: Record<string, pulumi.Output<string>>;
    /** Actions variables by name. @default {} */
    actionsVariables?: Record<string, string>;
    /** Environments by name. @default {} */
    environments?: Record<string, RepositoryEnvironmentSpec>;
    /** Read-only deploy keys: title → OpenSSH public key. @default {} */
    deployKeys?: Record<string, string>;
    /** Team slug → permission. @default {} */
    teams?: Record<string, "pull" | "triage" | "push" | "maintain" | "admin">;
    /**
     * Protect the repository from `pulumi destroy` and keep it when removed from the program.
     * @default true - a repository is history; it is archived on destroy in any case
     */
    protectState?: boolean;
}

/**
 * One repository of the estate with the settings every estate repository shares: vulnerability
 * alerts, branches deleted on merge, main protected (reviews, the preview-and-policy check, no force
 * push, no deletion, admins included), plus its Actions secrets and variables, environments,
 * read-only deploy keys and team access.
 */
export class GitHubRepository extends pulumi.ComponentResource {
    readonly repository: github.Repository;
    readonly protection: github.BranchProtection;
    readonly environments: Readonly<Record<string, github.RepositoryEnvironment>>;

    constructor(name: string, args: GitHubRepositoryArgs, opts: pulumi.ComponentResourceOptions) {
        super("agent-estate:delivery:GitHubRepository", name, {}, opts);

        this.repository = new github.Repository(
            name,
            {
                name: args.name,
                description: args.description,
                visibility: args.visibility ?? "private",
                topics: args.topics ?? [],
                vulnerabilityAlerts: true,
                deleteBranchOnMerge: true,
                allowMergeCommit: false,
                hasWiki: false,
                archiveOnDestroy: true,
            },
            { parent: this, ...stateOptions(args.protectState ?? true) },
        );
        const repo = this.repository.name;

        this.protection = new github.BranchProtection(
            childName(name, "main"),
            {
                repositoryId: this.repository.nodeId,
                pattern: "main",
                enforceAdmins: true,
                allowsForcePushes: false,
                allowsDeletions: false,
                requireConversationResolution: true,
                requiredPullRequestReviews: [{ requiredApprovingReviewCount: args.requiredApprovals ?? 1, dismissStaleReviews: true }],
                requiredStatusChecks: [{ strict: true, contexts: args.requiredChecks ?? [PREVIEW_AND_POLICY_CHECK] }],
            },
            { parent: this },
        );

        for (const [secretName, value] of Object.entries(args.actionsSecrets ?? {})) {
            // `value` is the provider's non-deprecated input (plaintextValue is deprecated); the SDK keeps it secret.
            new github.ActionsSecret(childName(name, `secret-${secretName.toLowerCase()}`), { repository: repo, secretName, value: pulumi.secret(value) }, { parent: this });
        }
        for (const [variableName, value] of Object.entries(args.actionsVariables ?? {})) {
            new github.ActionsVariable(childName(name, `var-${variableName.toLowerCase()}`), { repository: repo, variableName, value }, { parent: this });
        }
        this.environments = Object.fromEntries(
            Object.entries(args.environments ?? {}).map(([env, spec]) => {
                const onlyProtected = spec.protectedBranchesOnly ?? true;
                const reviewers = spec.reviewers && ((spec.reviewers.teams?.length ?? 0) > 0 || (spec.reviewers.users?.length ?? 0) > 0) ? [{ teams: spec.reviewers.teams ?? [], users: spec.reviewers.users ?? [] }] : undefined;
                return [
                    env,
                    new github.RepositoryEnvironment(
                        childName(name, `env-${env}`),
                        {
                            repository: repo,
                            environment: env,
                            reviewers,
                            preventSelfReview: reviewers !== undefined,
                            canAdminsBypass: false,
                            deploymentBranchPolicy: onlyProtected ? { protectedBranches: true, customBranchPolicies: false } : undefined,
                        },
                        { parent: this },
                    ),
                ];
            }),
        );
        for (const [title, key] of Object.entries(args.deployKeys ?? {})) {
            new github.RepositoryDeployKey(childName(name, `key-${title.toLowerCase().replace(/[^a-z0-9-]+/g, "-")}`), { repository: repo, title, key, readOnly: true }, { parent: this });
        }
        for (const [team, permission] of Object.entries(args.teams ?? {})) {
            new github.TeamRepository(childName(name, `team-${team}`), { repository: repo, teamId: team, permission }, { parent: this });
        }

        this.registerOutputs({ name: repo, fullName: this.repository.fullName });
    }
}
