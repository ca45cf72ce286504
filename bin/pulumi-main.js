"use strict";
/**
 * The program as `pulumi preview` and `pulumi up` run it (Pulumi.yaml `main`, with `typescript: false`):
 * index.ts compiled once by bin/compiled.js and recompiled whenever a source changes, instead of the
 * language host's ts-node type-checking and transpiling every file on every run. Type-checking is
 * `npm run typecheck`'s job (CI runs it on every change).
 */
const { load } = require("./compiled");

module.exports = async () => (await load("index.ts"))();
