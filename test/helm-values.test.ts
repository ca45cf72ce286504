import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { ExternalSecretsValues } from "../components/addons/external-secrets-operator";
import { TYPED_HELM_VALUES } from "../components/addons/helm-addon";
import { LonghornValues } from "../components/storage/longhorn";
import { plan } from "../plan/plan";
import { chartNameOf, helmSchemaFolder, validateHelmValues, VENDORED_HELM_DIR } from "../plan/helm-values";
import { PlannedResource, SECRET_PLACEHOLDER, withPlaintext } from "../plan/types";
import { declare, HELM_RELEASE, program, ROOT, stackConfig } from "./harness";

/** Every committed cell stack. */
const STACKS = fs
    .readdirSync(ROOT)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined && s !== "delivery")
    .sort();

/** The charts that ship a values.schema.json at the versions the stacks pin, or whose subcharts do (langfuse; see schemas/helm/README.md). */
const CHARTS_WITH_SCHEMA = ["cert-manager", "cloudnative-pg", "external-secrets", "langfuse", "opentelemetry-collector", "traefik"];

/** Every values.schema.json under a folder, relative to it. */
const schemaFiles = (folder: string): string[] =>
    (fs.readdirSync(path.join(VENDORED_HELM_DIR, folder), { recursive: true }) as string[]).filter((f) => path.basename(f) === "values.schema.json").sort();

const releasesOf = async (stack: string) => (await declare(stack)).ofType(HELM_RELEASE);
const pinOf = (r: PlannedResource) => {
    const { chart, version } = r.props as { chart: string; version: string };
    return { chart: chartNameOf(chart), version, folder: helmSchemaFolder(chart, version) };
};

