import { ContainerResources, hardenedContainer, secretEnv } from "../container";
import { PodPiece } from "../pod-piece";

export interface McpProxyArgs {
    /** Container name, e.g. `langfuse-mcp`. */
    name: string;
    /** A pinned image reference. */
    image: string;
    /** Port on localhost (the main container proxies `/mcp/*` to it). */
    port: number;
    /** @default "sse" */
    transport?: "sse" | "streamable-http";
    /** Plaintext environment. @default {} */
    env?: Record<string, string>;
    /** Keys read from the workload's env Secret. @default [] */
    secretKeys?: string[];
    /** The workload's env Secret; required when `secretKeys` is not empty. @default - none */
    secretName?: string;
    /** Command-line arguments. @default - the image's */
    args?: string[];
    /** @default - sidecar defaults */
    resources?: ContainerResources;
}

/**
 * An MCP server as a sidecar, serving on localhost only: the port is declared on the container but
 * never on the Service nor in the NetworkPolicy, so only the main container reaches it.
 */
export function mcpProxy(a: McpProxyArgs): PodPiece {
    const keys = a.secretKeys ?? [];
    if (keys.length > 0 && a.secretName === undefined) throw new Error(`MCP proxy ${a.name} reads ${keys.join(", ")} but the workload has no env Secret`);
    const tcp = { tcpSocket: { port: a.port } };
    return {
        containers: [
            hardenedContainer({
                name: a.name,
                image: a.image,
                args: a.args,
                env: [
                    { name: "PORT", value: String(a.port) },
                    { name: "MCP_TRANSPORT", value: a.transport ?? "sse" },
                    ...Object.entries(a.env ?? {}).map(([name, value]) => ({ name, value })),
                    ...keys.map((k) => secretEnv(k, a.secretName as string)),
                ],
                ports: [{ name: "mcp", containerPort: a.port, protocol: "TCP" }],
                resources: a.resources,
                livenessProbe: { ...tcp, periodSeconds: 20 },
                readinessProbe: { ...tcp, periodSeconds: 10 },
            }),
        ],
        secretKeys: keys,
    };
}
