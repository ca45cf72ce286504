/**
 * Outputs that a real provider computes and the program reads back. The mock runtime echoes inputs
 * as outputs; for these types it adds the computed fields too, deterministically from the name.
 * Values that the provider marks secret stay secret because the SDK wraps them by type.
 */
export const mockOutputs: Record<string, (name: string, inputs: Record<string, unknown>) => Record<string, unknown>> = {};
