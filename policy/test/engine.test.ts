// The harness against CrossGuard's own analyzer: every policy of the pack runs through both, over the
// same resources, and sees the same arguments (secrets in plaintext, options without retainOnDelete,
// the provider by its type, urn, name and inputs) and reaches the same verdicts.
import { createRequire } from "module";
import { ResourceValidation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { Obj } from "../common";
import { evaluateWith, loadPackConfig, PlannedResource } from "../harness";
import { policies } from "../policies";
import { changed, defaultDenyPolicy, estate, k8s, planned, workload } from "./fixtures";

// The analyzer's RPC handlers, exactly as `pulumi preview --policy-pack` runs them, and the protocol's messages.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const server = require("@pulumi/policy/server") as Obj;
const fromPulumi = createRequire(require.resolve("@pulumi/pulumi/proto/analyzer_pb"));
const proto = fromPulumi("./analyzer_pb") as Obj;
const { Struct } = fromPulumi("google-protobuf/google/protobuf/struct_pb") as Obj;

const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };
const environment = "prod";
const packConfig = loadPackConfig(environment);

/** A resource whose inputs hold secrets: `props` shows them redacted, `plaintext` (not enumerable) holds them. */
function withSecrets(r: PlannedResource, plaintext: Obj): PlannedResource {
    Object.defineProperty(r, "plaintext", { value: plaintext, enumerable: false });
    return r;
}

/** The inputs as the engine serializes them: each redacted value is a secret wrapping the plaintext. */
function engineInputs(redacted: unknown, plain: unknown): unknown {
    if (redacted === "[secret]" && plain !== "[secret]") return { ...SECRET, value: plain };
    if (Array.isArray(redacted)) return redacted.map((v, i) => engineInputs(v, (plain as unknown[])[i]));
    if (redacted === null || typeof redacted !== "object") return redacted;
    return Object.fromEntries(Object.entries(redacted).map(([k, v]) => [k, engineInputs(v, (plain as Obj)[k])]));
}
const struct = (r: PlannedResource) => Struct.fromJavaScript(engineInputs(r.props, r.plaintext ?? r.props));

const providerUrn = "urn:pulumi:prod::agent-estate::pulumi:providers:kubernetes::cell-k8s";
const provider = withSecrets(
    { ...planned("pulumi:providers:kubernetes", "cell-k8s", { context: "kaze-prod", kubeconfig: "[secret]" }), urn: providerUrn },
    { context: "kaze-prod", kubeconfig: "apiVersion: v1\nkind: Config\n" },
);
const withEnv = (name: string, env: Obj) => changed(workload("Deployment", name), spec => { spec.containers[0].env = [env]; });
const database = withSecrets(
    { ...withEnv("db-client", { name: "DB_PASSWORD", value: "[secret]" }), provider: `${providerUrn}::cell-k8s-id`, protect: true, retainOnDelete: true },
    structuredClone(withEnv("db-client", { name: "DB_PASSWORD", value: "hunter2" }).props),
);
const relay = withSecrets(
    { ...withEnv("relay", { name: "UPSTREAM", value: "[secret]" }), provider: `${providerUrn}::cell-k8s-id` },
    structuredClone(withEnv("relay", { name: "UPSTREAM", value: `ghp_${"x".repeat(36)}` }).props),
);
const quiet = withSecrets(withEnv("quiet", { name: "UPSTREAM", value: "[secret]" }), structuredClone(withEnv("quiet", { name: "UPSTREAM", value: "https://upstream.internal" }).props));
const retainedOnly = k8s("kubernetes:core/v1:PersistentVolumeClaim", "data", { spec: { resources: { requests: { storage: "1Gi" } } } }, {}, { retainOnDelete: true });
// db-client also has a parent and a dependency, which stack policies see resolved to resources.
Object.assign(database, { parent: defaultDenyPolicy().urn, dependencies: [defaultDenyPolicy().urn] });
const resources: PlannedResource[] = [provider, ...estate(database, relay, quiet), retainedOnly];

interface Seen { policy: string; urn: string; type: string; name: string; props: unknown; opts: unknown; provider?: unknown; parent?: string; dependencies?: string[] }
const plain = (v: unknown) => JSON.parse(JSON.stringify(v));
const providerView = (p: ResourceValidationArgs["provider"]) => p && { type: p.type, urn: p.urn, name: p.name, props: plain(p.props) };

/** Every policy of the pack, recording the arguments it is handed; `settings` stands in for the analyzer's configure RPC. */
function recording(seen: Seen[], settings: boolean): (ResourceValidationPolicy | StackValidationPolicy)[] {
    const configOf = (name: string) => {
        const entry = packConfig[name];
        if (typeof entry !== "object" || entry === null) return {};
        const { enforcementLevel: _level, ...props } = entry as Obj;
        return props;
    };
    return policies.map(p => {
        if ("validateStack" in p) {
            const validateStack = (args: StackValidationArgs, report: Parameters<StackValidationPolicy["validateStack"]>[1]) => {
                for (const r of args.resources) {
                    seen.push({
                        policy: p.name, urn: r.urn, type: r.type, name: r.name, props: plain(r.props), opts: plain(r.opts), provider: providerView(r.provider),
                        parent: r.parent?.urn, dependencies: r.dependencies.map(d => d.urn),
                    });
                }
                return p.validateStack(settings ? { ...args, getConfig: <T>() => configOf(p.name) as T } : args, report);
            };
            return { ...p, enforcementLevel: "mandatory", validateStack };
        }
        const validations = [p.validateResource].flat().filter(v => v !== undefined);
        const validateResource = (args: ResourceValidationArgs, report: Parameters<ResourceValidation>[1]) => {
            seen.push({ policy: p.name, urn: args.urn, type: args.type, name: args.name, props: plain(args.props), opts: plain(args.opts), provider: providerView(args.provider) });
            const handed = settings ? { ...args, getConfig: <T>() => configOf(p.name) as T } : args;
            for (const validate of validations) validate(handed, report);
        };
        return { ...p, enforcementLevel: "mandatory", validateResource };
    });
}

