import { expect } from "chai";
import fc from "fast-check";
import { decode, decodeFirst, encode } from "cborg";
import { cborgDecode, cborgDecodeFirst } from "../../runtime/codec/cborg-strict.ts";
import { decodeCanonical } from "../../runtime/codec/canonical.ts";
import { decodeItem } from "../../runtime/codec/fast-decode.ts";
import { hex, STRICT, stray, rng, valueArb } from "../helpers/cbor-arbitraries.ts";

/**
 * cborg-strict.ts is cborg's strict decode with a leading U+FEFF kept in text strings. Held to
 * plain cborg: on any input without the bytes EF BB BF the outcome (value, or error class and
 * message) is identical; with them, only text values differ, by the BOM cborg dropped.
 */
type Outcome = { ok: true; value: unknown } | { ok: false; error: string };
function outcome(f: () => unknown): Outcome {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    return { ok: false, error: `${(e as Error).constructor.name}: ${(e as Error).message}` };
  }
}

function hasBom(b: Uint8Array): boolean {
  for (let i = 0; i + 2 < b.length; i++) if (b[i] === 0xef && b[i + 1] === 0xbb && b[i + 2] === 0xbf) return true;
  return false;
}

/** Drop one leading U+FEFF from every text (keys included): what cborg's own decode gives. */
function dropBoms(v: unknown): unknown {
  if (typeof v === "string") return v.startsWith("\uFEFF") ? v.slice(1) : v;
  if (Array.isArray(v)) return v.map(dropBoms);
  if (v !== null && typeof v === "object" && !(v instanceof Uint8Array)) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[dropBoms(k) as string] = dropBoms(x);
    return o;
  }
  return v;
}

describe("cborg strict decode keeping a leading BOM (cborg-strict.ts)", () => {
  it("gives exactly cborg's value or cborg's error on random bytes and on near-canonical encodings without EF BB BF", () => {
    let compared = 0;
    const same = (b: Uint8Array): void => {
      if (hasBom(b)) return;
      compared++;
      expect(outcome(() => cborgDecode(b)), hex(b)).to.deep.equal(outcome(() => decode(b, STRICT)));
      expect(outcome(() => cborgDecodeFirst(b)), hex(b)).to.deep.equal(outcome(() => decodeFirst(b, STRICT)));
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 24 }), (b) => same(b)), { numRuns: 3000 });
    fc.assert(
      fc.property(valueArb, fc.integer(), (v, seed) => same(Uint8Array.from(stray(v, rng(seed), 0.2)))),
      { numRuns: 1500 },
    );
    expect(compared).to.be.greaterThan(4000);
  });

  it("with a leading BOM, differs from cborg only by the BOM cborg drops, and re-encodes to the input", () => {
    const values: unknown[] = ["\uFEFF", "\uFEFFa", "\uFEFF\uFEFFb", ["\uFEFF".repeat(3), "x\uFEFF"], { "\uFEFFkey": "\uFEFF" + "é".repeat(40), plain: 1 }];
    for (const v of values) {
      const b = encode(v);
      expect(cborgDecode(b)).to.deep.equal(v);
      expect(hex(encode(cborgDecode(b)))).to.equal(hex(b));
      expect(decode(b, STRICT)).to.deep.equal(dropBoms(v));
      const [first, rest] = cborgDecodeFirst(Uint8Array.from([...b, 0x01]));
      expect(first).to.deep.equal(v);
      expect(hex(rest)).to.equal("01");
    }
  });

  it("the fast decoder, the cborg path and the canonical codec give the same BOM-led values", () => {
    fc.assert(
      fc.property(valueArb, (v) => {
        const withBom = ["\uFEFF" + hex(encode(v)).slice(0, 20), { "\uFEFF": v }, ["\uFEFFé", v]];
        for (const x of withBom) {
          const b = encode(x);
          expect(decodeItem(b, 0, false)!.value).to.deep.equal(cborgDecode(b));
          expect(decodeCanonical(b)).to.deep.equal(cborgDecode(b));
        }
      }),
      { numRuns: 300 },
    );
  });
});
