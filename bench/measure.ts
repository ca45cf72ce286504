/**
 * One measurement, in its own process so peak memory is its own: `tsx bench/measure.ts <cell|floor> <workloads>`.
 * Prints one JSON line: {mode, workloads, resources, ms, maxRssMiB}.
 */
import * as k8s from "@pulumi/kubernetes";
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

/** The floor: the same number of bare Kubernetes objects, one provider, no components, no policies, no validation. */
async function floor(resources: number): Promise<number> {
    const rc = readStackFiles(PROJECT_DIR, "dev");
    const run = await runProgram(rc, async () => {
        const provider = new k8s.Provider("floor", { context: "floor" });
        for (let i = 0; i < resources - 2; i++) {
            new k8s.core.v1.ConfigMap(`cm-${i}`, { metadata: { name: `cm-${i}`, namespace: "bench" }, data: { key: "value" } }, { provider });
        }
        return {};
    });
    return run.resources.length;
}

async function main() {
    const [mode, nText, resourcesText] = process.argv.slice(2);
    const n = Number(nText);
    const started = process.hrtime.bigint();
    let resources: number;
    if (mode === "cell") {
        const result = await plan({ stack: "dev", runtimeConfig: syntheticCell(n) });
        if (result.exitCode === 2) throw new Error(result.configError);
        resources = result.resources.length;
    } else {
        resources = await floor(Number(resourcesText));
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
