/**
 * A map of byte keys to byte values or null (a removal), held compactly: records appended to
 * 1 MiB slabs and an open-addressing index of their positions, instead of a Map entry, a key
 * string and Uint8Array views per entry. Keys are given as latin1 strings (one char per byte,
 * bytes.ts keyString) or as bytes; both hash alike.
 *
 * Why: a committed height's tree-node writes and flat changes live until the applier thread has
 * moved them into the main tables, seconds after they were made, so every per-entry object
 * outlived V8's young generation and was copied twice by scavenges, then marked by full
 * collections (~4 KB per BHLS claim at 1M citizens). Slabs are a few large objects the GC does
 * not trace; keys and views are made only when a reader asks for one, and die young.
 *
 * Record: klen u16 ‖ key ‖ vlen u32 (0xffffffff: removed) ‖ value. A record is never changed
 * once written, so a view handed out stays valid; setting a key again appends a record and
 * points the key's place in the order at it. Iteration is in the order keys were first set, as
 * a Map's.
 */
const SLAB_BITS = 20;
const SLAB_BYTES = 1 << SLAB_BITS;
const OFF_MASK = SLAB_BYTES - 1;
/** Positions are int32: slab index << SLAB_BITS | offset. */
const MAX_SLABS = 1 << (31 - SLAB_BITS);
const REMOVED = 0xffff_ffff;
const MAX_KEY = 0xffff;

/** FNV-1a over latin1 char codes (equal to the key's bytes). */
export function hashKeyString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function hashBytes(b: Uint8Array, off: number, len: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < len; i++) h = Math.imul(h ^ b[off + i]!, 0x01000193);
  return h >>> 0;
}

/** A record as stored: key at [keyOff, keyOff + keyLen), value at [valOff, valOff + valLen) of `slab` (valLen -1: removed). */
export type RawVisitor = (slab: Uint8Array, keyOff: number, keyLen: number, valOff: number, valLen: number) => void;

export class SlabMap {
  private readonly slabs: Uint8Array[] = [];
  private slab: Uint8Array = new Uint8Array(0);
  private used = 0;
  /** Open addressing: a key's place in `order` + 1, 0 = empty. */
  private index = new Int32Array(64);
  /** Each key's live record position, in the order keys were first set. */
  private order = new Int32Array(32);
  private count = 0;
  /** Slot of the last find(): where the key is, or the empty slot where it goes. */
  private slot = 0;

  /** `expectedKeys`: how many keys the caller expects to set (sizes the index once instead of growing it). */
  constructor(expectedKeys = 0) {
    if (expectedKeys > 32) {
      let cap = 64;
      while (cap < expectedKeys * 2) cap *= 2;
      this.index = new Int32Array(cap);
      this.order = new Int32Array(cap >> 1);
    }
  }

  /** Distinct keys set. */
  get size(): number {
    return this.count;
  }

  /** The value set for `key` (a view), null if removed, undefined if never set. `h`: hashKeyString(key), when the caller has it. */
  get(key: string, h = hashKeyString(key)): Uint8Array | null | undefined {
    const k = this.find(key, h);
    return k < 0 ? undefined : this.valueAt(k);
  }

  has(key: string): boolean {
    return this.find(key, hashKeyString(key)) >= 0;
  }

  /** Record `value` (copied: the caller may reuse its array) or a removal for `key`. */
  set(key: string, value: Uint8Array | null): this {
    const pos = this.append(key.length, value);
    const slab = this.slab;
    const ko = (pos & OFF_MASK) + 2;
    for (let i = 0; i < key.length; i++) slab[ko + i] = key.charCodeAt(i);
    return this.place(key, hashKeyString(key), pos);
  }

  /** set() with the key as bytes. */
  setBytes(key: Uint8Array, value: Uint8Array | null): this {
    const pos = this.append(key.length, value);
    const ko = (pos & OFF_MASK) + 2;
    this.slab.set(key, ko);
    return this.placeRaw(hashBytes(this.slab, ko, key.length), pos);
  }

