import { expect } from "chai";
import { ml_dsa65 } from "@noble/post-quantum/ml-dsa.js";
import { createEd25519Scheme } from "../../plugins/quantum/schemes/ed25519.ts";
import { BACKENDS, errorCode, hex, label, loadVectors, toHex } from "./helpers.ts";

// Wycheproof vectors (test/vectors/wycheproof, see SOURCE.md) on both backends.
// "valid" must be accepted with the expected output, "invalid" rejected (verify → false,
// other operations → a typed error), "acceptable" either way but consistently on both backends.

for (const backend of BACKENDS) {
  describe(`Wycheproof on the ${backend.name} backend`, () => {
    it("Ed25519 verify (ed25519_test.json)", () => {
      const { groups, count } = loadVectors("ed25519_test.json");
      const scheme = createEd25519Scheme(backend);
      let n = 0;
      for (const g of groups) {
        const pk = hex((g.publicKey as { pk: string }).pk);
        for (const t of g.tests) {
          const ok = backend.ed25519Verify(pk, hex(t.msg), hex(t.sig));
          expect(ok, label(t)).to.equal(t.result === "valid");
          expect(scheme.verify(pk, hex(t.msg), hex(t.sig)), label(t)).to.equal(ok);
          n++;
        }
      }
      expect(n).to.equal(count);
    });

    it("ML-DSA-65 verify (mldsa_65_verify_test.json)", () => {
      const { groups, count } = loadVectors("mldsa_65_verify_test.json");
      let n = 0;
      for (const g of groups) {
        const pk = hex(g.publicKey);
        for (const t of g.tests) {
          const ctx = t.ctx === undefined ? undefined : hex(t.ctx);
          expect(backend.mlDsa65Verify(pk, hex(t.msg), hex(t.sig), ctx), label(t)).to.equal(t.result === "valid");
          n++;
        }
      }
      expect(n).to.equal(count);
    });

    it("ML-DSA-65 key generation from the seed and signing (mldsa_65_sign_seed_test.json)", function () {
      const { groups } = loadVectors("mldsa_65_sign_seed_test.json");
      let exact = 0;
      let muOnly = 0;
      for (const g of groups) {
        const seed = hex(g.privateSeed);
        const pk = hex(g.publicKey ?? "");
        for (const t of g.tests) {
          if (seed.length !== 32) {
            expect(t.result, label(t)).to.equal("invalid");
            expect(errorCode(() => backend.mlDsa65PublicKey(seed)), label(t)).to.equal("CRYPTO_BAD_SEED");
            expect(errorCode(() => backend.mlDsa65Sign(seed, new Uint8Array(0))), label(t)).to.equal("CRYPTO_BAD_SEED");
            continue;
          }
          expect(toHex(backend.mlDsa65PublicKey(seed)), label(t)).to.equal(toHex(pk));
          const ctx = t.ctx === undefined ? undefined : hex(t.ctx);
          if (t.result === "invalid") {
            // The only invalid signing vector with a good seed is an over-long context.
            expect(t.flags, label(t)).to.include("InvalidContext");
            expect(errorCode(() => backend.mlDsa65Sign(seed, hex(t.msg), { context: ctx! })), label(t)).to.equal("CRYPTO_BAD_CONTEXT");
            continue;
          }
          const expected = hex(t.sig);
          if (t.msg === undefined) {
            // Sign_internal with an external mu: only noble exposes it; node:crypto has no such API.
            muOnly++;
            if (backend.name === "noble") {
              const sk = ml_dsa65.keygen(seed).secretKey;
              const sig = ml_dsa65.internal.sign(hex(t.mu), sk, { externalMu: true, extraEntropy: false });
              expect(toHex(sig), label(t)).to.equal(toHex(expected));
            }
            continue;
          }
          const msg = hex(t.msg);
          expect(backend.mlDsa65Verify(pk, msg, expected, ctx), label(t)).to.equal(true);
          if (backend.supports.deterministicMlDsaSign) {
            const opts = t.rnd === undefined ? { deterministic: true } : { rnd: hex(t.rnd) };
            const sig = backend.mlDsa65Sign(seed, msg, ctx ? { ...opts, context: ctx } : opts);
            expect(toHex(sig), label(t)).to.equal(toHex(expected));
            exact++;
          } else {
            // node:crypto signs hedged only: check that its signature verifies on both backends.
            const sig = backend.mlDsa65Sign(seed, msg, ctx ? { context: ctx } : {});
            for (const other of BACKENDS) expect(other.mlDsa65Verify(pk, msg, sig, ctx), `${label(t)} on ${other.name}`).to.equal(true);
          }
        }
      }
      expect(muOnly).to.be.greaterThan(0);
      if (backend.name === "noble") expect(exact).to.be.greaterThan(70);
    });

    it("ML-KEM-768 key generation and decapsulation (mlkem_768_test.json)", () => {
      const { groups } = loadVectors("mlkem_768_test.json");
      for (const g of groups) {
        for (const t of g.tests) {
          const seed = hex(t.seed);
          const c = hex(t.c);
          if (seed.length !== 64) {
            expect(t.result, label(t)).to.equal("invalid");
            expect(errorCode(() => backend.mlKem768PublicKey(seed)), label(t)).to.equal("CRYPTO_BAD_SEED");
            continue;
          }
          expect(toHex(backend.mlKem768PublicKey(seed)), label(t)).to.equal(t.ek);
          if (c.length !== 1088) {
            expect(t.result, label(t)).to.equal("invalid");
            expect(errorCode(() => backend.mlKem768Decapsulate(seed, c)), label(t)).to.equal("CRYPTO_BAD_CIPHERTEXT");
            continue;
          }
          // Valid includes random and bit-flipped ciphertexts: implicit rejection gives the expected K.
          expect(t.result, label(t)).to.equal("valid");
          expect(toHex(backend.mlKem768Decapsulate(seed, c)), label(t)).to.equal(t.K);
        }
      }
    });

    it("ML-KEM-768 encapsulation and the public-key modulus check (mlkem_768_encaps_test.json)", () => {
      const { groups } = loadVectors("mlkem_768_encaps_test.json");
      let valid = 0;
      for (const g of groups) {
        for (const t of g.tests) {
          const ek = hex(t.ek);
          if (t.result === "invalid") {
            expect(errorCode(() => backend.mlKem768Encapsulate(ek)), label(t)).to.equal("CRYPTO_BAD_KEY");
            continue;
          }
          valid++;
          if (backend.supports.deterministicMlKemEncapsulate) {
            const r = backend.mlKem768Encapsulate(ek, hex(t.m));
            expect(toHex(r.ciphertext), label(t)).to.equal(t.c);
            expect(toHex(r.sharedSecret), label(t)).to.equal(t.K);
          } else {
            // node:crypto draws its own m: the key must be accepted and the output well-formed.
            const r = backend.mlKem768Encapsulate(ek);
            expect(r.ciphertext.length, label(t)).to.equal(1088);
            expect(r.sharedSecret.length, label(t)).to.equal(32);
          }
        }
      }
      expect(valid).to.equal(133);
    });

    it("X25519 (x25519_test.json): 264 valid computed exactly, 223 acceptable accepted with the right output, 31 with an all-zero shared secret refused", () => {
      const { groups, count } = loadVectors("x25519_test.json");
      let n = 0;
      const seen = { valid: 0, acceptableAccepted: 0, zeroRefused: 0 };
      for (const g of groups) {
        for (const t of g.tests) {
          let out: string | undefined;
          const code = errorCode(() => {
            out = toHex(backend.x25519(hex(t.private), hex(t.public)));
          });
          if (t.result === "valid") {
            expect(code, label(t)).to.equal(undefined);
            expect(out, label(t)).to.equal(t.shared);
            seen.valid++;
          } else if (code === undefined) {
            expect(out, label(t)).to.equal(t.shared); // accepted "acceptable": must still be right
            expect(t.flags ?? [], label(t)).to.not.include("ZeroSharedSecret");
            seen.acceptableAccepted++;
          } else {
            expect(code, label(t)).to.equal("CRYPTO_BAD_KEY");
            expect(t.flags, label(t)).to.include("ZeroSharedSecret");
            seen.zeroRefused++;
          }
          n++;
        }
      }
      expect(n).to.equal(count);
      expect(seen).to.deep.equal({ valid: 264, acceptableAccepted: 223, zeroRefused: 31 });
    });
  });
}

describe("Wycheproof: both backends agree on every acceptable X25519 vector", () => {
  it("all 254 acceptable vectors get the same decision from both backends: 223 accepted, 31 refused", () => {
    const { groups } = loadVectors("x25519_test.json");
    const decisions = { accepted: 0, refused: 0 };
    for (const g of groups) {
      for (const t of g.tests) {
        if (t.result !== "acceptable") continue;
        const [a, b] = BACKENDS.map((be) => errorCode(() => be.x25519(hex(t.private), hex(t.public))));
        expect(a, label(t)).to.equal(b);
        decisions[a === undefined ? "accepted" : "refused"]++;
      }
    }
    expect(BACKENDS.length).to.equal(2);
    expect(decisions).to.deep.equal({ accepted: 223, refused: 31 });
  });
});
