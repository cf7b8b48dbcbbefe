import type { QueryDef } from "../../runtime/modules/types.ts";
import { AMOUNT_PATTERN, DENOM_PATTERN } from "../../runtime/modules/schemas.ts";
import { poolCodec, type Pool } from "./keys.ts";
import { lpDenom } from "./params.ts";
import { DexError } from "./errors.ts";
import { MAX_ROUTE } from "./keeper/router.ts";
import type { DexKeeper } from "./keeper/dex-keeper.ts";

const q = (name: string, description: string, properties: Record<string, unknown>, required: string[]) =>
  ({ $id: `https://nexusos.dev/schemas/dex.v1.Query${name}.json`, type: "object", description, properties, required, additionalProperties: false }) as const;

const poolId = { type: "integer", minimum: 1, description: "pool id" } as const;
const denom = (description: string) => ({ type: "string", pattern: DENOM_PATTERN, description }) as const;
const route = { type: "array", items: { type: "string", pattern: DENOM_PATTERN }, minItems: 2, maxItems: MAX_ROUTE, description: 'JSON list of denominations, e.g. ["nxt","usdc"]' } as const;

/** A pool as JSON (bigints as decimal strings) with its LP denomination. */
export function poolToJson(p: Pool): Record<string, unknown> {
  return { ...(poolCodec.toJson(p) as Record<string, unknown>), lpDenom: lpDenom(p.id) };
}

export function dexQueries(keeper: DexKeeper): Record<string, QueryDef> {
  return {
    params: { schema: q("Params", "the dex parameters", {}, []), handle: (ctx) => keeper.params(ctx) },
    pools: {
      schema: q("Pools", "pools in id order, a page at a time", { limit: { type: "integer", minimum: 1, maximum: 100, description: "page size (default 50)" }, after: { type: "string", maxLength: 64, description: "cursor from the previous page's next" } }, []),
      handle: (ctx, p: { limit?: number; after?: string }) => {
        const page = keeper.poolsPage(ctx, p.limit ?? 50, p.after);
        return { pools: page.items.map(poolToJson), next: page.next };
      },
    },
    pool: {
      schema: q("Pool", "one pool, by id or by its two denominations", { id: poolId, denomA: denom("first denomination"), denomB: denom("second denomination") }, []),
      handle: (ctx, p: { id?: number; denomA?: string; denomB?: string }) => {
        let pool: Pool | undefined;
        if (p.id !== undefined) pool = keeper.pool(ctx, p.id);
        else if (p.denomA !== undefined && p.denomB !== undefined) pool = keeper.poolByDenoms(ctx, p.denomA, p.denomB);
        else throw new DexError("DEX_UNKNOWN_POOL", "give id, or denomA and denomB");
        if (!pool) throw new DexError("DEX_UNKNOWN_POOL", `no pool ${p.id ?? `${p.denomA}/${p.denomB}`}`);
        return poolToJson(pool);
      },
    },
    quoteExactIn: {
      schema: q("QuoteExactIn", "amounts along a route for an exact input (getAmountsOut)", { route, amountIn: { type: "string", pattern: AMOUNT_PATTERN, description: "base units of route[0]" } }, ["route", "amountIn"]),
      handle: (ctx, p: { route: string[]; amountIn: string }) => ({ amounts: keeper.quoteExactIn(ctx, p.route, BigInt(p.amountIn)).map(String) }),
    },
    quoteExactOut: {
      schema: q("QuoteExactOut", "amounts along a route for an exact output (getAmountsIn)", { route, amountOut: { type: "string", pattern: AMOUNT_PATTERN, description: "base units of the last denomination" } }, ["route", "amountOut"]),
      handle: (ctx, p: { route: string[]; amountOut: string }) => ({ amounts: keeper.quoteExactOut(ctx, p.route, BigInt(p.amountOut)).map(String) }),
    },
    twap: {
      schema: q("Twap", "time-weighted average prices (UQ112x112) over at least the window", { poolId, windowSeconds: { type: "integer", minimum: 1, maximum: 315360000, description: "seconds of block time" } }, ["poolId", "windowSeconds"]),
      handle: (ctx, p: { poolId: number; windowSeconds: number }) => {
        const t = keeper.twap(ctx, p.poolId, p.windowSeconds);
        return { price0Average: t.price0Average.toString(), price1Average: t.price1Average.toString(), windowSeconds: t.windowSeconds, from: t.from, to: t.to };
      },
    },
    communityLiquidity: {
      schema: q(
        "CommunityLiquidity",
        "LP held by the liquidity allocation accounts (or one account) and what it redeems for",
        { poolId, account: { type: "string", pattern: "^[a-z][a-z0-9_]{1,63}$", description: "module account name (default: every liquidity allocation account)" } },
        [],
      ),
      handle: (ctx, p: { poolId?: number; account?: string }) =>
        keeper.communityLiquidity(ctx, { poolId: p.poolId, module: p.account }).map((c) => ({
          poolId: c.poolId,
          account: c.module,
          address: c.address,
          liquidity: c.liquidity.toString(),
          amount0: c.amount0.toString(),
          amount1: c.amount1.toString(),
        })),
    },
  };
}
