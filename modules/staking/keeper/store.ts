import type { Ctx } from "../../../runtime/modules/types.ts";
import type { KVStore } from "../../../runtime/state/types.ts";
import { utf8, fromHex } from "../../../runtime/crypto/hash.ts";
import { encodeAddress } from "../../../runtime/crypto/address.ts";
import { bytesToUint, uintToBytes, readU64Key } from "../../../runtime/codec/uint.ts";
import { prefixEnd } from "../../../runtime/modules/prefixed-store.ts";
import * as K from "../keys.ts";
import { defaultParams, POWER_REDUCTION, type StakingParams } from "../params.ts";
import type { Delegation, DistributionInfo, SigningInfo, Validator } from "../types.ts";

export const NS = "staking";
const dec = new TextDecoder();
const EMPTY = new Uint8Array(0);

/** Records are JSON with bigints as decimal strings; each record type lists its bigint fields. */
export function encodeRecord(v: object): Uint8Array {
  return utf8(JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x)));
}

export function decodeRecord<T>(raw: Uint8Array, bigFields: readonly string[]): T {
  const o = JSON.parse(dec.decode(raw)) as Record<string, unknown>;
  for (const f of bigFields) if (typeof o[f] === "string") o[f] = BigInt(o[f] as string);
  return o as T;
}

const VALIDATOR_BIG = ["minSelfDelegation", "tokens", "delegatorShares"] as const;
const DELEGATION_BIG = ["shares", "startRatio"] as const;
const DIST_BIG = ["ratio", "commission", "outstanding"] as const;

/** Consensus power: whole NXT of stake. */
export function powerOf(tokens: bigint): bigint {
  return tokens / POWER_REDUCTION;
}

/** Eligible for the active set: not jailed and at least one unit of power. */
export function eligible(v: Validator): boolean {
  return !v.jailed && powerOf(v.tokens) >= 1n;
}

export function* iter(kv: KVStore, prefix: Uint8Array, opts?: { limit?: number; end?: Uint8Array; reverse?: boolean }): Iterable<[Uint8Array, Uint8Array]> {
  yield* kv.iterate(prefix, opts?.end ?? prefixEnd(prefix), { limit: opts?.limit, reverse: opts?.reverse });
}

/** Raw record access for the staking namespace; keepers of each concern build on it. */
export class StakingStore {
  kv(ctx: Ctx): KVStore {
    return ctx.kv(NS);
  }

  params(ctx: Ctx): StakingParams {
    const raw = ctx.kv(NS).get(K.PARAMS_KEY);
    return raw ? (JSON.parse(dec.decode(raw)) as StakingParams) : defaultParams();
  }

  setParams(ctx: Ctx, p: StakingParams): void {
    ctx.kv(NS).set(K.PARAMS_KEY, utf8(JSON.stringify(p)));
  }

  nextId(ctx: Ctx): number {
    const kv = ctx.kv(NS);
    const id = Number(bytesToUint(kv.get(K.SEQ_KEY)));
    kv.set(K.SEQ_KEY, uintToBytes(BigInt(id + 1)));
    return id;
  }

  // ---- validators -----------------------------------------------------------------------

  validator(ctx: Ctx, op: string): Validator | undefined {
    const raw = ctx.kv(NS).get(K.validatorKey(op));
    return raw ? decodeRecord<Validator>(raw, VALIDATOR_BIG) : undefined;
  }

  /** Write a validator and keep the power index in step with it. */
  setValidator(ctx: Ctx, v: Validator): void {
    const kv = ctx.kv(NS);
    const prev = this.validator(ctx, v.operator);
    if (prev && eligible(prev)) kv.delete(K.powerIndexKey(powerOf(prev.tokens), prev.operator));
    if (eligible(v)) kv.set(K.powerIndexKey(powerOf(v.tokens), v.operator), EMPTY);
    kv.set(K.validatorKey(v.operator), encodeRecord(v));
  }

  operatorByPubKey(ctx: Ctx, pubKeyHex: string): string | undefined {
    const raw = ctx.kv(NS).get(K.pubkeyIndexKey(fromHex(pubKeyHex)));
    return raw ? encodeAddress(raw) : undefined;
  }

