import { expect } from "chai";
import fc from "fast-check";
import { SlabMap } from "./slab-map.ts";

const b = (...xs: number[]): Uint8Array => Uint8Array.from(xs);
const hex = (u: Uint8Array | null | undefined): string | null | undefined => (u == null ? u : Buffer.from(u).toString("hex"));

/** What a Map would hold: the same entries, in the same order, by the same lookups. */
function expectSameAsMap(set: SlabMap, map: Map<string, Uint8Array | null>, probes: readonly string[]): void {
  expect(set.size).to.equal(map.size);
  expect([...set].map(([p, e]) => [p, hex(e)])).to.deep.equal([...map].map(([p, e]) => [p, hex(e)]));
  const raw: Array<[string, string | null]> = [];
  set.forEachRaw((slab, po, pl, eo, el) => raw.push([Buffer.from(slab.subarray(po, po + pl)).toString("latin1"), el < 0 ? null : Buffer.from(slab.subarray(eo, eo + el)).toString("hex")]));
  expect(raw).to.deep.equal([...map].map(([p, e]) => [p, hex(e)]));
  for (const p of probes) {
    expect(hex(set.get(p)), `get ${Buffer.from(p, "latin1").toString("hex")}`).to.equal(hex(map.get(p)));
    expect(set.has(p)).to.equal(map.has(p));
  }
}

describe("state/slab-map: a height's tree-node writes and flat changes in slabs", () => {
  it("behaves as a Map of path -> encoding | null: sets, overwrites (order kept), removals, lookups of absent paths, whatever size it was made for", () => {
    const path = fc.uint8Array({ minLength: 1, maxLength: 34 }).map((u) => Buffer.from(u).toString("latin1"));
    const enc = fc.option(fc.uint8Array({ minLength: 0, maxLength: 600 }), { nil: null, freq: 4 });
    fc.assert(
      fc.property(fc.array(fc.tuple(path, enc), { maxLength: 3000 }), fc.array(path, { maxLength: 50 }), fc.nat(5000), (ops, probes, expected) => {
        // Sized for `expected` keys up front, or not at all: the same map either way.
        const set = new SlabMap(expected);
        const map = new Map<string, Uint8Array | null>();
        // Paths reused on purpose: one op in four writes a path written before.
        ops.forEach(([p, e], i) => {
          const key = i % 4 === 3 && i > 0 ? ops[(i * 7) % i]![0] : p;
          set.set(key, e);
          map.set(key, e);
        });
        expectSameAsMap(set, map, [...probes, ...ops.map(([p]) => p)]);
      }),
      { numRuns: 60 },
    );
  });

  it("copies what it is given: a caller reusing its array does not change a recorded node, and views handed out stay valid", () => {
    const set = new SlabMap();
    const scratch = b(1, 2, 3);
    set.set("\u0001\u0001", scratch);
    const view = set.get("\u0001\u0001")!;
    scratch[0] = 9;
    set.set("\u0001\u0001", b(4, 5));
    expect(hex(view)).to.equal("010203");
    expect(hex(set.get("\u0001\u0001"))).to.equal("0405");
    expect(set.size).to.equal(1);
  });

  it("spans slabs and keeps finding paths after the index grows (200 000 nodes of 517 bytes, ~100 MiB)", () => {
    const set = new SlabMap();
    const node = new Uint8Array(517);
    const path = (i: number): string => String.fromCharCode(i >>> 16, (i >>> 8) & 0xff, i & 0xff, 6);
    for (let i = 0; i < 200_000; i++) {
      node[0] = i & 0xff;
      node[516] = (i >>> 8) & 0xff;
      set.set(path(i), i % 1000 === 999 ? null : node);
    }
    expect(set.size).to.equal(200_000);
    for (const i of [0, 1, 2027, 99_998, 123_456, 199_998]) {
      const e = set.get(path(i))!;
      expect([e.length, e[0], e[516]]).to.deep.equal([517, i & 0xff, (i >>> 8) & 0xff]);
    }
    expect(set.get(path(999))).to.equal(null);
    expect(set.get(path(200_000))).to.equal(undefined);
  });

  it("refuses an empty key and one longer than 65 535 bytes, leaving the map as it was", () => {
    const set = new SlabMap();
    expect(() => set.set("", b(1))).to.throw(RangeError, /a key of 0 bytes/);
    expect(() => set.setBytes(new Uint8Array(0x10000), b(1))).to.throw(RangeError, /a key of 65536 bytes/);
    expect(set.size).to.equal(0);
  });

  it("keys given as bytes are the same keys as their latin1 strings; a value bigger than a slab gets a slab of its own", () => {
    const set = new SlabMap();
    const big = new Uint8Array(3 << 20).fill(7);
    set.setBytes(b(0xff, 0x00, 0x80), b(1));
    set.set("\u00ff\u0000\u0080", b(2));
    set.setBytes(b(0x61), big);
    set.setBytes(b(0x62), null);
    expect(set.size).to.equal(3);
    expect(hex(set.get("\u00ff\u0000\u0080"))).to.equal("02");
    expect(set.get("a")!.length).to.equal(3 << 20);
    expect(set.get("b")).to.equal(null);
    expect(hex(set.keyAt(1))).to.equal("61");
    expect(set.valueAt(2)).to.equal(null);
  });

  it("lowerBound finds the first key >= a given one in a map filled in ascending key order", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.uint8Array({ minLength: 1, maxLength: 6 }), { selector: (u) => Buffer.from(u).toString("hex"), maxLength: 200 }), fc.uint8Array({ maxLength: 7 }), (keys, probe) => {
        keys.sort(Buffer.compare);
        const set = new SlabMap();
        for (const k of keys) set.setBytes(k, k);
        const want = keys.findIndex((k) => Buffer.compare(k, probe) >= 0);
        expect(set.lowerBound(probe)).to.equal(want < 0 ? keys.length : want);
        if (keys.length > 0) expect(set.indexOf(Buffer.from(keys[0]!).toString("latin1"))).to.equal(0);
      }),
      { numRuns: 200 },
    );
  });
});
