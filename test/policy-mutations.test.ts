import { describe, expect, it } from "vitest";
import { evaluatePolicies } from "../policy/harness";
import { carriesPod } from "../policy/pod";
import { introducedPolicies, mutationCases } from "../policy/test/mutations";
import { declare } from "./harness";

/**
 * The mutation test of the pack, over what the stacks really declare: every pod-carrying workload of
 * dev and prod, broken one control at a time, must make exactly the matching policy fire.
 */
describe.each(["dev", "prod"])("breaking one control of a %s workload", (stack) => {
    it("fires the matching policy and only it", async () => {
        const d = await declare(stack);
        const environment = stack;
        const before = evaluatePolicies(d.resources, { environment });
        const workloads = d.resources.filter((r) => carriesPod(r.type));
        expect(workloads.length).toBeGreaterThanOrEqual(3);

        const mismatches: string[] = [];
        let cases = 0;
        for (const workload of workloads) {
            for (const c of mutationCases(workload)) {
                const broken = c.mutate(structuredClone(workload));
                const after = evaluatePolicies(d.resources.map((r) => (r.urn === workload.urn ? broken : r)), { environment });
                const fired = introducedPolicies(before, after);
                cases++;
                if (fired.length !== 1 || fired[0] !== c.expectedPolicy) mismatches.push(`${workload.name} / ${c.control}: expected [${c.expectedPolicy}], fired [${fired.join(", ")}]`);
            }
        }
        expect(mismatches).toEqual([]);
        expect(cases).toBeGreaterThan(workloads.length * 20);
    });
});
