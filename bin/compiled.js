"use strict";
/**
 * Runs a TypeScript entry point of this repository compiled once, not transpiled on every run:
 *
 *     node bin/compiled.js plan/cli.ts dev --json
 *
 * The entry and the repository's sources it imports are bundled by esbuild into one CommonJS file
 * under node_modules/.cache/agent-estate/ (packages stay external: they load from node_modules as
 * before). The bundle is named by the hash of exactly what was compiled: each source's content, the
 * listing of each source's folder (a new file there can change what an import resolves to),
 * tsconfig.json, the esbuild version and this file. Every run re-reads and re-hashes those (a few
 * milliseconds) and uses the bundle only if all of it is unchanged; otherwise it compiles again
 * (well under a second). A stale bundle is never run.
 *
 * `__dirname` and `__filename` in a source keep meaning that source's own folder and file in the
 * repository (not the bundle's), so data files are found where they are.
 *
 * Bundling does not type-check: that is `npm run typecheck`'s job.
 * Errors show the bundle's positions; NODE_OPTIONS=--enable-source-maps maps them back to the sources.
 */
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
/** Where bundles are kept (AGENT_ESTATE_BUILD_CACHE moves it, for tests). */
const CACHE = path.resolve(process.env.AGENT_ESTATE_BUILD_CACHE || path.join(ROOT, "node_modules", ".cache", "agent-estate"));
/** Bump when the way bundles are built changes. */
const FORMAT = "1";

const sha = (data) => crypto.createHash("sha256").update(data).digest("hex");
const slugOf = (entry) => entry.replace(/\.ts$/, "").replace(/[^A-Za-z0-9]+/g, "-");
const manifestOf = (entry) => path.join(CACHE, `${slugOf(entry)}.json`);

/** The key of a set of sources (repository-relative path to content hash), with everything else a bundle depends on. */
function keyOf(sources) {
    const esbuild = JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", "esbuild", "package.json"), "utf8")).version;
    const files = Object.keys(sources).sort();
    const dirs = [...new Set(files.map((f) => path.dirname(f)))].sort();
    return sha(
        [
            FORMAT,
            path.relative(CACHE, ROOT),
            esbuild,
            sha(fs.readFileSync(__filename)),
            sha(fs.readFileSync(path.join(ROOT, "tsconfig.json"))),
            ...files.map((f) => `${f} ${sources[f]}`),
            ...dirs.map((d) => `${d}/: ${fs.readdirSync(path.join(ROOT, d)).sort().join(" ")}`),
        ].join("\n"),
    ).slice(0, 20);
}

/** The bundle of an entry if one was built from sources exactly as they are now; otherwise undefined. */
function fresh(entry) {
    try {
        const manifest = JSON.parse(fs.readFileSync(manifestOf(entry), "utf8"));
        const sources = {};
        for (const f of manifest.sources) sources[f] = sha(fs.readFileSync(path.join(ROOT, f)));
        const bundle = path.join(CACHE, manifest.bundle);
        return keyOf(sources) === manifest.key && fs.existsSync(bundle) ? bundle : undefined;
    } catch {
        return undefined; // no manifest yet, or a source or folder is gone
    }
}

