import type { QueryDef } from "../../runtime/modules/types.ts";
import { ADDRESS_PATTERN, DENOM_PATTERN } from "../../runtime/modules/schemas.ts";
import { coinsToJson } from "./coins.ts";
import type { BankKeeper } from "./keeper/bank-keeper.ts";

const q = (name: string, properties: Record<string, unknown>, required: string[]) =>
  ({ $id: `https://nexusos.dev/schemas/bank.v1.Query${name}.json`, type: "object", properties, required, additionalProperties: false }) as const;

export function bankQueries(keeper: BankKeeper): Record<string, QueryDef> {
  return {
    balance: {
      schema: q("Balance", { address: { type: "string", pattern: ADDRESS_PATTERN }, denom: { type: "string", pattern: DENOM_PATTERN } }, ["address", "denom"]),
      handle: (ctx, p: { address: string; denom: string }) => ({ denom: p.denom, amount: keeper.balance(ctx, p.address, p.denom).toString() }),
    },
    balances: {
      schema: q("Balances", { address: { type: "string", pattern: ADDRESS_PATTERN } }, ["address"]),
      handle: (ctx, p: { address: string }) => coinsToJson(keeper.balances(ctx, p.address)),
    },
    supply: {
      schema: q("Supply", { denom: { type: "string", pattern: DENOM_PATTERN } }, ["denom"]),
      handle: (ctx, p: { denom: string }) => ({
        denom: p.denom,
        minted: keeper.minted(ctx, p.denom).toString(),
        burned: keeper.burned(ctx, p.denom).toString(),
        supply: keeper.supply(ctx, p.denom).toString(),
      }),
    },
    params: { schema: q("Params", {}, []), handle: (ctx) => keeper.params(ctx) },
  };
}
