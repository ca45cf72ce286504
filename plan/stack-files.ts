import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { RuntimeConfig } from "./runtime";
import { cachedParse } from "./schema-cache";

/** Thrown when a stack's files cannot be read; the plan reports it as a config error. */
export class StackFileError extends Error {
    override name = "StackFileError";
}

/**
 * Reads `Pulumi.yaml` and `Pulumi.<stack>.yaml` the way the Pulumi CLI does, into the configuration
 * the language host would hand the program: structured values as JSON text, and `secure:` values
 * kept opaque (their ciphertext) and marked secret.
 */
export function readStackFiles(dir: string, stack: string): RuntimeConfig {
    const projectFile = path.join(dir, "Pulumi.yaml");
    const stackFile = path.join(dir, `Pulumi.${stack}.yaml`);
    const project = readYaml(projectFile) as { name?: unknown; config?: Record<string, unknown> };
    if (typeof project?.name !== "string") throw new StackFileError(`${projectFile}: no project name`);
    if (!fs.existsSync(stackFile)) {
        const known = fs.readdirSync(dir).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f)).map((f) => f.slice(7, -5));
        throw new StackFileError(`stack "${stack}": ${stackFile} does not exist (stacks here: ${known.join(", ") || "none"})`);
    }
    const stackDoc = (readYaml(stackFile) ?? {}) as { config?: Record<string, unknown> };

    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    // Project-level values first (`{value: …}`), then the stack's own, which win.
    for (const [key, entry] of Object.entries(project.config ?? {})) {
        if (entry && typeof entry === "object" && "value" in entry) config[qualify(project.name, key)] = toText((entry as { value: unknown }).value);
    }
    for (const [key, value] of Object.entries(stackDoc.config ?? {})) {
        const full = qualify(project.name, key);
        if (value && typeof value === "object" && !Array.isArray(value) && "secure" in value && Object.keys(value).length === 1) {
            config[full] = String((value as { secure: unknown }).secure);
            secretKeys.push(full);
        } else {
            config[full] = toText(value);
        }
    }
    return { project: project.name, stack, config, secretKeys };
}

function readYaml(file: string): unknown {
    try {
        // A stack file parsed before is read back as JSON (parsing YAML is most of reading one).
        return cachedParse(fs.readFileSync(file, "utf8"), (text) => parse(text));
    } catch (e) {
        throw new StackFileError(`${file}: ${(e as Error).message}`);
    }
}

/** A key without a namespace belongs to the project. */
function qualify(project: string, key: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

function toText(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}