/** Compiles an entry, records what it was compiled from, and returns the bundle's path. */
async function build(entry) {
    const esbuild = require("esbuild");
    /** What was compiled, hashed as it was read: an edit during the build makes the next run compile again. */
    const sources = {};
    const result = await esbuild.build({
        entryPoints: [path.join(ROOT, entry)],
        absWorkingDir: ROOT,
        bundle: true,
        platform: "node",
        format: "cjs",
        target: "node20",
        packages: "external",
        sourcemap: "linked",
        sourcesContent: false,
        write: false,
        outdir: CACHE,
        logLevel: "silent",
        // The repository's root, from the bundle's place in the cache.
        banner: { js: `var __agentEstateRoot = require("node:path").resolve(__dirname, ${JSON.stringify(path.relative(CACHE, ROOT))});` },
        plugins: [{ name: "repository-sources", setup: (b) => b.onLoad({ filter: /.*/ }, (args) => loadSource(args.path, sources)) }],
    });
    const key = keyOf(sources);
    const bundle = `${slugOf(entry)}-${key}.js`;
    fs.mkdirSync(CACHE, { recursive: true });
    for (const out of result.outputFiles) {
        const name = out.path.endsWith(".map") ? `${bundle}.map` : bundle;
        const text = name === bundle ? out.text.replace(/\/\/# sourceMappingURL=.*$/m, `//# sourceMappingURL=${bundle}.map`) : out.text;
        writeAtomically(path.join(CACHE, name), text);
    }
    writeAtomically(manifestOf(entry), `${JSON.stringify({ entry, key, bundle, sources: Object.keys(sources).sort() }, null, 2)}\n`);
    prune(entry, bundle);
    return path.join(CACHE, bundle);
}

/** A source as esbuild should compile it, with `__dirname`/`__filename` bound to its place in the repository. */
function loadSource(file, sources) {
    const rel = path.relative(ROOT, file);
    const text = fs.readFileSync(file);
    sources[rel] = sha(text);
    let contents = text.toString("utf8");
    if (/\b__(dirname|filename)\b/.test(contents)) {
        // Module-local bindings shadow the bundle's own; esbuild renames them apart across modules.
        const dir = JSON.stringify(path.dirname(rel));
        const own = JSON.stringify(rel);
        contents = `const __dirname = require("node:path").join(__agentEstateRoot, ${dir});\nconst __filename = require("node:path").join(__agentEstateRoot, ${own});\n${contents}`;
    }
    const ext = path.extname(file).slice(1);
    return { contents, loader: ext === "json" ? "json" : ext === "js" || ext === "cjs" ? "js" : "ts", resolveDir: path.dirname(file) };
}

function writeAtomically(file, text) {
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
}

/**
 * Removes an entry's older bundles (with their maps and code caches), once they are a minute old: a process that compiled one a moment
 * ago from other sources (an edit in between) may not have loaded it yet.
 */
function prune(entry, keep) {
    const prefix = `${slugOf(entry)}-`;
    const files = fs.readdirSync(CACHE);
    /** A bundle's files (its source map and V8 code caches go with it), by the bundle's own age. */
    const bundleOf = (f) => {
        const m = /^([0-9a-f]{20}\.js)(\.map|\.v[\d.]+-\w+-[0-9a-f]{8}\.v8cache)?$/.exec(f.startsWith(prefix) ? f.slice(prefix.length) : "");
        return m ? prefix + m[1] : undefined;
    };
    const stale = new Set();
    for (const f of files) {
        const bundle = bundleOf(f);
        if (!bundle || bundle === keep || stale.has(bundle)) continue;
        try {
            if (!files.includes(bundle) || Date.now() - fs.statSync(path.join(CACHE, bundle)).mtimeMs > 60_000) stale.add(bundle);
        } catch {
            // removed by another process meanwhile
        }
    }
    for (const f of files) if (stale.has(bundleOf(f))) fs.rmSync(path.join(CACHE, f), { force: true });
}

/** The up-to-date bundle of an entry (a repository-relative `.ts` path), compiling it if needed. */
async function compiled(entry) {
    return fresh(entry) ?? (await build(entry));
}

/** Loads an entry's up-to-date bundle (through its V8 code cache) and returns its exports. */
async function load(entry) {
    const bundle = await compiled(entry);
    if (!require.cache[bundle] && codeCacheWanted()) withCodeCache(bundle);
    return require(bundle);
}

/**
 * Whether to run with V8's code caches: not when AGENT_ESTATE_CODE_CACHE=0, nor with source maps on
 * (`--enable-source-maps`: Node maps only the scripts its own loader compiles).
 */
function codeCacheWanted() {
    return process.env.AGENT_ESTATE_CODE_CACHE !== "0" && !process.sourceMapsEnabled;
}

/**
 * Runs the next load of `bundle` with V8's code cache kept beside it (`<bundle>.<node>-<arch>-<flags>.v8cache`;
 * bin/module-cache.js does the same for the packages; AGENT_ESTATE_CODE_CACHE=0 turns both off): the
 * bytecode of every function an earlier run of the bundle compiled, so a run does not parse and compile
 * the program's functions again as it first calls them. A run writes the cache as it exits, with all it
 * compiled by then, when there was none, V8 rejected it, or the run compiled more (5% more bytecode).
 * A cache belongs to one bundle, whose name is the hash of its sources: it never meets another source
 * (V8's own check compares only lengths).
 */
function withCodeCache(bundle) {
    const Module = require("node:module");
    const vm = require("node:vm");
    const { codeCacheSuffix, hasDynamicImport, runModule } = require("./module-cache");
    const cacheFile = `${bundle}.${codeCacheSuffix()}.v8cache`;
    const original = Module.prototype._compile;
    Module.prototype._compile = function (content, filename, format) {
        if (filename !== bundle) return original.call(this, content, filename, format);
        Module.prototype._compile = original;
        // A bundle that imports a package dynamically is Node's to compile (see bin/module-cache.js).
        if (hasDynamicImport(content)) return original.call(this, content, filename, format);
        let cachedData;
        try {
            cachedData = fs.readFileSync(cacheFile);
        } catch {
            // none yet
        }
        const script = new vm.Script(Module.wrap(content), { filename, cachedData });
        const usable = cachedData !== undefined && !script.cachedDataRejected;
        process.once("exit", () => {
            try {
                // A run that compiled more of the program than the cache holds (a cell's plan after the
                // delivery stack's, say) replaces it: the cache grows towards all the program runs.
                const data = script.createCachedData();
                if (!usable || data.length > cachedData.length * 1.05) writeAtomically(cacheFile, data);
            } catch {
                // a read-only cache: the next run compiles again
            }
        });
        return runModule(script, this, filename);
    };
}

module.exports = { ROOT, compiled, load };

if (require.main === module) {
    const [entry, ...args] = process.argv.slice(2);
    if (!entry) {
        process.stderr.write("usage: node bin/compiled.js <entry.ts> [args...]\n");
        process.exit(2);
    }
    require("./lazy-modules").deferModules();
    if (codeCacheWanted()) require("./module-cache").useModuleCache(path.join(ROOT, "node_modules"), CACHE);
    compiled(entry).then(
        (bundle) => {
            process.argv = [process.argv[0], path.join(ROOT, entry), ...args];
            if (codeCacheWanted()) withCodeCache(bundle);
            // The bundle runs as the main module, so an entry's `require.main === module` holds as under tsx.
            require("node:module").runMain(bundle);
        },
        (e) => {
            process.stderr.write(`compiling ${entry} failed:\n${e.message}\n`);
            process.exit(3);
        },
    );
}
