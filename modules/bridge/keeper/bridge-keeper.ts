import { inject, injectable } from "inversify";
import type { Ctx } from "../../../runtime/modules/types.ts";
import { BridgeDeps, type BankForBridge, type BhlsForBridge, type StakingForBridge } from "../expected-keepers.ts";
import { BridgeError } from "../errors.ts";
import { BridgeEvents } from "../events.ts";
import { attestationKeyProblem } from "../families.ts";
import * as K from "../keys.ts";
import { bridgeConfig, chainSettingsProblem, defaultParams, type BridgeConfig, type BridgeParams, type ChainSettings, type Family } from "../params.ts";
import { ZERO_TOTALS, type ChainTotals, type Direction } from "../records.ts";
import { blockSeconds, freshBucket, passesThreshold, take, type Bucket, type BucketRule, type TakeResult } from "../rules.ts";
import { OutboundKeeper } from "./outbound.ts";
import { InboundKeeper } from "./inbound.ts";
import { BhlsDeliveryKeeper } from "./bhls-delivery.ts";
import { SetUpdateKeeper } from "./set-updates.ts";

export const BridgeConfigToken = Symbol.for("bridge.Config");

/** The validator set in force at this height, as attestations count it. */
export interface VotingSet {
  readonly power: ReadonlyMap<string, bigint>;
  readonly total: bigint;
}

/**
 * The bridge keeper: chains and their settings, pause, attestation keys, the set that
 * attests, rate-limit buckets and running totals. Outbound and inbound transfers live in
 * their own keepers (outbound.ts, inbound.ts), reached as `keeper.outbound` / `keeper.inbound`.
 */
@injectable()
export class BridgeKeeper {
  readonly outbound: OutboundKeeper;
  readonly inbound: InboundKeeper;
  readonly bhlsDelivery: BhlsDeliveryKeeper;
  readonly setUpdates: SetUpdateKeeper;

  constructor(
    @inject(BridgeDeps.Bank) readonly bank: BankForBridge,
    @inject(BridgeDeps.Staking) readonly staking: StakingForBridge,
    @inject(BridgeDeps.Bhls) bhls: BhlsForBridge | null,
    @inject(BridgeConfigToken) readonly config: BridgeConfig = bridgeConfig(),
  ) {
    this.outbound = new OutboundKeeper(this);
    this.inbound = new InboundKeeper(this);
    this.bhlsDelivery = new BhlsDeliveryKeeper(this, bhls);
    this.setUpdates = new SetUpdateKeeper(this);
  }

  // ---- params and authority ----------------------------------------------------------------------

  get authority(): string {
    return this.config.authority;
  }

  requireAuthority(address: string): void {
    if (address !== this.config.authority) {
      throw new BridgeError("BRIDGE_UNAUTHORIZED", `only the bridge's authority ${this.config.authority} may send this message, not ${address}`, { authority: this.config.authority });
    }
  }

  params(ctx: Ctx): BridgeParams {
    return K.Params.get(ctx) ?? defaultParams();
  }

  setParams(ctx: Ctx, p: BridgeParams): void {
    K.Params.set(ctx, p);
  }

  // ---- chains ------------------------------------------------------------------------------------

  chain(ctx: Ctx, name: string): ChainSettings | undefined {
    return K.Chains.get(ctx, name);
  }

  requireChain(ctx: Ctx, name: string): ChainSettings {
    const c = K.Chains.get(ctx, name);
    if (!c) throw new BridgeError("BRIDGE_UNKNOWN_CHAIN", `no bridged chain "${name}" (the authority adds one with MsgUpdateChain)`, { chain: name });
    return c;
  }

  requireEnabled(ctx: Ctx, name: string): ChainSettings {
    const c = this.requireChain(ctx, name);
    if (!c.enabled) throw new BridgeError("BRIDGE_CHAIN_DISABLED", `chain "${name}" is disabled`, { chain: name });
    return c;
  }

  chains(ctx: Ctx): ChainSettings[] {
    return [...K.Chains.values(ctx)];
  }

