import { inject, injectable } from "inversify";
import type { Ctx } from "../../../runtime/modules/types.ts";
import type { Page } from "../../../runtime/state/collections/index.ts";
import { Counts, Params, Snapshot, Total } from "../keys.ts";
import { counterConfig, defaultParams, type CounterConfig, type CounterParams } from "../params.ts";
import { CounterError } from "../errors.ts";
import { CounterEvents } from "../events.ts";
import { CounterDeps, type BankForCounter } from "../expected-keepers.ts";

const NS = "counter";

export const CounterConfigToken = Symbol.for("counter.Config");

/** All state access of the counter module goes through here, and only through its collections. */
@injectable()
export class CounterKeeper {
  constructor(
    @inject(CounterDeps.Bank) private readonly bank: BankForCounter,
    @inject(CounterConfigToken) readonly config: CounterConfig = counterConfig(),
  ) {}

  get authority(): string {
    return this.config.authority;
  }

  params(ctx: Ctx): CounterParams {
    return Params.get(ctx) ?? defaultParams();
  }

  setParams(ctx: Ctx, p: CounterParams): void {
    Params.set(ctx, p);
  }

  count(ctx: Ctx, address: string): bigint {
    return Counts.get(ctx, address) ?? 0n;
  }

  total(ctx: Ctx): bigint {
    return Total.get(ctx) ?? 0n;
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
    Counts.set(ctx, address, now);
    Total.set(ctx, this.total(ctx) + step);
    ctx.emit(CounterEvents.Changed, { address, step: step.toString(), value: now.toString() });
    return now;
  }

  setCount(ctx: Ctx, address: string, value: bigint): void {
    Counts.set(ctx, address, value);
    Total.set(ctx, this.total(ctx) + value);
  }

  snapshot(ctx: Ctx): { height: number; total: string } | undefined {
    const s = Snapshot.get(ctx);
    return s ? { height: s.height, total: s.total.toString() } : undefined;
  }

  writeSnapshot(ctx: Ctx): void {
    const s = { height: ctx.block.height, total: this.total(ctx) };
    Snapshot.set(ctx, s);
    ctx.emit(CounterEvents.Snapshot, { height: String(s.height), total: s.total.toString() });
  }

  /** Every (address, count): genesis export and the invariant only. */
  *all(ctx: Ctx): Iterable<{ address: string; count: bigint }> {
    for (const [address, count] of Counts.iterate(ctx)) yield { address, count };
  }

  /** One page of counts in address-byte order, for a list query: pass `next` back as `after`. */
  page(ctx: Ctx, req: { after?: string; limit: number }): Page<{ key: string; value: bigint }> {
    return Counts.page(ctx, req);
  }
}
