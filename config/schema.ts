import { z } from "zod";
import { addonsSection, checkAddons, postgresSection, storageSection } from "./sections/addons";
import { cellSection, imagesSection, kubernetesSection, namespacesSection } from "./sections/core";
import { checkVipBackends, f5Section } from "./sections/edge";
import { checkSecrets, tailscaleSection, vaultSection } from "./sections/secrets";
import { workloadImageRefs, workloadPeerRefs, workloadsSection } from "./sections/workloads";

export { CONFIG_NAMESPACE } from "./problems";

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
        addons: addonsSection.default({}),
        storage: storageSection.optional(),
        postgres: postgresSection.optional(),
        vault: vaultSection.optional(),
        tailscale: tailscaleSection.optional(),
        f5: f5Section.optional(),
    })
    .superRefine((cfg, ctx) => {
        // Cross-section references: checked once here, so each section stays self-contained.
        checkAddons(cfg, ctx);
        checkSecrets(cfg, Object.keys(SECRET_KEYS), ctx);
        checkVipBackends(cfg.f5, cfg.workloads, ctx);
        const namespaces = new Set(cfg.namespaces.map((n) => n.name));
        for (const [name, w] of Object.entries(cfg.workloads)) {
            if (!namespaces.has(w.namespace)) {
                ctx.addIssue({ code: "custom", path: ["workloads", name, "namespace"], message: `"${w.namespace}" is not one of agent-estate:namespaces (${[...namespaces].join(", ")})` });
            }
            // Workloads: every image (main, sidecars, cron jobs) is pinned; every workload peer exists.
            for (const ref of workloadImageRefs(w)) {
                if (!(ref.image in cfg.images.pins)) {
                    ctx.addIssue({ code: "custom", path: ["workloads", name, ...ref.path], message: `"${ref.image}" has no pin in agent-estate:images.pins; add e.g. pins.${ref.image}: {tag: "1.0.0"}` });
                }
            }
            for (const ref of workloadPeerRefs(w)) {
                if (!(ref.workload in cfg.workloads)) {
                    ctx.addIssue({ code: "custom", path: ["workloads", name, ...ref.path], message: `"${ref.workload}" is not a workload of agent-estate:workloads (${Object.keys(cfg.workloads).join(", ")}); name one, or use { namespace, podSelector, ports } for pods outside the cell` });
                } else if (ref.workload === name) {
                    ctx.addIssue({ code: "custom", path: ["workloads", name, ...ref.path], message: "a workload does not need a peer rule to reach itself over localhost; remove it" });
                }
            }
        }
    });

/** The validated, defaulted values of the non-secret keys. */
export type CellSettings = z.infer<typeof cellConfigSchema>;

/**
 * Credentials: each must be set with `pulumi config set --secret` and stays a Pulumi secret.
 * `requiredWhen` names the section whose presence makes the secret mandatory.
 */
export const SECRET_KEYS = {
    vaultToken: { description: "a Vault token that may manage the cell's mount, policies and Kubernetes auth", requiredWhen: "vault" },
    tailscaleOauthClientSecret: { description: "the secret of the Tailscale OAuth client in tailscale.oauthClientId (scope auth_keys)", requiredWhen: "tailscale" },
    f5Password: { description: "the password of f5.username on the BIG-IP at f5.address", requiredWhen: "f5" },
} as const satisfies Record<string, { description: string; requiredWhen?: string }>;
export type SecretKey = keyof typeof SECRET_KEYS;
