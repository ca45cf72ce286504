import * as pulumi from "@pulumi/pulumi";
import { resolveFamily } from "./family";
import { RawStackConfig } from "./parse";
import { CONFIG_NAMESPACE } from "./schema";

/** The runtime's secret-key check: exported by the SDK's runtime module but not in its typings. */
const isConfigSecret = (pulumi.runtime as unknown as { isConfigSecret(k: string): boolean }).isConfigSecret;

/**
 * Reads this stack's `agent-estate:*` configuration from the Pulumi runtime, as the engine or the mock
 * runtime set it, merged over its family's base when it names one (`agent-estate:family`).
 */
export function readStackConfig(): RawStackConfig {
    return resolveFamily(rawStackConfig(pulumi.getStack(), pulumi.runtime.allConfig(), isConfigSecret));
}

/** A stack's `agent-estate:*` keys from fully qualified config text, without the namespace; structured values parsed. */
export function rawStackConfig(stack: string, all: Readonly<Record<string, string>>, isSecret: (fullKey: string) => boolean): RawStackConfig {
    const prefix = `${CONFIG_NAMESPACE}:`;
    const values: Record<string, unknown> = {};
    const secretKeys = new Set<string>();
    for (const [fullKey, text] of Object.entries(all)) {
        if (!fullKey.startsWith(prefix)) continue;
        const key = fullKey.slice(prefix.length);
        values[key] = parseValue(text);
        if (isSecret(fullKey)) secretKeys.add(key);
    }
    return { stack, values, secretKeys };
}

/** Structured config arrives as JSON text; scalars stay strings. */
function parseValue(text: string): unknown {
    const trimmed = text.trim();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
        try {
            return JSON.parse(trimmed);
        } catch {
            return text;
        }
    }
    return text;
}
