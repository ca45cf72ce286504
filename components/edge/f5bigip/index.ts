/**
 * A typed binding to the f5bigip Pulumi provider (v3.24.0), written from its schema because
 * `@pulumi/f5bigip` is not available on this registry. Type tokens and input names are the
 * schema's own (test/edge-f5-schema.test.ts proves it), so once the package can be installed this
 * whole module becomes one line:
 *
 *     export * from "@pulumi/f5bigip";
 *
 * The rest of the program imports F5 types only from here.
 */
export { Provider, ProviderArgs } from "./provider";
export { As3, As3Args } from "./as3";
export * as ltm from "./ltm";
