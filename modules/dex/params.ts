import type { FromSchema } from "json-schema-to-ts";
import { isAddress, moduleAddress } from "../../runtime/crypto/address.ts";
import { jsonCodec } from "../../runtime/state/collections/index.ts";

/** Module account that holds every pool's reserves. */
export const DEX_MODULE_ACCOUNT = "dex";
/** Key-less account holding each pool's locked MINIMUM_LIQUIDITY (Uniswap's address(0)). */
export const LOCKED_LIQUIDITY_ACCOUNT = "dex_locked_liquidity";
/** Default module account that funds genesis pools and receives their LP. */
export const DEFAULT_GENESIS_FUNDER = "ecosystem_fund";
/** Permissions the chain's bank must give the dex's module account. */
export const DEX_MODULE_ACCOUNT_PERMISSIONS = { dex: ["minter", "burner"] } as const;

/** LP share denomination of pool `id`. */
export function lpDenom(id: number): string {
  return `dex/pool/${id}`;
}

export const paramsSchema = {
  type: "object",
  description: "dex parameters",
  properties: {
    protocolFeeEnabled: { type: "boolean", description: "mint 1/6 of the LP fee growth as LP to the liquidity allocation accounts (Uniswap v2 feeTo)" },
    oracleObservations: { type: "integer", minimum: 2, maximum: 65536, description: "size of each new pool's TWAP observation ring (one per block at most)" },
  },
  required: ["protocolFeeEnabled", "oracleObservations"],
  additionalProperties: false,
} as const;

export type DexParams = FromSchema<typeof paramsSchema>;

export function defaultParams(): DexParams {
  return { protocolFeeEnabled: false, oracleObservations: 1024 };
}

export const paramsCodec = jsonCodec<DexParams>({ name: "dex.Params", schema: paramsSchema });

/** What the chain gives the dex module. */
export interface DexConfig {
  /** Address allowed to send /dex.v1.MsgUpdateParams. */
  readonly authority: string;
  /** Whether a LiquidityAllocationSource is bound (the protocol fee may be switched on). */
  readonly hasFeeRecipients: boolean;
}

export function dexConfig(authority: string = moduleAddress("gov"), hasFeeRecipients = false): DexConfig {
  if (!isAddress(authority)) throw new Error(`dex: authority "${authority}" is not an address`);
  return { authority, hasFeeRecipients };
}
