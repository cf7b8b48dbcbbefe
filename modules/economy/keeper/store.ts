import type { Ctx } from "../../../runtime/modules/types.ts";
import { moduleAddress } from "../../../runtime/crypto/address.ts";
import * as K from "../keys.ts";
import { defaultParams, NXT_DENOM, type EconomyParams } from "../params.ts";
import type { EpochState } from "../records.ts";
import type { BankForEconomy } from "../expected-keepers.ts";

export const nxt = (amount: bigint): { denom: string; amount: bigint }[] => [{ denom: NXT_DENOM, amount }];

/** State and bank access the economy's keepers share. */
export class EconomyStore {
  constructor(readonly bank: BankForEconomy) {}

  params(ctx: Ctx): EconomyParams {
    return K.Params.get(ctx) ?? defaultParams();
  }

  setParams(ctx: Ctx, p: EconomyParams): void {
    K.Params.set(ctx, p);
  }

  epoch(ctx: Ctx): EpochState {
    return K.Epoch.get(ctx) ?? { epoch: 1, startMs: ctx.block.time, treasuryDrawn: "0" };
  }

  setEpoch(ctx: Ctx, e: EpochState): void {
    K.Epoch.set(ctx, e);
  }

  /** NXT balance of a module account. */
  held(ctx: Ctx, module: string): bigint {
    return this.bank.balance(ctx, moduleAddress(module), NXT_DENOM);
  }

  /** Module account to module account; nothing happens for 0. */
  move(ctx: Ctx, from: string, to: string, amount: bigint): void {
    if (amount > 0n) this.bank.send(ctx, moduleAddress(from), moduleAddress(to), nxt(amount));
  }

  /** A module account's NXT to any address. */
  moveTo(ctx: Ctx, from: string, to: string, amount: bigint): void {
    if (amount > 0n) this.bank.send(ctx, moduleAddress(from), to, nxt(amount));
  }

  balance(ctx: Ctx, module: string): bigint {
    return this.bank.balance(ctx, moduleAddress(module), "nxt");
  }

  burn(ctx: Ctx, module: string, amount: bigint): void {
    if (amount > 0n) this.bank.burn(ctx, module, nxt(amount));
  }
}
