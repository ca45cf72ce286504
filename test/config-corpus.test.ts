import { describe, expect, it } from "vitest";
import { parseCellConfig, RawStackConfig } from "../config/parse";
import { configErrorOf, declare, rawStackConfig, stackConfig } from "./harness";

const devRaw = () => rawStackConfig("dev");
const problemsOf = (raw: RawStackConfig) => configErrorOf(parseCellConfig, raw);

/** Adds a valid F5 section (one VIP on the raw NodePort of a Service marked external) to the dev values, for the edge breakers to break. */
function withF5(v: Record<string, any>): Record<string, any> {
    v.f5 = { address: "172.16.10.10", username: "admin", nodes: ["172.16.10.130", "172.16.10.132"], vips: [{ name: "solo", address: "172.16.20.120", listeners: [{ port: 8080, nodePort: 31572, service: "agentgateway-proxy", external: true }] }] };
    v.f5Password = "v1:opaque";
    return v.f5;
}

/** Adds the public edge the Kaze stacks rule out (Traefik and cert-manager with an ACME issuer) to the dev values, for the add-on breakers to break. */
function withEdge(v: Record<string, any>): Record<string, any> {
    v.addons.ingress = { controller: "traefik", chart: { repo: "https://traefik.github.io/charts", chart: "traefik", version: "33.2.1" } };
    v.addons.certManager = { chart: { repo: "https://charts.jetstack.io", chart: "cert-manager", version: "v1.16.2" }, issuer: { name: "letsencrypt", email: "ops@speedrun.ventures" } };
    return v.addons;
}

type Breaker = [title: string, breaks: (v: Record<string, any>) => void, key: string, says: RegExp];

