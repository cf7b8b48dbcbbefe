import { expect } from "chai";
import fc from "fast-check";
import { encode } from "cborg";
import { cborgDecode } from "../../runtime/codec/cborg-strict.ts";
import { CodecError, decodeCanonical, decodeCanonicalByReencode } from "../../runtime/codec/canonical.ts";
import { scanCanonical } from "../../runtime/codec/canonical-scan.ts";
import { decodeTx } from "../../runtime/tx/envelope.ts";
import { TxError } from "../../runtime/tx/errors.ts";
import { testSigner } from "../helpers/node-harness.ts";
import { signedSend } from "../helpers/txs.ts";
import { BOUNDARIES, hex, headBytes, intArb, keyArb, mutate, rng, stray, valueArb, wellFormed } from "../helpers/cbor-arbitraries.ts";

/**
 * decodeCanonical now proves canonical form with a byte scan (canonical-scan.ts) instead of
 * re-encoding. These properties hold it to the old rule, decodeCanonicalByReencode, on valid
 * encodings, on structured deviations from them, on blind mutations and on random bytes:
 * same verdict always, same value when both accept.
 */

function strictDecodes(b: Uint8Array): boolean {
  try {
    cborgDecode(b);
    return true;
  } catch {
    return false;
  }
}

type Outcome = { ok: true; value: unknown } | { ok: false; message: string };
function outcome(f: (b: Uint8Array) => unknown, b: Uint8Array): Outcome {
  try {
    return { ok: true, value: f(b) };
  } catch (e) {
    expect(e, `${f.name} threw something other than a CodecError on ${hex(b)}`).to.be.instanceOf(CodecError);
    return { ok: false, message: (e as Error).message };
  }
}

const tally = { same: 0, accepted: 0, unknown: 0 };
/** Why the scan refused inputs that strict decoding accepts: the rules the scan adds, seen firing. */
const scanOnly = new Map<string, number>();

