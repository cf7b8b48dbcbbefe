import { inject, injectable } from "inversify";
import type { Ctx } from "../../../runtime/modules/types.ts";
import { bytesToUint, uintToBytes } from "../../../runtime/codec/uint.ts";
import { utf8 } from "../../../runtime/crypto/hash.ts";
import { countKey, PARAMS_KEY, SNAPSHOT_KEY, TOTAL_KEY, COUNT_PREFIX } from "../keys.ts";
import { defaultParams, type CounterParams } from "../params.ts";
import { CounterError } from "../errors.ts";
import { CounterEvents } from "../events.ts";
import { CounterDeps, type BankForCounter } from "../expected-keepers.ts";
import { prefixEnd } from "../../../runtime/modules/prefixed-store.ts";

const NS = "counter";
const dec = new TextDecoder();

/** All state access of the counter module goes through here. */
@injectable()
export class CounterKeeper {
  constructor(@inject(CounterDeps.Bank) private readonly bank: BankForCounter) {}

  params(ctx: Ctx): CounterParams {
    const raw = ctx.kv(NS).get(PARAMS_KEY);
    return raw ? (JSON.parse(dec.decode(raw)) as CounterParams) : defaultParams();
  }

  setParams(ctx: Ctx, p: CounterParams): void {
    ctx.kv(NS).set(PARAMS_KEY, utf8(JSON.stringify(p)));
  }

  count(ctx: Ctx, address: string): bigint {
    return bytesToUint(ctx.kv(NS).get(countKey(address)));
  }

  total(ctx: Ctx): bigint {
    return bytesToUint(ctx.kv(NS).get(TOTAL_KEY));
  }

  /** Add (or with a negative step, subtract) and keep the total in step. */
  change(ctx: Ctx, address: string, step: bigint): bigint {
    const p = this.params(ctx);
    const mag = step < 0n ? -step : step;
    if (mag > BigInt(p.maxStep)) throw new CounterError("COUNTER_STEP_TOO_LARGE", `step ${step} exceeds maxStep ${p.maxStep}`);
    const now = this.count(ctx, address) + step;
    if (now < 0n) throw new CounterError("COUNTER_UNDERFLOW", `counter of ${address} would go below zero (${now})`);
    if (step > 0n && p.pricePerIncrement !== "0") {
      this.bank.sendToModule(ctx, address, NS, [{ denom: "nxt", amount: BigInt(p.pricePerIncrement) * step }]);
    }
    ctx.kv(NS).set(countKey(address), uintToBytes(now));
    ctx.kv(NS).set(TOTAL_KEY, uintToBytes(this.total(ctx) + step));
    ctx.emit(CounterEvents.Changed, { address, step: step.toString(), value: now.toString() });
    return now;
  }

  setCount(ctx: Ctx, address: string, value: bigint): void {
    ctx.kv(NS).set(countKey(address), uintToBytes(value));
    ctx.kv(NS).set(TOTAL_KEY, uintToBytes(this.total(ctx) + value));
  }

  snapshot(ctx: Ctx): { height: number; total: string } | undefined {
    const raw = ctx.kv(NS).get(SNAPSHOT_KEY);
    return raw ? (JSON.parse(dec.decode(raw)) as { height: number; total: string }) : undefined;
  }

  writeSnapshot(ctx: Ctx): void {
    const s = { height: ctx.block.height, total: this.total(ctx).toString() };
    ctx.kv(NS).set(SNAPSHOT_KEY, utf8(JSON.stringify(s)));
    ctx.emit(CounterEvents.Snapshot, { height: String(s.height), total: s.total });
  }

  /** Every (address, count): genesis export and the invariant only. */
  *all(ctx: Ctx): Iterable<{ address: Uint8Array; count: bigint }> {
    const start = new Uint8Array([COUNT_PREFIX]);
    for (const [k, v] of ctx.kv(NS).iterate(start, prefixEnd(start))) yield { address: k.subarray(1), count: bytesToUint(v) };
  }
}
