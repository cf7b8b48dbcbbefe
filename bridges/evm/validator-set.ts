import type { Logger } from "pino";
import { getAddress, hashTypedData, type Account, type Address, type Chain, type Hex, type PublicClient, type Transport, type WalletClient } from "viem";
import type { DestinationSignature } from "../core/types.ts";
import type { AttestationKeys } from "../core/attestation-keys.ts";
import { bridgeDomain, NEXUS_BRIDGE_ABI, VALIDATOR_SET_TYPES } from "./abi.ts";
import type { CheckedBridge } from "./client.ts";
import { EvmBridgeError, mapBridgeError } from "./errors.ts";
import { packSignatures } from "./signatures.ts";

/**
 * Keeping NexusBridge's validator set equal to NexusOS's: the keys the active set registered
 * for family "evm" with their powers (query `bridge/attestationKeys {family: "evm"}`) become a
 * ValidatorSetUpdate(setId + 1, keys ascending, powers, nonce) that more than 2/3 of the
 * current contract set's power AND of the incoming set's power sign (the same digest twice).
 */

export type { AttestationKeys };

export interface ValidatorSetUpdate {
  readonly setId: bigint;
  /** Strictly ascending. */
  readonly validators: readonly Address[];
  readonly powers: readonly bigint[];
  readonly nonce: bigint;
}

/** The contract's side: config() and validators(). */
export interface BridgeSet {
  readonly setId: bigint;
  readonly nonce: bigint;
  readonly totalPower: bigint;
  readonly paused: boolean;
  readonly validators: readonly Address[];
  readonly powers: readonly bigint[];
}

export const MAX_VALIDATORS = 128;
const UINT96_MAX = (1n << 96n) - 1n;

export interface DesiredSet {
  readonly validators: readonly Address[];
  readonly powers: readonly bigint[];
  readonly keyedPower: bigint;
  readonly totalPower: bigint;
  readonly missing: readonly string[];
}

/**
 * The set the contract must hold, from NexusOS's attestation keys: keys ascending with their
 * powers. Refuses (EVM_INVALID_SET_UPDATE) an empty set, more than 128 keys, a duplicate key,
 * and — unless `allowWeakKeyedSet` — a keyed power of at most 2/3 of the whole active set's: the
 * contract counts only keyed power, so then fewer than a NexusOS supermajority could mint.
 */
export function desiredSet(ak: AttestationKeys, opts: { allowWeakKeyedSet?: boolean } = {}): DesiredSet {
  const bad = (msg: string) => new EvmBridgeError("EVM_INVALID_SET_UPDATE", `attestation keys at height ${ak.height}: ${msg}`, false);
  if (ak.family !== "evm") throw bad(`family is "${ak.family}", not "evm"`);
  const entries = ak.keys.map((k) => {
    if (!/^0x[0-9a-fA-F]{40}$/.test(k.key)) throw bad(`key "${k.key}" of ${k.validator} is not an EVM address`);
    if (!/^[0-9]+$/.test(k.power) || BigInt(k.power) === 0n || BigInt(k.power) > UINT96_MAX) throw bad(`power "${k.power}" of ${k.validator} out of range`);
    return { key: getAddress(k.key), power: BigInt(k.power) };
  });
  entries.sort((a, b) => (BigInt(a.key) < BigInt(b.key) ? -1 : BigInt(a.key) > BigInt(b.key) ? 1 : 0));
  for (let i = 1; i < entries.length; i++) if (entries[i]!.key === entries[i - 1]!.key) throw bad(`key ${entries[i]!.key} appears twice`);
  if (entries.length === 0) throw bad("no validator registered an EVM key");
  if (entries.length > MAX_VALIDATORS) throw bad(`${entries.length} keys, the bridge holds at most ${MAX_VALIDATORS}`);
  const keyedPower = entries.reduce((s, e) => s + e.power, 0n);
  if (keyedPower > UINT96_MAX) throw bad("total power above uint96");
  const totalPower = BigInt(ak.totalPower);
  if (!(opts.allowWeakKeyedSet ?? false) && keyedPower * 3n <= totalPower * 2n) {
    throw bad(`validators with EVM keys hold ${keyedPower} of ${totalPower} power (not more than 2/3): ${ak.missing.length} without a key`);
  }
  return { validators: entries.map((e) => e.key), powers: entries.map((e) => e.power), keyedPower, totalPower, missing: ak.missing };
}

/** Reads config() and validators() at one block (latest by default). */
export async function readBridgeSet(client: PublicClient, bridgeAddress: Address, blockNumber?: bigint): Promise<BridgeSet> {
  try {
    const at = blockNumber === undefined ? {} : { blockNumber };
    const [[setId, nonce, totalPower, paused], [keys, powers]] = await Promise.all([
      client.readContract({ address: bridgeAddress, abi: NEXUS_BRIDGE_ABI, functionName: "config", ...at }),
      client.readContract({ address: bridgeAddress, abi: NEXUS_BRIDGE_ABI, functionName: "validators", ...at }),
    ]);
    return { setId, nonce, totalPower, paused, validators: keys.map((k) => getAddress(k)), powers };
  } catch (e) {
    throw mapBridgeError(e, "reading the bridge's validator set");
  }
}

