/**
 * How a Pulumi Deployments run on a hosted runner joins the cell's tailnet: an ephemeral, pre-authorized,
 * tagged node for the length of the run, authenticated with a Tailscale OAuth client secret (an OAuth
 * secret used as an auth key with `?ephemeral=true&preauthorized=true` mints a key for the advertised tags).
 *
 * Hosted runners give no TUN device, so tailscaled runs in userspace mode and serves an HTTP proxy on
 * localhost; the Kubernetes, Vault and BIG-IP providers (Go's net/http) and kubectl honour HTTPS_PROXY.
 * What the runner fetches from the internet before the node is up (the tailscale tarball, Pulumi Cloud,
 * GitHub, npm) bypasses it through NO_PROXY.
 */

/** The Tailscale release the runner downloads; the cells' sidecars pin the same one. */
export const CI_TAILSCALE_VERSION = "1.78.3";
/** Where tailscaled's userspace HTTP proxy listens on the runner. */
export const CI_TAILNET_PROXY = "http://localhost:1055";
/** The deployment variable holding the OAuth client secret (set from the delivery stack's secret). */
export const TAILNET_OAUTH_ENV = "TS_OAUTH_SECRET";
/** Hosts the run reaches directly, never through the tailnet proxy. */
export const CI_DIRECT_HOSTS = ["localhost", "127.0.0.1", "api.pulumi.com", ".pulumi.com", "github.com", ".github.com", ".githubusercontent.com", "registry.npmjs.org", "pkgs.tailscale.com"];

export interface TailnetJoin {
    /** Plain (non-secret) environment of the deployment. */
    environment: Record<string, string>;
    /** Commands that bring the node up, to run before anything that needs the cell. */
    preRunCommands: string[];
}

/** The environment and commands that join the tailnet as `deploy-<stack>` with the given tags. */
export function tailnetJoin(stack: string, tags: string[]): TailnetJoin {
    const dir = `/tmp/tailscale_${CI_TAILSCALE_VERSION}_amd64`;
    const socket = "/tmp/tailscaled.sock";
    const port = new URL(CI_TAILNET_PROXY).port;
    return {
        environment: { HTTPS_PROXY: CI_TAILNET_PROXY, HTTP_PROXY: CI_TAILNET_PROXY, NO_PROXY: CI_DIRECT_HOSTS.join(",") },
        preRunCommands: [
            `curl -fsSL https://pkgs.tailscale.com/stable/tailscale_${CI_TAILSCALE_VERSION}_amd64.tgz | tar -xz -C /tmp`,
            `(${dir}/tailscaled --tun=userspace-networking --state=mem: --socket=${socket} --outbound-http-proxy-listen=localhost:${port} > /tmp/tailscaled.log 2>&1 &)`,
            `${dir}/tailscale --socket=${socket} up --auth-key="\${${TAILNET_OAUTH_ENV}}?ephemeral=true&preauthorized=true" --advertise-tags=${tags.join(",")} --hostname=deploy-${stack} --timeout=60s`,
        ],
    };
}
