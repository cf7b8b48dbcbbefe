import { expect } from "chai";
import { createHash } from "node:crypto";
import { toHex } from "../../runtime/crypto/hash.ts";
import { testSigner } from "../../test/helpers/node-harness.ts";
import { drawPanel, panelSeed } from "./panel.ts";

const ARBITERS = Array.from({ length: 10 }, (_, i) => testSigner(20 + i).address).sort();
const H1 = "11".repeat(32);
const H2 = "22".repeat(32);

describe("arbitration: panel draw (pure)", () => {
  it("is deterministic: the same arbiters, size and seed draw the same panel, in the same order", () => {
    const a = drawPanel(ARBITERS, 3, panelSeed(H1, 7, 1));
    const b = drawPanel([...ARBITERS], 3, panelSeed(H1, 7, 1));
    expect(a).to.deep.equal(b);
    expect(a).to.have.length(3);
    expect(new Set(a).size).to.equal(3);
    for (const x of a!) expect(ARBITERS).to.include(x);
  });

  it("the seed binds prevHash, case id and round: changing any one changes the seed", () => {
    const s = toHex(panelSeed(H1, 7, 1));
    expect(toHex(panelSeed(H2, 7, 1))).to.not.equal(s);
    expect(toHex(panelSeed(H1, 8, 1))).to.not.equal(s);
    expect(toHex(panelSeed(H1, 7, 2))).to.not.equal(s);
    // sha256(prevHash bytes ‖ u64be(caseId) ‖ u8(round)), checked against node:crypto.
    const id = Buffer.alloc(8);
    id.writeBigUInt64BE(7n);
    expect(s).to.equal(createHash("sha256").update(Buffer.concat([Buffer.alloc(32, 0x11), id, Buffer.from([1])])).digest("hex"));
  });

  it("different seeds spread the draw over the arbiters (no arbiter is never drawn over 200 seeds)", () => {
    const counts = new Map<string, number>();
    for (let id = 1; id <= 200; id++) for (const a of drawPanel(ARBITERS, 3, panelSeed(H1, id, 1))!) counts.set(a, (counts.get(a) ?? 0) + 1);
    expect(counts.size).to.equal(ARBITERS.length);
    // 600 draws over 10 arbiters: 60 expected each; a fair draw stays well inside 25..95.
    for (const n of counts.values()) expect(n).to.be.within(25, 95);
  });

  it("excludes the given arbiters (round 2 excludes round 1's panel) and draws only from the rest", () => {
    for (let id = 1; id <= 50; id++) {
      const first = drawPanel(ARBITERS, 3, panelSeed(H1, id, 1))!;
      const second = drawPanel(ARBITERS, 3, panelSeed(H1, id, 2), first)!;
      expect(second).to.have.length(3);
      for (const a of second) expect(first).to.not.include(a);
      // A Set works the same as a list.
      expect(drawPanel(ARBITERS, 3, panelSeed(H1, id, 2), new Set(first))).to.deep.equal(second);
    }
  });

  it("too few arbiters after exclusion: null; exactly enough: all of them", () => {
    expect(drawPanel(ARBITERS.slice(0, 2), 3, panelSeed(H1, 1, 1))).to.equal(null);
    expect(drawPanel(ARBITERS.slice(0, 5), 3, panelSeed(H1, 1, 2), ARBITERS.slice(0, 3))).to.equal(null);
    const all = drawPanel(ARBITERS.slice(0, 6), 3, panelSeed(H1, 1, 2), ARBITERS.slice(0, 3))!;
    expect([...all].sort()).to.deep.equal(ARBITERS.slice(3, 6));
    expect(drawPanel([], 1, panelSeed(H1, 1, 1))).to.equal(null);
  });

  it("refuses an unsorted or duplicated arbiter list and a bad panel size or prevHash", () => {
    expect(() => drawPanel([...ARBITERS].reverse(), 3, panelSeed(H1, 1, 1))).to.throw(/sorted/);
    expect(() => drawPanel([ARBITERS[0]!, ARBITERS[0]!], 1, panelSeed(H1, 1, 1))).to.throw(/sorted/);
    expect(() => drawPanel(ARBITERS, 0, panelSeed(H1, 1, 1))).to.throw(/positive/);
    expect(() => panelSeed("XY", 1, 1)).to.throw(/hex/);
  });
});
