import { z } from "zod";
import { dnsLabel, imagePin, imageRepository } from "./primitives";

/** `agent-estate:cell`: who this cell is. Cells are identical in structure, different in configuration. */
export const cellSection = z.strictObject({
    /** Cell name, a DNS label: prefixes cluster-wide names and tags. */
    name: dnsLabel,
    /** Environment class; drives protection of stateful resources and policy enforcement levels. */
    environment: z.enum(["dev", "staging", "prod"], {
        error: 'must be one of "dev", "staging" or "prod"',
    }),
    /** Agency (SaaS, hosted by the agency) or customer-vpc (the client's own cloud account). */
    tenancy: z.enum(["agency", "customer-vpc"], { error: 'must be "agency" or "customer-vpc"' }),
});

/** `agent-estate:kubernetes`: how the explicit Kubernetes provider reaches the cluster. */
export const kubernetesSection = z.strictObject({
    /** The kubeconfig context to use. Required: the program never falls back to the ambient current-context. */
    context: z.string().min(1, { error: 'must name a kubeconfig context, e.g. "kaze-dev"' }),
    /** Path of the kubeconfig file. @default - the provider's default lookup (KUBECONFIG or ~/.kube/config) */
    kubeconfigPath: z.string().min(1).optional(),
    /** API server URL as seen from inside the cluster (Vault's Kubernetes auth calls it back). */
    apiServer: z.url({ protocol: /^https$/, error: 'must be an https URL such as "https://kubernetes.default.svc:443"' }).optional(),
});

/** One namespace the cell creates. */
export const namespaceSpec = z.strictObject({
    name: dnsLabel,
    /** Extra labels; the Pod Security Standards labels are always set and cannot be weakened here. */
    labels: z.record(z.string(), z.string()).optional(),
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
        /** Full repository (`registry.k8s.io/git-sync/git-sync`). @default - `<images.registry>/<service name>` */
        repository: imageRepository.optional(),
        /** A git SHA (7–40 hex) or a semver (`1.4.2`, `v4.4.0`). Never `latest`. */
        tag: imagePin.optional(),
        /** A content digest, `sha256:<64 hex>`. */
        digest: z.string().regex(/^sha256:[a-f0-9]{64}$/, { error: 'must be "sha256:" followed by 64 hex digits' }).optional(),
    })
    // Both together render as `repo:tag@digest`: the digest pins, the tag tells a reader which release (the prod policy wants both).
    .refine((i) => i.tag !== undefined || i.digest !== undefined, {
        error: 'must set "tag" (a git SHA or semver), "digest" (sha256:…), or both',
    });
export type ImageSpec = z.infer<typeof imageSpec>;

/** `agent-estate:images`: the registry and the per-service pins. */
export const imagesSection = z.strictObject({
    /** Registry and owner prefix for the estate's own images, e.g. `ghcr.io/speedrun-ventures`. */
    registry: imageRepository,
    /** Pins by image name; workloads and sidecars refer to these names. */
    pins: z.record(z.string(), imageSpec),
});
export type ImagesConfig = z.infer<typeof imagesSection>;
