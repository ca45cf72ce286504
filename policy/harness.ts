// The offline evaluator `npm run plan` and the tests use: it builds the very arguments the
// CrossGuard analyzer builds and calls the very policies the pack serves, without gRPC. As the
// analyzer does, it hands policies every secret in plaintext and options without `retainOnDelete`
// (policy/test/engine.test.ts holds it to the analyzer's own code), so a verdict offline is the
// verdict in `pulumi preview`.
import * as fs from "fs";
import * as path from "path";
import {
    EnforcementLevel, PolicyProviderResource, PolicyResource, PolicyResourceOptions, ResourceValidation, ResourceValidationArgs,
    ResourceValidationPolicy, StackValidationPolicy,
} from "@pulumi/policy";
import { hasUnknown, Obj, policyProps, UnknownValueError } from "./common";
import { policies as packPolicies } from "./policies";

export interface PlannedResource {
    urn: string; type: string; name: string;
    /** The resource's inputs (Kubernetes objects: {apiVersion, kind, metadata, spec...}), secrets redacted. */
    props: Record<string, unknown>;
    /** The inputs with every secret in plaintext, as the engine hands them to policies; absent when they hold no secret. */
    readonly plaintext?: Record<string, unknown>;
    parent?: string;
    protect: boolean; retainOnDelete: boolean;
    dependencies: string[];
    provider?: string;
}
export interface Violation { policy: string; enforcementLevel: "advisory" | "mandatory"; urn?: string; message: string }
export interface PolicyRunOptions { environment: string; config?: Record<string, unknown> }

/** CrossGuard config: `{ all: level, "<policy>": level | { enforcementLevel?, ...props } }`. */
export type PackConfig = Record<string, unknown>;

/** Where the per-environment config files live; the CLI takes the same files with --policy-pack-config. */
const configDir = path.join(__dirname, "config");

/** Fallback when an environment has no config file: only dev is lenient; anything else fails closed. */
function defaultLevel(environment: string): EnforcementLevel {
    return environment === "dev" ? "advisory" : "mandatory";
}

/** policy/config/<environment>.json (if any) with `override` merged per policy on top. */
export function loadPackConfig(environment: string, override: PackConfig = {}): PackConfig {
    const file = path.join(configDir, `${environment}.json`);
    const base: PackConfig = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : { all: defaultLevel(environment) };
    const merged: PackConfig = { ...base };
    for (const [key, value] of Object.entries(override)) {
        merged[key] = isObj(value) && isObj(base[key]) ? { ...(base[key] as Obj), ...value } : value;
    }
    return merged;
}

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** The level CrossGuard applies: the policy's entry, else `all`, else the policy's own, else the environment's. */
export function enforcementLevelOf(policyName: string, config: PackConfig, environment: string, own?: EnforcementLevel): EnforcementLevel {
    const entry = config[policyName];
    const fromEntry = typeof entry === "string" ? entry : isObj(entry) ? entry.enforcementLevel : undefined;
    return (fromEntry ?? config.all ?? own ?? defaultLevel(environment)) as EnforcementLevel;
}

/** The policy's config properties, without its enforcement level (what `args.getConfig()` returns). */
function policyConfig(policyName: string, config: PackConfig): Obj {
    const entry = config[policyName];
    if (!isObj(entry)) return {};
    const { enforcementLevel: _ignored, ...props } = entry;
    return props;
}

class NotApplicable extends Error {}

/** isType/asType exactly as the analyzer does: by the class's __pulumiType. */
function typeMatches(type: string, resourceClass: unknown): boolean {
    const cls = resourceClass as { __pulumiType?: string; isInstance?: (o: unknown) => boolean };
    if (typeof cls.__pulumiType === "string" && cls.__pulumiType.length > 0) return cls.__pulumiType === type;
    return typeof cls.isInstance === "function" && cls.isInstance({ __pulumiType: type }) === true;
}

const stackTags: ReadonlyMap<string, string> = new Map();

/** The options the analyzer passes (its `getResourceOptions`): no `retainOnDelete`, whatever the resource sets. */
function optionsOf(r: PlannedResource): PolicyResourceOptions {
    return {
        protect: r.protect, ignoreChanges: [], aliases: [], additionalSecretOutputs: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        ...(r.parent !== undefined && { parent: r.parent }),
    };
}

/**
 * The arguments of one resource validation, as the analyzer builds them. Methods live on the prototype:
 * a plan hands every resource to every policy, and per-call closures were a measurable share of its time.
 */