/** Each entry breaks one thing in the dev stack and names the key and message a user must see. */
const corpus: Breaker[] = [
    ["no cell section", (v) => delete v.cell, "agent-estate:cell", /required/],
    ["a cell name that is not a DNS label", (v) => (v.cell.name = "Kaze_Dev"), "agent-estate:cell.name", /DNS label/],
    ["an unknown environment", (v) => (v.cell.environment = "production"), "agent-estate:cell.environment", /"dev", "staging" or "prod"/],
    ["an unknown tenancy", (v) => (v.cell.tenancy = "saas"), "agent-estate:cell.tenancy", /"agency" or "customer-vpc"/],
    ["a misspelt top-level key", (v) => (v.workload = {}), "agent-estate:workload", /not a key this program reads.*; did you mean "workloads"\?$/],
    ["a misspelt key inside a section", (v) => (v.cell.nmae = "x"), "agent-estate:cell.nmae", /; did you mean "name"\?$/],
    ["a misspelt key deep in a workload", (v) => (v.workloads["kaze-runtime"].replcas = 2), "agent-estate:workloads.kaze-runtime.replcas", /; did you mean "replicas"\?$/],
    ["a misspelt key in a map of records", (v) => (v.images.pins["kaze-runtime"].digets = "x"), "agent-estate:images.pins.kaze-runtime.digets", /; did you mean "digest"\?$/],
    ["a capability the program does not have", (v) => (v.gpuOperator = { enabled: true }), "agent-estate:gpuOperator", /^is not a setting this program has: nothing configures "gpuOperator" \(the keys here are "cell", "kubernetes", .*\); remove it$/],
    ["a capability a section does not have", (v) => (v.cell.region = "eu-west-1"), "agent-estate:cell.region", /^is not a setting this program has: nothing at agent-estate:cell configures "region" \(the keys here are "name", "environment", "tenancy".*\)/],
    ["secretKeys with no Vault", (v) => (delete v.vault, delete v.vaultToken), "agent-estate:workloads.kaze-runtime.secretKeys[0]", /there is no `vault` section; set agent-estate:vault/],
    ["no kube context", (v) => delete v.kubernetes.context, "agent-estate:kubernetes.context", /required/],
    ["an empty kube context", (v) => (v.kubernetes.context = ""), "agent-estate:kubernetes.context", /kubeconfig context/],
    ["an API server that is not a URL", (v) => (v.kubernetes.apiServer = "kubernetes:443"), "agent-estate:kubernetes.apiServer", /URL/],
    ["no namespaces", (v) => (v.namespaces = []), "agent-estate:namespaces", /at least one namespace/],
    ["a namespace listed twice", (v) => v.namespaces.push({ name: v.namespaces[0].name }), "agent-estate:namespaces[1].name", /listed twice/],
    ["the default namespace", (v) => v.namespaces.push({ name: "default" }), "agent-estate:namespaces[1].name", /must not run in "default"/],
    ["a namespace name in capitals", (v) => (v.namespaces[0].name = "Kaze"), "agent-estate:namespaces[0].name", /DNS label/],
    ["a registry with a tag", (v) => (v.images.registry = "ghcr.io/acme:1.0.0"), "agent-estate:images.registry", /without tag/],
    ["an image tagged latest", (v) => (v.images.pins["kaze-runtime"] = { tag: "latest" }), "agent-estate:images.pins.kaze-runtime.tag", /"latest" is not allowed/],
    ["an empty image tag", (v) => (v.images.pins["kaze-runtime"] = { tag: "" }), "agent-estate:images.pins.kaze-runtime.tag", /is empty/],
    ["a floating tag", (v) => (v.images.pins["kaze-runtime"] = { tag: "stable" }), "agent-estate:images.pins.kaze-runtime.tag", /not a pinned tag/],
    ["a tag with a malformed digest", (v) => (v.images.pins["kaze-runtime"] = { tag: "1.0.0", digest: "sha256:abc" }), "agent-estate:images.pins.kaze-runtime.digest", /64 hex digits/],
    ["neither tag nor digest", (v) => (v.images.pins["kaze-runtime"] = {}), "agent-estate:images.pins.kaze-runtime", /must set "tag".*"digest"/],
    ["a malformed digest", (v) => (v.images.pins["kaze-runtime"] = { digest: "sha256:abc" }), "agent-estate:images.pins.kaze-runtime.digest", /64 hex digits/],
    ["a workload in an undeclared namespace", (v) => (v.workloads["kaze-runtime"].namespace = "elsewhere"), "agent-estate:workloads.kaze-runtime.namespace", /not one of agent-estate:namespaces/],
    ["a workload image without a pin", (v) => (v.workloads["kaze-runtime"].image = "nowhere"), "agent-estate:workloads.kaze-runtime.image", /no pin/],
    ["port 0", (v) => (v.workloads["kaze-runtime"].port = 0), "agent-estate:workloads.kaze-runtime.port", /1 to 65535/],
    ["port 70000", (v) => (v.workloads["kaze-runtime"].port = 70000), "agent-estate:workloads.kaze-runtime.port", /1 to 65535/],
    ["zero replicas", (v) => (v.workloads["kaze-runtime"].replicas = 0), "agent-estate:workloads.kaze-runtime.replicas", /./],
    ["an HPA whose max is below its min", (v) => (v.workloads["kaze-runtime"].autoscaling = { minReplicas: 3, maxReplicas: 2 }), "agent-estate:workloads.kaze-runtime.autoscaling.maxReplicas", /at least minReplicas/],
    ["a CPU target over 100%", (v) => (v.workloads["kaze-runtime"].autoscaling = { minReplicas: 2, maxReplicas: 4, cpuUtilization: 150 }), "agent-estate:workloads.kaze-runtime.autoscaling.cpuUtilization", /./],
    ["no limits", (v) => delete v.workloads["kaze-runtime"].resources.limits, "agent-estate:workloads.kaze-runtime.resources.limits", /required/],
    ["a quantity that is not one", (v) => (v.workloads["kaze-runtime"].resources.requests.memory = "lots"), "agent-estate:workloads.kaze-runtime.resources.requests.memory", /Kubernetes quantity/],
    ["pods that call the API with no way out to it", (v) => delete v.kubernetes.apiServerEgress, "agent-estate:workloads.kaze-runtime", /set agent-estate:kubernetes\.apiServerEgress/],
    ["an API server endpoint that is not a CIDR", (v) => (v.kubernetes.apiServerEgress = [{ cidr: "kubernetes.default.svc", ports: [443] }]), "agent-estate:kubernetes.apiServerEgress[0].cidr", /IPv4 CIDR/],
    ["a workload name that is not a DNS label", (v) => (v.workloads.Kaze_Runtime = v.workloads["kaze-runtime"]), "agent-estate:workloads.Kaze_Runtime", /DNS label/],
    // Secrets: Vault, External Secrets, Tailscale.
    ["a Vault address that is not a URL", (v) => (v.vault.address = "vault:8200"), "agent-estate:vault.address", /URL of the Vault server/],
    ["Vault without its token", (v) => delete v.vaultToken, "agent-estate:vaultToken", /required when agent-estate:vault is set/],
    ["an external Vault calling the API server back at a cluster-only name", (v) => (v.kubernetes.apiServer = "https://kubernetes.default.svc:443"), "agent-estate:kubernetes.apiServer", /only the cluster resolves, but Vault \(https:\/\/vault\.kaze-dev\.internal:8200\) runs outside/],
    ["an external Vault without the cluster's CA", (v) => delete v.vault.kubernetesCaCert, "agent-estate:vault.kubernetesCaCert", /is required: Vault \(https:\/\/vault\.kaze-dev\.internal:8200\) runs outside the cluster.*kubectl config view --raw/],
    ["a cluster CA that is not a certificate", (v) => (v.vault.kubernetesCaCert = "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"), "agent-estate:vault.kubernetesCaCert", /CA certificate in PEM/],
    ["Vault without the API server to call back", (v) => delete v.kubernetes.apiServer, "agent-estate:kubernetes.apiServer", /required when agent-estate:vault is set/],
    ["a KV mount with a leading slash", (v) => (v.vault.kvMount = "/kv"), "agent-estate:vault.kvMount", /without leading or trailing "\/"/],
    ["a token max TTL below its TTL", (v) => Object.assign(v.vault, { tokenTtl: 7200, tokenMaxTtl: 3600 }), "agent-estate:vault.tokenMaxTtl", /at least vault.tokenTtl/],
    ["a provider credential in the runtime", (v) => (v.workloads["kaze-runtime"].secretKeys = ["ANTHROPIC_API_KEY"]), "agent-estate:workloads.kaze-runtime.secretKeys[0]", /provider credential; only "kaze-gateway"/],
    ["a seed from a secret key the program does not have", (v) => ((v.workloads["kaze-gateway"].secretKeys = ["ANTHROPIC_API_KEY"]), (v.vault.seed = { "kaze-gateway": { ANTHROPIC_API_KEY: "anthropicKey" } })), "agent-estate:vault.seed.kaze-gateway.ANTHROPIC_API_KEY", /names agent-estate:anthropicKey, which is not set/],
    ["a seed for a key the workload does not read", (v) => (v.vault.seed = { "kaze-gateway": { OPENAI_API_KEY: "openaiKey" } }, (v.openaiKey = "opaque")), "agent-estate:vault.seed.kaze-gateway.OPENAI_API_KEY", /not a key workload "kaze-gateway" reads/],
    ["Tailscale without its OAuth client secret", (v) => delete v.tailscaleOauthClientSecret, "agent-estate:tailscaleOauthClientSecret", /required when agent-estate:tailscale is set/],
    ["untagged tailnet keys", (v) => (v.tailscale.tags = []), "agent-estate:tailscale.tags", /at least one ACL tag/],
    ["an ACL tag without its prefix", (v) => (v.tailscale.tags = ["kaze"]), "agent-estate:tailscale.tags[0]", /ACL tag such as "tag:kaze"/],
    ["a tailnet key living past 90 days", (v) => (v.tailscale.keys.expirySeconds = 10_000_000), "agent-estate:tailscale.keys.expirySeconds", /90 days/],
    ["a tailscale sidecar with no tailnet", (v) => ((v.images.pins.tailscale = { tag: "v1.80.3" }), (v.workloads["kaze-runtime"].sidecars = { tailscale: {} }), delete v.tailscale, delete v.tailscaleOauthClientSecret), "agent-estate:workloads.kaze-runtime.sidecars.tailscale", /needs agent-estate:tailscale/],
    ["single-use keys for a replicated workload", (v) => ((v.images.pins.tailscale = { tag: "v1.80.3" }), (v.workloads["kaze-runtime"].sidecars = { tailscale: {} }), (v.workloads["kaze-runtime"].replicas = 2), (v.tailscale.keys.reusable = false)), "agent-estate:tailscale.keys.reusable", /several replicas/],
    ["non-ephemeral keys for a replicated workload", (v) => ((v.images.pins.tailscale = { tag: "v1.80.3" }), (v.workloads["kaze-runtime"].sidecars = { tailscale: {} }), (v.workloads["kaze-runtime"].replicas = 2), (v.tailscale.keys.ephemeral = false)), "agent-estate:tailscale.keys.ephemeral", /state in memory/],
    // Workloads (issue 3).
    ["a sidecar image without a pin", (v) => delete v.images.pins["git-sync"], "agent-estate:workloads.kaze-runtime.sidecars.gitSync.image", /no pin/],
    ["a peer that is not a workload", (v) => v.workloads["kaze-runtime"].network.egressTo.push({ workload: "kaze-nowhere" }), "agent-estate:workloads.kaze-runtime.network.egressTo[3].workload", /not a workload/],
    ["an external peer without ports (a union error names the missing field)", (v) => v.workloads["kaze-knowledge"].network.egressTo.push({ namespace: "data", podSelector: { app: "pg" } }), "agent-estate:workloads.kaze-knowledge.network.egressTo[2].ports", /^is required \(array\) \(the shapes accepted here need \{workload\} or \{namespace, podSelector, ports\} or \{namespace, allPods, ports\} or \{dataService\} or \{cidr, ports\}\)$/],
    ["an external peer with an empty selector", (v) => v.workloads["kaze-knowledge"].network.egressTo.push({ namespace: "data", podSelector: {}, ports: [5432] }), "agent-estate:workloads.kaze-knowledge.network.egressTo[2].podSelector", /whole namespace/],
    ["a NodePort outside 30000-32767", (v) => (v.workloads["kaze-gateway"].nodePort = 8080), "agent-estate:workloads.kaze-gateway.nodePort", /30000 to 32767/],
    ["an MCP proxy on the service port", (v) => (v.workloads["kaze-runtime"].sidecars.mcpProxies["langfuse-mcp"].port = 4100), "agent-estate:workloads.kaze-runtime.sidecars.mcpProxies.langfuse-mcp.port", /already used/],
    ["a service port taken by the tailscale health check", (v) => (v.workloads["kaze-gateway"].port = 9002), "agent-estate:workloads.kaze-gateway.port", /tailscale sidecar/],
    ["a credential in plaintext env", (v) => (v.workloads["kaze-gateway"].env.GITHUB_TOKEN = "x"), "agent-estate:workloads.kaze-gateway.env.GITHUB_TOKEN", /secretKeys/],
    ["a git-sync repo over plain http", (v) => (v.workloads["kaze-runtime"].sidecars.gitSync.repo = "http://github.com/a/b"), "agent-estate:workloads.kaze-runtime.sidecars.gitSync.repo", /https URL/],
    ["a shared ReadWriteOnce workspace", (v) => ((v.workloads["kaze-runtime"].workspace.accessMode = "ReadWriteOnce"), (v.workloads["kaze-runtime"].replicas = 3)), "agent-estate:workloads.kaze-runtime.workspace.accessMode", /ReadWriteMany/],
    ["replicas beside an HPA", (v) => ((v.workloads["kaze-gateway"].replicas = 3), (v.workloads["kaze-gateway"].autoscaling = { minReplicas: 2, maxReplicas: 4 })), "agent-estate:workloads.kaze-gateway.replicas", /owned by the HPA/],
    ["an API rule without resourceNames", (v) => (v.workloads["kaze-gateway"].apiAccess = [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }]), "agent-estate:workloads.kaze-gateway.apiAccess[0].resourceNames", /must list resourceNames/],
    ["a cron job mounting a missing workspace", (v) => (v.workloads["kaze-gateway"].cronJobs["token-refresh"].mountWorkspace = true), "agent-estate:workloads.kaze-gateway.cronJobs.token-refresh.mountWorkspace", /no workspace/],
    ["a cron schedule with four fields", (v) => (v.workloads["kaze-runtime"].cronJobs["workspace-cleanup"].schedule = "0 * * *"), "agent-estate:workloads.kaze-runtime.cronJobs.workspace-cleanup.schedule", /five-field/],
    ["an unknown workload kind", (v) => (v.workloads["kaze-runtime"].kind = "DaemonSet"), "agent-estate:workloads.kaze-runtime.kind", /./],
    ["an external node named like a workload", (v) => (v.tailscale.nodes["kaze-runtime"] = {}), "agent-estate:tailscale.nodes.kaze-runtime", /also a workload/],
    // Add-ons, Longhorn, Postgres (issue 6).
    ["a chart version range", (v) => (withEdge(v).certManager.chart.version = "^1.16.0"), "agent-estate:addons.certManager.chart.version", /exact chart version/],
    ["a chart pinned to latest", (v) => (v.addons.externalSecrets.chart.version = "latest"), "agent-estate:addons.externalSecrets.chart.version", /exact chart version/],
    ["a chart version without its patch", (v) => (v.storage.longhorn.chart.version = "1.7"), "agent-estate:storage.longhorn.chart.version", /exact chart version/],
    ["a chart repository that is not a URL", (v) => (v.addons.cloudnativePg.chart.repo = "cloudnative-pg"), "agent-estate:addons.cloudnativePg.chart.repo", /chart repository URL/],
    ["an unknown ingress controller", (v) => (withEdge(v).ingress.controller = "haproxy"), "agent-estate:addons.ingress.controller", /"traefik".*"ingress-nginx"/],
    ["ingress-nginx without cert-manager", (v) => ((v.addons.ingress = { controller: "ingress-nginx", chart: { repo: "https://kubernetes.github.io/ingress-nginx", chart: "ingress-nginx", version: "4.11.3" } }), delete v.addons.certManager), "agent-estate:addons.ingress", /addons\.certManager/],
    ["an ACME e-mail that is not one", (v) => (withEdge(v).certManager.issuer.email = "ops"), "agent-estate:addons.certManager.issuer.email", /ACME account e-mail/],
    ["Vault-backed add-ons without External Secrets", (v) => delete v.addons.externalSecrets, "agent-estate:storage.longhorn.backupTarget.credentials", /addons\.externalSecrets/],
    ["Postgres without its operator", (v) => delete v.addons.cloudnativePg, "agent-estate:postgres", /CloudNativePG/],
    ["Postgres without Longhorn", (v) => delete v.storage, "agent-estate:postgres", /storage\.longhorn/],
    ["a floating PostgreSQL major", (v) => (v.postgres.image.tag = "16"), "agent-estate:postgres.image.tag", /major\.minor/],
    ["a five-field backup schedule for CloudNativePG", (v) => (v.postgres.backup.schedule = "0 3 * * *"), "agent-estate:postgres.backup.schedule", /six-field/],
    ["a Vault key with its mount and a leading slash", (v) => (v.postgres.database.credentials.vaultKey = "/kv/addons/pg"), "agent-estate:postgres.database.credentials.vaultKey", /no leading "\/"/],
    ["the Postgres namespace listed as a cell namespace", (v) => v.namespaces.push({ name: "data" }), "agent-estate:namespaces[1].name", /agent-estate:postgres, which creates it/],
    ["an add-on's namespace listed as a cell namespace", (v) => v.namespaces.push({ name: "longhorn-system" }), "agent-estate:namespaces[1].name", /longhorn add-on/],
    ["zero Longhorn replicas", (v) => (v.storage.longhorn.replicas = 0), "agent-estate:storage.longhorn.replicas", /1 to 3 replicas/],
    ["a prod StorageClass that deletes volumes", (v) => ((v.cell.environment = "prod"), (v.storage.longhorn.reclaimPolicy = "Delete")), "agent-estate:storage.longhorn.reclaimPolicy", /"Retain" in prod/],
    ["a snapshot schedule that is not cron", (v) => (v.storage.longhorn.snapshot.cron = "hourly"), "agent-estate:storage.longhorn.snapshot.cron", /five-field cron/],
    ["a backup target that is not S3", (v) => (v.storage.longhorn.backupTarget.url = "https://backups.example"), "agent-estate:storage.longhorn.backupTarget.url", /S3 URL/],
    ["a collector image tagged latest", (v) => (v.addons.otelCollector.image.tag = "latest"), "agent-estate:addons.otelCollector.image.tag", /exact version/],
    // Edge: F5 BIG-IP VIPs (issue 7).
    ["an F5 section without its password", (v) => (withF5(v), delete v.f5Password), "agent-estate:f5Password", /required when agent-estate:f5 is set/],
    ["an F5 VIP that is not an IPv4 address", (v) => (withF5(v).vips[0].address = "solo.rooster"), "agent-estate:f5.vips[0].address", /IPv4 address/],
    ["an F5 pool member that is not an address", (v) => (withF5(v).nodes = ["talos-1"]), "agent-estate:f5.nodes[0]", /IPv4 address/],
    ["a NodePort outside the node-port range", (v) => (withF5(v).vips[0].listeners[0].nodePort = 8080), "agent-estate:f5.vips[0].listeners[0].nodePort", /30000 to 32767/],
    ["a VIP listener with both a workload and a service", (v) => (withF5(v).vips[0].listeners[0].workload = "kaze-gateway"), "agent-estate:f5.vips[0].listeners[0]", /exactly one of "service"/],
    ["an external Service without its NodePort", (v) => delete withF5(v).vips[0].listeners[0].nodePort, "agent-estate:f5.vips[0].listeners[0].nodePort", /required with "external": true/],
    ["a VIP naming a workload the cell lacks", (v) => (withF5(v).vips[0].listeners[0] = { port: 8080, workload: "kaze-nowhere" }), "agent-estate:f5.vips[0].listeners[0].workload", /points at Service "kaze-nowhere", which this stack does not declare/],
    ["a VIP on a NodePort no declared Service holds", (v) => (withF5(v).vips[0].listeners[0] = { port: 8080, service: "argocd-server", nodePort: 31999 }), "agent-estate:f5.vips[0].listeners[0].service", /no declared Service holds NodePort 31999/],
    ["a VIP naming a workload without a nodePort", (v) => (delete v.workloads["kaze-gateway"].nodePort, (withF5(v).vips[0].listeners[0] = { port: 443, workload: "kaze-gateway" })), "agent-estate:f5.vips[0].listeners[0].workload", /agent-estate:workloads\.kaze-gateway\.nodePort/],
    ["two VIPs on the same address and port", (v) => { const f = withF5(v); f.vips.push({ ...f.vips[0], name: "solo-2" }); }, "agent-estate:f5.vips[1].listeners[0].port", /already used by VIP "solo"/],
    ["an F5 health check that times out before its next probe", (v) => (withF5(v).vips[0].healthCheck = { interval: 10, timeout: 5 }), "agent-estate:f5.vips[0].healthCheck.timeout", /longer than interval/],
];

