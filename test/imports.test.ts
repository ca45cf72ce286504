import { describe, expect, it } from "vitest";
import { plan } from "../plan/plan";
import { stackConfig } from "./harness";

/** Rooster's VIPs exist on the BIG-IP before this program: the migration adopts them instead of creating duplicates. */
const roosterImports = {
    "rooster-f5-nodes-172.16.10.130": "/Common/rooster-node-172.16.10.130",
    "rooster-vip-mcp-8090-monitor": "/Common/mcp-gateway-tcp",
};

describe("agent-estate:imports adopts existing objects where the program declares them", () => {
    it("sets the import option on exactly the named resources, under their component and with their explicit provider", async () => {
        const result = await plan({ stack: "rooster", runtimeConfig: stackConfig("rooster", { set: { imports: roosterImports } }) });
        expect(result.configError).toBeUndefined();
        const adopted = result.resources.filter((r) => r.importId !== undefined);
        expect(Object.fromEntries(adopted.map((r) => [r.name, r.importId]))).toEqual(roosterImports);
        const node = adopted.find((r) => r.name === "rooster-f5-nodes-172.16.10.130")!;
        // Not at the stack root through a default provider (what `pulumi import` without --parent/--provider does).
        expect(node.parent).toContain("agent-estate:edge:F5ClusterNodes");
        expect(node.provider).toMatch(/pulumi:providers:f5bigip::rooster-f5bigip::/);
        expect(result.exitCode).toBe(0);
    });

    it("adopts the estate's existing repositories from the delivery stack", async () => {
        const result = await plan({ stack: "delivery", runtimeConfig: stackConfig("delivery", { set: { imports: { "delivery-repo-kaze-runtime": "kaze-runtime", "delivery-repo-kaze-runtime-main": "kaze-runtime:main" } } }) });
        expect(result.configError).toBeUndefined();
        const adopted = Object.fromEntries(result.resources.filter((r) => r.importId !== undefined).map((r) => [r.type, r.importId]));
        expect(adopted).toEqual({ "github:index/repository:Repository": "kaze-runtime", "github:index/branchProtection:BranchProtection": "kaze-runtime:main" });
    });

    it("refuses a name the stack does not declare, naming the stack and key and the likely name, before anything is adopted", async () => {
        const result = await plan({ stack: "rooster", runtimeConfig: stackConfig("rooster", { set: { imports: { "rooster-vip-mcp-8090-monitr": "/Common/x", "nothing-like-it-at-all": "y" } } }) });
        expect(result.exitCode).toBe(2);
        expect(result.configError).toContain('stack "rooster", agent-estate:imports.rooster-vip-mcp-8090-monitr: names no resource this stack declares; did you mean "rooster-vip-mcp-8090-monitor"?');
        expect(result.configError).toContain("agent-estate:imports.nothing-like-it-at-all: names no resource this stack declares; use a resource name from `npm run plan -- rooster --json`");
    });
});
