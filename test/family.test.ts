import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../config/errors";
import { didYouMean, mergeFamily, resolveFamily } from "../config/family";
import type { RawStackConfig } from "../config/parse";

const raw = (values: Record<string, unknown>, secretKeys: string[] = []): RawStackConfig => ({ stack: "alfred-prod", values: { family: "alfred", ...values }, secretKeys: new Set(secretKeys) });

/** The problems a merge reports, as "key: message" lines. */
function problemsOf(run: () => unknown): string[] {
    try {
        run();
    } catch (e) {
        if (ConfigError.isInstance(e)) return e.problems.map((p) => `${p.key}: ${p.message}`);
        throw e;
    }
    throw new Error("expected a ConfigError");
}

const base = {
    cell: { name: "alfred-dev", environment: "dev", tenancy: "agency" },
    workloads: {
        "agent-core": { port: 8011, replicas: 1, env: { LOG_LEVEL: "debug", ALFRED_ENVIRONMENT: "development" }, secretKeys: ["ALFRED_DATABASE_URL"] },
        "pubsub-emulator": { port: 8085 },
    },
};

describe("stack families: merging a stack's overrides over its family's base", () => {
    it("merges maps key by key and keeps what the override does not name", () => {
        const merged = mergeFamily(raw({ cell: { name: "alfred-prod", environment: "prod" }, workloads: { "agent-core": { env: { LOG_LEVEL: "info" } } } }), "alfred", base);
        expect(merged.values.cell).toEqual({ name: "alfred-prod", environment: "prod", tenancy: "agency" });
        const core = (merged.values.workloads as Record<string, Record<string, unknown>>)["agent-core"];
        expect(core.env).toEqual({ LOG_LEVEL: "info", ALFRED_ENVIRONMENT: "development" });
        expect(core.port).toBe(8011);
        expect(merged.values).not.toHaveProperty("family");
    });

    it("replaces lists whole rather than appending", () => {
        const merged = mergeFamily(raw({ workloads: { "agent-core": { secretKeys: ["JWT_SECRET"] } } }), "alfred", base);
        expect((merged.values.workloads as Record<string, { secretKeys: string[] }>)["agent-core"].secretKeys).toEqual(["JWT_SECRET"]);
    });

    it("deletes a base key with null", () => {
        const merged = mergeFamily(raw({ workloads: { "pubsub-emulator": null, "agent-core": { replicas: null } } }), "alfred", base);
        const workloads = merged.values.workloads as Record<string, Record<string, unknown>>;
        expect(Object.keys(workloads)).toEqual(["agent-core"]);
        expect(workloads["agent-core"]).not.toHaveProperty("replicas");
    });

    it("adds a key the base lacks only when it is marked with +", () => {
        const merged = mergeFamily(raw({ workloads: { "agent-social+": { port: 9000 } }, "f5+": { address: "10.0.0.1" } }), "alfred", base);
        expect((merged.values.workloads as Record<string, unknown>)["agent-social"]).toEqual({ port: 9000 });
        expect(merged.values.f5).toEqual({ address: "10.0.0.1" });
    });

    it("refuses an override naming a key the base does not have, with the stack, the key and a did-you-mean", () => {
        const problems = problemsOf(() => mergeFamily(raw({ workloads: { "agent-cor": { replicas: 3 } } }), "alfred", base));
        expect(problems).toEqual([
            'agent-estate:workloads.agent-cor: the family base families/alfred.yaml has no key "agent-cor" here (did you mean "agent-core"?); to add a key the base lacks, write it as "agent-cor+"',
        ]);
        try {
            mergeFamily(raw({ workloads: { "agent-cor": {} } }), "alfred", base);
        } catch (e) {
            expect((e as Error).message).toContain('stack "alfred-prod", agent-estate:workloads.agent-cor:');
        }
    });

    it("refuses a nested key and a top-level section the base lacks, every problem at once", () => {
        const problems = problemsOf(() => mergeFamily(raw({ cell: { enviroment: "prod" }, postgres: { instances: 1 }, workloads: { "agent-core": { prot: 1 } } }), "alfred", base));
        expect(problems).toHaveLength(3);
        expect(problems[0]).toMatch(/^agent-estate:cell\.enviroment: .*did you mean "environment"\?/);
        expect(problems[1]).toMatch(/^agent-estate:postgres: the family base families\/alfred\.yaml sets no key "postgres"/);
        expect(problems[2]).toMatch(/^agent-estate:workloads\.agent-core\.prot: .*did you mean "port"\?/);
    });

    it("refuses the + mark on a key the base has, and deleting a key the base lacks", () => {
        const problems = problemsOf(() => mergeFamily(raw({ workloads: { "agent-core+": { port: 1 }, "ui-chat": null } }), "alfred", base));
        expect(problems).toEqual([
            'agent-estate:workloads.agent-core+: is marked as an addition, but the family base families/alfred.yaml has "agent-core"; drop the "+" to override it',
            'agent-estate:workloads.ui-chat: the family base families/alfred.yaml has no key "ui-chat" here; to add a key the base lacks, write it as "ui-chat+"',
        ]);
    });

    it("keeps the stack's secrets its own: never merged, never taken from a base", () => {
        const merged = mergeFamily(raw({ vaultToken: "v1:cipher" }, ["vaultToken"]), "alfred", base);
        expect(merged.values.vaultToken).toBe("v1:cipher");
        expect(merged.secretKeys).toEqual(new Set(["vaultToken"]));
    });
});

