import { expect } from "chai";
import fc from "fast-check";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256 } from "@noble/hashes/sha2.js";
import { openMemoryAuthenticatedStore } from "../../runtime/state/authenticated-store.ts";
import { StateError } from "../../runtime/state/errors.ts";
import { EMPTY_ROOT } from "../../runtime/state/proof-format.ts";
import { updateTree } from "../../runtime/state/tree.ts";
import {
  SnapshotDir,
  SnapshotWriter,
  combineRefs,
  decodeChunk,
  encodeChunk,
  encodeManifest,
  leafRef,
  manifestHash,
  rootFromManifest,
  rootFromSlots,
  slotOf,
  snapshotDepthFor,
  subtreeRef,
  verifyChunk,
  verifyManifest,
  type HashedEntry,
  type SlotRef,
  type SnapshotEntry,
  type SnapshotManifest,
} from "../../runtime/state/snapshot/index.ts";
import { bytes, hex, referenceRoot } from "./reference-tree.ts";

import { build, kvs, type Entry } from "./snapshot-fixtures.ts";

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(StateError);
    return (e as StateError).code;
  }
  throw new Error("did not throw");
}

function message(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("did not throw");
}

const tmpDirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "nexus-snap-"));
  tmpDirs.push(d);
  return d;
}
after(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

describe("state/snapshot: format", () => {
  it("picks the smallest depth with at most 8 000 keys per chunk on average", () => {
    expect([0, 1, 8000, 8001, 128_000, 128_001, 1_000_000, 2_048_000, 2_048_001, 32_768_001, 1e9].map(snapshotDepthFor)).to.deep.equal([0, 0, 0, 1, 1, 2, 2, 2, 3, 4, 4]);
  });

  it("slotOf takes the first d nibbles", () => {
    const kh = Uint8Array.from([0xab, 0xcd, 0xef, ...new Array(29).fill(0)]);
    expect([0, 1, 2, 3, 4].map((d) => slotOf(kh, d))).to.deep.equal([0, 0xa, 0xab, 0xabc, 0xabcd]);
  });

  it("rootFromManifest equals the store's and the reference root for 0, 1, 2, few and many keys at every depth", () => {
    for (const n of [0, 1, 2, 3, 17, 300, 2500]) {
      const entries = kvs(n);
      const store = openMemoryAuthenticatedStore();
      store.stage(entries).commit(1);
      for (let depth = 0; depth <= 3; depth++) {
        const { manifest } = build(entries, depth);
        expect(hex(rootFromManifest(manifest)), `n=${n} depth=${depth}`).to.equal(hex(store.root));
      }
    }
    expect(hex(rootFromManifest(build([], 2).manifest))).to.equal(hex(EMPTY_ROOT));
  });

  it("property: rootFromManifest equals the tree's root for random key sets and depths", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.uint8Array({ minLength: 1, maxLength: 12 }), { maxLength: 120, selector: (k) => hex(k) }), fc.integer({ min: 0, max: 3 }), (keys, depth) => {
        const entries: Entry[] = keys.map((k, i) => [k, bytes(`v${i}`)]);
        const store = openMemoryAuthenticatedStore();
        store.stage(entries).commit(0);
        expect(hex(rootFromManifest(build(entries, depth).manifest))).to.equal(hex(store.root));
      }),
      { numRuns: 60 },
    );
  });

  // sha256 cannot be steered into long shared prefixes, so these use hand-made keyHashes and
  // compare with the tree's own update code over the same hashes.
  const kh = (hexPrefix: string, fill = 0): Uint8Array => {
    const b = new Uint8Array(32).fill(fill);
    Buffer.from(hexPrefix.padEnd(64, "0").slice(0, 64), "hex").copy(b);
    return b;
  };
  const vh = (i: number): Uint8Array => sha256(Uint8Array.of(i));
  const treeRoot = (items: HashedEntry[]): Uint8Array => {
    const sorted = [...items].sort((a, b) => Buffer.compare(a.keyHash, b.keyHash));
    return updateTree(() => undefined, sorted).root;
  };
  const slotsOf = (items: HashedEntry[], depth: number): Array<SlotRef | null> => {
    const sorted = [...items].sort((a, b) => Buffer.compare(a.keyHash, b.keyHash));
    const slots: Array<SlotRef | null> = new Array(16 ** depth).fill(null);
    for (let s = 0; s < slots.length; s++) {
      const g = sorted.filter((x) => slotOf(x.keyHash, depth) === s);
      const r = subtreeRef(depth, g);
      if (r) slots[s] = { ...r, entries: g.length, bytes: 0 };
    }
    return slots;
  };

  const handMade: Array<[string, HashedEntry[]]> = [
    ["one key", [{ keyHash: kh("1234"), valueHash: vh(1) }]],
    ["two keys sharing 20 nibbles", [{ keyHash: kh("abcdefabcdefabcdefab1"), valueHash: vh(1) }, { keyHash: kh("abcdefabcdefabcdefab2"), valueHash: vh(2) }]],
    ["two keys differing only in the last nibble", [{ keyHash: kh("77", 0x11), valueHash: vh(1) }, { keyHash: (() => { const b = kh("77", 0x11); b[31] = 0x12; return b; })(), valueHash: vh(2) }]],
    [
      "a lone leaf in one slot beside a deep pair in another",
      [{ keyHash: kh("a0"), valueHash: vh(1) }, { keyHash: kh("b1111111"), valueHash: vh(2) }, { keyHash: kh("b1111112"), valueHash: vh(3) }],
    ],
    ["keys in the same depth-1 slot but different depth-2 slots", [{ keyHash: kh("c1"), valueHash: vh(1) }, { keyHash: kh("c2"), valueHash: vh(2) }]],
    ["a lone leaf deep below a shared first nibble (collapses to the root)", [{ keyHash: kh("d5ff"), valueHash: vh(9) }]],
  ];
  for (const [name, items] of handMade) {
    it(`slot hashes fold to the tree's root on hand-made keyHashes: ${name}`, () => {
      const want = hex(treeRoot(items));
      for (let depth = 0; depth <= 4; depth++) expect(hex(rootFromSlots(depth, slotsOf(items, depth))), `depth ${depth}`).to.equal(want);
    });
  }

  it("combineRefs: a lone leaf moves up, a lone internal node does not, nothing is null", () => {
    const leaf = leafRef(kh("01"), vh(1));
    const inner = { hash: sha256(Uint8Array.of(5)), leaf: false };
    const kids = (i: number, r: typeof leaf | null): Array<typeof leaf | null> => Array.from({ length: 16 }, (_, j) => (j === i ? r : null));
    expect(combineRefs(kids(3, null))).to.equal(null);
    expect(combineRefs(kids(3, leaf))).to.equal(leaf);
    const up = combineRefs(kids(3, inner))!;
    expect(up.leaf).to.equal(false);
    const enc = new Uint8Array(35);
    enc[0] = 1;
    enc[2] = 1 << 3;
    enc.set(inner.hash, 3);
    expect(hex(up.hash)).to.equal(hex(sha256(enc)));
  });

  it("the manifest round-trips through verifyManifest, and its hash is sha256 of its bytes", () => {
    const { manifest, bytes: mb } = build(kvs(500), 1, 42);
    const back = verifyManifest(mb, manifest.root, 42);
    expect(back.depth).to.equal(1);
    expect(back.keys).to.equal(500);
    expect(hex(encodeManifest(back))).to.equal(hex(mb));
    expect(hex(manifestHash(mb))).to.equal(hex(sha256(mb)));
    const empty = build([], 0, 3);
    expect(verifyManifest(empty.bytes, EMPTY_ROOT, 3).slots).to.deep.equal([null]);
  });

  describe("verifyManifest refuses", () => {
    const { manifest, bytes: good } = build(kvs(300), 1, 9);
    const root = manifest.root;
    const json = (): Record<string, any> => JSON.parse(Buffer.from(good).toString());
    const enc = (o: unknown): Uint8Array => Buffer.from(JSON.stringify(o));
    const firstSlot = (o: Record<string, any>): Record<string, any> => o.slots.find((s: unknown) => s !== null);
    const cases: Array<[string, () => Uint8Array, RegExp, Uint8Array?, number?]> = [
      ["bad JSON", () => Buffer.from("{not json"), /not UTF-8 JSON/],
      ["invalid UTF-8", () => Buffer.from([0x7b, 0xff, 0x7d]), /not UTF-8 JSON/],
      ["a JSON array", () => enc([1]), /not a JSON object/],
      ["another format number", () => enc({ ...json(), format: 2 }), /format 2 is not supported/],
      ["a missing format", () => enc({ ...json(), format: undefined }), /format undefined/],
      ["another height", () => good, /height 9 is not the requested height 10/, undefined, 10],
      ["a fractional height", () => enc({ ...json(), height: 9.5 }), /height must be an integer/],
      ["another root", () => good, /is not the trusted header's state root/, sha256(Uint8Array.of(1))],
      ["an uppercase hex root", () => enc({ ...json(), root: hex(root).toUpperCase() }), /root must be 64 lowercase hex/],
      ["a depth over 4", () => enc({ ...json(), depth: 5 }), /depth must be an integer in 0..4/],
      ["too few slots for the depth", () => enc({ ...json(), slots: json().slots.slice(1) }), /depth 1 needs 16 slots, found 15/],
      ["slots not an array", () => enc({ ...json(), slots: {} }), /slots must be an array/],
      ["a slot that is a number", () => enc({ ...json(), slots: [1, ...json().slots.slice(1)] }), /slot 0 must be null or an object/],
      ["a slot hash of bad hex", () => { const o = json(); firstSlot(o).hash = "zz" + firstSlot(o).hash.slice(2); return enc(o); }, /hash must be 64 lowercase hex/],
      ["a short slot hash", () => { const o = json(); firstSlot(o).hash = firstSlot(o).hash.slice(2); return enc(o); }, /hash must be 64 lowercase hex/],
      ["a leaf flag that is not a boolean", () => { const o = json(); firstSlot(o).leaf = 0; return enc(o); }, /leaf must be a boolean/],
      ["leaf true on a slot of many entries", () => { const o = json(); firstSlot(o).leaf = true; return enc(o); }, /leaf must be true exactly when/],
      ["zero entries", () => { const o = json(); firstSlot(o).entries = 0; return enc(o); }, /entries must be an integer in 1\.\./],
      ["negative bytes", () => { const o = json(); firstSlot(o).bytes = -1; return enc(o); }, /bytes must be an integer/],
      ["bytes too small for the entries", () => { const o = json(); firstSlot(o).bytes = 4 + 9 * firstSlot(o).entries - 1; return enc(o); }, /bytes must be an integer/],
      ["bytes over the chunk limit", () => { const o = json(); firstSlot(o).bytes = 16 * 1024 * 1024 + 1; return enc(o); }, /bytes must be an integer/],
      ["keys not the sum of entries", () => enc({ ...json(), keys: 301 }), /keys 301 is not the sum/],
      ["a flipped slot hash (root mismatch)", () => { const o = json(); const h = firstSlot(o).hash as string; firstSlot(o).hash = (h[0] === "0" ? "1" : "0") + h.slice(1); return enc(o); }, /the slots hash to root/],
      ["two slots swapped (root mismatch)", () => { const o = json(); const i = o.slots.findIndex((s: unknown) => s !== null); const j = o.slots.findIndex((s: unknown, k: number) => s !== null && k > i); [o.slots[i], o.slots[j]] = [o.slots[j], o.slots[i]]; return enc(o); }, /the slots hash to root/],
      ["a slot dropped (root mismatch)", () => { const o = json(); const s = firstSlot(o); o.keys -= s.entries; o.slots[o.slots.indexOf(s)] = null; return enc(o); }, /the slots hash to root/],
      ["an oversized document", () => new Uint8Array(16 * 1024 * 1024 + 1), /larger than/],
    ];
    for (const [name, make, msg, r, h] of cases) {
      it(name, () => {
        const b = make();
        expect(code(() => verifyManifest(b, r ?? root, h ?? 9))).to.equal("STATE_SNAPSHOT_INVALID");
        expect(message(() => verifyManifest(b, r ?? root, h ?? 9))).to.match(msg);
      });
    }
    it("(and accepts unknown extra fields: they are append-only)", () => {
      expect(verifyManifest(enc({ ...json(), note: "x" }), root, 9).keys).to.equal(300);
    });
  });
});

