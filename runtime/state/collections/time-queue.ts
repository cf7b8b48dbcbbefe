import { tupleKey, u64NumberKey, type KeyCodec } from "./key-codecs.ts";
import type { RangeOptions } from "./keyed.ts";
import { StateMap } from "./map.ts";
import { concatBytes, type StoreAccess } from "./store-access.ts";
import type { ValueCodec } from "./value-codecs.ts";

export interface Due<I, V> {
  readonly time: number;
  readonly id: I;
  readonly value: V;
}

/**
 * Work that falls due: entries keyed by (time u64 BE, id), so key order is due order and an
 * end-block reads only what is due, at most `limit` of it. Times are ms of block time (or
 * heights: any safe integer). Attach indexes to `entries` (its keys are [time, id]).
 */
export class TimeQueue<I, V> {
  readonly entries: StateMap<[number, I], V>;

  constructor(namespace: string, prefix: Uint8Array, idCodec: KeyCodec<I>, valueCodec: ValueCodec<V>, name: string, opts: { maxPage?: number } = {}) {
    this.entries = new StateMap(namespace, prefix, tupleKey<[number, I]>(u64NumberKey, idCodec), valueCodec, name, opts);
  }

  enqueue(s: StoreAccess, time: number, id: I, value: V): void {
    this.entries.set(s, [time, id], value);
  }

  get(s: StoreAccess, time: number, id: I): V | undefined {
    return this.entries.get(s, [time, id]);
  }

  /** Rewrite an entry in place (same time and id). */
  set(s: StoreAccess, time: number, id: I, value: V): void {
    this.entries.set(s, [time, id], value);
  }

  remove(s: StoreAccess, time: number, id: I): boolean {
    return this.entries.delete(s, [time, id]);
  }

  /** Entries with time <= now, oldest first, at most `limit`; nothing is removed (peek). */
  due(s: StoreAccess, now: number, limit: number): Due<I, V>[] {
    const out: Due<I, V>[] = [];
    if (limit <= 0 || now < 0) return out;
    // Keys below prefix | u64(now + 1) are exactly the entries due at or before `now`.
    const hi = now >= Number.MAX_SAFE_INTEGER ? this.entries.end : concatBytes(this.entries.prefix, u64NumberKey.encode(Math.floor(now) + 1));
    for (const [[time, id], value] of this.entries.iterateBytes(s, this.entries.prefix, hi, limit)) out.push({ time, id, value });
    return out;
  }

  /** `due`, and the entries are removed (with their index entries). */
  popDue(s: StoreAccess, now: number, limit: number): Due<I, V>[] {
    const out = this.due(s, now, limit);
    for (const e of out) this.entries.delete(s, [e.time, e.id]);
    return out;
  }

  /** Every entry in due order (genesis export, invariants). */
  iterate(s: StoreAccess, opts: RangeOptions<[number, I]> = {}): Iterable<[[number, I], V]> {
    return this.entries.iterate(s, opts);
  }
}
