"use strict";
/**
 * Defers loading modules that a dependency requires at import but this process may never use.
 *
 * `@pulumi/pulumi` requires `@npmcli/arborist` (with pacote, sigstore, npm-registry-fetch: about a third
 * of the SDK's load time) from `runtime/closure/codePaths.js`, to find the packages a serialized function
 * needs. The offline plan, the bench and the docs never serialize a function, so the module is handed out
 * as a stand-in that loads the real one on first use: nothing changes for a caller that does use it.
 *
 * Only for processes started through bin/compiled.js; `pulumi` runs the program through its own host.
 */
const Module = require("node:module");

/**
 * Modules deferred until first touched: the SDK's function serialization (above), and `yaml`, which a
 * plan needs only for files it has not parsed before (plan/schema-cache.ts) and to write YAML. (A module
 * imported as a namespace, `import * as x`, is loaded at import anyway: the bundle copies its exports.)
 */
const DEFERRED = new Set(["@npmcli/arborist", "typescript", "yaml"]);

function deferModules() {
    const original = Module._load;
    if (original.agentEstateDeferred) return;
    const load = function (request, parent, isMain) {
        if (!DEFERRED.has(request)) return original.call(this, request, parent, isMain);
        let real;
        const actual = () => (real ??= original.call(Module, request, parent, isMain));
        // `__esModule` is answered without loading, so TypeScript's `__importStar` keeps the stand-in
        // instead of copying (and so loading) every export at import.
        return new Proxy(
            {},
            {
                get: (_, key) => (key === "__esModule" ? true : Reflect.get(actual(), key)),
                has: (_, key) => key === "__esModule" || Reflect.has(actual(), key),
                ownKeys: () => Reflect.ownKeys(actual()),
                getOwnPropertyDescriptor: (_, key) => {
                    const d = Reflect.getOwnPropertyDescriptor(actual(), key);
                    return d === undefined ? undefined : { ...d, configurable: true };
                },
            },
        );
    };
    load.agentEstateDeferred = true;
    Module._load = load;
}

module.exports = { deferModules, DEFERRED };
