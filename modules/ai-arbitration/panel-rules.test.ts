import { expect } from "chai";
import { createHash } from "node:crypto";
import { drawPanel, panelSeed } from "./panel.ts";

/**
 * The panel draw against its written rule, computed here with node:crypto, and panelSeed's
 * input checks at their boundaries (gaps the first full `arbitration` mutation run showed).
 */
const H = "ab".repeat(32);
const sha = (...parts: Uint8Array[]): Buffer => createHash("sha256").update(Buffer.concat(parts)).digest();
const u64 = (n: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
};
const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

/** The documented draw: pick i takes index sha256(seed ‖ u32(i)) mod (remaining) of the undrawn list, swapped to the front. */
function referenceDraw(arbiters: readonly string[], n: number, seed: Uint8Array): string[] {
  const pool = [...arbiters];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const j = i + Number(BigInt(`0x${sha(seed, u32(i)).toString("hex")}`) % BigInt(pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    out.push(pool[i]!);
  }
  return out;
}

describe("arbitration: panel draw rules (the seed's layout, the draw's vector, the input checks)", () => {
  it("the seed is sha256(prevHash bytes ‖ u64be(caseId) ‖ u8(round)), at the bounds of each field", () => {
    for (const [caseId, round] of [[0, 0], [1, 1], [7, 255], [Number.MAX_SAFE_INTEGER, 2]] as const) {
      const want = sha(Buffer.from(H, "hex"), u64(caseId), Buffer.from([round]));
      expect(Buffer.from(panelSeed(H, caseId, round)).toString("hex"), `case ${caseId} round ${round}`).to.equal(want.toString("hex"));
    }
  });

  it("draws exactly the documented sequence (the u32 pick index is part of each hash)", () => {
    const arbiters = Array.from({ length: 12 }, (_, i) => `arb${String(i).padStart(2, "0")}`);
    for (let id = 0; id < 20; id++) {
      const seed = panelSeed(H, id, 1);
      expect(drawPanel(arbiters, 5, seed), `case ${id}`).to.deep.equal(referenceDraw(arbiters, 5, seed));
    }
  });

  it("refuses a prevHash that is not exactly 64 lowercase hex, naming it", () => {
    for (const bad of ["", "AB".repeat(32), "ab".repeat(31) + "a", "ab".repeat(33), "x" + "ab".repeat(32), "ab".repeat(32) + "x", "zz".repeat(32)]) {
      expect(() => panelSeed(bad, 1, 1), JSON.stringify(bad)).to.throw(TypeError, `prevHash must be 64 lowercase hex, got "${bad}"`);
    }
  });

  it("refuses a case id that is negative, fractional or unsafe; accepts 0", () => {
    for (const bad of [-1, 1.5, Number.MAX_SAFE_INTEGER + 1, NaN]) {
      expect(() => panelSeed(H, bad, 1), String(bad)).to.throw(TypeError, `caseId ${bad} is not a non-negative safe integer`);
    }
    expect(() => panelSeed(H, 0, 1)).to.not.throw();
  });

  it("refuses a round outside 0..255 or fractional; accepts 0 and 255", () => {
    for (const bad of [-1, 256, 1.5, NaN]) {
      expect(() => panelSeed(H, 1, bad), String(bad)).to.throw(TypeError, `round ${bad} is not a byte`);
    }
    expect(() => panelSeed(H, 1, 0)).to.not.throw();
    expect(() => panelSeed(H, 1, 255)).to.not.throw();
  });
});
