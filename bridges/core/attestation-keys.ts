/**
 * What every family needs of NexusOS's attestation keys (query `bridge/attestationKeys
 * {family}`, modules/bridge keeper.attestationKeys): the view itself, the key-counting
 * threshold of a multisig (Cosmos escrow, Substrate pallet-multisig), and the check that the
 * keyed validators are a NexusOS supermajority.
 */

/** What `bridge/attestationKeys {family}` returns. */
export interface AttestationKeys {
  readonly family: string;
  readonly height: number;
  /** Power of the whole active set, keyed or not. */
  readonly totalPower: string;
  /** Power of the validators that registered a key for the family. */
  readonly keyedPower: string;
  readonly keys: readonly { readonly validator: string; readonly key: string; readonly power: string }[];
  /** Active validators without a key for the family. */
  readonly missing: readonly string[];
}

/** The smallest k with k·3 > n·2: a multisig of n keys that needs strictly more than 2/3 of them. */
export function thresholdFor(n: number): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`a multisig needs at least one key (got ${n})`);
  return Math.floor((2 * n) / 3) + 1;
}

/**
 * Null when the validators with a key of the family hold more than 2/3 of the active set's
 * power; else why not. A multisig counts keys, not power: its keys must at least belong to a
 * NexusOS supermajority, or fewer validators than can attack NexusOS could release funds.
 */
export function weakKeyedSetProblem(ak: AttestationKeys): string | null {
  const keyed = BigInt(ak.keyedPower);
  const total = BigInt(ak.totalPower);
  if (keyed * 3n > total * 2n) return null;
  return `validators with a ${ak.family} key hold ${keyed} of ${total} power at NexusOS height ${ak.height} (not more than 2/3; ${ak.missing.length} without a key): register the keys first (MsgRegisterAttestationKey family "${ak.family}")`;
}
