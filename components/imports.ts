import * as pulumi from "@pulumi/pulumi";

/**
 * Adopts existing objects: every resource whose logical name is a key of `imports` is registered with the
 * `import` option set to its ID, so the engine reads the object instead of creating it (and stops at a diff
 * if it does not match). A stack transformation, registered before the first resource, reaches every
 * resource with its real parent and provider: what `pulumi import` at the stack root cannot do.
 * Returns the names that were adopted, as they are declared; the plan compares them with the config.
 */
export function adoptExisting(imports: Readonly<Record<string, string>>): Set<string> {
    const adopted = new Set<string>();
    if (Object.keys(imports).length === 0) return adopted;
    pulumi.runtime.registerStackTransformation((args) => {
        const id = imports[args.name];
        if (id === undefined || !(args.resource instanceof pulumi.CustomResource)) return undefined;
        adopted.add(args.name);
        return { props: args.props, opts: pulumi.mergeOptions(args.opts, { import: id }) };
    });
    return adopted;
}
