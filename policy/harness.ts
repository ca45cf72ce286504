// The offline evaluator `npm run plan` and the tests use: it builds the very arguments the
// CrossGuard analyzer builds and calls the very policies the pack serves, without gRPC.
import * as fs from "fs";
import * as path from "path";
import {
    EnforcementLevel, PolicyResource, PolicyResourceOptions, ResourceValidationArgs, ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";
import { Obj, UnknownValueError, unknownCheckingProxy } from "./common";
import { policies as packPolicies } from "./policies";

export interface PlannedResource {
    urn: string; type: string; name: string;
    /** The resource's inputs (Kubernetes objects: {apiVersion, kind, metadata, spec...}). */
    props: Record<string, unknown>;
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

function optionsOf(r: PlannedResource): PolicyResourceOptions & { retainOnDelete: boolean } {
    return {
        protect: r.protect, retainOnDelete: r.retainOnDelete, ignoreChanges: [], aliases: [], additionalSecretOutputs: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        ...(r.parent !== undefined && { parent: r.parent }),
    };
}

function resourceArgs(r: PlannedResource, props: Obj, config: Obj): ResourceValidationArgs {
    return {
        type: r.type, props, urn: r.urn, name: r.name, opts: optionsOf(r), stackTags,
        isType: cls => typeMatches(r.type, cls),
        asType: (cls => (typeMatches(r.type, cls) ? props : undefined)) as ResourceValidationArgs["asType"],
        getConfig: <T extends object>() => config as T,
        notApplicable: (reason?: string): never => { throw new NotApplicable(reason); },
        ...(r.provider !== undefined && { provider: { type: "pulumi:providers:unknown", props: {}, urn: r.provider, name: r.provider.split("::").pop() ?? "" } }),
    };
}

/** Runs one validation the way the analyzer does: unknowns become an advisory, not-applicable is silent. */
function run(policyName: string, urn: string | undefined, out: Violation[], body: () => void): void {
    try {
        body();
    } catch (e) {
        if (e instanceof UnknownValueError) {
            out.push({ policy: policyName, enforcementLevel: "advisory", urn, message: `can't run policy '${policyName}' during preview: ${e.message}` });
        } else if (!(e instanceof NotApplicable)) {
            throw e;
        }
    }
}

/** Evaluates every policy of the pack over the planned resources; deterministic order. */
export function evaluatePolicies(resources: PlannedResource[], opts: PolicyRunOptions): Violation[] {
    return evaluateWith(packPolicies, resources, opts);
}

/** The same evaluation over any list of policies (tests use it to exercise one policy in isolation). */
export function evaluateWith(policies: (ResourceValidationPolicy | StackValidationPolicy)[], resources: PlannedResource[], opts: PolicyRunOptions): Violation[] {
    const config = loadPackConfig(opts.environment, opts.config ?? {});
    const levelOf = (name: string, own?: EnforcementLevel) => enforcementLevelOf(name, config, opts.environment, own);
    const out: Violation[] = [];

    // Remediations run first, in pack order, each on the previous one's output (as the engine does).
    const remediations = policies.flatMap(p =>
        "remediateResource" in p && p.remediateResource && levelOf(p.name, p.enforcementLevel) === "remediate" ? [{ name: p.name, remediate: p.remediateResource }] : []);
    const planned = resources.map(r => {
        let props = structuredClone(r.props) as Obj;
        for (const p of remediations) {
            const proxied = unknownCheckingProxy(props);
            try {
                const result = p.remediate(resourceArgs(r, proxied, policyConfig(p.name, config)));
                if (result && !(result instanceof Promise) && result !== proxied) props = result as Obj;
            } catch (e) {
                // The engine skips a remediation it cannot run at preview; the validation still reports it.
                if (!(e instanceof UnknownValueError) && !(e instanceof NotApplicable)) throw e;
            }
        }
        return { resource: r, props };
    });

    let stack: PolicyResource[] | undefined;
    for (const p of policies) {
        const configured = levelOf(p.name, p.enforcementLevel);
        if (configured === "disabled") continue;
        const level = configured === "remediate" ? "mandatory" : configured;
        const settings = policyConfig(p.name, config);
        if ("validateResource" in p && p.validateResource) {
            const validations = Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource];
            for (const { resource, props } of planned) {
                const report = (message: string) => out.push({ policy: p.name, enforcementLevel: level, urn: resource.urn, message });
                for (const validate of validations) {
                    run(p.name, resource.urn, out, () => {
                        const result = validate(resourceArgs(resource, unknownCheckingProxy(props), settings), report);
                        if (result instanceof Promise) throw new Error(`policy ${p.name} is async; the harness evaluates synchronously`);
                    });
                }
            }
        }
        if ("validateStack" in p) {
            // One stack view serves every stack policy (the analyzer rebuilds it per policy; no policy mutates it),
            // so stack policies can also cache what they derive from it (see rules/availability.ts).
            const stackView = (stack ??= stackResources(planned));
            const report = (message: string, urn?: string) => out.push({ policy: p.name, enforcementLevel: level, urn, message });
            run(p.name, undefined, out, () => {
                const result = p.validateStack({
                    resources: stackView, stackTags,
                    getConfig: <T extends object>() => settings as T,
                    notApplicable: (reason?: string): never => { throw new NotApplicable(reason); },
                }, report);
                if (result instanceof Promise) throw new Error(`policy ${p.name} is async; the harness evaluates synchronously`);
            });
        }
    }
    return out.sort((a, b) => cmp(a.policy, b.policy) || cmp(a.urn ?? "", b.urn ?? "") || cmp(a.message, b.message));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The stack view the analyzer builds: parents and dependencies resolved to resource objects. */
function stackResources(planned: { resource: PlannedResource; props: Obj }[]): PolicyResource[] {
    const byUrn = new Map<string, PolicyResource>();
    const list = planned.map(({ resource: r, props }) => {
        const proxied = unknownCheckingProxy(props);
        const pr: PolicyResource = {
            type: r.type, props: proxied, urn: r.urn, name: r.name, opts: optionsOf(r),
            dependencies: [], propertyDependencies: {},
            isType: cls => typeMatches(r.type, cls),
            asType: (cls => (typeMatches(r.type, cls) ? proxied : undefined)) as PolicyResource["asType"],
        };
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
