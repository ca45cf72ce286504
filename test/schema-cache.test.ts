// The plan keeps parsed vendored YAML, compiled validators and validators' verdicts on disk
// (plan/schema-cache.ts): a cached result must be the very result the slow path gives, and a changed
// input must never read an old entry.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { cachedParse, cachedValidator, VerdictCache } from "../plan/schema-cache";
import type { PlannedResource } from "../plan/types";
import { validateKubernetesObjects } from "../plan/validate";
import { ROOT } from "./harness";

describe("the schema cache", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "schema-cache-"));
    const options = { allErrors: true, strict: false, logger: false as const };
    const schema = { type: "object", properties: { size: { type: "integer", minimum: 1 }, name: { type: "string" } }, required: ["size"], additionalProperties: false };

    it("validates from the stored standalone code exactly as the freshly compiled validator does", () => {
        const fresh = cachedValidator(schema, options, dir);
        expect(fs.readdirSync(dir).filter((f) => f.startsWith("ajv-"))).toHaveLength(1);
        const stored = cachedValidator(schema, options, dir);
        expect(stored).not.toBe(fresh); // read back from disk, not the same function
        for (const value of [{ size: 2 }, { size: 0 }, { sise: 2 }, { size: 1, name: 3 }]) {
            expect(stored(value), JSON.stringify(value)).toBe(fresh(value));
            expect(stored.errors ?? null).toEqual(fresh.errors ?? null);
        }
    });

    it("keys each entry by its input: another schema is another entry", () => {
        cachedValidator({ ...schema, required: [] }, options, dir);
        expect(fs.readdirSync(dir).filter((f) => f.startsWith("ajv-"))).toHaveLength(2);
    });

    it("returns parsed YAML as parsing it would, from disk the second time", () => {
        const text = "a: 1\nb: [x, y]\n";
        let parses = 0;
        const once = (t: string) => (parses++, parse(t) as unknown);
        expect(cachedParse(text, once, dir)).toEqual({ a: 1, b: ["x", "y"] });
        expect(cachedParse(text, once, dir)).toEqual({ a: 1, b: ["x", "y"] });
        expect(parses).toBe(1);
        expect(cachedParse("a: 2\n", once, dir)).toEqual({ a: 2 });
        expect(parses).toBe(2);
    });
});

