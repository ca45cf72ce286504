// Helpers every rule shares: reading config with its schema defaults, naming Kubernetes types,
// and letting an unknown value stop only the decision that needs it.
import { PolicyConfigSchema } from "@pulumi/policy";

/**
 * CrossGuard's "value unknown at preview" error and the props proxy that throws it. Both are
 * exported at runtime by @pulumi/policy 1.21 but marked internal in its typings, so they are
 * typed once here; the analyzer (its server requires this same module) and the harness share these
 * very objects. Read from the module itself: the package's index loads the analyzer's gRPC server
 * and the whole Pulumi SDK (over a second), which the offline harness does not need.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const crossguard = require("@pulumi/policy/proxy") as Obj;
export const UnknownValueError = crossguard.UnknownValueError as new (sentinel: string, path: string[]) => Error;
export type UnknownValueError = Error;
const unknownCheckingProxy = crossguard.unknownCheckingProxy as <T extends object>(value: T) => T;

/** The sentinels CrossGuard treats as "unknown at preview" (strings, one per type). */
const UNKNOWN_SENTINELS: ReadonlySet<unknown> = new Set(
    ["unknownBooleanValue", "unknownNumberValue", "unknownStringValue", "unknownArrayValue", "unknownAssetValue", "unknownArchiveValue", "unknownObjectValue"].map(k => crossguard[k]),
);

/** Whether a value holds, anywhere, a value unknown at preview (a walk that allocates nothing: it visits every resource). */
export function hasUnknown(value: unknown): boolean {
    if (typeof value === "string") return value.length === SENTINEL_LENGTH && UNKNOWN_SENTINELS.has(value);
    if (value === null || typeof value !== "object") return false;
    if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (hasUnknown(value[i])) return true;
        return false;
    }
    for (const key in value) {
        if (Object.prototype.hasOwnProperty.call(value, key) && hasUnknown((value as Record<string, unknown>)[key])) return true;
    }
    return false;
}

/** Every sentinel is a UUID: a string of another length is none. */
const SENTINEL_LENGTH = 36;

/**
 * The props as CrossGuard hands them to a policy: behind its unknown-checking proxy when some value is
 * unknown, so reading it throws UnknownValueError. With no unknown value the proxy can never throw,
 * and the props are handed over as they are (every read through the proxy allocates, and a plan reads
 * every resource once per policy).
 */
export function policyProps<T extends object>(props: T, unknowns: boolean): T {
    return unknowns ? unknownCheckingProxy(props) : props;
}

/** A Kubernetes object or any other resource input, as CrossGuard hands it over (plain JSON). */
export type Obj = Record<string, any>;

/**
 * Runs `check` once per item. When a value is unknown at preview, CrossGuard's props proxy throws
 * UnknownValueError; catching it per item means one unknown never hides a definite violation in
 * another item. The first unknown is re-thrown at the end, so the engine (and the harness) reports
 * the policy as advisory "… can't be known during preview" instead of silently passing.
 */
export function eachDecision<T>(items: Iterable<T>, check: (item: T) => void): void {
    let unknown: UnknownValueError | undefined;
    for (const item of items) {
        try {
            check(item);
        } catch (e) {
            if (!(e instanceof UnknownValueError)) throw e;
            unknown ??= e;
        }
    }
    if (unknown) throw unknown;
}

/**
 * Reads a policy's config with the schema's defaults filled in (the CLI does not always apply them).
 * The defaults are collected once per policy, not once per resource.
 */
export function configReader<T extends object>(schema?: PolicyConfigSchema): (args: { getConfig<U extends object>(): U }) => T {
    const defaults: Obj = {};
    for (const [key, prop] of Object.entries(schema?.properties ?? {})) {
        if (prop.default !== undefined) defaults[key] = prop.default;
    }
    return args => ({ ...defaults, ...args.getConfig<Obj>() }) as T;
}

/** `kubernetes:apps/v1:Deployment` → { group: "apps", version: "v1", kind: "Deployment" }. */
export function k8sType(type: string): { group: string; version: string; kind: string } | undefined {
    // Every policy asks this of every resource; a stack has few distinct types, so parse each once.
    if (!k8sTypes.has(type)) {
        const m = /^kubernetes:([^/:]+)\/([^:]+):(.+)$/.exec(type);
        k8sTypes.set(type, m ? { group: m[1], version: m[2], kind: m[3] } : undefined);
    }
    return k8sTypes.get(type);
}
const k8sTypes = new Map<string, { group: string; version: string; kind: string } | undefined>();

/** True for a Kubernetes type of that API group and kind, whatever its version. */
export function isK8s(type: string, group: string, ...kinds: string[]): boolean {
    const t = k8sType(type);
    return t !== undefined && t.group === group && kinds.includes(t.kind);
}

/** Reads `value` as a list (absent → empty), so checks iterate without null guards. */
export function list<T = any>(value: T[] | undefined | null): T[] {
    return value ?? [];
}

/** A label selector (`matchLabels` / `matchExpressions`) matched against labels, Kubernetes-style. */
export function selectorMatches(selector: Obj | undefined, labels: Obj): boolean {
    if (!selector) return false;
    for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
        if (labels[k] !== v) return false;
    }
    for (const e of list<Obj>(selector.matchExpressions)) {
        const has = Object.prototype.hasOwnProperty.call(labels, e.key);
        const values = list<string>(e.values);
        const ok =
            e.operator === "In" ? has && values.includes(labels[e.key]) :
            e.operator === "NotIn" ? !has || !values.includes(labels[e.key]) :
            e.operator === "Exists" ? has :
            e.operator === "DoesNotExist" ? !has : false;
        if (!ok) return false;
    }
    return true;
}
