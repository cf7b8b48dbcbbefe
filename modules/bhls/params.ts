import type { FromSchema } from "json-schema-to-ts";
import { AMOUNT_PATTERN } from "../../runtime/modules/schemas.ts";
import { isAddress, moduleAddress } from "../../runtime/crypto/address.ts";
import { jsonCodec } from "../../runtime/state/collections/index.ts";

export const NXT_DENOM = "nxt";
export const NXT = 100_000_000n;
/** SPEC.md: 1 150 NXT per citizen per month (epoch). */
export const DEFAULT_MONTHLY_AMOUNT = 1150n * NXT;
/** A bridged chain's name in a claim destination and in params.bridgeChains. */
export const CHAIN_NAME_PATTERN = "^[a-z0-9-]{1,32}$";

export const paramsSchema = {
  type: "object",
  properties: {
    monthlyAmount: { type: "string", pattern: AMOUNT_PATTERN, description: "most a citizen receives per epoch, NXT base units (default 1150 NXT)" },
    bridgeChains: {
      type: "array",
      description: "chains a claim may be directed to (the bridge delivers it)",
      items: { type: "string", pattern: CHAIN_NAME_PATTERN },
      maxItems: 32,
      uniqueItems: true,
    },
  },
  required: ["monthlyAmount", "bridgeChains"],
  additionalProperties: false,
} as const;

export type BhlsParams = FromSchema<typeof paramsSchema>;

export const paramsCodec = jsonCodec<BhlsParams>({ name: "bhls.Params", schema: paramsSchema });

export function defaultParams(): BhlsParams {
  return { monthlyAmount: DEFAULT_MONTHLY_AMOUNT.toString(), bridgeChains: ["evm", "polkadot", "cosmos"] };
}

/** What the schema cannot say: the amount is positive. */
export function paramsProblem(p: BhlsParams): string | null {
  if (BigInt(p.monthlyAmount) <= 0n) return `monthlyAmount must be positive, got ${p.monthlyAmount}`;
  return null;
}

/** What the chain gives the BHLS module (bound to BhlsTokens.Config). */
export interface BhlsConfig {
  /** Address allowed to send the authority messages (attestors, revocations, params). */
  readonly authority: string;
}

export function bhlsConfig(opts: { authority?: string } = {}): BhlsConfig {
  const authority = opts.authority ?? moduleAddress("gov");
  if (!isAddress(authority)) throw new Error(`bhls: authority "${authority}" is not an address`);
  return { authority };
}