  /** Every live record in order, as stored (no key string or view made). */
  forEachRaw(visit: RawVisitor): void {
    for (let k = 0; k < this.count; k++) {
      const pos = this.order[k]!;
      const slab = this.slabs[pos >>> SLAB_BITS]!;
      const o = pos & OFF_MASK;
      const klen = (slab[o]! << 8) | slab[o + 1]!;
      const v = o + 2 + klen;
      const vlen = readU32(slab, v);
      visit(slab, o + 2, klen, v + 4, vlen === REMOVED ? -1 : vlen);
    }
  }

  /** Map-style: every (value, key) in order. Keys and views are made per call: use forEachRaw on hot paths. */
  forEach(visit: (value: Uint8Array | null, key: string) => void): void {
    this.forEachRaw((slab, ko, kl, vo, vl) => visit(vl < 0 ? null : slab.subarray(vo, vo + vl), latin1(slab, ko, kl)));
  }

  *keys(): IterableIterator<string> {
    for (const [k] of this) yield k;
  }

  *values(): IterableIterator<Uint8Array | null> {
    for (const [, v] of this) yield v;
  }

  *[Symbol.iterator](): IterableIterator<[string, Uint8Array | null]> {
    const out: Array<[string, Uint8Array | null]> = [];
    this.forEach((v, k) => out.push([k, v]));
    yield* out;
  }

  /** The key of the k-th record in order, as a view. */
  keyAt(k: number): Uint8Array {
    const pos = this.order[k]!;
    const slab = this.slabs[pos >>> SLAB_BITS]!;
    const o = pos & OFF_MASK;
    return slab.subarray(o + 2, o + 2 + ((slab[o]! << 8) | slab[o + 1]!));
  }

  /** The value of the k-th record in order, as a view (null: removed). */
  valueAt(k: number): Uint8Array | null {
    const pos = this.order[k]!;
    const slab = this.slabs[pos >>> SLAB_BITS]!;
    const v = (pos & OFF_MASK) + 2 + ((slab[pos & OFF_MASK]! << 8) | slab[(pos & OFF_MASK) + 1]!);
    const vlen = readU32(slab, v);
    return vlen === REMOVED ? null : slab.subarray(v + 4, v + 4 + vlen);
  }

