import { expect } from "chai";
import fc from "fast-check";
import { encode } from "cborg";
import { cborgDecode, cborgDecodeFirst } from "../../runtime/codec/cborg-strict.ts";
import { assertCanonical, CodecError, decodeCanonical, decodeFirstItem, decodeItemAt } from "../../runtime/codec/canonical.ts";
import { decodeItem, MAX_DEPTH } from "../../runtime/codec/fast-decode.ts";
import { INTERN_MAX_BYTES } from "../../runtime/codec/intern.ts";
import { decodeAddress } from "../../runtime/crypto/address.ts";
import { decodeTx, encodeBody, type DecodedTx } from "../../runtime/tx/envelope.ts";
import { TxError } from "../../runtime/tx/errors.ts";
import { signTx } from "../../runtime/tx/sign.ts";
import { BOUNDARIES, hex, headBytes, mutate, rng, stray, valueArb } from "../helpers/cbor-arbitraries.ts";
import { benchSigner, transfer } from "../../bench/lib/fixtures.ts";

/**
 * fast-decode.ts builds values straight from the bytes where cborg's strict decode went
 * through tokens. Held here to cborg itself: wherever it answers, cborg gives the very same
 * value (same types, same key order, same kind of Uint8Array); where it declines, the
 * callers' results (values and error class and message) are still exactly cborg's.
 */