describe("stack families: the base file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "family-"));
    fs.mkdirSync(path.join(dir, "families"));
    const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, "families", `${name}.yaml`), text);
    write("alfred", "config:\n  agent-estate:cell: { name: alfred-dev, environment: dev, tenancy: agency }\n  agent-estate:note: 3\n");
    write("leaky", "config:\n  agent-estate:vaultToken: { secure: v1:abc }\n  kubernetes:context: x\n  agent-estate:family: alfred\n");

    it("is read from families/<name>.yaml; top-level scalars arrive as text, as from a stack file", () => {
        const merged = resolveFamily(raw({ cell: { environment: "prod" } }), dir);
        expect(merged.values).toEqual({ cell: { name: "alfred-dev", environment: "prod", tenancy: "agency" }, note: "3" });
    });

    it("names a missing family with a did-you-mean", () => {
        expect(problemsOf(() => resolveFamily({ ...raw({}), values: { family: "alfredo" } }, dir))).toEqual([
            'agent-estate:family: family "alfredo" has no base families/alfredo.yaml; did you mean "alfred"? (families: alfred, leaky)',
        ]);
    });

    it("refuses secrets, foreign namespaces and chained families in a base", () => {
        const problems = problemsOf(() => resolveFamily({ ...raw({}), values: { family: "leaky" } }, dir));
        expect(problems).toEqual([
            "agent-estate:family: in families/leaky.yaml: a base cannot name a family itself; families do not chain",
            "agent-estate:vaultToken: in families/leaky.yaml: secrets are encrypted per stack; set it in each stack with `pulumi config set --secret agent-estate:vaultToken`",
            "kubernetes:context: in families/leaky.yaml: only agent-estate:* keys can be shared by a family; set it in each stack file",
        ]);
    });

    it("leaves a stack without a family as it is", () => {
        const plain: RawStackConfig = { stack: "dev", values: { cell: { name: "kaze-dev" } }, secretKeys: new Set() };
        expect(resolveFamily(plain, dir)).toBe(plain);
    });
});

describe("didYouMean", () => {
    it("suggests the closest key within a typo's distance, and nothing for an unrelated word", () => {
        expect(didYouMean("replics", ["replicas", "resources"])).toBe('did you mean "replicas"?');
        expect(didYouMean("zzz", ["replicas", "resources"])).toBe("");
    });
});
