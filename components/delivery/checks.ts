/**
 * The status check that guards main: the name of the gate job in `.github/workflows/pr.yml`, which
 * GitHub reports as the check's context. Branch protection requires it; test/workflows.test.ts
 * proves the workflow declares a job of exactly this name.
 */
export const PREVIEW_AND_POLICY_CHECK = "preview-and-policy";
