/**
 * One measurement, in its own process so peak memory is its own:
 * `tsx bench/measure.ts cell <workloads> [DUMP]` (writes what it declared to DUMP) or `tsx bench/measure.ts floor <workloads> DUMP`.
 * Prints one JSON line: {mode, workloads, resources, ms, maxRssMiB}.
 */
import * as fs from "node:fs";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { plan, PROJECT_DIR } from "../plan/plan";
import { runProgram, RuntimeConfig } from "../plan/runtime";
import { readStackFiles } from "../plan/stack-files";

// The knowledge service: tailscale sidecar, Vault path, peers; it holds no provider credential, which only the gateway may.
const TEMPLATE = "kaze-knowledge";

/**
 * The dev cell plus `n` agent workloads: each a copy of the template under a new name, in every
 * section that keys by workload (workloads, Vault paths, ...). The Kaze workloads stay, so peers resolve.
 */
export function syntheticCell(n: number): RuntimeConfig {
    const rc = readStackFiles(PROJECT_DIR, "dev");
    const config = { ...rc.config };
    const names = Array.from({ length: n }, (_, i) => `agent-${String(i).padStart(3, "0")}`);
    for (const [key, text] of Object.entries(config)) {
        if (!text.startsWith("{") || rc.secretKeys.includes(key)) continue;
        const value = JSON.parse(text) as Record<string, unknown>;
        config[key] = JSON.stringify(cloneKeyed(value, names, 3));
    }
    return { ...rc, config };
}

/** Wherever an object is keyed by the template workload, key a copy by each synthetic name instead. */
function cloneKeyed(value: unknown, names: string[], depth: number): unknown {
    if (depth === 0 || value === null || typeof value !== "object" || Array.isArray(value)) return value;
    const obj = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
        out[k] = cloneKeyed(v, names, depth - 1);
        if (k === TEMPLATE) for (const name of names) out[name] = v;
    }
    return out;
}

/** Any resource type, registered as declared: the SDK's CustomResource is abstract only in its typings. */
class BareResource extends pulumi.CustomResource {
    constructor(type: string, name: string, props: Record<string, unknown>, opts: pulumi.CustomResourceOptions) {
        super(type, name, props, opts);
    }
}

/**
 * The floor: the very resources the cell declared (same types, names and inputs, read from the cell
 * run's dump), registered bare under the stack with one provider: no components, no policies, no
 * schema validation. What remains between the two is the cost of this program's own machinery.
 */
async function floor(dump: string): Promise<number> {
    const declared = JSON.parse(fs.readFileSync(dump, "utf8")) as Array<{ type: string; name: string; props: Record<string, unknown> }>;
    const rc = readStackFiles(PROJECT_DIR, "dev");
    const run = await runProgram(rc, async () => {
        const provider = new k8s.Provider("floor", { context: "floor" });
        // The stack resource and this provider stand in for the cell's own stack and one of its providers.
        for (const r of declared.slice(2)) new BareResource(r.type, r.name, r.props, { provider });
        return {};
    });
    return run.resources.length;
}

async function main() {
    const [mode, nText, dump] = process.argv.slice(2);
    const n = Number(nText);
    const started = process.hrtime.bigint();
    let resources: number;
    if (mode === "cell") {
        const result = await plan({ stack: "dev", runtimeConfig: syntheticCell(n) });
        if (result.exitCode === 2) throw new Error(result.configError);
        resources = result.resources.length;
        if (dump) fs.writeFileSync(dump, JSON.stringify(result.resources.map((r) => ({ type: r.type, name: r.name, props: r.props }))));
    } else {
        resources = await floor(dump);
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const maxRssMiB = process.resourceUsage().maxRSS / 1024;
    process.stdout.write(`${JSON.stringify({ mode, workloads: n, resources, ms, maxRssMiB })}\n`);
}

if (require.main === module) {
    main().then(
        () => process.exit(0),
        (e) => {
            process.stderr.write(`${(e as Error).stack}\n`);
            process.exit(1);
        },
    );
}
