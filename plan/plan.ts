import * as path from "node:path";
import { stringify } from "yaml";
import { isDeliveryStack, parseDeliveryConfig } from "../config/delivery";
import { ConfigError } from "../config/errors";
import { CONFIG_NAMESPACE, didYouMean, qualify } from "../config/problems";
import { resolveFamily } from "../config/family";
import { rawStackConfig } from "../config/load";
import { parseCellConfig, RawStackConfig } from "../config/parse";
import projectProgram from "../index";
import { evaluatePolicies, Violation } from "../policy/harness";
import { runProgram, RuntimeConfig } from "./runtime";
import { readStackFiles, StackFileError } from "./stack-files";
import { PlannedResource } from "./types";
import { SchemaError, Unvalidated, validateKubernetesObjects } from "./validate";
import { validateHelmValues } from "./helm-values";
import { FlowReport, checkFlows } from "./flows/check";

export interface PlanOptions {
    /** The project directory (holding Pulumi.yaml). @default - this repository */
    dir?: string;
    stack: string;
    /** Run with this configuration instead of the stack's file (tests, benchmarks). */
    runtimeConfig?: RuntimeConfig;
    /** The program to run. @default - the project's index.ts */
    program?: () => unknown;
}

export interface PlanResult {
    stack: string;
    /** 0 clean, 1 a mandatory violation, a schema error or a blocked flow, 2 a configuration error. */
    exitCode: 0 | 1 | 2;
    /** Set when the configuration is invalid: every problem, each naming the stack and key. */
    configError?: string;
    environment: string;
    resources: PlannedResource[];
    outputs: Record<string, unknown>;
    violations: Violation[];
    schemaErrors: SchemaError[];
    /** Kubernetes kinds declared that could not be validated (no model, no CRD schema), with the reason. */
    unvalidated: Unvalidated[];
    /** Every flow the cell asks for, judged by its NetworkPolicies; a blocked flow fails the plan. */
    flows: FlowReport;
}

export const PROJECT_DIR = path.resolve(__dirname, "..");

/** Runs a stack's program offline and checks what it declares: the policy pack and the Kubernetes schemas. */
export async function plan(opts: PlanOptions): Promise<PlanResult> {
    const empty = { resources: [], outputs: {}, violations: [], schemaErrors: [], unvalidated: [], flows: { flows: [], blocked: [], unusedRules: [] } };
    let rc: RuntimeConfig;
    try {
        rc = opts.runtimeConfig ?? readStackFiles(opts.dir ?? PROJECT_DIR, opts.stack);
    } catch (e) {
        if (e instanceof StackFileError) return { ...empty, stack: opts.stack, exitCode: 2, configError: e.message, environment: "unknown" };
        throw e;
    }
    const environment = environmentOf(rc);
    const program = opts.program ?? projectProgram;

    let run;
    try {
        run = await runProgram(rc, program);
    } catch (e) {
        if (ConfigError.isInstance(e)) return { ...empty, stack: rc.stack, exitCode: 2, configError: e.message, environment };
        throw e;
    }
    const strayImports = unmatchedImports(rc, run.resources);
    if (strayImports) return { ...empty, stack: rc.stack, exitCode: 2, configError: strayImports.message, environment };
    const violations = evaluatePolicies(run.resources, { environment });
    const objects = validateKubernetesObjects(run.resources);
    const helm = validateHelmValues(run.resources);
    const schemaErrors = [...objects.errors, ...helm.errors];
    const unvalidated = [...objects.unvalidated, ...helm.unvalidated];
    const flows = checkFlows(run.resources);
    const failed = schemaErrors.length > 0 || flows.blocked.length > 0 || violations.some((v) => v.enforcementLevel === "mandatory");
    return { stack: rc.stack, exitCode: failed ? 1 : 0, environment, resources: run.resources, outputs: run.outputs, violations, schemaErrors, unvalidated, flows };
}

/**
 * `agent-estate:imports` entries that name no resource the stack declares: a typo there would create a
 * duplicate of the object meant to be adopted, so it is a config error, with the nearest names.
 */
function unmatchedImports(rc: RuntimeConfig, resources: readonly PlannedResource[]): ConfigError | undefined {
    const raw = rc.config[`${CONFIG_NAMESPACE}:imports`];
    if (raw === undefined) return undefined;
    const imports = JSON.parse(raw) as Record<string, string>;
    const names = resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:")).map((r) => r.name);
    const declared = new Set(names);
    const problems = Object.keys(imports)
        .filter((name) => !declared.has(name))
        .map((name) => {
            const near = didYouMean(name, names);
            return { key: qualify(["imports", name]), message: `names no resource this stack declares; ${near || `use a resource name from \`npm run plan -- ${rc.stack} --json\``}` };
        });
    return problems.length > 0 ? new ConfigError(rc.stack, problems) : undefined;
}

/** The environment class of the stack, for the policies' enforcement levels: the cell's, else the stack's name. */
function environmentOf(rc: RuntimeConfig): string {
    try {
        // The cell section may come from the stack's family base.
        const cell = effectiveStackConfig(rc).values.cell as { environment?: unknown } | undefined;
        if (typeof cell?.environment === "string") return cell.environment;
    } catch {
        /* an invalid cell section or family is reported by the program's own validation */
    }
    return rc.stack;
}

/** The stack's configuration as the program reads it: its `agent-estate:*` keys merged over its family's base. */
export function effectiveStackConfig(rc: RuntimeConfig): RawStackConfig {
    const secret = new Set(rc.secretKeys);
    return resolveFamily(rawStackConfig(rc.stack, rc.config, (k) => secret.has(k)));
}

export interface EffectiveConfigResult {
    stack: string;
    /** 0 valid, 2 a configuration error. */
    exitCode: 0 | 2;
    /** The effective configuration in the stack-file format (`config:`), secrets as their `secure:` ciphertext. */
    text?: string;
    configError?: string;
}

/**
 * `npm run plan -- <stack> --config`: the stack's effective configuration (its family's base with its
 * overrides merged in), checked by the same schema and errors as a plan, without running the program.
 */
export function effectiveConfig(opts: { stack: string; dir?: string }): EffectiveConfigResult {
    try {
        const rc = readStackFiles(opts.dir ?? PROJECT_DIR, opts.stack);
        const raw = effectiveStackConfig(rc);
        if (isDeliveryStack(raw)) parseDeliveryConfig(raw);
        else parseCellConfig(raw);
        const config = Object.fromEntries(
            Object.keys(raw.values)
                .sort()
                .map((k) => [`${CONFIG_NAMESPACE}:${k}`, raw.secretKeys.has(k) ? { secure: raw.values[k] } : raw.values[k]]),
        );
        return { stack: opts.stack, exitCode: 0, text: stringify({ config }, { lineWidth: 0 }) };
    } catch (e) {
        if (e instanceof StackFileError || ConfigError.isInstance(e)) return { stack: opts.stack, exitCode: 2, configError: e.message };
        throw e;
    }
}
