import { expect } from "chai";
import { packApply, unpackApply } from "./apply-pack.ts";
import { SlabMap } from "./slab-map.ts";
import { SEAL_BYTES, sealInPlace, unseal } from "./record-seal.ts";

const b = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (u: Uint8Array | null): string | null => (u === null ? null : Buffer.from(u).toString("latin1"));
/** A height's flat changes as the overlay holds them. */
const flatOf = (changes: ReadonlyArray<readonly [Uint8Array, Uint8Array | null]>): SlabMap => {
  const m = new SlabMap();
  for (const [k, v] of changes) m.setBytes(k, v);
  return m;
};
/** A record view without its seal room. */
const value = (r: Buffer | null): Buffer | null => (r === null ? null : r.subarray(0, r.length - SEAL_BYTES));

describe("state/apply-pack: a journaled height's entries for the applier thread", () => {
  it("round-trips puts and deletes of values and nodes, in order, with empty keys and values kept apart from deletes", () => {
    const changes = [
      [b("a"), b("1")],
      [b("b"), null],
      [b("c"), new Uint8Array(0)],
    ] as const;
    const nodes = new SlabMap().set("\u0000", b("root")).set("\u00ab\u0002", null).set("\u00ff\u00f0\u0003", b("leaf"));
    const { flat, tree } = unpackApply(packApply(flatOf(changes), nodes));
    expect(flat.map(([k, r]) => [text(k), text(value(r))])).to.deep.equal([["a", "1"], ["b", null], ["c", ""]]);
    // Paths are latin1 strings: every char code 0..255 survives as one byte.
    expect(tree.map(([k, r]) => [text(k), text(value(r))])).to.deep.equal([["\u0000", "root"], ["\u00ab\u0002", null], ["\u00ff\u00f0\u0003", "leaf"]]);
  });

  it("an empty height packs to its two counts", () => {
    const packed = packApply(new SlabMap(), new SlabMap());
    expect(packed.byteLength).to.equal(8);
    expect(unpackApply(packed)).to.deep.equal({ flat: [], tree: [] });
  });

  it("refuses bytes past the last entry", () => {
    const packed = packApply(flatOf([[b("k"), b("v")]]), new SlabMap());
    const longer = new Uint8Array(packed.byteLength + 1);
    longer.set(new Uint8Array(packed));
    expect(() => unpackApply(longer.buffer)).to.throw(/1 bytes past the last entry/);
  });

  it("each value is followed by room for its seal: sealed in place, it reads back through unseal, and the next entry is untouched", () => {
    const { flat, tree } = unpackApply(packApply(flatOf([[b("k1"), b("value one")], [b("k2"), b("v2")]]), new SlabMap().set("\u0001", b("node"))));
    for (const [k, r] of [...flat, ...tree]) expect(r!.length).to.equal(text(value(r))!.length + SEAL_BYTES);
    const [k1, r1] = flat[0]!;
    expect(unseal(k1, sealInPlace(k1, r1!))!.toString()).to.equal("value one");
    expect(text(flat[1]![0])).to.equal("k2");
    expect(text(value(flat[1]![1]))).to.equal("v2");
    // The key is in the checksum: the same record under another key does not unseal.
    expect(unseal(b("k2"), r1!)).to.equal(undefined);
  });

  it("refuses an entry that runs past the end of the buffer", () => {
    const packed = new Uint8Array(packApply(flatOf([[b("k"), b("value")]]), new SlabMap()));
    const short = packed.slice(0, packed.length - 1);
    expect(() => unpackApply(short.buffer)).to.throw(/an entry runs 1 bytes past the end/);
  });
});
