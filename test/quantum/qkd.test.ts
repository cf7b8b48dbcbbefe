import { expect } from "chai";
import { readFileSync } from "node:fs";
import {
  binaryEntropy,
  Etsi014Client,
  Etsi014KeySource,
  QkdError,
  runBb84,
  SimRng,
  startSimulatedQkdLink,
  toeplitzHash,
  type SimulatedQkdLink,
} from "../../plugins/quantum/index.ts";
import { toHex } from "./helpers.ts";

// Everything below except the last block runs against the BB84 SIMULATION and the simulated
// KME pair (plugins/quantum/qkd/sim): no QKD hardware is involved. Set NEXUS_QKD_KMS_URL to
// also run the client against a real ETSI GS QKD 014 KME.

async function rejects(p: Promise<unknown>): Promise<QkdError> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(QkdError);
    return e as QkdError;
  }
  throw new Error("expected a QkdError");
}

describe("BB84 simulator (simulation only)", () => {
  it("noise below the threshold: a key is delivered and both sides hold the same key after reconciliation", () => {
    const r = runBb84(new SimRng("noise-3pct"), { noise: 0.03 });
    expect(r.ok, r.abortReason).to.equal(true);
    expect(r.qber).to.be.within(0.015, 0.05);
    expect(r.errorsBeforeEc).to.be.greaterThan(100); // Bob really had errors ...
    expect(r.errorsAfterEc).to.equal(0); // ... and Cascade fixed them all
    expect(r.finalBits).to.be.greaterThan(1000);
    expect(r.finalBits).to.be.lessThan(r.reconciledBits - r.leakedBits); // privacy amplification shrank it
    expect(toHex(r.aliceKey)).to.equal(toHex(r.bobKey));
    expect(r.aliceKey.length * 8).to.equal(r.finalBits);
  });

  it("intercept-resend eavesdropper: QBER ≈ 25% and no key", () => {
    for (const seed of ["eve-1", "eve-2", "eve-3"]) {
      const r = runBb84(new SimRng(seed), { noise: 0, eavesdropper: 1 });
      expect(r.ok).to.equal(false);
      expect(r.qber).to.be.within(0.21, 0.29);
      expect(r.finalBits).to.equal(0);
      expect(r.aliceKey.length + r.bobKey.length).to.equal(0);
      expect(r.abortReason).to.match(/QBER .* above the 11% threshold/);
    }
  });

  it("a partial eavesdropper raises the QBER by about a quarter of the intercepted fraction", () => {
    const r = runBb84(new SimRng("eve-half"), { noise: 0, eavesdropper: 0.5 });
    expect(r.qber).to.be.within(0.09, 0.16);
  });

  it("is reproducible from its seed", () => {
    const a = runBb84(new SimRng(42), { noise: 0.02 });
    const b = runBb84(new SimRng(42), { noise: 0.02 });
    const c = runBb84(new SimRng(43), { noise: 0.02 });
    expect(toHex(a.aliceKey)).to.equal(toHex(b.aliceKey));
    expect(toHex(a.aliceKey)).to.not.equal(toHex(c.aliceKey));
  });

  it("aborts when there are too few pulses to estimate the QBER", () => {
    const r = runBb84(new SimRng(1), { pulses: 200 });
    expect(r.ok).to.equal(false);
    expect(r.abortReason).to.match(/too few/);
  });

  it("Toeplitz hashing is linear over GF(2) and has the requested length; h(0.11) ≈ 0.5", () => {
    const rng = new SimRng("toeplitz");
    const n = 1000;
    const m = 200;
    const x = Uint8Array.from({ length: n }, () => rng.bit());
    const y = Uint8Array.from({ length: n }, () => rng.bit());
    const xy = x.map((v, i) => v ^ y[i]!);
    const seed = rng.bytes(Math.ceil((n + m) / 8) + 8);
    const hx = toeplitzHash(x, m, seed);
    const hy = toeplitzHash(y, m, seed);
    const hxy = toeplitzHash(xy, m, seed);
    expect(hx.length).to.equal(m / 8);
    expect(toHex(hxy)).to.equal(toHex(hx.map((v, i) => v ^ hy[i]!)));
    expect(binaryEntropy(0.11)).to.be.closeTo(0.5, 0.01);
  });
});

