/**
 * Typed state collections over a module's KVStore (ctx.kv(namespace)): key and value codecs,
 * Item, StateMap, Index, Sequence, TimeQueue, and paging with opaque cursors.
 * See docs/modules.md ("State: collections").
 */
export { CollectionError, type CollectionErrorCode } from "./errors.ts";
export { stringKey, addressKey, u64Key, u64NumberKey, u64DescKey, hexKey, tupleKey, pairKey, type KeyCodec, type KeyPrefix } from "./key-codecs.ts";
export {
  uintValue,
  uintNumberValue,
  intValue,
  u64Value,
  stringValue,
  emptyValue,
  flagValue,
  addressValue,
  jsonCodec,
  jsonListCodec,
  type ValueCodec,
  type JsonCodec,
  type JsonCodecOptions,
} from "./value-codecs.ts";
export type { StoreAccess } from "./store-access.ts";
export { DEFAULT_MAX_PAGE, type Page, type PageRequest, type RangeOptions } from "./keyed.ts";
export { Item } from "./item.ts";
export { StateMap } from "./map.ts";
export { Index, type IndexSpec } from "./indexes.ts";
export { Sequence } from "./sequence.ts";
export { TimeQueue, type Due } from "./time-queue.ts";
export { StoreLayout, type Prefix } from "./layout.ts";
