import { AMOUNT_PATTERN, DENOM_PATTERN } from "../../runtime/modules/schemas.ts";
import { BankError } from "./errors.ts";

export interface Coin {
  readonly denom: string;
  readonly amount: bigint;
}

/** Wire/JSON form: amount as a decimal string of base units. */
export interface CoinJson {
  denom: string;
  amount: string;
}

export const coinSchema = {
  type: "object",
  properties: {
    denom: { type: "string", pattern: DENOM_PATTERN },
    amount: { type: "string", pattern: AMOUNT_PATTERN },
  },
  required: ["denom", "amount"],
  additionalProperties: false,
} as const;

export const coinsSchema = { type: "array", items: coinSchema, minItems: 1, maxItems: 16 } as const;

/** Parse coins from a message: positive amounts, each denom once. */
export function parseCoins(list: readonly CoinJson[]): Coin[] {
  const seen = new Set<string>();
  return list.map((c) => {
    if (seen.has(c.denom)) throw new BankError("BANK_DUPLICATE_DENOM", `denomination ${c.denom} appears twice`);
    seen.add(c.denom);
    const amount = BigInt(c.amount);
    if (amount <= 0n) throw new BankError("BANK_INVALID_AMOUNT", `amount of ${c.denom} must be positive, got ${c.amount}`);
    return { denom: c.denom, amount };
  });
}

export function formatCoins(coins: readonly Coin[]): string {
  return coins.map((c) => `${c.amount}${c.denom}`).join(",");
}

export function coinsToJson(coins: readonly Coin[]): CoinJson[] {
  return coins.map((c) => ({ denom: c.denom, amount: c.amount.toString() }));
}
