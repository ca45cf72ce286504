/**
 * The removal policy of a stateful resource (a volume, a database, a Vault mount, a release whose
 * uninstall loses data): protected and retained when `protectState` is on (prod), so neither a
 * refactor nor `pulumi destroy` can delete what it holds.
 */
export function stateOptions(protectState: boolean | undefined): { protect: boolean; retainOnDelete: boolean } {
    const on = protectState === true;
    return { protect: on, retainOnDelete: on };
}
