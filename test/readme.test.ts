import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { CONFIG_REFERENCE_FILE, configReferenceDocument } from "../plan/config-reference";

const root = path.join(__dirname, "..");
const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");

describe("the README", () => {
    it("is a guide under 20 KB, the generated reference kept out of it", () => {
        expect(Buffer.byteLength(readme, "utf8")).toBeLessThan(20 * 1024);
        expect(readme).not.toContain("| `agent-estate:cell.name` |");
        expect(readme).toContain("](docs/config-reference.md)");
    });

    it("gives the fresh-machine path, the test command and the real Pulumi path", () => {
        for (const command of ["npm ci", "npm run plan -- dev", "npm test", "npm run e2e", "docs/e2e.md", "pulumi login --local", "pulumi preview --stack dev --policy-pack ./policy", "pulumi up"]) {
            expect(readme).toContain(command);
        }
    });

    it("links and cites only files that exist, as do the stack files' comments", () => {
        const texts = [readme, ...fs.readdirSync(root).filter((f) => /^Pulumi\..*\.yaml$/.test(f)).map((f) => fs.readFileSync(path.join(root, f), "utf8"))];
        const cited = new Set(texts.flatMap((t) => [...t.matchAll(/\]\(((?:docs|components|policy|schemas|families|bin|tools|config|plan)\/[^)#\s]+)\)|\b((?:docs|components|policy)\/[\w./-]+\.md)\b/g)].map((m) => m[1] ?? m[2])));
        expect(cited.size).toBeGreaterThan(3);
        for (const file of cited) expect(fs.existsSync(path.join(root, file)), file).toBe(true);
        expect(cited).toContain("components/delivery/BOOTSTRAP.md");
    });

    it("names the test command that CI runs", () => {
        expect(fs.readFileSync(path.join(root, ".ci", "run"), "utf8")).toMatch(/^npm test( --.*)?$/m);
    });
});

describe("docs/config-reference.md", () => {
    const reference = fs.readFileSync(path.join(root, CONFIG_REFERENCE_FILE), "utf8");

    it("is in step with the schema (run `npm run docs:config` after a schema change)", () => {
        expect(reference).toBe(configReferenceDocument());
    });

    it("covers the cell keys, the delivery keys and the secrets of both", () => {
        for (const key of ["`agent-estate:cell.name`", "`agent-estate:delivery.stacks.<name>.environment`", "`agent-estate:vaultToken`", "`agent-estate:pulumiAccessToken`"]) {
            expect(reference).toContain(`| ${key} |`);
        }
    });
});
