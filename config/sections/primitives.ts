import { z } from "zod";

/** An RFC 1123 DNS label: what Kubernetes requires of most names. */
export const dnsLabel = z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, {
        error: 'must be a DNS label: lower-case letters, digits and "-", at most 63 characters, e.g. "kaze-runtime"',
    });

/**
 * A PostgreSQL identifier as it is written unquoted (a database, a role, a schema): a letter or "_",
 * then letters, digits, "_" or "$", at most 63 bytes (NAMEDATALEN - 1). Lower case, since Postgres
 * folds unquoted names to it. Not a DNS label: `unified_nexus` is a good database name.
 */
export const postgresIdentifier = z
    .string()
    .regex(/^[a-z_][a-z0-9_$]{0,62}$/, {
        error: 'must be a PostgreSQL identifier: a lower-case letter or "_", then lower-case letters, digits, "_" or "$", at most 63 characters, e.g. "unified_nexus"',
    });

/** An image repository without tag or digest. */
export const imageRepository = z
    .string()
    .regex(/^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/, {
        error: 'must be an image repository without tag, e.g. "ghcr.io/speedrun-ventures"',
    });

const GIT_SHA = /^[0-9a-f]{7,40}$/;
const SEMVER = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** A four-part release number such as Supabase's `15.1.0.117`: as exact as a semver, one part longer. */
const FOUR_PART = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$/;

/** True for the tags we accept as pins: a git SHA, a full semver, or a four-part release number. */
export function isPinnedTag(tag: string): boolean {
    return GIT_SHA.test(tag) || SEMVER.test(tag) || FOUR_PART.test(tag);
}

/** Tags that name a moving target, whatever a cell's build-id pattern says. */
const FLOATING_TAGS = ["latest", "stable", "main", "master", "dev", "edge", "nightly"];

/**
 * Why a tag does not pin a build, or undefined when it does: a git SHA, a semver, or a build id
 * matching the cell's own pattern (`images.buildTags`). `latest` and empty tags never do.
 */
export function tagProblem(tag: string, buildTags?: string): string | undefined {
    if (tag === "") return 'is empty; pin a git SHA (e.g. "3f2a9c1") or a semver (e.g. "1.4.2")';
    if (tag === "latest") return '"latest" is not allowed: it floats. Pin a git SHA (e.g. "3f2a9c1") or a semver (e.g. "1.4.2")';
    if (isPinnedTag(tag) || (buildTags !== undefined && new RegExp(buildTags).test(tag) && !FLOATING_TAGS.includes(tag))) return undefined;
    return `"${tag}" is not a pinned tag; use a git SHA (e.g. "3f2a9c1") or a semver (e.g. "1.4.2")${buildTags === undefined ? "" : `, or a build id matching images.buildTags (${buildTags})`}`;
}

/** A build-id pattern: a regular expression anchored at both ends that no floating tag matches. */
export const buildTagPattern = z.string().superRefine((p, ctx) => {
    let re: RegExp;
    try {
        re = new RegExp(p);
    } catch (e) {
        ctx.addIssue({ code: "custom", message: `is not a regular expression: ${(e as Error).message}` });
        return;
    }
    if (!p.startsWith("^") || !p.endsWith("$")) ctx.addIssue({ code: "custom", message: 'must be anchored at both ends ("^…$") so it matches whole tags only, e.g. "^nexus-openclaw-[0-9]{8}-[0-9a-f]{8}$"' });
    const floating = FLOATING_TAGS.filter((t) => re.test(t));
    if (floating.length > 0) ctx.addIssue({ code: "custom", message: `matches the floating tag(s) ${floating.map((t) => `"${t}"`).join(", ")}; a build id names one build` });
});

/** A Kubernetes quantity such as `500m`, `1`, `512Mi`, `5Gi`. */
export const quantity = z
    .union([z.string(), z.number()])
    .transform((v) => String(v))
    .pipe(z.string().regex(/^[0-9]+(\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti)?$/, { error: 'must be a Kubernetes quantity, e.g. "500m", "512Mi" or "5Gi"' }));

/** A TCP port. */
export const port = z.number().int().min(1, { error: "must be a port from 1 to 65535" }).max(65535, { error: "must be a port from 1 to 65535" });

/** A Service NodePort in the Kubernetes default range: a workload's fixed one, or the one behind a VIP listener. */
export const nodePort = z
    .number()
    .int()
    .min(30000, { error: "must be a NodePort from 30000 to 32767 (the Kubernetes service-node-port-range)" })
    .max(32767, { error: "must be a NodePort from 30000 to 32767 (the Kubernetes service-node-port-range)" });

/** A Helm chart pin: exact version, no range. */
export const chartVersion = z
    .string()
    .regex(SEMVER, { error: 'must be an exact chart version such as "1.16.2" (no range, no "latest")' });

/** An IPv4 CIDR such as `10.0.0.1/32`. */
export const ipv4Cidr = z.string().regex(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d|[12]\d|3[0-2])$/, { error: 'must be an IPv4 CIDR such as "10.43.0.1/32"' });

/** The key of a value in a Secret: letters, digits, "-", "_" and "." (what Kubernetes accepts). */
export const secretDataKey = z.string().regex(/^[-._a-zA-Z0-9]+$/, { error: 'must be a Secret key: letters, digits, "-", "_" or ".", e.g. "database-url" or "JWT_SECRET"' });
