import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import { childName } from "../naming";
import { stateOptions } from "../state";

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
    /** Status checks required on main: jobs the repository runs. @default [] - none (no check would ever report) */
    requiredChecks?: string[];
    /**
     * Files committed to main before its protection applies (the caller of the estate's image workflow):
     * path → content. @default {}
     */
    files?: Record<string, string>;
    /** Let other repositories of the organization call this repository's reusable workflows. @default false */
    shareWorkflows?: boolean;
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
 * alerts, branches deleted on merge, main protected (reviews, the checks the repository runs, no force
 * push, no deletion, admins included), plus its Actions secrets and variables, environments,
 * read-only deploy keys, team access and the workflow files the estate commits to it.
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

        // Committed before main is protected: with admins enforced, no token pushes to a protected main.
        const files = Object.entries(args.files ?? {}).map(
            ([file, content]) =>
                new github.RepositoryFile(
                    childName(name, `file-${file.replace(/^\.github\/workflows\//, "").replace(/[^A-Za-z0-9-]+/g, "-").toLowerCase()}`),
                    { repository: repo, branch: "main", file, content, commitMessage: `${file}: managed by agent-estate's delivery stack`, overwriteOnCreate: true },
                    { parent: this },
                ),
        );
        if (args.shareWorkflows) {
            new github.ActionsRepositoryAccessLevel(childName(name, "workflow-access"), { repository: repo, accessLevel: "organization" }, { parent: this });
        }
        const checks = args.requiredChecks ?? [];

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
                // A required check nothing runs would block every merge: none is required then.
                requiredStatusChecks: checks.length > 0 ? [{ strict: true, contexts: checks }] : undefined,
            },
            { parent: this, dependsOn: files },
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
