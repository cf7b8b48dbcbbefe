import type { FromSchema } from "json-schema-to-ts";
import { AMOUNT_PATTERN } from "../../runtime/modules/schemas.ts";
import { isAddress, moduleAddress } from "../../runtime/crypto/address.ts";
import { jsonCodec } from "../../runtime/state/collections/index.ts";
import { LIQUIDITY_ACCOUNTS, type LiquidityAccount } from "./accounts.ts";

const bps = { type: "integer", minimum: 0, maximum: 10000 } as const;
/** The denominator of every *Bps param: 10 000 = 100%. */
export const BPS = 10_000n;
export const NXT_DENOM = "nxt";
export const NXT = 100_000_000n;
export const DAY_MS = 86_400_000;

const liquidityShares = {
  type: "object",
  description: "each liquidity allocation account's share of the liquidity part of a transition, basis points (sum 10000)",
  properties: Object.fromEntries(LIQUIDITY_ACCOUNTS.map((a) => [a, bps])) as Record<LiquidityAccount, typeof bps>,
  required: [...LIQUIDITY_ACCOUNTS],
  additionalProperties: false,
} as const;

export const paramsSchema = {
  type: "object",
  properties: {
    /** Shares of the block's fees (sum 10000): validators by power, the transition reserve, burned. */
    feeValidatorsBps: bps,
    feeReserveBps: bps,
    feeBurnBps: bps,
    /** Shares of a postage payment (sum 10000). */
    postageReserveBps: bps,
    postageBurnBps: bps,
    /** Length of an epoch in ms of block time (30 days; a dev genesis may set seconds). */
    epochDurationMs: { type: "integer", minimum: 1000, maximum: 315360000000 },
    /** Shares of the transition reserve at an epoch transition in the normal branch (sum 10000). */
    transitionFloorBps: bps,
    transitionLiquidityBps: bps,
    liquidityShares,
    /** Most NXT (base units) governance may draw from the treasury to the floor reserve per epoch, in crisis. */
    treasuryDrawCapPerEpoch: { type: "string", pattern: AMOUNT_PATTERN },
  },
  required: [
    "feeValidatorsBps",
    "feeReserveBps",
    "feeBurnBps",
    "postageReserveBps",
    "postageBurnBps",
    "epochDurationMs",
    "transitionFloorBps",
    "transitionLiquidityBps",
    "liquidityShares",
    "treasuryDrawCapPerEpoch",
  ],
  additionalProperties: false,
} as const;

export type EconomyParams = FromSchema<typeof paramsSchema>;

export const paramsCodec = jsonCodec<EconomyParams>({ name: "economy.Params", schema: paramsSchema });

/** SPEC.md's percentages. */
export function defaultParams(): EconomyParams {
  return {
    feeValidatorsBps: 5000,
    feeReserveBps: 3000,
    feeBurnBps: 2000,
    postageReserveBps: 8000,
    postageBurnBps: 2000,
    epochDurationMs: 30 * DAY_MS,
    transitionFloorBps: 6000,
    transitionLiquidityBps: 4000,
    liquidityShares: {
      liquidity_electricity: 1200,
      liquidity_water: 800,
      liquidity_manufacturing: 1200,
      liquidity_logistics: 800,
      liquidity_food: 1000,
      liquidity_agriculture: 1000,
      liquidity_horticulture: 800,
      liquidity_aquaculture: 700,
      liquidity_services: 1000,
      liquidity_technology: 500,
      liquidity_carbon: 500,
      liquidity_environmental: 500,
    },
    treasuryDrawCapPerEpoch: (10_000_000n * NXT).toString(),
  };
}

/** Rules the schema cannot state (every bps group sums to 10000); null when the params hold. */
export function paramsProblem(p: EconomyParams): string | null {
  const fee = p.feeValidatorsBps + p.feeReserveBps + p.feeBurnBps;
  if (fee !== 10000) return `feeValidatorsBps + feeReserveBps + feeBurnBps must be 10000, got ${fee}`;
  const postage = p.postageReserveBps + p.postageBurnBps;
  if (postage !== 10000) return `postageReserveBps + postageBurnBps must be 10000, got ${postage}`;
  const transition = p.transitionFloorBps + p.transitionLiquidityBps;
  if (transition !== 10000) return `transitionFloorBps + transitionLiquidityBps must be 10000, got ${transition}`;
  let shares = 0;
  for (const a of LIQUIDITY_ACCOUNTS) shares += p.liquidityShares[a];
  if (shares !== 10000) return `liquidityShares must sum to 10000, got ${shares}`;
  return null;
}

/** The twelve accounts with their share of the liquidity part, in LIQUIDITY_ACCOUNTS order. */
export function liquidityShareList(p: EconomyParams): { module: LiquidityAccount; bps: number }[] {
  return LIQUIDITY_ACCOUNTS.map((module) => ({ module, bps: p.liquidityShares[module] }));
}

/**
 * Module account whose address is the default authority (MsgUpdateParams, MsgTreasuryDraw):
 * the governance module's account.
 */
export const DEFAULT_AUTHORITY_ACCOUNT = "gov";

/** What the chain gives the economy module (bound to EconomyTokens.Config). */
export interface EconomyConfig {
  /** Address allowed to send /economy.v1.MsgUpdateParams and /economy.v1.MsgTreasuryDraw. */
  readonly authority: string;
}

export function economyConfig(opts: { authority?: string } = {}): EconomyConfig {
  const authority = opts.authority ?? moduleAddress(DEFAULT_AUTHORITY_ACCOUNT);
  if (!isAddress(authority)) throw new Error(`economy: authority "${authority}" is not an address`);
  return { authority };
}
