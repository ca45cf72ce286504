import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { PlanResult } from "./plan";
import { PlannedResource, SECRET_PLACEHOLDER } from "./types";
import { kubernetesObjectOf } from "./validate";

/** The plan as one JSON document; byte-identical for the same stack and program. */
export function planJson(result: PlanResult): string {
    const doc = {
        stack: result.stack,
        resources: result.resources.map((r) => ({
            urn: r.urn,
            type: r.type,
            name: r.name,
            parent: r.parent ?? null,
            inputs: r.props,
            options: { protect: r.protect, retainOnDelete: r.retainOnDelete, dependsOn: r.dependencies, provider: r.provider ?? null, ...(r.importId !== undefined ? { import: r.importId } : {}) },
        })),
        violations: result.violations.map((v) => ({ policy: v.policy, enforcementLevel: v.enforcementLevel, urn: v.urn ?? null, message: v.message })),
        schemaErrors: result.schemaErrors.map((e) => ({ urn: e.urn, message: e.message })),
        unvalidated: result.unvalidated.map((u) => ({ kind: u.kind, reason: u.reason })),
        flows: result.flows.flows,
        unusedPolicyRules: result.flows.unusedRules,
        summary: { resources: result.resources.length, byType: Object.fromEntries(countsByType(result.resources)) },
    };
    return `${JSON.stringify(doc, null, 2)}\n`;
}

/** The plan as a person reads it: the component tree, counts by type, the total, then what is wrong. */
export function planText(result: PlanResult): string {
    const lines: string[] = [];
    if (result.configError) return `${result.configError}\n`;
    const children = new Map<string | undefined, PlannedResource[]>();
    for (const r of result.resources) {
        const list = children.get(r.parent) ?? [];
        list.push(r);
        children.set(r.parent, list);
    }
    const walk = (parent: string | undefined, depth: number) => {
        for (const r of children.get(parent) ?? []) {
            const flags = [r.protect ? "protect" : "", r.retainOnDelete ? "retain" : "", r.importId !== undefined ? `import ${r.importId}` : ""].filter(Boolean).join(",");
            lines.push(`${"  ".repeat(depth)}${r.custom ? "+" : "□"} ${r.type} ${r.name}${flags ? ` [${flags}]` : ""}`);
            walk(r.urn, depth + 1);
        }
    };
    lines.push(`Plan for stack "${result.stack}" (${result.environment}):`, "");
    walk(undefined, 1);

    lines.push("", "Resources by type:");
    for (const [type, n] of countsByType(result.resources)) lines.push(`  ${String(n).padStart(4)}  ${type}`);
    lines.push(`  ${String(result.resources.length).padStart(4)}  total`, "");

    const mandatory = result.violations.filter((v) => v.enforcementLevel === "mandatory").length;
    lines.push(`Policy violations: ${result.violations.length} (${mandatory} mandatory)`);
    for (const v of result.violations) lines.push(`  [${v.enforcementLevel}] ${v.policy}: ${v.message}${v.urn ? `\n      at ${v.urn}` : ""}`);
    lines.push(`Schema errors: ${result.schemaErrors.length}`);
    for (const e of result.schemaErrors) lines.push(`  ${e.message}\n      at ${e.urn}`);
    lines.push(`Not validated: ${result.unvalidated.length}`);
    for (const u of result.unvalidated) lines.push(`  ${u.kind}: ${u.reason}`);
    const f = result.flows;
    const unresolved = f.flows.filter((x) => x.status === "unresolved");
    lines.push(`Flows: ${f.flows.length} (${f.blocked.length} blocked, ${unresolved.length} unresolved); policy rules no flow uses: ${f.unusedRules.length} (--flows lists them)`);
    for (const x of f.blocked) lines.push(`  [blocked] ${x.reason}\n      asked for by ${x.why.join(", ")}`);
    for (const x of unresolved) lines.push(`  [unresolved, not checked] ${x.reason}`);
    lines.push("", result.exitCode === 0 ? "Clean." : "Not clean: a mandatory violation, a schema error or a blocked flow.");
    return `${lines.join("\n")}\n`;
}

/** How many resources of each type, by type name. */
function countsByType(resources: PlannedResource[]): Array<[string, number]> {
    const counts = new Map<string, number>();
    for (const r of resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    return [...counts].sort(([a], [b]) => a.localeCompare(b));
}

/**
 * Writes each Kubernetes object as YAML to `<dir>/<namespace>/<kind>-<name>.yaml` (cluster-scoped
 * objects under `_cluster/`), for review and GitOps diffs. Secret values are always redacted, whether
 * or not the program marked them secret. Returns the files written, relative to `dir`.
 */
export function writeManifests(result: PlanResult, dir: string): string[] {
    const written: string[] = [];
    for (const r of result.resources) {
        const obj = kubernetesObjectOf(r);
        if (!obj) continue;
        const props = redactSecretObject(r.props);
        const meta = (props.metadata ?? {}) as { name?: string; namespace?: string };
        const rel = path.join(meta.namespace ?? "_cluster", `${obj.kind.toLowerCase()}-${meta.name ?? r.name}.yaml`);
        fs.mkdirSync(path.join(dir, path.dirname(rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), stringify(props, { sortMapEntries: false }));
        written.push(rel);
    }
    return written.sort();
}

/** A Kubernetes Secret's `data` and `stringData` values are secret by definition. */
function redactSecretObject(props: Record<string, unknown>): Record<string, unknown> {
    if (props.kind !== "Secret") return props;
    const out = { ...props };
    for (const field of ["data", "stringData"]) {
        const values = out[field];
        if (values && typeof values === "object") out[field] = Object.fromEntries(Object.keys(values).map((k) => [k, SECRET_PLACEHOLDER]));
        else if (values !== undefined) out[field] = SECRET_PLACEHOLDER;
    }
    return out;
}
