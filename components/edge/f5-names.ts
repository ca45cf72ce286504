/** Names of the cell's objects on a BIG-IP: one source of truth for the components and the tests. */

/** The full path of an F5 object, `/<partition>/<name>`. */
export function f5Path(partition: string, name: string): string {
    return `/${partition}/${name}`;
}

/** The F5 name of a cluster node of a cell: stable, and distinct between cells sharing a BIG-IP. */
export function f5NodeName(cell: string, address: string): string {
    return `${cell}-node-${address}`;
}

/** The F5 name shared by the monitor, pool and virtual server of one VIP port. */
export function f5ListenerName(cell: string, vip: string, port: number): string {
    return `${cell}-${vip}-${port}`;
}

/** The profile that makes a virtual server a plain layer-4 forwarder (TLS stays end to end). */
export const FAST_L4_PROFILE = "/Common/fastL4";

/** The profile of a standard virtual server: a full TCP proxy, which SSL profiles need. */
export const TCP_PROFILE = "/Common/tcp";

/** The full path of an object AS3 declares in `/Common/Shared`, which virtual servers of any partition may reference. */
export function f5SharedPath(name: string): string {
    return `/Common/Shared/${name}`;
}

/** The client SSL profile (AS3 TLS_Server) of one VIP port that terminates TLS. */
export function f5ClientSslName(listener: string): string {
    return `${listener}-clientssl`;
}

/** The certificate and key (AS3 Certificate) of one VIP port that terminates TLS. */
export function f5CertificateName(listener: string): string {
    return `${listener}-cert`;
}
