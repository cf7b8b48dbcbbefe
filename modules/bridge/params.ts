import type { FromSchema } from "json-schema-to-ts";
import { AMOUNT_PATTERN } from "../../runtime/modules/schemas.ts";
import { isAddress, moduleAddress } from "../../runtime/crypto/address.ts";
import { jsonCodec } from "../../runtime/state/collections/index.ts";

export const BRIDGE_MODULE = "bridge";
export const NXT_DENOM = "nxt";
export const NXT = 100_000_000n;

export const CHAIN_NAME_PATTERN = "^[a-z0-9-]{1,32}$";
export const FAMILIES = ["evm", "substrate", "cosmos"] as const;
export type Family = (typeof FAMILIES)[number];

const amount = { type: "string", pattern: AMOUNT_PATTERN } as const;
const seconds = { type: "integer", minimum: 1, maximum: 31_536_000 } as const;

/** One bridged chain (docs/bridge-protocol.md, ChainSettings). Amounts in NXT base units. */
export const chainSettingsSchema = {
  type: "object",
  properties: {
    name: { type: "string", pattern: CHAIN_NAME_PATTERN },
    family: { enum: FAMILIES },
    enabled: { type: "boolean", description: "false: no new transfers or attestations (open outbound transfers still complete)" },
    paused: { type: "boolean", description: "true: no new outbound transfers, no inbound credits (attestations are still recorded)" },
    confirmations: { type: "integer", minimum: 0, maximum: 100000, description: "source-chain confirmations watchers wait before attesting" },
    minAmount: { ...amount, description: "dust minimum of an outbound transfer" },
    rateLimit: {
      type: "object",
      description: "token bucket per direction, NXT base units, refilled on block time",
      properties: { capacity: amount, refillPerSecond: amount },
      required: ["capacity", "refillPerSecond"],
      additionalProperties: false,
    },
    outboundTtlSeconds: { ...seconds, description: "expiresAt = block time (s) + this" },
    evm: {
      type: "object",
      properties: {
        chainId: { type: "integer", minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
        bridgeContract: { type: "string", pattern: "^0x[0-9a-f]{40}$", description: "NexusBridge address, lowercase hex" },
      },
      required: ["chainId", "bridgeContract"],
      additionalProperties: false,
    },
    cosmos: {
      type: "object",
      properties: {
        chainId: { type: "string", minLength: 1, maxLength: 64 },
        prefix: { type: "string", pattern: "^[a-z][a-z0-9]{0,31}$", description: "bech32 prefix of the chain's accounts" },
        denom: { type: "string", minLength: 1, maxLength: 128 },
      },
      required: ["chainId", "prefix", "denom"],
      additionalProperties: false,
    },
    substrate: {
      type: "object",
      properties: {
        ss58Prefix: { type: "integer", minimum: 0, maximum: 16383 },
        assetId: { type: "string", pattern: "^[0-9]{1,39}$" },
        receiptCollection: {
          type: "string",
          pattern: "^[0-9]{1,10}$",
          description: "pallet-uniques collection whose item <seq> marks outbound <seq> executed or voided on the chain (default: assetId); owned by the validators' multisig",
        },
      },
      required: ["ss58Prefix", "assetId"],
      additionalProperties: false,
    },
  },
  required: ["name", "family", "enabled", "paused", "confirmations", "minAmount", "rateLimit", "outboundTtlSeconds"],
  additionalProperties: false,
} as const;
export type ChainSettings = FromSchema<typeof chainSettingsSchema>;
export const chainSettingsCodec = jsonCodec<ChainSettings>({ name: "bridge.ChainSettings", schema: chainSettingsSchema });

/** Module-wide params (added beyond the wire contract; MsgUpdateParams, ZEPTO). */
export const paramsSchema = {
  type: "object",
  properties: {
    expiryMarginSeconds: {
      type: "integer",
      minimum: 0,
      maximum: 31_536_000,
      description: 'an "expired" result is accepted only once block time (s) > expiresAt + this (clock skew between the chains)',
    },
    retryIntervalSeconds: { ...seconds, description: "a waiting inbound credit that no bucket refill can predict (escrow, pause) is retried after this" },
    maxCreditsPerBlock: { type: "integer", minimum: 1, maximum: 10000, description: "most waiting inbound credits one end block pays" },
    maxChains: { type: "integer", minimum: 1, maximum: 1024, description: "most chains (bounds the per-block invariant and the keys query)" },
  },
  required: ["expiryMarginSeconds", "retryIntervalSeconds", "maxCreditsPerBlock", "maxChains"],
  additionalProperties: false,
} as const;
export type BridgeParams = FromSchema<typeof paramsSchema>;
export const paramsCodec = jsonCodec<BridgeParams>({ name: "bridge.Params", schema: paramsSchema });

export function defaultParams(): BridgeParams {
  return { expiryMarginSeconds: 600, retryIntervalSeconds: 60, maxCreditsPerBlock: 50, maxChains: 64 };
}

/** Settings that do not hold together, or null. */
export function chainSettingsProblem(c: ChainSettings): string | null {
  if (c.family === "evm" && (c.cosmos || c.substrate)) return `chain ${c.name}: an evm chain carries only an evm block`;
  if (c.family === "cosmos" && !c.cosmos) return `chain ${c.name}: a cosmos chain needs cosmos {chainId, prefix, denom} (recipients are checked against its prefix)`;
  if (c.family === "cosmos" && (c.evm || c.substrate)) return `chain ${c.name}: a cosmos chain carries only a cosmos block`;
  if (c.family === "substrate" && !c.substrate) return `chain ${c.name}: a substrate chain needs substrate {ss58Prefix, assetId}`;
  if (c.family === "substrate" && (c.evm || c.cosmos)) return `chain ${c.name}: a substrate chain carries only a substrate block`;
  const min = BigInt(c.minAmount);
  const cap = BigInt(c.rateLimit.capacity);
  if (min < 1n) return `chain ${c.name}: minAmount must be at least 1`;
  if (cap < min) return `chain ${c.name}: rateLimit.capacity ${cap} is below minAmount ${min}: no transfer could pass`;
  return null;
}

/** What the chain gives the bridge. */
export interface BridgeConfig {
  /** Address allowed to send MsgUpdateChain, MsgSetPaused, MsgUpdateParams: governance's account. */
  readonly authority: string;
}

export function bridgeConfig(opts: { authority?: string } = {}): BridgeConfig {
  const authority = opts.authority ?? moduleAddress("gov");
  if (!isAddress(authority)) throw new Error(`bridge: authority "${authority}" is not an address`);
  return { authority };
}
