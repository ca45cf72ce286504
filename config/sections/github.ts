import { z } from "zod";
import { dnsLabel } from "./primitives";

const envName = z.string().regex(/^[A-Z][A-Z0-9_]*$/, { error: 'must be an upper-case name such as "PULUMI_ACCESS_TOKEN"' });
const secretKeyName = z.string().regex(/^[a-z][A-Za-z0-9]*$/, { error: 'must name a secret config key of this stack, e.g. "pulumiAccessToken"' });
const githubId = z.number().int().positive({ error: "must be a numeric GitHub id (users: `gh api users/<login> -q .id`; teams: `gh api orgs/<org>/teams/<slug> -q .id`)" });

/** A repository environment; a protected one waits for a reviewer before a job that uses it runs. */
export const environmentSpec = z.strictObject({
    reviewers: z
        .strictObject({
            teams: z.array(githubId).default([]).describe("Numeric ids of the teams who may approve. Default: []."),
            users: z.array(githubId).default([]).describe("Numeric ids of the users who may approve. Default: []."),
        })
        .optional()
        .describe("Numeric ids of the teams and users who may approve. Default: no required reviewers."),
    protectedBranchesOnly: z.boolean().default(true).describe("Only protected branches (main) may deploy to it. Default: true."),
});

/** The Actions secret a service repository hands images.yml for the pin pull request (a token that may push branches to the estate). */
export const PIN_TOKEN_SECRET = "ESTATE_PIN_TOKEN";

/** One repository of the estate, keyed by its name. */
export const repositorySpec = z.strictObject({
    description: z.string().min(1, { error: "must describe the repository in a sentence" }).describe("The repository's description on GitHub, one sentence."),
    visibility: z
        .enum(["private", "internal", "public"], { error: 'must be "private", "internal" or "public"' })
        .default("private")
        .describe('Repository visibility. Default: "private".'),
    topics: z
        .array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,49}$/, { error: 'must be a GitHub topic: lower-case letters, digits and "-", e.g. "ai-agents"' }))
        .default([])
        .describe('GitHub topics, e.g. ["pulumi", "ai-agents"]. Default: [].'),
    requiredChecks: z
        .array(z.string().min(1))
        .optional()
        .describe('Status checks that must pass on main: jobs this repository runs. Default: "preview-and-policy" for the program\'s own repository, the image build\'s check ("image / build (<image>)") for one with `imageWorkflow`, none otherwise.'),
    imageWorkflow: z
        .strictObject({
            image: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, { error: 'must be an image name under the registry, e.g. "kaze-runtime"' }).describe("Image name under the registry."),
            registry: z.string().regex(/^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)*$/, { error: 'must be a lower-case registry and owner, e.g. "ghcr.io/speedrun-ventures"' }).describe("Registry and owner, lower case."),
            context: z.string().min(1).default(".").describe('Docker build context. Default: ".".'),
            dockerfile: z.string().min(1).default("Dockerfile").describe('Path of the Dockerfile. Default: "Dockerfile".'),
            pinStacks: z
                .array(z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, { error: 'must be a stack name, e.g. "dev"' }))
                .default([])
                .describe("Stacks of `agent-estate:delivery.stacks` whose `images.pins.<image>` get a pull request after each build of main (needs the Actions secret ESTATE_PIN_TOKEN). Default: [] (pins move by hand)."),
        })
        .optional()
        .describe("Build the repository's image with the estate's reusable images.yml: the delivery stack commits the caller workflow (.github/workflows/image.yml) and shares images.yml with the organization. Default: no image."),
    actionsSecrets: z
        .record(envName, secretKeyName)
        .default({})
        .describe("Actions secrets: secret name → the secret config key of this stack that holds its value. Default: {}."),
    actionsVariables: z.record(envName, z.string()).default({}).describe("Actions variables (not secret): name → value. Default: {}."),
    deployKeys: z
        .record(
            z.string().min(1),
            z.string().regex(/^(ssh-ed25519|ecdsa-sha2-nistp256|ssh-rsa) [A-Za-z0-9+/=]+( .*)?$/, { error: 'must be an OpenSSH public key, e.g. "ssh-ed25519 AAAAC3Nz... git-sync@kaze-prod"' }),
        )
        .default({})
        .describe("Read-only deploy keys (e.g. one per cell's git-sync): title → OpenSSH public key. Default: {}."),
});

/** `agent-estate:github`: the estate's repositories in one GitHub organization. The token is the secret `agent-estate:githubToken`. */
export const githubSection = z.strictObject({
    owner: z
        .string()
        .regex(/^[A-Za-z0-9]([A-Za-z0-9-]{0,38})$/, { error: 'must be a GitHub organization, e.g. "speedrun-ventures"' })
        .describe("The organization (or user) that owns the repositories."),
    requiredApprovals: z
        .number()
        .int()
        .min(1, { error: "must be at least 1: main is never merged unreviewed" })
        .max(6)
        .default(1)
        .describe("Approving reviews a pull request to main needs. Default: 1."),
    teams: z
        .record(dnsLabel, z.enum(["pull", "triage", "push", "maintain", "admin"], { error: 'must be one of "pull", "triage", "push", "maintain", "admin"' }))
        .default({})
        .describe("Team slug → permission on every repository. Default: {}."),
    environments: z
        .record(dnsLabel, environmentSpec.describe("A repository environment; a protected one waits for a reviewer before a job that uses it runs."))
        .default({ dev: { protectedBranchesOnly: false }, prod: { protectedBranchesOnly: true } })
        .describe("Environments of every repository, by name. Default: dev, and prod with no reviewers (set them)."),
    repositories: z
        .record(z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, { error: "must be a repository name" }), repositorySpec.describe("One repository of the estate, keyed by its name."))
        .describe("The estate's repositories, by name."),
});
