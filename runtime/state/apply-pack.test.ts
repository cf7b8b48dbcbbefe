import { expect } from "chai";
import { packApply, unpackApply } from "./apply-pack.ts";

const b = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (u: Uint8Array | null): string | null => (u === null ? null : Buffer.from(u).toString("latin1"));

describe("state/apply-pack: a journaled height's entries for the applier thread", () => {
  it("round-trips puts and deletes of values and nodes, in order, with empty keys and values kept apart from deletes", () => {
    const changes = [
      [b("a"), b("1")],
      [b("b"), null],
      [b("c"), new Uint8Array(0)],
    ] as const;
    const nodes = new Map<string, Uint8Array | null>([
      ["\u0000", b("root")],
      ["\u00ab\u0002", null],
      ["\u00ff\u00f0\u0003", b("leaf")],
    ]);
    const { flat, tree } = unpackApply(packApply(changes, nodes));
    expect(flat.map(([k, v]) => [text(k), text(v)])).to.deep.equal([["a", "1"], ["b", null], ["c", ""]]);
    // Paths are latin1 strings: every char code 0..255 survives as one byte.
    expect(tree.map(([k, v]) => [text(k), text(v)])).to.deep.equal([["\u0000", "root"], ["\u00ab\u0002", null], ["\u00ff\u00f0\u0003", "leaf"]]);
  });

  it("an empty height packs to its two counts", () => {
    const packed = packApply([], new Map());
    expect(packed.byteLength).to.equal(8);
    expect(unpackApply(packed)).to.deep.equal({ flat: [], tree: [] });
  });

  it("refuses bytes past the last entry", () => {
    const packed = packApply([[b("k"), b("v")]], new Map());
    const longer = new Uint8Array(packed.byteLength + 1);
    longer.set(new Uint8Array(packed));
    expect(() => unpackApply(longer.buffer)).to.throw(/1 bytes past the last entry/);
  });
});
