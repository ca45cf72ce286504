import { defineConfig } from "vitest/config";

export default defineConfig({
    test: {
        include: ["test/**/*.test.ts", "policy/test/**/*.test.ts"],
        // Each file runs the Pulumi mock runtime, whose state is process-global: isolate files in forks.
        pool: "forks",
        testTimeout: 60_000,
        hookTimeout: 60_000,
    },
});
