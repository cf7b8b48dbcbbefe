import { defineModuleErrors } from "../../runtime/tx/errors.ts";

/**
 * Error codes of the dex module (codespace "dex"). They reach receipts and the RPC: append
 * only, never rename or renumber; a retired code stays here as a comment. Router and Pair
 * reverts of contracts/dex map onto them as docs/dex.md lists (slippage is split as the
 * Router splits it: SlippageExceeded, ExcessiveInputAmount, InsufficientA/BAmount).
 */
export const DEX_ERRORS = {
  DEX_UNKNOWN_POOL: 1, // no pool with that id or denomination pair
  DEX_IDENTICAL_DENOMS: 2, // Router IdenticalAddresses
  DEX_ZERO_AMOUNT: 3, // a zero amount; Pair InsufficientInput/OutputAmount, Router InsufficientAmount
  DEX_EXPIRED: 4, // deadline (unix seconds) before the block's second
  DEX_SLIPPAGE_EXCEEDED: 5, // exact-in swap: output below minAmountOut (Router SlippageExceeded)
  DEX_EXCESSIVE_INPUT_AMOUNT: 6, // exact-out swap: input above maxAmountIn
  DEX_INSUFFICIENT_A_AMOUNT: 7, // add/remove liquidity: A side below its minimum
  DEX_INSUFFICIENT_B_AMOUNT: 8, // add/remove liquidity: B side below its minimum
  DEX_ROUTE_MISSING_POOL: 9, // a hop of a route has no pool
  DEX_RESERVE_OVERFLOW: 10, // a reserve above 2^112-1 (Pair Overflow)
  DEX_POOL_EXISTS: 11,
  DEX_INSUFFICIENT_LIQUIDITY: 12, // output at or above the reserve, or an empty pool
  DEX_INSUFFICIENT_LIQUIDITY_MINTED: 13,
  DEX_INSUFFICIENT_LIQUIDITY_BURNED: 14,
  DEX_K: 15, // the swap would lower the fee-adjusted constant product
  DEX_INVALID_ROUTE: 16, // route shape: length, a denomination twice in a row
  DEX_UNAUTHORIZED: 17, // MsgUpdateParams not from the authority
  DEX_PROTOCOL_FEE_UNAVAILABLE: 18, // protocol fee switched on but the chain bound no fee recipients
  DEX_GENESIS_INVALID: 19,
  DEX_INSUFFICIENT_HISTORY: 20, // twap: no observation old enough for the window
  DEX_INVALID_RECIPIENT: 21, // a pair primitive paying or charging the dex's own reserve account
  DEX_INVALID_FEE_SHARES: 22, // the liquidity allocation shares do not sum to 10000 bps
} as const;

export type DexErrorCode = keyof typeof DEX_ERRORS;

export class DexError extends defineModuleErrors("dex", DEX_ERRORS) {}
