import { expect } from "chai";
import fc from "fast-check";
import { encode } from "cborg";
import { EntryPairs, encodeTuple } from "../../runtime/codec/fast-encode.ts";
import { toHex } from "../../runtime/crypto/hash.ts";

/** Values the fast path writes itself, with integers around every head boundary. */
const boundaryInt = fc.constantFrom(0, 1, 23, 24, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, -1, -24, -25, -256, -257, -65536, -65537, -(2 ** 32), -(2 ** 32) - 1, -(2 ** 53 - 1));
const leaf = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ maxLength: 300 }),
  fc.string({ unit: "binary", maxLength: 20 }), // includes lone surrogates: must fall back, same bytes
  fc.maxSafeInteger(),
  boundaryInt,
  fc.uint8Array({ maxLength: 300 }),
  fc.constantFrom(null, true, false),
);
/** And values it must hand to cborg: maps, bigints, floats, -0, undefined. */
const other = fc.oneof(fc.dictionary(fc.string({ maxLength: 5 }), fc.integer()), fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n - 1n }), fc.double(), fc.constant(-0), fc.constant(undefined));
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: "small" }, leaf, leaf, fc.array(tie("v"), { maxLength: 8 })),
})).v;

describe("codec: encodeTuple (fast canonical CBOR for tuples)", () => {
  it("is byte-identical to cborg's encode for arrays, text, bytes, safe integers, null and booleans (property)", () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(toHex(encodeTuple(v))).to.equal(toHex(encode(v)));
      }),
      { numRuns: 5000 },
    );
  });

  it("hands anything else (maps, bigints, floats, -0, undefined) to cborg, whole, with the same bytes", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(leaf, other), { minLength: 1, maxLength: 6 }), other, (xs, o) => {
        const v = [...xs, o];
        expect(toHex(encodeTuple(v))).to.equal(toHex(encode(v)));
      }),
      { numRuns: 2000 },
    );
  });

  it("EntryPairs: a string record encodes as its Object.entries pairs, byte for byte, also when a string needs the fallback (property)", () => {
    const text = fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: "binary", maxLength: 8 }));
    const record = fc.dictionary(fc.oneof(text, fc.constantFrom("0", "10", "2", "a")), text, { maxKeys: 6 });
    fc.assert(
      fc.property(fc.array(fc.tuple(text, record), { maxLength: 4 }), leaf, (events, x) => {
        const plain = (): unknown[] => [x, events.map(([t, r]) => [t, Object.entries(r)])];
        const got = encodeTuple([x, events.map(([t, r]) => [t, new EntryPairs(r)])], plain);
        expect(toHex(got)).to.equal(toHex(encode(plain())));
      }),
      { numRuns: 3000 },
    );
  });

  it("grows past its scratch buffer and returns a copy the next call cannot overwrite", () => {
    const big = [new Uint8Array(200_000).fill(7), "x".repeat(70_000)];
    const a = encodeTuple(big);
    expect(toHex(a)).to.equal(toHex(encode(big)));
    const before = toHex(a);
    encodeTuple(["something else", 1, 2, 3]);
    expect(toHex(a)).to.equal(before);
  });
});
