/**
 * What went wrong on a Cosmos chain, with a code the bridge core can act on: `retryable` says
 * whether the same action may succeed later (more signatures, a funded escrow, an RPC that
 * answers again, a transfer whose broadcast window has not opened yet) or never will (expired,
 * wrong configuration). Codes of the chain itself (codespace/code of its ABCI results) are kept
 * in `details`.
 */
export type CosmosErrorCode =
  | "COSMOS_CONFIG_INVALID" // options fail the schema, a key cannot be loaded, the escrow cannot be built
  | "COSMOS_WRONG_CHAIN" // the RPC serves another chain id than NexusOS's settings name
  | "COSMOS_ESCROW_MISMATCH" // the escrow multisig built from the keys is not the configured escrowAddress
  | "COSMOS_ESCROW_UNFUNDED" // the escrow account does not exist on the chain yet (it never received funds)
  | "COSMOS_INSUFFICIENT_ESCROW" // the escrow holds less than the transfer (or its fee) now
  | "COSMOS_BAD_TRANSFER" // the outbound record is malformed for this chain (kind, recipient, amount, expiry)
  | "COSMOS_NOT_FINAL" // asked for heights above finalHeight()
  | "COSMOS_BELOW_THRESHOLD" // fewer valid signatures of escrow members than the multisig's threshold
  | "COSMOS_TOO_EARLY" // expiresAt is further ahead than the chain's unordered-tx window: broadcast later
  | "COSMOS_TRANSFER_EXPIRED" // past expiresAt: can never execute; validators attest "expired", NexusOS refunds
  | "COSMOS_TX_REFUSED" // the chain refused the transaction (details: codespace, code, log)
  | "COSMOS_RPC" // the RPC failed (network, timeout, malformed answer): try again
  // appended (codes never change meaning; new ones go at the end):
  | "COSMOS_MEMBER_UNFUNDED" // handover: this validator's own account on the chain cannot pay the fee of posting its signature
  | "COSMOS_HANDOVER_FAILED"; // handover: the escrows file is unreadable, or the chain refused the handover for a reason that is not "already done"

export class CosmosBridgeError extends Error {
  override readonly name = "CosmosBridgeError";
  constructor(
    readonly code: CosmosErrorCode,
    message: string,
    readonly retryable: boolean,
    readonly details: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Wraps anything thrown by the RPC client (fetch failures, JSON-RPC errors) as a retryable COSMOS_RPC. */
export function rpcError(e: unknown, what: string): CosmosBridgeError {
  if (e instanceof CosmosBridgeError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new CosmosBridgeError("COSMOS_RPC", `${what}: RPC failure: ${msg.split("\n")[0]}`, true, {}, { cause: e });
}
