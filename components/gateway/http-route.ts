import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** What an HTTPRoute sends its traffic to: a backend object by group, kind and name. */
export interface RouteBackendRef {
    /** API group of the backend ("" for a core Service). */
    group: string;
    kind: string;
    name: string;
    /** Port, required for a Service. @default - none */
    port?: number;
}

export interface HttpRouteArgs {
    name: string;
    /** Namespace of the route (its backend's). */
    namespace: string;
    /** The Gateway it attaches to. */
    gateway: { name: string; namespace: string };
    /** Path prefix it matches. */
    path: string;
    backend: RouteBackendRef;
    /** Request timeout, a Gateway API duration. @default - the implementation's */
    timeout?: string;
    /** Labels (the cell's). @default {} */
    labels?: Record<string, string>;
}

/**
 * An HTTPRoute (Gateway API's application role): the backend that needs it declares it, naming the
 * Gateway it attaches to and the path prefix it serves.
 */
export function httpRoute(logicalName: string, args: HttpRouteArgs, opts: pulumi.CustomResourceOptions): k8s.apiextensions.CustomResource {
    return new k8s.apiextensions.CustomResource(
        logicalName,
        {
            apiVersion: "gateway.networking.k8s.io/v1",
            kind: "HTTPRoute",
            metadata: { name: args.name, namespace: args.namespace, labels: args.labels ?? {} },
            spec: {
                parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: args.gateway.name, namespace: args.gateway.namespace }],
                rules: [
                    {
                        matches: [{ path: { type: "PathPrefix", value: args.path } }],
                        backendRefs: [{ group: args.backend.group, kind: args.backend.kind, name: args.backend.name, ...(args.backend.port === undefined ? {} : { port: args.backend.port }) }],
                        ...(args.timeout === undefined ? {} : { timeouts: { request: args.timeout } }),
                    },
                ],
            },
        },
        opts,
    );
}
