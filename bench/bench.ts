/**
 * `npm run bench`: plan time and peak memory for synthetic cells of 10, 100 and 500 agent workloads,
 * beside the floor measured in the same run: the same resources (types, names, inputs) registered bare
 * under the mock runtime, with no components, no policies and no schema validation. Each measurement
 * runs in a fresh process.
 * Targets: ratio to the floor at most 1.25; per-resource cost flat (within 20%) from 10 to 500.
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

const rows: Array<{ n: number; cell: Measurement; floor: Measurement }> = [];
const dumpDir = fs.mkdtempSync(path.join(os.tmpdir(), "agent-estate-bench-"));
for (const n of SIZES) {
    const dump = path.join(dumpDir, `cell-${n}.json`);
    const cell = best("cell", String(n), dump);
    const floor = best("floor", String(n), dump);
    if (floor.resources !== cell.resources) throw new Error(`floor registered ${floor.resources} resources, the cell ${cell.resources}`);
    rows.push({ n, cell, floor });
}
fs.rmSync(dumpDir, { recursive: true, force: true });

const f = (x: number, d = 2) => x.toFixed(d);
console.log("workloads  resources  plan ms   ms/res  floor ms  floor ms/res  ratio  peak MiB  floor MiB");
for (const { n, cell, floor } of rows) {
    console.log(
        [String(n).padStart(9), String(cell.resources).padStart(10), f(cell.ms, 0).padStart(8), f(cell.ms / cell.resources, 3).padStart(8), f(floor.ms, 0).padStart(9), f(floor.ms / floor.resources, 3).padStart(13), f(cell.ms / floor.ms).padStart(6), f(cell.maxRssMiB, 0).padStart(9), f(floor.maxRssMiB, 0).padStart(10)].join(" "),
    );
}
const perRes = rows.map((r) => r.cell.ms / r.cell.resources);
const spread = Math.max(...perRes) / Math.min(...perRes) - 1;
const worstRatio = Math.max(...rows.map((r) => r.cell.ms / r.floor.ms));
console.log(`\nworst ratio to floor: ${f(worstRatio)} (target ≤ 1.25): ${worstRatio <= 1.25 ? "met" : "NOT met"}`);
console.log(`per-resource spread ${SIZES[0]}→${SIZES[SIZES.length - 1]}: ${f(spread * 100, 1)}% (target ≤ 20%): ${spread <= 0.2 ? "met" : "NOT met"}`);
