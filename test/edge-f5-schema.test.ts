import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";
import { declare, Declared, ROOT } from "./harness";

/**
 * The provider schema the binding was written from: the full schema where the workspace has it, and
 * the repository's extract of it (components/edge/f5bigip/schema-3.24.0.json) everywhere else, e.g. in CI.
 */
const FULL_SCHEMA = path.resolve(ROOT, "../shared/schemas/f5bigip-3.24.0.schema.json");
const EXTRACT = path.join(ROOT, "components/edge/f5bigip/schema-3.24.0.json");
interface Schema {
    version: string;
    config: { variables: Record<string, unknown> };
    resources: Record<string, { inputProperties: Record<string, unknown>; requiredInputs?: string[] }>;
}
const readSchema = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as Schema;
const full = fs.existsSync(FULL_SCHEMA) ? readSchema(FULL_SCHEMA) : undefined;
const schema = full ?? readSchema(EXTRACT);

interface BoundClass {
    file: string;
    className: string;
    token: string;
    args: { name: string; optional: boolean }[];
}

/** Reads the binding's source: every class with a `__pulumiType` token, and the members of its args interface. */
function bindingClasses(): BoundClass[] {
    const dir = path.join(ROOT, "components/edge/f5bigip");
    const out: BoundClass[] = [];
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
        const source = ts.createSourceFile(file, fs.readFileSync(path.join(dir, file), "utf8"), ts.ScriptTarget.ES2022, true);
        const interfaces = new Map<string, ts.InterfaceDeclaration>();
        source.statements.filter(ts.isInterfaceDeclaration).forEach((i) => interfaces.set(i.name.text, i));
        for (const cls of source.statements.filter(ts.isClassDeclaration)) {
            const tokenMember = cls.members.find((m): m is ts.PropertyDeclaration => ts.isPropertyDeclaration(m) && m.name.getText(source) === "__pulumiType");
            if (!tokenMember?.initializer || !ts.isStringLiteral(tokenMember.initializer)) continue;
            const ctor = cls.members.find(ts.isConstructorDeclaration);
            const argsType = ctor?.parameters[1]?.type?.getText(source);
            const iface = argsType === undefined ? undefined : interfaces.get(argsType);
            if (iface === undefined) throw new Error(`${file}: class ${cls.name?.text} has no args interface in the same file`);
            out.push({
                file,
                className: cls.name!.text,
                token: tokenMember.initializer.text,
                args: iface.members.filter(ts.isPropertySignature).map((m) => ({ name: m.name.getText(source), optional: m.questionToken !== undefined })),
            });
        }
    }
    return out;
}

const classes = bindingClasses();
const provider = classes.find((c) => c.token === "f5bigip")!;
const resources = classes.filter((c) => c !== provider);

describe.runIf(full !== undefined)("the repository's schema extract", () => {
    it("has exactly the full schema's names, types and required inputs for the bound resources and the provider config", () => {
        const extract = readSchema(EXTRACT);
        const shape = (props: Record<string, unknown>) => Object.fromEntries(Object.entries(props).map(([k, v]) => [k, { ...(v as object), description: undefined }]));
        expect(extract.version).toBe(full!.version);
        expect(shape(extract.config.variables)).toEqual(shape(full!.config.variables));
        for (const [token, spec] of Object.entries(extract.resources)) {
            expect(shape(spec.inputProperties), token).toEqual(shape(full!.resources[token].inputProperties));
            expect(spec.requiredInputs ?? [], token).toEqual(full!.resources[token].requiredInputs ?? []);
        }
    });
});

describe("the f5bigip binding against the provider schema v3.24.0", () => {
    it("is written against the schema's version", async () => {
        const { F5BIGIP_VERSION } = await import("../components/edge/f5bigip/version");
        expect(schema.version).toBe(F5BIGIP_VERSION);
    });

    it("binds the provider, the five LTM resources the VIPs need and AS3 for their TLS material", () => {
        expect(provider).toBeDefined();
        expect(resources.map((c) => c.token).sort()).toEqual([
            "f5bigip:index/as3:As3",
            "f5bigip:ltm/monitor:Monitor",
            "f5bigip:ltm/node:Node",
            "f5bigip:ltm/pool:Pool",
            "f5bigip:ltm/poolAttachment:PoolAttachment",
            "f5bigip:ltm/virtualServer:VirtualServer",
        ]);
    });

    it.each(resources.map((c) => [c.token, c] as const))("%s exists in the schema and declares only its inputs", (token, c) => {
        const spec = schema.resources[token];
        expect(spec, `${token} is not a resource of the schema`).toBeDefined();
        const unknown = c.args.map((a) => a.name).filter((n) => !(n in spec.inputProperties));
        expect(unknown, `${c.className}Args declares inputs the schema does not have`).toEqual([]);
    });

    it.each(resources.map((c) => [c.token, c] as const))("%s declares every required input as required", (token, c) => {
        for (const required of schema.resources[token].requiredInputs ?? []) {
            const arg = c.args.find((a) => a.name === required);
            expect(arg, `${c.className}Args lacks required input ${required}`).toBeDefined();
            expect(arg!.optional, `${c.className}Args.${required} must not be optional`).toBe(false);
        }
    });

    it("declares only provider config variables of the schema", () => {
        const unknown = provider.args.map((a) => a.name).filter((n) => !(n in schema.config.variables));
        expect(unknown).toEqual([]);
    });
});

describe("what the VIP component sets, in the stacks that declare VIPs", () => {
    let rooster: Declared;
    beforeAll(async () => {
        rooster = await declare("rooster");
    });

    it("every F5 resource sets each required input and only schema inputs", async () => {
        const prod = await declare("prod");
        const f5 = [...rooster.resources, ...prod.resources].filter((r) => r.type.startsWith("f5bigip:"));
        expect(f5.map((r) => r.type)).toContain("f5bigip:index/as3:As3");
        for (const r of f5) {
            const spec = schema.resources[r.type];
            expect(spec, r.type).toBeDefined();
            for (const required of spec.requiredInputs ?? []) expect(r.props[required], `${r.name}.${required}`).toBeDefined();
            expect(Object.keys(r.props).filter((k) => !(k in spec.inputProperties)), r.name).toEqual([]);
        }
    });

    it("the provider gets address, username and password, and nothing outside config.variables", () => {
        const [p] = rooster.ofType("pulumi:providers:f5bigip");
        for (const key of ["address", "username", "password"]) expect(p.props[key], key).toBeDefined();
        expect(Object.keys(p.props).filter((k) => k !== "version" && !(k in schema.config.variables))).toEqual([]);
    });
});
