// The benchmark's inputs are what it claims: synthetic cells the program accepts, growing by whole
// workloads, and floors that declare exactly the cell's resources, flat, through the provider classes.
import * as k8s from "@pulumi/kubernetes";
import * as vault from "@pulumi/vault";
import { describe, expect, it } from "vitest";
import { classOf, Declared, floor, syntheticCell } from "../bench/measure";
import { plan } from "../plan/plan";
import { readStackFiles } from "../plan/stack-files";
import { PlannedResource } from "../plan/types";
import { ROOT } from "./harness";

const planSynthetic = (n: number) => plan({ stack: "dev", runtimeConfig: syntheticCell(n) });
const declaredOf = (resources: PlannedResource[]): Declared[] => resources.map((r) => ({ type: r.type, name: r.name, custom: r.custom, props: r.props }));
/** Type and name of every resource, sorted: what two runs must agree on when their parents differ. */
const identities = (resources: PlannedResource[]) => resources.map((r) => `${r.type} ${r.name}`).sort();

describe("synthetic cells", () => {
    it("are clean plans that grow by the same resources for every workload added", async () => {
        const [one, three] = await Promise.all([planSynthetic(1), planSynthetic(3)]);
        for (const p of [one, three]) {
            expect(p.exitCode, p.configError).toBe(0);
            expect(p.violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
        }
        const added = identities(three.resources).filter((id) => !identities(one.resources).includes(id));
        const perWorkload = added.filter((id) => id.includes("agent-001")).map((id) => id.replace("agent-001", "agent-N"));
        expect(perWorkload.length).toBeGreaterThanOrEqual(8);
        expect(added.filter((id) => id.includes("agent-002")).map((id) => id.replace("agent-002", "agent-N"))).toEqual(perWorkload);
        expect(added.length).toBe(2 * perWorkload.length);
        expect(perWorkload).toEqual(expect.arrayContaining(["kubernetes:apps/v1:Deployment agent-N", "vault:kubernetes/authBackendRole:AuthBackendRole kaze-dev-vault-agent-N-role"]));
    });
});

describe("the floor", () => {
    it("declares exactly the cell's resources, each directly under the stack, with no dependencies", async () => {
        const cell = await planSynthetic(2);
        const rc = readStackFiles(ROOT, "dev");
        for (const bare of [false, true]) {
            const declared = await floor(declaredOf(cell.resources), bare, rc);
            expect(identities(declared)).toEqual(identities(cell.resources));
            const stack = declared.find((r) => r.type === "pulumi:pulumi:Stack")!;
            expect(declared.filter((r) => r !== stack && r.parent !== stack.urn)).toEqual([]);
            expect(declared.filter((r) => r.dependencies.length > 0)).toEqual([]);
            const deployment = declared.find((r) => r.type === "kubernetes:apps/v1:Deployment" && r.name === "agent-001")!;
            const cellDeployment = cell.resources.find((r) => r.urn.endsWith("kubernetes:apps/v1:Deployment::agent-001"))!;
            expect(deployment.props).toEqual(cellDeployment.props);
        }
    });

    it("declares each resource through its provider SDK's class, a Kubernetes kind without one as a CustomResource", () => {
        expect(classOf("kubernetes:apps/v1:Deployment")).toBe(k8s.apps.v1.Deployment);
        expect(classOf("kubernetes:core/v1:ConfigMap")).toBe(k8s.core.v1.ConfigMap);
        expect(classOf("kubernetes:rbac.authorization.k8s.io/v1:Role")).toBe(k8s.rbac.v1.Role);
        expect(classOf("kubernetes:helm.sh/v3:Release")).toBe(k8s.helm.v3.Release);
        expect(classOf("kubernetes:external-secrets.io/v1beta1:ExternalSecret")).toBe(k8s.apiextensions.CustomResource);
        expect(classOf("vault:index/policy:Policy")).toBe(vault.Policy);
        expect(classOf("vault:kubernetes/authBackendRole:AuthBackendRole")).toBe(vault.kubernetes.AuthBackendRole);
        expect(classOf("vault:kv/secretV2:SecretV2")).toBe(vault.kv.SecretV2);
        expect(classOf("agent-estate:workloads:AgentWorkload")).toBeUndefined();
    });
});