class ResourceArgs implements ResourceValidationArgs {
    readonly type: string;
    readonly urn: string;
    readonly name: string;
    constructor(r: PlannedResource, readonly props: Obj, private readonly config: Obj, readonly opts: PolicyResourceOptions, readonly provider: PolicyProviderResource | undefined) {
        this.type = r.type;
        this.urn = r.urn;
        this.name = r.name;
    }
    // On the prototype: one is made per policy and resource, and a field would be defined on each.
    get stackTags(): ReadonlyMap<string, string> {
        return stackTags;
    }
    isType(cls: unknown): boolean {
        return typeMatches(this.type, cls);
    }
    asType(cls: unknown): any {
        return typeMatches(this.type, cls) ? this.props : undefined;
    }
    getConfig<T extends object>(): T {
        return this.config as T;
    }
    notApplicable(reason?: string): never {
        throw new NotApplicable(reason);
    }
}

/**
 * The provider as the analyzer describes it to a resource policy: its type, urn, name and inputs (secrets
 * in plaintext), from the provider reference `<urn>::<id>` and the provider's own planned resource.
 */
function providerOf(r: PlannedResource, byUrn: ReadonlyMap<string, PlannedResource>): PolicyProviderResource | undefined {
    if (r.provider === undefined) return undefined;
    const urn = r.provider.slice(0, r.provider.lastIndexOf("::"));
    // A plan's resources share a few providers: each is described once a plan.
    let described = providersOfPlan.get(byUrn);
    if (!described) providersOfPlan.set(byUrn, (described = new Map()));
    let provider = described.get(urn);
    if (!provider) {
        const parts = urn.split("::");
        const declared = byUrn.get(urn);
        const props = declared === undefined ? {} : inputsOf(declared);
        provider = { type: parts[parts.length - 2].split("$").pop() ?? "", props: policyProps(props, hasUnknown(props)), urn, name: parts[parts.length - 1] };
        described.set(urn, provider);
    }
    return provider;
}

const providersOfPlan = new WeakMap<ReadonlyMap<string, PlannedResource>, Map<string, PolicyProviderResource>>();

/** The inputs a policy sees: every secret in plaintext. */
const inputsOf = (r: PlannedResource): Obj => (r.plaintext ?? r.props) as Obj;

/** What a validation that threw reports, the way the analyzer does: unknowns become an advisory, not-applicable is silent. */
function reportThrown(e: unknown, policyName: string, urn: string | undefined, out: Violation[]): void {
    if (e instanceof UnknownValueError) {
        out.push({ policy: policyName, enforcementLevel: "advisory", urn, message: `can't run policy '${policyName}' during preview: ${e.message}` });
    } else if (!(e instanceof NotApplicable)) {
        throw e;
    }
}

/** Evaluates every policy of the pack over the planned resources; deterministic order. */
export function evaluatePolicies(resources: readonly PlannedResource[], opts: PolicyRunOptions): Violation[] {
    return evaluateWith(packPolicies, resources, opts);
}

/** The same evaluation over any list of policies (tests use it to exercise one policy in isolation). */
export function evaluateWith(policies: (ResourceValidationPolicy | StackValidationPolicy)[], resources: readonly PlannedResource[], opts: PolicyRunOptions): Violation[] {
    const evaluation = new PolicyEvaluation(opts, policies, new Map(resources.map(r => [r.urn, r])));
    for (const r of resources) evaluation.add(r);
    return evaluation.finish();
}

/** A resource with its props after remediation, and whether any of them is unknown at preview. */
interface PlannedProps {
    resource: PlannedResource;
    props: Obj;
    unknowns: boolean;
}

interface ConfiguredPolicy {
    name: string;
    level: "advisory" | "mandatory";
    settings: Obj;
}

/**
 * One evaluation of the pack: the config is resolved once, `add` applies the remediations to one
 * resource and runs every resource policy on it, `finish` runs the stack policies over all resources
 * added and returns every violation, sorted, whatever order the resources came in.
 */
class PolicyEvaluation {
    private readonly remediations: Array<{ remediate: NonNullable<ResourceValidationPolicy["remediateResource"]>; settings: Obj }>;
    private readonly resourcePolicies: Array<ConfiguredPolicy & { validations: ResourceValidation[] }> = [];
    private readonly stackPolicies: Array<ConfiguredPolicy & { validate: StackValidationPolicy["validateStack"] }> = [];
    private readonly planned: PlannedProps[] = [];
    private readonly out: Violation[] = [];

