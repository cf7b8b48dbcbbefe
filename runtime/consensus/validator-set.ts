import { encodeCanonical } from "../codec/canonical.ts";
import { sha256 } from "../crypto/hash.ts";
import { ConsensusError } from "./errors.ts";

/** A validator as consensus sees it: who signs (ed25519 consensus key), how much it weighs, its band. */
export interface Validator {
  readonly address: string;
  /** 32-byte Ed25519 consensus public key. */
  readonly publicKey: Uint8Array;
  readonly power: bigint;
  /** Spectral band 1..7 the validator declared. */
  readonly band: number;
}

export interface ValidatorChange {
  readonly address: string;
  /** 0n removes the validator. */
  readonly power: bigint;
  /** Required when the validator is new. */
  readonly publicKey?: Uint8Array;
  readonly band?: number;
}

export const MAX_VALIDATORS = 1_000;
export const MAX_ADDRESS_CHARS = 128;
/** Keeps every sum of powers and priorities far from anything a 64-bit peer could not hold. */
export const MAX_TOTAL_POWER = 2n ** 60n;
/** Diversity never asks for more than this many distinct bands. */
export const DIVERSITY_BANDS_CAP = 5;
const PRIORITY_WINDOW_FACTOR = 2n;
const HASH_DOMAIN = "nexus/consensus/validator-set/v1";

/**
 * An immutable validator set sorted by address (code-unit order), with CometBFT's
 * proposer priorities: every increment adds each validator's power to its priority, the
 * highest priority proposes (ties: the smaller address) and pays back the total power. Over
 * time each validator proposes in proportion to its power.
 */
export class ValidatorSet {
  readonly totalPower: bigint;
  /** Number of distinct bands among the validators. */
  readonly populatedBands: number;
  private readonly index = new Map<string, number>();
  private hashCache: Uint8Array | undefined;
  /** roundProposers[r] = proposer index of round r at this height; extended lazily. */
  private readonly roundProposers: number[];
  private readonly roundCursor: bigint[];

  private constructor(
    readonly validators: readonly Validator[],
    readonly priorities: readonly bigint[],
    readonly proposerIndex: number,
  ) {
    let total = 0n;
    const bands = new Set<number>();
    validators.forEach((v, i) => {
      total += v.power;
      bands.add(v.band);
      this.index.set(v.address, i);
    });
    this.totalPower = total;
    this.populatedBands = bands.size;
    this.roundProposers = [proposerIndex];
    this.roundCursor = [...priorities];
  }

  /** A new set (genesis): priorities start at 0 and are incremented once, as CometBFT does. */
  static create(validators: readonly Validator[]): ValidatorSet {
    const sorted = checkValidators(validators);
    const base = new ValidatorSet(sorted, sorted.map(() => 0n), 0);
    return base.incremented(1);
  }

  /** Rebuild a stored set (priorities and current proposer as they were persisted). */
  static restore(validators: readonly Validator[], priorities: readonly bigint[], proposer: string): ValidatorSet {
    const sorted = checkValidators(validators);
    const byAddr = new Map(validators.map((v, i) => [v.address, priorities[i]]));
    if (priorities.length !== validators.length) throw new ConsensusError("CONSENSUS_BAD_VALIDATOR_SET", "one priority per validator is required");
    const pr = sorted.map((v) => byAddr.get(v.address)!);
    const pi = sorted.findIndex((v) => v.address === proposer);
    if (pi < 0) throw new ConsensusError("CONSENSUS_BAD_VALIDATOR_SET", `proposer ${proposer} is not in the set`);
    return new ValidatorSet(sorted, pr, pi);
  }

  get size(): number {
    return this.validators.length;
  }

  /** Bands a commit needs: min(5, populated bands). */
  get requiredBands(): number {
    return Math.min(DIVERSITY_BANDS_CAP, this.populatedBands);
  }

  get(address: string): Validator | undefined {
    const i = this.index.get(address);
    return i === undefined ? undefined : this.validators[i];
  }

  indexOf(address: string): number {
    return this.index.get(address) ?? -1;
  }

  /** power > 2/3 of the total (the paper's 2f+1). */
  hasQuorum(power: bigint): boolean {
    return power * 3n > this.totalPower * 2n;
  }

  /** power > 1/3 of the total (the paper's f+1). */
  hasOneThird(power: bigint): boolean {
    return power * 3n > this.totalPower;
  }

  /** Proposer of round 0 at the height this set is for. */
  get proposer(): Validator {
    return this.validators[this.proposerIndex]!;
  }

  /**
   * Proposer of `round` at this height: the round-0 proposer after `round` more increments.
   * Cached, so asking for round r costs O(n·r) once per set.
   */
  proposerForRound(round: number): Validator {
    if (!Number.isSafeInteger(round) || round < 0) throw new ConsensusError("CONSENSUS_BAD_STATE", `round must be a non-negative integer, got ${round}`);
    while (this.roundProposers.length <= round) {
      // Each round is one step of the same increment as a height, so the result does not
      // depend on whether rounds were stepped through or skipped.
      const p = this.roundCursor;
      prepareWindow(p, this.validators, this.totalPower);
      this.roundProposers.push(incrementOnce(p, this.validators, this.totalPower));
    }
    return this.validators[this.roundProposers[round]!]!;
  }

  /** The set for the next height when nothing changed: priorities incremented once. */
  next(): ValidatorSet {
    return this.incremented(1);
  }

