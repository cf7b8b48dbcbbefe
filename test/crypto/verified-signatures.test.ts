import { expect } from "chai";
import { VerifiedSignatures } from "../../runtime/crypto/verified-signatures.ts";

const b = (...xs: number[]): Uint8Array => new Uint8Array(xs);

describe("VerifiedSignatures", () => {
  it("answers only for the exact (key, message, signature) triple added", () => {
    const c = new VerifiedSignatures();
    c.add(b(1, 2), b(3), b(4, 5));
    expect(c.has(b(1, 2), b(3), b(4, 5))).to.equal(true);
    expect(c.has(b(1, 2), b(3), b(4, 6))).to.equal(false);
    expect(c.has(b(1, 2), b(9), b(4, 5))).to.equal(false);
    // Same bytes split differently between the three parts are different triples.
    expect(c.has(b(1), b(2, 3), b(4, 5))).to.equal(false);
    expect(c.has(b(1, 2, 3), b(), b(4, 5))).to.equal(false);
  });

  it("stays within its bound, dropping the oldest first", () => {
    const c = new VerifiedSignatures(3);
    for (let i = 0; i < 5; i++) c.add(b(i), b(i), b(i));
    expect(c.size).to.equal(3);
    expect(c.has(b(0), b(0), b(0))).to.equal(false);
    expect(c.has(b(1), b(1), b(1))).to.equal(false);
    expect(c.has(b(4), b(4), b(4))).to.equal(true);
    c.add(b(4), b(4), b(4)); // already there: nothing dropped
    expect(c.has(b(2), b(2), b(2))).to.equal(true);
  });
});
