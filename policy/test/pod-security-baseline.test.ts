// Pod Security Standards, baseline: a reviewer's checklist, one control at a time.
import { describe, expect, it } from "vitest";
import { changed, checkOne, podKinds, workload } from "./fixtures";

const messages = (policy: string, r = workload()) => checkOne(policy, r).map(v => v.message);

describe.each(podKinds)("every baseline policy on a compliant %s", kind => {
    it.each([
        "pod-security-baseline-privileged", "pod-security-baseline-host-namespaces", "pod-security-baseline-host-path",
        "pod-security-baseline-host-ports", "pod-security-baseline-capabilities", "pod-security-baseline-proc-mount",
        "pod-security-baseline-selinux", "pod-security-baseline-apparmor", "pod-security-baseline-sysctls",
        "pod-security-baseline-seccomp", "pod-security-baseline-host-process",
    ])("%s passes", policy => {
        expect(messages(policy, workload(kind))).toEqual([]);
    });

    it("a privileged init container fails pod-security-baseline-privileged", () => {
        const r = changed(workload(kind), spec => { spec.initContainers[0].securityContext.privileged = true; });
        expect(messages("pod-security-baseline-privileged", r)).toEqual([`${kind} agent: init container "migrate" sets securityContext.privileged: true`]);
    });
});

describe("pod-security-baseline-privileged", () => {
    it("a privileged ephemeral container fails", () => {
        const r = changed(workload(), spec => { spec.ephemeralContainers = [{ name: "debug", image: "busybox:1", securityContext: { privileged: true } }]; });
        expect(messages("pod-security-baseline-privileged", r)).toEqual(['Deployment agent: ephemeral container "debug" sets securityContext.privileged: true']);
    });
    it("privileged: false passes", () => {
        expect(messages("pod-security-baseline-privileged", changed(workload(), spec => { spec.containers[0].securityContext.privileged = false; }))).toEqual([]);
    });
});

describe("pod-security-baseline-host-namespaces", () => {
    it("hostNetwork, hostPID and hostIPC each fail, naming the field", () => {
        const r = changed(workload(), spec => Object.assign(spec, { hostNetwork: true, hostPID: true, hostIPC: true }));
        expect(messages("pod-security-baseline-host-namespaces", r)).toEqual([
            "Deployment agent: spec.template.spec.hostIPC is true",
            "Deployment agent: spec.template.spec.hostNetwork is true",
            "Deployment agent: spec.template.spec.hostPID is true",
        ]);
    });
    it("hostNetwork: false passes", () => {
        expect(messages("pod-security-baseline-host-namespaces", changed(workload(), spec => { spec.hostNetwork = false; }))).toEqual([]);
    });
});

describe("pod-security-baseline-host-path", () => {
    it("a hostPath volume fails", () => {
        const r = changed(workload(), spec => spec.volumes.push({ name: "docker", hostPath: { path: "/var/run/docker.sock" } }));
        expect(messages("pod-security-baseline-host-path", r)).toEqual(['Deployment agent: volume "docker" is a hostPath volume (/var/run/docker.sock)']);
    });
});

describe("pod-security-baseline-host-ports", () => {
    it("a hostPort on an init container fails; hostPort 0 passes", () => {
        const r = changed(workload(), spec => {
            spec.initContainers[0].ports = [{ containerPort: 53, hostPort: 53 }];
            spec.containers[0].ports = [{ containerPort: 8080, hostPort: 0 }];
        });
        expect(messages("pod-security-baseline-host-ports", r)).toEqual(['Deployment agent: init container "migrate" binds hostPort 53']);
    });
});

describe("pod-security-baseline-capabilities", () => {
    it("a container that drops ALL but adds SYS_ADMIN fails", () => {
        const r = changed(workload(), spec => { spec.containers[0].securityContext.capabilities.add = ["SYS_ADMIN", "CHOWN"]; });
        expect(messages("pod-security-baseline-capabilities", r)).toEqual(['Deployment agent: container "agent" adds capabilities beyond the baseline set: SYS_ADMIN']);
    });
    it("adding baseline capabilities (CHOWN, NET_BIND_SERVICE) passes baseline", () => {
        const r = changed(workload(), spec => { spec.containers[0].securityContext.capabilities.add = ["CHOWN", "NET_BIND_SERVICE"]; });
        expect(messages("pod-security-baseline-capabilities", r)).toEqual([]);
    });
    it("an ephemeral container adding NET_ADMIN fails", () => {
        const r = changed(workload(), spec => { spec.ephemeralContainers = [{ name: "debug", image: "x:1", securityContext: { capabilities: { add: ["NET_ADMIN"] } } }]; });
        expect(messages("pod-security-baseline-capabilities", r)).toEqual(['Deployment agent: ephemeral container "debug" adds capabilities beyond the baseline set: NET_ADMIN']);
    });
});