describe("ETSI GS QKD 014 client ↔ simulated KME pair on 127.0.0.1", () => {
  let link: SimulatedQkdLink;
  let a: Etsi014Client;
  let b: Etsi014Client;
  beforeEach(async () => {
    link = await startSimulatedQkdLink({ saeA: "sae-alice", saeB: "sae-bob", seed: "kms-test", channel: { noise: 0.02 } });
    a = new Etsi014Client({ baseUrl: link.kmeA.url });
    b = new Etsi014Client({ baseUrl: link.kmeB.url });
  });
  afterEach(() => link.close());

  it("enc_keys on one SAE, then dec_keys by id on the other, give the same keys (POST)", async () => {
    const sent = await a.getEncKeys("sae-bob", { number: 3, size: 256 });
    expect(sent).to.have.length(3);
    for (const k of sent) {
      expect(k.keyId).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(k.key.length).to.equal(32);
    }
    const got = await b.getDecKeys("sae-alice", sent.map((k) => k.keyId));
    expect(got.map((k) => [k.keyId, toHex(k.key)])).to.deep.equal(sent.map((k) => [k.keyId, toHex(k.key)]));
    expect(new Set(sent.map((k) => toHex(k.key))).size).to.equal(3);
  });

  it("works with the GET forms, in the other direction, and reports status", async () => {
    const st = await b.status("sae-alice");
    expect(st).to.include({ source_KME_ID: "SIM-KME-B", target_KME_ID: "SIM-KME-A", master_SAE_ID: "sae-bob", slave_SAE_ID: "sae-alice", key_size: 256 });
    const [sent] = await b.getEncKeys("sae-alice", { number: 1, size: 512 }, "GET");
    const [got] = await a.getDecKeys("sae-bob", [sent!.keyId], "GET");
    expect(got!.key.length).to.equal(64);
    expect(toHex(got!.key)).to.equal(toHex(sent!.key));
    expect((await b.status("sae-alice")).stored_key_count).to.be.greaterThan(0);
    expect(link.rounds.length).to.be.greaterThan(0);
    expect(link.rounds.every((r) => r.ok && r.qber < 0.11)).to.equal(true);
  });

  it("delivers a key once, and refuses unknown ids, unknown SAEs and bad sizes with ETSI error bodies", async () => {
    const [k] = await a.getEncKeys("sae-bob");
    await b.getDecKeys("sae-alice", [k!.keyId]);
    const again = await rejects(b.getDecKeys("sae-alice", [k!.keyId]));
    expect(again.code).to.equal("QKD_HTTP_ERROR");
    expect(again.status).to.equal(400);
    expect(again.message).to.match(/unknown key_ID/);
    expect((await rejects(a.getEncKeys("sae-mallory"))).status).to.equal(400);
    expect((await rejects(a.getEncKeys("sae-bob", { size: 100 }))).message).to.match(/multiple of 8/);
    expect((await rejects(a.getEncKeys("sae-bob", { number: 0 }))).status).to.equal(400);
  });

  it("through the KeySource interface", async () => {
    const srcA = new Etsi014KeySource(a, "sae-bob");
    const srcB = new Etsi014KeySource(b, "sae-alice");
    expect(srcA.id).to.equal("etsi-gs-qkd-014:sae-bob");
    const keys = await srcA.getKeys(2);
    const same = await srcB.getKeysById(keys.map((k) => k.keyId));
    expect(same.map((k) => toHex(k.key))).to.deep.equal(keys.map((k) => toHex(k.key)));
    expect((await srcA.status()).keySizeBits).to.equal(256);
  });

  it("an eavesdropper on the link: QBER ≈ 25%, the KME answers 503 and no key is delivered", async () => {
    await a.getEncKeys("sae-bob"); // the link works first
    const storedBefore = (await a.status("sae-bob")).stored_key_count;
    link.setChannel({ noise: 0.02, eavesdropper: 1 });
    const e = await rejects(a.getEncKeys("sae-bob", { number: storedBefore + 1 }));
    expect(e.status).to.equal(503);
    expect(e.message).to.match(/QBER .*possible eavesdropper/);
    const last = link.rounds[link.rounds.length - 1]!;
    expect(last.ok).to.equal(false);
    expect(last.qber).to.be.within(0.21, 0.31);
    expect((await a.status("sae-bob")).stored_key_count).to.equal(storedBefore);
  });

  it("a client pointed at nothing fails with QKD_NETWORK", async () => {
    await link.close();
    const e = await rejects(a.status("sae-bob"));
    expect(e.code).to.equal("QKD_NETWORK");
    link = await startSimulatedQkdLink({ saeA: "x", saeB: "y", seed: 1 }); // for afterEach
  });
});

describe("ETSI GS QKD 014 client against a real KME (NEXUS_QKD_KMS_URL)", () => {
  const env = process.env;
  it("enc_keys on the master SAE and dec_keys on the slave SAE give the same key", async function () {
    if (!env.NEXUS_QKD_KMS_URL) {
      this.skip(); // no real KME configured: see docs/quantum.md for the variables
      return;
    }
    const tls = (prefix: string): { ca?: Buffer; cert?: Buffer; key?: Buffer } | undefined => {
      const f = (n: string): Buffer | undefined => (env[`${prefix}_${n}`] ? readFileSync(env[`${prefix}_${n}`]!) : undefined);
      const t = { ca: f("CA"), cert: f("CERT"), key: f("KEY") };
      return t.ca || t.cert || t.key ? (Object.fromEntries(Object.entries(t).filter(([, v]) => v)) as typeof t) : undefined;
    };
    const master = env.NEXUS_QKD_MASTER_SAE_ID ?? "sae-a";
    const slave = env.NEXUS_QKD_SLAVE_SAE_ID ?? "sae-b";
    const tlsA = tls("NEXUS_QKD_TLS");
    const tlsB = tls("NEXUS_QKD_TLS_B") ?? tlsA;
    const a = new Etsi014Client({ baseUrl: env.NEXUS_QKD_KMS_URL, ...(tlsA ? { tls: tlsA } : {}) });
    const b = new Etsi014Client({ baseUrl: env.NEXUS_QKD_KMS_URL_B ?? env.NEXUS_QKD_KMS_URL, ...(tlsB ? { tls: tlsB } : {}) });
    const st = await a.status(slave);
    expect(st.key_size).to.be.a("number");
    const [k] = await a.getEncKeys(slave, { number: 1 });
    const [same] = await b.getDecKeys(master, [k!.keyId]);
    expect(toHex(same!.key)).to.equal(toHex(k!.key));
  });
});
