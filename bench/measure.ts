/**
 * One measurement, in its own process so peak memory is its own:
 * `node bin/compiled.js bench/measure.ts cell <workloads> [DUMP]` (writes what it declared to DUMP), `… floor <workloads> DUMP`
 * or `… bare <workloads> DUMP` (the floors: see {@link floor}); with `--warm DUMP10` after them, the
 * timed plan follows an untimed one of 10 workloads in the same process (a floor reads DUMP10, the 10-workload cell's dump).
 * Prints one JSON line: {mode, workloads, warm, resources, ms, cpuMs, maxRssMiB} (cpuMs: the process's CPU time
 * over the same window, all its threads); with BENCH_WINDOW=1 also the timed
 * window's start and end (t0, t1, in µs of the monotonic clock CPU profiles use), to cut a `--cpu-prof` to the plan.
 */
import * as fs from "node:fs";
import * as v8 from "node:v8";
import * as vm from "node:vm";
import * as github from "@pulumi/github";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as pulumiservice from "@pulumi/pulumiservice";
import * as tailscale from "@pulumi/tailscale";
import * as vault from "@pulumi/vault";
import * as f5bigip from "../components/edge/f5bigip";
import { plan, PROJECT_DIR } from "../plan/plan";
import { runProgram, RuntimeConfig } from "../plan/runtime";
import { readStackFiles } from "../plan/stack-files";
import { PlannedResource } from "../plan/types";

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

/** What the cell declared, as a floor reads it back. */
export interface Declared {
    type: string;
    name: string;
    custom: boolean;
    props: Record<string, unknown>;
}

/** A resource registered with no class of its own: what the floor uses for the cell's components (it has none). */
class BareResource extends pulumi.CustomResource {
    constructor(type: string, name: string, props: Record<string, unknown>, opts: pulumi.CustomResourceOptions) {
        super(type, name, props, opts);
    }
}

type ResourceClass = new (name: string, props: Record<string, unknown>, opts: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/** The provider packages the cell declares resources of, by the package part of their type tokens. */
const PACKAGES: Record<string, Record<string, unknown>> = { kubernetes: k8s, vault, tailscale, github, pulumiservice, f5bigip };

/**
 * The provider SDK's own class of a type token, as a program declaring the resource directly would use:
 * `vault:kubernetes/authBackendRole:AuthBackendRole` is `vault.kubernetes.AuthBackendRole`, `kubernetes:apps/v1:Deployment`
 * is `k8s.apps.v1.Deployment`, a Kubernetes kind without a class (a custom resource) is `k8s.apiextensions.CustomResource`.
 */
export function classOf(type: string): ResourceClass | undefined {
    const [pkg, modulePath, name] = type.split(":");
    const root = PACKAGES[pkg];
    if (!root) return undefined;
    let module: unknown = root;
    if (pkg === "kubernetes") {
        const [group, version] = modulePath.split("/");
        module = (root[group === "core" ? "core" : group.split(".")[0]] as Record<string, unknown> | undefined)?.[version];
    } else if (!modulePath.startsWith("index/")) {
        module = root[modulePath.split("/")[0]];
    }
    const cls = (module as Record<string, unknown> | undefined)?.[name] as (ResourceClass & { __pulumiType?: string }) | undefined;
    if (cls?.__pulumiType === type) return cls;
    return pkg === "kubernetes" ? (k8s.apiextensions.CustomResource as unknown as ResourceClass) : undefined;
}

/**
 * The floor: the very resources the cell declared (same types, names and inputs, read from the cell
 * run's dump), each declared directly through its provider SDK's class with its package's provider,
 * as a flat program would: no components (the cell's component entries are registered as bare
 * resources, to keep the count), no parents, no dependencies, no policies, no schema validation.
 * With `bare`, every resource is a bare CustomResource of its type token instead, skipping the
 * provider classes' own cost (output properties for every field of the type): the SDK alone.
 * What remains between the cell and the floor is the cost of this program's own machinery.
 */
export async function floor(declared: Declared[], bare: boolean, rc: RuntimeConfig): Promise<PlannedResource[]> {
    const run = await runProgram(rc, async () => {
        const providers = new Map<string, pulumi.ProviderResource>();
        for (const r of declared.filter((d) => d.type.startsWith("pulumi:providers:"))) {
            const pkg = r.type.slice("pulumi:providers:".length);
            const Provider = PACKAGES[pkg]?.Provider as (new (name: string, props: Record<string, unknown>) => pulumi.ProviderResource) | undefined;
            if (!Provider) throw new Error(`no provider class for ${r.type}`);
            providers.set(pkg, new Provider(r.name, r.props));
        }
        const fallback = providers.values().next().value;
        for (const r of declared) {
            if (r.type === "pulumi:pulumi:Stack" || r.type.startsWith("pulumi:providers:")) continue;
            const provider = providers.get(r.type.split(":")[0]) ?? fallback;
            const cls = bare || !r.custom ? undefined : classOf(r.type);
            if (cls) new cls(r.name, r.props, { provider });
            else new BareResource(r.type, r.name, r.props, { provider });
        }
        return {};
    });
    return run.resources;
}

/**
 * One plan of the mode, prepared untimed (the cell's synthetic config, a floor's dump read back) and
 * returned as a function to time: the cell's plan, or a floor's registration of the cell's dump.
 */
function prepare(mode: string, n: number, dump: string | undefined): () => Promise<{ resources: number; declared?: () => Declared[] }> {
    if (mode === "cell") {
        const runtimeConfig = syntheticCell(n);
        return async () => {
            const result = await plan({ stack: "dev", runtimeConfig });
            if (result.exitCode === 2) throw new Error(result.configError);
            return { resources: result.resources.length, declared: () => result.resources.map((r) => ({ type: r.type, name: r.name, custom: r.custom, props: r.props })) };
        };
    }
    if (mode !== "floor" && mode !== "bare") throw new Error(`unknown mode ${mode}: cell, floor or bare`);
    if (!dump) throw new Error(`${mode} needs the dump of a cell run`);
    const declared = JSON.parse(fs.readFileSync(dump, "utf8")) as Declared[];
    const rc = readStackFiles(PROJECT_DIR, "dev");
    return async () => ({ resources: (await floor(declared, mode === "bare", rc)).length });
}

/** A full garbage collection, through V8's own `gc` (the bench starts measurements with --expose-gc; else exposed for this call). */
function collectGarbage(): void {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) return exposed();
    v8.setFlagsFromString("--expose-gc");
    (vm.runInNewContext("gc") as () => void)();
}

async function main() {
    const [mode, nText, dump, ...rest] = process.argv.slice(2);
    const n = Number(nText);
    // --warm DUMP: first plan a 10-workload cell of the same mode (a floor reads its dump) in this process, untimed.
    const warm = rest[0] === "--warm";
    if (warm) await prepare(mode, 10, rest[1])();
    const run = prepare(mode, n, dump);
    // Neither the warm-up's garbage nor the preparation's is the timed plan's to collect.
    collectGarbage();
    const started = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    const result = await run();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const maxRssMiB = process.resourceUsage().maxRSS / 1024;
    if (result.declared && dump) fs.writeFileSync(dump, JSON.stringify(result.declared()));
    const window = process.env.BENCH_WINDOW === "1" ? { t0: Number(started / 1000n), t1: Number(process.hrtime.bigint() / 1000n) } : {};
    process.stdout.write(`${JSON.stringify({ mode, workloads: n, warm, resources: result.resources, ms, cpuMs, maxRssMiB, ...window })}\n`);
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
