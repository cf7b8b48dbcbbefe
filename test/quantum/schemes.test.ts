import { expect } from "chai";
import fc from "fast-check";
import { addressFor } from "../../runtime/crypto/address.ts";
import { SchemeRegistry, SignatureSchemeError, type SignatureScheme } from "../../runtime/crypto/signature-scheme.ts";
import {
  createQuantumSchemes,
  HYBRID_ID,
  hybridComponentMessage,
  ML_DSA_65_ID,
  registerQuantumSchemes,
  splitHybridPublicKey,
  splitHybridSignature,
  getBackend,
  type BackendName,
} from "../../plugins/quantum/index.ts";
import { errorCode, toHex } from "./helpers.ts";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const seedOf = (b: number): Uint8Array => new Uint8Array(32).fill(b);
const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const o = new Uint8Array(a.length + b.length);
  o.set(a);
  o.set(b, a.length);
  return o;
};
const BACKEND_NAMES: BackendName[] = ["node", "noble"];
type Which = "ed25519" | "mlDsa65" | "hybrid";
const WHICH: Which[] = ["ed25519", "mlDsa65", "hybrid"];

describe("quantum plugin: registration", () => {
  it("registers exactly ml-dsa-65 and hybrid-ed25519-ml-dsa-65 (stable wire ids)", () => {
    for (const backend of BACKEND_NAMES) {
      const r = registerQuantumSchemes(new SchemeRegistry(), { backend });
      expect(r.ids()).to.deep.equal(["hybrid-ed25519-ml-dsa-65", "ml-dsa-65"]);
      expect(r.get(ML_DSA_65_ID)).to.include({ publicKeyBytes: 1952, secretKeyBytes: 32, signatureBytes: 3309 });
      expect(r.get(HYBRID_ID)).to.include({ publicKeyBytes: 1984, secretKeyBytes: 32, signatureBytes: 3373 });
    }
  });

  it("adds Ed25519 only when asked and not yet present; a second registration is a typed error", () => {
    const r = registerQuantumSchemes(new SchemeRegistry(), { backend: "noble", ed25519: true });
    expect(r.ids()).to.deep.equal(["ed25519", "hybrid-ed25519-ml-dsa-65", "ml-dsa-65"]);
    expect(errorCode(() => registerQuantumSchemes(r, { backend: "node" }))).to.equal("CRYPTO_DUPLICATE_SCHEME");
  });

  it("rejects an unknown backend with a clear error", () => {
    expect(errorCode(() => getBackend("wasm" as BackendName))).to.equal("CRYPTO_UNSUPPORTED");
  });
});

describe("quantum schemes: the two backends against each other", () => {
  const node = createQuantumSchemes("node");
  const noble = createQuantumSchemes("noble");

  for (const which of WHICH) {
    it(`${which}: keys from the same seed are equal and signatures cross-verify`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 300 }), (seed, msg) => {
          const a = node[which].generate(seed);
          const b = noble[which].generate(seed);
          expect(toHex(a.publicKey)).to.equal(toHex(b.publicKey));
          expect(toHex(a.secretKey)).to.equal(toHex(seed));
          const sa = node[which].sign(a.secretKey, msg);
          const sb = noble[which].sign(b.secretKey, msg);
          expect(noble[which].verify(a.publicKey, msg, sa)).to.equal(true);
          expect(node[which].verify(b.publicKey, msg, sb)).to.equal(true);
          expect(node[which].verify(a.publicKey, concat(msg, Uint8Array.of(0)), sa)).to.equal(false);
        }),
        { numRuns: 6 },
      );
    });
  }

  it("generate() without a seed gives distinct keys", () => {
    for (const s of [node, noble]) for (const w of WHICH) expect(toHex(s[w].generate().publicKey)).to.not.equal(toHex(s[w].generate().publicKey));
  });

  it("addresses bind the scheme id: the same ML-DSA key under ml-dsa-65 and inside a hybrid key give different addresses", () => {
    const h = noble.hybrid.generate(seedOf(1));
    const mlPart = splitHybridPublicKey(h.publicKey).mlDsa65;
    expect(addressFor(HYBRID_ID, h.publicKey)).to.not.equal(addressFor(ML_DSA_65_ID, mlPart));
  });
});

