// V8's code cache for the packages (bin/module-cache.js): a module runs as Node runs it, from bytecode
// an earlier run left only while nothing it depends on changed, and a damaged cache is never used.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./harness";

const NPM_TIME = new Date("1985-10-26T08:15:00Z");

describe("the module code cache", () => {
    /** A project with one package in its node_modules, and a script that loads it through the cache. */
    function project() {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "module-cache-"));
        const nodeModules = path.join(dir, "node_modules");
        const pkg = path.join(nodeModules, "greeting");
        fs.mkdirSync(path.join(pkg, "lib"), { recursive: true });
        fs.writeFileSync(path.join(pkg, "package.json"), JSON.stringify({ name: "greeting", version: "1.0.0", main: "index.js" }));
        fs.writeFileSync(path.join(pkg, "lib", "word.js"), 'module.exports = "hello";\n');
        const index = path.join(pkg, "index.js");
        const source = (word: string) =>
            `const word = require("./lib/word");\nexports.text = () => word + " " + ${JSON.stringify(word)};\n` +
            "exports.where = [require(\"node:path\").basename(__dirname), require.resolve(\"./lib/word\").endsWith(\"word.js\"), typeof require.main, module.exports === exports];\n";
        fs.writeFileSync(index, source("world"));
        // npm gives every file it unpacks the same modification time.
        fs.utimesSync(index, NPM_TIME, NPM_TIME);
        const lock = path.join(nodeModules, ".package-lock.json");
        fs.writeFileSync(lock, JSON.stringify({ packages: { "node_modules/greeting": { version: "1.0.0" } } }));
        const cache = path.join(dir, "cache");
        const script =
            `require(${JSON.stringify(path.join(ROOT, "bin", "module-cache.js"))}).useModuleCache(${JSON.stringify(nodeModules)}, ${JSON.stringify(cache)});` +
            `const g = require(${JSON.stringify(pkg)}); console.log(JSON.stringify([g.text(), ...g.where]));`;
        const run = () => {
            const r = spawnSync(process.execPath, ["-e", script], { cwd: dir, encoding: "utf8" });
            expect(r.status, r.stderr).toBe(0);
            return JSON.parse(r.stdout) as unknown[];
        };
        const file = () => path.join(cache, fs.readdirSync(cache).find((f) => f.endsWith(".v8cache"))!);
        return { index, lock, source, run, file };
    }

    it("runs a package as Node would, writes the cache once and reads it after", () => {
        const p = project();
        expect(p.run()).toEqual(["hello world", "greeting", true, "undefined", true]);
        const written = fs.statSync(p.file());
        expect(written.size).toBeGreaterThan(0);
        expect(p.run()).toEqual(["hello world", "greeting", true, "undefined", true]);
        // Every module came from the cache: nothing compiled afresh, so nothing was written again.
        expect(fs.statSync(p.file()).mtimeMs).toBe(written.mtimeMs);
    });

    it("compiles afresh a file that changed, even at its old size and modification time, once the installed packages differ", () => {
        const p = project();
        p.run();
        // A new version of the package, as npm installs it: the same size, npm's fixed modification time.
        fs.writeFileSync(p.index, p.source("there"));
        fs.utimesSync(p.index, NPM_TIME, NPM_TIME);
        fs.writeFileSync(p.lock, JSON.stringify({ packages: { "node_modules/greeting": { version: "1.0.1" } } }));
        expect(p.run()[0]).toBe("hello there");
        // An edit by hand: the record of installed packages is the same, the file's time is not.
        fs.writeFileSync(p.index, p.source("again"));
        expect(p.run()[0]).toBe("hello again");
    });

    it("leaves an ES module required from CommonJS, and a module that imports dynamically, to Node", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "module-cache-esm-"));
        const nodeModules = path.join(dir, "node_modules");
        // One package that declares itself a module, one whose .js file Node finds to be one by its syntax,
        // and a CommonJS one that imports dynamically.
        for (const [name, type] of [["declared", "module"], ["detected", undefined]] as const) {
            fs.mkdirSync(path.join(nodeModules, name), { recursive: true });
            fs.writeFileSync(path.join(nodeModules, name, "package.json"), JSON.stringify({ name, version: "1.0.0", main: "index.js", type }));
            fs.writeFileSync(path.join(nodeModules, name, "index.js"), "export const answer = 41 + 1;\n");
        }
        fs.mkdirSync(path.join(nodeModules, "dynamic"), { recursive: true });
        fs.writeFileSync(path.join(nodeModules, "dynamic", "package.json"), JSON.stringify({ name: "dynamic", version: "1.0.0", main: "index.js" }));
        fs.writeFileSync(path.join(nodeModules, "dynamic", "index.js"), 'exports.answer = () => import("declared").then((m) => m.answer);\n');
        fs.writeFileSync(path.join(nodeModules, ".package-lock.json"), "{}");
        const script =
            `require(${JSON.stringify(path.join(ROOT, "bin", "module-cache.js"))}).useModuleCache(${JSON.stringify(nodeModules)}, ${JSON.stringify(path.join(dir, "cache"))});` +
            'require("dynamic").answer().then((a) => console.log(require("declared").answer + require("detected").answer + a));';
        for (let i = 0; i < 2; i++) {
            const r = spawnSync(process.execPath, ["-e", script], { cwd: dir, encoding: "utf8" });
            expect(r.stdout.trim(), r.stderr).toBe("126");
        }
    });

    it("ignores a damaged cache and writes a good one", () => {
        const p = project();
        p.run();
        fs.writeFileSync(p.file(), Buffer.from([9, 0, 0, 0, 123, 1, 2, 3]));
        expect(p.run()[0]).toBe("hello world");
        expect(fs.statSync(p.file()).size).toBeGreaterThan(8);
        expect(p.run()[0]).toBe("hello world");
    });
});
