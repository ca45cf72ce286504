import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { plan, PlanResult } from "../plan/plan";
import { SKIP_AWAIT_ANNOTATION } from "../components/skip-await";
import { ROOT, stackConfig } from "./harness";

/** The kinds a bare API server (no Helm, no operators, no nodes) can hold. */
const BARE_KINDS = new Set([
    "Namespace",
    "NetworkPolicy",
    "Deployment",
    "StatefulSet",
    "CronJob",
    "Job",
    "Service",
    "ServiceAccount",
    "Role",
    "RoleBinding",
    "ClusterRole",
    "ClusterRoleBinding",
    "ConfigMap",
    "PersistentVolumeClaim",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
    "CustomResourceDefinition",
]);

const k8sObjects = (result: PlanResult) => result.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:providers:"));

describe("the local stack (npm run e2e, and any cluster)", () => {
    let local: PlanResult;
    beforeAll(async () => {
        local = await plan({ stack: "local" });
    });

    it("plans clean: no configuration error, no mandatory violation, no schema error", () => {
        expect(local.configError).toBeUndefined();
        expect(local.violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
        expect(local.schemaErrors).toEqual([]);
        expect(local.exitCode).toBe(0);
    });

    it("declares only what a bare API server can hold: no Helm, Vault, Tailscale or F5", () => {
        const types = new Set(local.resources.filter((r) => r.custom).map((r) => r.type));
        expect([...types].filter((t) => !t.startsWith("kubernetes:") && t !== "pulumi:providers:kubernetes")).toEqual([]);
        expect([...types].filter((t) => t.startsWith("kubernetes:helm.sh/"))).toEqual([]);
        const kinds = new Set(k8sObjects(local).map((r) => (r.props as { kind: string }).kind));
        expect([...kinds].filter((k) => !BARE_KINDS.has(k))).toEqual([]);
        // What the e2e run exercises: workloads of both kinds, RBAC, a claim, a cron job, policies.
        for (const kind of ["Namespace", "Deployment", "StatefulSet", "CronJob", "Service", "NetworkPolicy", "Role", "RoleBinding", "ConfigMap", "PersistentVolumeClaim"]) {
            expect(kinds.has(kind), kind).toBe(true);
        }
    });

    it("names its kube context explicitly (the e2e kubeconfig and a kind/k3d cluster use it)", () => {
        const stackDoc = parse(fs.readFileSync(path.join(ROOT, "Pulumi.local.yaml"), "utf8")) as { config: Record<string, { context?: string }> };
        const provider = local.resources.find((r) => r.type === "pulumi:providers:kubernetes");
        expect(provider?.props.context).toBe(stackDoc.config["agent-estate:kubernetes"].context);
        expect(provider?.props.context).toBe("agent-estate-local");
    });

    it("does not wait for readiness (no kubelet): every Kubernetes object carries pulumi.com/skipAwait", () => {
        const objects = k8sObjects(local);
        expect(objects.length).toBeGreaterThan(10);
        for (const r of objects) expect((r.props as any).metadata?.annotations?.[SKIP_AWAIT_ANNOTATION], r.urn).toBe("true");
    });

    it("keeps every object's own annotations beside skipAwait", () => {
        const deployment = k8sObjects(local).find((r) => (r.props as any).kind === "Deployment")!;
        expect((deployment.props as any).spec.template.metadata.annotations["agent-estate/config-checksum"]).toMatch(/^[0-9a-f]{16}$/);
    });

    it("waits as usual without kubernetes.skipAwait (the default)", async () => {
        const rc = stackConfig("local");
        const kubernetes = JSON.parse(rc.config["agent-estate:kubernetes"]) as Record<string, unknown>;
        delete kubernetes.skipAwait;
        rc.config["agent-estate:kubernetes"] = JSON.stringify(kubernetes);
        const waiting = await plan({ stack: "local", runtimeConfig: rc });
        expect(waiting.exitCode).toBe(0);
        const objects = k8sObjects(waiting);
        expect(objects.length).toBe(k8sObjects(local).length);
        for (const r of objects) expect((r.props as any).metadata?.annotations?.[SKIP_AWAIT_ANNOTATION], r.urn).toBeUndefined();
    });
});
