// Pod Security Standards, restricted: required values use the effective setting (container over
// pod); forbidden values are checked at every level.
import { describe, expect, it } from "vitest";
import { checkOne, changed, podKinds, workload } from "./fixtures";

const messages = (policy: string, r = workload()) => checkOne(policy, r).map(v => v.message);

describe.each(podKinds)("every restricted policy on a compliant %s", kind => {
    it.each([
        "pod-security-restricted-volume-types", "pod-security-restricted-privilege-escalation", "pod-security-restricted-run-as-non-root",
        "pod-security-restricted-run-as-user", "pod-security-restricted-seccomp", "pod-security-restricted-capabilities",
    ])("%s passes", policy => {
        expect(messages(policy, workload(kind))).toEqual([]);
    });

    it("an init container that does not drop ALL fails pod-security-restricted-capabilities", () => {
        const r = changed(workload(kind), spec => { delete spec.initContainers[0].securityContext.capabilities; });
        expect(messages("pod-security-restricted-capabilities", r)).toEqual([`${kind} agent: init container "migrate" does not drop ALL capabilities`]);
    });
});

describe("pod-security-restricted-volume-types", () => {
    it("an nfs volume fails; hostPath is left to baseline", () => {
        const r = changed(workload(), spec => spec.volumes.push(
            { name: "share", nfs: { server: "nas", path: "/" } },
            { name: "host", hostPath: { path: "/" } },
        ));
        expect(messages("pod-security-restricted-volume-types", r)).toEqual(['Deployment agent: volume "share" has disallowed type nfs']);
    });
    it("PVC, secret, csi, ephemeral and downwardAPI volumes pass", () => {
        const r = changed(workload(), spec => spec.volumes.push(
            { name: "data", persistentVolumeClaim: { claimName: "data" } }, { name: "s", secret: { secretName: "s" } },
            { name: "c", csi: { driver: "secrets-store.csi.k8s.io" } }, { name: "e", ephemeral: { volumeClaimTemplate: {} } },
            { name: "d", downwardAPI: { items: [] } },
        ));
        expect(messages("pod-security-restricted-volume-types", r)).toEqual([]);
    });
});

describe("pod-security-restricted-privilege-escalation", () => {
    it("unset allowPrivilegeEscalation fails (Kubernetes defaults it to true), on an ephemeral container too", () => {
        const r = changed(workload(), spec => {
            delete spec.containers[0].securityContext.allowPrivilegeEscalation;
            spec.ephemeralContainers = [{ name: "debug", image: "x:1" }];
        });
        expect(messages("pod-security-restricted-privilege-escalation", r)).toEqual([
            'Deployment agent: container "agent" does not set allowPrivilegeEscalation: false',
            'Deployment agent: ephemeral container "debug" does not set allowPrivilegeEscalation: false',
        ]);
    });
});

describe("pod-security-restricted-run-as-non-root", () => {
    it("pod-level true is inherited by every container", () => {
        expect(messages("pod-security-restricted-run-as-non-root")).toEqual([]);
    });
    it("a container-level false overrides the pod's true and fails", () => {
        const r = changed(workload(), spec => { spec.initContainers[0].securityContext.runAsNonRoot = false; });
        expect(messages("pod-security-restricted-run-as-non-root", r)).toEqual(['Deployment agent: init container "migrate" runs with runAsNonRoot false']);
    });
    it("no pod-level value passes only if every container sets true", () => {
        const r = changed(workload(), spec => {
            delete spec.securityContext.runAsNonRoot;
            spec.containers[0].securityContext.runAsNonRoot = true;
        });
        expect(messages("pod-security-restricted-run-as-non-root", r)).toEqual(['Deployment agent: init container "migrate" runs with runAsNonRoot unset']);
    });
});

describe("pod-security-restricted-run-as-user", () => {
    it("runAsUser 0 on the pod fails even if the containers override it", () => {
        const r = changed(workload(), spec => {
            spec.securityContext.runAsUser = 0;
            for (const c of [...spec.containers, ...spec.initContainers]) c.securityContext.runAsUser = 1000;
        });
        expect(messages("pod-security-restricted-run-as-user", r)).toEqual(["Deployment agent: the pod sets runAsUser: 0"]);
    });
    it("runAsUser 0 on a container fails", () => {
        const r = changed(workload(), spec => { spec.containers[0].securityContext.runAsUser = 0; });
        expect(messages("pod-security-restricted-run-as-user", r)).toEqual(['Deployment agent: container "agent" sets runAsUser: 0']);
    });
});

describe("pod-security-restricted-seccomp", () => {
    it("no profile anywhere fails for every container", () => {
        const r = changed(workload(), spec => { delete spec.securityContext.seccompProfile; });
        expect(messages("pod-security-restricted-seccomp", r)).toEqual([
            'Deployment agent: container "agent" has no seccomp profile',
            'Deployment agent: init container "migrate" has no seccomp profile',
        ]);
    });
    it("container-level RuntimeDefault on every container passes without a pod-level profile", () => {
        const r = changed(workload(), spec => {
            delete spec.securityContext.seccompProfile;
            for (const c of [...spec.containers, ...spec.initContainers]) c.securityContext.seccompProfile = { type: "RuntimeDefault" };
        });
        expect(messages("pod-security-restricted-seccomp", r)).toEqual([]);
    });
    it("a container-level Localhost overriding pod RuntimeDefault passes; Unconfined is baseline's finding", () => {
        expect(messages("pod-security-restricted-seccomp", changed(workload(), spec => {
            spec.containers[0].securityContext.seccompProfile = { type: "Localhost", localhostProfile: "agent.json" };
            spec.initContainers[0].securityContext.seccompProfile = { type: "Unconfined" };
        }))).toEqual([]);
    });
});

describe("pod-security-restricted-capabilities", () => {
    it("adding NET_BIND_SERVICE passes; adding CHOWN fails; adding SYS_ADMIN is baseline's finding", () => {
        expect(messages("pod-security-restricted-capabilities", changed(workload(), spec => { spec.containers[0].securityContext.capabilities.add = ["NET_BIND_SERVICE"]; }))).toEqual([]);
        expect(messages("pod-security-restricted-capabilities", changed(workload(), spec => { spec.containers[0].securityContext.capabilities.add = ["CHOWN", "SYS_ADMIN"]; })))
            .toEqual(['Deployment agent: container "agent" adds CHOWN; restricted allows only NET_BIND_SERVICE']);
    });
    it("a drop list without ALL fails", () => {
        const r = changed(workload(), spec => { spec.containers[0].securityContext.capabilities.drop = ["NET_RAW"]; });
        expect(messages("pod-security-restricted-capabilities", r)).toEqual(['Deployment agent: container "agent" does not drop ALL capabilities']);
    });
});