function options(r: PlannedResource): Obj {
    const o = new proto.AnalyzerResourceOptions();
    o.setProtect(r.protect);
    if (r.parent) o.setParent(r.parent);
    return o;
}
function providerMessage(r: PlannedResource): Obj | undefined {
    if (!r.provider) return undefined;
    const urn = r.provider.slice(0, r.provider.lastIndexOf("::"));
    const p = new proto.AnalyzerProviderResource();
    p.setType("pulumi:providers:kubernetes");
    p.setUrn(urn);
    p.setName(urn.split("::").pop());
    p.setProperties(struct(provider));
    return p;
}

/** What the analyzer hands every policy and what it reports, for the same resources. */
async function throughTheAnalyzer(): Promise<{ seen: Seen[]; verdicts: string[] }> {
    const seen: Seen[] = [];
    const pack = recording(seen, true);
    const verdicts: string[] = [];
    const call = (fn: (call: Obj, cb: (err: unknown, res: Obj) => void) => Promise<void>, request: Obj) =>
        new Promise<Obj>((resolve, reject) => { void fn({ request }, (err, res) => (err ? reject(err) : resolve(res))); });
    const collect = (response: Obj, urn?: string) => {
        for (const d of response.getDiagnosticsList()) {
            const description = policies.find(p => p.name === d.getPolicyname())!.description;
            verdicts.push(`${d.getPolicyname()} ${d.getUrn() || urn} ${d.getMessage().slice(description.length + 1)}`);
        }
    };
    const analyze = server.makeAnalyzeRpcFun("agent-estate", "0.1.0", "mandatory", pack);
    const analyzeStack = server.makeAnalyzeStackRpcFun("agent-estate", "0.1.0", "mandatory", pack);
    for (const r of resources) {
        const req = new proto.AnalyzeRequest();
        req.setType(r.type); req.setUrn(r.urn); req.setName(r.name); req.setProperties(struct(r)); req.setOptions(options(r));
        const p = providerMessage(r);
        if (p) req.setProvider(p);
        collect(await call(analyze, req), r.urn);
    }
    const stackReq = new proto.AnalyzeStackRequest();
    stackReq.setResourcesList(resources.map(r => {
        const a = new proto.AnalyzerResource();
        a.setType(r.type); a.setUrn(r.urn); a.setName(r.name); a.setProperties(struct(r)); a.setOptions(options(r));
        if (r.parent) a.setParent(r.parent);
        a.setDependenciesList(r.dependencies);
        const p = providerMessage(r);
        if (p) a.setProvider(p);
        return a;
    }));
    collect(await call(analyzeStack, stackReq));
    return { seen, verdicts };
}

function throughTheHarness(): { seen: Seen[]; verdicts: string[] } {
    const seen: Seen[] = [];
    const violations = evaluateWith(recording(seen, false), resources, { environment });
    return { seen, verdicts: violations.map(v => `${v.policy} ${v.urn} ${v.message}`) };
}

const key = (s: Seen) => `${s.policy} ${s.urn}`;
const byKey = (a: Seen, b: Seen) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

describe("the harness hands every policy what CrossGuard's analyzer hands it", async () => {
    const engine = await throughTheAnalyzer();
    const harness = throughTheHarness();

    it("the same arguments, policy by policy and resource by resource", () => {
        expect(harness.seen.length).toBeGreaterThan(policies.length * resources.length - 1);
        expect([...harness.seen].sort(byKey)).toEqual([...engine.seen].sort(byKey));
    });
    it("secrets in plaintext, never the offline \"[secret]\" marker", () => {
        const handed = JSON.stringify(harness.seen);
        expect(handed).toContain("hunter2");
        expect(handed).toContain("apiVersion: v1\\nkind: Config");
        expect(handed).not.toContain("[secret]");
    });
    it("options without retainOnDelete, even for a resource that sets it", () => {
        const opts = harness.seen.filter(s => s.urn === database.urn).map(s => s.opts as Obj);
        expect(opts.length).toBe(policies.length);
        for (const o of opts) expect(Object.keys(o).sort()).toEqual(["additionalSecretOutputs", "aliases", "customTimeouts", "ignoreChanges", "parent", "protect"]);
    });
    it("the provider by its type, urn, name and inputs", () => {
        expect(harness.seen.find(s => s.urn === relay.urn)?.provider).toEqual({
            type: "pulumi:providers:kubernetes", urn: providerUrn, name: "cell-k8s", props: { context: "kaze-prod", kubeconfig: "apiVersion: v1\nkind: Config\n" },
        });
    });
    it("the same verdicts: secrets caught by name and by shape, retainOnDelete alone not enough", () => {
        expect([...harness.verdicts].sort()).toEqual([...engine.verdicts].sort());
        expect(harness.verdicts).toEqual(expect.arrayContaining([
            expect.stringMatching(/^no-plaintext-secrets \S+::db-client Deployment db-client: container "agent" sets DB_PASSWORD in clear/),
            expect.stringMatching(/^no-plaintext-secrets \S+::relay Deployment relay: container "agent" env UPSTREAM holds a credential-looking value/),
            expect.stringMatching(/^stateful-resources-protected \S+::data data is a PersistentVolumeClaim without protect$/),
        ]));
        expect(harness.verdicts.filter(v => v.includes("::quiet "))).toEqual([]);
    });
});
