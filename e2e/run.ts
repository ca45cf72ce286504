/**
 * `npm run e2e`: this program through a real Pulumi engine, the real Kubernetes provider, the real
 * CrossGuard analyzer and a real Kubernetes API server, all on loopback:
 *  1. `preview` and `up` of the `local` stack (an inline program: the cell built from Pulumi.local.yaml),
 *     with the policy pack and its environment's config;
 *  2. a second `preview` shows no change; at the end `destroy` leaves nothing the stack made;
 *  3. a mandatory violation injected through config fails `preview` in the real analyzer, with the
 *     policy names and messages `npm run plan` gives;
 *  4. the objects the API server stored match what `npm run plan -- local --out` rendered;
 *  5. Pod Security admission is real: a pod that breaks `restricted` is rejected, and every pod
 *     template the program sends is admitted.
 * The binaries come from tools/build.sh (built once, then cached outside the work tree).
 * Prints each check and closes with `e2e: N passed, N failed`; exits 1 if any failed.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { EngineEvent, LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { parse } from "yaml";
import projectProgram from "../index";
import { Cluster } from "./cluster";
import { compareStored, podTemplates, readManifests } from "./manifests";
import { buildTools, ROOT } from "./tools";

const STACK = "local";

interface Check {
    name: string;
    ok: boolean;
    detail?: string;
}
const checks: Check[] = [];

/** Records a check: `failures` empty means it passed. */
function check(name: string, failures: string[]): boolean {
    const ok = failures.length === 0;
    checks.push({ name, ok, detail: failures.join("\n") });
    process.stdout.write(`${ok ? "ok  " : "FAIL"} ${name}${ok ? "" : `\n${failures.map((f) => `       ${f}`).join("\n")}`}\n`);
    return ok;
}

function step(title: string): void {
    process.stdout.write(`\n== ${title}\n`);
}

