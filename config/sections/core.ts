import { z } from "zod";
import { buildTagPattern, dnsLabel, imageRepository, ipv4Cidr, port, tagProblem } from "./primitives";

/** `agent-estate:cell`: who this cell is. Cells are identical in structure, different in configuration. */
export const cellSection = z.strictObject({
    name: dnsLabel.describe("Cell name, a DNS label (e.g. `kaze-dev`); prefixes cluster-wide names and tags."),
    environment: z
        .enum(["dev", "staging", "prod"], {
            error: 'must be one of "dev", "staging" or "prod"',
        })
        .describe("Environment class; drives the protection of stateful resources and the policy enforcement levels."),
    tenancy: z
        .enum(["agency", "customer-vpc"], { error: 'must be "agency" or "customer-vpc"' })
        .describe("`agency` (SaaS, hosted by the agency) or `customer-vpc` (the client's own cloud account)."),
});

/** `agent-estate:kubernetes`: how the explicit Kubernetes provider reaches the cluster. */
export const kubernetesSection = z.strictObject({
    context: z
        .string()
        .min(1, { error: 'must name a kubeconfig context, e.g. "kaze-dev"' })
        .describe("The kubeconfig context to use. Required: the program never falls back to the ambient current-context."),
    kubeconfigPath: z.string().min(1).optional().describe("Path of the kubeconfig file. Default: the provider's default lookup (KUBECONFIG or ~/.kube/config)."),
    skipAwait: z
        .boolean()
        .default(false)
        .describe(
            "Do not wait for the cell's Kubernetes objects to become ready (Pulumi's `pulumi.com/skipAwait` annotation on each): for a cluster where nothing can become ready, such as an API server without nodes (`npm run e2e`). Default: false.",
        ),
    apiServer: z
        .url({ protocol: /^https$/, error: 'must be an https URL such as "https://kubernetes.default.svc:443"' })
        .optional()
        .describe("API server URL as Vault reaches it (Vault's Kubernetes auth calls it back to review tokens): `https://kubernetes.default.svc:443` only for a Vault inside the cluster; required when `vault` is set."),
    apiServerEgress: z
        .array(
            z.strictObject({
                cidr: ipv4Cidr.describe('Address of an API server endpoint, e.g. "10.40.1.5/32" (what `kubectl get endpoints kubernetes` lists).'),
                ports: z.array(port).min(1, { error: "must list at least one port, e.g. [6443]" }).describe("Its port(s), e.g. [6443]."),
            }),
        )
        .min(1, { error: "must list at least one endpoint, e.g. [{cidr: \"10.40.1.5/32\", ports: [6443]}]" })
        .optional()
        .describe(
            "Where pods reach the Kubernetes API: every namespace denies egress by default, so a workload that calls the API (apiAccess, or a single-replica tailscale sidecar keeping its state in a Secret) is let out to these endpoints only. Required when such a workload exists.",
        ),
});

/** The Pod Security Standards levels, strictest first. */
export const POD_SECURITY_LEVELS = ["restricted", "baseline", "privileged"] as const;

/**
 * The Pod Security Standards level a namespace enforces. `restricted` unless the software that runs
 * there cannot (an operator this program installs but does not write); a weaker level says why.
 */
export const podSecuritySpec = z
    .strictObject({
        level: z.enum(POD_SECURITY_LEVELS, { error: 'must be "restricted", "baseline" or "privileged"' }).describe('Level enforced, audited and warned. Default: "restricted".'),
        reason: z
            .string()
            .min(20, { error: "must say, in a sentence, what in the namespace cannot run restricted and why" })
            .optional()
            .describe("Why the namespace cannot run `restricted` (which software, which control it fails); required for any other level."),
    })
    .superRefine((p, ctx) => {
        if (p.level !== "restricted" && p.reason === undefined) {
            ctx.addIssue({ code: "custom", path: ["reason"], message: `is required with level "${p.level}": say which software in the namespace cannot run restricted and why, e.g. "the operator's pods set no seccompProfile"` });
        }
    });

