import { ValidatorSet, type Validator, type ValidatorChange } from "../../../modules/consensus/index.ts";
import type { ActiveValidator } from "../../../modules/staking/index.ts";
import { bytesEqual, fromHex, toHex } from "../../crypto/hash.ts";

/** Staking's active-set members as consensus validators (operator address signs with its consensus key). */
export function toValidators(active: readonly ActiveValidator[]): Validator[] {
  return active.map((a) => ({ address: a.operator, publicKey: fromHex(a.consensusPubKey), power: a.power, band: a.band }));
}

/**
 * The consensus set of height h+1 from the set of h and staking's members for h+1: unchanged
 * members keep their proposer priorities (CometBFT), changes go through withChanges, then one
 * increment. Deterministic, so every node (and every syncing node) computes the same set.
 */
export function nextValidatorSet(prev: ValidatorSet, members: readonly Validator[]): ValidatorSet {
  const changes: ValidatorChange[] = [];
  const seen = new Set<string>();
  for (const m of members) {
    seen.add(m.address);
    const old = prev.get(m.address);
    if (!old || old.power !== m.power || old.band !== m.band || !bytesEqual(old.publicKey, m.publicKey)) {
      changes.push({ address: m.address, power: m.power, publicKey: m.publicKey, band: m.band });
    }
  }
  for (const v of prev.validators) if (!seen.has(v.address)) changes.push({ address: v.address, power: 0n });
  return (changes.length ? prev.withChanges(changes) : prev).next();
}

interface StoredSet {
  v: [string, string, string, number, string][];
  proposer: string;
}

/** What ValidatorSet.restore needs: members, priorities and the round-0 proposer. */
export function encodeValidatorSet(s: ValidatorSet): Uint8Array {
  const body: StoredSet = {
    v: s.validators.map((v, i) => [v.address, toHex(v.publicKey), v.power.toString(), v.band, s.priorities[i]!.toString()]),
    proposer: s.proposer.address,
  };
  return new TextEncoder().encode(JSON.stringify(body));
}

export function decodeValidatorSet(bytes: Uint8Array): ValidatorSet {
  const body = JSON.parse(new TextDecoder().decode(bytes)) as StoredSet;
  const validators = body.v.map(([address, key, power, band]) => ({ address, publicKey: fromHex(key), power: BigInt(power), band }));
  return ValidatorSet.restore(validators, body.v.map((e) => BigInt(e[4])), body.proposer);
}
