import { expect } from "chai";
import fc from "fast-check";
import { existsSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { ed25519, ed25519OpensslVerify, ed25519VerifyBackend } from "../../runtime/crypto/ed25519.ts";
import { WorkerVerifyPool } from "../../runtime/node/verify-pool.ts";
import { hex, label, loadVectors, toHex } from "../quantum/helpers.ts";
import {
  ed25519EdgeCase,
  forgeForSmallOrderKey,
  identityRSignature,
  keyOf,
  loadCctvVectors,
  MUTATION_KINDS,
  mixedOrderCases,
  nonCanonicalYEncodings,
  opensslValid,
  signWithScalar,
  smallOrderEncodings,
  sodiumValid,
  torsion,
  withSPlusL,
} from "./ed25519-cases.ts";

// The runtime's Ed25519 verify asks libsodium first and OpenSSL (node:crypto) when libsodium says
// no. That keeps the consensus rule (OpenSSL's verdict) only if libsodium never accepts what OpenSSL
// refuses. Every case here checks exactly that — libsodium ⇒ OpenSSL, runtime = OpenSSL — on
// Wycheproof, on CCTV's edge-case vectors, on hand-built edge cases and on random mutations of
// valid signatures. "OpenSSL" below means node:crypto's verdict, called directly.

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const IDENTITY = torsion(0).toBytes(); // 0x01 ‖ 31 zero bytes

interface Verdicts {
  openssl: boolean;
  sodium: boolean;
}

/** The invariant, on one input; returns both verdicts so callers can assert which case it was. */
function check(pk: Uint8Array, msg: Uint8Array, sig: Uint8Array, what: string): Verdicts {
  const openssl = opensslValid(pk, msg, sig);
  const sodium = sodiumValid(pk, msg, sig);
  const at = `${what}: pk ${toHex(pk)} sig ${toHex(sig)} msg ${toHex(msg)}`;
  if (sodium && !openssl) expect.fail(`libsodium accepts what OpenSSL refuses (${at})`);
  expect(ed25519.verify(pk, msg, sig), at).to.equal(openssl);
  expect(ed25519OpensslVerify(pk, msg, sig), at).to.equal(openssl);
  return { openssl, sodium };
}

describe("Ed25519 verify: libsodium fast path, OpenSSL defines the rule", () => {
  it("uses libsodium on this platform (sodium-native ships a prebuild for it)", () => {
    const prebuilt = existsSync(new URL(`../../node_modules/sodium-native/prebuilds/${process.platform}-${process.arch}`, import.meta.url));
    expect(ed25519VerifyBackend()).to.equal(prebuilt ? "libsodium+openssl" : "openssl");
  });

  it("Wycheproof ed25519_test.json: runtime = node:crypto = expected, and libsodium ⇒ OpenSSL", () => {
    const { groups, count } = loadVectors("ed25519_test.json");
    let n = 0;
    let opensslOnly = 0;
    for (const g of groups) {
      const pk = hex((g.publicKey as { pk: string }).pk);
      for (const t of g.tests) {
        const v = check(pk, hex(t.msg), hex(t.sig), label(t));
        expect(v.openssl, label(t)).to.equal(t.result === "valid");
        if (v.openssl && !v.sodium) opensslOnly++;
        n++;
      }
    }
    expect(n).to.equal(count).and.to.equal(151);
    // Wycheproof's Ed25519 file has no small-order or non-canonical keys: libsodium agrees on all of it.
    expect(opensslOnly).to.equal(0);
  });

  it("CCTV ed25519vectors.json (every small-order, non-canonical and mixed-order A and R): libsodium ⇒ OpenSSL, runtime = OpenSSL", () => {
    const vectors = loadCctvVectors();
    const tally = { both: 0, opensslOnly: 0, neither: 0 };
    for (const v of vectors) {
      const r = check(hex(v.key), enc(v.msg), hex(v.sig), `CCTV #${v.number} (${(v.flags ?? []).join(",")})`);
      tally[r.sodium ? "both" : r.openssl ? "opensslOnly" : "neither"]++;
    }
    expect(vectors.length).to.equal(914);
    // On Node 24.21 node:crypto refuses low-order A and R itself (see the next test), so libsodium
    // and node:crypto agree on all 914; on a Node without that check, opensslOnly would be 85+.
    expect(tally).to.deep.equal({ both: 43, opensslOnly: 0, neither: 871 });
  });

  it("node:crypto on this Node refuses low-order A and R itself (a consensus-rule fact: a Node upgrade must keep it)", () => {
    // Plain RFC 8032 (OpenSSL's ossl_ed25519_verify) accepts these; Node 24.21 adds a low-order
    // point check on A and R before OpenSSL (nodejs/node#64026). libsodium refuses them as well.
    const msg = enc("anything at all");
    const forged = forgeForSmallOrderKey(IDENTITY, 1, msg, 123_456_789n); // S·B − h·O = S·B = R
    expect(check(IDENTITY, msg, forged, "identity key")).to.deep.equal({ openssl: false, sodium: false });
    const { a, pk } = keyOf(new Uint8Array(32).fill(9));
    expect(check(pk, msg, identityRSignature(a, pk, msg), "R = identity")).to.deep.equal({ openssl: false, sodium: false });
  });

  it("every small-order public key encoding, with a signature that satisfies the equation: runtime = OpenSSL", () => {
    const encodings = smallOrderEncodings();
    expect(encodings.length).to.equal(14); // 8 canonical, 2 "negative zero" x, 4 with y ≥ p (as CCTV lists them)
    for (const [i, e] of encodings.entries()) {
      for (const msg of [enc(""), enc(`message ${i}`)]) {
        const forged = forgeForSmallOrderKey(e.bytes, e.order, msg, 1000n + BigInt(i));
        expect(check(e.bytes, msg, forged, e.what).sodium, e.what).to.equal(false);
        // A real key's signature under a small-order key is refused by both.
        const kp = ed25519.generate(new Uint8Array(32).fill(i + 1));
        expect(check(e.bytes, msg, ed25519.sign(kp.secretKey, msg), e.what).openssl, e.what).to.equal(false);
      }
    }
  });

  it("small-order R with S = h·a (S·B − h·A = O): runtime = OpenSSL; only the canonical identity could ever satisfy the equation", () => {
    const { a, pk } = keyOf(new Uint8Array(32).fill(9));
    const msg = enc("R is small-order");
    for (const e of smallOrderEncodings()) {
      const v = check(pk, msg, identityRSignature(a, pk, msg, e.bytes), `R = ${e.what}`);
      expect(v.sodium, e.what).to.equal(false);
    }
  });

  it("falls back to OpenSSL whenever libsodium says no (worker with a libsodium that refuses everything)", async () => {
    // No input on this Node is valid for OpenSSL and not for libsodium, so the fallback is shown
    // by making libsodium refuse: valid signatures must stay valid. A libsodium-only rule fails here.
    const reply = await probe({}, { libsodiumRejects: true });
    expect(reply).to.deep.equal({ backend: "libsodium+openssl", verdicts: sampleVerdicts() });
  });

  it("mixed-order key or R (a cofactored check would accept): libsodium is cofactorless like OpenSSL", () => {
    const { a, pk: realPk } = keyOf(new Uint8Array(32).fill(5));
    const tally = { bothValid: 0, bothInvalid: 0 };
    for (const c of mixedOrderCases(a, 16)) {
      expect(check(c.pk, c.msg, c.sig, c.what), c.what).to.deep.equal({ openssl: c.expected, sodium: c.expected });
      tally[c.expected ? "bothValid" : "bothInvalid"]++;
    }
    for (let k = 1; k < 8; k++) {
      // R = rB + T: cofactored would accept, cofactorless gives S·B − h·A = rB ≠ R.
      const msg = enc(`mixed R ${k}`);
      expect(check(realPk, msg, signWithScalar(a, realPk, msg, 99n, k), `R = rB + T8·${k}`)).to.deep.equal({ openssl: false, sodium: false });
    }
    expect(tally.bothValid).to.be.greaterThan(0);
    expect(tally.bothInvalid).to.be.greaterThan(0);
  });

  it("non-canonical S (S + L) is refused by both; public keys with y ≥ p are refused by libsodium, runtime = OpenSSL", () => {
    const kp = ed25519.generate(new Uint8Array(32).fill(3));
    let nonCanonicalS = 0;
    for (let m = 0; m < 32; m++) {
      const msg = enc(`S + L ${m}`);
      const sig = withSPlusL(ed25519.sign(kp.secretKey, msg));
      if (!sig) continue;
      nonCanonicalS++;
      expect(check(kp.publicKey, msg, sig, "S + L")).to.deep.equal({ openssl: false, sodium: false });
    }
    expect(nonCanonicalS).to.be.greaterThan(0);
    for (const pk of nonCanonicalYEncodings()) {
      const msg = enc("y ≥ p");
      expect(check(pk, msg, ed25519.sign(kp.secretKey, msg), "y ≥ p").sodium).to.equal(false);
    }
  });

  it("property: random keys and messages, and mutations of valid signatures: libsodium ⇒ OpenSSL, runtime = OpenSSL", () => {
    const tally: Record<string, Record<"both" | "opensslOnly" | "neither", number>> = {};
    fc.assert(
      fc.property(ed25519EdgeCase(), ({ kind, pk, msg, sig }) => {
        const v = check(pk, msg, sig, kind);
        if (kind === "none") expect(v).to.deep.equal({ openssl: true, sodium: true });
        const t = (tally[kind] ??= { both: 0, opensslOnly: 0, neither: 0 });
        t[v.sodium ? "both" : v.openssl ? "opensslOnly" : "neither"]++;
      }),
      { numRuns: 3000 },
    );
    // Every family ran; valid signatures and mixed-order keys (h ≡ 0 mod 8) reached libsodium's yes.
    expect(Object.keys(tally).length).to.equal(MUTATION_KINDS.length).and.to.equal(12);
    expect(tally.none!.both).to.be.greaterThan(0);
    expect(tally["mixed-pk"]!.both).to.be.greaterThan(0);
  });

  it("inside a worker thread: libsodium loads there and the verdicts are the same, fallback included", async () => {
    expect(await probe({})).to.deep.equal({ backend: ed25519VerifyBackend(), verdicts: sampleVerdicts() });
  });

  it("with NEXUS_ED25519_LIBSODIUM=0 (as when sodium-native cannot load) the backend is openssl, verdicts unchanged", async () => {
    const reply = await probe({ NEXUS_ED25519_LIBSODIUM: "0" });
    expect(reply).to.deep.equal({ backend: "openssl", verdicts: sampleVerdicts() });
  });

  it("WorkerVerifyPool (the node's verifier) gives the same verdicts", async () => {
    const pool = new WorkerVerifyPool({ threads: 1 });
    try {
      const checks = Object.values(sampleChecks()).map(([publicKey, message, signature]) => ({ scheme: "ed25519", publicKey, message, signature }));
      expect(await pool.verify(checks)).to.deep.equal(sampleVerdicts());
    } finally {
      await pool.close();
    }
  });
});

type Triple = [Uint8Array, Uint8Array, Uint8Array];

/** A valid signature, a tampered one, and one that satisfies the equation under the identity key. */
function sampleChecks(): { valid: Triple; invalid: Triple; smallOrderKey: Triple } {
  const kp = ed25519.generate(new Uint8Array(32).fill(11));
  const msg = enc("worker");
  const sig = ed25519.sign(kp.secretKey, msg);
  const bad = sig.slice();
  bad[40]! ^= 4;
  return { valid: [kp.publicKey, msg, sig], invalid: [kp.publicKey, msg, bad], smallOrderKey: [IDENTITY, msg, forgeForSmallOrderKey(IDENTITY, 1, msg, 5n)] };
}

/** node:crypto's verdicts on sampleChecks(), computed here in the main thread. */
const sampleVerdicts = (): boolean[] => Object.values(sampleChecks()).map((t) => opensslValid(...t));

/** Runs ed25519-worker-probe.ts in a fresh worker with the given environment. */
async function probe(env: Record<string, string>, workerData: { libsodiumRejects?: boolean } = {}): Promise<{ backend: string; verdicts: boolean[] }> {
  const w = new Worker(new URL("./ed25519-worker-probe.ts", import.meta.url), { env: { ...process.env, ...env }, workerData });
  try {
    return await new Promise((resolve, reject) => {
      w.once("message", resolve);
      w.once("error", reject);
      w.postMessage(Object.values(sampleChecks()));
    });
  } finally {
    await w.terminate();
  }
}