describe("the verdict cache of the Kubernetes schema validation", () => {
    const object = (name: string, spec: Record<string, unknown>, kind = "Deployment", apiVersion = "apps/v1"): PlannedResource => ({
        urn: `urn:pulumi:t::p::kubernetes:${apiVersion}:${kind}::${name}`,
        type: `kubernetes:${apiVersion}:${kind}`,
        name,
        custom: true,
        props: { apiVersion, kind, metadata: { name }, spec },
        protect: false,
        retainOnDelete: false,
        dependencies: [],
    });
    const good = object("good", { selector: { matchLabels: { a: "b" } }, template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "i" }] } } });
    const bad = object("bad", { selector: { matchLabels: { a: "b" } }, template: { spec: { containers: [{ name: "c", image: "i", ports: [{ containerPort: "http" }] }] } } });
    // A custom resource judged by a vendored CRD's schema, with a field the schema does not know.
    const custom = object("pool", { cluster: { name: "db" }, instances: 1, type: "rw", pgbouncer: { poolMode: "session" }, unknownField: 1 }, "Pooler", "postgresql.cnpg.io/v1");

    it("gives the verdicts a fresh validation gives, from disk the second time, for models and CRD schemas alike", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "verdicts-"));
        const fresh = validateKubernetesObjects([good, bad, custom], undefined);
        expect(fresh.errors.map((e) => e.urn)).toEqual([bad.urn, custom.urn]);
        expect(fresh.errors.find((e) => e.urn === custom.urn)?.message).toBe('Pooler /spec: unknown field "unknownField"');

        const first = validateKubernetesObjects([good, bad, custom], new VerdictCache("salt", dir));
        expect(first).toEqual(fresh);
        // One file per object, and one for the three together.
        expect(fs.readdirSync(dir).filter((f) => f.startsWith("all-"))).toHaveLength(1);
        expect(fs.readdirSync(dir)).toHaveLength(4);
        const second = validateKubernetesObjects([good, bad, custom], new VerdictCache("salt", dir));
        expect(second).toEqual(fresh);
        // The same objects again read the file of all three: with the per-object files gone, nothing is judged or filed again.
        for (const f of fs.readdirSync(dir).filter((f) => !f.startsWith("all-"))) fs.rmSync(path.join(dir, f));
        expect(validateKubernetesObjects([good, bad, custom], new VerdictCache("salt", dir))).toEqual(fresh);
        expect(fs.readdirSync(dir)).toHaveLength(1);
        // Another set (one object fewer) is judged object by object.
        expect(validateKubernetesObjects([good, bad], new VerdictCache("salt", dir)).errors).toEqual(fresh.errors.filter((e) => e.urn === bad.urn));
    });

    it("judges a changed object afresh, and never reads an entry made under another salt or a damaged one", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "verdicts-"));
        const cache = new VerdictCache("salt", dir);
        expect(validateKubernetesObjects([good], cache).errors).toEqual([]);
        // The same name and kind, one value changed: a new entry, and the problem is found.
        const broken = { ...good, props: { ...good.props, spec: { ...(good.props.spec as object), replicas: "two" } } };
        expect(validateKubernetesObjects([broken], cache).errors.map((e) => e.message)).toEqual(["Deployment /spec/replicas: must be integer"]);
        expect(fs.readdirSync(dir).filter((f) => !f.startsWith("all-"))).toHaveLength(2);

        expect(cache.key("model x", good.props)).not.toBe(new VerdictCache("other salt", dir).key("model x", good.props));
        expect(cache.key("model x", good.props)).not.toBe(cache.key("model y", good.props));
        const key = cache.key("model x", good.props);
        fs.writeFileSync(path.join(dir, `${key}.json`), "{ half a verd");
        expect(cache.get(key)).toBeUndefined();
    });

    it("keeps the newest verdicts, as many as it may", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "verdicts-"));
        const old = new VerdictCache("salt", dir, 2);
        const keys = ["a", "b", "c"].map((x) => old.key("model x", { x }));
        old.set(keys[0], []);
        old.set(keys[1], []);
        fs.utimesSync(path.join(dir, `${keys[0]}.json`), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
        // Another process adds one: the oldest goes.
        new VerdictCache("salt", dir, 2).set(keys[2], ["Deployment /spec: is invalid"]);
        expect(fs.readdirSync(dir).sort()).toEqual([`${keys[1]}.json`, `${keys[2]}.json`].sort());
        expect(new VerdictCache("salt", dir, 2).get(keys[2])).toEqual(["Deployment /spec: is invalid"]);
    });

    it("lets a plan of an unchanged cell load no validator (no Kubernetes model, Ajv or YAML parser; dev has no mesh section, whose check loads the Istio models), read no vendored CRD, and load no SDK of the delivery program", () => {
        const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "loaded-")), "report.js");
        // Prints, on exit, the packages the process loaded (the first one or two path segments after node_modules/).
        const packagesLoaded = () => {
            const names = Object.keys(require.cache).flatMap((k) => {
                const parts = k.split("node_modules/").pop()!.split("/");
                return k.includes("node_modules/") && !parts[0].startsWith(".") ? [parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]] : [];
            });
            process.stderr.write(`LOADED ${JSON.stringify([...new Set(names)])}\n`);
        };
        // And the vendored CRD files it read.
        const recordReads = () => {
            // eslint-disable-next-line @typescript-eslint/no-require-imports -- this function runs as the report script, CommonJS
            const fsModule = require("node:fs") as typeof fs & { crdsRead?: string[] };
            const read = fsModule.readFileSync;
            fsModule.crdsRead = [];
            fsModule.readFileSync = ((file: fs.PathOrFileDescriptor, ...rest: unknown[]) => {
                if (String(file).includes("/schemas/crds/")) fsModule.crdsRead!.push(String(file));
                return (read as (...a: unknown[]) => unknown)(file, ...rest);
            }) as typeof fs.readFileSync;
            process.on("exit", () => process.stderr.write(`CRDS ${JSON.stringify(fsModule.crdsRead)}\n`));
        };
        fs.writeFileSync(report, `process.on("exit", ${packagesLoaded.toString()}); (${recordReads.toString()})();`);
        const loaded = () => {
            const run = spawnSync(process.execPath, ["--require", report, path.join(ROOT, "bin", "compiled.js"), "plan/cli.ts", "dev"], { cwd: ROOT, encoding: "utf8" });
            expect(run.status, run.stderr).toBe(0);
            return { packages: JSON.parse(/^LOADED (.*)$/m.exec(run.stderr)![1]) as string[], crds: JSON.parse(/^CRDS (.*)$/m.exec(run.stderr)![1]) as string[] };
        };
        loaded(); // fills the caches, if this checkout has not planned dev yet
        const { packages, crds } = loaded();
        expect(crds).toEqual([]);
        expect(packages).toContain("@pulumi/kubernetes");
        expect(packages.filter((p) => /^(kubernetes-models|@kubernetes-models\/|ajv|yaml$|@pulumi\/github|@pulumi\/pulumiservice)/.test(p))).toEqual([]);
    });
});