describe("Helm values are checked against the chart's own schema at the pinned version", () => {
    it.each(STACKS)("%s: every release of a chart with a schema has it vendored, and its values meet it", async (stack) => {
        const releases = await releasesOf(stack);
        const withSchema = releases.filter((r) => CHARTS_WITH_SCHEMA.includes(pinOf(r).chart));
        for (const r of withSchema) expect(fs.existsSync(path.join(VENDORED_HELM_DIR, pinOf(r).folder)), `${pinOf(r).folder} is vendored`).toBe(true);
        expect(validateHelmValues(releases).errors).toEqual([]);
    });

    it("dev validates the values of its External Secrets, CloudNativePG and collector releases and Langfuse's stores, ai-agents-dev those of its Traefik and cert-manager", async () => {
        const validated = async (stack: string) => (await releasesOf(stack)).map(pinOf).filter((p) => fs.existsSync(path.join(VENDORED_HELM_DIR, p.folder)));
        expect(Object.fromEntries((await validated("dev")).map((p) => [p.folder, schemaFiles(p.folder)]))).toEqual({
            "cloudnative-pg-0.22.1": ["values.schema.json"],
            "external-secrets-0.10.7": ["values.schema.json"],
            "langfuse-1.2.5": ["charts/postgresql/values.schema.json", "charts/redis/values.schema.json"],
            "opentelemetry-collector-0.108.0": ["values.schema.json"],
        });
        const edge = Object.fromEntries((await validated("ai-agents-dev")).map((p) => [p.folder, schemaFiles(p.folder)]));
        expect(edge).toMatchObject({ "cert-manager-v1.16.2": ["values.schema.json"], "traefik-33.2.1": ["values.schema.json"] });
    });

    it("a chart with no schema is typed by the program or listed as not validated (Rooster's Enterprise charts, whose values come from config)", async () => {
        for (const stack of STACKS) {
            for (const r of await releasesOf(stack)) {
                const { chart, folder } = pinOf(r);
                if (CHARTS_WITH_SCHEMA.includes(chart) || Object.keys(r.props.values as object).length === 0) continue;
                expect(fs.existsSync(path.join(VENDORED_HELM_DIR, folder)), `${folder} has no schema upstream`).toBe(false);
            }
        }
        expect(validateHelmValues(await releasesOf("dev")).unvalidated).toEqual([]);
        expect(validateHelmValues(await releasesOf("rooster")).unvalidated.map((u) => u.kind)).toEqual([
            "helm chart enterprise-agentgateway v2.2.0",
            "helm chart kagent-enterprise 0.3.12",
            "helm chart management 0.3.12",
        ]);
        for (const [chart, where] of Object.entries(TYPED_HELM_VALUES)) {
            const [file, type] = where.split(" ");
            const source = fs.readFileSync(path.join(ROOT, file), "utf8");
            expect(source, `${file} declares ${type}`).toContain(`export interface ${type} `);
            expect(source, `${file} builds the ${chart} values as ${type}`).toContain(`satisfies ${type}`);
        }
    });

    it("the vendored folders are exactly the pinned versions: a moved pin without its schema fails, a stale folder fails", async () => {
        const pinned = new Set<string>();
        for (const stack of STACKS) for (const r of await releasesOf(stack)) if (CHARTS_WITH_SCHEMA.includes(pinOf(r).chart)) pinned.add(pinOf(r).folder);
        const vendored = fs.readdirSync(VENDORED_HELM_DIR, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
        expect(vendored.sort()).toEqual([...pinned].sort());
        const readme = fs.readFileSync(path.join(VENDORED_HELM_DIR, "README.md"), "utf8");
        for (const folder of vendored) {
            expect(schemaFiles(folder).length, `${folder} holds a schema`).toBeGreaterThan(0);
            for (const file of schemaFiles(folder)) {
                const dir = path.dirname(path.join(folder, file));
                expect(readme, `schemas/helm/README.md says where ${dir} came from`).toContain(`| \`${dir}\` | github.com/`);
                // Helm checks the values merged over the chart's defaults: a schema that requires keys needs them.
                if (/"required"\s*:/.test(fs.readFileSync(path.join(VENDORED_HELM_DIR, folder, file), "utf8"))) expect(fs.existsSync(path.join(VENDORED_HELM_DIR, dir, "values.yaml")), `${dir}/values.yaml`).toBe(true);
            }
        }
    });
});

/** A release as the plan records it, of `chart` at `version`, with `values` (plaintext given when some are secret). */
function release(chart: string, version: string, values: unknown, plaintext?: unknown): PlannedResource {
    const r: PlannedResource = {
        urn: `urn:pulumi:dev::agent-estate::${HELM_RELEASE}::r`,
        type: HELM_RELEASE,
        name: "r",
        custom: true,
        props: { chart, version, name: "r", values },
        protect: false,
        retainOnDelete: false,
        dependencies: [],
    };
    return plaintext === undefined ? r : withPlaintext(r, { chart, version, name: "r", values: plaintext });
}
const messages = (resources: PlannedResource[]) => validateHelmValues(resources).errors.map((e) => e.message);

describe("a values error is a plan error naming the add-on, the release, the value and what is wrong", () => {
    it("a misspelt key in a committed stack's release fails the plan (exit 1), naming the add-on and the key, with the near key", async () => {
        // The cert-manager release as ai-agents-dev declares it, with one key misspelt on its way to the engine.
        const misspelt = async () => {
            pulumi.runtime.registerStackTransformation((args) =>
                args.type === HELM_RELEASE && args.props.chart === "cert-manager" ? { props: { ...args.props, values: { ...args.props.values, crds: { enabeld: true, keep: true } } }, opts: args.opts } : undefined,
            );
            return program();
        };
        const result = await plan({ stack: "ai-agents-dev", runtimeConfig: stackConfig("ai-agents-dev"), program: misspelt });
        expect(result.exitCode).toBe(1);
        expect(result.schemaErrors.map((e) => e.message)).toEqual([
            'CertManager ai-agents-dev-cert-manager: Helm release "cert-manager" (chart cert-manager v1.16.2) value crds.enabeld: unknown key, the chart\'s schema allows no other keys here; did you mean "enabled"?',
        ]);
        expect(result.schemaErrors[0].urn).toContain("helm.sh/v3:Release");
    });

    it("names the path of a wrong type or value, and a required key the chart's defaults do not set", () => {
        const otel = (values: unknown) => release("opentelemetry-collector", "0.108.0", values);
        expect(messages([otel({ mode: "sidecar", replicaCount: "2", ports: { otlp: { enabled: true, containerPort: "x" } }, extraContainers: [{ image: "busybox" }] })]).sort()).toEqual([
            'release r: Helm release "r" (chart opentelemetry-collector 0.108.0) value extraContainers[0].name: required by the chart\'s schema, and neither these values nor the chart\'s defaults set it',
            'release r: Helm release "r" (chart opentelemetry-collector 0.108.0) value mode: must be one of "daemonset", "deployment", "statefulset", ""',
            'release r: Helm release "r" (chart opentelemetry-collector 0.108.0) value ports.otlp.containerPort: must be integer',
            'release r: Helm release "r" (chart opentelemetry-collector 0.108.0) value replicaCount: must be integer',
        ]);
    });

    it("a subchart's values are checked against the subchart's own schema, under its alias, with the parent's globals", () => {
        const langfuse = (values: unknown) => release("langfuse", "1.2.5", values);
        expect(messages([langfuse({ global: { defaultStorageClass: "kaze-longhorn" }, redis: { deploy: true, auth: { enabled: "yes" } }, postgresql: { auth: { username: 1 } } })])).toEqual([
            'release r: Helm release "r" (chart langfuse 1.2.5) value postgresql.auth.username: must be string',
            'release r: Helm release "r" (chart langfuse 1.2.5) value redis.auth.enabled: must be boolean',
        ]);
        expect(messages([langfuse({ langfuse: { anything: true } })])).toEqual([]);
    });

    it("checks what Helm checks: a null deletes its key, a required key may come from the chart's defaults", () => {
        // `mode` is required by the collector's schema and left to its default here; the null receivers are dropped.
        expect(messages([release("opentelemetry-collector", "0.108.0", { replicaCount: 1, config: { receivers: { jaeger: null } }, serviceAccount: { name: "x" } })])).toEqual([]);
        expect(messages([release("opentelemetry-collector", "0.108.0", { replicaCount: null })])).toEqual([]);
        // A null deletes the chart's default too: a required key nulled is missing.
        expect(messages([release("opentelemetry-collector", "0.108.0", { mode: null })])).toEqual([
            'release r: Helm release "r" (chart opentelemetry-collector 0.108.0) value mode: required by the chart\'s schema, and neither these values nor the chart\'s defaults set it',
        ]);
    });

    it("a secret-bearing release still validates: keys inside a secret object are checked, a secret's redacted value is not blamed", () => {
        // Whole `config` secret: its keys are the program's, its plaintext is what the engine sees.
        const secretConfig = release("opentelemetry-collector", "0.108.0", { mode: "deployment", config: SECRET_PLACEHOLDER }, { mode: "deployment", config: { receivers: {} } });
        expect(messages([secretConfig])).toEqual([]);
        // A secret where the schema wants a number: its value in the plan is ciphertext, not the program's fault.
        const secretLeaf = release("opentelemetry-collector", "0.108.0", { mode: "deployment", replicaCount: SECRET_PLACEHOLDER }, { mode: "deployment", replicaCount: "v1:ciphertext" });
        expect(messages([secretLeaf])).toEqual([]);
        // A misspelt key inside a secret object is still caught, without printing the secret.
        const misspelt = release("cert-manager", "v1.16.2", { prometheus: SECRET_PLACEHOLDER }, { prometheus: { enabled: true, servicemonitor: { enabled: true, intervall: "1m" } } });
        const found = messages([misspelt]);
        expect(found).toEqual(['release r: Helm release "r" (chart cert-manager v1.16.2) value prometheus.servicemonitor.intervall: unknown key, the chart\'s schema allows no other keys here; did you mean "interval"?']);
    });
});

describe("values of charts whose schema leaves keys open, or that ship none, are typed where they are built", () => {
    it("a misspelt key does not compile (checked by `npm run typecheck`: each line below must be an error)", () => {
        const longhorn: LonghornValues = {
            persistence: { defaultClass: false },
            // @ts-expect-error a misspelt key of the longhorn chart
            defaultSettings: { defaultReplicaCnt: 3, deletingConfirmationFlag: false },
        };
        const eso: ExternalSecretsValues = {
            // @ts-expect-error a misspelt key of the external-secrets chart, whose schema would let it pass
            installCRD: true,
            serviceAccount: { name: "external-secrets" },
            serviceMonitor: { enabled: false },
        };
        expect([longhorn, eso]).toHaveLength(2);
    });
});
