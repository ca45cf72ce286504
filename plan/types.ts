/** One resource as the program declared it: the shape the plan prints, validates and hands to the policies. */
export interface PlannedResource {
    urn: string;
    /** The Pulumi type token, e.g. `kubernetes:apps/v1:Deployment`. */
    type: string;
    name: string;
    /** Whether a provider manages it (false for components and the stack). */
    custom: boolean;
    /** Inputs as declared; every secret value is the string {@link SECRET_PLACEHOLDER}. */
    props: Record<string, unknown>;
    /**
     * The inputs as the engine hands them to the policy pack, every secret in plaintext; set (and not
     * enumerable, so no dump of the resource can print it) only when the inputs hold a secret.
     */
    readonly plaintext?: Record<string, unknown>;
    /** The parent's urn, or undefined for the stack itself. */
    parent?: string;
    protect: boolean;
    retainOnDelete: boolean;
    /** The ID the engine adopts the object by (`agent-estate:imports`), when it is adopted rather than created. */
    importId?: string;
    /** Urns this resource depends on explicitly (`dependsOn`). */
    dependencies: string[];
    /** The provider reference (`<provider urn>::<id>`), for custom resources. */
    provider?: string;
}

/** What every secret value is replaced with, wherever the plan shows or writes it. */
export const SECRET_PLACEHOLDER = "[secret]";

/** Attaches the plaintext inputs to a planned resource, out of reach of JSON, YAML and spread copies. */
export function withPlaintext<T extends object>(resource: T, plaintext: Record<string, unknown>): T {
    Object.defineProperty(resource, "plaintext", { value: plaintext, enumerable: false });
    return resource;
}