    constructor(opts: PolicyRunOptions, policies: (ResourceValidationPolicy | StackValidationPolicy)[], private readonly byUrn: ReadonlyMap<string, PlannedResource>) {
        const config = loadPackConfig(opts.environment, opts.config ?? {});
        const levelOf = (name: string, own?: EnforcementLevel) => enforcementLevelOf(name, config, opts.environment, own);
        // Remediations run first, in pack order, each on the previous one's output (as the engine does).
        this.remediations = policies.flatMap(p =>
            "remediateResource" in p && p.remediateResource && levelOf(p.name, p.enforcementLevel) === "remediate"
                ? [{ remediate: p.remediateResource, settings: policyConfig(p.name, config) }] : []);
        for (const p of policies) {
            const configured = levelOf(p.name, p.enforcementLevel);
            if (configured === "disabled") continue;
            const policy = { name: p.name, level: configured === "remediate" ? "mandatory" as const : configured, settings: policyConfig(p.name, config) };
            if ("validateResource" in p && p.validateResource) {
                this.resourcePolicies.push({ ...policy, validations: Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource] });
            }
            if ("validateStack" in p) this.stackPolicies.push({ ...policy, validate: p.validateStack });
        }
    }

    /** Remediates one resource and runs every resource policy on it. */
    add(resource: PlannedResource): void {
        // Remediations work on a copy: the plan's resources stay as the program declared them.
        const inputs = inputsOf(resource);
        let props = this.remediations.length > 0 ? structuredClone(inputs) : inputs;
        let unknowns = hasUnknown(props);
        const opts = optionsOf(resource);
        const provider = providerOf(resource, this.byUrn);
        for (const p of this.remediations) {
            const proxied = policyProps(props, unknowns);
            try {
                const result = p.remediate(new ResourceArgs(resource, proxied, p.settings, opts, provider));
                if (result && !(result instanceof Promise) && result !== proxied) {
                    props = result as Obj;
                    unknowns = hasUnknown(props);
                }
            } catch (e) {
                // The engine skips a remediation it cannot run at preview; the validation still reports it.
                if (!(e instanceof UnknownValueError) && !(e instanceof NotApplicable)) throw e;
            }
        }
        this.planned.push({ resource, props, unknowns });
        const out = this.out;
        const urn = resource.urn;
        for (const p of this.resourcePolicies) {
            const args = new ResourceArgs(resource, policyProps(props, unknowns), p.settings, opts, provider);
            for (const validate of p.validations) {
                try {
                    // The reporter is written inline: a named closure here costs a name definition per call under tsx.
                    const result = validate(args, (message: string) => out.push({ policy: p.name, enforcementLevel: p.level, urn, message }));
                    if (result instanceof Promise) throw new Error(`policy ${p.name} is async; the harness evaluates synchronously`);
                } catch (e) {
                    reportThrown(e, p.name, urn, out);
                }
            }
        }
    }

    /** Runs the stack policies over every resource added, and returns all violations in a deterministic order. */
    finish(): Violation[] {
        const out = this.out;
        if (this.stackPolicies.length > 0) {
            // One stack view serves every stack policy (the analyzer rebuilds it per policy; no policy
            // mutates it), so stack policies can also cache what they derive from it (see rules/availability.ts).
            const stack = stackResources(this.planned, this.byUrn);
            for (const p of this.stackPolicies) {
                const report = (message: string, urn?: string) => out.push({ policy: p.name, enforcementLevel: p.level, urn, message });
                try {
                    const result = p.validate({
                        resources: stack, stackTags,
                        getConfig: <T extends object>() => p.settings as T,
                        notApplicable: (reason?: string): never => { throw new NotApplicable(reason); },
                    }, report);
                    if (result instanceof Promise) throw new Error(`policy ${p.name} is async; the harness evaluates synchronously`);
                } catch (e) {
                    reportThrown(e, p.name, undefined, out);
                }
            }
        }
        return out.sort((a, b) => cmp(a.policy, b.policy) || cmp(a.urn ?? "", b.urn ?? "") || cmp(a.message, b.message));
    }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The stack view the analyzer builds: parents and dependencies resolved to resource objects. */
function stackResources(planned: PlannedProps[], byUrnOfPlan: ReadonlyMap<string, PlannedResource>): PolicyResource[] {
    const byUrn = new Map<string, PolicyResource>();
    const list = planned.map(({ resource: r, props, unknowns }) => {
        const proxied = policyProps(props, unknowns);
        const pr: PolicyResource = {
            type: r.type, props: proxied, urn: r.urn, name: r.name, opts: optionsOf(r),
            dependencies: [], propertyDependencies: {},
            isType: cls => typeMatches(r.type, cls),
            asType: (cls => (typeMatches(r.type, cls) ? proxied : undefined)) as PolicyResource["asType"],
        };
        const provider = providerOf(r, byUrnOfPlan);
        if (provider) pr.provider = provider;
        byUrn.set(r.urn, pr);
        return pr;
    });
    planned.forEach(({ resource: r }, i) => {
        const pr = list[i];
        if (r.parent && byUrn.has(r.parent)) pr.parent = byUrn.get(r.parent);
        pr.dependencies = r.dependencies.map(u => byUrn.get(u)).filter((d): d is PolicyResource => d !== undefined);
    });
    return list;
}