  /** Create or replace a chain's settings (authority). The family of an existing chain never changes. */
  updateChain(ctx: Ctx, c: ChainSettings): void {
    const problem = chainSettingsProblem(c);
    if (problem) throw new BridgeError("BRIDGE_INVALID_CHAIN", problem, { chain: c.name });
    const prev = K.Chains.get(ctx, c.name);
    if (prev && prev.family !== c.family) {
      throw new BridgeError("BRIDGE_INVALID_CHAIN", `chain "${c.name}" is ${prev.family}; a family never changes (add a chain under a new name)`, { chain: c.name });
    }
    if (!prev) {
      let n = 0;
      for (const _ of K.Chains.keys(ctx)) n++;
      const max = this.params(ctx).maxChains;
      if (n >= max) throw new BridgeError("BRIDGE_INVALID_CHAIN", `the bridge already serves ${n} chains, params.maxChains is ${max}`, { chain: c.name });
      K.Totals.set(ctx, c.name, { ...ZERO_TOTALS });
    }
    K.Chains.set(ctx, c.name, c);
    // Buckets keep their tokens, never above the new capacity.
    const cap = BigInt(c.rateLimit.capacity);
    for (const dir of ["in", "out"] as const) {
      const b = K.Buckets.get(ctx, [c.name, dir]);
      if (b && b.tokens > cap) K.Buckets.set(ctx, [c.name, dir], { tokens: cap, updatedAt: b.updatedAt });
    }
    ctx.emit(BridgeEvents.ChainUpdated, { chain: c.name });
    this.inbound.kick(ctx, c.name);
  }

  /** Pause (guardian: any active validator) or pause/unpause (authority). */
  setPaused(ctx: Ctx, name: string, paused: boolean, by: string, reason: string): void {
    const c = this.requireChain(ctx, name);
    K.Chains.set(ctx, name, { ...c, paused });
    ctx.emit(BridgeEvents.Paused, { chain: name, by, paused: String(paused), reason });
    if (!paused) this.inbound.kick(ctx, name);
  }

  guardianPause(ctx: Ctx, validator: string, name: string, reason: string): void {
    const c = this.requireChain(ctx, name);
    if (!this.staking.isActiveValidator(ctx, validator)) {
      throw new BridgeError("BRIDGE_NOT_VALIDATOR", `${validator} is not an active validator: only one may pause a chain`, { validator });
    }
    if (c.paused) throw new BridgeError("BRIDGE_ALREADY_PAUSED", `chain "${name}" is already paused`, { chain: name });
    this.setPaused(ctx, name, true, validator, reason);
  }

  // ---- the set that attests --------------------------------------------------------------------

  /** The validator set consensus runs at this height, with its powers. */
  votingSet(ctx: Ctx): VotingSet {
    const power = new Map<string, bigint>();
    let total = 0n;
    for (const v of this.staking.activeSetFor(ctx, ctx.block.height)) {
      if (v.power <= 0n) continue;
      power.set(v.operator, v.power);
      total += v.power;
    }
    return { power, total };
  }

  /** The set, after checking `address` is in it: a stranger and a validator outside the set get their own codes. */
  requireVoter(ctx: Ctx, address: string): VotingSet {
    const set = this.votingSet(ctx);
    if (set.power.has(address)) return set;
    if (this.staking.validator(ctx, address) === undefined) {
      throw new BridgeError("BRIDGE_NOT_VALIDATOR", `${address} is not a validator`, { validator: address });
    }
    throw new BridgeError("BRIDGE_STALE_SET", `${address} is not in the validator set in force at height ${ctx.block.height}`, { validator: address, height: ctx.block.height });
  }

  /** Σ power (in `set`) of `voters`, and whether it passes the threshold. */
  tally(set: VotingSet, voters: Iterable<string>): { power: bigint; total: bigint; passes: boolean } {
    let power = 0n;
    for (const v of voters) power += set.power.get(v) ?? 0n;
    return { power, total: set.total, passes: passesThreshold(power, set.total) };
  }

  // ---- attestation keys ------------------------------------------------------------------------

  attestationKey(ctx: Ctx, validator: string, family: Family): string | undefined {
    return K.AttestationKeys.get(ctx, [validator, family]);
  }

