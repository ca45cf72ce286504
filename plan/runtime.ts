import * as pulumi from "@pulumi/pulumi";
import { mockOutputs } from "./mock-outputs";
import { PlannedResource, SECRET_PLACEHOLDER, withPlaintext } from "./types";

/** The configuration a program runs with: fully qualified keys (`agent-estate:cell`) to their text. */
export interface RuntimeConfig {
    project: string;
    stack: string;
    config: Record<string, string>;
    secretKeys: string[];
}

export interface ProgramRun {
    resources: PlannedResource[];
    outputs: Record<string, unknown>;
}

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getProtect(): boolean | undefined;
    getRetainondelete(): boolean | undefined;
    getImportid(): string | undefined;
    getDependenciesList(): string[];
    getProvider(): string;
    getObject(): { toJavaScript(): Record<string, unknown> };
}

/** What the SDK reads of a registration's answer (`resource.js`: the fields of a RegisterResourceResponse it uses). */
interface RegisterResponse {
    getUrn(): string;
    getId(): string;
    getObject(): { toJavaScript(): Record<string, unknown> };
    getPropertydependenciesMap(): undefined;
    /** 0: Result.SUCCESS, so no output is kept unknown. */
    getResult(): number;
}

type RegisterCallback = (error: unknown, response: RegisterResponse | undefined) => void;

/**
 * Runs a Pulumi program under the SDK's own mock runtime, with the stack's configuration, and returns
 * every resource it registered, with inputs (secrets redacted) and options. The mock "engine" answers
 * each registration with the inputs as outputs (plus the few outputs a provider would compute, from
 * {@link mockOutputs}), as a preview that assumes creation would succeed.
 *
 * The mock runtime is one per process, so runs never overlap: a run started while another is under
 * way waits for it to end.
 */
export function runProgram(rc: RuntimeConfig, program: () => unknown): Promise<ProgramRun> {
    const run = previousRun.then(() => runAlone(rc, program));
    previousRun = run.then(
        () => undefined,
        () => undefined,
    );
    return run;
}

/** The last run started; the next one starts when it has settled. */
let previousRun: Promise<void> = Promise.resolve();

async function runAlone(rc: RuntimeConfig, program: () => unknown): Promise<ProgramRun> {
    const resources = new Map<string, PlannedResource>();
    // The SDK captures a stack trace for every promise it creates (for leak reports) and a full one for
    // every resource (its source position, which only the engine's display uses, and which raises the
    // trace limit to infinity itself); with source maps on, that was most of a plan's time. Both are off
    // unless AGENT_ESTATE_STACK_TRACES=1 (about three times slower): errors keep their messages, not their frames.
    if (process.env.AGENT_ESTATE_STACK_TRACES === "1") return register(rc, program, resources);
    const stackTraceLimit = Error.stackTraceLimit;
    const sdk = pulumi.Resource as unknown as { callsites: () => unknown[] };
    const callsites = sdk.callsites;
    Error.stackTraceLimit = 0;
    sdk.callsites = () => [];
    try {
        return await register(rc, program, resources);
    } finally {
        Error.stackTraceLimit = stackTraceLimit;
        sdk.callsites = callsites;
    }
}

