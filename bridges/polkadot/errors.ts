import { defineErrors } from "../../runtime/errors.ts";

/**
 * Error codes of the Substrate family (bridges/polkadot), append only; docs/bridges.md
 * "Polkadot" says what each means and how to fix it.
 */
export const POLKADOT_ERRORS = {
  POLKADOT_CONFIG_INVALID: 1, // options fail the schema, a key cannot be loaded, the multisig cannot be built
  POLKADOT_WRONG_CHAIN: 2, // the endpoint serves a chain whose SS58 prefix or pallets do not fit NexusOS's settings
  POLKADOT_MULTISIG_MISMATCH: 3, // the multisig of the keys is not the configured multisigAddress (the key set changed)
  POLKADOT_BAD_TRANSFER: 4, // the outbound record cannot be carried to this chain (kind, seq, recipient, amount)
  POLKADOT_NOT_FINAL: 5, // asked for blocks above finalHeight()
  POLKADOT_NO_RELAYER_ROLE: 6, // a relayer was configured for a substrate chain: the validators' approvals execute releases
  POLKADOT_ASSET_NOT_BRIDGED: 7, // the NXT asset or the receipt collection exists but the multisig does not administer it
  POLKADOT_EXTRINSIC_FAILED: 8, // an approval extrinsic was included but failed (details: the module error)
  POLKADOT_RPC: 9, // the endpoint failed (network, timeout, malformed answer): try again
} as const;
export type PolkadotErrorCode = keyof typeof POLKADOT_ERRORS;

export class PolkadotError extends defineErrors("polkadot", POLKADOT_ERRORS) {}

/** Wraps anything thrown by @polkadot/api as POLKADOT_RPC (kept when it already is a PolkadotError). */
export function rpcError(e: unknown, what: string): PolkadotError {
  if (e instanceof PolkadotError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new PolkadotError("POLKADOT_RPC", `${what}: ${msg.split("\n")[0]}`, {}, { cause: e });
}
