import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childName } from "../naming";
import { HelmAddon, HelmChartRef } from "./helm-addon";
import { ADDON_NAMESPACES } from "../../config/sections/addons";

/**
 * The traefik chart's values this program sets. The chart's schema (vendored, checked by the plan) leaves
 * its top level open, so a misspelt key would pass it: typed here, it does not compile.
 */
export interface TraefikValues {
    deployment: { replicas: number };
    ingressClass: { enabled: boolean; isDefaultClass: boolean; name: string };
    providers: { kubernetesCRD: { allowCrossNamespace: boolean }; kubernetesIngress: { publishedService: { enabled: boolean } } };
    securityContext: k8s.types.input.core.v1.SecurityContext;
    podSecurityContext: k8s.types.input.core.v1.PodSecurityContext;
}

/** The ingress-nginx chart's values this program sets (the chart ships no values schema). */
export interface IngressNginxValues {
    controller: { replicaCount: number; ingressClass: string; ingressClassResource: { name: string; default: boolean }; metrics: { enabled: boolean } };
}

export interface IngressControllerArgs {
    cell: string;
    /** Traefik (with Authelia ForwardAuth, seed 002) or ingress-nginx (with cert-manager TLS, seed 003). */
    controller: "traefik" | "ingress-nginx";
    chart: HelmChartRef;
    /**
     * Authelia ForwardAuth, Traefik only: declares the Middleware protected Ingresses name.
     * @default - no middleware
     */
    forwardAuth?: { address: string; authResponseHeaders: string[] };
    /** Controller replicas. @default 1 */
    replicas?: number;
    /** Labels of every object (the cell's). @default {} */
    labels?: Record<string, string>;
}

/**
 * The cell's ingress controller, the default IngressClass of the cluster. With Traefik and Authelia,
 * also the ForwardAuth Middleware that protected Ingresses reference by annotation.
 */
export class IngressController extends pulumi.ComponentResource {
    readonly addon: HelmAddon;
    /** The IngressClass Ingresses name (`spec.ingressClassName`), and cert-manager's HTTP-01 solver uses. */
    readonly ingressClassName: string;
    /** The controller's namespace, for NetworkPolicies that admit traffic from it. */
    readonly namespace: string;
    /** The controller's pods, which Ingress backends let in on their Service port. */
    readonly podSelector: Readonly<Record<string, string>>;
    /** The controller: "traefik" or "ingress-nginx", for the annotations it reads. */
    readonly controller: "traefik" | "ingress-nginx";
    /** The ForwardAuth Middleware, when configured. */
    readonly forwardAuth?: k8s.apiextensions.CustomResource;
    /**
     * The annotation a protected Ingress carries (`traefik.ingress.kubernetes.io/router.middlewares`), e.g.
     * `{ "traefik.ingress.kubernetes.io/router.middlewares": "traefik-authelia@kubernetescrd" }`. Empty without ForwardAuth.
     */
    readonly protectedIngressAnnotations: Readonly<Record<string, string>>;

    constructor(name: string, args: IngressControllerArgs, opts: pulumi.ComponentResourceOptions) {
        super("agent-estate:addons:IngressController", name, {}, opts);
        const labels = args.labels ?? {};
        const traefik = args.controller === "traefik";
        this.namespace = traefik ? ADDON_NAMESPACES.traefik : ADDON_NAMESPACES.ingressNginx;
        this.ingressClassName = traefik ? "traefik" : "nginx";
        this.controller = args.controller;
        // The charts' own pod labels (traefik's and ingress-nginx's controller Deployment).
        this.podSelector = traefik ? { "app.kubernetes.io/name": "traefik" } : { "app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller" };
        const replicas = args.replicas ?? 1;

        const restricted: k8s.types.input.core.v1.SecurityContext = {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"] },
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            seccompProfile: { type: "RuntimeDefault" },
        };
        const values = traefik
            ? ({
                  deployment: { replicas },
                  ingressClass: { enabled: true, isDefaultClass: true, name: this.ingressClassName },
                  // Seed 002: Ingresses in the workloads' namespaces name the Middleware in this one.
                  providers: { kubernetesCRD: { allowCrossNamespace: true }, kubernetesIngress: { publishedService: { enabled: true } } },
                  securityContext: restricted,
                  podSecurityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: "RuntimeDefault" } },
              } satisfies TraefikValues)
            : ({
                  controller: {
                      replicaCount: replicas,
                      ingressClass: this.ingressClassName,
                      ingressClassResource: { name: this.ingressClassName, default: true },
                      metrics: { enabled: true },
                  },
              } satisfies IngressNginxValues);

        this.addon = new HelmAddon(
            childName(name, "release"),
            {
                cell: args.cell,
                namespace: this.namespace,
                releaseName: args.controller,
                chart: args.chart,
                values,
                labels,
                // Traefik runs restricted (non-root, high ports). ingress-nginx binds :80/:443 inside the
                // pod with NET_BIND_SERVICE and privilege escalation, which only "baseline" admits.
                podSecurity: traefik ? "restricted" : "baseline",
                // Entry points (Traefik's 8000/8443; nginx's 80/443) and nginx's admission webhook (8443).
                openPorts: traefik ? [8000, 8443] : [80, 443, 8443],
            },
            { parent: this },
        );

        if (traefik && args.forwardAuth !== undefined) {
            this.forwardAuth = new k8s.apiextensions.CustomResource(
                childName(name, "forward-auth"),
                {
                    apiVersion: "traefik.io/v1alpha1",
                    kind: "Middleware",
                    metadata: { name: "authelia", namespace: this.namespace, labels },
                    spec: {
                        forwardAuth: {
                            address: args.forwardAuth.address,
                            trustForwardHeader: true,
                            authResponseHeaders: args.forwardAuth.authResponseHeaders,
                        },
                    },
                },
                { parent: this, dependsOn: [this.addon.release] },
            );
            this.protectedIngressAnnotations = { "traefik.ingress.kubernetes.io/router.middlewares": `${this.namespace}-authelia@kubernetescrd` };
        } else {
            this.protectedIngressAnnotations = {};
        }

        this.registerOutputs({ ingressClassName: this.ingressClassName, protectedIngressAnnotations: this.protectedIngressAnnotations });
    }
}