describe("state/snapshot: chunks", () => {
  const entries = kvs(400);
  const { manifest, chunks } = build(entries, 1);
  const slot = [...chunks.keys()].find((s) => manifest.slots[s]!.entries >= 3)!;
  const good = chunks.get(slot)!;
  const decoded = decodeChunk(good);
  const other = [...chunks.keys()].find((s) => s !== slot)!;
  const check = (b: Uint8Array): string => code(() => verifyChunk(manifest, slot, b));
  const why = (b: Uint8Array): string => message(() => verifyChunk(manifest, slot, b));
  /** Re-encode with a patched manifest size so the size check does not hide the deeper one. */
  const withSize = (b: Uint8Array): SnapshotManifest => ({ ...manifest, slots: manifest.slots.map((s, i) => (i === slot ? { ...s!, bytes: b.length } : s)) });
  const sized = (b: Uint8Array): string => message(() => verifyChunk(withSize(b), slot, b));
  const sizedCount = (b: Uint8Array, n: number): string =>
    message(() => verifyChunk({ ...manifest, slots: manifest.slots.map((s, i) => (i === slot ? { ...s!, bytes: b.length, entries: n, leaf: n === 1 } : s)) }, slot, b));

  it("a good chunk verifies and yields its entries in keyHash order", () => {
    const got = verifyChunk(manifest, slot, good);
    expect(got.length).to.equal(manifest.slots[slot]!.entries);
    const keys = new Set(entries.map(([k]) => hex(k)));
    for (const [k] of got) expect(keys.has(hex(k))).to.equal(true);
    for (const s of chunks.keys()) expect(verifyChunk(manifest, s, chunks.get(s)!).length).to.equal(manifest.slots[s]!.entries);
  });

  it("a flipped value byte is refused", () => {
    const b = Buffer.from(good);
    b[b.length - 1] ^= 1;
    expect(check(b)).to.equal("STATE_SNAPSHOT_INVALID");
    expect(why(b)).to.match(/do not hash to the slot's hash/);
  });

  it("a dropped entry is refused (by size, and by count and hash when the size is patched)", () => {
    const b = encodeChunk(decoded.slice(1));
    expect(why(b)).to.match(/bytes, the manifest says/);
    expect(sized(b)).to.match(/entries, the manifest says/);
    expect(sizedCount(b, decoded.length - 1)).to.match(/do not hash/);
  });

  it("an extra entry is refused", () => {
    const extra = entries.find(([k]) => slotOf(sha256(k), 1) === slot && !decoded.some(([d]) => hex(d) === hex(k)));
    const fresh: SnapshotEntry = extra ?? [bytes("not-in-state"), bytes("x")];
    const all = [...decoded, fresh].sort((a, b) => Buffer.compare(sha256(a[0]), sha256(b[0])));
    const b = encodeChunk(all);
    expect(check(b)).to.equal("STATE_SNAPSHOT_INVALID");
    expect(sized(b)).to.match(/entries, the manifest says/);
  });

  it("an entry from another slot is refused", () => {
    const foreign = decodeChunk(chunks.get(other)!)[0]!;
    const b = encodeChunk([...decoded.slice(0, -1), foreign]);
    expect(sized(b)).to.match(/belongs to slot/);
  });

  it("reordered entries are refused, and so is a repeated entry", () => {
    const swapped = [...decoded];
    [swapped[0], swapped[1]] = [swapped[1]!, swapped[0]!];
    expect(check(encodeChunk(swapped))).to.equal("STATE_SNAPSHOT_INVALID");
    expect(why(encodeChunk(swapped))).to.match(/not in ascending keyHash order/);
    const repeated = [decoded[0]!, ...decoded.slice(0, -1)];
    expect(sized(encodeChunk(repeated))).to.match(/not in ascending keyHash order/);
  });

  it("trailing bytes are refused", () => {
    const b = Buffer.concat([good, Buffer.from([0])]);
    expect(why(b)).to.match(/bytes, the manifest says/);
    expect(sized(b)).to.match(/1 trailing bytes/);
  });

  it("a truncated chunk is refused", () => {
    for (const cut of [1, 5, good.length - 3, good.length - 1]) {
      const b = good.subarray(0, cut);
      expect(check(b)).to.equal("STATE_SNAPSHOT_INVALID");
      expect(sized(b)).to.match(/truncated|shorter than|does not fit/);
    }
  });

  it("a wrong count is refused", () => {
    const b = Buffer.from(good);
    b.writeUInt32BE(decoded.length + 1, 0);
    expect(sized(b)).to.match(/truncated/);
    b.writeUInt32BE(decoded.length - 1, 0);
    expect(sized(b)).to.match(/trailing bytes/);
    b.writeUInt32BE(0xffffffff, 0);
    expect(sized(b)).to.match(/does not fit/);
  });

  it("a key length of 0 or over the limit is refused", () => {
    const b = Buffer.from(good);
    b.writeUInt32BE(0, 4);
    expect(sized(b)).to.match(/key length 0 is outside/);
    b.writeUInt32BE(1979, 4);
    expect(sized(b)).to.match(/key length 1979 is outside/);
  });

  it("a value length past the end is refused", () => {
    const [k] = decoded[0]!;
    const b = Buffer.from(good);
    b.writeUInt32BE(0x7fffffff, 4 + 4 + k.length);
    expect(sized(b)).to.match(/truncated inside an entry's value/);
  });

  it("a chunk for an empty slot or a slot out of range is refused", () => {
    const empty = manifest.slots.findIndex((s) => s === null);
    if (empty >= 0) expect(message(() => verifyChunk(manifest, empty, good))).to.match(/no entries in this slot/);
    expect(message(() => verifyChunk(manifest, 16, good))).to.match(/no such slot/);
    expect(message(() => verifyChunk(manifest, -1, good))).to.match(/no such slot/);
  });

  it("a single-entry slot: the leaf flag and the leaf hash are both checked", () => {
    const one = build(kvs(20), 2);
    const s = one.manifest.slots.findIndex((x) => x !== null && x.entries === 1);
    const b = one.chunks.get(s)!;
    expect(verifyChunk(one.manifest, s, b)).to.have.length(1);
    const lying = { ...one.manifest, slots: one.manifest.slots.map((x, i) => (i === s ? { ...x!, leaf: false } : x)) };
    expect(message(() => verifyChunk(lying, s, b))).to.match(/do not hash/);
  });
});

describe("state/snapshot: SnapshotWriter", () => {
  async function write(dir: string, entries: readonly Entry[], root: Uint8Array, opts: { expectedKeys?: number; spillBytes?: number; maxChunkBytes?: number } = {}) {
    const w = new SnapshotWriter(dir, { height: 5, root, expectedKeys: opts.expectedKeys ?? entries.length, spillBytes: opts.spillBytes ?? 4096, maxChunkBytes: opts.maxChunkBytes });
    for (const [k, v] of entries) w.add(k, v);
    return w.finish();
  }
  function readBack(dir: string, root: Uint8Array): { manifest: SnapshotManifest; entries: SnapshotEntry[] } {
    const manifest = verifyManifest(readFileSync(join(dir, "manifest.json")), root, 5);
    const entries: SnapshotEntry[] = [];
    manifest.slots.forEach((s, i) => {
      if (s !== null) entries.push(...verifyChunk(manifest, i, readFileSync(join(dir, `chunk-${i}.bin`))));
    });
    return { manifest, entries };
  }

  for (const n of [0, 1, 2, 9, 3000]) {
    it(`writes ${n} keys in key order, with small spill buffers: verifiable chunks, the store's root`, async () => {
      const entries = kvs(n).sort((a, b) => Buffer.compare(a[0], b[0]));
      const store = openMemoryAuthenticatedStore();
      store.stage(entries).commit(5);
      const dir = join(tmp(), "5");
      const info = await write(dir, entries, store.root);
      expect(existsSync(`${dir}.tmp`)).to.equal(false);
      expect(info.keys).to.equal(n);
      const { manifest, entries: back } = readBack(dir, store.root);
      expect(back.length).to.equal(n);
      expect(new Set(back.map(([k, v]) => hex(k) + ":" + hex(v)))).to.deep.equal(new Set(entries.map(([k, v]) => hex(k) + ":" + hex(v))));
      expect(hex(info.manifestHash)).to.equal(hex(sha256(readFileSync(join(dir, "manifest.json")))));
      expect(readdirSync(dir).filter((f) => f.startsWith("chunk-")).length).to.equal(manifest.slots.filter((s) => s !== null).length);
      expect(readdirSync(dir)).to.not.include("spill");
    });
  }

  it("a wrong key-count hint is corrected: too low (spill files split finer), too high (merged)", async () => {
    const entries = kvs(3000);
    const store = openMemoryAuthenticatedStore();
    store.stage(entries).commit(5);
    const low = join(tmp(), "5");
    // Low hint + a chunk limit that forces depth 2: the depth-0 spill file is split twice.
    const a = await write(low, entries, store.root, { expectedKeys: 0, maxChunkBytes: 1024 });
    expect(a.depth).to.equal(2);
    expect(readBack(low, store.root).entries.length).to.equal(3000);
    const high = join(tmp(), "5");
    const b = await write(high, entries, store.root, { expectedKeys: 10_000_000 });
    expect(b.depth).to.equal(0);
    expect(readBack(high, store.root).entries.length).to.equal(3000);
  });

  it("property: for random key sets the manifest's root is the store's root", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.uint8Array({ minLength: 1, maxLength: 10 }), { maxLength: 80, selector: (k) => hex(k) }), fc.integer({ min: 64, max: 1024 }), async (keys, maxChunk) => {
        const entries: Entry[] = keys.map((k, i) => [k, bytes(`value-${i}`)]);
        const store = openMemoryAuthenticatedStore();
        store.stage(entries).commit(5);
        const dir = join(tmp(), "5");
        await write(dir, entries, store.root, { maxChunkBytes: maxChunk + 4 + 40, spillBytes: 50 });
        expect(readBack(dir, store.root).entries.length).to.equal(entries.length);
      }),
      { numRuns: 25 },
    );
  });

  it("refuses (and removes its directory) when the entries do not hash to the given root", async () => {
    const entries = kvs(50);
    const dir = join(tmp(), "5");
    const wrong = referenceRoot(kvs(51)).root;
    let err: unknown;
    await write(dir, entries, wrong).catch((e) => (err = e));
    expect(err).to.be.instanceOf(StateError).and.include({ code: "STATE_SNAPSHOT_WRITE" });
    expect((err as Error).message).to.match(/hash to state root .* not the given/);
    expect(existsSync(dir)).to.equal(false);
    expect(existsSync(`${dir}.tmp`)).to.equal(false);
  });

  it("refuses a key added twice, an existing snapshot directory, and add after finish", async () => {
    const entries = kvs(10);
    const root = referenceRoot(entries).root;
    const dir = join(tmp(), "5");
    let err: unknown;
    await write(dir, [...entries, entries[3]!], root).catch((e) => (err = e));
    expect((err as Error).message).to.match(/same key was added twice/);
    await write(dir, entries, root);
    expect(code(() => new SnapshotWriter(dir, { height: 5, root, expectedKeys: 10 }))).to.equal("STATE_SNAPSHOT_WRITE");
    const w = new SnapshotWriter(join(tmp(), "6"), { height: 6, root: EMPTY_ROOT, expectedKeys: 0 });
    await w.finish();
    expect(code(() => w.add(bytes("k"), bytes("v")))).to.equal("STATE_SNAPSHOT_WRITE");
  });

  it("addAll yields to the event loop while it works", async () => {
    const entries = kvs(20_000);
    const w = new SnapshotWriter(join(tmp(), "5"), { height: 5, root: referenceRoot(entries).root, expectedKeys: 20_000, budgetMs: 1 });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    await w.addAll(entries);
    await w.finish();
    clearInterval(timer);
    expect(ticks).to.be.greaterThan(0);
  });
});

