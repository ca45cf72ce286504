/**
 * `npm run bench`: plan time and peak memory for synthetic cells of 10, 100 and 500 agent workloads,
 * beside the floor measured in the same run: the same resources (types, names, inputs) declared bare
 * under the mock runtime, each through its provider SDK's class, with no components, no policies and
 * no schema validation. For reference, the "bare" column registers them as bare CustomResources of
 * their type tokens (the SDK alone, without the provider classes' own cost).
 *
 * Each measurement runs in a fresh process, twice over: "cold" is the first plan of the process (what
 * one `npm run plan` costs: module loading, JIT compilation, the check thread's start); "warm" is a plan
 * after an untimed one of 10 workloads, the steady-state cost that grows with the cell.
 * Targets, on the warm plans (the cold ones carry a fixed start-up cost, which the floor has too):
 * ratio to the floor at most 1.25; per-resource cost flat (within 20%) from 10 to 500.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

interface Measurement {
    mode: string;
    workloads: number;
    resources: number;
    ms: number;
    maxRssMiB: number;
}

const SIZES = (process.env.BENCH_SIZES ?? "10,100,500").split(",").map(Number);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const WARMUP_SIZE = 10;
const tsx = path.resolve(__dirname, "..", "node_modules", ".bin", "tsx");
const measureScript = path.join(__dirname, "measure.ts");

function measure(...args: string[]): Measurement {
    try {
        const out = execFileSync(tsx, [measureScript, ...args], { encoding: "utf8", maxBuffer: 1 << 24, stdio: ["ignore", "pipe", "pipe"] });
        return JSON.parse(out.trim().split("\n").pop()!) as Measurement;
    } catch (e) {
        const stderr = String((e as { stderr?: unknown }).stderr ?? "").split("\n").slice(0, 6).join("\n");
        throw new Error(`measure ${args.join(" ")} failed:\n${stderr}`);
    }
}

/** The median of REPEAT runs by time; memory is the largest seen. */
function best(...args: string[]): Measurement {
    const runs = Array.from({ length: REPEAT }, () => measure(...args)).sort((a, b) => a.ms - b.ms);
    return { ...runs[Math.floor(runs.length / 2)], maxRssMiB: Math.max(...runs.map((r) => r.maxRssMiB)) };
}

interface Row {
    n: number;
    cold: { cell: Measurement; floor: Measurement };
    warm: { cell: Measurement; floor: Measurement; bare: Measurement };
}

const dumpDir = fs.mkdtempSync(path.join(os.tmpdir(), "agent-estate-bench-"));
const dumpOf = (n: number) => path.join(dumpDir, `cell-${n}.json`);
const rows: Row[] = [];
try {
    // The warm-up's floor reads the 10-workload cell's dump.
    measure("cell", String(WARMUP_SIZE), dumpOf(WARMUP_SIZE));
    const warm = ["--warm", dumpOf(WARMUP_SIZE)];
    for (const n of SIZES) {
        const dump = dumpOf(n);
        const row: Row = {
            n,
            cold: { cell: best("cell", String(n), dump), floor: best("floor", String(n), dump) },
            warm: { cell: best("cell", String(n), dump, ...warm), floor: best("floor", String(n), dump, ...warm), bare: best("bare", String(n), dump, ...warm) },
        };
        for (const m of [row.cold.floor, row.warm.cell, row.warm.floor, row.warm.bare]) {
            if (m.resources !== row.cold.cell.resources) throw new Error(`${m.mode} registered ${m.resources} resources, the cell ${row.cold.cell.resources}`);
        }
        rows.push(row);
    }
} finally {
    fs.rmSync(dumpDir, { recursive: true, force: true });
}

const f = (x: number, d = 2) => x.toFixed(d);
const table = (title: string, header: string[], lines: string[][]) => {
    const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
    console.log(`\n${title}`);
    for (const l of [header, ...lines]) console.log(l.map((c, i) => c.padStart(widths[i])).join("  "));
};
table(
    "warm (steady state: after an untimed 10-workload plan in the same process)",
    ["workloads", "resources", "plan ms", "ms/res", "floor ms", "floor ms/res", "ratio", "bare ms", "peak MiB", "floor MiB"],
    rows.map(({ n, warm: { cell, floor, bare } }) => [
        String(n), String(cell.resources), f(cell.ms, 0), f(cell.ms / cell.resources, 3), f(floor.ms, 0), f(floor.ms / floor.resources, 3),
        f(cell.ms / floor.ms), f(bare.ms, 0), f(cell.maxRssMiB, 0), f(floor.maxRssMiB, 0),
    ]),
);
table(
    "cold (the first plan of a process, as `npm run plan` runs it)",
    ["workloads", "resources", "plan ms", "ms/res", "floor ms", "floor ms/res", "ratio", "peak MiB", "floor MiB"],
    rows.map(({ n, cold: { cell, floor } }) => [
        String(n), String(cell.resources), f(cell.ms, 0), f(cell.ms / cell.resources, 3), f(floor.ms, 0), f(floor.ms / floor.resources, 3),
        f(cell.ms / floor.ms), f(cell.maxRssMiB, 0), f(floor.maxRssMiB, 0),
    ]),
);

const spread = (ms: number[]) => Math.max(...ms) / Math.min(...ms) - 1;
const perRes = (pick: (r: Row) => Measurement) => rows.map((r) => pick(r).ms / pick(r).resources);
const worstRatio = Math.max(...rows.map((r) => r.warm.cell.ms / r.warm.floor.ms));
const cellSpread = spread(perRes((r) => r.warm.cell));
const range = `${SIZES[0]}→${SIZES[SIZES.length - 1]}`;
console.log(`\nworst warm ratio to floor: ${f(worstRatio)} (target ≤ 1.25): ${worstRatio <= 1.25 ? "met" : "NOT met"}`);
console.log(`warm per-resource spread ${range}: ${f(cellSpread * 100, 1)}% (target ≤ 20%): ${cellSpread <= 0.2 ? "met" : "NOT met"}; the floor's own: ${f(spread(perRes((r) => r.warm.floor)) * 100, 1)}%`);
console.log(
    `cold: worst ratio ${f(Math.max(...rows.map((r) => r.cold.cell.ms / r.cold.floor.ms)))}, per-resource spread ${f(spread(perRes((r) => r.cold.cell)) * 100, 1)}% (the floor's own: ${f(spread(perRes((r) => r.cold.floor)) * 100, 1)}%)`,
);
