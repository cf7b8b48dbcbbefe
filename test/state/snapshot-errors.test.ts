import { expect } from "chai";
import { sha256 } from "@noble/hashes/sha2.js";
import { StateError } from "../../runtime/state/errors.ts";
import { MAX_DEPTH } from "../../runtime/state/proof-format.ts";
import {
  MAX_SNAPSHOT_CHUNK_BYTES,
  MAX_SNAPSHOT_MANIFEST_BYTES,
  combineRefs,
  decodeChunk,
  encodeChunk,
  leafRef,
  rootFromManifest,
  subtreeRef,
  verifyChunk,
  verifyManifest,
  type HashedEntry,
  type NodeRef,
  type SlotRef,
  type SnapshotManifest,
} from "../../runtime/state/snapshot/index.ts";
import { bytes, hex, referenceRoot } from "./reference-tree.ts";

import { build, kvs, type Entry } from "./snapshot-fixtures.ts";

/** The StateError `f` throws (anything else, or no throw, fails the test). */
function refusal(f: () => unknown): { code: string; message: string; context: Record<string, unknown> } {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(StateError);
    const s = e as StateError;
    return { code: s.code, message: s.message, context: { ...s.context } };
  }
  throw new Error("did not throw");
}

const INVALID = "STATE_SNAPSHOT_INVALID";
const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const chunkOf = (...parts: Array<Uint8Array | number[]>): Buffer => Buffer.concat(parts.map((p) => Buffer.from(p)));

