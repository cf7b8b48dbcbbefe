import { RpcErrors } from "./errors.ts";
/**
 * Amount strings for people: "1.5NXT" (display units, 8 decimals) or "150000000nxt" (base
 * units). Parsing is exact (bigint); floats never touch an amount.
 */
export const NXT_BASE_DENOM = "nxt";
export const NXT_DISPLAY_DENOM = "NXT";
export const NXT_DECIMALS = 8;

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

export function parseAmount(input: string): ParsedAmount {
  const hint = 'write it like "1.5NXT" (display units) or "150000000nxt" (base units; 1 NXT = 100000000 nxt)';
  const m = RE.exec(input);
  if (!m) throw new AmountError(`"${input}" is not an amount: ${hint}`);
  const [, num, unit] = m as unknown as [string, string, string];
  let amount: bigint;
  let denom: string;
  if (unit === NXT_DISPLAY_DENOM) {
    const [whole, frac = ""] = num.split(".") as [string, string?];
    if (frac.length > NXT_DECIMALS) throw new AmountError(`"${input}" has ${frac.length} decimals; NXT has ${NXT_DECIMALS}`);
    amount = BigInt(whole) * 10n ** BigInt(NXT_DECIMALS) + BigInt(frac.padEnd(NXT_DECIMALS, "0") || "0");
    denom = NXT_BASE_DENOM;
  } else {
    if (unit !== unit.toLowerCase()) throw new AmountError(`"${input}": unknown display unit "${unit}"; ${hint}`);
    if (num.includes(".")) throw new AmountError(`"${input}": base units (${unit}) must be a whole number; use "${num}NXT" for display units`);
    amount = BigInt(num);
    denom = unit;
  }
  if (amount <= 0n) throw new AmountError(`"${input}": the amount must be greater than zero`);
  if (amount > MAX_AMOUNT) throw new AmountError(`"${input}" is too large`);
  return { amount, denom };
}

/** "150000000" nxt → "1.5 NXT"; other denominations print as base units. */
export function formatAmount(amount: bigint | string, denom: string): string {
  const a = typeof amount === "bigint" ? amount : BigInt(amount);
  if (denom !== NXT_BASE_DENOM) return `${a} ${denom}`;
  const unit = 10n ** BigInt(NXT_DECIMALS);
  const frac = (a % unit).toString().padStart(NXT_DECIMALS, "0").replace(/0+$/, "");
  return `${a / unit}${frac ? `.${frac}` : ""} ${NXT_DISPLAY_DENOM}`;
}
