import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { SIDECAR_HEALTH_PORTS } from "../../config/sections/workloads";
import { childName, workloadSelector } from "../naming";
import { stateOptions } from "../state";
import { hardenedContainer, restrictedPodSecurityContext, secretEnv, tmpVolume } from "./container";
import { internet, NetworkPeer, networkPolicySpec } from "./network-policy";

export interface TailnetProxyArgs {
    /** Name of the proxy's objects, e.g. `kaze-runtime-tailnet`. */
    name: string;
    /** The proxy's namespace: the target's, so the target's policies admit it as a neighbour. */
    namespace: string;
    /** The Service forwarded to (`host` as the cluster resolves it) and the pods behind it, which the proxy's egress opens. */
    target: { host: string; port: number; pods: NetworkPeer };
    /** The ServiceAccount the pod runs as (it gets no token). @default - one of its own */
    serviceAccountName?: string;
    /** The stable tailnet hostname, e.g. `kaze-prod-runtime`. */
    hostname: string;
    /** ACL tags the node advertises (the workload's). */
    tags: string[];
    /** A pinned tailscale image reference. */
    image: string;
    /** The Secret and key holding the auth key (the workload's env Secret). */
    authKey: { secretName: string; key: string };
    /** @default {} */
    labels?: Record<string, string>;
    /** Protect and retain the node-state volume (prod). @default false */
    protectState?: boolean;
}

/** The name of the tailnet proxy of a workload or Service. */
export function tailnetProxyName(target: string): string {
    return childName(target, "tailnet");
}

const STATE = "state";
const SERVE = "serve";
const STATE_DIR = "/var/lib/tailscale";

/**
 * A stable tailnet identity for a Service (a workload's, a dashboard's), the equivalent of the Tailscale operator's
 * ingress proxy: one pod of a StatefulSet joins the tailnet as `hostname`, keeps its node state on a
 * volume of its own (so a restart or rollout is the same node, never `-1`, `-2`…), and forwards the
 * Service port to the Service, which spreads the calls over the replicas. Userspace networking, so
 * it runs restricted; it serves nothing else, so only the service port is on the tailnet.
 */
export class TailnetProxy extends pulumi.ComponentResource {
    readonly statefulSet: k8s.apps.v1.StatefulSet;
    readonly service: k8s.core.v1.Service;
    readonly networkPolicy: k8s.networking.v1.NetworkPolicy;
    /** The pods' labels, which the workload's NetworkPolicy lets in on its port. */
    readonly selector: Record<string, string>;

    constructor(name: string, args: TailnetProxyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agent-estate:workloads:TailnetProxy", name, {}, opts);
        const objectName = args.name;
        this.selector = workloadSelector(objectName);
        const labels = { ...args.labels, ...this.selector, "app.kubernetes.io/component": "tailnet-proxy" };
        const meta = (n: string) => ({ name: n, namespace: args.namespace, labels });
        const health = SIDECAR_HEALTH_PORTS.tailscale;
        const target = `${args.target.host}:${args.target.port}`;

        // tailscale serve: the tailnet port forwarded, as TCP, to the workload's Service.
        const serve = new k8s.core.v1.ConfigMap(
            childName(name, "serve"),
            { metadata: meta(childName(objectName, "serve")), data: { "serve.json": JSON.stringify({ TCP: { [String(args.target.port)]: { TCPForward: target } } }) } },
            { parent: this },
        );
        this.service = new k8s.core.v1.Service(
            childName(name, "service"),
            { metadata: meta(objectName), spec: { clusterIP: "None", selector: this.selector, ports: [{ name: "tailnet", port: args.target.port, targetPort: args.target.port, protocol: "TCP" }] } },
            { parent: this },
        );
        const container = hardenedContainer({
            name: "tailscale",
            image: args.image,
            env: [
                { name: "TS_USERSPACE", value: "true" },
                { name: "TS_KUBE_SECRET", value: "" },
                { name: "TS_STATE_DIR", value: STATE_DIR },
                { name: "TS_HOSTNAME", value: args.hostname },
                { name: "TS_SOCKET", value: "/tmp/tailscaled.sock" },
                { name: "TS_AUTH_ONCE", value: "true" },
                secretEnv("TS_AUTHKEY", args.authKey.secretName, args.authKey.key),
                { name: "TS_SERVE_CONFIG", value: "/etc/tailscale/serve.json" },
                { name: "TS_ENABLE_HEALTH_CHECK", value: "true" },
                { name: "TS_LOCAL_ADDR_PORT", value: `[::]:${health}` },
                ...(args.tags.length > 0 ? [{ name: "TS_EXTRA_ARGS", value: `--advertise-tags=${args.tags.join(",")}` }] : []),
            ],
            ports: [{ name: "ts-health", containerPort: health, protocol: "TCP" }],
            volumeMounts: [
                { name: STATE, mountPath: STATE_DIR },
                { name: SERVE, mountPath: "/etc/tailscale", readOnly: true },
            ],
            livenessProbe: { httpGet: { path: "/healthz", port: health }, initialDelaySeconds: 30, periodSeconds: 30, failureThreshold: 3 },
            readinessProbe: { httpGet: { path: "/healthz", port: health }, periodSeconds: 10 },
        });
        let account = args.serviceAccountName;
        if (account === undefined) {
            account = objectName;
            new k8s.core.v1.ServiceAccount(childName(name, "sa"), { metadata: meta(objectName), automountServiceAccountToken: false }, { parent: this });
        }
        this.statefulSet = new k8s.apps.v1.StatefulSet(
            childName(name),
            {
                metadata: meta(objectName),
                spec: {
                    // One node, one name: a second replica would be a second tailnet node.
                    replicas: 1,
                    serviceName: objectName,
                    selector: { matchLabels: this.selector },
                    updateStrategy: { type: "RollingUpdate" },
                    persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
                    template: {
                        metadata: { labels },
                        spec: {
                            serviceAccountName: account,
                            automountServiceAccountToken: false,
                            enableServiceLinks: false,
                            securityContext: restrictedPodSecurityContext(),
                            containers: [container],
                            volumes: [tmpVolume(), { name: SERVE, configMap: { name: childName(objectName, "serve") } }],
                        },
                    },
                    volumeClaimTemplates: [{ metadata: { name: STATE, labels }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "64Mi" } } } }],
                },
            },
            { parent: this, dependsOn: [serve, this.service], ...stateOptions(args.protectState) },
        );
        this.networkPolicy = new k8s.networking.v1.NetworkPolicy(
            childName(name, "netpol"),
            {
                metadata: meta(objectName),
                spec: networkPolicySpec({
                    podSelector: this.selector,
                    // Tailnet traffic arrives over the connections the node opens; nothing dials the pod.
                    ingressFrom: [],
                    egressTo: [
                        args.target.pods,
                        // Control plane and DERP relays over HTTPS; STUN and direct WireGuard over UDP.
                        internet([{ port: 443 }, { port: 3478, protocol: "UDP" }, { port: 41641, protocol: "UDP" }]),
                    ],
                }),
            },
            { parent: this },
        );
        this.registerOutputs({ hostname: args.hostname, target });
    }
}
