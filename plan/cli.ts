/**
 * `npm run plan -- <stack> [--json] [--out DIR]`: what a stack would declare, proven offline.
 * `npm run plan -- <stack> --config`: the stack's effective configuration (family base + overrides), validated.
 * Exit codes: 0 clean, 1 a mandatory policy violation or a schema error, 2 a configuration error.
 */
import * as path from "node:path";
import { effectiveConfig, plan } from "./plan";
import { planJson, planText, writeManifests } from "./render";
import { writeFlowPictures } from "./flows/files";
import { flowsTable } from "./flows/draw";

const USAGE = "usage: npm run plan -- <stack> [--json] [--out DIR] [--flows] | npm run plan -- <stack> --config";

async function main(argv: string[]): Promise<number> {
    let stack: string | undefined;
    let json = false;
    let out: string | undefined;
    let config = false;
    let flows = false;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--json") json = true;
        else if (arg === "--flows") flows = true;
        else if (arg === "--out") out = argv[++i];
        else if (arg === "--config") config = true;
        else if (arg === "-h" || arg === "--help") {
            process.stdout.write(`${USAGE}\n`);
            return 0;
        } else if (!arg.startsWith("-") && stack === undefined) stack = arg;
        else {
            process.stderr.write(`unexpected argument "${arg}"\n${USAGE}\n`);
            return 2;
        }
    }
    if (!stack || (out !== undefined && out === "")) {
        process.stderr.write(`${USAGE}\n`);
        return 2;
    }

    if (config) {
        const effective = effectiveConfig({ stack });
        if (effective.configError !== undefined) process.stderr.write(`${effective.configError}\n`);
        else process.stdout.write(effective.text ?? "");
        return effective.exitCode;
    }

    const result = await plan({ stack });
    if (result.configError) {
        if (json) process.stdout.write(`${JSON.stringify({ stack, configError: result.configError }, null, 2)}\n`);
        process.stderr.write(`${result.configError}\n`);
        return result.exitCode;
    }
    if (out) {
        const files = writeManifests(result, path.resolve(out));
        if (!json) process.stdout.write(`Wrote ${files.length} manifests to ${out}\n`);
    }
    process.stdout.write(json ? planJson(result) : planText(result));
    if (flows) {
        // The pictures go beside the manifests, else into ./flows.
        const files = writeFlowPictures(result, path.resolve(out ?? "flows"));
        if (!json) process.stdout.write(`\nFlows of stack "${result.stack}":\n${flowsTable(result.flows)}\nWrote ${files.join(", ")}\n`);
    }
    return result.exitCode;
}

/** Exit once stdout has drained: `process.exit` alone would cut a large plan short when piped. */
function exitAfterFlush(code: number): void {
    process.stdout.write("", () => process.exit(code));
}

main(process.argv.slice(2)).then(
    (code) => exitAfterFlush(code),
    (e: unknown) => {
        process.stderr.write(`plan failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
        process.exit(3);
    },
);
