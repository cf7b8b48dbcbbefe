import { StoreLayout, addressKey, jsonCodec, uintValue } from "../../runtime/state/collections/index.ts";
import { paramsCodec } from "./params.ts";

/**
 * Store layout of the "counter" namespace, declared as typed collections. Prefix bytes are
 * wire values: append only, never reuse one (keep a retired one here as a comment).
 */
export const COUNT_PREFIX = 0x01; // 0x01 | address(32) → that account's count
export const TOTAL_PREFIX = 0x02; // 0x02 → sum of all counts
export const PARAMS_PREFIX = 0x03; // 0x03 → CounterParams (canonical JSON)
export const SNAPSHOT_PREFIX = 0x04; // 0x04 → { height, total } written by the block hook

export interface Snapshot {
  height: number;
  total: bigint;
}

const layout = new StoreLayout("counter");

export const Counts = layout.map(COUNT_PREFIX, "counts", addressKey, uintValue);
export const Total = layout.item(TOTAL_PREFIX, "total", uintValue);
/** Read by every message: memoised, so decoded and schema-checked once per change. */
export const Params = layout.item(PARAMS_PREFIX, "params", paramsCodec, { memo: true });
export const Snapshot = layout.item(
  SNAPSHOT_PREFIX,
  "snapshot",
  jsonCodec<Snapshot>({
    name: "counter.Snapshot",
    schema: {
      type: "object",
      properties: { height: { type: "integer", minimum: 0 }, total: { type: "string", pattern: "^(0|[1-9][0-9]*)$" } },
      required: ["height", "total"],
      additionalProperties: false,
    },
    bigints: ["total"],
  }),
);
