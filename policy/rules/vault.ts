// Vault policies: a glob on a broad path hands out a whole engine (or all of Vault).
import { resourcePolicy } from "../define";

export interface VaultPathRule { path: string; capabilities: string[] }

/** Extracts `path "…" { capabilities = [...] }` blocks from policy HCL (nested blocks allowed). */
export function parseVaultPolicy(hcl: string): VaultPathRule[] {
    const rules: VaultPathRule[] = [];
    const text = hcl.replace(/^\s*(#|\/\/).*$/gm, "");
    const head = /path\s+"([^"]+)"\s*\{/g;
    for (let m = head.exec(text); m; m = head.exec(text)) {
        let depth = 1, i = head.lastIndex;
        for (; i < text.length && depth > 0; i++) depth += text[i] === "{" ? 1 : text[i] === "}" ? -1 : 0;
        const body = text.slice(head.lastIndex, i - 1);
        const caps = /capabilities\s*=\s*\[([^\]]*)\]/.exec(body)?.[1] ?? "";
        rules.push({ path: m[1], capabilities: [...caps.matchAll(/"([^"]+)"/g)].map(c => c[1]) });
        head.lastIndex = i;
    }
    return rules;
}

/** Literal segments before the first glob (`*` or `+`); undefined when the path has no glob. */
function literalDepth(path: string): number | undefined {
    const segments = path.split("/");
    const first = segments.findIndex(s => s.includes("*") || s.includes("+"));
    return first === -1 ? undefined : first;
}

export const vaultPolicyScope = resourcePolicy<{ minLiteralSegments: number }>({
    name: "vault-policy-scope",
    description: "Vault policies grant nothing but deny on broad glob paths (fewer than minLiteralSegments fixed segments before the glob), and never sudo on a glob.",
    remediationSteps: "Scope the path to the workload, e.g. secret/data/agents/<name>/*, and grant only read/list.",
    configSchema: {
        properties: {
            minLiteralSegments: { type: "integer", minimum: 1, default: 3, description: "Fixed path segments required before a glob, e.g. 3 for secret/data/<app>/*." },
        },
    },
    applies: type => type === "vault:index/policy:Policy",
    check: (props, report, { minLiteralSegments }) => {
        for (const rule of parseVaultPolicy(String(props.policy ?? ""))) {
            const depth = literalDepth(rule.path);
            if (depth === undefined) continue;
            const grants = rule.capabilities.filter(c => c !== "deny");
            if (grants.includes("sudo")) report(`path "${rule.path}" grants sudo on a glob`);
            else if (depth < minLiteralSegments && grants.length > 0) report(`path "${rule.path}" grants ${grants.join(", ")} on a broad glob`);
        }
    },
});

export const vault = [vaultPolicyScope];
