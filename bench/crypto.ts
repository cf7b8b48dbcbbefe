/**
 * Signature and KEM throughput per scheme and backend, single thread (one core).
 *   npx tsx bench/crypto.ts [--ms 400] [--samples 5] [--backend node|noble]
 * Prints a table and writes bench/results/crypto.json. Figures only; nothing is asserted.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { createQuantumSchemes, createHybridKem, getBackend, type BackendName } from "../plugins/quantum/index.ts";
import { ed25519OpensslVerify, ed25519VerifyBackend } from "../runtime/crypto/ed25519.ts";

const MS = Number(process.argv[process.argv.indexOf("--ms") + 1]) || 400;
const SAMPLES = Number(process.argv[process.argv.indexOf("--samples") + 1]) || 5;
const ONLY = process.argv.includes("--backend") ? (process.argv[process.argv.indexOf("--backend") + 1] as BackendName) : undefined;

interface Row {
  backend: BackendName;
  scheme: string;
  op: string;
  /** Best of the samples: the least disturbed by other load on the machine. */
  opsPerSec: number;
  medianOpsPerSec: number;
  measuredAt?: string;
}

let counter = 0;
function sample(fn: (i: number) => void): number {
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < MS) {
    for (let k = 0; k < 4; k++, n++) fn(counter++);
    t = performance.now();
  }
  return (n * 1000) / (t - t0);
}

/** Several samples; the best and the median are kept (a shared machine slows some samples down). */
function measure(fn: (i: number) => void): { opsPerSec: number; medianOpsPerSec: number } {
  for (let i = 0; i < 5; i++) fn(counter++); // warm up (JIT, key caches)
  const xs = Array.from({ length: SAMPLES }, () => sample(fn)).sort((a, b) => a - b);
  return { opsPerSec: Math.round(xs[xs.length - 1]!), medianOpsPerSec: Math.round(xs[xs.length >> 1]!) };
}

const seeds = (count: number, len: number): Uint8Array[] =>
  Array.from({ length: count }, (_, i) => {
    const s = new Uint8Array(len);
    new DataView(s.buffer).setUint32(0, i + 1);
    s[len - 1] = 0x5a;
    return s;
  });

const rows: Row[] = [];
const msg = new Uint8Array(256).fill(0x42); // about a transaction's signed bytes

for (const backend of (["node", "noble"] as BackendName[]).filter((b) => !ONLY || b === ONLY)) {
  const s = createQuantumSchemes(backend);
  for (const scheme of [s.ed25519, s.mlDsa65, s.hybrid]) {
    const fresh = seeds(100_000, scheme.secretKeyBytes);
    rows.push({ backend, scheme: scheme.id, op: "keygen", ...measure((i) => scheme.generate(fresh[i % fresh.length]!)) });
    const kp = scheme.generate(fresh[0]!);
    rows.push({ backend, scheme: scheme.id, op: "sign", ...measure(() => scheme.sign(kp.secretKey, msg)) });
    const sig = scheme.sign(kp.secretKey, msg);
    rows.push({ backend, scheme: scheme.id, op: "verify", ...measure(() => scheme.verify(kp.publicKey, msg, sig)) });
    if (backend === "node" && scheme.id === "ed25519") {
      // The node backend's Ed25519 verify is the runtime's: libsodium first, node:crypto when libsodium
      // says no. Measured beside it: node:crypto alone (the rule, and the verify without libsodium),
      // and an invalid signature, which pays for both.
      rows.push({ backend, scheme: scheme.id, op: "verify-openssl", ...measure(() => ed25519OpensslVerify(kp.publicKey, msg, sig)) });
      const bad = sig.slice();
      bad[0]! ^= 1;
      rows.push({ backend, scheme: scheme.id, op: "verify-invalid", ...measure(() => scheme.verify(kp.publicKey, msg, bad)) });
    }
  }
  const kem = createHybridKem(getBackend(backend));
  const kp = kem.generate(new Uint8Array(32).fill(1));
  const kseeds = seeds(100_000, 32);
  rows.push({ backend, scheme: kem.id, op: "keygen", ...measure((i) => kem.generate(kseeds[i % kseeds.length]!)) });
  rows.push({ backend, scheme: kem.id, op: "encapsulate", ...measure(() => kem.encapsulate(kp.publicKey)) });
  const { ciphertext } = kem.encapsulate(kp.publicKey);
  rows.push({ backend, scheme: kem.id, op: "decapsulate", ...measure(() => kem.decapsulate(kp.secretKey, ciphertext)) });
  const pt = new Uint8Array(1024);
  rows.push({ backend, scheme: kem.id, op: "seal 1 KiB", ...measure(() => kem.seal(kp.publicKey, pt)) });
  const sealed = kem.seal(kp.publicKey, pt);
  rows.push({ backend, scheme: kem.id, op: "open 1 KiB", ...measure(() => kem.open(kp.secretKey, sealed)) });
}

