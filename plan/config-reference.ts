import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { DELIVERY_SECRET_KEYS, deliveryConfigSchema } from "../config/delivery";
import { SecretKeySpec } from "../config/problems";
import { CONFIG_NAMESPACE, SECRET_KEYS, cellConfigSchema } from "../config/schema";

interface JsonSchema {
    type?: string | string[];
    properties?: Record<string, JsonSchema>;
    required?: string[];
    items?: JsonSchema;
    additionalProperties?: JsonSchema | boolean;
    enum?: unknown[];
    const?: unknown;
    anyOf?: JsonSchema[];
    oneOf?: JsonSchema[];
    default?: unknown;
    description?: string;
    pattern?: string;
    minimum?: number;
    maximum?: number;
    minItems?: number;
    format?: string;
}

/** The generated reference's sections: each a title, what it covers, a schema and its credentials. */
const SECTIONS = [
    {
        title: "Cell stacks",
        intro: "Every key a cell stack (`dev`, `prod`, `rooster`, …) reads.",
        schema: cellConfigSchema,
        secrets: SECRET_KEYS as Record<string, SecretKeySpec>,
    },
    {
        title: "The delivery stack",
        intro: "Every key the delivery stack reads (the presence of `agent-estate:delivery` makes a stack the delivery stack).",
        schema: deliveryConfigSchema,
        secrets: DELIVERY_SECRET_KEYS as Record<string, SecretKeySpec>,
    },
];

/** Where the reference lives, relative to the repository root. */
export const CONFIG_REFERENCE_FILE = path.join("docs", "config-reference.md");

function typeOf(s: JsonSchema): string {
    if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(" \\| ");
    if (s.const !== undefined) return JSON.stringify(s.const);
    const alts = s.anyOf ?? s.oneOf;
    if (alts) return [...new Set(alts.map(typeOf))].join(" \\| ");
    if (s.type === "object" && s.additionalProperties && typeof s.additionalProperties === "object" && !s.properties) return "map";
    if (s.type === "array") return `list of ${s.items ? typeOf(s.items) : "any"}`;
    return Array.isArray(s.type) ? s.type.join(" \\| ") : (s.type ?? "any");
}

function constraints(s: JsonSchema): string {
    const parts: string[] = [];
    if (s.minimum !== undefined) parts.push(`≥ ${s.minimum}`);
    if (s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER) parts.push(`≤ ${s.maximum}`);
    if (s.minItems) parts.push(`at least ${s.minItems}`);
    if (s.format) parts.push(s.format);
    if (s.pattern) parts.push(`\`${s.pattern.replace(/\|/g, "\\|")}\``);
    return parts.join(", ");
}

/**
 * A union of objects (e.g. one shape per ingress controller) as one object: every property of any
 * alternative, its type the union of the alternatives' types, required only when every one requires it.
 */
function mergeAlternatives(alts: JsonSchema[]): JsonSchema {
    const objects = alts.filter((a) => a.properties);
    if (objects.length <= 1) return objects[0] ?? {};
    const properties: Record<string, JsonSchema> = {};
    for (const alt of objects) {
        for (const [name, prop] of Object.entries(alt.properties ?? {})) {
            const seen = properties[name];
            properties[name] = seen === undefined ? prop : { description: seen.description ?? prop.description, anyOf: [...(seen.anyOf ?? [seen]), ...(prop.anyOf ?? [prop])] };
        }
    }
    const required = Object.keys(properties).filter((name) => objects.every((a) => a.required?.includes(name)));
    return { type: "object", properties, required, description: objects.find((a) => a.description)?.description };
}

/** One row per key path of the schema: records show their key as `<name>`, lists as `[]`. */
function rows(s: JsonSchema, key: string, required: boolean, out: string[][]): void {
    const alts = s.anyOf ?? s.oneOf;
    const objectAlt = alts?.some((a) => a.properties) ? mergeAlternatives(alts) : undefined;
    const node = objectAlt ?? s;
    out.push([`\`${key}\``, typeOf(s), required ? "yes" : "", s.default === undefined ? "" : `\`${JSON.stringify(s.default)}\``, constraints(s), (s.description ?? node.description ?? "").replace(/\n/g, " ")]);
    if (node.properties) {
        for (const [name, child] of Object.entries(node.properties)) rows(child, `${key}.${name}`, node.required?.includes(name) ?? false, out);
    } else if (node.type === "object" && node.additionalProperties && typeof node.additionalProperties === "object") {
        const child = node.additionalProperties;
        if (child.properties || child.anyOf || child.oneOf) rows(child, `${key}.<name>`, true, out);
    } else if (node.type === "array" && node.items?.properties) {
        for (const [name, child] of Object.entries(node.items.properties)) rows(child, `${key}[].${name}`, node.items.required?.includes(name) ?? false, out);
    }
}

/** The reference table of one schema and its credentials. */
function configReference(zodSchema: z.ZodType, secrets: Record<string, SecretKeySpec>): string {
    const schema = z.toJSONSchema(zodSchema, { io: "input", unrepresentable: "any" }) as JsonSchema;
    const table: string[][] = [];
    for (const [name, child] of Object.entries(schema.properties ?? {})) rows(child, `${CONFIG_NAMESPACE}:${name}`, schema.required?.includes(name) ?? false, table);
    const header = ["Key", "Type", "Required", "Default", "Constraints", "Description"];
    return [
        `| ${header.join(" | ")} |`,
        `|${header.map(() => "---").join("|")}|`,
        ...table.map((r) => `| ${r.join(" | ")} |`),
        "",
        "Secrets (set each with `pulumi config set --secret <key>`; they stay Pulumi secrets end to end):",
        "",
        "| Key | Required when | Description |",
        "|---|---|---|",
        ...Object.entries(secrets).map(([k, v]) => `| \`${CONFIG_NAMESPACE}:${k}\` | ${v.requiredWhen ? `\`${CONFIG_NAMESPACE}:${v.requiredWhen}\` is set` : "optional"} | ${v.description} |`),
    ].join("\n");
}

/** The whole of docs/config-reference.md, generated from the schemas the program validates with. */
export function configReferenceDocument(): string {
    return [
        "# Configuration reference",
        "",
        "<!-- generated by `npm run docs:config` from the schemas in config/; do not edit by hand, a test keeps it in step with the schema -->",
        "",
        "Keys are set per stack in `Pulumi.<stack>.yaml` (or with `pulumi config set`). A stack is checked",
        "against this schema before anything is declared; every problem is reported at once (exit 2).",
        "",
        ...SECTIONS.flatMap((section) => [`## ${section.title}`, "", section.intro, "", configReference(section.schema, section.secrets), ""]),
    ].join("\n");
}

if (require.main === module) {
    const file = path.resolve(__dirname, "..", CONFIG_REFERENCE_FILE);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, configReferenceDocument());
    process.stdout.write(`${CONFIG_REFERENCE_FILE} regenerated\n`);
}
