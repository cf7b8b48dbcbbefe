import { BaseError, ContractFunctionRevertedError } from "viem";

/**
 * What went wrong on an EVM chain, with a code the bridge core can act on: `retryable` says
 * whether the same action may succeed later (more signatures, a refilled bucket, a resumed
 * bridge, an RPC that answers again) or never will (expired, wrong configuration).
 */
export type EvmErrorCode =
  | "EVM_CONFIG_INVALID" // options fail the schema, or a key cannot be loaded
  | "EVM_WRONG_CHAIN" // the RPC serves another chain id than configured
  | "EVM_NO_CODE" // no contract at bridgeAddress
  | "EVM_NOT_NEXUS_BRIDGE" // a contract, but not a NexusBridge (no EIP-712 domain "NexusBridge")
  | "EVM_BRIDGE_VERSION" // a NexusBridge of another version than "2"
  | "EVM_WNXT_MISMATCH" // configured wnxtAddress is not the bridge's wnxt()
  | "EVM_BAD_TRANSFER" // the transfer itself is malformed (chain, id, recipient, amount)
  | "EVM_NOT_FINAL" // asked for heights above finalHeight()
  | "EVM_TRANSFER_EXPIRED" // TransferExpired: past expiresAt, can never execute (NexusOS refunds)
  | "EVM_ALREADY_PROCESSED" // TransferAlreadyProcessed (submit reports it as done instead)
  | "EVM_INSUFFICIENT_POWER" // InsufficientPower: signatures of the contract's set hold ≤ 2/3
  | "EVM_NOT_VALIDATOR" // NotValidator: a signer is not in the contract's set (set rotated?)
  | "EVM_BAD_SIGNATURES" // InvalidSignature / DuplicateSigner / SignersNotAscending / length
  | "EVM_RATE_LIMITED" // RateLimitExceeded: the bucket refills; retryAfterSeconds says when
  | "EVM_ABOVE_CAPACITY" // amount above the bucket's capacity: never passes until limits change
  | "EVM_PAUSED" // Paused: the guardian paused the bridge; resumes only on the full threshold
  | "EVM_TOKEN_NOT_BRIDGED" // TokenNotBridged
  | "EVM_INVALID_SET_UPDATE" // InvalidSetId / InvalidNonce / InvalidValidatorSet
  | "EVM_EPOCH_NOT_OPEN" // EpochNotOpen: a BHLS delivery before its epoch update landed: retry
  | "EVM_BHLS_REFUSED" // AlreadyDelivered / ClaimAboveFloor / InvalidFloor: never executes (NexusOS refunds after expiry)
  | "EVM_REVERTED" // another revert
  | "EVM_RPC"; // the RPC failed (network, timeout, nonce race): try again