async function main(): Promise<number> {
    const started = Date.now();
    step("tools (tools/build.sh: cached outside the work tree)");
    const tools = buildTools();
    process.env.PATH = [...tools.dirs, process.env.PATH].join(path.delimiter);
    process.stdout.write(`tools ready in ${Math.round((Date.now() - started) / 1000)} s\n`);

    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "agent-estate-e2e-"));
    const stackDoc = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${STACK}.yaml`), "utf8")) as { config: Record<string, any> };
    const projectDoc = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { name: string; runtime: any; config?: Record<string, any> };
    const cell = stackDoc.config[`${projectDoc.name}:cell`] as { environment: string };
    const context = (stackDoc.config[`${projectDoc.name}:kubernetes`] as { context: string }).context;

    step("a control plane on loopback: etcd, kube-apiserver, kube-controller-manager");
    const cluster = new Cluster(path.join(tmp, "cluster"), tools.bins, context);
    let failed = true;
    try {
        await cluster.start();
        const version = await cluster.request("GET", "/version");
        process.stdout.write(`API server ${cluster.server}, ${version.body.gitVersion}\n`);

        step("what `npm run plan` renders and finds, for comparison");
        const planned = path.join(tmp, "plan-out");
        execFileSync(process.execPath, [path.join(ROOT, "bin", "compiled.js"), "plan/cli.ts", STACK, "--out", planned], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
        const manifests = readManifests(planned);
        const injected = { "cell.environment": "prod" };
        const expected = JSON.parse(
            execFileSync(
                process.execPath,
                [path.join(ROOT, "bin", "compiled.js"), "e2e/plan-violations.ts", STACK, ...Object.entries(injected).map(([k, v]) => `${k}=${JSON.stringify(v)}`)],
                { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
            ),
        ) as { exitCode: number; violations: { policy: string; enforcementLevel: string; message: string }[] };
        process.stdout.write(`${manifests.length} objects rendered; with ${JSON.stringify(injected)} the plan finds ${expected.violations.length} violations\n`);

        const passphrase = "agent-estate-e2e";
        const backend = path.join(tmp, "state");
        fs.mkdirSync(backend);
        const stack = await LocalWorkspace.createOrSelectStack(
            { stackName: STACK, projectName: projectDoc.name, program: () => projectProgram() },
            {
                workDir: fs.mkdtempSync(path.join(tmp, "work-")),
                projectSettings: { name: projectDoc.name, runtime: projectDoc.runtime, config: projectDoc.config } as any,
                stackSettings: { [STACK]: { config: stackDoc.config } },
                secretsProvider: "passphrase",
                envVars: {
                    PULUMI_BACKEND_URL: `file://${backend}`,
                    PULUMI_CONFIG_PASSPHRASE: passphrase,
                    PULUMI_HOME: path.join(tmp, "pulumi-home"),
                    PULUMI_SKIP_UPDATE_CHECK: "true",
                    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
                    KUBECONFIG: cluster.kubeconfig,
                },
            },
        );
        const policy = { policyPacks: [path.join(ROOT, "policy")], policyPackConfigs: [path.join(ROOT, "policy", "config", `${cell.environment}.json`)] };
        const logs = path.join(tmp, "pulumi-logs");
        fs.mkdirSync(logs);
        const log = (name: string) => {
            const file = path.join(logs, `${name}.log`);
            return { file, onOutput: (out: string) => fs.appendFileSync(file, out) };
        };

        step("1. preview and up of the local stack, with the policy pack");
        const createdTypes = manifests.length;
        const first = await operation("preview", () => stack.preview({ ...policy, ...log("preview-1") }));
        if (first) {
            const creates = first.changeSummary.create ?? 0;
            // The manifests, the provider, the stack and the components.
            check(`preview plans creations (${creates}) for at least the ${createdTypes} objects the plan renders`, creates >= createdTypes ? [] : [`creates ${creates}`]);
        }
        const up = await operation("up", () => stack.up({ ...policy, ...log("up") }));
        if (up) check(`up creates the stack (${JSON.stringify(up.summary.resourceChanges)})`, up.summary.result === "succeeded" ? [] : [`result ${up.summary.result}`]);

        step("2. a second preview shows no change");
        const second = await operation("preview", () => stack.preview({ ...policy, ...log("preview-2"), diff: true }));
        if (second) {
            const changed = Object.entries(second.changeSummary).filter(([op, n]) => op !== "same" && n > 0);
            check("the second preview has nothing to do", changed.length === 0 ? [] : [`changes: ${JSON.stringify(second.changeSummary)} (see ${log("preview-2").file})`]);
        }

        step("4. the objects the API server stored match what `npm run plan -- local --out` rendered");
        check(`every rendered object is stored, with the rendered fields (${manifests.length} objects)`, await compareStored(cluster, manifests));

        step("5. Pod Security admission is real");
        await admission(cluster, manifests);

        step("3. a mandatory violation injected through config fails preview in the real analyzer");
        await violation(stack, policy, injected, expected, log("preview-violation"));

        step("2. destroy leaves nothing the stack made");
        const destroy = await operation("destroy", () => stack.destroy({ ...log("destroy") }));
        if (destroy) check("destroy succeeds", destroy.summary.result === "succeeded" ? [] : [`result ${destroy.summary.result}`]);
        check("the API server holds none of the stack's objects", await leftovers(cluster, manifests));
        failed = false;
    } catch (e) {
        check("the run completes", [e instanceof Error ? (e.stack ?? e.message) : String(e)]);
    } finally {
        await cluster.stop();
    }
    const passed = checks.filter((c) => c.ok).length;
    const failedCount = checks.length - passed;
    if (failedCount > 0 || failed) process.stdout.write(`\nlogs kept in ${tmp}\n`);
    else fs.rmSync(tmp, { recursive: true, force: true });
    process.stdout.write(`\ne2e took ${Math.round((Date.now() - started) / 1000)} s\n`);
    process.stdout.write(`e2e: ${passed} passed, ${failedCount} failed\n`);
    return failedCount === 0 ? 0 : 1;
}

/** Runs one Pulumi operation; a failure is a failed check (with the CLI's own words), not an exception. */
async function operation<T>(name: string, run: () => Promise<T>): Promise<T | undefined> {
    const t = Date.now();
    try {
        const result = await run();
        process.stdout.write(`${name}: ${Math.round((Date.now() - t) / 1000)} s\n`);
        return result;
    } catch (e) {
        check(`${name} succeeds`, [e instanceof Error ? e.message : String(e)]);
        return undefined;
    }
}

