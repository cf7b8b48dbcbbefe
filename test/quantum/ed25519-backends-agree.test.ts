import { expect } from "chai";
import fc from "fast-check";
import { nobleBackend, nodeBackend } from "../../plugins/quantum/backends/index.ts";
import { createEd25519Scheme } from "../../plugins/quantum/schemes/ed25519.ts";
import { createHybridScheme, hybridComponentMessage, splitHybridPublicKey, splitHybridSignature } from "../../plugins/quantum/schemes/hybrid.ts";
import { ed25519 } from "../../runtime/crypto/ed25519.ts";
import {
  MUTATION_KINDS,
  challenge,
  ed25519EdgeCase,
  forgeForSmallOrderKey,
  identityRSignature,
  keyOf,
  loadCctvVectors,
  mixedOrderCases,
  mixedOrderKey,
  nonCanonicalYEncodings,
  opensslValid,
  signWithScalar,
  smallOrderEncodings,
  withSPlusL,
} from "../crypto/ed25519-cases.ts";
import { hex, label, loadVectors, toHex } from "./helpers.ts";

// Nodes of one network may run different quantum backends, so the noble backend's Ed25519 verify
// must give the chain's verdict — the runtime's, i.e. node:crypto's — on every input. Here on
// every CCTV and Wycheproof vector, on hand-built edge cases, on random mutations of valid
// signatures, and through the hybrid scheme's Ed25519 half.

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const nobleScheme = createEd25519Scheme(nobleBackend);

/** The chain's verdict on one input, after checking that every verifier gives it. */
function rule(pk: Uint8Array, msg: Uint8Array, sig: Uint8Array, what: string): boolean {
  const verdict = ed25519.verify(pk, msg, sig);
  const at = `${what}: pk ${toHex(pk)} sig ${toHex(sig)} msg ${toHex(msg)}`;
  expect(opensslValid(pk, msg, sig), `node:crypto, ${at}`).to.equal(verdict);
  expect(nodeBackend.ed25519Verify(pk, msg, sig), `node backend, ${at}`).to.equal(verdict);
  expect(nobleBackend.ed25519Verify(pk, msg, sig), `noble backend, ${at}`).to.equal(verdict);
  expect(nobleScheme.verify(pk, msg, sig), `noble scheme, ${at}`).to.equal(verdict);
  return verdict;
}


