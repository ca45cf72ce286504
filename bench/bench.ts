/**
 * `npm run bench`: plan time and peak memory for synthetic cells of 10, 100 and 500 agent workloads,
 * beside the floor measured in the same run: the same resources (types, names, inputs) declared bare
 * under the mock runtime, each through its provider SDK's class, with no components, no policies and
 * no schema validation. For reference, the "bare" column registers them as bare CustomResources of
 * their type tokens (the SDK alone, without the provider classes' own cost).
 *
 * Each measurement runs in a fresh process, twice over: "cold" is the first plan of the process (what
 * one `npm run plan` costs: module loading, JIT compilation); "warm" is a plan after an untimed one of
 * 10 workloads and a full garbage collection, the steady-state cost that grows with the cell.
 * The cell and its floors run interleaved, repeat after repeat, so a slow spell of the machine weighs
 * on both: the ratio is the median of each repeat's own ratio, times are medians, memory the largest
 * seen. Repeats: 7, 5 and 3 (10, 100, 500 workloads; BENCH_REPEAT overrides).
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
/** Runs per measurement: small cells are quick and noisier, so they get more. */
const repeatsFor = (n: number) => Number(process.env.BENCH_REPEAT ?? (n <= 10 ? 7 : n <= 100 ? 5 : 3));
const WARMUP_SIZE = 10;
const tsx = path.resolve(__dirname, "..", "node_modules", ".bin", "tsx");
const measureScript = path.join(__dirname, "measure.ts");

function measure(args: string[]): Measurement {
    try {
        const out = execFileSync(tsx, [measureScript, ...args], { encoding: "utf8", maxBuffer: 1 << 24, stdio: ["ignore", "pipe", "pipe"] });
        return JSON.parse(out.trim().split("\n").pop()!) as Measurement;
    } catch (e) {
        const stderr = String((e as { stderr?: unknown }).stderr ?? "").split("\n").slice(0, 6).join("\n");
        throw new Error(`measure ${args.join(" ")} failed:\n${stderr}`);
    }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One figure of a row: the median time and the largest memory over the repeats. */
interface Figure {
    ms: number;
    maxRssMiB: number;
}
const figure = (runs: Measurement[]): Figure => ({ ms: median(runs.map((r) => r.ms)), maxRssMiB: Math.max(...runs.map((r) => r.maxRssMiB)) });

const KINDS = ["coldCell", "coldFloor", "warmCell", "warmFloor", "warmBare"] as const;
type Kind = (typeof KINDS)[number];

interface Row {
    n: number;
    resources: number;
    figures: Record<Kind, Figure>;
    coldRatio: number;
    warmRatio: number;
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
        const runs = Object.fromEntries(KINDS.map((k) => [k, [] as Measurement[]])) as Record<Kind, Measurement[]>;
        for (let i = 0; i < repeatsFor(n); i++) for (const k of KINDS) runs[k].push(measure(args[k]));
        const resources = runs.coldCell[0].resources;
        for (const k of KINDS) {
            const other = runs[k].find((m) => m.resources !== resources);
            if (other) throw new Error(`${k} registered ${other.resources} resources, the cell ${resources}`);
        }
        rows.push({
            n,
            resources,
            figures: Object.fromEntries(KINDS.map((k) => [k, figure(runs[k])])) as Record<Kind, Figure>,
            coldRatio: median(runs.coldCell.map((c, i) => c.ms / runs.coldFloor[i].ms)),
            warmRatio: median(runs.warmCell.map((c, i) => c.ms / runs.warmFloor[i].ms)),
        });
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
const header = ["workloads", "resources", "plan ms", "ms/res", "floor ms", "floor ms/res", "ratio"];
const cells = (r: Row, cell: Figure, floor: Figure, ratio: number) => [
    String(r.n), String(r.resources), f(cell.ms, 0), f(cell.ms / r.resources, 3), f(floor.ms, 0), f(floor.ms / r.resources, 3), f(ratio),
];
table(
    "warm (steady state: after an untimed 10-workload plan and a full GC in the same process)",
    [...header, "bare ms", "peak MiB", "floor MiB"],
    rows.map((r) => [...cells(r, r.figures.warmCell, r.figures.warmFloor, r.warmRatio), f(r.figures.warmBare.ms, 0), f(r.figures.warmCell.maxRssMiB, 0), f(r.figures.warmFloor.maxRssMiB, 0)]),
);
table(
    "cold (the first plan of a process, as `npm run plan` runs it)",
    [...header, "peak MiB", "floor MiB"],
    rows.map((r) => [...cells(r, r.figures.coldCell, r.figures.coldFloor, r.coldRatio), f(r.figures.coldCell.maxRssMiB, 0), f(r.figures.coldFloor.maxRssMiB, 0)]),
);

const spread = (k: Kind) => {
    const perRes = rows.map((r) => r.figures[k].ms / r.resources);
    return Math.max(...perRes) / Math.min(...perRes) - 1;
};
const pct = (x: number) => `${f(x * 100, 1)}%`;
const worstWarm = Math.max(...rows.map((r) => r.warmRatio));
const range = `${SIZES[0]}→${SIZES[SIZES.length - 1]}`;
console.log(`\nworst warm ratio to floor: ${f(worstWarm)} (target ≤ 1.25): ${worstWarm <= 1.25 ? "met" : "NOT met"}`);
console.log(`warm per-resource spread ${range}: ${pct(spread("warmCell"))} (target ≤ 20%): ${spread("warmCell") <= 0.2 ? "met" : "NOT met"}; the floor's own: ${pct(spread("warmFloor"))}`);
console.log(`cold: worst ratio ${f(Math.max(...rows.map((r) => r.coldRatio)))}, per-resource spread ${pct(spread("coldCell"))} (the floor's own: ${pct(spread("coldFloor"))})`);
