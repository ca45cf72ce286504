// Lint the program, the plan, the tests and the policy pack with the TypeScript-aware recommended rules.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/**", "**/*.js", "**/*.mjs", "out/**", "plan-out/**"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        rules: {
            // Kubernetes objects are loosely typed JSON in tests and policies; `any` is allowed there, not in components.
            "@typescript-eslint/no-explicit-any": "off",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
        },
    },
    {
        files: ["components/**/*.ts", "config/**/*.ts", "index.ts"],
        rules: { "@typescript-eslint/no-explicit-any": "error" },
    },
);
