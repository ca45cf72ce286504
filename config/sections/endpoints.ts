import { z } from "zod";
import { dnsLabel } from "./primitives";

/**
 * `agent-estate:externalEndpoints`: services the cell uses but does not run (a Langfuse in Docker on
 * a host, a SaaS MCP server). Naming them here is what makes a URL that leaves the cluster a
 * declared reference rather than a typo; NetworkPolicies open egress to exactly these.
 */
export const externalEndpoint = z.strictObject({
    url: z
        .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as "http://172.16.10.173:3000" or "https://api.githubcopilot.com"' })
        .describe("Base URL of the endpoint; a reference matches it by scheme, host and port."),
    description: z.string().min(1).optional().describe("What it is and who runs it, for readers and outputs."),
});
export type ExternalEndpoint = z.infer<typeof externalEndpoint>;

export const externalEndpointsSection = z.record(dnsLabel, externalEndpoint.describe("An endpoint outside the cluster.")).describe("External endpoints by name.");
export type ExternalEndpointsConfig = z.infer<typeof externalEndpointsSection>;

/** An endpoint's host and port (the scheme's default when the URL has none). */
export function endpointAddress(url: string): { host: string; port: number } {
    const u = new URL(url);
    return { host: u.hostname, port: u.port === "" ? (u.protocol === "https:" ? 443 : 80) : Number(u.port) };
}