/** The heart of it: the new decoder and the reference agree on `b`, and so does the bare scan. */
function agree(b: Uint8Array): void {
  const now = outcome(decodeCanonical, b);
  const ref = outcome(decodeCanonicalByReencode, b);
  expect(now.ok, `decodeCanonical ${now.ok ? "accepts" : "refuses"} but the re-encode rule ${ref.ok ? "accepts" : "refuses"} ${hex(b)}: ${now.ok ? "" : now.message}`).to.equal(ref.ok);
  if (now.ok && ref.ok) expect(now.value).to.deep.equal(ref.value);
  // The scan alone (no decode before it) never contradicts the rule; it may decline.
  const s = scanCanonical(b);
  if (s.verdict === "canonical") expect(ref.ok, `scan says canonical, the rule refuses ${hex(b)}`).to.equal(true);
  else if (s.verdict === "non-canonical") {
    expect(ref.ok, `scan says ${s.reason} at ${s.offset}, the rule accepts ${hex(b)}`).to.equal(false);
    if (strictDecodes(b)) {
      const rule = s.reason.replace(/ \(.*/, "");
      scanOnly.set(rule, (scanOnly.get(rule) ?? 0) + 1);
    }
  }
  else tally.unknown++;
  tally.same++;
  if (ref.ok) tally.accepted++;
}

// ---- the properties ----------------------------------------------------------------------

describe("canonical byte scan (decodeCanonical without re-encoding)", function () {
  this.timeout(60_000);
  after(() => {
    console.log(`      ${tally.same} inputs compared with the re-encode rule, ${tally.accepted} accepted by both, ${tally.unknown} left by the scan to the fallback`);
    console.log(`      refused by the scan after a successful strict decode: ${JSON.stringify(Object.fromEntries(scanOnly))}`);
  });

  it("says canonical for whatever cborg encodes, and decodes the same value as cborg", () => {
    fc.assert(
      fc.property(valueArb, (v) => {
        const b = encode(v);
        const s = scanCanonical(b);
        expect(s.verdict, JSON.stringify(s)).to.equal("canonical");
        expect(decodeCanonical(b)).to.deep.equal(cborgDecode(b));
        agree(b);
      }),
      { numRuns: 4000 },
    );
  });

  it("agrees with the re-encode rule on deliberately non-canonical encodings", () => {
    fc.assert(
      fc.property(valueArb, fc.integer(), (v, seed) => {
        const r = rng(seed);
        for (const p of [0.05, 0.2, 0.6]) agree(Uint8Array.from(stray(v, r, p)));
      }),
      { numRuns: 4000 },
    );
  });

  it("agrees with the re-encode rule on maps with their entries in any order", () => {
    const entry = fc.tuple(keyArb, fc.oneof(intArb, fc.constantFrom(null, true), fc.uint8Array({ maxLength: 3 })));
    fc.assert(
      fc.property(fc.uniqueArray(entry, { minLength: 2, maxLength: 8, selector: (e) => wellFormed(e[0]) }), fc.integer(), (entries, seed) => {
        const r = rng(seed);
        const encoded = entries.map(([k, v]) => [...encode(k), ...encode(v)]);
        for (let i = encoded.length - 1; i > 0; i--) {
          const j = Math.floor(r() * (i + 1));
          [encoded[i], encoded[j]] = [encoded[j]!, encoded[i]!];
        }
        agree(Uint8Array.from([...headBytes(5, BigInt(encoded.length)), ...encoded.flat()]));
      }),
      { numRuns: 3000 },
    );
  });

  it("agrees with the re-encode rule on blind mutations of valid encodings", () => {
    fc.assert(
      fc.property(valueArb, fc.integer(), (v, seed) => {
        const r = rng(seed);
        const b = encode(v);
        let m: Uint8Array = b;
        for (let i = 0; i < 4; i++) {
          m = mutate(i === 2 ? b : m, r);
          agree(m);
        }
      }),
      { numRuns: 4000 },
    );
  });

  it("agrees with the re-encode rule on random bytes", () => {
    const headish = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x18, 0x19, 0x1b, 0x5f, 0x61, 0x62, 0x7f, 0x81, 0x82, 0xa1, 0xa2, 0xbf, 0xc2, 0xe0, 0xef, 0xbb, 0xbf, 0xf4, 0xf6, 0xf7, 0xfb, 0xff));
    fc.assert(
      fc.property(fc.array(headish, { maxLength: 24 }), (xs) => agree(Uint8Array.from(xs))),
      { numRuns: 10_000 },
    );
  });

  it("saw each rule that strict decoding leaves to the scan refuse something", () => {
    expect([...scanOnly.keys()].sort()).to.include.members([
      "map keys out of canonical order",
      "text string is not valid UTF-8",
    ]);
    // A leading BOM is no longer among them: the decoders keep it, so it round-trips.
    expect([...scanOnly.keys()].filter((k) => /byte order mark/.test(k))).to.deep.equal([]);
  });

  it("names what is wrong and where", () => {
    const cases: [number[], RegExp][] = [
      [[0xa2, 0x61, 0x62, 0x01, 0x61, 0x61, 0x02], /map keys out of canonical order at offset 4/],
      [[0xa2, 0x62, 0x61, 0x61, 0x01, 0x61, 0x62, 0x02], /map keys out of canonical order at offset 5/], // shorter key first
      [[0x82, 0x63, 0x61, 0xed, 0xa0, 0x01], /text string is not valid UTF-8 \(truncated sequence at offset 3\) at offset 1/],
      [[0x62, 0xc0, 0x80], /not valid UTF-8 \(byte 0xc0 at offset 1\)/],
      [[0x64, 0xef, 0xbb, 0xbf, 0xff], /not valid UTF-8 \(byte 0xff at offset 4\)/], // a BOM is fine, what follows is not
    ];
    for (const [bytes, re] of cases) expect(() => decodeCanonical(Uint8Array.from(bytes), "thing")).to.throw(CodecError, re);
    // Rules strict decoding already enforces keep cborg's message; the bare scan names them too.
    expect(() => decodeCanonical(Uint8Array.of(0x18, 0x01))).to.throw(CodecError, /malformed value: .*more bytes than necessary/);
    expect(scanCanonical(Uint8Array.of(0x82, 0x01, 0x19, 0x00, 0x10))).to.deep.equal({ verdict: "non-canonical", reason: "integer not in shortest form", offset: 2 });
    expect(scanCanonical(Uint8Array.of(0xa2, 0x61, 0x61, 0x01, 0x61, 0x61, 0x02))).to.include({ reason: "duplicate map key", offset: 4 });
    expect(scanCanonical(Uint8Array.of(0xf9, 0x3c, 0x00)).verdict).to.equal("unknown"); // 1.0 as float16: left to the fallback
  });

  it("leaves nesting deeper than MAX_DEPTH to the re-encode rule", () => {
    let v: unknown = [1, { a: "x" }];
    for (let i = 0; i < 600; i++) v = i % 2 ? [v] : { k: v };
    const b = encode(v);
    expect(scanCanonical(b).verdict).to.equal("unknown");
    expect(decodeCanonical(b)).to.deep.equal(v);
    agree(b);
    const unsorted = Uint8Array.from([...b.subarray(0, b.length - 7), 0xa2, 0x61, 0x62, 0x01, 0x61, 0x61, 0x02]);
    agree(unsorted);
    expect(() => decodeCanonical(unsorted)).to.throw(CodecError, /re-encoding gives/);
  });

  it("decodes a leading U+FEFF as a character: text strings and map keys starting with it are canonical both ways", () => {
    for (const v of ["\uFEFF", "\uFEFFabc", "\uFEFF\uFEFF", { "\uFEFFk": 1, k: 2 }, ["x", "\uFEFF".repeat(40)], { m: "\uFEFF" + "é".repeat(30) }]) {
      const b = encode(v);
      expect(scanCanonical(b).verdict, hex(b)).to.equal("canonical");
      expect(decodeCanonical(b)).to.deep.equal(v);
      expect(decodeCanonicalByReencode(b)).to.deep.equal(v);
      agree(b);
    }
    expect(hex(encode("\uFEFFa"))).to.equal("64efbbbf61");
    expect(decodeCanonical(Uint8Array.of(0x64, 0xef, 0xbb, 0xbf, 0x61))).to.equal("\uFEFFa");
    // Anywhere but the start it always was an ordinary character.
    expect(decodeCanonical(encode("a\uFEFF"))).to.equal("a\uFEFF");
  });

  it("integers at every head boundary: shortest form accepted, one size longer refused, number or bigint as cborg gives", () => {
    for (const n of BOUNDARIES) {
      for (const v of [n, -n - 1n]) {
        const b = encode(v);
        expect(decodeCanonical(b)).to.deep.equal(cborgDecode(b));
        const major = v >= 0n ? 0 : 1;
        const arg = v >= 0n ? v : -v - 1n;
        if (arg < 2n ** 32n) agree(Uint8Array.from(headBytes(major, arg, arg < 24n ? 1 : arg < 256n ? 2 : arg < 65_536n ? 4 : 8)));
        agree(b);
      }
    }
    expect(decodeCanonical(encode(2n ** 53n - 1n))).to.equal(2 ** 53 - 1);
    expect(decodeCanonical(encode(2n ** 53n))).to.equal(2n ** 53n);
    expect(decodeCanonical(encode(-(2n ** 64n)))).to.equal(-(2n ** 64n));
  });

  it("decodeTx agrees with the re-encode rule on mutated transactions", () => {
    const a = testSigner(0);
    const txs = [signedSend(a, testSigner(1).address, 5n, 0n), signedSend(a, testSigner(2).address, 2n ** 64n - 1n, 2n ** 53n, { memo: "héllo ✓", timeoutHeight: 65_536 })];
    const r = rng(11);
    let n = 0;
    for (const t of txs) {
      expect(decodeTx(t.bytes).tx).to.deep.equal(decodeTx(Uint8Array.from(t.bytes)).tx);
      for (let i = 0; i < 1500; i++, n++) {
        const m = mutate(t.bytes, r);
        const ref = outcome(decodeCanonicalByReencode, m);
        let accepted = true;
        try {
          decodeTx(m);
        } catch (e) {
          expect(e).to.be.instanceOf(TxError);
          accepted = false;
          // Refusing canonical bytes is fine only for the transaction's own rules (shape, fields).
          if (ref.ok) expect((e as Error).message, hex(m)).to.not.match(/canonical|malformed/);
        }
        if (accepted) expect(ref.ok, `decodeTx accepted non-canonical ${hex(m)}`).to.equal(true);
      }
    }
    expect(n).to.equal(3000);
  });
});
