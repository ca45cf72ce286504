/** One problem found in a stack's configuration. */
export interface ConfigProblem {
    /** The fully qualified config key and path, e.g. `agent-estate:workloads.kaze-runtime.image`. */
    key: string;
    /** What is wrong, and what a good value looks like. */
    message: string;
}

/**
 * Thrown before any resource is declared when a stack's configuration is invalid.
 * It carries every problem at once, so a user fixes the file in one pass.
 */
export class ConfigError extends Error {
    constructor(
        readonly stack: string,
        readonly problems: readonly ConfigProblem[],
    ) {
        super(formatProblems(stack, problems));
        this.name = "ConfigError";
    }

    static isInstance(e: unknown): e is ConfigError {
        return e instanceof Error && e.name === "ConfigError" && Array.isArray((e as ConfigError).problems);
    }
}

function formatProblems(stack: string, problems: readonly ConfigProblem[]): string {
    const n = problems.length;
    const lines = problems.map((p) => `  - stack "${stack}", ${p.key}: ${p.message}`);
    return [`Stack "${stack}" has ${n} configuration error${n === 1 ? "" : "s"}; nothing was declared:`, ...lines].join("\n");
}