describe("Ed25519: the noble backend gives node:crypto's verdict (the chain's rule) on every input", () => {
  it("all 914 CCTV edge-case vectors: noble = runtime (no vector where they differ)", () => {
    const vectors = loadCctvVectors();
    expect(vectors.length).to.equal(914);
    const differ: string[] = [];
    let accepted = 0;
    for (const v of vectors) {
      const [pk, msg, sig] = [hex(v.key), enc(v.msg), hex(v.sig)];
      const verdict = ed25519.verify(pk, msg, sig);
      if (nobleBackend.ed25519Verify(pk, msg, sig) !== verdict) differ.push(`#${v.number} (runtime ${verdict}; ${(v.flags ?? []).join(",")})`);
      if (verdict) accepted++;
    }
    expect(differ, `${differ.length} of 914 differ, e.g. ${differ.slice(0, 5).join("; ")}`).to.deep.equal([]);
    // Then every verifier on every vector (the failure names the first input).
    for (const v of vectors) rule(hex(v.key), enc(v.msg), hex(v.sig), `CCTV #${v.number}`);
    expect(accepted).to.equal(43); // as test/crypto/ed25519-fast-path.test.ts pins for Node 24.21
  });

  it("all 151 Wycheproof ed25519_test.json vectors: noble = runtime = expected", () => {
    const { groups, count } = loadVectors("ed25519_test.json");
    let n = 0;
    for (const g of groups) {
      const pk = hex((g.publicKey as { pk: string }).pk);
      for (const t of g.tests) {
        expect(rule(pk, hex(t.msg), hex(t.sig), label(t)), label(t)).to.equal(t.result === "valid");
        n++;
      }
    }
    expect(n).to.equal(count).and.to.equal(151);
  });

  it("hand-built cases: every small-order A and R encoding, mixed-order A and R, S + L, y ≥ p keys, wrong lengths", () => {
    const { a, pk } = keyOf(new Uint8Array(32).fill(9));
    for (const [i, e] of smallOrderEncodings().entries()) {
      const msg = enc(`small ${i}`);
      // Satisfies the cofactorless equation: plain RFC 8032 would accept; Node 24.21 refuses.
      expect(rule(e.bytes, msg, forgeForSmallOrderKey(e.bytes, e.order, msg, 1000n + BigInt(i)), `A = ${e.what}, forged`), e.what).to.equal(false);
      // S = h·a makes S·B − h·A = O: a cofactored check accepts every small-order R.
      expect(rule(pk, msg, identityRSignature(a, pk, msg, e.bytes), `R = ${e.what}`), e.what).to.equal(false);
    }
    const tally = { valid: 0, invalid: 0 };
    for (const c of mixedOrderCases(a, 8)) {
      expect(rule(c.pk, c.msg, c.sig, c.what)).to.equal(c.expected);
      tally[c.expected ? "valid" : "invalid"]++;
    }
    for (let k = 1; k < 8; k++) {
      const msg = enc(`mixed R ${k}`);
      expect(rule(pk, msg, signWithScalar(a, pk, msg, 99n, k), `R = rB + T8·${k}`)).to.equal(false);
    }
    expect(tally.valid).to.be.greaterThan(0);
    expect(tally.invalid).to.be.greaterThan(0);

    const kp = ed25519.generate(new Uint8Array(32).fill(3));
    for (let m = 0; m < 16; m++) {
      const msg = enc(`S + L ${m}`);
      const sig = ed25519.sign(kp.secretKey, msg);
      expect(rule(kp.publicKey, msg, sig, "valid")).to.equal(true);
      // S < L < 2^253, so S + L always fits in 32 bytes.
      expect(rule(kp.publicKey, msg, withSPlusL(sig)!, "S + L")).to.equal(false);
    }
    for (const yp of nonCanonicalYEncodings()) {
      const msg = enc("y ≥ p");
      expect(rule(yp, msg, ed25519.sign(kp.secretKey, msg), "y ≥ p key")).to.equal(false);
    }
    const msg = enc("lengths");
    const sig = ed25519.sign(kp.secretKey, msg);
    for (const [p, s] of [
      [kp.publicKey.subarray(0, 31), sig],
      [new Uint8Array([...kp.publicKey, 0]), sig],
      [kp.publicKey, sig.subarray(0, 63)],
      [kp.publicKey, new Uint8Array([...sig, 0])],
      [new Uint8Array(0), new Uint8Array(0)],
    ] as const) {
      expect(rule(p, msg, s, `lengths ${p.length}/${s.length}`)).to.equal(false);
    }
    // Not bytes at all: the scheme returns false and never throws.
    expect(nobleScheme.verify("x" as never, msg, sig)).to.equal(false);
    expect(nobleScheme.verify(kp.publicKey, msg, Array.from(sig) as never)).to.equal(false);
  });

  it("property: random keys and messages, and mutations of valid signatures (bit flips, S + L, small-order A/R, y ≥ p keys, mixed order): noble = runtime", function () {
    // 2 000 pure-JS verifications: a few seconds on a quiet core, far more beside other work.
    this.timeout(180_000);
    const tally: Record<string, { valid: number; invalid: number }> = {};
    fc.assert(
      fc.property(ed25519EdgeCase(), ({ kind, pk, msg, sig }) => {
        const verdict = rule(pk, msg, sig, kind);
        if (kind === "none") expect(verdict).to.equal(true);
        const t = (tally[kind] ??= { valid: 0, invalid: 0 });
        t[verdict ? "valid" : "invalid"]++;
      }),
      { numRuns: 2000 },
    );
    expect(Object.keys(tally).length).to.equal(MUTATION_KINDS.length);
    expect(tally["mixed-pk"]!.valid).to.be.greaterThan(0);
  });

  it("hybrid Ed25519 + ML-DSA-65: both backends give the same verdict when the Ed25519 half is an edge case", () => {
    const hybrid = { node: createHybridScheme(nodeBackend), noble: createHybridScheme(nobleBackend) };
    const message = enc("hybrid edge cases");
    const edMsg = hybridComponentMessage("ed25519", message);
    // A valid ML-DSA half from a real hybrid key; the Ed25519 half and key are replaced below
    // (M_ml-dsa does not cover the Ed25519 key, so the ML-DSA half stays valid).
    const kp = hybrid.node.generate(new Uint8Array(32).fill(21));
    const mlPk = splitHybridPublicKey(kp.publicKey).mlDsa65;
    const mlSig = splitHybridSignature(hybrid.node.sign(kp.secretKey, message)).mlDsa65;

    const seed = new Uint8Array(32).fill(22);
    const { a, pk } = keyOf(seed);
    const identity = smallOrderEncodings()[0]!;
    /** A nonce r for which the challenge under key `key` is (or is not) ≡ 0 mod `order`. */
    const withChallenge = (key: Uint8Array, order: number, zero: boolean): Uint8Array => {
      for (let r = 1n; ; r++) {
        const sig = signWithScalar(a, key, edMsg, r);
        if ((challenge(sig.subarray(0, 32), key, edMsg) % BigInt(order) === 0n) === zero) return sig;
      }
    };
    const mixed = mixedOrderKey(a, 2); // T8·2 has order 4
    const cases: [string, Uint8Array, Uint8Array, boolean][] = [
      ["valid", pk, ed25519.sign(seed, edMsg), true],
      ["R = identity, S = h·a (cofactored accepts)", pk, identityRSignature(a, pk, edMsg), false],
      ["R of order 8, S = h·a (cofactored accepts)", pk, identityRSignature(a, pk, edMsg, smallOrderEncodings().find((e) => e.order === 8)!.bytes), false],
      ["R = rB + T8·3 (cofactored accepts)", pk, signWithScalar(a, pk, edMsg, 5n, 3), false],
      ["A = aB + T8·2, h ≢ 0 mod 4 (cofactored accepts)", mixed, withChallenge(mixed, 4, false), false],
      ["A = aB + T8·2, h ≡ 0 mod 4 (both equations hold)", mixed, withChallenge(mixed, 4, true), true],
      ["A = identity, forged", identity.bytes, forgeForSmallOrderKey(identity.bytes, 1, edMsg, 7n), false],
      ["S + L", pk, withSPlusL(ed25519.sign(seed, edMsg))!, false],
    ];
    for (const [what, edPk, edSig, expected] of cases) {
      expect(ed25519.verify(edPk, edMsg, edSig), `Ed25519 half alone: ${what}`).to.equal(expected);
      const hpk = new Uint8Array([...edPk, ...mlPk]);
      const hsig = new Uint8Array([...edSig, ...mlSig]);
      expect({ node: hybrid.node.verify(hpk, message, hsig), noble: hybrid.noble.verify(hpk, message, hsig) }, what).to.deep.equal({
        node: expected,
        noble: expected,
      });
    }
  });
});
