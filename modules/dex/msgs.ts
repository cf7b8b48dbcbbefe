import type { FromSchema } from "json-schema-to-ts";
import type { MsgCtx, MsgDef } from "../../runtime/modules/types.ts";
import { ADDRESS_PATTERN, AMOUNT_PATTERN, DENOM_PATTERN } from "../../runtime/modules/schemas.ts";
import { paramsSchema } from "./params.ts";
import { DexError } from "./errors.ts";
import { DexEvents } from "./events.ts";
import { blockSeconds } from "./keeper/oracle.ts";
import { checkRoute, MAX_ROUTE } from "./keeper/router.ts";
import type { DexKeeper } from "./keeper/dex-keeper.ts";

const address = (description: string) => ({ type: "string", pattern: ADDRESS_PATTERN, description }) as const;
const amount = (description: string) => ({ type: "string", pattern: AMOUNT_PATTERN, description }) as const;
const denom = (description: string) => ({ type: "string", pattern: DENOM_PATTERN, description }) as const;
const deadline = { type: "integer", minimum: 0, maximum: 9007199254740991, description: "unix time in seconds; refused in a block later than this (Uniswap's deadline)" } as const;
const route = {
  type: "array",
  items: { type: "string", pattern: DENOM_PATTERN },
  minItems: 2,
  maxItems: MAX_ROUTE,
  description: "denominations from the input to the output, e.g. [\"nxt\",\"usdc\"]; each neighbouring pair must have a pool",
} as const;

const id = (name: string) => `https://nexusos.dev/schemas/dex.v1.${name}.json`;

export const msgCreatePoolSchema = {
  $id: id("MsgCreatePool"),
  type: "object",
  description: "create the pool of two denominations and make its first deposit (LP minted: sqrt(amountA*amountB) - 1000)",
  properties: {
    sender: address("depositor, who receives the LP shares"),
    denomA: denom("first denomination"),
    denomB: denom("second denomination"),
    amountA: amount("base units of denomA deposited"),
    amountB: amount("base units of denomB deposited"),
    minLiquidity: amount("refuse if fewer LP shares would be minted"),
    deadline,
  },
  required: ["sender", "denomA", "denomB", "amountA", "amountB", "deadline"],
  additionalProperties: false,
} as const;
export type MsgCreatePool = FromSchema<typeof msgCreatePoolSchema>;

export const msgAddLiquiditySchema = {
  $id: id("MsgAddLiquidity"),
  type: "object",
  description: "deposit both denominations of a pool at its current price, at most the desired amounts",
  properties: {
    sender: address("depositor, who receives the LP shares"),
    denomA: denom("first denomination"),
    denomB: denom("second denomination"),
    amountADesired: amount("most of denomA to deposit"),
    amountBDesired: amount("most of denomB to deposit"),
    amountAMin: amount("refuse if less denomA would be deposited"),
    amountBMin: amount("refuse if less denomB would be deposited"),
    deadline,
  },
  required: ["sender", "denomA", "denomB", "amountADesired", "amountBDesired", "amountAMin", "amountBMin", "deadline"],
  additionalProperties: false,
} as const;
export type MsgAddLiquidity = FromSchema<typeof msgAddLiquiditySchema>;

export const msgRemoveLiquiditySchema = {
  $id: id("MsgRemoveLiquidity"),
  type: "object",
  description: "burn LP shares of a pool for both denominations, pro rata",
  properties: {
    sender: address("LP holder, who receives the payout"),
    denomA: denom("first denomination"),
    denomB: denom("second denomination"),
    liquidity: amount("LP shares (dex/pool/<id>) to burn"),
    amountAMin: amount("refuse if less denomA would be paid"),
    amountBMin: amount("refuse if less denomB would be paid"),
    deadline,
  },
  required: ["sender", "denomA", "denomB", "liquidity", "amountAMin", "amountBMin", "deadline"],
  additionalProperties: false,
} as const;
export type MsgRemoveLiquidity = FromSchema<typeof msgRemoveLiquiditySchema>;

export const msgSwapExactInSchema = {
  $id: id("MsgSwapExactIn"),
  type: "object",
  description: "swap an exact input along a route for at least minAmountOut (0.30% fee per hop)",
  properties: {
    sender: address("payer of the input"),
    route,
    amountIn: amount("base units of route[0] paid"),
    minAmountOut: amount("refuse if less of the last denomination would be received"),
    deadline,
    receiver: address("who receives the output (default: the sender)"),
  },
  required: ["sender", "route", "amountIn", "minAmountOut", "deadline"],
  additionalProperties: false,
} as const;
export type MsgSwapExactIn = FromSchema<typeof msgSwapExactInSchema>;

export const msgSwapExactOutSchema = {
  $id: id("MsgSwapExactOut"),
  type: "object",
  description: "swap along a route for an exact output, paying at most maxAmountIn",
  properties: {
    sender: address("payer of the input"),
    route,
    amountOut: amount("base units of the last denomination received"),
    maxAmountIn: amount("refuse if more of route[0] would be paid"),
    deadline,
    receiver: address("who receives the output (default: the sender)"),
  },
  required: ["sender", "route", "amountOut", "maxAmountIn", "deadline"],
  additionalProperties: false,
} as const;
export type MsgSwapExactOut = FromSchema<typeof msgSwapExactOutSchema>;

/** Sent by the dex's authority (governance by default): replaces the whole params object. */
export const msgUpdateParamsSchema = {
  $id: id("MsgUpdateParams"),
  type: "object",
  description: "replace the dex parameters (authority only)",
  properties: { authority: address("the dex's authority"), params: paramsSchema },
  required: ["authority", "params"],
  additionalProperties: false,
} as const;
export type MsgUpdateParams = FromSchema<typeof msgUpdateParamsSchema>;

