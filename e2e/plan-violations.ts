/**
 * `node bin/compiled.js e2e/plan-violations.ts <stack> <key=json>…`: what `npm run plan` finds for a stack whose config
 * has the given keys changed (path keys such as `cell.environment=\"prod\"`), as JSON on stdout:
 * `{ exitCode, violations: [{ policy, enforcementLevel, message, urn }] }`. The e2e runner compares the
 * real analyzer's verdicts with it; it runs apart because the mock runtime is process-global.
 */
import { plan, PROJECT_DIR } from "../plan/plan";
import { readStackFiles } from "../plan/stack-files";

async function main(stack: string, changes: string[]): Promise<void> {
    const rc = readStackFiles(PROJECT_DIR, stack);
    for (const change of changes) {
        const eq = change.indexOf("=");
        const [section, ...rest] = change.slice(0, eq).split(".");
        const key = `${rc.project}:${section}`;
        const value = JSON.parse(rc.config[key] ?? "{}") as Record<string, unknown>;
        let at = value;
        for (const part of rest.slice(0, -1)) at = at[part] as Record<string, unknown>;
        at[rest[rest.length - 1]] = JSON.parse(change.slice(eq + 1));
        rc.config[key] = JSON.stringify(value);
    }
    const result = await plan({ stack, runtimeConfig: rc });
    const violations = result.violations.map((v) => ({ policy: v.policy, enforcementLevel: v.enforcementLevel, message: v.message, urn: v.urn ?? null }));
    process.stdout.write(`${JSON.stringify({ exitCode: result.exitCode, configError: result.configError ?? null, violations })}\n`, () => process.exit(0));
}

main(process.argv[2], process.argv.slice(3)).catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(3);
});