  registerKey(ctx: Ctx, validator: string, family: Family, key: string): void {
    if (!this.staking.isActiveValidator(ctx, validator)) {
      throw new BridgeError("BRIDGE_NOT_VALIDATOR", `${validator} is not an active validator`, { validator });
    }
    const problem = attestationKeyProblem(family, key);
    if (problem) throw new BridgeError("BRIDGE_INVALID_KEY", problem, { family, key });
    const owner = K.KeyOwners.get(ctx, [family, key]);
    if (owner !== undefined && owner !== validator) {
      throw new BridgeError("BRIDGE_KEY_IN_USE", `the ${family} key ${key} belongs to validator ${owner}`, { family, key, owner });
    }
    const prev = K.AttestationKeys.get(ctx, [validator, family]);
    if (prev !== undefined && prev !== key) K.KeyOwners.delete(ctx, [family, prev]);
    K.AttestationKeys.set(ctx, [validator, family], key);
    K.KeyOwners.set(ctx, [family, key], validator);
    ctx.emit(BridgeEvents.KeyRegistered, { validator, family, key });
  }

  /**
   * The set in force with each member's key for `family` (sorted by key): what a destination's
   * validator set must mirror. Members without a key are listed apart; their power still counts
   * in totalPower, the bar NexusOS measures against.
   */
  attestationKeys(ctx: Ctx, family: Family): { family: Family; height: number; totalPower: string; keyedPower: string; keys: { validator: string; key: string; power: string }[]; missing: string[] } {
    const keys: { validator: string; key: string; power: string }[] = [];
    const missing: string[] = [];
    let total = 0n;
    let keyed = 0n;
    for (const v of this.staking.activeSetFor(ctx, ctx.block.height)) {
      if (v.power <= 0n) continue;
      total += v.power;
      const key = K.AttestationKeys.get(ctx, [v.operator, family]);
      if (key === undefined) missing.push(v.operator);
      else {
        keyed += v.power;
        keys.push({ validator: v.operator, key, power: v.power.toString() });
      }
    }
    keys.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    missing.sort();
    return { family, height: ctx.block.height, totalPower: total.toString(), keyedPower: keyed.toString(), keys, missing };
  }

  // ---- buckets and totals ------------------------------------------------------------------------

  static rule(c: ChainSettings): BucketRule {
    return { capacity: BigInt(c.rateLimit.capacity), refillPerSecond: BigInt(c.rateLimit.refillPerSecond) };
  }

  bucket(ctx: Ctx, c: ChainSettings, dir: Direction): Bucket {
    return K.Buckets.get(ctx, [c.name, dir]) ?? freshBucket(BridgeKeeper.rule(c), blockSeconds(ctx.block.time));
  }

  /** Try to take `amount` from the chain's bucket; written only when it succeeds. */
  takeTokens(ctx: Ctx, c: ChainSettings, dir: Direction, amount: bigint): TakeResult {
    const r = take(this.bucket(ctx, c, dir), BridgeKeeper.rule(c), blockSeconds(ctx.block.time), amount);
    if (r.ok) K.Buckets.set(ctx, [c.name, dir], r.bucket);
    return r;
  }

  totals(ctx: Ctx, chain: string): ChainTotals {
    return K.Totals.get(ctx, chain) ?? { ...ZERO_TOTALS };
  }

  addTotals(ctx: Ctx, chain: string, d: Partial<ChainTotals>): void {
    const t = this.totals(ctx, chain);
    K.Totals.set(ctx, chain, {
      lockedOut: t.lockedOut + (d.lockedOut ?? 0n),
      refundedOut: t.refundedOut + (d.refundedOut ?? 0n),
      executedOut: t.executedOut + (d.executedOut ?? 0n),
      creditedIn: t.creditedIn + (d.creditedIn ?? 0n),
    });
  }

  /** What the escrow must hold: Σ over chains of lockedOut − refundedOut − creditedIn. */
  escrowOwed(ctx: Ctx): bigint {
    let owed = 0n;
    for (const t of K.Totals.values(ctx)) owed += t.lockedOut - t.refundedOut - t.creditedIn;
    return owed;
  }

  // ---- block hooks -------------------------------------------------------------------------------

  endBlock(ctx: Ctx): void {
    this.inbound.endBlock(ctx);
    this.bhlsDelivery.endBlock(ctx);
  }
}
