import * as pulumi from "@pulumi/pulumi";
import { F5BIGIP_VERSION } from "./version";

/** Inputs of `f5bigip:index/as3:As3` (the subset this estate uses). */
export interface As3Args {
    /** The AS3 declaration, as JSON text; pass it as a secret when it carries keys. */
    as3Json: pulumi.Input<string>;
    /** The one tenant (partition) the declaration may change; the others are left alone. @default - every tenant of the declaration */
    tenantFilter?: pulumi.Input<string>;
}

/** An AS3 declaration posted to the BIG-IP (certificates and keys, TLS profiles the LTM resources reference). */
export class As3 extends pulumi.CustomResource {
    static readonly __pulumiType = "f5bigip:index/as3:As3";
    declare readonly as3Json: pulumi.Output<string>;

    constructor(name: string, args: As3Args, opts?: pulumi.CustomResourceOptions) {
        const inputs: pulumi.Inputs = { as3Json: args.as3Json };
        if (args.tenantFilter !== undefined) inputs.tenantFilter = args.tenantFilter;
        // The declaration carries the private key: its state stays encrypted whatever the provider echoes back.
        super(As3.__pulumiType, name, inputs, pulumi.mergeOptions({ version: F5BIGIP_VERSION, additionalSecretOutputs: ["as3Json"] }, opts));
    }
}