/** The same value in every observable way chai's deep equality does not check. */
function expectSame(actual: unknown, expected: unknown, path = "$"): void {
  expect(typeof actual, `${path}: type`).to.equal(typeof expected);
  if (expected instanceof Uint8Array) {
    expect(Object.getPrototypeOf(actual), `${path}: Uint8Array kind`).to.equal(Object.getPrototypeOf(expected));
    expect(hex(actual as Uint8Array), path).to.equal(hex(expected));
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${path}: array`).to.equal(true);
    const a = actual as unknown[];
    expect(a.length, `${path}: length`).to.equal(expected.length);
    for (let i = 0; i < expected.length; i++) {
      expect(i in a, `${path}[${i}]: present`).to.equal(true);
      expectSame(a[i], expected[i], `${path}[${i}]`);
    }
    return;
  }
  if (expected !== null && typeof expected === "object") {
    expect(actual, path).to.not.equal(null);
    expect(Object.getPrototypeOf(actual), `${path}: prototype`).to.equal(Object.getPrototypeOf(expected));
    const keys = Reflect.ownKeys(expected);
    expect(Reflect.ownKeys(actual as object), `${path}: keys in order`).to.deep.equal(keys);
    for (const k of keys) {
      const d = Object.getOwnPropertyDescriptor(actual, k)!;
      const e = Object.getOwnPropertyDescriptor(expected, k)!;
      expect([d.enumerable, d.writable, d.configurable], `${path}.${String(k)}: descriptor`).to.deep.equal([e.enumerable, e.writable, e.configurable]);
      expectSame(d.value, e.value, `${path}.${String(k)}`);
    }
    return;
  }
  expect(Object.is(actual, expected), `${path}: ${String(actual)} vs ${String(expected)}`).to.equal(true);
}

// ---- the reference: the same functions with cborg alone, as canonical.ts had them ----------

function refCanonical(b: Uint8Array, what = "value"): unknown {
  let v: unknown;
  try {
    v = cborgDecode(b);
  } catch (e) {
    throw new CodecError(`malformed ${what}: ${(e as Error).message}`);
  }
  assertCanonical(b, v, what);
  return v;
}

function refFirstItem(b: Uint8Array, what: string): { value: unknown; bytes: Uint8Array; rest: Uint8Array } {
  try {
    const [value, rest] = cborgDecodeFirst(b);
    return { value, bytes: b.subarray(0, b.length - rest.length), rest };
  } catch (e) {
    throw new CodecError(`malformed ${what}: ${(e as Error).message}`);
  }
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };
function outcome(f: () => unknown): Outcome {
  try {
    return { ok: true, value: f() };
  } catch (error) {
    return { ok: false, error };
  }
}

function expectSameOutcome(now: Outcome, ref: Outcome, b: Uint8Array): void {
  if (!ref.ok) {
    expect(now.ok, `accepted what cborg refuses: ${hex(b)} (${String(ref.error)})`).to.equal(false);
    const e = (now as { error: Error }).error;
    expect(e.constructor, hex(b)).to.equal((ref.error as Error).constructor);
    expect(e.message, hex(b)).to.equal((ref.error as Error).message);
    return;
  }
  expect(now.ok, `refused what cborg accepts: ${hex(b)}: ${now.ok ? "" : String(now.error)}`).to.equal(true);
  expectSame((now as { value: unknown }).value, ref.value);
}

const tally = { inputs: 0, answered: 0, declined: 0 };

/** Every entry point on `b` against its cborg-only reference. */
function agree(b: Uint8Array): void {
  tally.inputs++;
  const fast = decodeItem(b, 0, false);
  const ref = outcome(() => cborgDecodeFirst(b));
  if (fast === undefined) tally.declined++;
  else {
    tally.answered++;
    // It answers only where cborg does, with the same value and the same length.
    expect(ref.ok, `answered where cborg throws: ${hex(b)}`).to.equal(true);
    const [value, rest] = (ref as { value: [unknown, Uint8Array] }).value;
    expectSame(fast.value, value);
    expect(fast.next, hex(b)).to.equal(b.length - rest.length);
  }
  expectSameOutcome(outcome(() => decodeCanonical(b, "thing")), outcome(() => refCanonical(b, "thing")), b);
  const first = outcome(() => decodeFirstItem(b, "thing"));
  const refFirst = outcome(() => refFirstItem(b, "thing"));
  expectSameOutcome(first, refFirst, b);
  if (first.ok && refFirst.ok) {
    const x = first.value as ReturnType<typeof refFirstItem>;
    const y = refFirst.value as ReturnType<typeof refFirstItem>;
    expect([x.bytes.length, x.rest.length]).to.deep.equal([y.bytes.length, y.rest.length]);
  }
}

/** decodeItemAt (decodeTx's reader) at `offset` against cborg's decodeFirst from there. */
function agreeAt(b: Uint8Array, offset: number): void {
  const now = outcome(() => decodeItemAt(b, offset, "thing"));
  const ref = outcome(() => refFirstItem(b.subarray(offset), "thing"));
  expectSameOutcome(
    now.ok ? { ok: true, value: (now.value as { value: unknown }).value } : now,
    ref.ok ? { ok: true, value: (ref.value as { value: unknown }).value } : ref,
    b,
  );
  if (now.ok && ref.ok) expect((now.value as { next: number }).next).to.equal(offset + (ref.value as { bytes: Uint8Array }).bytes.length);
}

/** Signed transactions of several shapes, from the bench fixtures. */
function fixtureTxs(): DecodedTx[] {
  const [a, b, c] = [benchSigner(0), benchSigner(1), benchSigner(2)];
  return [
    transfer(a, b.address, 1_000n, 0n),
    transfer(b, a.address, 2n ** 64n - 1n, 2n ** 53n),
    signTx(
      {
        chainId: "nexus-bench-1",
        sender: a.address,
        nonce: 2n ** 53n - 1n,
        band: 3,
        feeLimit: 2n ** 64n - 1n,
        tip: 65_536n,
        timeoutHeight: 2 ** 32,
        memo: "héllo ✓ \uFEFF",
        msgs: [
          { typeUrl: "/bank.v1.MsgSend", value: { from: a.address, to: c.address, amount: [{ denom: "nxt", amount: "1" }, { denom: "x".repeat(INTERN_MAX_BYTES + 1), amount: "0" }] } },
          { typeUrl: "/bank.v1.MsgSend", value: { from: a.address, to: b.address, amount: [] } },
        ],
      },
      [a, c],
    ),
  ];
}

describe("fast CBOR decode (fast-decode.ts) against cborg's strict decode", function () {
  this.timeout(120_000);
  after(() => console.log(`      ${tally.inputs} inputs compared with cborg: ${tally.answered} decoded without it, ${tally.declined} left to it`));

  it("decodes whatever cborg encodes itself, to the same value, from a Uint8Array or a Buffer", () => {
    fc.assert(
      fc.property(valueArb, (v) => {
        const b = encode(v);
        for (const input of [b, Buffer.from(b), Uint8Array.from(b)]) {
          const fast = decodeItem(input, 0, false);
          expect(fast, `declined ${hex(b)}`).to.not.equal(undefined);
          expectSame(fast!.value, cborgDecode(input));
          expect(fast!.next).to.equal(b.length);
        }
        agree(b);
      }),
      { numRuns: 4000 },
    );
  });

  it("gives cborg's value or cborg's error on deliberately non-canonical or unsupported encodings", () => {
    fc.assert(
      fc.property(valueArb, fc.integer(), (v, seed) => {
        const r = rng(seed);
        for (const p of [0.05, 0.2, 0.6]) agree(Uint8Array.from(stray(v, r, p)));
      }),
      { numRuns: 4000 },
    );
  });

  it("gives cborg's value or cborg's error on blind mutations and truncations", () => {
    fc.assert(
      fc.property(valueArb, fc.integer(), (v, seed) => {
        const r = rng(seed);
        const b = encode(v);
        agree(b.subarray(0, Math.floor(r() * b.length)));
        let m: Uint8Array = b;
        for (let i = 0; i < 4; i++) {
          m = mutate(i === 2 ? b : m, r);
          agree(m);
        }
      }),
      { numRuns: 4000 },
    );
  });

  it("gives cborg's value or cborg's error on random bytes", () => {
    const headish = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x18, 0x19, 0x1a, 0x1b, 0x3b, 0x5f, 0x61, 0x62, 0x7f, 0x81, 0x82, 0xa1, 0xa2, 0xbf, 0xc2, 0xe0, 0xef, 0xbb, 0xbf, 0xf4, 0xf6, 0xf7, 0xfb, 0xff));
    fc.assert(
      fc.property(fc.array(headish, { maxLength: 24 }), (xs) => agree(Uint8Array.from(xs))),
      { numRuns: 10_000 },
    );
  });

  it("reads an item at an offset and stops where cborg's decodeFirst stops", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5 }), valueArb, fc.uint8Array({ maxLength: 5 }), (pre, v, post) => {
        const b = Uint8Array.from([...pre, ...encode(v), ...post]);
        const fast = decodeItem(b, pre.length, true);
        const [value, rest] = cborgDecodeFirst(b.subarray(pre.length));
        expect(fast).to.not.equal(undefined);
        expectSame(fast!.value, value);
        expect(fast!.next).to.equal(b.length - rest.length);
        agree(b.subarray(pre.length));
        agreeAt(b, pre.length);
      }),
      { numRuns: 2000 },
    );
  });

  it("integers at every head boundary: number or bigint exactly as cborg, longer heads left to cborg", () => {
    for (const n of BOUNDARIES) {
      for (const v of [n, -n - 1n]) {
        const b = encode(v);
        expectSame(decodeItem(b, 0, false)?.value, cborgDecode(b));
        agree(b);
        const major = v >= 0n ? 0 : 1;
        const a = v >= 0n ? v : -v - 1n;
        if (a < 2n ** 32n) {
          const wide = Uint8Array.from(headBytes(major, a, a < 24n ? 1 : a < 256n ? 2 : a < 65_536n ? 4 : 8));
          expect(decodeItem(wide, 0, false)).to.equal(undefined);
          agree(wide);
        }
      }
    }
    const at = (v: bigint): unknown => decodeItem(encode(v), 0, false)!.value;
    expect(at(2n ** 53n - 1n)).to.equal(2 ** 53 - 1);
    expect(at(2n ** 53n)).to.equal(2n ** 53n);
    expect(at(-(2n ** 53n - 1n))).to.equal(-(2 ** 53 - 1));
    expect(at(-(2n ** 53n))).to.equal(-(2n ** 53n));
    expect(at(2n ** 64n - 1n)).to.equal(2n ** 64n - 1n);
    expect(at(-(2n ** 64n))).to.equal(-(2n ** 64n));
    expect(at(2n ** 32n)).to.equal(2 ** 32);
    expect(at(-(2n ** 32n) - 1n)).to.equal(-(2 ** 32) - 1);
  });

  it("text: invalid UTF-8 comes out as cborg's TextDecoder gives it, a leading BOM is kept, ASCII strings of every length", () => {
    const cases = [[0x61, 0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xef, 0xbb, 0xbf], [0xef, 0xbb, 0xbf, 0x61], [0x61, 0xef, 0xbb, 0xbf], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x00], [0x7f]];
    for (const c of cases) {
      const b = Uint8Array.from([...headBytes(3, BigInt(c.length)), ...c]);
      expectSame(decodeItem(b, 0, false)?.value, cborgDecode(b));
      agree(b);
    }
    expect(decodeItem(Uint8Array.of(0x64, 0xef, 0xbb, 0xbf, 0x61), 0, false)!.value).to.equal("\uFEFFa");
    expect(decodeItem(Uint8Array.of(0x66, 0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf), 0, false)!.value).to.equal("\uFEFF\uFEFF");
    for (let len = 0; len <= INTERN_MAX_BYTES + 40; len++) {
      const s = Array.from({ length: len }, (_, i) => String.fromCharCode(32 + ((i * 7 + len) % 95))).join("");
      expect(decodeItem(encode(s), 0, false)!.value).to.equal(s);
    }
  });

  it("shares short strings through a bounded table without mixing up colliding ones", () => {
    // Far more distinct strings than the table has slots, each decoded twice, interleaved.
    const strs = Array.from({ length: 20_000 }, (_, i) => `k${(i * 2_654_435_761) >>> 0}`.slice(0, 1 + (i % 12)) + (i % 3 ? "" : "/nexus.bank.v1"));
    const enc = strs.map((s) => encode(s));
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < strs.length; i++) {
        const j = round ? strs.length - 1 - i : i;
        expect(decodeItem(enc[j]!, 0, false)!.value).to.equal(strs[j]);
      }
    }
  });

  it("maps: plain objects in cborg's key order, __proto__ an own key, repeated keys and other key types left to cborg", () => {
    const obj = { b: 1, a: 2, "10": 3, "2": 4, __proto__x: 5, constructor: 6, toString: 7 };
    expectSame(decodeItem(encode(obj), 0, false)!.value, cborgDecode(encode(obj)));
    const proto = Uint8Array.from([0xa2, ...encode("__proto__"), 0xa1, 0x61, 0x78, 0x01, 0x61, 0x61, 0x02]);
    const v = decodeItem(proto, 0, false)!.value as Record<string, unknown>;
    expectSame(v, cborgDecode(proto));
    expect(Object.getPrototypeOf(v)).to.equal(Object.prototype);
    expect(Object.hasOwn(v, "__proto__")).to.equal(true);
    agree(proto);
    const repeated = Uint8Array.from([0xa2, 0x61, 0x61, 0x01, 0x61, 0x61, 0x02]);
    expect(decodeItem(repeated, 0, false)).to.equal(undefined);
    expect(() => decodeCanonical(repeated)).to.throw(CodecError, 'malformed value: CBOR decode error: found repeat map key "a"');
    const intKey = Uint8Array.from([0xa1, 0x01, 0x02]);
    expect(decodeItem(intKey, 0, false)).to.equal(undefined);
    expect(() => decodeCanonical(intKey)).to.throw(CodecError, "malformed value: CBOR decode error: non-string keys not supported (got number)");
    agree(repeated);
    agree(intKey);
  });

  it("long arrays, maps and strings come out as cborg's", () => {
    const long = [
      Array.from({ length: 5_000 }, (_, i) => (i % 3 ? i : `s${i}`)),
      Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`k${i}`, i % 2 ? new Uint8Array([i & 0xff]) : null])),
      "é".repeat(40_000),
      "a".repeat(70_000),
      new Uint8Array(70_000).fill(5),
    ];
    const b = encode(long);
    expectSame(decodeItem(b, 0, false)?.value, cborgDecode(b));
    expectSame(decodeItem(b, 0, true)?.value, cborgDecode(b));
    agree(b);
  });

  it("keeps cborg's error messages for malformed input", () => {
    const cases: [number[], string][] = [
      [[], "did not find any content to decode"],
      [[0x18, 0x01], "integer encoded in more bytes than necessary (strict decode)"],
      [[0x82, 0x01], "found array but not enough entries (got 1, expected 2)"],
      [[0x43, 0x01], "not enough data for type"],
      [[0x9f, 0xff], "indefinite length items not allowed"],
      [[0xf7], "undefined values are not supported"],
      [[0xc1, 0x01], "tag not supported (1)"],
      [[0x01, 0x02], "too many terminals, data makes no sense"],
    ];
    for (const [bytes, msg] of cases) {
      const b = Uint8Array.from(bytes);
      expect(decodeItem(b, 0, false)?.next ?? -1).to.not.equal(b.length);
      expect(() => decodeCanonical(b, "thing")).to.throw(CodecError, `malformed thing: CBOR decode error: ${msg}`);
      agree(b);
    }
    // Untyped callers: not a Uint8Array is cborg's error too, not a value read from the array.
    const notBytes = [0x01] as unknown as Uint8Array;
    expect(decodeItem(notBytes, 0, false)).to.equal(undefined);
    expect(() => decodeCanonical(notBytes, "thing")).to.throw(CodecError, "malformed thing: CBOR decode error: data to decode must be a Uint8Array");
    expect(() => decodeFirstItem(notBytes, "thing")).to.throw(CodecError, "malformed thing: CBOR decode error: data to decode must be a Uint8Array");
  });

  it("leaves nesting deeper than MAX_DEPTH to cborg, which decodes it", () => {
    let v: unknown = [1, { a: "x" }];
    for (let i = 0; i < MAX_DEPTH + 10; i++) v = i % 2 ? [v] : { k: v };
    const b = encode(v);
    expect(decodeItem(b, 0, false)).to.equal(undefined);
    expect(decodeCanonical(b)).to.deep.equal(v);
    agree(b);
  });

  it("byte strings: decodeCanonical returns copies, decodeFirstItem views of its input", () => {
    const input = Buffer.from(encode([new Uint8Array([1, 2, 3]), { k: new Uint8Array(40).fill(9) }, new Uint8Array(0)]));
    const copies = decodeCanonical(input) as [Uint8Array, { k: Uint8Array }, Uint8Array];
    const views = decodeFirstItem(input, "thing").value as [Uint8Array, { k: Uint8Array }, Uint8Array];
    for (const x of [copies[0], copies[1].k, copies[2], views[0], views[1].k, views[2]]) expect(Object.getPrototypeOf(x)).to.equal(Uint8Array.prototype);
    expect(copies[0].buffer).to.not.equal(input.buffer);
    expect(views[0].buffer).to.equal(input.buffer);
    input[input.indexOf(3)] = 7;
    expect([...copies[0]]).to.deep.equal([1, 2, 3]);
    expect([...views[0]]).to.deep.equal([1, 2, 7]);
  });

  it("on signed transactions and their mutations and truncations: each decode decodeTx makes gives cborg's result", () => {
    const r = rng(7);
    let n = 0;
    for (const t of fixtureTxs()) {
      for (let i = 0; i < 1500; i++, n++) {
        const m = i % 5 === 0 ? t.bytes.subarray(0, Math.floor(r() * t.bytes.length)) : mutate(t.bytes, r);
        agree(m);
        // What decodeTx reads: the body after the 2-byte prefix, then the auth after the body.
        if (m.length > 2) {
          agree(m.subarray(2));
          agreeAt(m, 2);
          const body = outcome(() => refFirstItem(m.subarray(2), "x"));
          if (body.ok) {
            agree((body.value as { rest: Uint8Array }).rest);
            agreeAt(m, 2 + (body.value as { bytes: Uint8Array }).bytes.length);
          }
        }
      }
    }
    expect(n).to.equal(4500);
  });

  it("decodeTx gives the same transactions as before on the fixtures", () => {
    for (const t of fixtureTxs()) {
      const d = decodeTx(t.bytes);
      // The fields as decodeTx derives them from cborg's decode of the same bytes.
      const [version, w, authW] = cborgDecode(t.bytes) as [number, unknown[], unknown[][]];
      expect(version).to.equal(1);
      expect(d.tx.body.sender).to.equal(t.tx.body.sender);
      expectSame(decodeAddress(d.tx.body.sender), w[1]);
      expectSame(
        [d.tx.body.chainId, d.tx.body.nonce, d.tx.body.band, d.tx.body.feeLimit, d.tx.body.tip, d.tx.body.timeoutHeight, d.tx.body.memo],
        [w[0], BigInt(w[2] as number | bigint), w[3], BigInt(w[4] as number | bigint), BigInt(w[5] as number | bigint), w[6], w[7]],
      );
      expectSame(
        d.tx.body.msgs.map((m) => [m.typeUrl, m.value]),
        w[8],
      );
      expectSame(
        d.tx.auth.map((a) => [a.scheme, a.publicKey, a.signature]),
        authW,
      );
      // And what signTx started from.
      expect(d.tx).to.deep.equal(t.tx);
      expect(hex(d.bodyBytes)).to.equal(hex(encodeBody(t.tx.body)));
      expect([d.hashHex, hex(d.bytes)]).to.deep.equal([t.hashHex, hex(t.bytes)]);
    }
  });

  it("decodeTx keeps its messages for a broken body, broken auth and trailing bytes", () => {
    const t = fixtureTxs()[0]!;
    const bodyEnd = 2 + refFirstItem(t.bytes.subarray(2), "x").bytes.length;
    const cborgSays = (b: Uint8Array): string => {
      try {
        cborgDecodeFirst(b);
        return "(accepted)";
      } catch (e) {
        return (e as Error).message;
      }
    };
    const cases: [Uint8Array, string][] = [
      [Uint8Array.from([...t.bytes, 0x00]), "1 trailing bytes after the transaction"],
      [t.bytes.subarray(0, t.bytes.length - 1), `malformed transaction auth: ${cborgSays(t.bytes.subarray(bodyEnd, t.bytes.length - 1))}`],
      [t.bytes.subarray(0, bodyEnd), "malformed transaction auth: CBOR decode error: did not find any content to decode"],
      [t.bytes.subarray(0, bodyEnd - 1), `malformed transaction body: ${cborgSays(t.bytes.subarray(2, bodyEnd - 1))}`],
    ];
    for (const [b, msg] of cases) {
      const r = outcome(() => decodeTx(b));
      expect(r.ok).to.equal(false);
      const e = (r as { error: TxError }).error;
      expect([e.constructor, e.code, e.message]).to.deep.equal([TxError, "TX_MALFORMED", msg]);
      expect(msg).to.match(/trailing|CBOR decode error: /);
    }
  });
});
