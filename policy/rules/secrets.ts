// Secrets belong in Secrets (via ExternalSecret), never in a pod spec or a ConfigMap: both are
// readable by anyone who can read the workload, and both end up in the Pulumi state in clear.
import { eachDecision, isK8s, list, Obj } from "../common";
import { resourcePolicy } from "../define";
import { carriesPod, eachContainer, podOf } from "../pod";

/** A name that says "I hold a credential" (files, paths and ids of credentials are fine). */
const secretName = /(^|[_.-])(password|passwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?|client[_-]?secret)([_.-]|$)/i;
const referenceSuffix = /[_.-](file|path|dir|url|endpoint|name|id|ref|key[_-]?id)$/i;

/** Values that are credentials whatever they are called. */
const secretValue: RegExp[] = [
    /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
    /\bgh[pousr]_[A-Za-z0-9]{36,}\b/, /\bgithub_pat_[A-Za-z0-9_]{20,}/,
    /\bsk-(ant-)?[A-Za-z0-9_-]{20,}/, /\bAKIA[0-9A-Z]{16}\b/, /\btskey-[A-Za-z0-9-]{10,}/,
    /\bhvs\.[A-Za-z0-9_-]{20,}/, /\bxox[abprs]-[A-Za-z0-9-]{10,}/, /\bglpat-[A-Za-z0-9_-]{20,}/,
    /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i,
];

/** How the offline harness shows a Pulumi secret: it was put in clear into the object. */
const pulumiSecret = "[secret]";

const looksSecretName = (name: string) => secretName.test(name) && !referenceSuffix.test(name);
const looksSecretValue = (value: string) => value === pulumiSecret || secretValue.some(r => r.test(value));

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
