import { expect } from "chai";
import { shake256 } from "@noble/hashes/sha3.js";
import { ed25519 } from "@noble/curves/ed25519.js";
import { createHybridScheme, getBackend, HYBRID_ID, hybridComponentMessage, splitHybridPublicKey, type PqBackend } from "../../plugins/quantum/index.ts";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const cat = (...parts: Uint8Array[]): Uint8Array => {
  const o = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    o.set(p, at);
    at += p.length;
  }
  return o;
};
const Z = Uint8Array.of(0);

/**
 * The hybrid scheme's wire layout as its header documents it, rebuilt from the spec
 * (labels, key derivation) rather than from the code: another implementation must be able to
 * derive the same keys and sign the same bytes.
 */
describe("hybrid Ed25519+ML-DSA-65: the documented layout", () => {
  const backend = getBackend("noble");
  const scheme = createHybridScheme(backend);

  it("each half signs 'NexusOS-hybrid-sig-v1' 0 'hybrid-ed25519-ml-dsa-65' 0 <component> 0 <message>", () => {
    const m = enc("pay 5 NXT");
    for (const c of ["ed25519", "ml-dsa-65"] as const) {
      expect(hybridComponentMessage(c, m)).to.deep.equal(cat(enc("NexusOS-hybrid-sig-v1"), Z, enc(HYBRID_ID), Z, enc(c), Z, m));
    }
  });

  it("derives (edSeed ‖ ξ) = SHAKE256('NexusOS-hybrid-ed25519-ml-dsa-65-keygen-v1' 0 seed, 64)", () => {
    const seed = new Uint8Array(32).map((_, i) => i * 7 + 1);
    const out = shake256(cat(enc("NexusOS-hybrid-ed25519-ml-dsa-65-keygen-v1"), Z, seed), { dkLen: 64 });
    const pk = splitHybridPublicKey(scheme.generate(seed).publicKey);
    expect(pk.ed25519).to.deep.equal(ed25519.getPublicKey(out.slice(0, 32)));
    expect(pk.mlDsa65).to.deep.equal(backend.mlDsa65PublicKey(out.slice(32, 64)));
    // The Ed25519 half signs with that seed: a plain Ed25519 signature over the labelled message.
    const m = enc("m");
    const sig = scheme.sign(seed, m).subarray(0, 64);
    expect(sig).to.deep.equal(ed25519.sign(hybridComponentMessage("ed25519", m), out.slice(0, 32)));
  });

  it("the secret key it returns is its own copy of the seed", () => {
    const seed = new Uint8Array(32).fill(9);
    const kp = scheme.generate(seed);
    seed.fill(0);
    expect(kp.secretKey).to.deep.equal(new Uint8Array(32).fill(9));
  });

  it("rejects wrong sizes before any curve or lattice work", () => {
    const calls: string[] = [];
    const counted: PqBackend = {
      ...backend,
      ed25519Verify: (...a: Parameters<PqBackend["ed25519Verify"]>) => (calls.push("ed25519"), backend.ed25519Verify(...a)),
      mlDsa65Verify: (...a: Parameters<PqBackend["mlDsa65Verify"]>) => (calls.push("ml-dsa-65"), backend.mlDsa65Verify(...a)),
    };
    const s = createHybridScheme(counted);
    const kp = s.generate(new Uint8Array(32).fill(3));
    const m = enc("m");
    const sig = s.sign(kp.secretKey, m);
    expect(s.verify(kp.publicKey, m, sig)).to.equal(true);
    expect(calls).to.deep.equal(["ed25519", "ml-dsa-65"]);
    calls.length = 0;
    // A valid signature with a byte appended (its Ed25519 half is intact) and a key with one.
    expect(s.verify(kp.publicKey, m, cat(sig, Z))).to.equal(false);
    expect(s.verify(cat(kp.publicKey, Z), m, sig)).to.equal(false);
    expect(s.verify(kp.publicKey.subarray(0, kp.publicKey.length - 1), m, sig)).to.equal(false);
    expect(s.verify(kp.publicKey, m, sig.subarray(0, sig.length - 1))).to.equal(false);
    expect(calls).to.deep.equal([]);
  });
});
