import { defineModuleErrors } from "../../runtime/tx/errors.ts";

/**
 * Error codes of the BHLS module (codespace "bhls"). They reach receipts and the RPC: append
 * only, never rename or renumber; a retired code stays here as a comment.
 */
export const BHLS_ERRORS = {
  BHLS_UNAUTHORIZED: 1, // an authority message from an address that is not bhls's authority
  BHLS_INVALID_PARAMS: 2,
  BHLS_UNKNOWN_ATTESTOR: 3, // the attestation's attestor is not registered (or MsgRemoveAttestor of an unknown one)
  BHLS_WRONG_CHAIN: 4, // attestation.chainId is not this chain's id
  BHLS_BAD_ATTESTATION: 5, // the signature is not the attestor's over the attestation
  BHLS_ATTESTATION_EXPIRED: 6, // expiresAt <= the block time (unix seconds)
  BHLS_PHONE_HASH_IN_USE: 7, // another address is the citizen of this phone hash
  BHLS_ALREADY_CITIZEN: 8, // the address is a citizen under another phone hash
  BHLS_ALREADY_REGISTERED: 9, // the exact attestation (same attestor and expiresAt) is already applied: nothing to do
  BHLS_STALE_ATTESTATION: 10, // a re-attestation that does not extend the stored expiry
  BHLS_SENDER_NOT_ATTESTOR: 11, // MsgRegisterCitizen.sender is not attestation.attestor
  BHLS_NOT_CITIZEN: 12,
  BHLS_CITIZEN_EXPIRED: 13, // the citizen's attestation expired: re-attest, then claim
  BHLS_ALREADY_CLAIMED: 14, // one claim per citizen per epoch
  BHLS_RESERVE_EXHAUSTED: 15, // the floor reserve holds less than the epoch's share (or the share is 0)
  BHLS_UNKNOWN_BRIDGE_CHAIN: 16, // a claim destination on a chain not in params.bridgeChains
  BHLS_ATTESTOR_EXISTS: 17,
  BHLS_GENESIS_INVALID: 18,
  BHLS_UNKNOWN_BRIDGE_CLAIM: 19, // the bridge released a claim that is not escrowed (a bug: the bridge reads them first)
  BHLS_NOT_YET_ELIGIBLE: 20, // registered after the epoch's share was fixed: the first claim is in the next epoch
  BHLS_WRONG_EPOCH: 21, // MsgClaim.epoch is not the epoch the block is in (a claim signed for one epoch never lands in another)
} as const;

export type BhlsErrorCode = keyof typeof BHLS_ERRORS;

export class BhlsError extends defineModuleErrors("bhls", BHLS_ERRORS) {}