/** Wire values: never reuse or renumber. */
export const DexTypeUrls = {
  CreatePool: "/dex.v1.MsgCreatePool",
  AddLiquidity: "/dex.v1.MsgAddLiquidity",
  RemoveLiquidity: "/dex.v1.MsgRemoveLiquidity",
  SwapExactIn: "/dex.v1.MsgSwapExactIn",
  SwapExactOut: "/dex.v1.MsgSwapExactOut",
  UpdateParams: "/dex.v1.MsgUpdateParams",
} as const;

function positive(v: string, field: string): bigint {
  const x = BigInt(v);
  if (x <= 0n) throw new DexError("DEX_ZERO_AMOUNT", `${field} must be above zero`, { field });
  return x;
}

function distinct(a: string, b: string): void {
  if (a === b) throw new DexError("DEX_IDENTICAL_DENOMS", `denomA and denomB are both ${a}`, { denom: a });
}

/** Uniswap's `ensure(deadline)`: the block's whole second must not be later than the deadline. */
export function requireDeadline(ctx: MsgCtx, deadline: number): void {
  const now = blockSeconds(ctx);
  if (now > deadline) throw new DexError("DEX_EXPIRED", `deadline ${deadline} passed (block time ${now})`, { deadline, now });
}

export function dexMsgs(keeper: DexKeeper): MsgDef[] {
  const createPool: MsgDef<MsgCreatePool> = {
    typeUrl: DexTypeUrls.CreatePool,
    schema: msgCreatePoolSchema,
    signers: (m) => [m.sender],
    validate(m) {
      distinct(m.denomA, m.denomB);
      positive(m.amountA, "amountA");
      positive(m.amountB, "amountB");
    },
    handle(ctx, m) {
      requireDeadline(ctx, m.deadline);
      const pool = keeper.createPool(ctx, m.denomA, m.denomB);
      const r = keeper.addLiquidity(ctx, m.sender, m.denomA, m.denomB, BigInt(m.amountA), BigInt(m.amountB), 0n, 0n);
      const min = BigInt(m.minLiquidity ?? "0");
      if (r.liquidity < min) throw new DexError("DEX_INSUFFICIENT_LIQUIDITY_MINTED", `first deposit mints ${r.liquidity} LP, below minLiquidity ${min}`, { liquidity: r.liquidity.toString() });
      ctx.emit(DexEvents.PoolCreated, { poolId: String(pool.id), denom0: pool.denom0, denom1: pool.denom1, creator: m.sender });
    },
  };
  const addLiquidity: MsgDef<MsgAddLiquidity> = {
    typeUrl: DexTypeUrls.AddLiquidity,
    schema: msgAddLiquiditySchema,
    signers: (m) => [m.sender],
    validate(m) {
      distinct(m.denomA, m.denomB);
      positive(m.amountADesired, "amountADesired");
      positive(m.amountBDesired, "amountBDesired");
    },
    handle(ctx, m) {
      requireDeadline(ctx, m.deadline);
      keeper.addLiquidity(ctx, m.sender, m.denomA, m.denomB, BigInt(m.amountADesired), BigInt(m.amountBDesired), BigInt(m.amountAMin), BigInt(m.amountBMin));
    },
  };
  const removeLiquidity: MsgDef<MsgRemoveLiquidity> = {
    typeUrl: DexTypeUrls.RemoveLiquidity,
    schema: msgRemoveLiquiditySchema,
    signers: (m) => [m.sender],
    validate(m) {
      distinct(m.denomA, m.denomB);
      positive(m.liquidity, "liquidity");
    },
    handle(ctx, m) {
      requireDeadline(ctx, m.deadline);
      keeper.removeLiquidity(ctx, m.sender, m.denomA, m.denomB, BigInt(m.liquidity), BigInt(m.amountAMin), BigInt(m.amountBMin));
    },
  };
  const swapExactIn: MsgDef<MsgSwapExactIn> = {
    typeUrl: DexTypeUrls.SwapExactIn,
    schema: msgSwapExactInSchema,
    signers: (m) => [m.sender],
    validate(m) {
      checkRoute(m.route);
      positive(m.amountIn, "amountIn");
    },
    handle(ctx, m) {
      requireDeadline(ctx, m.deadline);
      keeper.swapExactIn(ctx, m.sender, m.route, BigInt(m.amountIn), BigInt(m.minAmountOut), m.receiver ?? m.sender);
    },
  };
  const swapExactOut: MsgDef<MsgSwapExactOut> = {
    typeUrl: DexTypeUrls.SwapExactOut,
    schema: msgSwapExactOutSchema,
    signers: (m) => [m.sender],
    validate(m) {
      checkRoute(m.route);
      positive(m.amountOut, "amountOut");
    },
    handle(ctx, m) {
      requireDeadline(ctx, m.deadline);
      keeper.swapExactOut(ctx, m.sender, m.route, BigInt(m.amountOut), BigInt(m.maxAmountIn), m.receiver ?? m.sender);
    },
  };
  const updateParams: MsgDef<MsgUpdateParams> = {
    typeUrl: DexTypeUrls.UpdateParams,
    schema: msgUpdateParamsSchema,
    signers: (m) => [m.authority],
    handle(ctx, m) {
      if (m.authority !== keeper.authority) {
        throw new DexError("DEX_UNAUTHORIZED", `${m.authority} is not the dex's authority (${keeper.authority})`, { authority: keeper.authority });
      }
      keeper.setParams(ctx, m.params);
      ctx.emit(DexEvents.ParamsUpdated, { authority: m.authority, protocolFeeEnabled: String(m.params.protocolFeeEnabled) });
    },
  };
  return [createPool, addLiquidity, removeLiquidity, swapExactIn, swapExactOut, updateParams] as MsgDef[];
}
