import * as pulumi from "@pulumi/pulumi";
import { RawStackConfig } from "./parse";
import { CONFIG_NAMESPACE } from "./schema";

/** The runtime's secret-key check: exported by the SDK's runtime module but not in its typings. */
const isConfigSecret = (pulumi.runtime as unknown as { isConfigSecret(k: string): boolean }).isConfigSecret;

/** Reads this stack's `agent-estate:*` configuration from the Pulumi runtime, as the engine or the mock runtime set it. */
export function readStackConfig(): RawStackConfig {
    const prefix = `${CONFIG_NAMESPACE}:`;
    const values: Record<string, unknown> = {};
    const secretKeys = new Set<string>();
    for (const [fullKey, text] of Object.entries(pulumi.runtime.allConfig())) {
        if (!fullKey.startsWith(prefix)) continue;
        const key = fullKey.slice(prefix.length);
        values[key] = parseValue(text);
        if (isConfigSecret(fullKey)) secretKeys.add(key);
    }
    return { stack: pulumi.getStack(), values, secretKeys };
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
