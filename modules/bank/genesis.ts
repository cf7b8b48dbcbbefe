import type { FromSchema } from "json-schema-to-ts";
import type { Ctx, GenesisDef } from "../../runtime/modules/types.ts";
import { ADDRESS_PATTERN, AMOUNT_PATTERN, DENOM_PATTERN } from "../../runtime/modules/schemas.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import { coinsSchema, coinsToJson, parseCoins, type Coin } from "./coins.ts";
import { paramsSchema, defaultParams, NXT, NXT_DENOM, NXT_DECIMALS } from "./params.ts";
import { validateBankParams } from "./msgs.ts";
import type { BankKeeper } from "./keeper/bank-keeper.ts";
import { BankError } from "./errors.ts";
import { metadataSchema } from "./keys.ts";

export const bankGenesisSchema = {
  $id: "https://nexusos.dev/schemas/bank.v1.Genesis.json",
  type: "object",
  properties: {
    params: paramsSchema,
    denomMetadata: { type: "array", items: metadataSchema },
    /** Balances of keyed accounts. */
    balances: {
      type: "array",
      items: {
        type: "object",
        properties: { address: { type: "string", pattern: ADDRESS_PATTERN }, coins: coinsSchema },
        required: ["address", "coins"],
        additionalProperties: false,
      },
    },
    /** Balances of module accounts, by module account name (no key exists for them). */
    moduleBalances: {
      type: "array",
      items: {
        type: "object",
        properties: { module: { type: "string", pattern: "^[a-z][a-z0-9_]{1,63}$" }, coins: coinsSchema },
        required: ["module", "coins"],
        additionalProperties: false,
      },
    },
    /** Totals already burned (kept across an export/import so minted = balances + burned holds). */
    burned: {
      type: "array",
      items: {
        type: "object",
        properties: { denom: { type: "string", pattern: DENOM_PATTERN }, amount: { type: "string", pattern: AMOUNT_PATTERN } },
        required: ["denom", "amount"],
        additionalProperties: false,
      },
    },
  },
  required: ["params", "denomMetadata", "balances", "moduleBalances", "burned"],
  additionalProperties: false,
} as const;

export type BankGenesis = FromSchema<typeof bankGenesisSchema>;

/** SPEC.md dev allocation of 1 000 000 000 NXT to module accounts. */
export const GENESIS_ALLOCATION: ReadonlyArray<readonly [module: string, percent: bigint]> = [
  ["treasury", 40n],
  ["validator_pool", 20n],
  ["ecosystem_fund", 10n],
  ["bhls_floor_reserve", 20n],
  ["transition_reserve", 10n],
];
export const GENESIS_SUPPLY_NXT = 1_000_000_000n;

export function defaultBankGenesis(): BankGenesis {
  const total = GENESIS_SUPPLY_NXT * NXT;
  return {
    params: defaultParams(),
    denomMetadata: [{ denom: NXT_DENOM, display: "NXT", exponent: NXT_DECIMALS }],
    balances: [],
    moduleBalances: GENESIS_ALLOCATION.map(([module, pct]) => ({
      module,
      coins: [{ denom: NXT_DENOM, amount: ((total * pct) / 100n).toString() }],
    })),
    burned: [],
  };
}

export function bankGenesis(keeper: BankKeeper): GenesisDef<BankGenesis> {
  return {
    schema: bankGenesisSchema,
    defaults: defaultBankGenesis,
    init(ctx: Ctx, g: BankGenesis): void {
      validateBankParams(g.params);
      keeper.setParams(ctx, g.params);
      for (const m of g.denomMetadata) keeper.setMetadata(ctx, m);
      // Genesis balances are minted straight into their accounts (no module account, so no
      // permission): minted totals follow the credits.
      const credit = (address: string, coins: Coin[]): void => {
        for (const c of coins) keeper.genesisCredit(ctx, address, c);
      };
      const seen = new Set<string>();
      for (const b of g.balances) {
        if (seen.has(b.address)) throw new BankError("BANK_GENESIS_INVALID", `genesis lists balances for ${b.address} twice`);
        seen.add(b.address);
        credit(b.address, parseCoins(b.coins));
      }
      for (const m of g.moduleBalances) credit(moduleAddress(m.module), parseCoins(m.coins));
      for (const b of g.burned) {
        const amount = BigInt(b.amount);
        if (amount > 0n) keeper.genesisBurned(ctx, b.denom, amount);
      }
    },
    export(ctx: Ctx): BankGenesis {
      const byAddr = new Map<string, Coin[]>();
      for (const { address, coin } of keeper.allBalances(ctx)) {
        const l = byAddr.get(address) ?? [];
        l.push(coin);
        byAddr.set(address, l);
      }
      const denoms = keeper.denoms(ctx);
      return {
        params: { ...keeper.params(ctx) },
        denomMetadata: denoms.flatMap((d) => keeper.metadata(ctx, d) ?? []),
        balances: [...byAddr].map(([address, coins]) => ({ address, coins: coinsToJson(coins) })),
        moduleBalances: [],
        burned: denoms.map((d) => ({ denom: d, amount: keeper.burned(ctx, d).toString() })).filter((b) => b.amount !== "0"),
      };
    },
  };
}
