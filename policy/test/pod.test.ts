// podOf finds the pod in every pod-carrying kind; effective() combines pod and container
// security settings the way the kubelet does.
import { describe, expect, it } from "vitest";
import { effective, effectiveHostProcess, podOf, securityContexts } from "../pod";
import { Obj } from "../common";
import { changed, PodKind, podKinds, typeOf, workload } from "./fixtures";

/** Where each kind keeps its pod spec, spelled out here rather than read from pod.ts. */
const specAt: Record<PodKind, (props: Obj) => Obj> = {
    Pod: p => p.spec,
    Deployment: p => p.spec.template.spec,
    StatefulSet: p => p.spec.template.spec,
    DaemonSet: p => p.spec.template.spec,
    ReplicaSet: p => p.spec.template.spec,
    Job: p => p.spec.template.spec,
    CronJob: p => p.spec.jobTemplate.spec.template.spec,
};

describe("podOf", () => {
    it.each(podKinds)("finds the pod spec, its metadata and all three container lists of a %s", kind => {
        const r = changed(workload(kind), spec => { spec.ephemeralContainers = [{ name: "debug", image: "x" }]; });
        const pod = podOf(r.type, r.props)!;
        expect(pod.kind).toBe(kind);
        expect(pod.spec).toBe(specAt[kind](r.props));
        expect(pod.podMetadata.labels).toEqual({ "app.kubernetes.io/name": "agent" });
        expect(pod.containers.map(c => c.where)).toEqual(['container "agent"', 'init container "migrate"', 'ephemeral container "debug"']);
    });

    it("gives CronJob's pod spec path at spec.jobTemplate.spec.template.spec", () => {
        const r = workload("CronJob");
        expect(podOf(r.type, r.props)!.specPath).toBe("spec.jobTemplate.spec.template.spec");
        expect(podOf(r.type, r.props)!.containers[1].path).toBe("spec.jobTemplate.spec.template.spec.initContainers[0]");
    });

    it("matches any API version of a kind, and nothing else", () => {
        expect(podOf("kubernetes:batch/v1beta1:CronJob", workload("CronJob").props)).toBeDefined();
        expect(podOf("kubernetes:core/v1:Service", {})).toBeUndefined();
        expect(podOf("kubernetes:apps/v1:ControllerRevision", {})).toBeUndefined();
        expect(Object.values(typeOf).every(t => podOf(t, {}) !== undefined)).toBe(true);
    });
});

describe("effective security context", () => {
    const pod = (change: Parameters<typeof changed>[1]) => {
        const r = changed(workload(), change);
        return podOf(r.type, r.props)!;
    };

    it("takes the pod's value when the container sets none", () => {
        const p = pod(() => undefined);
        expect(effective(p, p.containers[0], "runAsNonRoot")).toBe(true);
        expect(effective(p, p.containers[0], "seccompProfile")).toEqual({ type: "RuntimeDefault" });
    });

    it("lets the container's value override the pod's, even false over true", () => {
        const p = pod(spec => { spec.containers[0].securityContext.runAsNonRoot = false; });
        expect(effective(p, p.containers[0], "runAsNonRoot")).toBe(false);
        expect(effective(p, p.containers[1], "runAsNonRoot")).toBe(true);
    });

    it("replaces the whole seccompProfile object, not field by field", () => {
        const p = pod(spec => { spec.containers[0].securityContext.seccompProfile = { type: "Localhost", localhostProfile: "agent.json" }; });
        expect(effective(p, p.containers[0], "seccompProfile")).toEqual({ type: "Localhost", localhostProfile: "agent.json" });
    });

    it("merges windowsOptions field by field", () => {
        const p = pod(spec => {
            spec.securityContext.windowsOptions = { hostProcess: true };
            spec.containers[0].securityContext.windowsOptions = { runAsUserName: "agent" };
        });
        expect(effectiveHostProcess(p, p.containers[0])).toBe(true);
    });

    it("lists the pod's securityContext and each container's for literal checks", () => {
        expect(securityContexts(pod(() => undefined)).map(s => s.where)).toEqual(["the pod", 'container "agent"', 'init container "migrate"']);
    });
});
