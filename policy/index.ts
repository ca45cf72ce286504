// The CrossGuard entry point. The PolicyPack constructor starts the analyzer's gRPC server,
// so nothing may import this file: tests and `npm run plan` use ./policies and ./harness.
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("agent-estate", {
    policies,
    // Without --policy-pack-config the pack fails closed; policy/config/dev.json relaxes it to advisory.
    enforcementLevel: "mandatory",
    description: "agent-estate guardrails: Pod Security Standards, images, workload practice, RBAC, network and estate-wide checks.",
});
