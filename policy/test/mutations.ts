// Breakers: each takes a compliant pod-carrying resource and breaks exactly one control. The
// mutation test (and later the stacks' own test) asserts that the matching policy, and only it, fires.
import { Obj } from "../common";
import { PlannedResource, Violation } from "../harness";
import { changed } from "./fixtures";
import { parseImage } from "../rules/images";

export interface MutationCase {
    control: string;
    expectedPolicy: string;
    mutate(resource: PlannedResource): PlannedResource;
}

/** A case that changes the pod spec in a clone. */
const onPod = (control: string, expectedPolicy: string, change: (spec: Obj, props: Obj) => void): MutationCase => ({
    control, expectedPolicy,
    mutate: r => changed(r, change),
});

/** A case that changes the first app container's securityContext. */
const onContainer = (control: string, expectedPolicy: string, change: (sc: Obj, c: Obj) => void) =>
    onPod(control, expectedPolicy, spec => {
        const c = spec.containers[0];
        c.securityContext ??= {};
        change(c.securityContext, c);
    });

/** Rebuilds an image reference with another tag (undefined: none) or registry, keeping the digest. */
function reimage(ref: string, change: { tag?: string | null; registry?: string }): string {
    const { registry, repository, tag, digest } = parseImage(ref);
    const newTag = change.tag === null ? undefined : change.tag ?? tag;
    return `${change.registry ?? registry}/${repository}${newTag ? `:${newTag}` : ""}${digest ? `@${digest}` : ""}`;
}

/** Every breaker that applies to this resource's kind. */
export function mutationCases(resource?: PlannedResource): MutationCase[] {
    const kind = resource?.type.split(":")[2];
    const batch = kind === "Job" || kind === "CronJob";
    const cases: MutationCase[] = [
        onContainer("privileged", "pod-security-baseline-privileged", sc => { sc.privileged = true; }),
        onPod("hostNetwork", "pod-security-baseline-host-namespaces", spec => { spec.hostNetwork = true; }),
        onPod("hostPID", "pod-security-baseline-host-namespaces", spec => { spec.hostPID = true; }),
        onPod("hostIPC", "pod-security-baseline-host-namespaces", spec => { spec.hostIPC = true; }),
        onPod("hostPath volume", "pod-security-baseline-host-path", spec => {
            spec.volumes = [...(spec.volumes ?? []), { name: "breaker-host", hostPath: { path: "/var/run" } }];
        }),
        onPod("hostPort", "pod-security-baseline-host-ports", spec => {
            const c = spec.containers[0];
            c.ports = [...(c.ports ?? []), { containerPort: 9999, hostPort: 9999 }];
        }),
        onContainer("added capability SYS_ADMIN", "pod-security-baseline-capabilities", sc => {
            sc.capabilities = { ...(sc.capabilities ?? {}), add: [...(sc.capabilities?.add ?? []), "SYS_ADMIN"] };
        }),
        onContainer("procMount Unmasked", "pod-security-baseline-proc-mount", sc => { sc.procMount = "Unmasked"; }),
        onContainer("seLinux type spc_t", "pod-security-baseline-selinux", sc => { sc.seLinuxOptions = { type: "spc_t" }; }),
        onContainer("appArmor Unconfined", "pod-security-baseline-apparmor", sc => { sc.appArmorProfile = { type: "Unconfined" }; }),
        onPod("unsafe sysctl", "pod-security-baseline-sysctls", spec => {
            spec.securityContext ??= {};
            spec.securityContext.sysctls = [...(spec.securityContext.sysctls ?? []), { name: "kernel.msgmax", value: "65536" }];
        }),
        onContainer("seccomp Unconfined", "pod-security-baseline-seccomp", sc => { sc.seccompProfile = { type: "Unconfined" }; }),
        onContainer("windows hostProcess", "pod-security-baseline-host-process", sc => { sc.windowsOptions = { hostProcess: true }; }),
        onPod("nfs volume", "pod-security-restricted-volume-types", spec => {
            spec.volumes = [...(spec.volumes ?? []), { name: "breaker-nfs", nfs: { server: "nfs.example.internal", path: "/" } }];
        }),
        onContainer("allowPrivilegeEscalation true", "pod-security-restricted-privilege-escalation", sc => { sc.allowPrivilegeEscalation = true; }),
        onContainer("runAsNonRoot false", "pod-security-restricted-run-as-non-root", sc => { sc.runAsNonRoot = false; }),
        onContainer("runAsUser 0", "pod-security-restricted-run-as-user", sc => { sc.runAsUser = 0; }),
        onPod("no seccomp profile", "pod-security-restricted-seccomp", spec => {
            delete spec.securityContext?.seccompProfile;
            for (const l of ["containers", "initContainers", "ephemeralContainers"]) {
                for (const c of spec[l] ?? []) delete c.securityContext?.seccompProfile;
            }
        }),
        onContainer("capabilities not dropping ALL", "pod-security-restricted-capabilities", sc => {
            sc.capabilities = { ...(sc.capabilities ?? {}), drop: [] };
        }),
        onPod("latest tag", "image-tag", spec => { spec.containers[0].image = reimage(spec.containers[0].image, { tag: "latest" }); }),
        onPod("no tag", "image-tag", spec => { spec.containers[0].image = reimage(spec.containers[0].image, { tag: null }); }),
        onPod("unlisted registry", "image-registry-allowlist", spec => {
            spec.containers[0].image = reimage(spec.containers[0].image, { registry: "registry.unlisted.example" });
        }),
        onPod("no resources", "container-resources", spec => { delete spec.containers[0].resources; }),
        onPod("default namespace", "workload-namespace", (_spec, props) => { props.metadata = { ...props.metadata, namespace: "default" }; }),
        onPod("automount not declared", "service-account-token-automount", spec => { delete spec.automountServiceAccountToken; }),
        onPod("plaintext password in env", "no-plaintext-secrets", spec => {
            const c = spec.containers[0];
            c.env = [...(c.env ?? []), { name: "DB_PASSWORD", value: "hunter2-but-longer" }];
        }),
    ];
    if (!batch) {
        cases.push(onPod("no probes", "container-probes", spec => {
            delete spec.containers[0].livenessProbe;
            delete spec.containers[0].readinessProbe;
        }));
    }
    return cases;
}

/** Policies that fire after a mutation and did not before (by policy name). */
export function introducedPolicies(before: Violation[], after: Violation[]): string[] {
    const had = new Set(before.map(v => `${v.policy}|${v.urn}|${v.message}`));
    return [...new Set(after.filter(v => !had.has(`${v.policy}|${v.urn}|${v.message}`)).map(v => v.policy))].sort();
}
