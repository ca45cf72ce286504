import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childName } from "../naming";

/** A typed reference to a Service the program declared: never a name that may point at nothing. */
export interface ServiceBackend {
    service: k8s.core.v1.Service;
    /** Namespace of the Service; an Ingress reaches Services of its own namespace only. */
    namespace: string;
    /** The Service port. */
    port: number;
}

export interface IngressPath {
    path: string;
    /** @default "Prefix" */
    pathType?: "Prefix" | "Exact";
    backend: ServiceBackend;
    /** The hosts of the Ingress the path applies to. @default - every host */
    hosts?: string[];
}

export interface IngressHost {
    name: string;
    /** Terminate TLS with a certificate from `clusterIssuer`. @default true */
    tls?: boolean;
    /** Why the host is served without TLS; required with `tls: false`, recorded on the Ingress. */
    noTlsReason?: string;
}

/** Annotation recording, per host served without TLS, why; the `ingress-tls` policy quotes it. */
export const NO_TLS_ANNOTATION = "agent-estate/no-tls-reason";
/** The annotation cert-manager's ingress-shim reads to issue the Ingress's certificate. */
export const CLUSTER_ISSUER_ANNOTATION = "cert-manager.io/cluster-issuer";
/** The annotation Traefik reads for the Middlewares in front of an Ingress's routers. */
export const TRAEFIK_MIDDLEWARES_ANNOTATION = "traefik.ingress.kubernetes.io/router.middlewares";

/** A Traefik Middleware as the `router.middlewares` annotation names it: `<namespace>-<name>@kubernetescrd`. */
export function traefikMiddleware(ref: { namespace: string; name: string }): string {
    return `${ref.namespace}-${ref.name}@kubernetescrd`;
}

export interface CellIngressArgs {
    /** `metadata.name` of the Ingress. */
    name: string;
    namespace: string;
    /** @default {} */
    labels?: Record<string, string>;
    /** The cell's IngressClass (its controller's). */
    className: string;
    hosts: IngressHost[];
    /** The cell's cert-manager ClusterIssuer; required when a host has TLS. @default - none */
    clusterIssuer?: string;
    /** Controller annotations: auth middlewares, nginx settings. @default {} */
    annotations?: Record<string, string>;
    /** Every path applies to each host. */
    paths: IngressPath[];
}

/**
 * One Ingress of the cell: the class, hosts, TLS and auth are the cell's; the paths are the workloads',
 * each to a Service the program declared. TLS comes from the cell's ClusterIssuer through cert-manager's
 * ingress-shim (one certificate, Secret `<name>-tls`, for the TLS hosts); a host without TLS carries its
 * reason on the object.
 */
export class CellIngress extends pulumi.ComponentResource {
    readonly ingress: k8s.networking.v1.Ingress;
    /** The Secret holding the certificate, when a host has TLS. */
    readonly tlsSecretName?: string;

    constructor(name: string, args: CellIngressArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agent-estate:ingress:CellIngress", name, {}, opts);
        for (const p of args.paths) {
            if (p.backend.namespace !== args.namespace) throw new Error(`${args.name}: path ${p.path} routes to a Service in ${p.backend.namespace}; an Ingress reaches its own namespace (${args.namespace}) only`);
        }
        const tlsHosts = args.hosts.filter((h) => h.tls !== false).map((h) => h.name);
        const plain = args.hosts.filter((h) => h.tls === false);
        for (const h of plain) if (!h.noTlsReason) throw new Error(`${args.name}: host ${h.name} is served without TLS but no reason is given`);
        if (tlsHosts.length > 0 && !args.clusterIssuer) throw new Error(`${args.name}: hosts ${tlsHosts.join(", ")} need TLS, but the cell has no ClusterIssuer`);
        this.tlsSecretName = tlsHosts.length > 0 ? `${args.name}-tls` : undefined;

        const annotations: Record<string, string> = { ...args.annotations };
        if (this.tlsSecretName && args.clusterIssuer) annotations[CLUSTER_ISSUER_ANNOTATION] = args.clusterIssuer;
        if (plain.length > 0) annotations[NO_TLS_ANNOTATION] = plain.map((h) => `${h.name}: ${h.noTlsReason}`).join("\n");

        // Exact paths first, then longer prefixes: the order a reader expects the controller to match in.
        const paths = [...args.paths].sort((a, b) => rank(a) - rank(b) || b.path.length - a.path.length || a.path.localeCompare(b.path));
        const httpPaths = (host: string) =>
            paths
                .filter((p) => p.hosts === undefined || p.hosts.includes(host))
                .map((p) => ({
                    path: p.path,
                    pathType: p.pathType ?? "Prefix",
                    backend: { service: { name: p.backend.service.metadata.name, port: { number: p.backend.port } } },
                }));
        this.ingress = new k8s.networking.v1.Ingress(
            childName(name),
            {
                metadata: { name: args.name, namespace: args.namespace, labels: args.labels, annotations: Object.keys(annotations).length > 0 ? annotations : undefined },
                spec: {
                    ingressClassName: args.className,
                    tls: this.tlsSecretName ? [{ hosts: tlsHosts, secretName: this.tlsSecretName }] : undefined,
                    // A host no path applies to gets no rule (the controller would answer it with its default backend anyway).
                    rules: args.hosts.flatMap((h) => (httpPaths(h.name).length > 0 ? [{ host: h.name, http: { paths: httpPaths(h.name) } }] : [])),
                },
            },
            { parent: this, dependsOn: args.paths.map((p) => p.backend.service) },
        );
        this.registerOutputs({ name: args.name, hosts: args.hosts.map((h) => h.name) });
    }
}

function rank(p: IngressPath): number {
    return (p.pathType ?? "Prefix") === "Exact" ? 0 : 1;
}
