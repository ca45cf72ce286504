// Pod Security Standards, restricted profile. Each violation is reported once, by the least strict
// level that forbids it: an added SYS_ADMIN or a hostPath volume is a baseline finding, so the
// restricted policies here report only what baseline allows and restricted does not.
import { eachDecision, list, Obj } from "../common";
import { podPolicy } from "../define";
import { eachContainer, effective, securityContexts } from "../pod";
import { baselineCapabilities } from "./pod-security-baseline";

/** Volume types restricted allows (PSS "Volume Types"). hostPath is left to baseline. */
const allowedVolumeTypes = new Set([
    "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret", "image",
]);

export const volumeTypes = podPolicy({
    name: "pod-security-restricted-volume-types",
    description: "Pods may use only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret (and image) volumes.",
    remediationSteps: "Replace the volume with a PersistentVolumeClaim (storage) or a projected/configMap/secret volume (configuration).",
    check: (pod, report) => eachDecision(list<Obj>(pod.spec.volumes), v => {
        const type = Object.keys(v).find(k => k !== "name");
        if (type !== undefined && type !== "hostPath" && !allowedVolumeTypes.has(type)) report(`volume "${v.name}" has disallowed type ${type}`);
    }),
});

export const privilegeEscalation = podPolicy({
    name: "pod-security-restricted-privilege-escalation",
    description: "Every container sets securityContext.allowPrivilegeEscalation: false (it defaults to true).",
    remediationSteps: "Set securityContext.allowPrivilegeEscalation: false on the container.",
    check: (pod, report) => eachContainer(pod, c => {
        if (c.spec.securityContext?.allowPrivilegeEscalation !== false) report(`${c.where} does not set allowPrivilegeEscalation: false`);
    }),
});

export const runAsNonRoot = podPolicy({
    name: "pod-security-restricted-run-as-non-root",
    description: "Every container must run with runAsNonRoot: true, set on the pod or the container (the container's value wins).",
    remediationSteps: "Set securityContext.runAsNonRoot: true on the pod, and do not set it to false on any container.",
    check: (pod, report) => eachContainer(pod, c => {
        const value = effective(pod, c, "runAsNonRoot");
        if (value !== true) report(`${c.where} runs with runAsNonRoot ${value === false ? "false" : "unset"}`);
    }),
});

export const runAsUser = podPolicy({
    name: "pod-security-restricted-run-as-user",
    description: "No securityContext sets runAsUser: 0 (root).",
    remediationSteps: "Set runAsUser to the image's non-root UID (for example 65532), or remove it.",
    check: (pod, report) => eachDecision(securityContexts(pod), ({ where, sc }) => {
        if (sc?.runAsUser === 0) report(`${where} sets runAsUser: 0`);
    }),
});

export const seccompRequired = podPolicy({
    name: "pod-security-restricted-seccomp",
    description: "Every container runs under seccomp RuntimeDefault or Localhost, set on the pod or the container.",
    remediationSteps: "Set securityContext.seccompProfile.type: RuntimeDefault on the pod (remediation does this).",
    check: (pod, report) => eachContainer(pod, c => {
        const type = effective(pod, c, "seccompProfile")?.type;
        // Unconfined is baseline's finding; here only a missing (or unknown) profile is reported.
        if (type !== "RuntimeDefault" && type !== "Localhost" && type !== "Unconfined") {
            report(`${c.where} has no seccomp profile${type ? ` (type ${type})` : ""}`);
        }
    }),
    // Safe and unambiguous: RuntimeDefault at pod level only fills containers that set nothing.
    remediate: pod => {
        if (pod.spec.securityContext?.seccompProfile !== undefined) return false;
        pod.spec.securityContext = { ...(pod.spec.securityContext ?? {}), seccompProfile: { type: "RuntimeDefault" } };
        return true;
    },
});

export const capabilitiesStrict = podPolicy({
    name: "pod-security-restricted-capabilities",
    description: "Every container drops ALL capabilities and adds back nothing but NET_BIND_SERVICE.",
    remediationSteps: "Set securityContext.capabilities.drop: [ALL] (remediation does this); add only NET_BIND_SERVICE, if anything.",
    check: (pod, report) => eachContainer(pod, c => {
        const caps = c.spec.securityContext?.capabilities;
        if (!list<string>(caps?.drop).includes("ALL")) report(`${c.where} does not drop ALL capabilities`);
        // Capabilities outside the baseline set are baseline's finding.
        const added = list<string>(caps?.add).filter(cap => cap !== "NET_BIND_SERVICE" && baselineCapabilities.has(cap));
        if (added.length > 0) report(`${c.where} adds ${added.join(", ")}; restricted allows only NET_BIND_SERVICE`);
    }),
    remediate: pod => {
        let changed = false;
        for (const c of pod.containers) {
            const sc = c.spec.securityContext ?? {};
            if (list<string>(sc.capabilities?.drop).includes("ALL")) continue;
            c.spec.securityContext = { ...sc, capabilities: { ...(sc.capabilities ?? {}), drop: ["ALL"] } };
            changed = true;
        }
        return changed;
    },
});

export const podSecurityRestricted = [volumeTypes, privilegeEscalation, runAsNonRoot, runAsUser, seccompRequired, capabilitiesStrict];
