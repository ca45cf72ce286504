// GitHub: the estate's repositories deploy the estate, so their default branch is protected.
import { PolicyResource } from "@pulumi/policy";
import { eachDecision } from "../common";
import { stackPolicy } from "../define";

const isRepository = (r: PolicyResource) => r.type === "github:index/repository:Repository";
const isProtection = (r: PolicyResource) => r.type === "github:index/branchProtection:BranchProtection";

/**
 * A BranchProtection protects a repository when it depends on it (repositoryId is usually the
 * repository's nodeId output, unknown at preview) or names it by name or node id.
 */
function protects(bp: PolicyResource, repo: PolicyResource): boolean {
    if (bp.dependencies.some(d => d.urn === repo.urn)) return true;
    const id = bp.props.repositoryId;
    return id === repo.props.name || (repo.props.nodeId !== undefined && id === repo.props.nodeId);
}

export const branchProtection = stackPolicy<{ repositories: string[] }>({
    name: "github-branch-protection",
    description: "Every estate GitHub repository has branch protection that forbids force pushes and deletion.",
    remediationSteps: "Declare a github.BranchProtection for the repository's default branch with allowsForcePushes and allowsDeletions false.",
    configSchema: {
        properties: {
            repositories: { type: "array", items: { type: "string" }, default: [], description: "Repository names that count; empty means every repository the stack declares." },
        },
    },
    check: (resources, report, { repositories }) => {
        const protections = resources.filter(isProtection);
        eachDecision(protections, bp => {
            if (bp.props.allowsForcePushes === true) report(`${bp.name} allows force pushes`, bp.urn);
            if (bp.props.allowsDeletions === true) report(`${bp.name} allows deleting the branch`, bp.urn);
        });
        eachDecision(resources.filter(isRepository), repo => {
            if (repositories.length > 0 && !repositories.includes(repo.props.name)) return;
            if (!protections.some(bp => protects(bp, repo))) report(`repository ${repo.props.name ?? repo.name} has no branch protection`, repo.urn);
        });
    },
});

export const github = [branchProtection];
