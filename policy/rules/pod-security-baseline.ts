// Pod Security Standards, baseline profile: one policy per control, so a reviewer can map each
// finding to https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline.
import { eachDecision, list, Obj } from "../common";
import { podPolicy } from "../define";
import { eachContainer, securityContexts } from "../pod";

/** Capabilities baseline lets a container add (PSS "Capabilities"). */
export const baselineCapabilities = new Set([
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
    "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
]);

/** Namespaced, isolated sysctls (PSS "Sysctls", Kubernetes 1.29+ list). */
const safeSysctls = new Set([
    "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
]);

const allowedSeLinuxTypes = new Set(["container_t", "container_init_t", "container_kvm_t", "container_engine_t"]);

export const privileged = podPolicy({
    name: "pod-security-baseline-privileged",
    description: "Containers must not run privileged: a privileged container is root on the node.",
    remediationSteps: "Remove securityContext.privileged (or set it to false).",
    check: (pod, report) => eachContainer(pod, c => {
        if (c.spec.securityContext?.privileged === true) report(`${c.where} sets securityContext.privileged: true`);
    }),
});

export const hostNamespaces = podPolicy({
    name: "pod-security-baseline-host-namespaces",
    description: "Pods must not share the node's network, PID or IPC namespace.",
    remediationSteps: "Remove hostNetwork, hostPID and hostIPC from the pod spec.",
    check: (pod, report) => eachDecision(["hostNetwork", "hostPID", "hostIPC"], field => {
        if (pod.spec[field] === true) report(`${pod.specPath}.${field} is true`);
    }),
});

export const hostPath = podPolicy({
    name: "pod-security-baseline-host-path",
    description: "Pods must not mount hostPath volumes: they expose the node's filesystem.",
    remediationSteps: "Use an emptyDir, a PersistentVolumeClaim, a ConfigMap or a Secret instead of hostPath.",
    check: (pod, report) => eachDecision(list<Obj>(pod.spec.volumes), v => {
        if (v.hostPath !== undefined) report(`volume "${v.name}" is a hostPath volume (${v.hostPath?.path})`);
    }),
});

export const hostPorts = podPolicy({
    name: "pod-security-baseline-host-ports",
    description: "Containers must not bind host ports: they bypass NetworkPolicy and pin pods to nodes.",
    remediationSteps: "Remove ports[].hostPort and expose the port through a Service.",
    check: (pod, report) => eachContainer(pod, c => eachDecision(list<Obj>(c.spec.ports), p => {
        if (p.hostPort !== undefined && p.hostPort !== 0) report(`${c.where} binds hostPort ${p.hostPort}`);
    })),
});

export const capabilities = podPolicy({
    name: "pod-security-baseline-capabilities",
    description: "Containers may add only the baseline capabilities (AUDIT_WRITE, CHOWN, … NET_BIND_SERVICE …, SYS_CHROOT).",
    remediationSteps: "Remove the capability from securityContext.capabilities.add; SYS_ADMIN, NET_ADMIN and the like are never needed by an agent workload.",
    check: (pod, report) => eachContainer(pod, c => {
        const extra = list<string>(c.spec.securityContext?.capabilities?.add).filter(cap => !baselineCapabilities.has(cap));
        if (extra.length > 0) report(`${c.where} adds capabilities beyond the baseline set: ${extra.join(", ")}`);
    }),
});

export const procMount = podPolicy({
    name: "pod-security-baseline-proc-mount",
    description: "Containers must use the default /proc mask.",
    remediationSteps: "Remove securityContext.procMount (or set it to Default).",
    check: (pod, report) => eachContainer(pod, c => {
        const mount = c.spec.securityContext?.procMount;
        if (mount !== undefined && mount !== "Default") report(`${c.where} sets procMount: ${mount}`);
    }),
});

export const seLinux = podPolicy({
    name: "pod-security-baseline-selinux",
    description: "SELinux options may set only an allowed type (container_t, …) and never a custom user or role.",
    remediationSteps: "Remove seLinuxOptions.user and .role; leave .type unset or use container_t.",
    check: (pod, report) => eachDecision(securityContexts(pod), ({ where, sc }) => {
        const o = sc?.seLinuxOptions;
        if (!o) return;
        if (o.type !== undefined && o.type !== "" && !allowedSeLinuxTypes.has(o.type)) report(`${where} sets seLinuxOptions.type: ${o.type}`);
        if (o.user) report(`${where} sets seLinuxOptions.user: ${o.user}`);
        if (o.role) report(`${where} sets seLinuxOptions.role: ${o.role}`);
    }),
});

const appArmorAnnotation = "container.apparmor.security.beta.kubernetes.io/";

export const appArmor = podPolicy({
    name: "pod-security-baseline-apparmor",
    description: "AppArmor must not be disabled: profiles are RuntimeDefault or Localhost, never Unconfined.",
    remediationSteps: "Set appArmorProfile.type to RuntimeDefault (or remove it), and drop unconfined AppArmor annotations.",
    check: (pod, report) => {
        eachDecision(securityContexts(pod), ({ where, sc }) => {
            const type = sc?.appArmorProfile?.type;
            if (type !== undefined && type !== "RuntimeDefault" && type !== "Localhost") report(`${where} sets appArmorProfile.type: ${type}`);
        });
        // The pre-1.30 annotation form is still honoured by kubelets, so it is still checked.
        eachDecision(Object.keys(pod.podMetadata.annotations ?? {}).filter(k => k.startsWith(appArmorAnnotation)), key => {
            const value = pod.podMetadata.annotations[key];
            if (value !== "runtime/default" && !String(value).startsWith("localhost/")) report(`annotation ${key} is ${value}`);
        });
    },
});

export const sysctls = podPolicy({
    name: "pod-security-baseline-sysctls",
    description: "Pods may set only the safe, namespaced sysctls.",
    remediationSteps: "Remove the sysctl from securityContext.sysctls; node-level tuning belongs to the node, not the pod.",
    check: (pod, report) => eachDecision(list<Obj>(pod.spec.securityContext?.sysctls), s => {
        if (!safeSysctls.has(s.name)) report(`the pod sets unsafe sysctl ${s.name}`);
    }),
});

export const seccomp = podPolicy({
    name: "pod-security-baseline-seccomp",
    description: "Seccomp must not be disabled: no securityContext sets seccompProfile.type Unconfined.",
    remediationSteps: "Set seccompProfile.type to RuntimeDefault.",
    check: (pod, report) => eachDecision(securityContexts(pod), ({ where, sc }) => {
        if (sc?.seccompProfile?.type === "Unconfined") report(`${where} sets seccompProfile.type: Unconfined`);
    }),
});

export const hostProcess = podPolicy({
    name: "pod-security-baseline-host-process",
    description: "Windows pods must not run as HostProcess containers (full access to the node).",
    remediationSteps: "Remove windowsOptions.hostProcess.",
    check: (pod, report) => eachDecision(securityContexts(pod), ({ where, sc }) => {
        if (sc?.windowsOptions?.hostProcess === true) report(`${where} sets windowsOptions.hostProcess: true`);
    }),
});

export const podSecurityBaseline = [
    privileged, hostNamespaces, hostPath, hostPorts, capabilities, procMount, seLinux, appArmor, sysctls, seccomp, hostProcess,
];
