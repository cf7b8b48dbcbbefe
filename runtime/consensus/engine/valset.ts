import { ValidatorSet, type Validator, type ValidatorChange } from "../index.ts";
import type { ValidatorUpdate } from "../ports.ts";
import { bytesEqual, fromHex, toHex } from "../../crypto/hash.ts";

/**
 * Validator sets from the application's validator updates (ABCI style). Updates returned by
 * block H's end-block take effect at H+2, so each stored set carries the updates of the block
 * before its height, still pending:
 *
 *     record(h) = { set(h), pending: updates(h-1) }
 *     set(h+1)  = nextValidatorSet(set(h), set(h) members with pending applied)
 *     record(h+1) = { set(h+1), pending: updates(h) }        written when block h commits
 *
 * and record(1) = { the InitChain updates as a new set, pending: [] }. Deterministic, so
 * every node (and every syncing node, which executes each block) computes the same sets.
 */

export class ValsetError extends Error {
  constructor(
    readonly code: "CONSENSUS_BAD_VALIDATOR_UPDATE" | "CONSENSUS_OLD_VALIDATOR_SET",
    message: string,
  ) {
    super(message);
    this.name = "ValsetError";
  }
}

/** A stored set with the updates still pending for the height after it. */
export interface ValidatorSetRecord {
  readonly set: ValidatorSet;
  readonly pending: readonly ValidatorUpdate[];
}

/** The set of height 1 from the application's InitChain validator updates. */
export function genesisValidatorSet(updates: readonly ValidatorUpdate[]): ValidatorSet {
  return ValidatorSet.create(applyUpdates([], updates));
}

/** Members after applying updates (power 0 removes; a newcomer needs its key and band). */
export function applyUpdates(members: readonly Validator[], updates: readonly ValidatorUpdate[]): Validator[] {
  const byAddress = new Map(members.map((m) => [m.address, m]));
  for (const u of updates) {
    const old = byAddress.get(u.address);
    if (u.power === 0n) {
      byAddress.delete(u.address);
      continue;
    }
    const publicKey = u.consensusPubKey !== undefined ? fromHex(u.consensusPubKey) : old?.publicKey;
    const band = u.band ?? old?.band;
    if (!publicKey || band === undefined) throw new ValsetError("CONSENSUS_BAD_VALIDATOR_UPDATE", `validator update for new validator ${u.address} needs a consensus key and a band`);
    byAddress.set(u.address, { address: u.address, publicKey, power: u.power, band });
  }
  return [...byAddress.values()];
}

/** The set of height h+1 from the record of h: pending updates applied, then one increment. */
export function followingSet(record: ValidatorSetRecord): ValidatorSet {
  return nextValidatorSet(record.set, applyUpdates(record.set.validators, record.pending));
}

/**
 * The consensus set of height h+1 from the set of h and the members for h+1: unchanged
 * members keep their proposer priorities (CometBFT), changes go through withChanges, then one
 * increment.
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
  /** Pending updates: [address, power, key hex | "", band | 0]. Absent in sets stored before updates were (old data directories). */
  u?: [string, string, string, number][];
}

/** What ValidatorSet.restore needs (members, priorities, round-0 proposer) and the pending updates. */
export function encodeValidatorSet(s: ValidatorSet, pending: readonly ValidatorUpdate[] = []): Uint8Array {
  const body: StoredSet = {
    v: s.validators.map((v, i) => [v.address, toHex(v.publicKey), v.power.toString(), v.band, s.priorities[i]!.toString()]),
    proposer: s.proposer.address,
    u: pending.map((u) => [u.address, u.power.toString(), u.consensusPubKey ?? "", u.band ?? 0]),
  };
  return new TextEncoder().encode(JSON.stringify(body));
}

export function decodeValidatorSetRecord(bytes: Uint8Array): ValidatorSetRecord & { hasPending: boolean } {
  const body = JSON.parse(new TextDecoder().decode(bytes)) as StoredSet;
  const validators = body.v.map(([address, key, power, band]) => ({ address, publicKey: fromHex(key), power: BigInt(power), band }));
  const set = ValidatorSet.restore(validators, body.v.map((e) => BigInt(e[4])), body.proposer);
  const pending = (body.u ?? []).map(([address, power, key, band]): ValidatorUpdate => ({
    address,
    power: BigInt(power),
    ...(key ? { consensusPubKey: key } : {}),
    ...(band ? { band } : {}),
  }));
  return { set, pending, hasPending: body.u !== undefined };
}

export function decodeValidatorSet(bytes: Uint8Array): ValidatorSet {
  return decodeValidatorSetRecord(bytes).set;
}
