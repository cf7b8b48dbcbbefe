/**
 * Module accounts the economy moves NXT between. The names are wire values (their addresses
 * derive from them: moduleAddress(name)): never rename one.
 */
export const FEE_COLLECTOR = "fee_collector";
export const TRANSITION_RESERVE = "transition_reserve";
export const BHLS_FLOOR_RESERVE = "bhls_floor_reserve";
export const TREASURY = "treasury";
/** Holds a postage payment for the moment between the buyer's transfer and its burn/reserve split. */
export const POSTAGE = "postage";

/** The twelve liquidity allocation accounts, in the order SPEC.md lists them (and params, events, queries use). */
export const LIQUIDITY_ACCOUNTS = [
  "liquidity_electricity",
  "liquidity_water",
  "liquidity_manufacturing",
  "liquidity_logistics",
  "liquidity_food",
  "liquidity_agriculture",
  "liquidity_horticulture",
  "liquidity_aquaculture",
  "liquidity_services",
  "liquidity_technology",
  "liquidity_carbon",
  "liquidity_environmental",
] as const;
export type LiquidityAccount = (typeof LIQUIDITY_ACCOUNTS)[number];

/**
 * What economy needs from the chain's module-account permission table (bank enforces it):
 * fee_collector burns the burned share of fees, postage the burned share of postage. Every
 * other account here only receives and sends, which needs no permission.
 */
export const ECONOMY_MODULE_ACCOUNT_PERMISSIONS: Readonly<Record<string, readonly "burner"[]>> = {
  [FEE_COLLECTOR]: ["burner"],
  [POSTAGE]: ["burner"],
};
