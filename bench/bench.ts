/**
 * `npm run bench` (two to three minutes on a 2-core machine; `-- --full` adds the 500-workload cell, the
 * cold plan at every size, more repeats and the bare floor; `-- --no-tests` skips timing `npm test`). Prints each target of the
 * issue beside its measurement:
 *
 * 1. Whole process, as a user waits for it: `npm run plan -- <stack>` (the compiled CLI, as the script runs it)
 *    against a Node process that only loads the SDKs that stack uses (`@pulumi/pulumi`, `@pulumi/policy`
 *    and the provider SDK of each provider the stack declares), for the dev stack and the largest cell.
 *    Interleaved pair after pair; the ratio is the median of each pair's own ratio, wall and CPU time
 *    (CPU: user+system of the child and everything it waited for, from /proc/self/stat). Target ≤ 1.5.
 * 2. Plan time and peak memory for synthetic cells of 10 and 100 agent workloads (500 with --full), beside
 *    the floor measured in the same run: the same resources (types, names, inputs) declared bare under
 *    the mock runtime, each through its provider SDK's class, with no components, no policies and no
 *    schema validation. Each measurement runs in a fresh process: "cold" is the first plan of the process
 *    (module loading, JIT compilation); "warm" a plan after an untimed one of 10 workloads and a full GC.
 *    Targets: cold at 10 workloads ≤ 1.25× its floor; warm ≤ 1.25× and per-resource cost flat (within 20%).
 *    Five repeats of each by default; the cold plan only at 10 workloads (its target's size) unless --full.
 * 3. `npm test`, wall time, target ≤ 45 s on 2 cores (CPU time beside it: on a busy machine, wall time is
 *    the other sessions' too).
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

interface Measurement {
    mode: string;
    workloads: number;
    resources: number;
    ms: number;
    /** CPU time of the process over the same window (all its threads: GC helpers too). */
    cpuMs: number;
    maxRssMiB: number;
}

const FULL = process.argv.includes("--full");
const TESTS = !process.argv.includes("--no-tests");
const SIZES = (process.env.BENCH_SIZES ?? (FULL ? "10,100,500" : "10,100")).split(",").map(Number);
/** Runs per measurement: small cells are quick and noisier, so they get more with --full. */
const repeatsFor = (n: number) => Number(process.env.BENCH_REPEAT ?? (FULL ? (n <= 10 ? 7 : n <= 100 ? 5 : 3) : 5));
/** Interleaved pairs of whole processes per stack. */
const PAIRS = Number(process.env.BENCH_PAIRS ?? (FULL ? 9 : 5));
const WARMUP_SIZE = 10;
const ROOT = path.resolve(__dirname, "..");
const launcher = path.join(ROOT, "bin", "compiled.js");