for (const backendName of BACKEND_NAMES) {
  describe(`hybrid Ed25519+ML-DSA-65 on ${backendName}`, () => {
    const s = createQuantumSchemes(backendName);
    const alice = s.hybrid.generate(seedOf(0xa1));
    const bob = s.hybrid.generate(seedOf(0xb0));
    const m1 = enc("transfer 10 NXT to bob");
    const m2 = enc("transfer 99 NXT to eve");
    const sig1 = s.hybrid.sign(alice.secretKey, m1);
    const sig2 = s.hybrid.sign(alice.secretKey, m2);

    it("verifies only with both halves valid", () => {
      expect(s.hybrid.verify(alice.publicKey, m1, sig1)).to.equal(true);
      for (const at of [0, 63, 64, 100, 3372]) {
        const bad = sig1.slice();
        bad[at]! ^= 1;
        expect(s.hybrid.verify(alice.publicKey, m1, bad), `flipped byte ${at}`).to.equal(false);
      }
    });

    it("fails when halves are swapped between messages", () => {
      const a = splitHybridSignature(sig1);
      const b = splitHybridSignature(sig2);
      expect(s.hybrid.verify(alice.publicKey, m1, concat(a.ed25519, b.mlDsa65))).to.equal(false);
      expect(s.hybrid.verify(alice.publicKey, m1, concat(b.ed25519, a.mlDsa65))).to.equal(false);
      expect(s.hybrid.verify(alice.publicKey, m2, concat(a.ed25519, b.mlDsa65))).to.equal(false);
    });

    it("fails when a half comes from another key, or the key halves are mixed", () => {
      const other = splitHybridSignature(s.hybrid.sign(bob.secretKey, m1));
      const mine = splitHybridSignature(sig1);
      expect(s.hybrid.verify(alice.publicKey, m1, concat(mine.ed25519, other.mlDsa65))).to.equal(false);
      expect(s.hybrid.verify(alice.publicKey, m1, concat(other.ed25519, mine.mlDsa65))).to.equal(false);
      const mixedPk = concat(splitHybridPublicKey(bob.publicKey).ed25519, splitHybridPublicKey(alice.publicKey).mlDsa65);
      expect(s.hybrid.verify(mixedPk, m1, sig1)).to.equal(false);
    });

    it("is domain separated: halves are not plain signatures on the message, plain signatures are not halves", () => {
      const pk = splitHybridPublicKey(alice.publicKey);
      const sig = splitHybridSignature(sig1);
      expect(s.ed25519.verify(pk.ed25519, m1, sig.ed25519)).to.equal(false);
      expect(s.mlDsa65.verify(pk.mlDsa65, m1, sig.mlDsa65)).to.equal(false);
      // Each half signs its own labelled message, which names the hybrid scheme id.
      expect(s.ed25519.verify(pk.ed25519, hybridComponentMessage("ed25519", m1), sig.ed25519)).to.equal(true);
      expect(s.mlDsa65.verify(pk.mlDsa65, hybridComponentMessage("ml-dsa-65", m1), sig.mlDsa65)).to.equal(true);
      expect(s.ed25519.verify(pk.ed25519, hybridComponentMessage("ml-dsa-65", m1), sig.ed25519)).to.equal(false);
      expect(new TextDecoder().decode(hybridComponentMessage("ed25519", new Uint8Array(0)))).to.include(HYBRID_ID);
    });
  });

  describe(`malformed input on ${backendName}: typed errors on sign/generate, false on verify`, () => {
    const s = createQuantumSchemes(backendName);
    for (const which of WHICH) {
      const scheme: SignatureScheme = s[which];
      const kp = scheme.generate(seedOf(7));
      const msg = enc("m");
      const sig = scheme.sign(kp.secretKey, msg);

      it(`${scheme.id}: every wrong secret-key/seed length throws CRYPTO_BAD_KEY`, () => {
        for (let len = 0; len <= 80; len++) {
          if (len === scheme.secretKeyBytes) continue;
          const bad = new Uint8Array(len).fill(1);
          for (const fn of [() => scheme.sign(bad, msg), () => scheme.generate(bad)]) {
            try {
              fn();
              expect.fail(`length ${len} accepted`);
            } catch (e) {
              expect(e, `length ${len}`).to.be.instanceOf(SignatureSchemeError);
              expect((e as SignatureSchemeError).code).to.equal("CRYPTO_BAD_KEY");
              expect((e as Error).message).to.match(new RegExp(`${scheme.secretKeyBytes}-byte seed, got ${len} bytes`));
            }
          }
        }
      });

      it(`${scheme.id}: public keys and signatures of every wrong length verify false without throwing`, () => {
        for (let len = 0; len <= scheme.publicKeyBytes + 64; len++) {
          if (len === scheme.publicKeyBytes) continue;
          const pk = new Uint8Array(len);
          pk.set(kp.publicKey.subarray(0, len));
          expect(scheme.verify(pk, msg, sig), `pk length ${len}`).to.equal(false);
        }
        for (let len = 0; len <= scheme.signatureBytes + 64; len++) {
          if (len === scheme.signatureBytes) continue;
          const bad = new Uint8Array(len);
          bad.set(sig.subarray(0, len));
          expect(scheme.verify(kp.publicKey, msg, bad), `sig length ${len}`).to.equal(false);
        }
        const junk = [undefined, null, "x", 1, [1, 2]] as unknown as Uint8Array[];
        for (const j of junk) {
          expect(scheme.verify(j, msg, sig)).to.equal(false);
          expect(scheme.verify(kp.publicKey, j, sig)).to.equal(false);
          expect(scheme.verify(kp.publicKey, msg, j)).to.equal(false);
        }
      });

      it(`${scheme.id}: an all-zero or random public key of the right length verifies false`, () => {
        expect(scheme.verify(new Uint8Array(scheme.publicKeyBytes), msg, sig)).to.equal(false);
        expect(scheme.verify(new Uint8Array(scheme.publicKeyBytes).fill(0xff), msg, sig)).to.equal(false);
        expect(scheme.verify(kp.publicKey, msg, new Uint8Array(scheme.signatureBytes))).to.equal(false);
      });
    }
  });
}

describe("quantum plugin in a worker thread", () => {
  it("registerQuantumSchemes works inside a worker (no import-time side effects needed)", async () => {
    const { Worker } = await import("node:worker_threads");
    const s = createQuantumSchemes("node").hybrid;
    const kp = s.generate(seedOf(3));
    const message = enc("from main thread");
    const signature = s.sign(kp.secretKey, message);
    const w = new Worker(new URL("./worker-probe.ts", import.meta.url));
    try {
      const reply = await new Promise<{ ids: string[]; ok: boolean }>((resolve, reject) => {
        w.once("message", resolve);
        w.once("error", reject);
        w.postMessage({ backend: "node", publicKey: kp.publicKey, message, signature });
      });
      expect(reply).to.deep.equal({ ids: ["hybrid-ed25519-ml-dsa-65", "ml-dsa-65"], ok: true });
    } finally {
      await w.terminate();
    }
  });
});
