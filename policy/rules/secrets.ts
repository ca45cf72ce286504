// Secrets belong in Secrets (via ExternalSecret), never in a pod spec or a ConfigMap: both are
// readable by anyone who can read the workload, and both end up in the Pulumi state in clear.
import { eachDecision, isK8s, list, Obj } from "../common";
import { resourcePolicy } from "../define";
import { carriesPod, eachContainer, podOf } from "../pod";

/**
 * Names that say "I hold a credential": `*PASSWORD*`, `*PASSWD*`, `*SECRET*` anywhere; `*_TOKEN` and
 * `*_KEY` (and a bare TOKEN or KEY) at the end; the usual compounds (API key, access key, private key,
 * credentials, client secret) anywhere between separators. The engine hands a policy every secret in
 * plaintext, so the name and the value's shape are all a policy can judge by.
 */
const secretName = [
    /password|passwd|secret/i,
    /(^|[_.-])(token|key)$/i,
    /(^|[_.-])(api[_-]?key|access[_-]?key|private[_-]?key|credentials?|client[_-]?secret|auth[_-]?token|bearer)([_.-]|$)/i,
];
/** Names of things that point at a credential (a file, a path, an id, a Secret's name) or are public halves. */
const referenceName = /([_.-](file|path|dir|url|endpoint|name|id|ref|key[_-]?id)|public[_-]?key)$/i;

/** Values that are credentials whatever they are called: the shapes of known providers' keys and tokens. */
const secretValue: RegExp[] = [
    /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
    /\bgh[pousr]_[A-Za-z0-9]{36,}\b/, /\bgithub_pat_[A-Za-z0-9_]{20,}/, /\bglpat-[A-Za-z0-9_-]{20,}/,
    /\bsk-(ant-|proj-|lf-)?[A-Za-z0-9_-]{20,}/, /\b[sr]k_(live|test)_[A-Za-z0-9]{20,}/,
    /\bAKIA[0-9A-Z]{16}\b/, /\bAIza[0-9A-Za-z_-]{35}\b/,
    /\btskey-[A-Za-z0-9-]{10,}/, /\bhv[sbr]\.[A-Za-z0-9_-]{20,}/, /\bpul-[a-f0-9]{40}\b/,
    /\bxox[abprs]-[A-Za-z0-9-]{10,}/, /hooks\.slack\.com\/services\/T[A-Za-z0-9]+\//,
    /\bhf_[A-Za-z0-9]{30,}\b/, /\bnpm_[A-Za-z0-9]{36}\b/,
    /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/,
    /AccountKey=[A-Za-z0-9+/=]{20,}/,
    /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i,
];

export const looksSecretName = (name: string) => secretName.some(r => r.test(name)) && !referenceName.test(name);
/** The case-sensitive shapes as one pattern: a value (a dashboard's JSON can run to tens of KB) is scanned once, not once a shape. */
const secretValueShapes = [new RegExp(secretValue.filter(r => !r.flags.includes("i")).map(r => r.source).join("|")), ...secretValue.filter(r => r.flags.includes("i"))];
export const looksSecretValue = (value: string) => secretValueShapes.some(r => r.test(value));

export const noPlaintextSecrets = resourcePolicy<{ referenceEnvNames: string[] }>({
    name: "no-plaintext-secrets",
    description: "No credential in clear in container env values or ConfigMap data.",
    remediationSteps: "Store the value in Vault, sync it with an ExternalSecret, and reference it with env[].valueFrom.secretKeyRef or a secret volume.",
    configSchema: {
        properties: {
            referenceEnvNames: {
                type: "array", items: { type: "string" },
                // TS_KUBE_SECRET is the *name* of the Secret where tailscaled keeps its state.
                default: ["TS_KUBE_SECRET"],
                description: "Env var names that hold the name of a Secret, not a secret value (their name check is skipped).",
            },
        },
    },
    applies: type => carriesPod(type) || isK8s(type, "core", "ConfigMap"),
    check: (props, report, { referenceEnvNames }, args) => {
        const pod = podOf(args.type, props);
        if (pod) {
            eachContainer(pod, c => eachDecision(list<Obj>(c.spec.env), e => {
                if (e.valueFrom !== undefined || e.value === undefined || e.value === "") return;
                if (looksSecretName(e.name) && !referenceEnvNames.includes(e.name)) report(`${c.where} sets ${e.name} in clear; use valueFrom.secretKeyRef`);
                else if (looksSecretValue(String(e.value))) report(`${c.where} env ${e.name} holds a credential-looking value; use valueFrom.secretKeyRef`);
            }));
            return;
        }
        eachDecision(Object.keys(props.data ?? {}), key => {
            const value = String(props.data[key]);
            if (looksSecretName(key) && value !== "") report(`ConfigMap key ${key} holds a secret; use a Secret`);
            else if (looksSecretValue(value)) report(`ConfigMap key ${key} contains a credential-looking value; use a Secret`);
        });
    },
});

export const secrets = [noPlaintextSecrets];