  /**
   * The first place in the order whose key is >= `key` (bytewise), for maps whose keys were set
   * in ascending order (a height's flat changes): a binary search.
   */
  lowerBound(key: Uint8Array): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compareAt(mid, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Place in the order of `key`, or -1. */
  indexOf(key: string, h = hashKeyString(key)): number {
    return this.find(key, h);
  }

  private compareAt(k: number, key: Uint8Array): number {
    const pos = this.order[k]!;
    const slab = this.slabs[pos >>> SLAB_BITS]!;
    const o = (pos & OFF_MASK) + 2;
    const klen = (slab[o - 2]! << 8) | slab[o - 1]!;
    const n = Math.min(klen, key.length);
    for (let i = 0; i < n; i++) {
      const d = slab[o + i]! - key[i]!;
      if (d !== 0) return d;
    }
    return klen - key.length;
  }

  /** Room for a record with a key of `klen` bytes; writes its lengths and value, returns its position (the key is the caller's to write). */
  private append(klen: number, value: Uint8Array | null): number {
    const vlen = value === null ? 0 : value.length;
    if (klen === 0 || klen > MAX_KEY) throw new RangeError(`a key of ${klen} bytes (1..${MAX_KEY})`);
    const need = 2 + klen + 4 + vlen;
    if (this.used + need > this.slab.length) {
      if (this.slabs.length === MAX_SLABS) throw new RangeError(`more than ${MAX_SLABS} slabs of ${SLAB_BYTES} bytes`);
      this.slab = new Uint8Array(Math.max(SLAB_BYTES, need));
      this.slabs.push(this.slab);
      this.used = 0;
    }
    const slab = this.slab;
    const start = this.used;
    slab[start] = klen >> 8;
    slab[start + 1] = klen & 0xff;
    const v = start + 2 + klen;
    writeU32(slab, v, value === null ? REMOVED : vlen);
    if (value !== null) {
      if (vlen <= 96) for (let i = 0; i < vlen; i++) slab[v + 4 + i] = value[i]!;
      else slab.set(value, v + 4);
    }
    this.used = v + 4 + vlen;
    return ((this.slabs.length - 1) << SLAB_BITS) | start;
  }

  private place(key: string, h: number, pos: number): this {
    if (this.find(key, h) >= 0) {
      this.order[this.index[this.slot]! - 1] = pos;
      return this;
    }
    return this.insert(pos);
  }

  private placeRaw(h: number, pos: number): this {
    if (this.findRaw(pos, h) >= 0) {
      this.order[this.index[this.slot]! - 1] = pos;
      return this;
    }
    return this.insert(pos);
  }

  /** A new key: its record goes last in the order, into the empty slot the last find() left. */
  private insert(pos: number): this {
    if (this.count === this.order.length) {
      const order = new Int32Array(this.count * 2);
      order.set(this.order);
      this.order = order;
    }
    this.order[this.count] = pos;
    this.index[this.slot] = ++this.count;
    if (this.count * 2 > this.index.length) this.grow();
    return this;
  }

  /** Place in the order of `key`, or -1 (this.slot is then the empty slot for it). */
  private find(key: string, h: number): number {
    return this.probe(h, key, -1);
  }

  /** find() for the key of the record at `pos` (not yet placed). */
  private findRaw(pos: number, h: number): number {
    return this.probe(h, null, pos);
  }

  /** The index walk: compares with `key` when given, else with the key of the record at `pos`. */
  private probe(h: number, key: string | null, pos: number): number {
    const index = this.index;
    const mask = index.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const v = index[i]!;
      if (v === 0) {
        this.slot = i;
        return -1;
      }
      const at = this.order[v - 1]!;
      if (key !== null ? this.keyIs(at, key) : this.sameKey(at, pos)) {
        this.slot = i;
        return v - 1;
      }
    }
  }

  private keyIs(pos: number, key: string): boolean {
    const slab = this.slabs[pos >>> SLAB_BITS]!;
    const o = pos & OFF_MASK;
    if (((slab[o]! << 8) | slab[o + 1]!) !== key.length) return false;
    for (let i = 0; i < key.length; i++) if (slab[o + 2 + i] !== key.charCodeAt(i)) return false;
    return true;
  }

  private sameKey(a: number, b: number): boolean {
    const sa = this.slabs[a >>> SLAB_BITS]!;
    const sb = this.slabs[b >>> SLAB_BITS]!;
    const oa = a & OFF_MASK;
    const ob = b & OFF_MASK;
    const len = (sa[oa]! << 8) | sa[oa + 1]!;
    if (len !== ((sb[ob]! << 8) | sb[ob + 1]!)) return false;
    for (let i = 2; i < 2 + len; i++) if (sa[oa + i] !== sb[ob + i]) return false;
    return true;
  }

  private grow(): void {
    const index = new Int32Array(this.index.length * 2);
    const mask = index.length - 1;
    for (let k = 0; k < this.count; k++) {
      const pos = this.order[k]!;
      const slab = this.slabs[pos >>> SLAB_BITS]!;
      const o = pos & OFF_MASK;
      let i = hashBytes(slab, o + 2, (slab[o]! << 8) | slab[o + 1]!) & mask;
      while (index[i] !== 0) i = (i + 1) & mask;
      index[i] = k + 1;
    }
    this.index = index;
  }
}

function readU32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

function writeU32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}

function latin1(b: Uint8Array, off: number, len: number): string {
  let s = "";
  for (let i = 0; i < len; i++) s += String.fromCharCode(b[off + i]!);
  return s;
}
