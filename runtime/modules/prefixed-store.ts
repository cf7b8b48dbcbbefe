import type { IterateOptions, KVStore } from "../state/types.ts";
import { concatBytes, utf8 } from "../crypto/hash.ts";
import { keyBytes, keyString, prefixEnd } from "../state/bytes.ts";

/**
 * A view of one namespace: keys get `<namespace>/` prepended, so modules never collide.
 * Over a parent that takes latin1 key strings (a Branch), the prefixed key is a string
 * concatenation and no key bytes are made: reads and writes of a transfer go through here.
 */
export class PrefixedStore implements KVStore {
  private readonly prefix: Uint8Array;
  private readonly prefixKs: string;
  private readonly end: Uint8Array;

  constructor(
    private readonly parent: KVStore,
    namespace: string,
  ) {
    const b = bounds(namespace);
    this.prefix = b.prefix;
    this.prefixKs = keyString(b.prefix);
    this.end = b.end;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const p = this.parent;
    return p.getKeyed ? p.getKeyed(this.prefixKs + keyString(key)) : p.get(concatBytes(this.prefix, key));
  }

  getKeyed(ks: string, key?: Uint8Array): Uint8Array | undefined {
    const p = this.parent;
    return p.getKeyed ? p.getKeyed(this.prefixKs + ks) : p.get(concatBytes(this.prefix, key ?? keyBytes(ks)));
  }

  set(key: Uint8Array, value: Uint8Array): void {
    const p = this.parent;
    if (p.setKeyed) p.setKeyed(this.prefixKs + keyString(key), value);
    else p.set(concatBytes(this.prefix, key), value);
  }

  delete(key: Uint8Array): void {
    const p = this.parent;
    if (p.deleteKeyed) p.deleteKeyed(this.prefixKs + keyString(key));
    else p.delete(concatBytes(this.prefix, key));
  }

  *iterate(start: Uint8Array, end: Uint8Array | undefined, opts?: IterateOptions): Iterable<[Uint8Array, Uint8Array]> {
    const s = concatBytes(this.prefix, start);
    const e = end ? concatBytes(this.prefix, end) : this.end;
    const n = this.prefix.length;
    for (const [k, v] of this.parent.iterate(s, e, opts)) yield [k.subarray(n), v];
  }
}

const boundsMemo = new Map<string, { prefix: Uint8Array; end: Uint8Array }>();

/** Namespaces are few and fixed: compute each one's key range once. */
function bounds(namespace: string): { prefix: Uint8Array; end: Uint8Array } {
  let b = boundsMemo.get(namespace);
  if (!b) {
    const prefix = utf8(namespace + "/");
    b = { prefix, end: prefixEnd(prefix)! };
    boundsMemo.set(namespace, b);
  }
  return b;
}

export function namespacePrefix(namespace: string): Uint8Array {
  return bounds(namespace).prefix;
}