  setPubKeyIndex(ctx: Ctx, pubKeyHex: string, op: string): void {
    ctx.kv(NS).set(K.pubkeyIndexKey(fromHex(pubKeyHex)), K.validatorKey(op).subarray(1));
  }

  *allValidators(ctx: Ctx): Iterable<Validator> {
    for (const [, v] of iter(ctx.kv(NS), K.prefixOnly(K.VALIDATOR_PREFIX))) yield decodeRecord<Validator>(v, VALIDATOR_BIG);
  }

  /** Eligible operators by descending power (ties: ascending address bytes), at most `limit`. */
  topByPower(ctx: Ctx, limit: number): string[] {
    const out: string[] = [];
    for (const [k] of iter(ctx.kv(NS), K.prefixOnly(K.POWER_INDEX_PREFIX), { limit })) out.push(encodeAddress(k.subarray(9, 41)));
    return out;
  }

  // ---- delegations ------------------------------------------------------------------------

  delegation(ctx: Ctx, del: string, op: string): Delegation | undefined {
    const raw = ctx.kv(NS).get(K.delegationKey(del, op));
    return raw ? decodeRecord<Delegation>(raw, DELEGATION_BIG) : undefined;
  }

  /** Write a delegation, or remove it (and its reverse index) when its shares reach zero. */
  setDelegation(ctx: Ctx, d: Delegation): void {
    const kv = ctx.kv(NS);
    if (d.shares === 0n) {
      kv.delete(K.delegationKey(d.delegator, d.validator));
      kv.delete(K.valDelegationKey(d.validator, d.delegator));
    } else {
      kv.set(K.delegationKey(d.delegator, d.validator), encodeRecord(d));
      kv.set(K.valDelegationKey(d.validator, d.delegator), EMPTY);
    }
  }

  *delegationsOf(ctx: Ctx, del: string): Iterable<Delegation> {
    for (const [, v] of iter(ctx.kv(NS), K.delegationsOfPrefix(del))) yield decodeRecord<Delegation>(v, DELEGATION_BIG);
  }

  *delegationsTo(ctx: Ctx, op: string, limit?: number): Iterable<Delegation> {
    for (const [k] of iter(ctx.kv(NS), K.valDelegationsPrefix(op), { limit })) {
      const d = this.delegation(ctx, encodeAddress(k.subarray(33, 65)), op);
      if (d) yield d;
    }
  }

  *allDelegations(ctx: Ctx): Iterable<Delegation> {
    for (const [, v] of iter(ctx.kv(NS), K.prefixOnly(K.DELEGATION_PREFIX))) yield decodeRecord<Delegation>(v, DELEGATION_BIG);
  }

  // ---- distribution -------------------------------------------------------------------------

  dist(ctx: Ctx, op: string): DistributionInfo {
    const raw = ctx.kv(NS).get(K.distKey(op));
    return raw ? decodeRecord<DistributionInfo>(raw, DIST_BIG) : { ratio: 0n, commission: 0n, outstanding: 0n };
  }

  setDist(ctx: Ctx, op: string, d: DistributionInfo): void {
    ctx.kv(NS).set(K.distKey(op), encodeRecord(d));
  }

  // ---- signing info -------------------------------------------------------------------------

  signingInfo(ctx: Ctx, op: string): SigningInfo | undefined {
    const raw = ctx.kv(NS).get(K.signingInfoKey(op));
    return raw ? (JSON.parse(dec.decode(raw)) as SigningInfo) : undefined;
  }

  setSigningInfo(ctx: Ctx, op: string, s: SigningInfo): void {
    ctx.kv(NS).set(K.signingInfoKey(op), utf8(JSON.stringify(s)));
  }

  // ---- counters -------------------------------------------------------------------------------

  count(ctx: Ctx, key: Uint8Array): number {
    return Number(bytesToUint(ctx.kv(NS).get(key)));
  }

  addCount(ctx: Ctx, key: Uint8Array, delta: number): void {
    const n = this.count(ctx, key) + delta;
    if (n <= 0) ctx.kv(NS).delete(key);
    else ctx.kv(NS).set(key, uintToBytes(BigInt(n)));
  }
}

export { readU64Key };