async function register(rc: RuntimeConfig, program: () => unknown, resources: Map<string, PlannedResource>): Promise<ProgramRun> {
    await pulumi.runtime.setMocks(
        {
            // Reads (`Resource.get`) are answered by the mocks; registrations by `answer` below, alike.
            newResource: (args) => {
                const extra = mockOutputs[args.type]?.(args.name, args.inputs) ?? {};
                return { id: mockId(args.name, args.custom !== false) || undefined, state: { ...args.inputs, ...extra } };
            },
            call: () => ({}),
        },
        rc.project,
        rc.stack,
        false,
    );
    pulumi.runtime.setAllConfig(rc.config, rc.secretKeys);

    // Answer each registration as the SDK's mock monitor would (the inputs as the state, plus
    // {@link mockOutputs}), and record what the engine would see of it: the mock API passes on inputs only,
    // so parent, options and dependencies are read off the request. The mock monitor's own answer
    // converts the inputs four more times (protobuf to JavaScript and back, deserialized and serialized
    // again); the state here is the request's own serialized form, handed back as the SDK reads it.
    const monitor = (pulumi.runtime as unknown as { getMonitor(): MonitorLike }).getMonitor();
    monitor.registerResource = (req: RegisterRequest, callback: RegisterCallback) => {
        answer(req).then(
            (response) => callback(null, response),
            (e: unknown) => callback(e, undefined),
        );
    };
    const answer = async (req: RegisterRequest): Promise<RegisterResponse> => {
        const urn = monitor.newUrn(req.getParent(), req.getType(), req.getName());
        const serialized = req.getObject().toJavaScript();
        const inputs = pulumi.runtime.deserializeProperties({ toJavaScript: () => serialized } as unknown as Parameters<typeof pulumi.runtime.deserializeProperties>[0]);
        const found = { secret: false };
        const props = redact(inputs, found) as Record<string, unknown>;
        const planned: PlannedResource = {
            urn,
            type: req.getType(),
            name: req.getName(),
            custom: req.getCustom(),
            props,
            parent: req.getParent() || undefined,
            protect: req.getProtect() === true,
            retainOnDelete: req.getRetainondelete() === true,
            importId: req.getImportid() || undefined,
            dependencies: [...new Set(req.getDependenciesList())].sort(),
            provider: req.getCustom() ? req.getProvider() || undefined : undefined,
        };
        if (found.secret) withPlaintext(planned, unwrapSecrets(inputs) as Record<string, unknown>);
        resources.set(urn, planned);

        const extra = mockOutputs[planned.type]?.(planned.name, inputs);
        const state = extra ? { ...serialized, ...(await pulumi.runtime.serializeProperties(`mock outputs of ${urn}`, extra)) } : serialized;
        const id = mockId(planned.name, planned.custom);
        // The mock monitor keeps what it answered: registerResourceOutputs looks the resource up there.
        monitor.resources.set(urn, { urn, id: id || null, state });
        return { getUrn: () => urn, getId: () => id, getObject: () => ({ toJavaScript: () => state }), getPropertydependenciesMap: () => undefined, getResult: () => 0 };
    };

    // Keep the program's own return value: the stack resource hands back plain values, secretness lost.
    let outputs: Record<string, unknown> = {};
    try {
        await pulumi.runtime.runInPulumiStack(async () => {
            outputs = ((await program()) as Record<string, unknown>) ?? {};
            return outputs;
        });
    } catch (e) {
        // The SDK rejects the stack's own data promise with the same error and nobody awaits it; the
        // caller gets the error here, so that second rejection is not a crash.
        if (e !== null && typeof e === "object") reportedErrors.add(e);
        throw e;
    } finally {
        // Drain this run's registrations against its own monitor before another run replaces it.
        await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
    }
    return {
        resources: [...resources.values()].sort((a, b) => a.urn.localeCompare(b.urn)),
        outputs: redact(await resolveOutputs(outputs)) as Record<string, unknown>,
    };
}

/** The ID the mock engine gives a resource: custom resources get one made from their name, components none (""). */
function mockId(name: string, custom: boolean): string {
    return custom ? `${name}-id` : "";
}

/** Errors already handed to a caller of {@link runProgram}. */
const reportedErrors = new WeakSet<object>();
process.on("unhandledRejection", (reason) => {
    if (reason !== null && typeof reason === "object" && reportedErrors.has(reason)) return;
    throw reason;
});

interface MonitorLike {
    registerResource(req: RegisterRequest, callback: RegisterCallback): void;
    newUrn(parent: string, type: string, name: string): string;
    resources: Map<string, { urn: string; id: string | null; state: unknown }>;
}

interface OutputInternals {
    promise(): Promise<unknown>;
    isSecret: Promise<boolean>;
}

/** Resolves stack outputs to plain values; a secret output becomes {@link SECRET_PLACEHOLDER}. */
async function resolveOutputs(value: unknown): Promise<unknown> {
    if (pulumi.Output.isInstance(value)) {
        const o = value as unknown as OutputInternals;
        return (await o.isSecret) ? SECRET_PLACEHOLDER : resolveOutputs(await o.promise());
    }
    if (Array.isArray(value)) return Promise.all(value.map(resolveOutputs));
    if (value === null || typeof value !== "object" || pulumi.Resource.isInstance(value)) return value;
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolveOutputs(v)] as const));
    return Object.fromEntries(entries);
}

/**
 * Replaces every secret with {@link SECRET_PLACEHOLDER} and every resource reference with its urn;
 * `found.secret` is set when a secret was replaced.
 */
function redact(value: unknown, found: { secret: boolean } = { secret: false }): unknown {
    if (Array.isArray(value)) return value.map((v) => redact(v, found));
    if (value === null || typeof value !== "object") return value;
    if (pulumi.Resource.isInstance(value)) return { urn: "[resource]" };
    const obj = value as Record<string, unknown>;
    if (obj[SIG_KEY] === SECRET_SIG) {
        found.secret = true;
        return SECRET_PLACEHOLDER;
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(obj).sort()) {
        if (obj[key] !== undefined) out[key] = redact(obj[key], found);
    }
    return out;
}

/**
 * The inputs as the engine hands them to a policy pack: every secret unwrapped to its plaintext value
 * (for a `secure:` config value the plan never decrypts, its ciphertext), keys in the same order as {@link redact}.
 */
function unwrapSecrets(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(unwrapSecrets);
    if (value === null || typeof value !== "object") return value;
    if (pulumi.Resource.isInstance(value)) return { urn: "[resource]" };
    const obj = value as Record<string, unknown>;
    if (obj[SIG_KEY] === SECRET_SIG) return unwrapSecrets(obj.value);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(obj).sort()) {
        if (obj[key] !== undefined) out[key] = unwrapSecrets(obj[key]);
    }
    return out;
}
