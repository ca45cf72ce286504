import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { withConfigReference } from "../plan/config-reference";

const readme = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");

describe("the README", () => {
    it("has a configuration reference in step with the schema (run `npm run docs:config` after a schema change)", () => {
        expect(readme).toBe(withConfigReference(readme));
    });

    it("gives the fresh-machine path, the test command and the real Pulumi path", () => {
        for (const command of ["npm ci", "npm run plan -- dev", "npm test", "pulumi login --local", "pulumi preview --stack dev --policy-pack ./policy", "pulumi up"]) {
            expect(readme).toContain(command);
        }
    });

    it("names the test command that CI runs", () => {
        expect(fs.readFileSync(path.join(__dirname, "..", ".ci", "run"), "utf8")).toMatch(/^npm test( --.*)?$/m);
    });
});