const now = new Date().toISOString();
for (const r of rows) r.measuredAt = now;
const resultsUrl = new URL("./results/crypto.json", import.meta.url);
if (ONLY && existsSync(resultsUrl)) {
  // One backend re-measured: keep the other backend's rows from the previous run.
  const prev = JSON.parse(readFileSync(resultsUrl, "utf8")) as { results?: Row[] };
  rows.push(...(prev.results ?? []).filter((r) => r.backend !== ONLY));
}

const get = (b: string, s: string, op: string): number => rows.find((r) => r.backend === b && r.scheme === s && r.op === op)?.opsPerSec ?? 0;
const targets = {
  "ml-dsa-65 verify, node backend, >= 5000/s": { measured: get("node", "ml-dsa-65", "verify"), met: get("node", "ml-dsa-65", "verify") >= 5000 },
  "hybrid verify, node backend, >= 3000/s": { measured: get("node", "hybrid-ed25519-ml-dsa-65", "verify"), met: get("node", "hybrid-ed25519-ml-dsa-65", "verify") >= 3000 },
};

const w = { b: 7, s: 28, o: 14 };
console.log(`${"backend".padEnd(w.b)} ${"scheme".padEnd(w.s)} ${"op".padEnd(w.o)} ${"best ops/s".padStart(10)} ${"median".padStart(8)}`);
console.log("-".repeat(w.b + w.s + w.o + 22));
for (const r of rows) {
  if (r.measuredAt !== now) continue;
  console.log(`${r.backend.padEnd(w.b)} ${r.scheme.padEnd(w.s)} ${r.op.padEnd(w.o)} ${String(r.opsPerSec).padStart(10)} ${String(r.medianOpsPerSec).padStart(8)}`);
}
console.log(`\nload average at the end: ${loadavg().map((x) => x.toFixed(2)).join(" ")} on ${cpus().length} cores`);
console.log("\ntargets:");
for (const [k, v] of Object.entries(targets)) console.log(`  ${k}: ${v.measured}/s ${v.met ? "met" : "NOT met"}`);

const out = {
  bench: "bench/crypto.ts",
  date: now,
  node: process.versions.node,
  openssl: process.versions.openssl,
  cpu: cpus()[0]?.model ?? "unknown",
  cores: cpus().length,
  loadAverageAtEnd: loadavg(),
  threads: 1,
  samples: SAMPLES,
  msPerSample: MS,
  messageBytes: msg.length,
  ed25519VerifyBackend: ed25519VerifyBackend(),
  notes: [
    "opsPerSec is the best of the samples, medianOpsPerSec their median; other work on the machine lowers both",
    "single thread; verify uses one key repeatedly, so the node backend's parsed-key cache is warm (as for a recurring signer)",
    "sign reuses the same secret-key array, so the expanded key is cached; keygen uses a fresh seed every time",
    "node/ed25519 verify is the runtime's (libsodium fast path, node:crypto when libsodium refuses); verify-openssl is node:crypto alone; verify-invalid is a tampered signature through the runtime's verify",
  ],
  results: rows,
  targets,
};
mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
writeFileSync(resultsUrl, `${JSON.stringify(out, null, 2)}\n`);
console.log("\nwrote bench/results/crypto.json");
