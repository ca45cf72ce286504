import * as pulumi from "@pulumi/pulumi";
import { F5BIGIP_VERSION } from "./version";

/** Inputs of the f5bigip provider: the names of the schema's `config.variables`. */
export interface ProviderArgs {
    /** Management address (host name or IP) of the BIG-IP. */
    address: pulumi.Input<string>;
    /** User with iControl REST access. */
    username: pulumi.Input<string>;
    /** That user's password; always passed as a secret. */
    password: pulumi.Input<string>;
    /** Management port, as a string. @default - the provider's default (443) */
    port?: pulumi.Input<string>;
    /** Disables the TLS certificate check on the management API. @default - the provider's default */
    validateCertsDisable?: pulumi.Input<boolean>;
    /** Disables telemetry to F5's TEEM service. @default - the provider's default (telemetry on) */
    teemDisable?: pulumi.Input<boolean>;
}

/** The f5bigip provider, as `@pulumi/f5bigip` declares it (package name "f5bigip"). */
export class Provider extends pulumi.ProviderResource {
    static readonly __pulumiType = "f5bigip";

    constructor(name: string, args: ProviderArgs, opts?: pulumi.ResourceOptions) {
        // Like the generated SDK: provider config that is not a string travels JSON-encoded, the password as a secret.
        const inputs: pulumi.Inputs = {
            address: args.address,
            username: args.username,
            password: pulumi.secret(args.password),
            port: args.port,
            validateCertsDisable: args.validateCertsDisable === undefined ? undefined : pulumi.output(args.validateCertsDisable).apply((v) => JSON.stringify(v)),
            teemDisable: args.teemDisable === undefined ? undefined : pulumi.output(args.teemDisable).apply((v) => JSON.stringify(v)),
        };
        super(Provider.__pulumiType, name, inputs, pulumi.mergeOptions({ version: F5BIGIP_VERSION, additionalSecretOutputs: ["password"] }, opts));
    }
}
