/** Defers the modules in {@link DEFERRED} until first used (see lazy-modules.js). */
export function deferModules(): void;
export const DEFERRED: ReadonlySet<string>;
