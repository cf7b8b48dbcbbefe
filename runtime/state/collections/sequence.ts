import { Item } from "./item.ts";
import type { StoreAccess } from "./store-access.ts";
import { uintValue } from "./value-codecs.ts";

/** A monotonic counter (entry ids): `next` returns the current value and stores value + 1. */
export class Sequence {
  private readonly item: Item<bigint>;

  constructor(namespace: string, key: Uint8Array, name: string) {
    this.item = new Item(namespace, key, uintValue, name);
  }

  peek(s: StoreAccess): bigint {
    return this.item.get(s) ?? 0n;
  }

  next(s: StoreAccess): bigint {
    const v = this.peek(s);
    this.item.set(s, v + 1n);
    return v;
  }

  /** `next` as a number (ids stored in records as JSON numbers). */
  nextNumber(s: StoreAccess): number {
    const v = this.next(s);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`sequence ${this.item.name} passed 2^53`);
    return Number(v);
  }

  set(s: StoreAccess, v: bigint): void {
    this.item.set(s, v);
  }
}
