import { defineConfig } from "vitest/config";

export default defineConfig({
    test: {
        include: ["test/**/*.test.ts", "policy/test/**/*.test.ts"],
        // Files run in child processes (forks), two at a time, and a process runs file after file without
        // re-importing: the provider SDKs and the program load once per process, not once per file, and a
        // committed stack is planned once per process (test/harness.ts `declare`). The Pulumi mock runtime
        // is process-global, and plan/runtime.ts runs one program at a time, so files sharing a process
        // never interleave their runs.
        pool: "forks",
        isolate: false,
        maxWorkers: 2,
        setupFiles: ["test/setup.ts"],
        testTimeout: 60_000,
        hookTimeout: 60_000,
    },
});
