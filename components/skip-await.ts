import * as pulumi from "@pulumi/pulumi";

/** The Kubernetes provider's annotation that stops it waiting for an object to become ready. */
export const SKIP_AWAIT_ANNOTATION = "pulumi.com/skipAwait";

/**
 * A transformation that annotates every Kubernetes object below the resource it is given to with
 * `pulumi.com/skipAwait: "true"`: the provider then neither waits for readiness (rollouts, endpoints,
 * bound claims) nor, for the kinds it allows, for deletion. For clusters where nothing can become
 * ready, such as an API server without nodes. Providers, Helm releases and charts are left alone.
 */
export const skipAwait: pulumi.ResourceTransformation = (args) => {
    if (!/^kubernetes:[^:]+:[^:]+$/.test(args.type) || /^kubernetes:(helm\.sh|yaml|kustomize)\//.test(args.type)) return undefined;
    const metadata = pulumi.output(args.props.metadata as pulumi.Input<{ annotations?: Record<string, string> } | undefined>);
    return {
        props: { ...args.props, metadata: metadata.apply((m) => ({ ...m, annotations: { ...m?.annotations, [SKIP_AWAIT_ANNOTATION]: "true" } })) },
        opts: args.opts,
    };
};
