import type { FromSchema } from "json-schema-to-ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import { jsonCodec } from "../../runtime/state/collections/index.ts";

export const NXT_DENOM = "nxt";
export const NXT_DECIMALS = 8;
/** 1 NXT in base units. */
export const NXT = 100_000_000n;

export const paramsSchema = {
  type: "object",
  properties: {
    sendEnabled: { type: "boolean" },
    /** Upper bound on inputs + outputs of one MsgMultiSend: keeps every message's cost bounded. */
    maxMultiSendEntries: { type: "integer", minimum: 2, maximum: 1000 },
  },
  required: ["sendEnabled", "maxMultiSendEntries"],
  additionalProperties: false,
} as const;

export type BankParams = FromSchema<typeof paramsSchema>;

export function defaultParams(): BankParams {
  return { sendEnabled: true, maxMultiSendEntries: 100 };
}

/** Stored form of the params: checked by the same schema on every write and read. */
export const paramsCodec = jsonCodec<BankParams>({ name: "bank.Params", schema: paramsSchema });

/**
 * Module account whose address is the default authority over the params (MsgUpdateParams):
 * the governance module's account, as in the Cosmos SDK. A chain may name another address.
 */
export const DEFAULT_AUTHORITY_ACCOUNT = "gov";

export function defaultAuthority(): string {
  return moduleAddress(DEFAULT_AUTHORITY_ACCOUNT);
}
