// Workload practice: sized, probed, namespaced, and explicit about the API token.
import { describe, expect, it } from "vitest";
import { checkOne, changed, podKinds, workload } from "./fixtures";

const messages = (policy: string, r = workload(), config?: Record<string, unknown>) =>
    checkOne(policy, r, config ? { config } : {}).map(v => v.message);

describe.each(podKinds)("workload practice on a compliant %s", kind => {
    it.each(["container-resources", "container-probes", "workload-namespace", "service-account-token-automount"])("%s passes", policy => {
        expect(messages(policy, workload(kind))).toEqual([]);
    });
});

describe("container-resources", () => {
    it("an init container without requests fails", () => {
        const r = changed(workload(), spec => { delete spec.initContainers[0].resources.requests; });
        expect(messages("container-resources", r)).toEqual(['Deployment agent: init container "migrate" has no resources.requests.cpu, resources.requests.memory']);
    });
    it("a missing memory limit fails; a CPU limit is required only when configured", () => {
        const r = changed(workload(), spec => { delete spec.containers[0].resources.limits; });
        expect(messages("container-resources", r)).toEqual(['Deployment agent: container "agent" has no resources.limits.memory']);
        expect(messages("container-resources", workload(), { "container-resources": { requireCpuLimit: true } })).toHaveLength(2);
    });
    it("ephemeral containers are not asked for resources (the API forbids them)", () => {
        expect(messages("container-resources", changed(workload(), spec => { spec.ephemeralContainers = [{ name: "debug", image: "x:1" }]; }))).toEqual([]);
    });
});

describe("container-probes", () => {
    it("a container without a readiness probe fails", () => {
        const r = changed(workload("StatefulSet"), spec => { delete spec.containers[0].readinessProbe; });
        expect(messages("container-probes", r)).toEqual(['StatefulSet agent: container "agent" has no readinessProbe']);
    });
    it("a native sidecar (init container with restartPolicy Always) needs probes; a plain init container does not", () => {
        const r = changed(workload(), spec => { spec.initContainers.push({ ...spec.initContainers[0], name: "proxy", restartPolicy: "Always" }); });
        expect(messages("container-probes", r)).toEqual(['Deployment agent: init container "proxy" has no livenessProbe and no readinessProbe']);
    });
    it("Jobs and CronJobs run to completion and need no probes", () => {
        for (const kind of ["Job", "CronJob"] as const) {
            expect(messages("container-probes", changed(workload(kind), spec => { delete spec.containers[0].livenessProbe; }))).toEqual([]);
        }
    });
});

describe("workload-namespace", () => {
    it("the default namespace fails, and so does none", () => {
        expect(messages("workload-namespace", changed(workload("DaemonSet"), (_s, props) => { props.metadata.namespace = "default"; })))
            .toEqual(['DaemonSet agent: metadata.namespace is "default"; workloads do not run in the default namespace']);
        expect(messages("workload-namespace", changed(workload("Pod"), (_s, props) => { delete props.metadata.namespace; })))
            .toEqual(["Pod agent: metadata.namespace is unset; workloads do not run in the default namespace"]);
    });
});

describe("service-account-token-automount", () => {
    it("an undeclared automount fails; an explicit true passes (it is a declaration)", () => {
        expect(messages("service-account-token-automount", changed(workload("Job"), spec => { delete spec.automountServiceAccountToken; })))
            .toEqual(["Job agent: spec.template.spec.automountServiceAccountToken is not declared (Kubernetes defaults it to true)"]);
        expect(messages("service-account-token-automount", changed(workload(), spec => { spec.automountServiceAccountToken = true; }))).toEqual([]);
    });
});
