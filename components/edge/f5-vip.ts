import * as pulumi from "@pulumi/pulumi";
import { childName } from "../naming";
import * as f5bigip from "./f5bigip";
import { FAST_L4_PROFILE, TCP_PROFILE, f5CertificateName, f5ClientSslName, f5ListenerName, f5Path, f5SharedPath } from "./f5-names";

/** One port of the VIP and the NodePort that answers it on every cluster node. */
export interface F5VipListener {
    /** Port the VIP listens on. */
    port: number;
    /** The Service's fixed NodePort. */
    nodePort: number;
    /** The Service behind it, for descriptions. */
    backend: string;
    /**
     * Terminate TLS here with this PEM certificate (chain) and key, both secrets: an AS3 declaration puts them
     * and a client SSL profile in `/Common/Shared`, and the virtual server becomes a standard TCP one that
     * hands plain HTTP to the NodePort. @default - fastL4 pass-through
     */
    tls?: { certificate: pulumi.Input<string>; privateKey: pulumi.Input<string> };
}

/** How pool members are checked. */
export interface F5HealthCheck {
    /** `tcp` (the NodePort accepts a connection) or `http` (`GET path` answers 2xx/3xx). */
    type: "tcp" | "http";
    /** Path of `http` checks. @default "/" */
    path?: string;
    /** Seconds between checks. @default 5 */
    interval?: number;
    /** Seconds before a silent member is down. @default 16 */
    timeout?: number;
}

export interface F5VipArgs {
    /** The cell, prefix of every F5 object name. */
    cell: string;
    /** The VIP's short name. */
    vip: string;
    /** The VIP address. */
    address: string;
    /** The DNS name that points at the VIP, for descriptions. @default - none */
    dns?: string;
    /** Listening ports and their NodePorts. */
    listeners: readonly F5VipListener[];
    /** The cluster's BIG-IP nodes by address: each is a member of every pool. */
    nodes: Readonly<Record<string, f5bigip.ltm.Node>>;
    /**
     * BIG-IP partition.
     * @default "Common"
     */
    partition?: string;
    /**
     * Member health check.
     * @default - `{ type: "tcp" }`, every 5 s with a 16 s timeout
     */
    healthCheck?: F5HealthCheck;
}

/** What one listener of the VIP declared on the BIG-IP. */
export interface F5VipPort {
    monitor: f5bigip.ltm.Monitor;
    pool: f5bigip.ltm.Pool;
    members: f5bigip.ltm.PoolAttachment[];
    virtualServer: f5bigip.ltm.VirtualServer;
    /** The certificate and client SSL profile, when the port terminates TLS. */
    tls?: f5bigip.As3;
}

/**
 * A layer-4 VIP on an F5 BIG-IP in front of Kubernetes NodePorts. Per listening port: a monitor, a
 * pool with every cluster node as a member on the Service's NodePort, and a virtual server on the VIP
 * address and port with the fastL4 profile and SNAT automap (so return traffic from the nodes comes
 * back through the BIG-IP without routes on the nodes). A port with `tls` terminates TLS here instead
 * (client SSL profile, standard TCP virtual server) and hands plain HTTP to the NodePort.
 */
export class F5Vip extends pulumi.ComponentResource {
    /** Listening port → what it declared. */
    readonly ports: Readonly<Record<number, F5VipPort>>;
    /** `address:port` of each listener. */
    readonly endpoints: readonly string[];

    constructor(name: string, args: F5VipArgs, opts: pulumi.ComponentResourceOptions) {
        super("agent-estate:edge:F5Vip", name, {}, opts);
        const partition = args.partition ?? "Common";
        const check = args.healthCheck ?? { type: "tcp" };
        const ports: Record<number, F5VipPort> = {};

        for (const l of args.listeners) {
            const base = childName(name, String(l.port));
            const f5Name = f5ListenerName(args.cell, args.vip, l.port);
            const about = `${args.dns ?? args.address}:${l.port} -> ${l.backend} (NodePort ${l.nodePort})`;

            const monitor = new f5bigip.ltm.Monitor(
                childName(base, "monitor"),
                {
                    name: f5Path(partition, `${f5Name}-${check.type}`),
                    parent: `/Common/${check.type}`,
                    interval: check.interval ?? 5,
                    timeout: check.timeout ?? 16,
                    ...(check.type === "http"
                        ? { send: `GET ${check.path ?? "/"} HTTP/1.1\\r\\nHost: ${args.dns ?? args.address}\\r\\nConnection: close\\r\\n\\r\\n`, receive: "^HTTP/1\\.[01] [23]" }
                        : {}),
                },
                { parent: this },
            );
            const pool = new f5bigip.ltm.Pool(
                childName(base, "pool"),
                { name: f5Path(partition, f5Name), monitors: [monitor.name], loadBalancingMode: "round-robin", description: about },
                { parent: this },
            );
            const members = Object.entries(args.nodes).map(
                ([address, node]) =>
                    new f5bigip.ltm.PoolAttachment(
                        childName(base, address),
                        { pool: pool.name, node: pulumi.interpolate`${node.name}:${l.nodePort}` },
                        { parent: this },
                    ),
            );
            const tls = l.tls && new f5bigip.As3(
                childName(base, "tls"),
                { as3Json: pulumi.secret(tlsDeclaration(f5Name, l.tls)), tenantFilter: "Common" },
                { parent: this },
            );
            const virtualServer = new f5bigip.ltm.VirtualServer(
                childName(base, "vs"),
                {
                    name: f5Path(partition, f5Name),
                    destination: args.address,
                    port: l.port,
                    mask: "255.255.255.255",
                    ipProtocol: "tcp",
                    pool: pool.name,
                    // fastL4 forwards bytes; a client SSL profile needs a standard virtual server (full TCP proxy).
                    profiles: tls ? [TCP_PROFILE] : [FAST_L4_PROFILE],
                    clientProfiles: tls ? [f5SharedPath(f5ClientSslName(f5Name))] : undefined,
                    sourceAddressTranslation: "automap",
                    description: tls ? `${about}, TLS terminated here` : about,
                },
                { parent: this, dependsOn: [...members, ...(tls ? [tls] : [])] },
            );
            ports[l.port] = { monitor, pool, members, virtualServer, tls };
        }

        this.ports = ports;
        this.endpoints = args.listeners.map((l) => `${args.address}:${l.port}`);
        this.registerOutputs({ endpoints: this.endpoints });
    }
}

/**
 * The AS3 declaration of a port's TLS material: its certificate and key, and a client SSL profile
 * (TLS_Server) using them, in `/Common/Shared` where the port's virtual server in /Common can reference them.
 */
function tlsDeclaration(f5Name: string, tls: { certificate: pulumi.Input<string>; privateKey: pulumi.Input<string> }): pulumi.Output<string> {
    return pulumi.all([tls.certificate, tls.privateKey]).apply(([certificate, privateKey]) =>
        JSON.stringify({
            class: "AS3",
            action: "deploy",
            persist: true,
            declaration: {
                class: "ADC",
                schemaVersion: "3.36.0",
                id: `${f5Name}-tls`,
                Common: {
                    class: "Tenant",
                    Shared: {
                        class: "Application",
                        template: "shared",
                        [f5CertificateName(f5Name)]: { class: "Certificate", certificate, privateKey },
                        [f5ClientSslName(f5Name)]: { class: "TLS_Server", certificates: [{ certificate: f5CertificateName(f5Name) }] },
                    },
                },
            },
        }),
    );
}
