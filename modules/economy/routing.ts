import type { Rational } from "../../runtime/tx/bands.ts";
import { BPS } from "./params.ts";

/**
 * Pure rules for where a block's fees and a postage payment go. Remainder rules (the only
 * rounding there is):
 *
 * Fees, total T of the block:
 *   burned     = floor(T × feeBurnBps / 10000)
 *   reserve    = floor(T × feeReserveBps / 10000)
 *   validators = T − burned − reserve          (offered to staking's allocateFees)
 *   staking pays P ≤ validators (each validator floor(validators × power / total power));
 *   the unpaid validators − P (power-split rounding; all of it with an empty set) goes to the
 *   transition reserve as well, so the fee collector ends every block empty:
 *   T = burned + P + (reserve + validators − P).
 *
 * Postage, payment A:
 *   burned  = floor(A × postageBurnBps / 10000)
 *   reserve = A − burned                        (the rounding remainder goes to the reserve)
 */
export interface FeeRoute {
  readonly total: bigint;
  readonly burned: bigint;
  readonly reserve: bigint;
  /** Offered to the validators; what staking does not pay joins the reserve. */
  readonly validators: bigint;
}

export function routeFees(total: bigint, p: { feeBurnBps: number; feeReserveBps: number }): FeeRoute {
  if (total < 0n) throw new RangeError(`routeFees: negative total ${total}`);
  const burned = (total * BigInt(p.feeBurnBps)) / BPS;
  const reserve = (total * BigInt(p.feeReserveBps)) / BPS;
  return { total, burned, reserve, validators: total - burned - reserve };
}

export interface PostageRoute {
  readonly burned: bigint;
  readonly reserve: bigint;
}

export function routePostage(amount: bigint, p: { postageBurnBps: number }): PostageRoute {
  if (amount < 0n) throw new RangeError(`routePostage: negative amount ${amount}`);
  const burned = (amount * BigInt(p.postageBurnBps)) / BPS;
  return { burned, reserve: amount - burned };
}

/**
 * Energy (attojoules, the unit receipts record) that `amount` base units buy in a band whose
 * joulesPerUnit is `jpu` joules per base unit: floor(amount × jpu × 10^18). Rounded down, the
 * opposite of a transaction's fee (energy rounded up, fee rounded up): a budget never holds
 * more energy than was paid for.
 */
export function postageEnergy(amount: bigint, jpu: Rational): bigint {
  if (amount < 0n) throw new RangeError(`postageEnergy: negative amount ${amount}`);
  return (amount * jpu.num * 10n ** 18n) / jpu.den;
}
