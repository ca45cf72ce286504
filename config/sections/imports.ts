import { z } from "zod";

/**
 * `agent-estate:imports`: objects that already exist (made by hand, Terraform or an earlier tool) and that
 * the stack's next `pulumi up` adopts instead of creating: a resource's logical name, as
 * `npm run plan -- <stack> --json` lists it, → the ID its provider imports it by. The adopted object must
 * match the config (else the update stops at its diff, changing nothing); remove the entry once adopted.
 */
export const importsSection = z
    .record(
        z.string().min(1),
        z.string().min(1, { error: "must be the provider's import ID, e.g. \"/Common/rooster-agentgateway-8080\" or a repository name" }),
    )
    .default({})
    .describe(
        "Existing objects to adopt on the next `pulumi up` (the `import` resource option): logical resource name (as `npm run plan -- <stack> --json` lists it) → the provider's import ID. Each must match the config or the update stops at its diff; remove an entry once adopted. The plan refuses a name the stack does not declare. Default: {}.",
    );

export type Imports = z.infer<typeof importsSection>;
