import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { CrdSpec, CustomResourceSpec } from "../../config/sections/custom-resources";
import { childName } from "../naming";

export interface CustomResourcesArgs {
    /** CRDs the cell owns, by `<plural>.<group>`. @default {} */
    crds?: Record<string, CrdSpec>;
    /** Instances of any kind, already checked against their CRD's schema. @default [] */
    instances?: CustomResourceSpec[];
    /** Labels of every object (the cell's). @default {} */
    labels?: Record<string, string>;
    /** Protect and retain the CRDs (prod): deleting a CRD deletes every object of its kind. @default false */
    protectState?: boolean;
    /** What instances of kinds the cell does not own wait for (e.g. an operator's release). @default [] */
    dependsOn?: pulumi.Resource[];
}

/**
 * The cell's own CustomResourceDefinitions and its custom resources of any kind. An instance of a kind
 * the cell owns waits for its CRD. A CRD is state: deleting it deletes every object of its kind.
 */
export class CustomResources extends pulumi.ComponentResource {
    readonly crds: Readonly<Record<string, k8s.apiextensions.v1.CustomResourceDefinition>>;
    /** Each instance by `<kind>/<namespace>/<name>`. */
    readonly instances: Readonly<Record<string, k8s.apiextensions.CustomResource>>;

    constructor(name: string, args: CustomResourcesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agent-estate:crds:CustomResources", name, {}, opts);
        const labels = args.labels ?? {};
        const on = args.protectState === true;
        const crds: Record<string, k8s.apiextensions.v1.CustomResourceDefinition> = {};
        const byKind = new Map<string, k8s.apiextensions.v1.CustomResourceDefinition>();
        for (const [crdName, spec] of Object.entries(args.crds ?? {})) {
            crds[crdName] = new k8s.apiextensions.v1.CustomResourceDefinition(
                childName(name, crdName),
                {
                    metadata: { name: crdName, labels },
                    spec: {
                        group: spec.group,
                        names: { ...spec.names, singular: spec.names.singular ?? spec.names.kind.toLowerCase(), listKind: spec.names.listKind ?? `${spec.names.kind}List` },
                        scope: spec.scope,
                        versions: spec.versions as k8s.types.input.apiextensions.v1.CustomResourceDefinitionVersion[],
                    },
                },
                { parent: this, protect: on, retainOnDelete: on },
            );
            byKind.set(`${spec.group} ${spec.names.kind}`, crds[crdName]);
        }
        const instances: Record<string, k8s.apiextensions.CustomResource> = {};
        for (const cr of args.instances ?? []) {
            const { apiVersion, kind, metadata, ...rest } = cr;
            const id = `${kind.toLowerCase()}-${metadata.namespace ?? "cluster"}-${metadata.name}`;
            const crd = byKind.get(`${apiVersion.split("/")[0]} ${kind}`);
            instances[`${kind}/${metadata.namespace ?? ""}/${metadata.name}`] = new k8s.apiextensions.CustomResource(
                childName(name, id),
                { apiVersion, kind, metadata: { ...metadata, labels: { ...metadata.labels, ...labels } }, ...rest },
                { parent: this, dependsOn: crd ? [crd] : (args.dependsOn ?? []) },
            );
        }
        this.crds = crds;
        this.instances = instances;
        this.registerOutputs({ crds: Object.keys(crds), instances: Object.keys(instances) });
    }
}