describe("state/snapshot: every refusal's message, context and exact boundary", () => {
  describe("decodeChunk", () => {
    it("a 3-byte chunk is refused naming the slot; exactly 4 bytes with count 0 is an empty chunk", () => {
      expect(refusal(() => decodeChunk(Uint8Array.of(0, 0, 0), 7))).to.deep.equal({ code: INVALID, message: "snapshot chunk 7: shorter than its 4-byte entry count", context: { slot: 7 } });
      expect(decodeChunk(u32(0))).to.deep.equal([]);
    });

    it("a count is refused exactly when count * 9 exceeds the bytes after it", () => {
      // 13 bytes: room for exactly one minimal entry (1-byte key, empty value).
      expect(decodeChunk(chunkOf(u32(1), u32(1), [0x61], u32(0)))).to.deep.equal([[Uint8Array.of(0x61), new Uint8Array(0)]]);
      expect(decodeChunk(chunkOf(u32(2), u32(1), [0x61], u32(0), u32(1), [0x62], u32(0)))).to.have.length(2);
      expect(refusal(() => decodeChunk(chunkOf(u32(2), u32(1), [0x61], u32(0)), 3))).to.deep.equal({ code: INVALID, message: "snapshot chunk 3: count 2 does not fit in 13 bytes", context: { slot: 3, count: 2 } });
      // 14 bytes: 10/9 < 2 <= 18/9, so only (length - 4) / 9 refuses a count of 2.
      expect(refusal(() => decodeChunk(chunkOf(u32(2), u32(1), [0x61], u32(0), [0]), 3))).to.deep.equal({ code: INVALID, message: "snapshot chunk 3: count 2 does not fit in 14 bytes", context: { slot: 3, count: 2 } });
    });

    it("an entry with 3 bytes left lacks its key length; with 4 bytes left it is truncated inside its key", () => {
      const first = chunkOf(u32(1), [0x61], u32(9), new Array(9).fill(0)); // 18 bytes, so the count fits
      expect(refusal(() => decodeChunk(chunkOf(u32(2), first, [0, 0, 1]), 2))).to.deep.equal({
        code: INVALID,
        message: "snapshot chunk 2: truncated: an entry's key length is missing",
        context: { slot: 2, entry: 1 },
      });
      expect(refusal(() => decodeChunk(chunkOf(u32(2), first, u32(1)), 2))).to.deep.equal({ code: INVALID, message: "snapshot chunk 2: truncated inside an entry's key", context: { slot: 2, entry: 1 } });
    });

    it("a key of exactly 1978 bytes is accepted, 1979 and 0 are refused", () => {
      const key = new Uint8Array(1978).fill(7);
      expect(decodeChunk(encodeChunk([[key, bytes("v")]]))).to.deep.equal([[key, bytes("v")]]);
      expect(refusal(() => decodeChunk(encodeChunk([[new Uint8Array(1979), bytes("v")]]), 4))).to.deep.equal({
        code: INVALID,
        message: "snapshot chunk 4: key length 1979 is outside 1..1978",
        context: { slot: 4, entry: 0 },
      });
      expect(refusal(() => decodeChunk(chunkOf(u32(1), u32(0), u32(5), new Array(5).fill(0)), 4))).to.deep.equal({
        code: INVALID,
        message: "snapshot chunk 4: key length 0 is outside 1..1978",
        context: { slot: 4, entry: 0 },
      });
    });

    it("the key and its value length must fit: exactly key + 4 bytes left is accepted, one less refused", () => {
      // 5-byte key then 3 bytes: one short of key + the value length.
      expect(refusal(() => decodeChunk(chunkOf(u32(1), u32(5), [1, 2, 3, 4, 5], [0, 0, 0]), 1))).to.deep.equal({
        code: INVALID,
        message: "snapshot chunk 1: truncated inside an entry's key",
        context: { slot: 1, entry: 0 },
      });
      // Key length 12 with only 9 bytes after it: refused, not read past the end.
      expect(refusal(() => decodeChunk(chunkOf(u32(1), u32(12), new Array(9).fill(0)), 1))).to.deep.equal({
        code: INVALID,
        message: "snapshot chunk 1: truncated inside an entry's key",
        context: { slot: 1, entry: 0 },
      });
      expect(decodeChunk(chunkOf(u32(1), u32(5), [1, 2, 3, 4, 5], u32(0)))).to.deep.equal([[Uint8Array.of(1, 2, 3, 4, 5), new Uint8Array(0)]]);
    });

    it("a value exactly as long as the bytes left is accepted, one byte longer refused with its length", () => {
      expect(decodeChunk(chunkOf(u32(1), u32(1), [0x61], u32(4), [1, 2, 3, 4]))).to.deep.equal([[Uint8Array.of(0x61), Uint8Array.of(1, 2, 3, 4)]]);
      expect(refusal(() => decodeChunk(chunkOf(u32(1), u32(1), [0x61], u32(5), [1, 2, 3, 4]), 6))).to.deep.equal({
        code: INVALID,
        message: "snapshot chunk 6: truncated inside an entry's value",
        context: { slot: 6, entry: 0, valueLength: 5 },
      });
    });

    it("trailing bytes are refused naming only the slot", () => {
      expect(refusal(() => decodeChunk(chunkOf(u32(1), u32(1), [0x61], u32(0), [9, 9]), 5))).to.deep.equal({
        code: INVALID,
        message: "snapshot chunk 5: 2 trailing bytes after the last entry",
        context: { slot: 5 },
      });
    });
  });

  describe("verifyChunk", () => {
    const { manifest, chunks } = build(kvs(400), 1);
    const slot = [...chunks.keys()].find((s) => manifest.slots[s]!.entries >= 3)!;
    const good = chunks.get(slot)!;
    const decoded = decodeChunk(good);
    const patched = (b: Uint8Array, entries = manifest.slots[slot]!.entries): SnapshotManifest => ({
      ...manifest,
      slots: manifest.slots.map((s, i) => (i === slot ? { ...s!, bytes: b.length, entries, leaf: entries === 1 } : s)),
    });

    it("slot 15 is the last slot at depth 1; 16 is refused naming the range 0..15", () => {
      expect(verifyChunk(manifest, 15, chunks.get(15)!)).to.have.length(manifest.slots[15]!.entries);
      expect(refusal(() => verifyChunk(manifest, 16, good))).to.deep.equal({ code: INVALID, message: "snapshot chunk 16: no such slot (0..15)", context: { slot: 16 } });
    });

    it("a chunk for an empty slot is refused as such", () => {
      const few = build(kvs(3), 1);
      const empty = few.manifest.slots.findIndex((s) => s === null);
      expect(refusal(() => verifyChunk(few.manifest, empty, good))).to.deep.equal({
        code: INVALID,
        message: `snapshot chunk ${empty}: the manifest lists no entries in this slot`,
        context: { slot: empty },
      });
      // A hand-built manifest may leave holes: a missing slot is an empty one, not a crash.
      const holes: SnapshotManifest = { ...few.manifest, slots: new Array<SlotRef | null>(16) };
      expect(refusal(() => verifyChunk(holes, 3, good))).to.deep.equal({ code: INVALID, message: "snapshot chunk 3: the manifest lists no entries in this slot", context: { slot: 3 } });
    });

    it("a size other than the manifest's is refused with both sizes", () => {
      const b = good.subarray(0, good.length - 1);
      expect(refusal(() => verifyChunk(manifest, slot, b))).to.deep.equal({
        code: INVALID,
        message: `snapshot chunk ${slot}: ${good.length - 1} bytes, the manifest says ${good.length}`,
        context: { slot, bytes: good.length - 1, expected: good.length },
      });
    });

    it("an entry count other than the manifest's is refused with both counts", () => {
      const b = encodeChunk(decoded.slice(1));
      expect(refusal(() => verifyChunk(patched(b, decoded.length), slot, b))).to.deep.equal({
        code: INVALID,
        message: `snapshot chunk ${slot}: ${decoded.length - 1} entries, the manifest says ${decoded.length}`,
        context: { slot, entries: decoded.length - 1, expected: decoded.length },
      });
    });

    it("an entry of another slot is refused naming the entry and its slot", () => {
      const other = [...chunks.keys()].find((s) => s !== slot)!;
      const foreign = decodeChunk(chunks.get(other)!)[0]!;
      const b = encodeChunk([...decoded.slice(0, -1), foreign]);
      const at = decoded.length - 1;
      expect(refusal(() => verifyChunk(patched(b), slot, b))).to.deep.equal({
        code: INVALID,
        message: `snapshot chunk ${slot}: entry ${at} belongs to slot ${other}`,
        context: { slot, entry: at },
      });
    });

    it("an entry out of keyHash order is refused naming the entry", () => {
      const swapped = [decoded[1]!, decoded[0]!, ...decoded.slice(2)];
      expect(refusal(() => verifyChunk(manifest, slot, encodeChunk(swapped)))).to.deep.equal({
        code: INVALID,
        message: `snapshot chunk ${slot}: entry 1 is not in ascending keyHash order (or repeats a key)`,
        context: { slot, entry: 1 },
      });
    });

    it("entries that do not hash to the slot's hash are refused naming only the slot", () => {
      const b = Buffer.from(good);
      b[b.length - 1] ^= 1;
      expect(refusal(() => verifyChunk(manifest, slot, b))).to.deep.equal({
        code: INVALID,
        message: `snapshot chunk ${slot}: the entries do not hash to the slot's hash in the manifest`,
        context: { slot },
      });
    });

    it("decode errors inside verifyChunk carry the verified slot", () => {
      const b = Buffer.from(good);
      b.writeUInt32BE(0, 4);
      expect(refusal(() => verifyChunk(patched(b), slot, b))).to.deep.equal({
        code: INVALID,
        message: `snapshot chunk ${slot}: key length 0 is outside 1..1978`,
        context: { slot, entry: 0 },
      });
    });
  });

  describe("verifyManifest", () => {
    const { manifest, bytes: good } = build(kvs(300), 1, 9);
    const root = manifest.root;
    const json = (): Record<string, any> => JSON.parse(Buffer.from(good).toString());
    const enc = (o: unknown): Uint8Array => Buffer.from(JSON.stringify(o));
    const first = manifest.slots.findIndex((s) => s !== null);
    const many = manifest.slots.findIndex((s) => s !== null && s.entries > 1);
    const withSlot = (i: number, patch: Record<string, unknown> | unknown): Uint8Array => {
      const o = json();
      o.slots[i] = typeof patch === "object" && patch !== null && !Array.isArray(patch) ? { ...o.slots[i], ...patch } : patch;
      return enc(o);
    };
    const refused = (b: Uint8Array, expectedRoot = root, height = 9) => refusal(() => verifyManifest(b, expectedRoot, height));

    it("a document of exactly 16 MiB is read (JSON whitespace pads it); one byte more is refused with its size", () => {
      const padded = Buffer.alloc(MAX_SNAPSHOT_MANIFEST_BYTES, 0x20);
      padded.set(good);
      expect(verifyManifest(padded, root, 9).keys).to.equal(300);
      const over = Buffer.alloc(MAX_SNAPSHOT_MANIFEST_BYTES + 1, 0x20);
      over.set(good);
      expect(refused(over)).to.deep.equal({ code: INVALID, message: "snapshot manifest: larger than 16777216 bytes", context: { bytes: 16777217 } });
    });

    it("invalid UTF-8 is refused even where a lenient decoder would yield valid JSON", () => {
      // The same document with a valid two-byte character in an unknown field is accepted.
      const withNote = (note: number[]): Uint8Array => Buffer.concat([Buffer.from('{"note":"'), Buffer.from(note), Buffer.from('",'), Buffer.from(good).subarray(1)]);
      expect(verifyManifest(withNote([0xc3, 0xa9]), root, 9).keys).to.equal(300);
      const r = refused(withNote([0xff]));
      expect(r.code).to.equal(INVALID);
      expect(r.message).to.match(/^snapshot manifest: not UTF-8 JSON \(.+\)$/);
      expect(r.context).to.deep.equal({});
    });

    it("a JSON null or array document is not an object", () => {
      for (const doc of ["null", "[1]"]) expect(refused(Buffer.from(doc))).to.deep.equal({ code: INVALID, message: "snapshot manifest: not a JSON object", context: {} });
    });

    it("another format is refused naming it", () => {
      expect(refused(enc({ ...json(), format: 2 }))).to.deep.equal({ code: INVALID, message: "snapshot manifest: format 2 is not supported (this version reads format 1)", context: { format: 2 } });
    });

    it("another height is refused with both heights; the largest safe integer is a valid height", () => {
      expect(refused(good, root, 10)).to.deep.equal({ code: INVALID, message: "snapshot manifest: height 9 is not the requested height 10", context: { height: 9, expectedHeight: 10 } });
      const top = build(kvs(5), 0, Number.MAX_SAFE_INTEGER);
      expect(verifyManifest(top.bytes, top.manifest.root, Number.MAX_SAFE_INTEGER).height).to.equal(Number.MAX_SAFE_INTEGER);
      expect(refused(enc({ ...json(), height: Number.MAX_SAFE_INTEGER + 1 }))).to.deep.equal({
        code: INVALID,
        message: "snapshot manifest: height must be an integer in 0..9007199254740991",
        context: { value: Number.MAX_SAFE_INTEGER + 1 },
      });
    });

    it("another root is refused with both roots", () => {
      const other = sha256(Uint8Array.of(1));
      expect(refused(good, other)).to.deep.equal({
        code: INVALID,
        message: `snapshot manifest: root ${hex(root)} is not the trusted header's state root ${hex(other)}`,
        context: { height: 9 },
      });
    });

    it("a root of 65 hex digits, or with a non-hex prefix or suffix, is refused", () => {
      for (const r of [hex(root) + "0", "x" + hex(root), hex(root) + "x"]) {
        expect(refused(enc({ ...json(), root: r })), r).to.deep.equal({ code: INVALID, message: "snapshot manifest: root must be 64 lowercase hex digits", context: {} });
      }
    });

    it("a slot hash of 65 hex digits, or with a non-hex prefix or suffix, is refused naming the slot", () => {
      const h = hex(manifest.slots[first]!.hash);
      for (const bad of [h + "0", "x" + h, h + "x"]) {
        expect(refused(withSlot(first, { hash: bad })), bad).to.deep.equal({
          code: INVALID,
          message: `snapshot manifest: slot ${first} hash must be 64 lowercase hex digits`,
          context: { slot: first },
        });
      }
    });

    it("depth 4 (the deepest) is accepted, 5 is refused with the value", () => {
      const deep = build(kvs(40), 4, 9);
      expect(verifyManifest(deep.bytes, deep.manifest.root, 9).slots).to.have.length(65536);
      expect(refused(enc({ ...json(), depth: 5 }))).to.deep.equal({ code: INVALID, message: "snapshot manifest: depth must be an integer in 0..4", context: { value: 5 } });
    });

    it("a negative key count is refused naming the keys field", () => {
      expect(refused(enc({ ...json(), keys: -1 }))).to.deep.equal({ code: INVALID, message: "snapshot manifest: keys must be an integer in 0..9007199254740991", context: { value: -1 } });
    });

    it("a slot count that does not match the depth is refused with both", () => {
      expect(refused(enc({ ...json(), slots: json().slots.slice(1) }))).to.deep.equal({
        code: INVALID,
        message: "snapshot manifest: depth 1 needs 16 slots, found 15",
        context: { depth: 1, slots: 15 },
      });
    });

    it("a slot that is an array or a number is refused naming the slot", () => {
      for (const s of [[], [1, 2], 1]) {
        expect(refused(withSlot(first, s)), JSON.stringify(s)).to.deep.equal({
          code: INVALID,
          message: `snapshot manifest: slot ${first} must be null or an object`,
          context: { slot: first },
        });
      }
    });

    it("a non-boolean leaf flag is refused naming the slot", () => {
      expect(refused(withSlot(first, { leaf: 0 }))).to.deep.equal({ code: INVALID, message: `snapshot manifest: slot ${first} leaf must be a boolean`, context: { slot: first } });
    });

    it("slot entries: 0 is refused, 1 864 134 (a full 16 MiB chunk of minimal entries) accepted, 1 864 135 refused", () => {
      expect(refused(withSlot(many, { entries: 0 }))).to.deep.equal({
        code: INVALID,
        message: `snapshot manifest: slot ${many} entries must be an integer in 1..1864134`,
        context: { slot: many, value: 0 },
      });
      const max = Math.floor((MAX_SNAPSHOT_CHUNK_BYTES - 4) / 9);
      const grow = (entries: number): Uint8Array => {
        const o = json();
        o.keys += entries - o.slots[many].entries;
        Object.assign(o.slots[many], { entries, bytes: 4 + 9 * entries });
        return enc(o);
      };
      // Counts and sizes are not hashed into the root, so the whole manifest verifies.
      expect(verifyManifest(grow(max), root, 9).slots[many]!.entries).to.equal(1864134);
      expect(refused(grow(max + 1))).to.deep.equal({
        code: INVALID,
        message: `snapshot manifest: slot ${many} entries must be an integer in 1..1864134`,
        context: { slot: many, value: 1864135 },
      });
    });

    it("slot bytes of exactly 16 MiB are accepted, one more refused", () => {
      expect(verifyManifest(withSlot(first, { bytes: MAX_SNAPSHOT_CHUNK_BYTES }), root, 9).slots[first]!.bytes).to.equal(MAX_SNAPSHOT_CHUNK_BYTES);
      const min = 4 + 9 * manifest.slots[first]!.entries;
      expect(refused(withSlot(first, { bytes: MAX_SNAPSHOT_CHUNK_BYTES + 1 }))).to.deep.equal({
        code: INVALID,
        message: `snapshot manifest: slot ${first} bytes must be an integer in ${min}..16777216`,
        context: { slot: first, value: 16777217 },
      });
    });

    it("a leaf flag that disagrees with the entry count is refused with both", () => {
      expect(refused(withSlot(many, { leaf: true }))).to.deep.equal({
        code: INVALID,
        message: `snapshot manifest: slot ${many}: leaf must be true exactly when the slot holds one entry`,
        context: { slot: many, entries: manifest.slots[many]!.entries, leaf: true },
      });
    });

    it("keys that are not the sum of the slots' entries are refused with both", () => {
      expect(refused(enc({ ...json(), keys: 301 }))).to.deep.equal({ code: INVALID, message: "snapshot manifest: keys 301 is not the sum of the slots' entries (300)", context: { keys: 301, total: 300 } });
    });

    it("slots that do not hash to the root are refused with both roots", () => {
      const h = hex(manifest.slots[first]!.hash);
      const flipped = (h[0] === "0" ? "1" : "0") + h.slice(1);
      const computed = rootFromManifest({ ...manifest, slots: manifest.slots.map((s, i) => (i === first ? { ...s!, hash: Buffer.from(flipped, "hex") } : s)) });
      expect(refused(withSlot(first, { hash: flipped }))).to.deep.equal({
        code: INVALID,
        message: `snapshot manifest: the slots hash to root ${hex(computed)}, not ${hex(root)}`,
        context: { height: 9 },
      });
    });
  });

  describe("subtree hashing", () => {
    const kh = (b0: number, fill = 0): Uint8Array => {
      const b = new Uint8Array(32).fill(fill);
      b[0] = b0;
      return b;
    };
    const item = (b0: number, v: number): HashedEntry => ({ keyHash: kh(b0), valueHash: sha256(Uint8Array.of(v)) });
    const sixteen = (refs: Record<number, NodeRef>): Array<NodeRef | null> => Array.from({ length: 16 }, (_, i) => refs[i] ?? null);

    it("two entries with the same keyHash are refused as a duplicate key", () => {
      const a = item(0x12, 1);
      expect(refusal(() => subtreeRef(0, [a, { ...a, valueHash: sha256(Uint8Array.of(2)) }]))).to.deep.equal({
        code: "STATE_DUPLICATE_KEY",
        message: "two entries with the same keyHash",
        context: {},
      });
    });

    it("an empty range is no node, even at the deepest depth", () => {
      const items = [item(0x10, 1), item(0x20, 2)];
      expect(subtreeRef(MAX_DEPTH, [])).to.equal(null);
      expect(subtreeRef(MAX_DEPTH, items, 1, 1)).to.equal(null);
      expect(subtreeRef(0, items, 2, 2)).to.equal(null);
    });

    it("subtreeRef over a full 16-child level equals the reference tree's root", () => {
      const entries = kvs(2000);
      const items = entries.map(([k, v]) => ({ keyHash: sha256(k), valueHash: sha256(v) })).sort((a, b) => Buffer.compare(a.keyHash, b.keyHash));
      expect(new Set(items.map((x) => x.keyHash[0]! >> 4)).size).to.equal(16);
      expect(hex(subtreeRef(0, items)!.hash)).to.equal(hex(referenceRoot(entries).root));
    });

    it("combineRefs reads exactly 16 children: a 17th is ignored", () => {
      const a = leafRef(kh(0x01), sha256(Uint8Array.of(1)));
      const b = leafRef(kh(0x02), sha256(Uint8Array.of(2)));
      const c = leafRef(kh(0x03), sha256(Uint8Array.of(3)));
      expect(combineRefs([...sixteen({}), c])).to.equal(null);
      expect(combineRefs([...sixteen({ 0: a, 1: b }), c])).to.deep.equal(combineRefs(sixteen({ 0: a, 1: b })));
    });

    it("combineRefs treats missing (undefined) children like empty ones", () => {
      const a = leafRef(kh(0x01), sha256(Uint8Array.of(1)));
      const b = leafRef(kh(0x02), sha256(Uint8Array.of(2)));
      expect(combineRefs([a])).to.equal(a);
      expect(combineRefs([a, b])).to.deep.equal(combineRefs(sixteen({ 0: a, 1: b })));
      expect(combineRefs([a, b])!.leaf).to.equal(false);
    });
  });
});