describe("a broken stack configuration", () => {
    it.each(corpus)("%s is reported with its key and a fix", (_title, breaks, key, says) => {
        const raw = devRaw();
        breaks(raw.values);
        const error = problemsOf(raw);
        const problem = error.problems.find((p) => p.key === key);
        expect(problem, `problems were: ${error.message}`).toBeDefined();
        expect(problem!.message).toMatch(says);
        expect(error.message).toContain(`stack "dev", ${key}:`);
    });

    it("never tells a user to \"check its spelling\": a typo gets a suggestion, anything else is said plainly", () => {
        for (const [, breaks] of corpus) {
            const raw = devRaw();
            breaks(raw.values);
            expect(problemsOf(raw).message).not.toMatch(/check its spelling/);
        }
    });

    it("runs every cross-section check whose sections parsed, beside errors in other sections (one pass, not waves)", () => {
        const raw = devRaw();
        raw.values.cell.environment = "production"; // cell fails to parse
        raw.values.workloads["kaze-runtime"].namespace = "elsewhere"; // cross-section: workloads × namespaces
        raw.values.vault.seed = { "kaze-nowhere": {} }; // cross-section: vault × workloads
        const keys = problemsOf(raw).problems.map((p) => p.key);
        expect(keys).toEqual(expect.arrayContaining(["agent-estate:cell.environment", "agent-estate:workloads.kaze-runtime.namespace", "agent-estate:vault.seed.kaze-nowhere"]));
        // A check that reads the broken section does not run on a guess (checkAddons reads cell).
        expect(keys.filter((k) => k.startsWith("agent-estate:storage"))).toEqual([]);
    });

    it("keeps a corpus of at least 25 broken configurations", () => {
        expect(corpus.length).toBeGreaterThanOrEqual(25);
    });

    it("reports every problem at once, not the first one", () => {
        const raw = devRaw();
        raw.values.cell.environment = "production";
        raw.values.images.pins["kaze-runtime"] = { tag: "latest" };
        raw.values.workloads["kaze-gateway"].port = 0;
        const error = problemsOf(raw);
        expect(error.problems.map((p) => p.key)).toEqual(
            expect.arrayContaining(["agent-estate:cell.environment", "agent-estate:images.pins.kaze-runtime.tag", "agent-estate:workloads.kaze-gateway.port"]),
        );
        expect(error.message).toMatch(/^Stack "dev" has \d+ configuration errors; nothing was declared:/);
    });

    it("refuses a secure value the program does not read", () => {
        const raw = devRaw();
        raw.values.unusedToken = "opaque";
        (raw.secretKeys as Set<string>).add("unusedToken");
        expect(problemsOf(raw).problems).toContainEqual({ key: "agent-estate:unusedToken", message: expect.stringMatching(/not a setting this program has: nothing configures "unusedToken" \(the keys here are "vaultToken", "tailscaleOauthClientSecret", "f5Password"\)/) });
    });

    it("declares nothing but the stack itself when the program meets bad config", async () => {
        const broken = stackConfig("dev", { set: { images: { registry: "ghcr.io/acme", pins: { "kaze-runtime": { tag: "latest" } } } } });
        await expect(declare(broken)).rejects.toThrow(/agent-estate:images\.pins\.kaze-runtime\.tag: "latest" is not allowed/);
    });
});

describe("the committed stacks", () => {
    it.each(["dev", "prod", "rooster"])("%s validates", (stack) => {
        expect(() => parseCellConfig(rawStackConfig(stack))).not.toThrow();
    });
});
