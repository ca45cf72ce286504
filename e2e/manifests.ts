import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { Cluster } from "./cluster";

/** One object `npm run plan -- <stack> --out DIR` rendered. */
export interface Manifest {
    file: string;
    apiVersion: string;
    kind: string;
    name: string;
    namespace?: string;
    object: Record<string, any>;
    /** Its path on the API server, set by {@link resolvePaths}. */
    path: string;
}

/** Reads every manifest under DIR (`<namespace>/<kind>-<name>.yaml`, `_cluster/` for cluster-scoped objects). */
export function readManifests(dir: string): Manifest[] {
    const files = fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".yaml"));
    return files.sort().map((file) => {
        const object = parse(fs.readFileSync(path.join(dir, file), "utf8")) as Record<string, any>;
        return { file, apiVersion: object.apiVersion, kind: object.kind, name: object.metadata?.name, namespace: object.metadata?.namespace, object, path: "" };
    });
}

/** Sets each manifest's API path from the server's discovery documents (so custom resources resolve too). */
export async function resolvePaths(cluster: Cluster, manifests: Manifest[]): Promise<string[]> {
    const problems: string[] = [];
    const discovery = new Map<string, { name: string; kind: string; namespaced: boolean }[]>();
    for (const m of manifests) {
        const base = m.apiVersion.includes("/") ? `/apis/${m.apiVersion}` : `/api/${m.apiVersion}`;
        if (!discovery.has(base)) {
            const res = await cluster.request("GET", base);
            discovery.set(base, res.status === 200 ? res.body.resources : []);
        }
        const resource = discovery.get(base)!.find((r) => r.kind === m.kind && !r.name.includes("/"));
        if (!resource) {
            problems.push(`${m.file}: the API server serves no ${m.kind} in ${m.apiVersion}`);
            continue;
        }
        m.path = `${base}${resource.namespaced ? `/namespaces/${m.namespace}` : ""}/${resource.name}/${m.name}`;
    }
    return problems;
}

/**
 * Reads each rendered object back from the API server and checks that every field the plan rendered
 * is stored with the same value (the server adds defaults and status, which are not compared).
 */
export async function compareStored(cluster: Cluster, manifests: Manifest[]): Promise<string[]> {
    const problems = await resolvePaths(cluster, manifests);
    for (const m of manifests) {
        if (!m.path) continue;
        const res = await cluster.request("GET", m.path);
        if (res.status !== 200) {
            problems.push(`${m.file}: not stored (GET ${m.path}: ${res.status})`);
            continue;
        }
        for (const d of differences(m.object, res.body, "")) problems.push(`${m.file}: ${d}`);
    }
    return problems;
}

/**
 * Where `stored` lacks or changes a field of `rendered`. An empty list the plan rendered and the server
 * did not store is the same object: the API server omits empty optional lists (`omitempty`), and an
 * absent list means what an empty one does (a NetworkPolicy's `ingress: []` still denies all ingress).
 */
export function differences(rendered: unknown, stored: unknown, at: string): string[] {
    if (Array.isArray(rendered) && rendered.length === 0 && stored === undefined) return [];
    if (Array.isArray(rendered)) {
        if (!Array.isArray(stored)) return [`${at}: rendered a list, stored ${JSON.stringify(stored)}`];
        if (rendered.length !== stored.length) return [`${at}: rendered ${rendered.length} items, stored ${stored.length}`];
        return rendered.flatMap((r, i) => differences(r, stored[i], `${at}[${i}]`));
    }
    if (rendered !== null && typeof rendered === "object") {
        if (stored === null || typeof stored !== "object") return [`${at}: rendered an object, stored ${JSON.stringify(stored)}`];
        return Object.entries(rendered).flatMap(([k, v]) => differences(v, (stored as Record<string, unknown>)[k], at ? `${at}.${k}` : k));
    }
    if (rendered === stored) return [];
    return [`${at}: rendered ${JSON.stringify(rendered)}, stored ${JSON.stringify(stored)}`];
}

/** A pod template the program renders, with the object that owns it. */
export interface PodTemplate {
    owner: string;
    name: string;
    namespace: string;
    labels: Record<string, string>;
    spec: Record<string, any>;
}

/** The pod templates of the rendered Deployments, StatefulSets, DaemonSets, Jobs and CronJobs. */
export function podTemplates(manifests: Manifest[]): PodTemplate[] {
    const out: PodTemplate[] = [];
    for (const m of manifests) {
        const template = m.kind === "CronJob" ? m.object.spec?.jobTemplate?.spec?.template : m.object.spec?.template;
        if (!template?.spec || !["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"].includes(m.kind)) continue;
        // A StatefulSet's pods get their claims from its volumeClaimTemplates (ordinal 0 here).
        const claims = ((m.kind === "StatefulSet" && m.object.spec.volumeClaimTemplates) || []) as { metadata: { name: string } }[];
        const volumes = [...(template.spec.volumes ?? []), ...claims.map((c) => ({ name: c.metadata.name, persistentVolumeClaim: { claimName: `${c.metadata.name}-${m.name}-0` } }))];
        const spec = volumes.length > 0 ? { ...template.spec, volumes } : template.spec;
        out.push({ owner: `${m.kind}-${m.name}`, name: m.name, namespace: m.namespace ?? "default", labels: template.metadata?.labels ?? {}, spec });
    }
    return out;
}
