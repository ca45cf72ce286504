// The compiled program (bin/compiled.js) is never stale: an edit, or a new file an import now resolves
// to, recompiles it; a source's __dirname is its own folder in the repository, not the cache's; and
// V8's code cache of a bundle is kept beside it, rejected when damaged, and removed with it.
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./harness";

describe("node bin/compiled.js <entry.ts>", () => {
    it("runs the sources as they are now, each with its own __dirname", () => {
        const repo = fs.mkdtempSync(path.join(os.tmpdir(), "compiled-"));
        fs.mkdirSync(path.join(repo, "bin"));
        for (const f of ["compiled.js", "lazy-modules.js", "module-cache.js"]) fs.copyFileSync(path.join(ROOT, "bin", f), path.join(repo, "bin", f));
        fs.copyFileSync(path.join(ROOT, "tsconfig.json"), path.join(repo, "tsconfig.json"));
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(repo, "node_modules"));
        const write = (file: string, text: string) => {
            fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
            fs.writeFileSync(path.join(repo, file), text);
        };
        const cache = path.join(repo, ".cache");
        const run = () =>
            execFileSync(process.execPath, [path.join(repo, "bin", "compiled.js"), "src/main.ts", "--flag"], { cwd: repo, encoding: "utf8", env: { ...process.env, AGENT_ESTATE_BUILD_CACHE: cache } }).trim();

        write("src/main.ts", 'import { value } from "./dep";\nimport { where } from "./data/where";\nconsole.log([value, where, process.argv.slice(2).join(" ")].join("|"));\n');
        write("src/dep.ts", "export const value: number = 1;\n");
        write("src/data/where.ts", 'import * as path from "node:path";\nexport const where = path.relative(path.resolve(__dirname, "../.."), __dirname);\n');
        expect(run()).toBe("1|src/data|--flag");
        const bundles = () => fs.readdirSync(cache).filter((f) => f.endsWith(".js"));
        const first = bundles();
        expect(first).toHaveLength(1);

        // The run left V8's code cache of the bundle beside it; the next run reads it.
        const codeCaches = () => fs.readdirSync(cache).filter((f) => f.endsWith(".v8cache"));
        expect(codeCaches()).toEqual([expect.stringMatching(new RegExp(`^${first[0].replace(/\./g, "\\.")}\\.${process.version.replace(/\./g, "\\.")}-${process.arch}-[0-9a-f]{8}\\.v8cache$`))]);
        const codeCache = path.join(cache, codeCaches()[0]);
        expect(fs.statSync(codeCache).size).toBeGreaterThan(0);
        expect(run()).toBe("1|src/data|--flag"); // unchanged: the same bundle
        expect(bundles()).toEqual(first);
        // A damaged code cache is rejected by V8 (never run) and written anew.
        fs.writeFileSync(codeCache, "not a code cache");
        expect(run()).toBe("1|src/data|--flag");
        expect(fs.readFileSync(codeCache, "utf8")).not.toBe("not a code cache");

        write("src/dep.ts", "export const value: number = 2;\n"); // an edit
        expect(run()).toBe("2|src/data|--flag");

        write("src/dep/index.ts", "export const value = 3;\n"); // a folder beside the file does not shadow it
        expect(run()).toBe("2|src/data|--flag");
        fs.rmSync(path.join(repo, "src/dep.ts")); // a source gone: the import now resolves to the folder
        expect(run()).toBe("3|src/data|--flag");
        expect(bundles()).toHaveLength(4); // one per version of the sources; older ones go once a minute old
        const old = new Date(Date.now() - 120_000);
        for (const f of bundles()) fs.utimesSync(path.join(cache, f), old, old);
        write("src/dep/index.ts", "export const value = 4;\n");
        expect(run()).toBe("4|src/data|--flag");
        expect(bundles()).toHaveLength(1);
        expect(codeCaches()).toEqual([expect.stringMatching(new RegExp(`^${bundles()[0].replace(/\./g, "\\.")}\\.`))]);

        // A dynamic import of a package stays one in the bundle; such a bundle is compiled by Node each
        // run (a script made from a code cache would lose the loader import() calls).
        write("src/dynamic.ts", 'void import("node:os").then((os) => console.log(typeof os.platform));\n');
        const dynamic = () => execFileSync(process.execPath, [path.join(repo, "bin", "compiled.js"), "src/dynamic.ts"], { cwd: repo, encoding: "utf8", env: { ...process.env, AGENT_ESTATE_BUILD_CACHE: cache } }).trim();
        expect(dynamic()).toBe("function");
        expect(dynamic()).toBe("function");
        expect(codeCaches().filter((f) => f.startsWith("src-dynamic-"))).toEqual([]);

        // A run that compiled more of the program replaces the cache; one that compiled less leaves it.
        const functions = Array.from({ length: 200 }, (_, i) => `function f${i}(x: number): number {\n    return x * ${i} + ${i};\n}`).join("\n");
        write("src/grow.ts", `${functions}\nconst all = [${Array.from({ length: 200 }, (_, i) => `f${i}`).join(", ")}];\nconsole.log((process.argv[2] === "all" ? all : all.slice(0, 1)).reduce((s, f) => s + f(1), 0));\n`);
        const grow = (arg: string) => execFileSync(process.execPath, [path.join(repo, "bin", "compiled.js"), "src/grow.ts", arg], { cwd: repo, encoding: "utf8", env: { ...process.env, AGENT_ESTATE_BUILD_CACHE: cache } }).trim();
        const growCache = () => fs.statSync(path.join(cache, codeCaches().find((f) => f.startsWith("src-grow-"))!)).size;
        expect(grow("one")).toBe("0");
        const small = growCache();
        expect(grow("all")).toBe(String(Array.from({ length: 200 }, (_, i) => 2 * i).reduce((a, b) => a + b, 0)));
        const large = growCache();
        expect(large).toBeGreaterThan(small);
        expect(grow("one")).toBe("0");
        expect(growCache()).toBe(large);

        // With source maps on, an error points into the source, not the bundle (the code caches stand aside).
        write("src/boom.ts", "function boom(): never {\n    throw new Error(\"boom\");\n}\nboom();\n");
        for (let i = 0; i < 2; i++) {
            const r = spawnSync(process.execPath, ["--enable-source-maps", path.join(repo, "bin", "compiled.js"), "src/boom.ts"], { cwd: repo, encoding: "utf8", env: { ...process.env, AGENT_ESTATE_BUILD_CACHE: cache } });
            expect(r.stderr).toMatch(/at boom \(.*src\/boom\.ts:2:11\)/);
        }
    }, 60_000);
});