function measure(args: string[]): Measurement {
    try {
        // --expose-gc on the command line: a flag set at run time would change V8's flags mid-process, and
        // with them the code caches the process writes (bin/module-cache.js).
        const out = execFileSync(process.execPath, ["--expose-gc", launcher, "bench/measure.ts", ...args], { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 24, stdio: ["ignore", "pipe", "pipe"] });
        return JSON.parse(out.trim().split("\n").pop()!) as Measurement;
    } catch (e) {
        const stderr = String((e as { stderr?: unknown }).stderr ?? "").split("\n").slice(0, 6).join("\n");
        throw new Error(`measure ${args.join(" ")} failed:\n${stderr}`);
    }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** CPU seconds (user + system) of the children this process has waited for, or NaN off Linux. */
function childrenCpu(): number {
    try {
        const fields = fs.readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
        return (Number(fields[13]) + Number(fields[14])) / 100; // cutime, cstime (fields 16, 17), in USER_HZ ticks
    } catch {
        return NaN;
    }
}

/** Runs a command to its end, output discarded; its wall and CPU seconds. */
function timed(cmd: string, args: string[]): { wall: number; cpu: number } {
    const cpu0 = childrenCpu();
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}:\n${r.stderr}`);
    return { wall, cpu: childrenCpu() - cpu0 };
}

// ---- 1. Whole process: npm run plan -- <stack> against loading only that stack's SDKs. ----------

interface StackPlan {
    stack: string;
    resources: number;
    cell: boolean;
    sdks: string[];
}

/** Each stack's plan, once (untimed; it also compiles the CLI if a source changed): its size and the SDKs it uses. */
function stackPlans(): StackPlan[] {
    const stacks = fs.readdirSync(ROOT).flatMap((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1] ?? []).sort();
    return stacks.map((stack) => {
        const r = spawnSync(process.execPath, [launcher, "plan/cli.ts", stack, "--json"], { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 28 });
        const doc = JSON.parse(r.stdout) as { resources: Array<{ type: string }> };
        const providers = [...new Set(doc.resources.filter((x) => x.type.startsWith("pulumi:providers:")).map((x) => `@pulumi/${x.type.slice("pulumi:providers:".length)}`))];
        const installed = providers.filter((p) => fs.existsSync(path.join(ROOT, "node_modules", p, "package.json")));
        return { stack, resources: doc.resources.length, cell: doc.resources.some((x) => x.type === "agent-estate:cell:Cell"), sdks: ["@pulumi/pulumi", "@pulumi/policy", ...installed.sort()] };
    });
}

interface WholeRow {
    stack: string;
    resources: number;
    sdks: string[];
    plan: { wall: number; cpu: number };
    sdk: { wall: number; cpu: number };
    wallRatio: number;
    cpuRatio: number;
}

function wholeProcess(p: StackPlan): WholeRow {
    const planRuns: Array<{ wall: number; cpu: number }> = [];
    const sdkRuns: Array<{ wall: number; cpu: number }> = [];
    const loadSdks = `for (const m of ${JSON.stringify(p.sdks)}) require(m);`;
    for (let i = 0; i < PAIRS; i++) {
        planRuns.push(timed(process.execPath, [launcher, "plan/cli.ts", p.stack]));
        sdkRuns.push(timed(process.execPath, ["-e", loadSdks]));
    }
    const of = (runs: Array<{ wall: number; cpu: number }>) => ({ wall: median(runs.map((r) => r.wall)), cpu: median(runs.map((r) => r.cpu)) });
    return {
        stack: p.stack,
        resources: p.resources,
        sdks: p.sdks,
        plan: of(planRuns),
        sdk: of(sdkRuns),
        wallRatio: median(planRuns.map((r, i) => r.wall / sdkRuns[i].wall)),
        cpuRatio: median(planRuns.map((r, i) => r.cpu / sdkRuns[i].cpu)),
    };
}

const plans = stackPlans();
const largest = plans.filter((p) => p.cell).sort((a, b) => b.resources - a.resources)[0];
const whole = [...new Set(["dev", largest?.stack].filter((s): s is string => !!s))].map((s) => wholeProcess(plans.find((p) => p.stack === s)!));

// ---- 2. Synthetic cells: plan against its floor, cold and warm. --------------------------------

/** One figure of a row: the median time and the largest memory over the repeats. */
interface Figure {
    ms: number;
    cpuMs: number;
    maxRssMiB: number;
}
const figure = (runs: Measurement[]): Figure => ({ ms: median(runs.map((r) => r.ms)), cpuMs: median(runs.map((r) => r.cpuMs)), maxRssMiB: Math.max(...runs.map((r) => r.maxRssMiB)) });

const KINDS = FULL ? (["coldCell", "coldFloor", "warmCell", "warmFloor", "warmBare"] as const) : (["coldCell", "coldFloor", "warmCell", "warmFloor"] as const);
/**
 * What each size measures. By default the cold plan is measured at 10 workloads only (its target's
 * size), so that the time goes into more repeats of what is judged: on a shared machine single runs
 * vary by ±15%. --full measures every kind at every size.
 */
const kindsFor = (n: number): readonly Kind[] => (FULL || n <= WARMUP_SIZE ? KINDS : KINDS.filter((k) => k.startsWith("warm")));
type Kind = "coldCell" | "coldFloor" | "warmCell" | "warmFloor" | "warmBare";

interface Row {
    n: number;
    resources: number;
    figures: Partial<Record<Kind, Figure>>;
    /** Undefined where the cold plan was not measured (see {@link kindsFor}). */
    coldRatio?: number;
    warmRatio: number;
    /** The same ratios of CPU time: steadier than wall time on a machine other work shares. */
    coldCpuRatio?: number;
    warmCpuRatio: number;
}

const dumpDir = fs.mkdtempSync(path.join(os.tmpdir(), "agent-estate-bench-"));
const dumpOf = (n: number) => path.join(dumpDir, `cell-${n}.json`);
const rows: Row[] = [];
try {
    // The warm-up's floor reads the 10-workload cell's dump.
    measure(["cell", String(WARMUP_SIZE), dumpOf(WARMUP_SIZE)]);
    const warm = ["--warm", dumpOf(WARMUP_SIZE)];
    for (const n of SIZES) {
        const dump = dumpOf(n);
        // The cell runs first in each repeat and writes the dump its floors read.
        const args: Record<Kind, string[]> = {
            coldCell: ["cell", String(n), dump],
            coldFloor: ["floor", String(n), dump],
            warmCell: ["cell", String(n), dump, ...warm],
            warmFloor: ["floor", String(n), dump, ...warm],
            warmBare: ["bare", String(n), dump, ...warm],
        };
        const kinds = kindsFor(n);
        const runs = Object.fromEntries(kinds.map((k) => [k, [] as Measurement[]])) as Record<Kind, Measurement[]>;
        for (let i = 0; i < repeatsFor(n); i++) for (const k of kinds) runs[k].push(measure(args[k]));
        const resources = runs.warmCell[0].resources;
        for (const k of kinds) {
            const other = runs[k].find((m) => m.resources !== resources);
            if (other) throw new Error(`${k} registered ${other.resources} resources, the cell ${resources}`);
        }
        rows.push({
            n,
            resources,
            figures: Object.fromEntries(kinds.map((k) => [k, figure(runs[k])])),
            coldRatio: runs.coldCell && median(runs.coldCell.map((c, i) => c.ms / runs.coldFloor[i].ms)),
            warmRatio: median(runs.warmCell.map((c, i) => c.ms / runs.warmFloor[i].ms)),
            coldCpuRatio: runs.coldCell && median(runs.coldCell.map((c, i) => c.cpuMs / runs.coldFloor[i].cpuMs)),
            warmCpuRatio: median(runs.warmCell.map((c, i) => c.cpuMs / runs.warmFloor[i].cpuMs)),
        });
    }
} finally {
    fs.rmSync(dumpDir, { recursive: true, force: true });
}

// ---- 3. The test suite. ------------------------------------------------------------------------

const tests = TESTS ? timed("npm", ["test", "--silent"]) : undefined;

const f = (x: number, d = 2) => x.toFixed(d);
const table = (title: string, header: string[], lines: string[][]) => {
    const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
    console.log(`\n${title}`);
    for (const l of [header, ...lines]) console.log(l.map((c, i) => c.padStart(widths[i])).join("  "));
};
const verdict = (ok: boolean) => (ok ? "met" : "NOT met");

table(
    `whole process: npm run plan -- <stack> vs a process loading only that stack's SDKs (medians of ${PAIRS} interleaved pairs; s)`,
    ["stack", "resources", "plan wall", "SDKs wall", "ratio", "plan CPU", "SDKs CPU", "CPU ratio", "SDKs"],
    whole.map((w) => [w.stack, String(w.resources), f(w.plan.wall), f(w.sdk.wall), f(w.wallRatio), f(w.plan.cpu), f(w.sdk.cpu), f(w.cpuRatio), w.sdks.map((m) => m.replace("@pulumi/", "")).join(",")]),
);

