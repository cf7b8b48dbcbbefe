import { defineModuleErrors } from "../../runtime/tx/errors.ts";

/**
 * Error codes of the bridge module (codespace "bridge"). They reach receipts, the RPC and the
 * relayers: append only, never rename or renumber; a retired code stays here as a comment.
 * Every refusal changes nothing (a failed transaction's writes are discarded).
 */
export const BRIDGE_ERRORS = {
  BRIDGE_UNAUTHORIZED: 1, // an authority message from an address that is not the bridge's authority
  BRIDGE_INVALID_PARAMS: 2,
  BRIDGE_INVALID_CHAIN: 3, // chain settings that do not hold together (family block missing, capacity below minimum…)
  BRIDGE_UNKNOWN_CHAIN: 4,
  BRIDGE_CHAIN_DISABLED: 5, // settings say enabled: false
  BRIDGE_CHAIN_PAUSED: 6, // a new outbound transfer while the chain is paused
  BRIDGE_ALREADY_PAUSED: 7, // a guardian pause of a chain already paused
  BRIDGE_INVALID_RECIPIENT: 8, // a recipient that is not an address of the chain's family (or a blocked NexusOS account)
  BRIDGE_INVALID_SENDER: 9, // an inbound sender that is not an address of the source chain's family
  BRIDGE_INVALID_AMOUNT: 10, // zero
  BRIDGE_BELOW_MINIMUM: 11, // below the chain's dust minimum (outbound)
  BRIDGE_ABOVE_CAPACITY: 12, // above the chain's rate-limit bucket capacity: can never pass (outbound)
  BRIDGE_RATE_LIMITED: 13, // the bucket holds less than the amount now (outbound; context.retryAfterSeconds)
  BRIDGE_NOT_VALIDATOR: 14, // an attestation, signature or key from an account that is no validator at all
  BRIDGE_STALE_SET: 15, // from a validator outside the active set in force at this height
  BRIDGE_DUPLICATE_ATTESTATION: 16, // the validator already attested this (chain, seq) (inbound) or result (outbound)
  BRIDGE_DUPLICATE_SIGNATURE: 17, // the validator already signed this outbound transfer
  BRIDGE_ALREADY_PROCESSED: 18, // an inbound attestation after its content passed the threshold (credited or waiting)
  BRIDGE_UNKNOWN_OUTBOUND: 19, // a signature or result for a sequence never assigned
  BRIDGE_OUTBOUND_COMPLETED: 20, // a signature or result for an outbound transfer already executed or refunded
  BRIDGE_OUTBOUND_EXPIRED: 21, // a signature for an outbound transfer whose expiresAt has passed
  BRIDGE_NO_ATTESTATION_KEY: 22, // a signature from a validator without a key for the chain's family
  BRIDGE_INVALID_KEY: 23, // an attestation key in the wrong format for its family
  BRIDGE_KEY_IN_USE: 24, // another validator registered the same key for the family
  BRIDGE_BAD_SIGNATURE: 25, // a signature in the wrong format, or (EVM) not by the validator's registered key
  BRIDGE_NOT_EXPIRED: 26, // an "expired" result before expiresAt + params.expiryMarginSeconds
  BRIDGE_INSUFFICIENT_ESCROW: 27, // an inbound credit larger than what the chain's executed outbound transfers left in escrow (waits)
  BRIDGE_GENESIS_INVALID: 28,
} as const;

export type BridgeErrorCode = keyof typeof BRIDGE_ERRORS;

export class BridgeError extends defineModuleErrors("bridge", BRIDGE_ERRORS) {}
