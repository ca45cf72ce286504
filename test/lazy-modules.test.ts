// bin/compiled.js defers the modules the Pulumi SDK requires at import for function serialization, which
// the plan never does: they load on first use, and a caller that uses them sees the real module.
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./harness";

const run = (script: string) => JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" })) as Record<string, unknown>;
const defer = `require(${JSON.stringify(path.join(ROOT, "bin", "lazy-modules.js"))}).deferModules();`;
const loaded = `Object.keys(require.cache).filter((k) => /node_modules\\/(typescript|@npmcli\\/arborist)\\//.test(k)).length`;

describe("deferred modules", () => {
    it("are not loaded when @pulumi/pulumi is imported", () => {
        expect(run(`${defer} require("@pulumi/pulumi"); console.log(JSON.stringify({ loaded: ${loaded} }))`)).toEqual({ loaded: 0 });
        // Without the deferral the SDK loads both at import: what the deferral saves.
        expect(run(`require("@pulumi/pulumi"); console.log(JSON.stringify({ loaded: ${loaded} > 0 }))`)).toEqual({ loaded: true });
    });

    it("load on first use and behave as the real module, through TypeScript's import helpers too", () => {
        const out = run(
            `${defer} const ts = require("@pulumi/pulumi/typescript-shim"); const before = ${loaded};` +
                `const kind = ts.SyntaxKind.Identifier; const real = require(require.resolve("typescript")).SyntaxKind.Identifier;` +
                `const { Arborist } = require("@npmcli/arborist");` +
                `console.log(JSON.stringify({ before, same: kind === real, arborist: typeof Arborist, esModule: ts.__esModule, after: ${loaded} > 0 }))`,
        );
        expect(out).toEqual({ before: 0, same: true, arborist: "function", esModule: true, after: true });
    });
});
