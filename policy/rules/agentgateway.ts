// AI gateways: a route that sends prompts to an LLM provider passes a prompt guard (PII, injection,
// credentials). Advisory everywhere: a cell in development may turn its guardrails off, and this
// policy is the warning that they are off.
import { eachDecision, isK8s, list, Obj } from "../common";
import { stackPolicy } from "../define";

const gatewayApi = "gateway.networking.k8s.io";
const agentgateway = "agentgateway.dev";

export const guardrails = stackPolicy({
    name: "agentgateway-guardrails",
    description: "Every HTTPRoute to an AgentGateway LLM backend is covered by an AgentgatewayPolicy with a prompt guard (on the route, its Gateway or the backend).",
    remediationSteps: "Turn the guardrail policies on (agent-estate:agentgateway.policies.<name>.enabled: true), or declare an AgentgatewayPolicy with backend.ai.promptGuard targeting the Gateway.",
    check: (resources, report) => {
        const named = (kind: string) => new Map(resources.filter(r => isK8s(r.type, kind === "HTTPRoute" || kind === "Gateway" ? gatewayApi : agentgateway, kind)).map(r => [`${r.props.metadata?.namespace}/${r.props.metadata?.name}`, r]));
        const llmBackends = new Set([...named("AgentgatewayBackend")].filter(([, b]) => b.props.spec?.ai !== undefined).map(([k]) => k));
        // What the prompt guards cover: "<Kind>/<namespace>/<name>".
        const covered = new Set<string>();
        for (const p of named("AgentgatewayPolicy").values()) {
            if (p.props.spec?.backend?.ai?.promptGuard === undefined) continue;
            for (const t of list<Obj>(p.props.spec?.targetRefs)) covered.add(`${t.kind}/${p.props.metadata?.namespace}/${t.name}`);
        }
        eachDecision([...named("HTTPRoute").values()], route => {
            const ns = route.props.metadata?.namespace;
            const rules = list<Obj>(route.props.spec?.rules);
            const backends = rules.flatMap(r => list<Obj>(r.backendRefs)).filter(b => b.kind === "AgentgatewayBackend" && llmBackends.has(`${b.namespace ?? ns}/${b.name}`));
            if (backends.length === 0) return;
            const gateways = list<Obj>(route.props.spec?.parentRefs).map(g => `Gateway/${g.namespace ?? ns}/${g.name}`);
            const targets = [`HTTPRoute/${ns}/${route.props.metadata?.name}`, ...gateways, ...backends.map(b => `AgentgatewayBackend/${b.namespace ?? ns}/${b.name}`)];
            if (!targets.some(t => covered.has(t))) {
                report(`HTTPRoute ${route.props.metadata?.name} sends prompts to LLM backend ${backends.map(b => b.name).join(", ")} with no prompt guard on the route, its Gateway (${gateways.map(g => g.split("/")[2]).join(", ")}) or the backend: the AgentGateway guardrail policies are off`, route.urn);
            }
        });
    },
});

export const agentgatewayPolicies = [guardrails];
