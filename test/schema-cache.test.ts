// The plan keeps parsed vendored YAML and compiled validators on disk (plan/schema-cache.ts): a cached result
// must be the very result the slow path gives, and a changed input must never read an old entry.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { cachedParse, cachedValidator } from "../plan/schema-cache";

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
