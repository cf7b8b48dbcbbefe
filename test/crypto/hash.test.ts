import { expect } from "chai";
import fc from "fast-check";
import { createHash } from "node:crypto";
import { sha256, sha256PrefixedInto, toHex, utf8 } from "../../runtime/crypto/hash.ts";
import { merkleRoot } from "../../runtime/app/block.ts";

const reference = (...parts: Uint8Array[]): string => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest("hex");
};

describe("sha256", () => {
  it("gives the FIPS 180-2 answers", () => {
    expect(toHex(sha256(utf8("")))).to.equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(toHex(sha256(utf8("abc")))).to.equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(toHex(sha256(utf8("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")))).to.equal(
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    );
  });

  it("hashes the concatenation of its parts, small (scratch buffer) and large (streamed)", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 3000 }), { maxLength: 6 }), (parts) => {
        expect(toHex(sha256(...parts))).to.equal(reference(...parts));
      }),
      { numRuns: 200 },
    );
  });

  it("returns a fresh 32-byte array each time, with every byte value round-tripped", () => {
    // Digests pass through a one-char-per-byte string: bytes 0x80..0xff must survive it.
    let high = 0;
    const seen: Uint8Array[] = [];
    for (let i = 0; i < 64; i++) {
      const d = sha256(new Uint8Array([i]));
      expect(d).to.be.instanceOf(Uint8Array);
      expect(d.length).to.equal(32);
      expect(toHex(d)).to.equal(reference(new Uint8Array([i])));
      high += d.filter((b) => b >= 0x80).length;
      seen.push(d);
    }
    expect(high).to.be.greaterThan(0);
    seen[0]!.fill(0);
    expect(toHex(seen[1]!)).to.equal(reference(new Uint8Array([1])));
  });
});

describe("sha256PrefixedInto and merkleRoot", () => {
  it("sha256PrefixedInto hashes prefix ‖ src[start, end) into the offset and writes nothing else", () => {
    const src = utf8("xxbcyy");
    const out = new Uint8Array(80).fill(7);
    sha256PrefixedInto(out, 16, 0x61, src, 2, 4);
    expect(toHex(out.subarray(16, 48))).to.equal(reference(utf8("abc")));
    expect([...out.subarray(0, 16), ...out.subarray(48)].every((b) => b === 7)).to.equal(true);
    // Long inputs take the other copy path; the limit is 4 KiB including the prefix.
    const long = new Uint8Array(4095).map((_, i) => i & 0xff);
    sha256PrefixedInto(out, 0, 9, long, 0, long.length);
    expect(toHex(out.subarray(0, 32))).to.equal(reference(new Uint8Array([9]), long));
    expect(() => sha256PrefixedInto(out, 0, 0, new Uint8Array(4096), 0, 4096)).to.throw(RangeError, /at most 4096 bytes/);
  });

  // The definition, one array per hash: the in-place version must give the same root.
  const LEAF = new Uint8Array([0]);
  const NODE = new Uint8Array([1]);
  function referenceRoot(leaves: Uint8Array[]): string {
    if (leaves.length === 0) return reference();
    let level: Uint8Array[] = leaves.map((l) => Buffer.from(reference(LEAF, l), "hex"));
    while (level.length > 1) {
      const next: Uint8Array[] = [];
      for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? Buffer.from(reference(NODE, level[i]!, level[i + 1]!), "hex") : level[i]!);
      level = next;
    }
    return toHex(level[0]!);
  }

  it("merkleRoot equals the per-hash definition for every size up to 70 leaves and for large leaves", () => {
    for (let n = 0; n <= 70; n++) {
      const leaves = Array.from({ length: n }, (_, i) => sha256(utf8(`leaf ${n}.${i}`)));
      expect(toHex(merkleRoot(leaves)), `${n} leaves`).to.equal(referenceRoot(leaves));
    }
    const big = [new Uint8Array(5000).fill(1), utf8("x"), new Uint8Array(4095).fill(2)];
    expect(toHex(merkleRoot(big))).to.equal(referenceRoot(big));
  });
});
