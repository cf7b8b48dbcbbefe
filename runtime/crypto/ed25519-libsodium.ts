import { createRequire } from "node:module";

/**
 * libsodium's Ed25519 verify (through sodium-native), the fast path of runtime/crypto/ed25519.ts.
 *
 * Why it may only ever say "yes, valid": the consensus rule is node:crypto's verdict — OpenSSL's
 * cofactorless RFC 8032 check (encode(S·B − h·A) must equal the 32 bytes of R, h = SHA-512(R ‖ A ‖
 * M) mod L over the raw bytes, S < L) — and Node 24.21 also refuses low-order A and R itself.
 * libsodium's `crypto_sign_verify_detached` (libsodium e18eee6, bundled by sodium-native 5.1)
 * checks the same equation on the same bytes, and refuses more beforehand: S ≥ L, a low-order R,
 * a non-canonical or low-order A. So what it accepts, node:crypto accepts; its "invalid" must be
 * asked of node:crypto again. test/crypto/ed25519-fast-path.test.ts shows this on Wycheproof,
 * the CCTV edge-case vectors and random mutations; a libsodium that moved to a cofactored check,
 * or a runtime that trusted libsodium's "invalid", would fail there.
 */

interface SodiumNative {
  crypto_sign_verify_detached(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
}

// RFC 8032 §7.1 TEST 1 (empty message): a start-up self-test, so a broken binary is never trusted.
const KAT_PK = Buffer.from("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "hex");
const KAT_SIG = Buffer.from(
  "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
  "hex",
);

/** Disables the fast path for this process (benchmarks, or to rule it out when debugging). */
export const LIBSODIUM_ENV = "NEXUS_ED25519_LIBSODIUM";

function load(): { verify: SodiumNative["crypto_sign_verify_detached"] | null; reason: string } {
  if (process.env[LIBSODIUM_ENV] === "0") return { verify: null, reason: `${LIBSODIUM_ENV}=0` };
  try {
    // require, not a static import: a platform without a sodium-native prebuild must still load this module.
    const sodium = createRequire(import.meta.url)("sodium-native") as SodiumNative;
    const verify = sodium.crypto_sign_verify_detached;
    const bad = Buffer.from(KAT_SIG);
    bad[0]! ^= 1;
    const empty = new Uint8Array(0);
    if (verify(KAT_SIG, empty, KAT_PK) !== true || verify(bad, empty, KAT_PK) !== false) {
      return { verify: null, reason: "sodium-native failed the RFC 8032 self-test" };
    }
    return { verify, reason: "" };
  } catch (e) {
    return { verify: null, reason: `sodium-native did not load: ${(e as Error).message}` };
  }
}

const loaded = load();

/** True only when libsodium accepts the signature; false when it rejects, is missing, or throws. */
export function libsodiumAccepts(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  // sodium-native reads only the first 64 bytes of a longer signature; OpenSSL refuses it.
  if (!loaded.verify || publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    // sodium-native reads typed arrays in place (buffer, offset, length): no copy.
    return loaded.verify(signature, message, publicKey) === true;
  } catch {
    return false;
  }
}

/** Whether the fast path is in use, and if not, why (for the node's start-up log). */
export function libsodiumStatus(): { active: boolean; reason: string } {
  return { active: loaded.verify !== null, reason: loaded.reason };
}