export function sameSet(a: { validators: readonly Address[]; powers: readonly bigint[] }, b: { validators: readonly Address[]; powers: readonly bigint[] }): boolean {
  return (
    a.validators.length === b.validators.length &&
    a.validators.every((v, i) => getAddress(v) === getAddress(b.validators[i]!) && a.powers[i] === b.powers[i])
  );
}

export type SetUpdatePlan = { readonly needed: false } | { readonly needed: true; readonly update: ValidatorSetUpdate };

/** Whether the contract's set differs from the desired one, and the update that fixes it. */
export function planValidatorSetUpdate(desired: Pick<DesiredSet, "validators" | "powers">, current: BridgeSet): SetUpdatePlan {
  if (sameSet(desired, current)) return { needed: false };
  return { needed: true, update: { setId: current.setId + 1n, validators: [...desired.validators], powers: [...desired.powers], nonce: current.nonce } };
}

/** The EIP-712 digest both sets sign (equals NexusBridge.validatorSetDigest). */
export function validatorSetUpdateDigest(chainId: number, bridgeAddress: Address, u: ValidatorSetUpdate): Hex {
  return hashTypedData({
    domain: bridgeDomain(chainId, bridgeAddress),
    types: VALIDATOR_SET_TYPES,
    primaryType: "ValidatorSetUpdate",
    message: { setId: u.setId, validators: [...u.validators], powers: [...u.powers], nonce: u.nonce },
  });
}

export interface SubmitSetUpdateOptions {
  readonly client: PublicClient;
  readonly wallet: WalletClient<Transport, Chain, Account>;
  readonly bridge: CheckedBridge;
  readonly update: ValidatorSetUpdate;
  /** Signatures by keys of the contract's current set. */
  readonly currentSignatures: readonly DestinationSignature[];
  /** Signatures by keys of the incoming set (a key in both sets signs once and is listed in both). */
  readonly incomingSignatures: readonly DestinationSignature[];
  readonly logger?: Logger;
  readonly receiptTimeoutMs?: number;
}

/**
 * Sends updateValidatorSet with both signature sets, checked and packed off chain first (each
 * must pass more than 2/3 of its set's power). Returns `alreadyApplied` when the contract already
 * holds the update's set under its setId (another submitter won the race).
 */
export async function submitValidatorSetUpdate(o: SubmitSetUpdateOptions): Promise<{ txHash: string; alreadyApplied: boolean }> {
  const { client, wallet, bridge, update } = o;
  const what = `updateValidatorSet(${update.setId})`;
  const current = await readBridgeSet(client, bridge.bridgeAddress);
  if (current.setId >= update.setId) {
    if (current.setId === update.setId && sameSet(update, current)) return { txHash: "", alreadyApplied: true };
    throw new EvmBridgeError("EVM_INVALID_SET_UPDATE", `${what}: the bridge is at set ${current.setId} already`, false);
  }
  const digest = validatorSetUpdateDigest(bridge.chainId, bridge.bridgeAddress, update);
  const cur = await packSignatures(digest, o.currentSignatures, { keys: current.validators, powers: current.powers });
  const inc = await packSignatures(digest, o.incomingSignatures, { keys: update.validators, powers: update.powers });
  for (const [label, p] of [["current", cur], ["incoming", inc]] as const) {
    if (p.dropped.length > 0) o.logger?.warn({ set: label, dropped: p.dropped }, `${what}: signatures left out`);
    if (!p.passes) {
      throw new EvmBridgeError("EVM_INSUFFICIENT_POWER", `${what}: the ${label} set's signatures hold ${p.signedPower} of ${p.totalPower} power, need more than 2/3`, true, {
        set: label,
      });
    }
  }
  const args = [update.setId, [...update.validators], [...update.powers], update.nonce, cur.packed, inc.packed] as const;
  try {
    const gas = await client.estimateContractGas({ address: bridge.bridgeAddress, abi: NEXUS_BRIDGE_ABI, functionName: "updateValidatorSet", args, account: wallet.account });
    const hash = await wallet.writeContract({
      address: bridge.bridgeAddress,
      abi: NEXUS_BRIDGE_ABI,
      functionName: "updateValidatorSet",
      args,
      gas: (gas * 120n) / 100n,
      account: wallet.account,
      chain: wallet.chain,
    });
    const receipt = await client.waitForTransactionReceipt({ hash, timeout: o.receiptTimeoutMs ?? 120_000 });
    if (receipt.status !== "success") {
      const now = await readBridgeSet(client, bridge.bridgeAddress);
      if (now.setId === update.setId && sameSet(update, now)) return { txHash: hash, alreadyApplied: true };
      throw new EvmBridgeError("EVM_REVERTED", `${what}: transaction ${hash} reverted`, true, { txHash: hash });
    }
    o.logger?.info({ tx: hash, setId: update.setId.toString(), validators: update.validators.length }, "bridge validator set updated");
    return { txHash: hash, alreadyApplied: false };
  } catch (e) {
    throw mapBridgeError(e, what);
  }
}