const header = ["workloads", "resources", "plan ms", "ms/res", "floor ms", "floor ms/res", "ratio", "CPU ratio"];
const cells = (r: Row, cell: Figure, floor: Figure, ratio: number, cpuRatio: number) => [
    String(r.n), String(r.resources), f(cell.ms, 0), f(cell.ms / r.resources, 3), f(floor.ms, 0), f(floor.ms / r.resources, 3), f(ratio), f(cpuRatio),
];
table(
    "warm (steady state: after an untimed 10-workload plan and a full GC in the same process)",
    [...header, ...(FULL ? ["bare ms"] : []), "peak MiB", "floor MiB"],
    rows.map((r) => [...cells(r, r.figures.warmCell!, r.figures.warmFloor!, r.warmRatio, r.warmCpuRatio), ...(FULL ? [f(r.figures.warmBare!.ms, 0)] : []), f(r.figures.warmCell!.maxRssMiB, 0), f(r.figures.warmFloor!.maxRssMiB, 0)]),
);
table(
    "cold (the first plan of a process, as `npm run plan` runs it)",
    [...header, "peak MiB", "floor MiB"],
    rows.filter((r) => r.coldRatio !== undefined).map((r) => [...cells(r, r.figures.coldCell!, r.figures.coldFloor!, r.coldRatio!, r.coldCpuRatio!), f(r.figures.coldCell!.maxRssMiB, 0), f(r.figures.coldFloor!.maxRssMiB, 0)]),
);

