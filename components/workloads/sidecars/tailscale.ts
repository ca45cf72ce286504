import { SIDECAR_HEALTH_PORTS, TAILSCALE_PROXY_PORT } from "../../../config/sections/workloads";
import { hardenedContainer, secretEnv } from "../container";
import { internet } from "../network-policy";
import { PodPiece, SERVICE_ACCOUNT_MOUNT, apiTokenVolume } from "../pod-piece";

export interface TailscaleArgs {
    /** A pinned tailscale image reference. */
    image: string;
    /** Tailnet hostname. */
    hostname: string;
    /** The workload's env Secret, delivered by External Secrets from Vault. */
    authKeySecret: string;
    /** The key in that Secret holding the auth key. */
    authKeyKey: string;
    /**
     * The Secret where tailscale keeps its node state; the Role grants get/update/patch on it alone.
     * @default - state in memory, no API access: for replicated workloads, where one shared state Secret
     * would make every replica the same tailnet node (each pod then joins as a new ephemeral node)
     */
    stateSecret?: string;
    /** ACL tags the node advertises. @default [] */
    tags?: string[];
}

export const TAILSCALE_TOKEN_VOLUME = "tailscale-api-token";

/**
 * The tailscale sidecar in userspace networking (no NET_ADMIN, no /dev/net/tun, so it passes the
 * restricted profile). Node state lives in a Kubernetes Secret, so the sidecar gets a projected API
 * token of its own; the main container keeps automount off.
 */
export function tailscale(a: TailscaleArgs): PodPiece {
    const health = SIDECAR_HEALTH_PORTS.tailscale;
    const extraArgs = a.tags && a.tags.length > 0 ? [{ name: "TS_EXTRA_ARGS", value: `--advertise-tags=${a.tags.join(",")}` }] : [];
    const persistent = a.stateSecret !== undefined;
    return {
        containers: [
            hardenedContainer({
                name: "tailscale",
                image: a.image,
                env: [
                    { name: "TS_USERSPACE", value: "true" },
                    // An empty TS_KUBE_SECRET (and no TS_STATE_DIR) keeps the node state in memory.
                    { name: "TS_KUBE_SECRET", value: a.stateSecret ?? "" },
                    { name: "TS_HOSTNAME", value: a.hostname },
                    { name: "TS_SOCKET", value: "/tmp/tailscaled.sock" },
                    { name: "TS_AUTH_ONCE", value: "true" },
                    secretEnv("TS_AUTHKEY", a.authKeySecret, a.authKeyKey),
                    // /healthz answers 200 once the node is connected to the tailnet.
                    { name: "TS_ENABLE_HEALTH_CHECK", value: "true" },
                    { name: "TS_LOCAL_ADDR_PORT", value: `[::]:${health}` },
                    // Userspace mode has no tun device: the app containers reach tailnet peers through this proxy.
                    { name: "TS_SOCKS5_SERVER", value: `localhost:${TAILSCALE_PROXY_PORT}` },
                    { name: "TS_OUTBOUND_HTTP_PROXY_LISTEN", value: `localhost:${TAILSCALE_PROXY_PORT}` },
                    ...extraArgs,
                ],
                ports: [{ name: "ts-health", containerPort: health, protocol: "TCP" }],
                livenessProbe: { httpGet: { path: "/healthz", port: health }, initialDelaySeconds: 30, periodSeconds: 30, failureThreshold: 3 },
                readinessProbe: { httpGet: { path: "/healthz", port: health }, periodSeconds: 10 },
                volumeMounts: persistent ? [{ name: TAILSCALE_TOKEN_VOLUME, mountPath: SERVICE_ACCOUNT_MOUNT, readOnly: true }] : [],
            }),
        ],
        volumes: persistent ? [apiTokenVolume(TAILSCALE_TOKEN_VOLUME)] : [],
        // The standard proxy variables, cluster names and localhost excepted, so only tailnet and internet traffic goes through the sidecar.
        mainEnv: [
            { name: "ALL_PROXY", value: `socks5h://localhost:${TAILSCALE_PROXY_PORT}` },
            { name: "HTTP_PROXY", value: `http://localhost:${TAILSCALE_PROXY_PORT}` },
            { name: "HTTPS_PROXY", value: `http://localhost:${TAILSCALE_PROXY_PORT}` },
            { name: "NO_PROXY", value: "localhost,127.0.0.1,::1,.svc,.cluster.local" },
        ],
        // Control plane and DERP relays over HTTPS; STUN and direct WireGuard over UDP.
        egress: [internet([{ port: 443 }, { port: 3478, protocol: "UDP" }, { port: 41641, protocol: "UDP" }])],
        needsApiServer: persistent,
        rules: persistent
            ? [
                  { apiGroups: [""], resources: ["secrets"], resourceNames: [a.stateSecret!], verbs: ["get", "update", "patch"] },
                  // `create` cannot be narrowed by resourceNames (the object has no name until it exists):
                  // this is the one unnamed grant, needed for the first start before the state Secret exists.
                  { apiGroups: [""], resources: ["secrets"], verbs: ["create"] },
              ]
            : [],
        secretKeys: [a.authKeyKey],
    };
}
