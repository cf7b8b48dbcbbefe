import { StoreLayout, jsonCodec, pairKey, stringKey, u64NumberKey, uintNumberValue } from "../../runtime/state/collections/index.ts";
import { DENOM_PATTERN } from "../../runtime/modules/schemas.ts";
import { paramsCodec } from "./params.ts";

/**
 * Store layout of the "dex" namespace. Prefix bytes are wire values: append only, never reuse
 * one (a retired prefix stays here as a comment).
 */
export const PARAMS_PREFIX = 0x01; // 0x01 → DexParams
export const POOLS_PREFIX = 0x02; // 0x02 | id(u64) → Pool
export const POOL_BY_DENOMS_PREFIX = 0x03; // 0x03 | denom0 0x00 | denom1 → id
export const NEXT_POOL_ID_PREFIX = 0x04; // 0x04 → next pool id (first is 1)
export const OBSERVATIONS_PREFIX = 0x05; // 0x05 | id(u64) | slot(u64) → Observation

const UINT = "^(0|[1-9][0-9]*)$";
const uint = { type: "string", pattern: UINT } as const;

/**
 * A pool: Uniswap v2 pair state plus its TWAP ring. Reserves are held by the "dex" module
 * account; totalSupply is the LP supply the module keeps (equal to the bank supply of
 * dex/pool/<id>, an invariant). blockTimestampLast is in whole seconds.
 */
export interface Pool {
  id: number;
  denom0: string;
  denom1: string;
  reserve0: bigint;
  reserve1: bigint;
  totalSupply: bigint;
  kLast: bigint;
  price0CumulativeLast: bigint;
  price1CumulativeLast: bigint;
  blockTimestampLast: number;
  /** Ring of observations: capacity fixed at creation, next slot to write, how many are written. */
  obsCapacity: number;
  obsNext: number;
  obsCount: number;
}

export const poolSchema = {
  type: "object",
  properties: {
    id: { type: "integer", minimum: 1 },
    denom0: { type: "string", pattern: DENOM_PATTERN },
    denom1: { type: "string", pattern: DENOM_PATTERN },
    reserve0: uint,
    reserve1: uint,
    totalSupply: uint,
    kLast: uint,
    price0CumulativeLast: uint,
    price1CumulativeLast: uint,
    blockTimestampLast: { type: "integer", minimum: 0 },
    obsCapacity: { type: "integer", minimum: 2, maximum: 65536 },
    obsNext: { type: "integer", minimum: 0 },
    obsCount: { type: "integer", minimum: 0 },
  },
  required: ["id", "denom0", "denom1", "reserve0", "reserve1", "totalSupply", "kLast", "price0CumulativeLast", "price1CumulativeLast", "blockTimestampLast", "obsCapacity", "obsNext", "obsCount"],
  additionalProperties: false,
} as const;

export const poolCodec = jsonCodec<Pool>({
  name: "dex.Pool",
  schema: poolSchema,
  bigints: ["reserve0", "reserve1", "totalSupply", "kLast", "price0CumulativeLast", "price1CumulativeLast"],
});

/** A TWAP observation: the pool's cumulative prices at `time` (unix seconds). */
export interface Observation {
  time: number;
  price0Cumulative: bigint;
  price1Cumulative: bigint;
}

export const observationSchema = {
  type: "object",
  properties: { time: { type: "integer", minimum: 0 }, price0Cumulative: uint, price1Cumulative: uint },
  required: ["time", "price0Cumulative", "price1Cumulative"],
  additionalProperties: false,
} as const;

export const observationCodec = jsonCodec<Observation>({ name: "dex.Observation", schema: observationSchema, bigints: ["price0Cumulative", "price1Cumulative"] });

const layout = new StoreLayout("dex");

export const Params = layout.item(PARAMS_PREFIX, "params", paramsCodec, { memo: true });
export const Pools = layout.map(POOLS_PREFIX, "pools", u64NumberKey, poolCodec);
export const PoolByDenoms = layout.map(POOL_BY_DENOMS_PREFIX, "poolByDenoms", pairKey(stringKey, stringKey), uintNumberValue);
export const NextPoolId = layout.sequence(NEXT_POOL_ID_PREFIX, "nextPoolId");
export const Observations = layout.map(OBSERVATIONS_PREFIX, "observations", pairKey(u64NumberKey, u64NumberKey), observationCodec);
