import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { vendoredCrdSchema, vendoredCrdSchemas, vendoredCrdSource } from "../plan/crd-schemas";
import { sha } from "../plan/schema-cache";
import { PlannedResource, SECRET_PLACEHOLDER } from "../plan/types";
import { validateKubernetesObjects } from "../plan/validate";
import { declare, ROOT } from "./harness";

/** A CRD as a stack declares it: example.com/v1 Widget, with the structural-schema extensions that matter. */
const widgetCrd = {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "widgets.example.com" },
    spec: {
        group: "example.com",
        names: { kind: "Widget", plural: "widgets", singular: "widget", listKind: "WidgetList" },
        scope: "Namespaced",
        versions: [
            {
                name: "v1",
                served: true,
                storage: true,
                schema: {
                    openAPIV3Schema: {
                        type: "object",
                        properties: {
                            spec: {
                                type: "object",
                                required: ["size"],
                                properties: {
                                    size: { type: "integer", minimum: 1 },
                                    port: { "x-kubernetes-int-or-string": true },
                                    note: { type: "string", nullable: true },
                                    extra: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
                                    labels: { type: "object", additionalProperties: { type: "string" } },
                                },
                            },
                        },
                    },
                },
            },
            { name: "v0", served: false, storage: false, schema: { openAPIV3Schema: { type: "object" } } },
        ],
    },
};

function resource(name: string, type: string, props: Record<string, unknown>): PlannedResource {
    return { urn: `urn:pulumi:dev::agent-estate::${type}::${name}`, type, name, custom: true, props, protect: false, retainOnDelete: false, dependencies: [] };
}
const crd = resource("widgets", "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition", widgetCrd);
const widget = (spec: Record<string, unknown>, name = "w") => resource(name, "kubernetes:example.com/v1:Widget", { apiVersion: "example.com/v1", kind: "Widget", metadata: { name, namespace: "kaze" }, spec });

describe("custom resources are validated against their CRD's schema", () => {
    it("accepts an instance that matches the CRD the stack declares, int-or-string, nullable and preserved fields included", () => {
        const { errors, unvalidated } = validateKubernetesObjects([crd, widget({ size: 2, port: "http", note: null, extra: { any: { thing: 1 } }, labels: { a: "b" } }), widget({ size: 1, port: 8080 }, "w2")]);
        expect(errors).toEqual([]);
        expect(unvalidated).toEqual([]);
    });

    it("refuses a misspelt field, a missing required field and a wrong type, as strict field validation would", () => {
        const { errors } = validateKubernetesObjects([crd, widget({ sise: 2 }), widget({ size: "big" }, "w2"), widget({ size: 1, labels: { a: 1 } }, "w3")]);
        expect(errors.map((e) => e.message)).toEqual([
            "Widget /spec: must have required property 'size'",
            'Widget /spec: unknown field "sise"',
            "Widget /spec/size: must be integer",
            "Widget /spec/labels/a: must be string",
        ]);
        expect(errors[0].urn).toContain("::w");
    });

    it("does not blame an object for a redacted secret", () => {
        expect(validateKubernetesObjects([crd, widget({ size: SECRET_PLACEHOLDER })]).errors).toEqual([]);
    });

    it("lists a kind with no model and no CRD as unvalidated, with the reason; a version the CRD does not serve is not a schema", () => {
        const stray = resource("g", "kubernetes:example.com/v0:Widget", { apiVersion: "example.com/v0", kind: "Widget", metadata: { name: "g" }, spec: {} });
        const { errors, unvalidated } = validateKubernetesObjects([crd, stray]);
        expect(errors).toEqual([]);
        expect(unvalidated).toEqual([
            { kind: "example.com/v0/Widget", reason: "no published model, and no CustomResourceDefinition for Widget in example.com/v0 declared by the stack or vendored under schemas/crds/" },
        ]);
    });

    it("reads vendored CRDs from YAML files, several documents a file", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crds-"));
        fs.mkdirSync(path.join(dir, "example-1.0.0"));
        fs.writeFileSync(path.join(dir, "example-1.0.0", "crds.yaml"), `---\n# a comment-only document\n---\n${JSON.stringify(widgetCrd)}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n`);
        const schemas = vendoredCrdSchemas(dir);
        expect([...schemas.keys()]).toEqual(["example.com/v1/Widget"]);
        expect(schemas.get("example.com/v1/Widget")?.schema).toEqual(widgetCrd.spec.versions[0].schema.openAPIV3Schema);
    });
});

describe("the add-ons' custom resources are validated against the CRDs vendored at their pinned versions", () => {
    it("dev's CloudNativePG Cluster, Pooler and ScheduledBackup and its Longhorn RecurringJob all have a schema, and meet it", async () => {
        const dev = await declare("dev");
        const kinds = ["Cluster", "Pooler", "ScheduledBackup", "RecurringJob"];
        const objects = dev.resources.filter((r) => kinds.includes((r.props as { kind?: string }).kind ?? ""));
        expect(new Set(objects.map((r) => (r.props as { kind: string }).kind))).toEqual(new Set(kinds));
        const { errors, unvalidated } = validateKubernetesObjects(objects);
        expect(unvalidated).toEqual([]);
        expect(errors).toEqual([]);
    });

    it("finds each kind in the folder of the version the stacks pin (CloudNativePG 1.24.1 is chart 0.22.1; Longhorn 1.7.2)", () => {
        expect(vendoredCrdSchema("postgresql.cnpg.io/v1/Cluster")?.source).toBe("schemas/crds/cloudnative-pg-1.24.1/postgresql.cnpg.io_clusters.yaml");
        expect(vendoredCrdSchema("postgresql.cnpg.io/v1/Pooler")?.source).toBe("schemas/crds/cloudnative-pg-1.24.1/postgresql.cnpg.io_poolers.yaml");
        expect(vendoredCrdSchema("longhorn.io/v1beta2/RecurringJob")?.source).toBe("schemas/crds/longhorn-1.7.2/longhorn.io_recurringjobs.yaml");
        expect(vendoredCrdSchema("longhorn.io/v1beta2/Nothing")).toBeUndefined();
    });

    it("names the file of each kind in its index, with the hash of the file's text", () => {
        const source = vendoredCrdSource("postgresql.cnpg.io/v1/Cluster");
        expect(source).toEqual({ source: "schemas/crds/cloudnative-pg-1.24.1/postgresql.cnpg.io_clusters.yaml", sha: sha(fs.readFileSync(path.join(ROOT, source!.source), "utf8")), hasSchema: true });
        expect(vendoredCrdSource("longhorn.io/v1beta2/Nothing")).toBeUndefined();
    });

    it("refuses a Cluster with a misspelt field, as the API server's strict field validation would", async () => {
        const dev = await declare("dev");
        const cluster = dev.kind("Cluster")[0];
        const broken = { ...cluster, props: { ...cluster.props, spec: { ...cluster.props.spec, instancez: 3 } } };
        const { errors } = validateKubernetesObjects([broken]);
        expect(errors.map((e) => e.message)).toEqual(['Cluster /spec: unknown field "instancez"']);
    });
});
