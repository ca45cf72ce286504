"use strict";
/**
 * V8's code cache for the packages a process loads from node_modules, so that a plan does not parse and
 * compile the SDKs' functions again on every run (Node 20 has no `module.enableCompileCache`; 22 does).
 *
 * A module from this repository's node_modules is compiled with the bytecode an earlier run left for it
 * when nothing it could depend on changed: the installed packages (npm's record of node_modules,
 * `node_modules/.package-lock.json`, byte for byte; npm gives every packed file the same modification
 * time, so a file's own time does not tell versions apart), the file's size and modification time (an
 * edit by hand), and V8's own check of the source and flags. Otherwise it is compiled as Node would.
 * When a process compiled any module afresh, it writes the cache as it exits: the bytecode of every
 * function each module had compiled by then (not only those compiled at load, which is all a cache made
 * at load time holds), plus the earlier entries it did not load. One file per Node version,
 * architecture and command-line flags, index and bytecode together, replaced atomically: a process never reads half a cache or
 * an index with another cache's bytecode; the last writer wins.
 *
 * Modules are run as Node runs them: wrapped in the CommonJS function, with `require` resolving from the
 * module, `module`, `exports`, `__filename` and `__dirname`. ES modules, files that do not compile as
 * CommonJS, and files with a dynamic `import(` anywhere in their text are left to Node (it loads an ES
 * module `require`d from CommonJS, reports a syntax error, and gives `import()` its loader, which a
 * script made from a code cache does not keep in Node 20). Only for processes started through
 * bin/compiled.js.
 */
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");
const vm = require("node:vm");

/**
 * Installs the cache for modules under `nodeModules`, kept in `dir`. Idempotent.
 * @param {string} nodeModules the node_modules folder whose packages are cached
 * @param {string} dir where the cache is kept
 */
function useModuleCache(nodeModules, dir) {
    if (Module.prototype._compile.agentEstateModuleCache) return;
    const file = path.join(dir, `modules-${codeCacheSuffix()}.v8cache`);
    const installed = installedPackages(nodeModules);
    const cache = installed === undefined ? undefined : readCache(file, installed);
    const entries = cache ? cache.entries : {};
    const blob = cache ? cache.blob : undefined;
    /** What this process compiled: each module's script, to take its bytecode from at exit. */
    const compiled = new Map();
    let fresh = 0;

    const original = Module.prototype._compile;
    const compile = function (content, filename, format) {
        // ES modules (and CommonJS files Node finds to be ES modules) are Node's to load, and so are modules
        // with a dynamic import(): a script compiled from a code cache loses the loader it would call.
        if (format === "module" || hasDynamicImport(content) || !filename.startsWith(nodeModules + path.sep) || filename.startsWith(path.join(nodeModules, ".cache") + path.sep) || !/\.c?js$/.test(filename)) {
            return original.call(this, content, filename, format);
        }
        let stat;
        try {
            stat = fs.statSync(filename);
        } catch {
            return original.call(this, content, filename, format);
        }
        const known = entries[filename];
        const cachedData = known && known.size === stat.size && known.mtimeMs === stat.mtimeMs ? blob.subarray(known.offset, known.offset + known.length) : undefined;
        let script;
        try {
            script = new vm.Script(Module.wrap(content), { filename, cachedData });
        } catch (e) {
            // Not CommonJS (an ES module in a .js file: Node detects it and loads it as one), or a real
            // syntax error (Node reports it): either way, Node's own compile decides.
            if (e instanceof SyntaxError) return original.call(this, content, filename, format);
            throw e;
        }
        if (cachedData === undefined || script.cachedDataRejected) fresh++;
        compiled.set(filename, { script, size: stat.size, mtimeMs: stat.mtimeMs });
        return runModule(script, this, filename);
    };
    compile.agentEstateModuleCache = true;
    Module.prototype._compile = compile;

    process.once("exit", () => {
        if (fresh === 0 || installed === undefined) return;
        try {
            write(file, installed, entries, blob, compiled);
        } catch {
            // a read-only cache: the next run compiles again
        }
    });
}

/** Whether a source may call `import()` (read as text: a mention in a string or comment counts too). */
function hasDynamicImport(content) {
    return /\bimport\s*\(/.test(content);
}

/**
 * What a code cache is made for: the Node version, the architecture and the command-line flags (V8
 * rejects a cache made under other flags, so processes started with other options keep their own).
 */
function codeCacheSuffix() {
    const flags = require("node:crypto").createHash("sha256").update(JSON.stringify([process.execArgv, process.env.NODE_OPTIONS ?? ""])).digest("hex").slice(0, 8);
    return `${process.version}-${process.arch}-${flags}`;
}

/** Runs a module's script (its source in Node's CommonJS wrapper) as Node runs a module: with its exports, require, module, file and folder. */
function runModule(script, mod, filename) {
    return script.runInThisContext({ displayErrors: true }).call(mod.exports, mod.exports, requireOf(mod), mod, filename, path.dirname(filename));
}

/** `require` as Node hands it to a module: resolving from the module, with `resolve`, `main`, `cache`. */
function requireOf(mod) {
    const require = (id) => mod.require(id);
    require.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
    require.resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
    require.main = process.mainModule;
    require.extensions = Module._extensions;
    require.cache = Module._cache;
    return require;
}

/** The hash of npm's record of what node_modules holds, or undefined when there is none. */
function installedPackages(nodeModules) {
    try {
        return require("node:crypto").createHash("sha256").update(fs.readFileSync(path.join(nodeModules, ".package-lock.json"))).digest("hex");
    } catch {
        return undefined;
    }
}

/** The cache file: a 4-byte length, the index (JSON), then the bytecode the index points into. */
function readCache(file, installed) {
    try {
        const data = fs.readFileSync(file);
        const length = data.readUInt32LE(0);
        const index = JSON.parse(data.subarray(4, 4 + length).toString("utf8"));
        if (index.installed !== installed || typeof index.entries !== "object") return undefined;
        return { entries: index.entries, blob: data.subarray(4 + length) };
    } catch {
        return undefined;
    }
}

/** Writes the cache: this run's bytecode, then the earlier entries it did not load. */
function write(file, installed, entries, blob, compiled) {
    const parts = [];
    const out = {};
    let offset = 0;
    const add = (filename, data, size, mtimeMs) => {
        out[filename] = { offset, length: data.length, size, mtimeMs };
        parts.push(data);
        offset += data.length;
    };
    for (const [filename, c] of compiled) add(filename, c.script.createCachedData(), c.size, c.mtimeMs);
    for (const [filename, e] of Object.entries(entries)) {
        if (!compiled.has(filename) && blob) add(filename, blob.subarray(e.offset, e.offset + e.length), e.size, e.mtimeMs);
    }
    const index = Buffer.from(JSON.stringify({ installed, entries: out }), "utf8");
    const length = Buffer.alloc(4);
    length.writeUInt32LE(index.length, 0);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, Buffer.concat([length, index, ...parts]));
    fs.renameSync(tmp, file);
}

module.exports = { useModuleCache, codeCacheSuffix, runModule, hasDynamicImport };
