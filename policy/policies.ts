// Every policy of the pack, in the order reports list them. index.ts serves these; the harness
// and tests evaluate the very same objects.
import { Policies } from "@pulumi/policy";
import { agentgatewayPolicies } from "./rules/agentgateway";
import { availability } from "./rules/availability";
import { estate } from "./rules/estate";
import { github } from "./rules/github";
import { images } from "./rules/images";
import { network } from "./rules/network";
import { podSecurityBaseline } from "./rules/pod-security-baseline";
import { podSecurityRestricted } from "./rules/pod-security-restricted";
import { rbacPolicies } from "./rules/rbac";
import { secrets } from "./rules/secrets";
import { tailscale } from "./rules/tailscale";
import { vault } from "./rules/vault";
import { workloadPractice } from "./rules/workload-practice";

export const policies: Policies = [
    ...podSecurityBaseline,
    ...podSecurityRestricted,
    ...images,
    ...workloadPractice,
    ...secrets,
    ...rbacPolicies,
    ...network,
    ...availability,
    ...estate,
    ...tailscale,
    ...vault,
    ...github,
    ...agentgatewayPolicies,
];
