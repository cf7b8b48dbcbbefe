import { expect } from "chai";
import { ml_kem768_x25519 } from "@noble/post-quantum/hybrid.js";
import {
  createHybridKem,
  hybridKem,
  HYBRID_KEM_CIPHERTEXT_BYTES,
  HYBRID_KEM_PUBLIC_KEY_BYTES,
  SEAL_OVERHEAD_BYTES,
} from "../../plugins/quantum/index.ts";
import { nobleBackend, nodeBackend } from "../../plugins/quantum/backends/index.ts";
import { errorCode, toHex } from "./helpers.ts";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const node = createHybridKem(nodeBackend);
const noble = createHybridKem(nobleBackend);
const KEMS = [node, noble];

describe("hybrid KEM (X-Wing: X25519 + ML-KEM-768)", () => {
  it("keys from the same seed are equal on both backends; sizes are X-Wing's", () => {
    const seed = new Uint8Array(32).fill(5);
    const a = node.generate(seed);
    const b = noble.generate(seed);
    expect(toHex(a.publicKey)).to.equal(toHex(b.publicKey));
    expect(a.publicKey.length).to.equal(1216);
    expect(a.secretKey.length).to.equal(32);
  });

  it("matches noble's independent X-Wing implementation byte for byte (deterministic encapsulation)", () => {
    for (let i = 0; i < 5; i++) {
      const seed = new Uint8Array(32).fill(i + 1);
      const eseed = new Uint8Array(64).fill(0x40 + i);
      const ref = ml_kem768_x25519.keygen(seed);
      expect(toHex(noble.generate(seed).publicKey)).to.equal(toHex(ref.publicKey));
      const r = ml_kem768_x25519.encapsulate(ref.publicKey, eseed);
      const mine = noble.encapsulate(ref.publicKey, eseed);
      expect(toHex(mine.ciphertext)).to.equal(toHex(r.cipherText));
      expect(toHex(mine.sharedSecret)).to.equal(toHex(r.sharedSecret));
      expect(toHex(node.decapsulate(seed, r.cipherText))).to.equal(toHex(r.sharedSecret));
    }
  });

  it("encapsulation on one backend decapsulates on the other", () => {
    for (const [a, b] of [[node, noble], [noble, node]] as const) {
      const kp = a.generate();
      const e = a.encapsulate(kp.publicKey);
      expect(e.ciphertext.length).to.equal(1120);
      expect(toHex(b.decapsulate(kp.secretKey, e.ciphertext))).to.equal(toHex(e.sharedSecret));
      expect(toHex(a.decapsulate(kp.secretKey, e.ciphertext))).to.equal(toHex(e.sharedSecret));
    }
  });

  it("a different secret key or a modified ciphertext gives a different secret (implicit rejection)", () => {
    for (const k of KEMS) {
      const kp = k.generate();
      const e = k.encapsulate(kp.publicKey);
      expect(toHex(k.decapsulate(k.generate().secretKey, e.ciphertext))).to.not.equal(toHex(e.sharedSecret));
      const bad = e.ciphertext.slice();
      bad[10]! ^= 1;
      expect(toHex(k.decapsulate(kp.secretKey, bad))).to.not.equal(toHex(e.sharedSecret));
    }
  });

  it("node:crypto takes no caller randomness: deterministic encapsulation is a clear error there", () => {
    const kp = node.generate();
    expect(errorCode(() => node.encapsulate(kp.publicKey, new Uint8Array(64)))).to.equal("CRYPTO_UNSUPPORTED");
  });

  for (const k of KEMS) {
    describe(`malformed input (${k.backend})`, () => {
      const kp = k.generate(new Uint8Array(32).fill(9));
      const e = k.encapsulate(kp.publicKey);

      it("every wrong public-key, secret-key and ciphertext length is a typed error", () => {
        for (let len = 0; len <= HYBRID_KEM_PUBLIC_KEY_BYTES + 32; len += len < 40 || len > HYBRID_KEM_PUBLIC_KEY_BYTES - 40 ? 1 : 37) {
          if (len === HYBRID_KEM_PUBLIC_KEY_BYTES) continue;
          expect(errorCode(() => k.encapsulate(new Uint8Array(len))), `pk ${len}`).to.equal("CRYPTO_BAD_KEY");
          expect(errorCode(() => k.seal(new Uint8Array(len), enc("x"))), `seal pk ${len}`).to.equal("CRYPTO_BAD_KEY");
        }
        for (let len = 0; len <= 96; len++) {
          if (len === 32) continue;
          expect(errorCode(() => k.generate(new Uint8Array(len))), `seed ${len}`).to.equal("CRYPTO_BAD_KEY");
          expect(errorCode(() => k.decapsulate(new Uint8Array(len), e.ciphertext)), `sk ${len}`).to.equal("CRYPTO_BAD_KEY");
        }
        for (let len = 0; len <= HYBRID_KEM_CIPHERTEXT_BYTES + 32; len += len < 40 || len > HYBRID_KEM_CIPHERTEXT_BYTES - 40 ? 1 : 29) {
          if (len === HYBRID_KEM_CIPHERTEXT_BYTES) continue;
          const ct = new Uint8Array(len);
          ct.set(e.ciphertext.subarray(0, len));
          const code = errorCode(() => k.decapsulate(kp.secretKey, ct));
          expect(code, `ct ${len}`).to.equal("CRYPTO_BAD_CIPHERTEXT");
        }
      });

      it("a low-order X25519 part is rejected, in the key and in the ciphertext", () => {
        const pk = kp.publicKey.slice();
        pk.fill(0, HYBRID_KEM_PUBLIC_KEY_BYTES - 32);
        expect(errorCode(() => k.encapsulate(pk))).to.equal("CRYPTO_BAD_KEY");
        const ct = e.ciphertext.slice();
        ct.fill(0, HYBRID_KEM_CIPHERTEXT_BYTES - 32);
        expect(errorCode(() => k.decapsulate(kp.secretKey, ct))).to.equal("CRYPTO_BAD_CIPHERTEXT");
      });

      it("an ML-KEM key that fails the modulus check is rejected", () => {
        const pk = kp.publicKey.slice();
        pk[0] = 0xff;
        pk[1] = 0xff; // first coefficient 0xfff = 4095 ≥ q = 3329
        expect(errorCode(() => k.encapsulate(pk))).to.equal("CRYPTO_BAD_KEY");
      });
    });

    describe(`seal / open (${k.backend})`, () => {
      const kp = k.generate();
      const other = KEMS.find((x) => x !== k)!;

      it("round-trips, also across backends, with and without aad", () => {
        for (const msg of [new Uint8Array(0), enc("hello"), new Uint8Array(100_000).fill(3)]) {
          const sealed = k.seal(kp.publicKey, msg, enc("aad"));
          expect(sealed.length).to.equal(msg.length + SEAL_OVERHEAD_BYTES);
          expect(toHex(k.open(kp.secretKey, sealed, enc("aad")))).to.equal(toHex(msg));
          expect(toHex(other.open(kp.secretKey, sealed, enc("aad")))).to.equal(toHex(msg));
        }
        expect(new TextDecoder().decode(k.open(kp.secretKey, k.seal(kp.publicKey, enc("no aad"))))).to.equal("no aad");
      });

      it("fails with CRYPTO_DECRYPT_FAILED on a wrong aad, wrong key or any tampered byte", () => {
        const sealed = k.seal(kp.publicKey, enc("secret"), enc("a"));
        expect(errorCode(() => k.open(kp.secretKey, sealed, enc("b")))).to.equal("CRYPTO_DECRYPT_FAILED");
        expect(errorCode(() => k.open(k.generate().secretKey, sealed, enc("a")))).to.equal("CRYPTO_DECRYPT_FAILED");
        for (const at of [1, 500, 1088, 1100, 1121, sealed.length - 1]) {
          const bad = sealed.slice();
          bad[at]! ^= 0x80;
          expect(errorCode(() => k.open(kp.secretKey, bad, enc("a"))), `byte ${at}`).to.equal("CRYPTO_DECRYPT_FAILED");
        }
      });

      it("fails with CRYPTO_BAD_CIPHERTEXT on a short box or an unknown version", () => {
        const sealed = k.seal(kp.publicKey, enc("x"));
        for (let len = 0; len < SEAL_OVERHEAD_BYTES; len += len < 20 || len > SEAL_OVERHEAD_BYTES - 20 ? 1 : 31) {
          expect(errorCode(() => k.open(kp.secretKey, sealed.subarray(0, len))), `len ${len}`).to.equal("CRYPTO_BAD_CIPHERTEXT");
        }
        const v2 = sealed.slice();
        v2[0] = 2;
        expect(errorCode(() => k.open(kp.secretKey, v2))).to.equal("CRYPTO_BAD_CIPHERTEXT");
      });
    });
  }

  it("the default `hybridKem` object works without setup", () => {
    const kp = hybridKem.generate();
    expect(new TextDecoder().decode(hybridKem.open(kp.secretKey, hybridKem.seal(kp.publicKey, enc("hi"))))).to.equal("hi");
    expect(["node", "noble"]).to.include(hybridKem.backend);
  });
});
