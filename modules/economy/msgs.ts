import type { FromSchema } from "json-schema-to-ts";
import type { MsgDef } from "../../runtime/modules/types.ts";
import { ADDRESS_PATTERN, AMOUNT_PATTERN } from "../../runtime/modules/schemas.ts";
import { EconomyError } from "./errors.ts";
import { EconomyEvents } from "./events.ts";
import { paramsProblem, paramsSchema, type EconomyParams } from "./params.ts";
import type { EconomyKeeper } from "./keeper/economy-keeper.ts";

const address = { type: "string", pattern: ADDRESS_PATTERN } as const;
const amount = { type: "string", pattern: AMOUNT_PATTERN } as const;

const schema = <const P extends Record<string, unknown>, const R extends readonly string[]>(name: string, properties: P, required: R, description: string) =>
  ({ $id: `https://nexusos.dev/schemas/economy.v1.${name}.json`, type: "object", description, properties, required, additionalProperties: false }) as const;

export const msgBuyPostageSchema = schema(
  "MsgBuyPostage",
  {
    buyer: address,
    amount: { ...amount, description: "NXT to pay (80% to the transition reserve, 20% burned by default)", examples: ["1NXT"] },
    band: { type: "integer", minimum: 1, maximum: 7, description: "spectral band whose joulesPerUnit prices the energy (default 1, NANO)" },
  },
  ["buyer", "amount"] as const,
  "buy a messaging postage budget: energy (attojoules) = amount × joulesPerUnit[band]",
);
export type MsgBuyPostage = FromSchema<typeof msgBuyPostageSchema>;

export const msgTreasuryDrawSchema = schema(
  "MsgTreasuryDraw",
  { authority: address, amount: { ...amount, description: "NXT to move from the treasury to the BHLS floor reserve" } },
  ["authority", "amount"] as const,
  "crisis only (stability index below 0.5): move treasury NXT to the BHLS floor reserve, capped per epoch (economy's authority signs)",
);
export type MsgTreasuryDraw = FromSchema<typeof msgTreasuryDrawSchema>;

/** Governance's treasury spend (Cosmos's community-pool spend): NXT from the treasury to any account. */
export const msgTreasurySpendSchema = schema(
  "MsgTreasurySpend",
  {
    authority: address,
    recipient: { ...address, description: "who receives the NXT" },
    amount: { ...amount, description: "NXT base units from the treasury" },
    purpose: { type: "string", minLength: 1, maxLength: 280, description: "what the spend is for (kept in the event)" },
  },
  ["authority", "recipient", "amount", "purpose"] as const,
  "spend treasury NXT (a governance proposal's message; economy's authority signs)",
);
export type MsgTreasurySpend = FromSchema<typeof msgTreasurySpendSchema>;

/** Sent by economy's authority (governance by default): replaces the whole params object. */
export const msgUpdateParamsSchema = schema("MsgUpdateParams", { authority: address, params: paramsSchema }, ["authority", "params"] as const, "replace economy's params (economy's authority signs)");
export type MsgUpdateParams = FromSchema<typeof msgUpdateParamsSchema>;

/** Wire values: never reuse or renumber. */
export const EconomyTypeUrls = {
  BuyPostage: "/economy.v1.MsgBuyPostage",
  TreasuryDraw: "/economy.v1.MsgTreasuryDraw",
  UpdateParams: "/economy.v1.MsgUpdateParams",
  TreasurySpend: "/economy.v1.MsgTreasurySpend",
} as const;

function positive(s: string, what: string): bigint {
  const n = BigInt(s);
  if (n <= 0n) throw new EconomyError("ECONOMY_INVALID_AMOUNT", `${what} must be positive, got ${s}`);
  return n;
}

/** Every bps group sums to 10000 (MsgUpdateParams and genesis). */
export function validateEconomyParams(p: EconomyParams): void {
  const problem = paramsProblem(p);
  if (problem) throw new EconomyError("ECONOMY_INVALID_PARAMS", problem);
}

export function economyMsgs(keeper: EconomyKeeper): MsgDef[] {
  const buy: MsgDef<MsgBuyPostage> = {
    typeUrl: EconomyTypeUrls.BuyPostage,
    schema: msgBuyPostageSchema,
    signers: (m) => [m.buyer],
    validate: (m) => void positive(m.amount, "postage amount"),
    handle: (ctx, m) => void keeper.buyPostage(ctx, m.buyer, BigInt(m.amount), m.band ?? 1),
  };
  const draw: MsgDef<MsgTreasuryDraw> = {
    typeUrl: EconomyTypeUrls.TreasuryDraw,
    schema: msgTreasuryDrawSchema,
    signers: (m) => [m.authority],
    validate: (m) => void positive(m.amount, "draw amount"),
    handle: (ctx, m) => keeper.treasuryDraw(ctx, m.authority, BigInt(m.amount)),
  };
  const updateParams: MsgDef<MsgUpdateParams> = {
    typeUrl: EconomyTypeUrls.UpdateParams,
    schema: msgUpdateParamsSchema,
    signers: (m) => [m.authority],
    validate: (m) => validateEconomyParams(m.params),
    handle(ctx, m) {
      keeper.requireAuthority(m.authority);
      validateEconomyParams(m.params);
      keeper.setParams(ctx, m.params);
      ctx.emit(EconomyEvents.ParamsUpdated, { authority: m.authority });
    },
  };
  const spend: MsgDef<MsgTreasurySpend> = {
    typeUrl: EconomyTypeUrls.TreasurySpend,
    schema: msgTreasurySpendSchema,
    signers: (m) => [m.authority],
    validate: (m) => void positive(m.amount, "spend amount"),
    handle: (ctx, m) => keeper.treasurySpend(ctx, m.authority, m.recipient, BigInt(m.amount), m.purpose),
  };
  return [buy, draw, updateParams, spend] as MsgDef[];
}
