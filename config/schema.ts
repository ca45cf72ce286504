import { z } from "zod";
import { cellSection, imagesSection, kubernetesSection, namespacesSection } from "./sections/core";
import { workloadsSection } from "./sections/workloads";

/** The project's config namespace: every key is `agent-estate:<key>`. */
export const CONFIG_NAMESPACE = "agent-estate";

/**
 * Every non-secret key the program reads, one schema. Sections that are absent turn their area off.
 * Each section's schema lives in `config/sections/<area>.ts`.
 */
export const cellConfigSchema = z
    .strictObject({
        cell: cellSection,
        kubernetes: kubernetesSection,
        namespaces: namespacesSection,
        images: imagesSection,
        workloads: workloadsSection.default({}),
    })
    .superRefine((cfg, ctx) => {
        // Cross-section references: checked once here, so each section stays self-contained.
        const namespaces = new Set(cfg.namespaces.map((n) => n.name));
        for (const [name, w] of Object.entries(cfg.workloads)) {
            if (!namespaces.has(w.namespace)) {
                ctx.addIssue({ code: "custom", path: ["workloads", name, "namespace"], message: `"${w.namespace}" is not one of agent-estate:namespaces (${[...namespaces].join(", ")})` });
            }
            if (!(w.image in cfg.images.pins)) {
                ctx.addIssue({ code: "custom", path: ["workloads", name, "image"], message: `"${w.image}" has no pin in agent-estate:images.pins; add e.g. pins.${w.image}: {tag: "1.0.0"}` });
            }
        }
    });

/** The validated, defaulted values of the non-secret keys. */
export type CellSettings = z.infer<typeof cellConfigSchema>;

/**
 * Credentials: each must be set with `pulumi config set --secret` and stays a Pulumi secret.
 * `requiredWhen` names the section whose presence makes the secret mandatory.
 */
export const SECRET_KEYS = {} as const satisfies Record<string, { description: string; requiredWhen?: string }>;
export type SecretKey = keyof typeof SECRET_KEYS;
