// Worker-thread entry for ed25519-fast-path.test.ts: loads the runtime's Ed25519 fresh in this
// thread (so sodium-native loads here, with this worker's environment) and reports its verdicts.
// With workerData.libsodiumRejects set, sodium-native is replaced (before the runtime loads it) by
// a libsodium that passes the start-up self-test and then refuses every signature: the runtime
// must still return OpenSSL's verdict, which shows the fallback is taken and decides.
import { createRequire } from "node:module";
import { parentPort, workerData } from "node:worker_threads";

if ((workerData as { libsodiumRejects?: boolean } | undefined)?.libsodiumRejects) {
  const require = createRequire(import.meta.url);
  const real = require("sodium-native") as { crypto_sign_verify_detached(s: Uint8Array, m: Uint8Array, p: Uint8Array): boolean };
  let calls = 0;
  const fake = {
    crypto_sign_verify_detached: (s: Uint8Array, m: Uint8Array, p: Uint8Array): boolean => (calls++ < 2 ? real.crypto_sign_verify_detached(s, m, p) : false),
  };
  require.cache[require.resolve("sodium-native")]!.exports = fake;
}

const { ed25519, ed25519VerifyBackend } = await import("../../runtime/crypto/ed25519.ts");
parentPort!.on("message", (checks: [Uint8Array, Uint8Array, Uint8Array][]) => {
  parentPort!.postMessage({ backend: ed25519VerifyBackend(), verdicts: checks.map(([pk, msg, sig]) => ed25519.verify(pk, msg, sig)) });
});