  private incremented(times: number): ValidatorSet {
    const p = [...this.priorities];
    let proposer = this.proposerIndex;
    for (let i = 0; i < times; i++) {
      prepareWindow(p, this.validators, this.totalPower);
      proposer = incrementOnce(p, this.validators, this.totalPower);
    }
    return new ValidatorSet(this.validators, p, proposer);
  }

  /**
   * Apply power changes (0 removes). New validators start at priority -1.125·total (CometBFT),
   * so joining and leaving cannot be used to jump the proposer queue. Does not increment.
   */
  withChanges(changes: readonly ValidatorChange[]): ValidatorSet {
    const map = new Map<string, { v: Validator; p: bigint | undefined }>(this.validators.map((v, i) => [v.address, { v, p: this.priorities[i]! }]));
    const seen = new Set<string>();
    for (const c of changes) {
      if (seen.has(c.address)) throw new ConsensusError("CONSENSUS_BAD_VALIDATOR_SET", `duplicate change for ${c.address}`);
      seen.add(c.address);
      const old = map.get(c.address);
      if (c.power === 0n) {
        map.delete(c.address);
      } else if (old) {
        map.set(c.address, { v: { ...old.v, power: c.power, band: c.band ?? old.v.band, publicKey: c.publicKey ?? old.v.publicKey }, p: old.p });
      } else {
        if (!c.publicKey || c.band === undefined) throw new ConsensusError("CONSENSUS_BAD_VALIDATOR_SET", `new validator ${c.address} needs a public key and a band`);
        map.set(c.address, { v: { address: c.address, publicKey: c.publicKey, power: c.power, band: c.band }, p: undefined });
      }
    }
    const vals = [...map.values()].map((e) => e.v);
    const sorted = checkValidators(vals);
    let total = 0n;
    for (const v of sorted) total += v.power;
    const newcomer = -(total + (total >> 3n));
    const pr = sorted.map((v) => map.get(v.address)!.p ?? newcomer);
    const oldProposer = this.validators[this.proposerIndex]!.address;
    const pi = Math.max(0, sorted.findIndex((v) => v.address === oldProposer));
    return new ValidatorSet(sorted, pr, pi);
  }

  /** Hash of (address, public key, power, band) in order; priorities are not part of it. */
  hash(): Uint8Array {
    this.hashCache ??= sha256(encodeCanonical([HASH_DOMAIN, this.validators.map((v) => [v.address, v.publicKey, v.power, v.band])]));
    return this.hashCache;
  }
}

function checkValidators(validators: readonly Validator[]): Validator[] {
  const bad = (m: string): never => {
    throw new ConsensusError("CONSENSUS_BAD_VALIDATOR_SET", m);
  };
  if (validators.length === 0) bad("a validator set needs at least one validator");
  if (validators.length > MAX_VALIDATORS) bad(`at most ${MAX_VALIDATORS} validators, got ${validators.length}`);
  const addrs = new Set<string>();
  const keys = new Set<string>();
  let total = 0n;
  for (const v of validators) {
    if (typeof v.address !== "string" || v.address.length === 0 || v.address.length > MAX_ADDRESS_CHARS) bad(`bad validator address ${String(v.address)}`);
    if (addrs.has(v.address)) bad(`duplicate validator address ${v.address}`);
    addrs.add(v.address);
    if (!(v.publicKey instanceof Uint8Array) || v.publicKey.length !== 32) bad(`validator ${v.address}: consensus key must be 32 bytes`);
    // Two entries with one key would let one signer count twice.
    const k = Buffer.from(v.publicKey).toString("hex");
    if (keys.has(k)) bad(`validator ${v.address}: consensus key is used by another validator`);
    keys.add(k);
    if (typeof v.power !== "bigint" || v.power <= 0n) bad(`validator ${v.address}: power must be a positive bigint`);
    if (!Number.isInteger(v.band) || v.band < 1 || v.band > 7) bad(`validator ${v.address}: band must be 1..7, got ${v.band}`);
    total += v.power;
  }
  if (total > MAX_TOTAL_POWER) bad(`total power ${total} exceeds ${MAX_TOTAL_POWER}`);
  return [...validators].map((v) => ({ address: v.address, publicKey: new Uint8Array(v.publicKey), power: v.power, band: v.band }))
    .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

/** CometBFT: keep max-min priority within 2·total, then centre the priorities on 0. */
function prepareWindow(p: bigint[], vals: readonly Validator[], total: bigint): void {
  const diffMax = PRIORITY_WINDOW_FACTOR * total;
  let max = p[0]!;
  let min = p[0]!;
  for (const x of p) {
    if (x > max) max = x;
    if (x < min) min = x;
  }
  const diff = max - min;
  if (diff > diffMax) {
    const ratio = (diff + diffMax - 1n) / diffMax;
    for (let i = 0; i < p.length; i++) p[i] = p[i]! / ratio; // truncates toward 0, as Go does
  }
  let sum = 0n;
  for (const x of p) sum += x;
  const n = BigInt(vals.length);
  const avg = sum >= 0n ? sum / n : -((-sum + n - 1n) / n); // floor division
  for (let i = 0; i < p.length; i++) p[i] = p[i]! - avg;
}

function incrementOnce(p: bigint[], vals: readonly Validator[], total: bigint): number {
  let best = 0;
  for (let i = 0; i < p.length; i++) {
    p[i] = p[i]! + vals[i]!.power;
    if (p[i]! > p[best]!) best = i; // strict: on a tie the earlier (smaller) address stays
  }
  p[best] = p[best]! - total;
  return best;
}
