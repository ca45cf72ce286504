import { describe, expect, it } from "vitest";
import { differences, Manifest, podTemplates } from "../e2e/manifests";
import { violationMessage } from "../e2e/run";
import { declare } from "./harness";

const manifest = (object: Record<string, any>): Manifest => ({
    file: `${object.kind}.yaml`,
    apiVersion: object.apiVersion,
    kind: object.kind,
    name: object.metadata.name,
    namespace: object.metadata.namespace,
    object,
    path: "",
});

describe("the e2e comparison of rendered and stored objects", () => {
    it("accepts what the server adds (defaults, status, managed fields)", () => {
        const rendered = { kind: "Service", metadata: { name: "a", labels: { x: "1" } }, spec: { ports: [{ port: 80 }] } };
        const stored = { ...rendered, metadata: { ...rendered.metadata, uid: "u", resourceVersion: "5" }, spec: { ports: [{ port: 80, protocol: "TCP" }], clusterIP: "10.96.0.5" }, status: {} };
        expect(differences(rendered, stored, "")).toEqual([]);
    });

    it("takes an empty list the server did not store as the same (the API server omits empty optional lists)", () => {
        const rendered = { spec: { policyTypes: ["Ingress"], ingress: [] } };
        expect(differences(rendered, { spec: { policyTypes: ["Ingress"] } }, "")).toEqual([]);
        expect(differences({ spec: { ingress: [{ from: [] }] } }, { spec: {} }, "")).toEqual(["spec.ingress: rendered a list, stored undefined"]);
    });

    it("names each field the server lacks or changed, by its path", () => {
        const rendered = { metadata: { labels: { x: "1", y: "2" } }, spec: { ports: [{ port: 80 }, { port: 81 }], replicas: 1 } };
        const stored = { metadata: { labels: { x: "1" } }, spec: { ports: [{ port: 80 }], replicas: 2 } };
        expect(differences(rendered, stored, "")).toEqual(["metadata.labels.y: rendered \"2\", stored undefined", "spec.ports: rendered 2 items, stored 1", "spec.replicas: rendered 1, stored 2"]);
    });
});

describe("the pod templates the e2e run submits to admission", () => {
    const container = { name: "c", image: "i:1.0.0" };
    it("takes Deployment, StatefulSet and CronJob templates, with their namespaces and labels", () => {
        const templates = podTemplates([
            manifest({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d", namespace: "n" }, spec: { template: { metadata: { labels: { app: "d" } }, spec: { containers: [container] } } } }),
            manifest({ apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "c", namespace: "n" }, spec: { jobTemplate: { spec: { template: { spec: { containers: [container] } } } } } }),
            manifest({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "m", namespace: "n" }, data: {} }),
        ]);
        expect(templates.map((t) => [t.owner, t.namespace, t.labels])).toEqual([
            ["Deployment-d", "n", { app: "d" }],
            ["CronJob-c", "n", {}],
        ]);
    });

    it("gives a StatefulSet's pod the claim of its ordinal 0 for each volumeClaimTemplate", () => {
        const [t] = podTemplates([
            manifest({
                apiVersion: "apps/v1",
                kind: "StatefulSet",
                metadata: { name: "s", namespace: "n" },
                spec: { volumeClaimTemplates: [{ metadata: { name: "workspace" } }], template: { spec: { containers: [container] } } },
            }),
        ]);
        expect(t.spec.volumes).toEqual([{ name: "workspace", persistentVolumeClaim: { claimName: "workspace-s-0" } }]);
    });
});

describe("the e2e comparison of the analyzer's violations with the plan's", () => {
    it("reads the violation's own message from a CLI policy event, after the policy's description", () => {
        expect(violationMessage("Where the config asks for it (requireDigest), every image is pinned by digest.\nDeployment a: container \"a\" image x:1 is not pinned by digest")).toBe('Deployment a: container "a" image x:1 is not pinned by digest');
        expect(violationMessage("just a message")).toBe("just a message");
    });
});

describe("what the real API server showed the mock runtime did not", () => {
    it("pod templates carry no empty initContainers list (the API server drops it; the plan renders what is stored)", async () => {
        for (const stack of ["local", "dev"]) {
            const d = await declare(stack);
            const templates = [...d.kind("Deployment"), ...d.kind("StatefulSet")].map((r) => r.props.spec.template.spec);
            expect(templates.length, stack).toBeGreaterThan(0);
            for (const spec of templates) expect(spec.initContainers === undefined || spec.initContainers.length > 0, stack).toBe(true);
        }
        const echo = (await declare("local")).k8s("Deployment", "echo-api");
        expect("initContainers" in echo.props.spec.template.spec).toBe(false);
    });
});