describe("pod-security-baseline-proc-mount", () => {
    it("procMount Unmasked fails, Default passes", () => {
        expect(messages("pod-security-baseline-proc-mount", changed(workload(), spec => { spec.initContainers[0].securityContext.procMount = "Unmasked"; })))
            .toEqual(['Deployment agent: init container "migrate" sets procMount: Unmasked']);
        expect(messages("pod-security-baseline-proc-mount", changed(workload(), spec => { spec.containers[0].securityContext.procMount = "Default"; }))).toEqual([]);
    });
});

describe("pod-security-baseline-selinux", () => {
    it("a custom type, user or role fails at pod or container level", () => {
        const r = changed(workload(), spec => {
            spec.securityContext.seLinuxOptions = { type: "spc_t" };
            spec.containers[0].securityContext.seLinuxOptions = { user: "system_u", role: "system_r" };
        });
        expect(messages("pod-security-baseline-selinux", r)).toEqual([
            'Deployment agent: container "agent" sets seLinuxOptions.role: system_r',
            'Deployment agent: container "agent" sets seLinuxOptions.user: system_u',
            "Deployment agent: the pod sets seLinuxOptions.type: spc_t",
        ]);
    });
    it("container_t with a level passes", () => {
        expect(messages("pod-security-baseline-selinux", changed(workload(), spec => { spec.securityContext.seLinuxOptions = { type: "container_t", level: "s0:c123,c456" }; }))).toEqual([]);
    });
});

describe("pod-security-baseline-apparmor", () => {
    it("appArmorProfile Unconfined fails; RuntimeDefault and Localhost pass", () => {
        expect(messages("pod-security-baseline-apparmor", changed(workload(), spec => { spec.securityContext.appArmorProfile = { type: "Unconfined" }; })))
            .toEqual(["Deployment agent: the pod sets appArmorProfile.type: Unconfined"]);
        expect(messages("pod-security-baseline-apparmor", changed(workload(), spec => {
            spec.securityContext.appArmorProfile = { type: "RuntimeDefault" };
            spec.containers[0].securityContext.appArmorProfile = { type: "Localhost", localhostProfile: "agent" };
        }))).toEqual([]);
    });
    it("the legacy annotation set to unconfined on the pod template fails", () => {
        const r = changed(workload(), (_spec, props) => {
            props.spec.template.metadata.annotations = { "container.apparmor.security.beta.kubernetes.io/agent": "unconfined" };
        });
        expect(messages("pod-security-baseline-apparmor", r)).toEqual(["Deployment agent: annotation container.apparmor.security.beta.kubernetes.io/agent is unconfined"]);
    });
});

describe("pod-security-baseline-sysctls", () => {
    it("an unsafe sysctl fails, a safe one passes", () => {
        const r = changed(workload(), spec => { spec.securityContext.sysctls = [{ name: "net.ipv4.tcp_syncookies", value: "1" }, { name: "kernel.msgmax", value: "1" }]; });
        expect(messages("pod-security-baseline-sysctls", r)).toEqual(["Deployment agent: the pod sets unsafe sysctl kernel.msgmax"]);
    });
});

describe("pod-security-baseline-seccomp", () => {
    it("Unconfined on an init container fails", () => {
        const r = changed(workload(), spec => { spec.initContainers[0].securityContext.seccompProfile = { type: "Unconfined" }; });
        expect(messages("pod-security-baseline-seccomp", r)).toEqual(['Deployment agent: init container "migrate" sets seccompProfile.type: Unconfined']);
    });
    it("a pod-level Unconfined fails even when every container overrides it (PSS checks each level)", () => {
        const r = changed(workload(), spec => {
            spec.securityContext.seccompProfile = { type: "Unconfined" };
            for (const c of [...spec.containers, ...spec.initContainers]) c.securityContext.seccompProfile = { type: "RuntimeDefault" };
        });
        expect(messages("pod-security-baseline-seccomp", r)).toEqual(["Deployment agent: the pod sets seccompProfile.type: Unconfined"]);
    });
    it("no profile at all passes baseline (restricted reports it)", () => {
        expect(messages("pod-security-baseline-seccomp", changed(workload(), spec => { delete spec.securityContext.seccompProfile; }))).toEqual([]);
    });
});

describe("pod-security-baseline-host-process", () => {
    it("hostProcess at pod level fails; false passes", () => {
        expect(messages("pod-security-baseline-host-process", changed(workload(), spec => { spec.securityContext.windowsOptions = { hostProcess: true }; })))
            .toEqual(["Deployment agent: the pod sets windowsOptions.hostProcess: true"]);
        expect(messages("pod-security-baseline-host-process", changed(workload(), spec => { spec.containers[0].securityContext.windowsOptions = { hostProcess: false }; }))).toEqual([]);
    });
});