describe("state/snapshot: SnapshotDir", () => {
  async function make(d: SnapshotDir, height: number, n = 5): Promise<void> {
    const entries = kvs(n, `h${height}-`);
    const w = d.writer({ height, root: referenceRoot(entries).root, expectedKeys: n });
    for (const [k, v] of entries) w.add(k, v);
    await w.finish();
  }

  it("lists complete snapshots newest first, reads their parts, prunes and removes", async () => {
    const path = join(tmp(), "snapshots");
    const d = new SnapshotDir(path);
    expect(d.list()).to.deep.equal([]);
    for (const h of [10, 200, 30]) await make(d, h);
    mkdirSync(join(path, "junk"));
    mkdirSync(join(path, "40")); // no manifest: not a snapshot
    expect(d.list()).to.deep.equal([200, 30, 10]);
    expect(d.has(30)).to.equal(true);
    expect(d.has(40)).to.equal(false);
    const mb = (await d.readManifest(30))!;
    const m = verifyManifest(mb, referenceRoot(kvs(5, "h30-")).root, 30);
    const s = m.slots.findIndex((x) => x !== null);
    expect(verifyChunk(m, s, (await d.readChunk(30, s))!).length).to.equal(m.slots[s]!.entries);
    expect(await d.readManifest(31)).to.equal(undefined);
    expect(await d.readChunk(30, 5000)).to.equal(undefined);
    expect(await d.readChunk(30, -1)).to.equal(undefined);
    expect(d.prune(2)).to.deep.equal([10]);
    expect(d.list()).to.deep.equal([200, 30]);
    d.remove(200);
    expect(d.list()).to.deep.equal([30]);
    expect(d.prune(0)).to.deep.equal([30]);
    expect(d.list()).to.deep.equal([]);
  });

  it("removes .tmp leftovers when opened, but not a running writer's", async () => {
    const path = join(tmp(), "snapshots");
    mkdirSync(join(path, "77.tmp", "spill"), { recursive: true });
    writeFileSync(join(path, "77.tmp", "chunk-0.bin"), "x");
    const d = new SnapshotDir(path);
    expect(existsSync(join(path, "77.tmp"))).to.equal(false);
    const entries = kvs(5);
    const w = d.writer({ height: 8, root: referenceRoot(entries).root, expectedKeys: 5 });
    w.add(entries[0]![0], entries[0]![1]);
    mkdirSync(join(path, "9.tmp"));
    expect(d.removeLeftovers()).to.deep.equal(["9.tmp"]);
    expect(existsSync(w.tmp)).to.equal(true);
    for (const [k, v] of entries.slice(1)) w.add(k, v);
    await w.finish();
    expect(d.list()).to.deep.equal([8]);
  });
});
