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
    /** The parent's urn, or undefined for the stack itself. */
    parent?: string;
    protect: boolean;
    retainOnDelete: boolean;
    /** Urns this resource depends on explicitly (`dependsOn`). */
    dependencies: string[];
    /** The provider reference (`<provider urn>::<id>`), for custom resources. */
    provider?: string;
}

/** What every secret value is replaced with, wherever the plan shows or writes it. */
export const SECRET_PLACEHOLDER = "[secret]";