export class EvmBridgeError extends Error {
  override readonly name = "EvmBridgeError";
  constructor(
    readonly code: EvmErrorCode,
    message: string,
    readonly retryable: boolean,
    /** Extra facts: the decoded revert's name and args, retryAfterSeconds for a rate limit. */
    readonly details: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The custom error a viem call error carries (decoded against NEXUS_BRIDGE_ABI), if any. */
export function decodedRevert(err: unknown): { errorName: string; args: readonly unknown[] } | undefined {
  if (!(err instanceof BaseError)) return undefined;
  const reverted = err.walk((e) => e instanceof ContractFunctionRevertedError);
  if (reverted instanceof ContractFunctionRevertedError && reverted.data?.errorName) {
    return { errorName: reverted.data.errorName, args: reverted.data.args ?? [] };
  }
  return undefined;
}

function shortMessage(err: unknown): string {
  if (err instanceof BaseError) return err.shortMessage;
  return err instanceof Error ? err.message : String(err);
}

/**
 * Maps a failed bridge call to an EvmBridgeError. `rateLimit` (when the revert is
 * RateLimitExceeded) supplies the bucket's parameters so the error can say when to retry.
 */
export function mapBridgeError(
  err: unknown,
  what: string,
  rateLimit?: { capacity: bigint; refillPerSecond: bigint },
): EvmBridgeError {
  if (err instanceof EvmBridgeError) return err;
  const d = decodedRevert(err);
  if (d === undefined) {
    // A revert without data we can decode is a contract failure; anything else is the RPC.
    const reverted = err instanceof BaseError && err.walk((e) => e instanceof ContractFunctionRevertedError) !== null;
    return reverted
      ? new EvmBridgeError("EVM_REVERTED", `${what} reverted: ${shortMessage(err)}`, false, {}, { cause: err })
      : new EvmBridgeError("EVM_RPC", `${what}: RPC failure: ${shortMessage(err)}`, true, {}, { cause: err });
  }
  const details = { revert: d.errorName, args: d.args.map((a) => (typeof a === "bigint" ? a.toString() : a)) };
  const e = (code: EvmErrorCode, msg: string, retryable: boolean, extra: Record<string, unknown> = {}) =>
    new EvmBridgeError(code, `${what}: ${msg}`, retryable, { ...details, ...extra }, { cause: err });
  switch (d.errorName) {
    case "TransferExpired":
      return e("EVM_TRANSFER_EXPIRED", `transfer expired at ${String(d.args[1])} (block time ${String(d.args[2])}); it can never execute`, false);
    case "TransferAlreadyProcessed":
      return e("EVM_ALREADY_PROCESSED", "transfer already processed", false);
    case "InsufficientPower":
      return e("EVM_INSUFFICIENT_POWER", `signers hold ${String(d.args[0])} of ${String(d.args[1])} power, need more than 2/3`, true);
    case "NotValidator":
      return e("EVM_NOT_VALIDATOR", `signer ${String(d.args[0])} is not in the bridge's validator set (set not rotated yet?)`, true);
    case "InvalidSignature":
    case "DuplicateSigner":
    case "SignersNotAscending":
    case "InvalidSignatureLength":
      return e("EVM_BAD_SIGNATURES", `malformed signatures (${d.errorName})`, false);
    case "RateLimitExceeded": {
      const amount = d.args[1] as bigint;
      const available = d.args[2] as bigint;
      if (rateLimit !== undefined && amount > rateLimit.capacity) {
        return e("EVM_ABOVE_CAPACITY", `amount ${amount} is above the bucket's capacity ${rateLimit.capacity}`, false);
      }
      const retryAfterSeconds =
        rateLimit !== undefined && rateLimit.refillPerSecond > 0n ? Number((amount - available + rateLimit.refillPerSecond - 1n) / rateLimit.refillPerSecond) : undefined;
      return e("EVM_RATE_LIMITED", `rate limit: ${amount} asked, ${available} available${retryAfterSeconds !== undefined ? `, retry in ${retryAfterSeconds} s` : ""}`, true, { retryAfterSeconds });
    }
    case "Paused":
      return e("EVM_PAUSED", "the bridge is paused", true);
    case "TokenNotBridged":
      return e("EVM_TOKEN_NOT_BRIDGED", `token ${String(d.args[0])} is not bridged`, false);
    case "ZeroAmount":
    case "ZeroAddress":
      return e("EVM_BAD_TRANSFER", `rejected by the bridge (${d.errorName})`, false);
    case "EpochNotIncreasing":
      // An epoch update whose epoch (or a later one) is already open: its work is done.
      return e("EVM_ALREADY_PROCESSED", `epoch ${String(d.args[0])} is not above the open epoch ${String(d.args[1])}`, false);
    case "EpochNotOpen":
      return e("EVM_EPOCH_NOT_OPEN", `epoch ${String(d.args[0])} is not open on the distributor (it is at ${String(d.args[1])}): its epoch update comes first`, true);
    case "AlreadyDelivered":
    case "ClaimAboveFloor":
    case "InvalidFloor":
      return e("EVM_BHLS_REFUSED", `the distributor refuses it (${d.errorName}(${details.args.join(", ")})); it never executes and NexusOS refunds the citizen after expiry`, false);
    case "InvalidSetId":
    case "InvalidNonce":
    case "InvalidValidatorSet":
      return e("EVM_INVALID_SET_UPDATE", `${d.errorName}(${details.args.join(", ")})`, false);
    default:
      return e("EVM_REVERTED", `reverted with ${d.errorName}(${details.args.join(", ")})`, false);
  }
}