/** One namespace the cell creates. */
export const namespaceSpec = z.strictObject({
    name: dnsLabel.describe('Namespace name, a DNS label; not "default" and not a namespace an add-on creates.'),
    labels: z.record(z.string(), z.string()).optional().describe("Extra labels; the Pod Security Standards labels are always set and cannot be weakened here."),
    sharedWith: z
        .string()
        .min(20, { error: "must say, in a sentence, which software this program does not manage also runs in the namespace, e.g. \"the Nexus services (GraphRAG, MageAgent, Auth, the API gateway)\"" })
        .optional()
        .describe(
            "The namespace exists and also runs pods this program does not manage (say which): the cell labels it (Pod Security, mesh) without owning it, and its default deny selects the cell's own pods only, so the other pods keep their traffic. Default: the cell creates and owns the namespace.",
        ),
    podSecurity: podSecuritySpec
        .default({ level: "restricted" })
        .describe('Pod Security Standards level, with the reason when it is not "restricted" (e.g. an operator namespace). Default: { level: "restricted" }.'),
});

/** `agent-estate:namespaces`. */
export const namespacesSection = z
    .array(namespaceSpec)
    .min(1, { error: "must list at least one namespace" })
    .superRefine((list, ctx) => {
        const seen = new Set<string>();
        list.forEach((ns, i) => {
            if (seen.has(ns.name)) ctx.addIssue({ code: "custom", path: [i, "name"], message: `namespace "${ns.name}" is listed twice` });
            if (ns.name === "default") ctx.addIssue({ code: "custom", path: [i, "name"], message: 'workloads must not run in "default"; name a namespace of the cell' });
            seen.add(ns.name);
        });
    });

/** An image pin: a repository and a tag, a digest, or both. */
export const imageSpec = z
    .strictObject({
        repository: imageRepository.optional().describe("Full repository (e.g. `registry.k8s.io/git-sync/git-sync`). Default: `<images.registry>/<pin name>`."),
        tag: z.string().optional().describe("A git SHA (7–40 hex), a semver (`1.4.2`, `v4.4.0`) or a build id matching `images.buildTags`; never `latest`."),
        digest: z
            .string()
            .regex(/^sha256:[a-f0-9]{64}$/, { error: 'must be "sha256:" followed by 64 hex digits' })
            .optional()
            .describe("A content digest, `sha256:<64 hex>`; with a tag as well, the digest pins and the tag names the release."),
    })
    // Both together render as `repo:tag@digest`: the digest pins, the tag tells a reader which release (the prod policy wants both).
    .refine((i) => i.tag !== undefined || i.digest !== undefined, {
        error: 'must set "tag" (a git SHA or semver), "digest" (sha256:…), or both',
    });

/** `agent-estate:images`: the registry and the per-service pins. */
export const imagesSection = z
    .strictObject({
        registry: imageRepository.describe("Registry and owner prefix for the estate's own images, e.g. `ghcr.io/speedrun-ventures`."),
        buildTags: buildTagPattern
            .optional()
            .describe(
                'The build ids this cell\'s own image builds are tagged with, a regular expression anchored at both ends (e.g. `^nexus-openclaw-[0-9]{8}-[0-9a-f]{8}$`), accepted as pins besides git SHAs and semvers. Default: none, only git SHAs and semvers.',
            ),
        pins: z
            .record(z.string(), imageSpec.describe("One image pin: a repository and a tag, a digest, or both (at least one of tag and digest)."))
            .describe("Pins by image name; workloads, sidecars and cron jobs refer to these names."),
        pullSecret: z
            .string()
            .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, { error: 'must name a registry credential of vault.secrets, e.g. "ghcr-pull"' })
            .optional()
            .describe(
                "A registry credential of `vault.secrets` (one with `registry`) that pulls the estate's private images: every ServiceAccount the cell declares in that Secret's namespace (workloads', job templates') names it in `imagePullSecrets`. Default: none, images are pulled anonymously.",
            ),
    })
    .superRefine((images, ctx) => {
        for (const [name, pin] of Object.entries(images.pins)) {
            const problem = pin.tag === undefined ? undefined : tagProblem(pin.tag, images.buildTags);
            if (problem) ctx.addIssue({ code: "custom", path: ["pins", name, "tag"], message: problem });
        }
    });
export type ImagesConfig = z.infer<typeof imagesSection>;
