import type { FromSchema } from "json-schema-to-ts";
import type { Ctx, GenesisDef } from "../../runtime/modules/types.ts";
import { AMOUNT_PATTERN, DENOM_PATTERN } from "../../runtime/modules/schemas.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import { observationCodec, observationSchema, poolCodec, poolSchema, type Pool } from "./keys.ts";
import { DEFAULT_GENESIS_FUNDER, defaultParams, paramsSchema } from "./params.ts";
import { DexError } from "./errors.ts";
import { DexEvents } from "./events.ts";
import type { DexKeeper } from "./keeper/dex-keeper.ts";

const amount = { type: "string", pattern: AMOUNT_PATTERN } as const;

export const dexGenesisSchema = {
  $id: "https://nexusos.dev/schemas/dex.v1.Genesis.json",
  type: "object",
  properties: {
    params: paramsSchema,
    /** Module account that funds bootstrapPools and receives their LP (community-owned liquidity). */
    funder: { type: "string", pattern: "^[a-z][a-z0-9_]{1,63}$" },
    /** Pools created at InitChain from the funder's balance. */
    bootstrapPools: {
      type: "array",
      maxItems: 1000,
      items: {
        type: "object",
        properties: { denomA: { type: "string", pattern: DENOM_PATTERN }, amountA: amount, denomB: { type: "string", pattern: DENOM_PATTERN }, amountB: amount },
        required: ["denomA", "amountA", "denomB", "amountB"],
        additionalProperties: false,
      },
    },
    /** Full pool state of an export (the bank section holds the reserves and LP balances). */
    pools: {
      type: "array",
      items: {
        type: "object",
        properties: { pool: poolSchema, observations: { type: "array", items: observationSchema, maxItems: 65536 } },
        required: ["pool", "observations"],
        additionalProperties: false,
      },
    },
    nextPoolId: { type: "integer", minimum: 1 },
  },
  required: ["params", "funder", "bootstrapPools", "pools", "nextPoolId"],
  additionalProperties: false,
} as const;

export type DexGenesis = FromSchema<typeof dexGenesisSchema>;

export function defaultDexGenesis(): DexGenesis {
  return { params: defaultParams(), funder: DEFAULT_GENESIS_FUNDER, bootstrapPools: [], pools: [], nextPoolId: 1 };
}

const bad = (msg: string, context: Record<string, unknown> = {}): DexError => new DexError("DEX_GENESIS_INVALID", msg, context);

export function dexGenesis(keeper: DexKeeper): GenesisDef<DexGenesis> {
  return {
    schema: dexGenesisSchema,
    defaults: defaultDexGenesis,
    init(ctx: Ctx, g: DexGenesis): void {
      keeper.setParams(ctx, g.params);
      let maxId = 0;
      const ids = new Set<number>();
      const pairs = new Set<string>();
      for (const [i, e] of g.pools.entries()) {
        const pool = poolCodec.fromJson(structuredClone(e.pool)) as Pool;
        if (!(pool.denom0 < pool.denom1)) throw bad(`pools[${i}]: denom0 ${pool.denom0} must sort before denom1 ${pool.denom1}`);
        if (ids.has(pool.id)) throw bad(`pools[${i}]: id ${pool.id} listed twice`);
        if (pairs.has(`${pool.denom0}\0${pool.denom1}`)) throw bad(`pools[${i}]: ${pool.denom0}/${pool.denom1} listed twice`);
        if (e.observations.length > pool.obsCapacity || e.observations.length !== pool.obsCount) throw bad(`pools[${i}]: ${e.observations.length} observations for obsCount ${pool.obsCount}, capacity ${pool.obsCapacity}`);
        ids.add(pool.id);
        pairs.add(`${pool.denom0}\0${pool.denom1}`);
        maxId = Math.max(maxId, pool.id);
        // Exported oldest first: stored again from slot 0.
        pool.obsNext = pool.obsCount % pool.obsCapacity;
        keeper.pools.put(ctx, pool);
        keeper.oracle.restore(ctx, pool, e.observations.map((o) => observationCodec.fromJson(structuredClone(o))));
      }
      keeper.pools.setNextId(ctx, Math.max(g.nextPoolId, maxId + 1));
      const funder = moduleAddress(g.funder);
      for (const [i, b] of g.bootstrapPools.entries()) {
        if (b.denomA === b.denomB) throw bad(`bootstrapPools[${i}]: ${b.denomA} twice`);
        if (keeper.poolByDenoms(ctx, b.denomA, b.denomB)) throw bad(`bootstrapPools[${i}]: a pool for ${b.denomA}/${b.denomB} exists`);
        const pool = keeper.createPool(ctx, b.denomA, b.denomB);
        keeper.addLiquidity(ctx, funder, b.denomA, b.denomB, BigInt(b.amountA), BigInt(b.amountB), 0n, 0n, funder);
        ctx.emit(DexEvents.PoolCreated, { poolId: String(pool.id), denom0: pool.denom0, denom1: pool.denom1, creator: g.funder });
      }
    },
    export(ctx: Ctx): DexGenesis {
      const pools = [...keeper.allPools(ctx)].map((p) => ({
        pool: poolCodec.toJson(p) as DexGenesis["pools"][number]["pool"],
        observations: keeper.oracle.list(ctx, p).map((o) => observationCodec.toJson(o) as DexGenesis["pools"][number]["observations"][number]),
      }));
      return { params: { ...keeper.params(ctx) }, funder: DEFAULT_GENESIS_FUNDER, bootstrapPools: [], pools, nextPoolId: keeper.pools.nextId(ctx) };
    },
  };
}
