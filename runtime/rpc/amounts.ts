import type { DenomUnit } from "../modules/chain.ts";
import { RpcErrors } from "./errors.ts";

/**
 * Amount strings for people: "1.5NXT" (display units) or "150000000nxt" (base units), for the
 * denominations a chain declares (chains/<name>/chain.ts). Parsing is exact (bigint); floats
 * never touch an amount.
 */
export class AmountError extends RpcErrors<"AMOUNT_INVALID"> {
  constructor(message: string) {
    super("AMOUNT_INVALID", message);
  }
}

export interface ParsedAmount {
  /** Base units. */
  amount: bigint;
  /** Base denomination. */
  denom: string;
}

const MAX_AMOUNT = 10n ** 38n - 1n; // the chain's amount schema allows up to 38 digits
const RE = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z][A-Za-z0-9/._-]{1,63})\s*$/;

export class Amounts {
  private readonly byDisplay: Map<string, DenomUnit>;
  private readonly byBase: Map<string, DenomUnit>;

  constructor(readonly denoms: readonly DenomUnit[]) {
    this.byDisplay = new Map(denoms.map((d) => [d.display, d]));
    this.byBase = new Map(denoms.map((d) => [d.base, d]));
  }

  /** The fee denomination: the chain's first. */
  get feeDenom(): DenomUnit {
    return this.denoms[0]!;
  }

  private hint(): string {
    const d = this.feeDenom;
    const one = 10n ** BigInt(d.decimals);
    return `write it like "1.5${d.display}" (display units) or "${(one * 3n) / 2n}${d.base}" (base units; 1 ${d.display} = ${one} ${d.base})`;
  }

  parse(input: string): ParsedAmount {
    const m = RE.exec(input);
    if (!m) throw new AmountError(`"${input}" is not an amount: ${this.hint()}`);
    const [, num, unit] = m as unknown as [string, string, string];
    let amount: bigint;
    let denom: string;
    const display = this.byDisplay.get(unit);
    if (display) {
      const [whole, frac = ""] = num.split(".") as [string, string?];
      if (frac.length > display.decimals) throw new AmountError(`"${input}" has ${frac.length} decimals; ${display.display} has ${display.decimals}`);
      amount = BigInt(whole) * 10n ** BigInt(display.decimals) + BigInt(frac.padEnd(display.decimals, "0") || "0");
      denom = display.base;
    } else {
      if (unit !== unit.toLowerCase()) throw new AmountError(`"${input}": unknown display unit "${unit}"; ${this.hint()}`);
      // "5x10nxt", "1e5nxt": a multiplier or an exponent, not a denomination named "x10nxt".
      if (!this.byBase.has(unit) && /^[xe][0-9]/.test(unit)) {
        throw new AmountError(`"${input}": "${unit}" is not a denomination (a multiplier or exponent?); write the whole number, e.g. "${num}${unit.replace(/^[xe][0-9]+/, "")}"`);
      }
      if (num.includes(".")) {
        const d = this.byBase.get(unit);
        throw new AmountError(`"${input}": base units (${unit}) must be a whole number${d ? `; use "${num}${d.display}" for display units` : ""}`);
      }
      amount = BigInt(num);
      denom = unit;
    }
    if (amount <= 0n) throw new AmountError(`"${input}": the amount must be greater than zero`);
    if (amount > MAX_AMOUNT) throw new AmountError(`"${input}" is too large`);
    return { amount, denom };
  }

  /** "150000000" nxt → "1.5 NXT"; denominations without a display unit print as base units. */
  format(amount: bigint | string, denom: string): string {
    const a = typeof amount === "bigint" ? amount : BigInt(amount);
    const d = this.byBase.get(denom);
    if (!d) return `${a} ${denom}`;
    const unit = 10n ** BigInt(d.decimals);
    const frac = (a % unit).toString().padStart(d.decimals, "0").replace(/0+$/, "");
    return `${a / unit}${frac ? `.${frac}` : ""} ${d.display}`;
  }
}
