import { StoreLayout, addressKey, jsonCodec, pairKey, stringKey, uintValue } from "../../runtime/state/collections/index.ts";
import { DENOM_PATTERN } from "../../runtime/modules/schemas.ts";
import { paramsCodec } from "./params.ts";

/**
 * Store layout of the "bank" namespace. Prefix bytes are wire values: append only, never
 * reuse one (a retired prefix stays here as a comment).
 */
export const BALANCE_PREFIX = 0x01; // 0x01 | address(32) | denom → amount (minimal big-endian)
export const MINTED_PREFIX = 0x02; // 0x02 | denom → total ever minted
export const BURNED_PREFIX = 0x03; // 0x03 | denom → total ever burned
export const PARAMS_PREFIX = 0x04; // 0x04 → BankParams (canonical JSON)
export const METADATA_PREFIX = 0x05; // 0x05 | denom → denomination metadata (canonical JSON)

export interface DenomMetadata {
  denom: string;
  display: string;
  exponent: number;
}

export const metadataSchema = {
  type: "object",
  properties: {
    denom: { type: "string", pattern: DENOM_PATTERN },
    display: { type: "string", minLength: 1, maxLength: 16 },
    exponent: { type: "integer", minimum: 0, maximum: 18 },
  },
  required: ["denom", "display", "exponent"],
  additionalProperties: false,
} as const;

const layout = new StoreLayout("bank");

/**
 * Balances stay on the string-key path: every transfer touches five of them, so the keeper
 * remembers each key's latin1 string (keyString) and uses getKs/setKs, making no key bytes.
 */
export const Balances = layout.map(BALANCE_PREFIX, "balances", pairKey(addressKey, stringKey), uintValue);
export const Minted = layout.map(MINTED_PREFIX, "minted", stringKey, uintValue);
export const Burned = layout.map(BURNED_PREFIX, "burned", stringKey, uintValue);
/** Read by every transfer: memoised, decoded once per change. */
export const Params = layout.item(PARAMS_PREFIX, "params", paramsCodec, { memo: true });
export const Metadata = layout.map(METADATA_PREFIX, "metadata", stringKey, jsonCodec<DenomMetadata>({ name: "bank.DenomMetadata", schema: metadataSchema }));