const spread = (k: Kind) => {
    const perRes = rows.map((r) => r.figures[k]!.ms / r.resources);
    return Math.max(...perRes) / Math.min(...perRes) - 1;
};
const pct = (x: number) => `${f(x * 100, 1)}%`;
const worstWarm = Math.max(...rows.map((r) => r.warmRatio));
const worstWarmCpu = Math.max(...rows.map((r) => r.warmCpuRatio));
const range = `${SIZES[0]}→${SIZES[SIZES.length - 1]}`;
const cold10 = rows.find((r) => r.n === 10);

console.log("\ntargets");
for (const w of whole) console.log(`  npm run plan -- ${w.stack}, whole process vs its SDKs alone: ${f(w.wallRatio)}× wall, ${f(w.cpuRatio)}× CPU (target ≤ 1.5): ${verdict(w.wallRatio <= 1.5)}`);
if (cold10?.coldRatio !== undefined) console.log(`  cold first plan at 10 workloads vs its floor: ${f(cold10.coldRatio)} (CPU ${f(cold10.coldCpuRatio!)}) (target ≤ 1.25): ${verdict(cold10.coldRatio <= 1.25)}`);
console.log(`  worst warm ratio to floor: ${f(worstWarm)} (CPU ${f(worstWarmCpu)}) (target ≤ 1.25): ${verdict(worstWarm <= 1.25)}`);
console.log(`  warm per-resource spread ${range}: ${pct(spread("warmCell"))} (target ≤ 20%): ${verdict(spread("warmCell") <= 0.2)}; the floor's own: ${pct(spread("warmFloor"))}`);
if (tests) console.log(`  npm test: ${f(tests.wall, 0)} s wall, ${f(tests.cpu, 0)} s CPU (target ≤ 45 s on 2 cores): ${verdict(tests.wall <= 45)}`);
else console.log("  npm test: not timed (--no-tests)");
const benchSeconds = process.uptime();
console.log(`  npm run bench${FULL ? " -- --full" : ""}: ${f(benchSeconds, 0)} s (target ≤ 180 s by default)${FULL ? "" : `: ${verdict(benchSeconds <= 180)}`}`);
console.log(`\nmachine: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => f(l, 1)).join(" ")} (wall times include other processes' share)`);
