// Breaking one control on a compliant workload fires the matching policy, and only it, for
// every pod-carrying kind and in every environment's configuration.
import { describe, expect, it } from "vitest";
import { check, estate, podKinds, workload } from "./fixtures";
import { introducedPolicies, mutationCases } from "./mutations";

describe.each(podKinds)("mutations of a compliant %s", kind => {
    const good = workload(kind);
    const others = estate(good).filter(r => r.urn !== good.urn);

    it("starts with no violation at all in prod", () => {
        expect(check(estate(good))).toEqual([]);
    });

    it.each(mutationCases(good).map(c => [c.control, c] as const))("%s fires only its policy", (_control, c) => {
        const broken = c.mutate(good);
        const after = check([...others, broken]);
        expect(introducedPolicies([], after)).toEqual([c.expectedPolicy]);
        expect(after.every(v => v.urn === broken.urn && v.enforcementLevel === "mandatory")).toBe(true);
        expect(good).toEqual(workload(kind)); // the breaker worked on a copy
    });
});

describe("the breaker set", () => {
    it("covers every Pod Security Standards policy of the pack", () => {
        const covered = new Set(mutationCases(workload()).map(c => c.expectedPolicy));
        for (const name of [
            "pod-security-baseline-privileged", "pod-security-baseline-host-namespaces", "pod-security-baseline-host-path",
            "pod-security-baseline-host-ports", "pod-security-baseline-capabilities", "pod-security-baseline-proc-mount",
            "pod-security-baseline-selinux", "pod-security-baseline-apparmor", "pod-security-baseline-sysctls",
            "pod-security-baseline-seccomp", "pod-security-baseline-host-process", "pod-security-restricted-volume-types",
            "pod-security-restricted-privilege-escalation", "pod-security-restricted-run-as-non-root",
            "pod-security-restricted-run-as-user", "pod-security-restricted-seccomp", "pod-security-restricted-capabilities",
            "image-tag", "image-registry-allowlist", "container-resources", "container-probes", "workload-namespace",
            "service-account-token-automount", "no-plaintext-secrets",
        ]) expect(covered, name).toContain(name);
    });

    it("leaves probes alone on batch kinds, where the probe policy does not apply", () => {
        expect(mutationCases(workload("CronJob")).map(c => c.expectedPolicy)).not.toContain("container-probes");
        expect(mutationCases(workload("Job")).map(c => c.expectedPolicy)).not.toContain("container-probes");
    });
});
