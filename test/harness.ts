import * as path from "node:path";
import indexProgram from "../index";
import { ConfigError } from "../config/errors";
import { RawStackConfig } from "../config/parse";
import { runProgram, RuntimeConfig } from "../plan/runtime";
import { readStackFiles } from "../plan/stack-files";
import { PlannedResource } from "../plan/types";

export const ROOT = path.resolve(__dirname, "..");

/** The type of every add-on's Helm release. */
export const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";

/** The program itself, as `pulumi up` runs it. */
export const program: () => Promise<Record<string, unknown>> = indexProgram;

/**
 * A stack's configuration from its committed file, with keys replaced or removed for a test.
 * `set` values are config values (objects are encoded as JSON); `secrets` are set as secure values.
 */
export function stackConfig(
    stack: string,
    change: { set?: Record<string, unknown>; secrets?: Record<string, string>; remove?: string[] } = {},
): RuntimeConfig {
    const rc = readStackFiles(ROOT, stack);
    const config = { ...rc.config };
    const secretKeys = new Set(rc.secretKeys);
    for (const key of change.remove ?? []) {
        delete config[`agent-estate:${key}`];
        secretKeys.delete(`agent-estate:${key}`);
    }
    for (const [key, value] of Object.entries(change.set ?? {})) {
        config[`agent-estate:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
        secretKeys.delete(`agent-estate:${key}`);
    }
    for (const [key, value] of Object.entries(change.secrets ?? {})) {
        config[`agent-estate:${key}`] = value;
        secretKeys.add(`agent-estate:${key}`);
    }
    return { ...rc, config, secretKeys: [...secretKeys] };
}

/** The resources a stack declares, with lookups that read like a reviewer's questions. */
export class Declared {
    constructor(readonly resources: PlannedResource[], readonly outputs: Record<string, unknown>) {}

    ofType(type: string): PlannedResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    /** The Kubernetes object of a kind (`Deployment`) and `metadata.name`; throws if absent. */
    k8s(kind: string, name: string, namespace?: string): PlannedResource & { props: Record<string, any> } {
        const found = this.resources.find((r) => {
            const p = r.props as { kind?: string; metadata?: { name?: string; namespace?: string } };
            return r.type.startsWith("kubernetes:") && p.kind === kind && p.metadata?.name === name && (namespace === undefined || p.metadata?.namespace === namespace);
        });
        if (!found) throw new Error(`no ${kind} named ${name}${namespace ? ` in ${namespace}` : ""} is declared`);
        return found as PlannedResource & { props: Record<string, any> };
    }

    /** The one Helm release of a chart; throws when none or several are declared. */
    release(chart: string): PlannedResource & { props: Record<string, any> } {
        const found = this.ofType(HELM_RELEASE).filter((r) => (r.props as { chart?: unknown }).chart === chart);
        if (found.length !== 1) throw new Error(`${found.length} Helm releases of chart ${chart} are declared, expected exactly one`);
        return found[0] as PlannedResource & { props: Record<string, any> };
    }

    byUrn(urn: string): PlannedResource {
        const found = this.resources.find((r) => r.urn === urn);
        if (!found) throw new Error(`no resource ${urn}`);
        return found;
    }

    /** Every Kubernetes object of a kind. */
    kind(kind: string): Array<PlannedResource & { props: Record<string, any> }> {
        return this.resources.filter((r) => r.type.startsWith("kubernetes:") && (r.props as { kind?: string }).kind === kind) as Array<PlannedResource & { props: Record<string, any> }>;
    }
}

/**
 * Runs the program for a stack under the mock runtime. A committed stack (named by a string) is run
 * once per test process and its result shared, frozen, by every test that asks: tests only read it.
 * A configuration (a stack changed for a test) runs afresh each time.
 */
export function declare(stackOrConfig: string | RuntimeConfig): Promise<Declared> {
    if (typeof stackOrConfig !== "string") return run(stackOrConfig);
    let shared = committedStacks.get(stackOrConfig);
    if (!shared) {
        shared = run(stackConfig(stackOrConfig)).then((d) => deepFreeze(d));
        committedStacks.set(stackOrConfig, shared);
    }
    return shared;
}

async function run(rc: RuntimeConfig): Promise<Declared> {
    const result = await runProgram(rc, program);
    return new Declared(result.resources, result.outputs);
}

/** One run per committed stack per test process (the config is isolated per file only when vitest's `isolate` is on). */
const committedStacks = new Map<string, Promise<Declared>>();

/** Freezes a value and everything it holds: a test that writes to a shared plan fails instead of corrupting the next test's. */
function deepFreeze<T>(value: T): T {
    if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
        Object.freeze(value);
        for (const v of Object.values(value)) deepFreeze(v);
    }
    return value;
}

/** A stack's committed configuration as the program reads it (keys without namespace, structured values parsed), ready to be broken. */
export function rawStackConfig(stack: string): RawStackConfig & { values: Record<string, any>; secretKeys: Set<string> } {
    const rc = stackConfig(stack);
    const values: Record<string, any> = {};
    const secretKeys = new Set<string>();
    for (const [full, text] of Object.entries(rc.config)) {
        if (!full.startsWith("agent-estate:")) continue;
        const key = full.slice("agent-estate:".length);
        values[key] = /^[[{]/.test(text) ? JSON.parse(text) : text;
        if (rc.secretKeys.includes(full)) secretKeys.add(key);
    }
    return { stack, values, secretKeys };
}

/** The ConfigError a config parser throws for a raw configuration; fails the test when it accepts it. */
export function configErrorOf(parse: (raw: RawStackConfig) => unknown, raw: RawStackConfig): ConfigError {
    try {
        parse(raw);
    } catch (e) {
        if (ConfigError.isInstance(e)) return e;
        throw e;
    }
    throw new Error("the configuration was accepted");
}