/** Step 5: the restricted level refuses a privileged pod, and admits every pod template the program sends. */
async function admission(cluster: Cluster, manifests: ReturnType<typeof readManifests>): Promise<void> {
    const templates = podTemplates(manifests);
    const problems: string[] = [];
    for (const t of templates) {
        const ns = await cluster.request("GET", `/api/v1/namespaces/${t.namespace}`);
        const level = ns.body?.metadata?.labels?.["pod-security.kubernetes.io/enforce"];
        if (level !== "restricted") problems.push(`namespace ${t.namespace} enforces "${level}", not "restricted"`);
        const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: `e2e-${t.owner.toLowerCase()}`, labels: t.labels }, spec: t.spec };
        const res = await cluster.request("POST", `/api/v1/namespaces/${t.namespace}/pods?dryRun=All`, pod);
        if (res.status !== 201) problems.push(`${t.owner} ${t.name}: the API server refused its pod template (${res.status}): ${res.body?.message}`);
    }
    check(`the API server admits every pod template the program renders (${templates.length}) in namespaces enforcing restricted`, templates.length > 0 ? problems : ["no pod templates rendered"]);

    // The workload controllers create the Deployment's and StatefulSet's pods: admission refused none.
    const refused: string[] = [];
    for (const namespace of new Set(templates.map((t) => t.namespace))) {
        const events = await cluster.request("GET", `/api/v1/namespaces/${namespace}/events`);
        for (const e of events.body.items ?? []) if (e.reason === "FailedCreate") refused.push(`${e.involvedObject.kind} ${e.involvedObject.name}: ${e.message}`);
    }
    const pods = await Promise.all([...new Set(templates.map((t) => t.namespace))].map((ns) => cluster.request("GET", `/api/v1/namespaces/${ns}/pods`)));
    const podCount = pods.reduce((n, p) => n + (p.body.items?.length ?? 0), 0);
    check(`the workload controllers' pods were admitted (${podCount} pods, Pending without a scheduler)`, podCount === 0 ? ["no pod was created", ...refused] : refused);

    const t = templates[0];
    const container = t.spec.containers[0];
    const privileged = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "e2e-privileged" },
        spec: { ...t.spec, containers: [{ ...container, securityContext: { ...container.securityContext, privileged: true, allowPrivilegeEscalation: true } }] },
    };
    const res = await cluster.request("POST", `/api/v1/namespaces/${t.namespace}/pods?dryRun=All`, privileged);
    const message = String(res.body?.message ?? "");
    check(
        `a privileged pod in ${t.namespace} is rejected by Pod Security admission`,
        res.status === 403 && message.includes('violates PodSecurity "restricted') ? [] : [`status ${res.status}: ${message}`],
    );
}

/** Step 3: the injected change makes preview fail, with the plan's mandatory policies and messages. */
async function violation(
    stack: Stack,
    policy: { policyPacks: string[]; policyPackConfigs: string[] },
    injected: Record<string, string>,
    expected: { violations: { policy: string; enforcementLevel: string; message: string }[] },
    log: { file: string; onOutput: (out: string) => void },
): Promise<void> {
    const original: Record<string, string> = {};
    for (const [key, value] of Object.entries(injected)) {
        original[key] = (await stack.getConfig(`agent-estate:${key}`, true)).value;
        await stack.setConfig(`agent-estate:${key}`, { value }, true);
    }
    const events: EngineEvent[] = [];
    let failed = false;
    const environment = injected["cell.environment"];
    try {
        const configs = environment ? [path.join(ROOT, "policy", "config", `${environment}.json`)] : policy.policyPackConfigs;
        await stack.preview({ ...policy, policyPackConfigs: configs, onOutput: log.onOutput, onEvent: (e) => events.push(e) });
    } catch {
        failed = true;
    } finally {
        for (const [key, value] of Object.entries(original)) await stack.setConfig(`agent-estate:${key}`, { value }, true);
    }
    // The CLI reports a violation as "<the policy's description>\n<the violation's message>"; the plan gives the message.
    const real = events.flatMap((e) => (e.policyEvent ? [{ ...e.policyEvent, message: violationMessage(e.policyEvent.message) }] : []));
    const key = (v: { policyName?: string; policy?: string; enforcementLevel: string; message: string }) => `[${v.enforcementLevel}] ${v.policyName ?? v.policy}: ${v.message.trim()}`;
    const got = new Set(real.map((v) => key(v)));
    const want = new Set(expected.violations.map((v) => key(v)));
    const problems: string[] = [];
    if (!failed) problems.push("preview succeeded");
    if (![...want].some((w) => w.startsWith("[mandatory]"))) problems.push("the plan finds no mandatory violation for this change: nothing was injected");
    for (const w of want) if (!got.has(w)) problems.push(`the plan's ${w} was not reported by the analyzer`);
    for (const g of got) if (!want.has(g)) problems.push(`the analyzer reported ${g}, which the plan does not`);
    check(`${JSON.stringify(injected)}: preview fails with the plan's ${want.size} violations (policy and message)`, problems);
}

/** The violation's own message in a CLI policy event, without the policy description the CLI puts first. */
export function violationMessage(eventMessage: string): string {
    const newline = eventMessage.indexOf("\n");
    return newline < 0 ? eventMessage : eventMessage.slice(newline + 1);
}

/** After destroy: each rendered object is gone (namespaces finish terminating first). */
async function leftovers(cluster: Cluster, manifests: ReturnType<typeof readManifests>): Promise<string[]> {
    const deadline = Date.now() + 120_000;
    for (;;) {
        const left: string[] = [];
        for (const m of manifests) {
            const res = await cluster.request("GET", m.path);
            if (res.status !== 404) left.push(`${m.kind} ${m.namespace ? `${m.namespace}/` : ""}${m.name} (${res.status})`);
        }
        if (left.length === 0 || Date.now() > deadline) return left;
        await new Promise((resolve) => setTimeout(resolve, 2000));
    }
}

if (require.main === module) {
    main().then(
        (code) => process.stdout.write("", () => process.exit(code)),
        (e: unknown) => {
            process.stderr.write(`e2e failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
            process.exit(3);
        },
    );
}
