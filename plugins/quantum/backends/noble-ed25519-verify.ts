import { ed25519 } from "@noble/curves/ed25519.js";
import { bytesToNumberLE, equalBytes } from "@noble/curves/utils.js";
import { sha512 } from "@noble/hashes/sha2.js";
import { ED25519_PUBLIC_KEY_BYTES, ED25519_SIGNATURE_BYTES } from "./types.ts";

// Why this file: nodes of one network may run different backends, so the noble backend must accept
// exactly the Ed25519 signatures the node backend accepts, and the chain's rule is node:crypto's
// verdict (runtime/crypto/ed25519.ts). @noble/curves' own verify is not that rule, in either mode:
// `zip215: false` checks the cofactored equation and lets a small-order R through, so it accepted
// 169 of CCTV's 914 edge-case vectors that node:crypto refuses. Here node:crypto's rule is written
// out with @noble/curves' point arithmetic:
//
//   node:crypto (Node 24.21): refuses a small-order A or R (nodejs/node#64026), then OpenSSL's
//   ossl_ed25519_verify: S < L; A decoded leniently (y taken mod p, the sign bit of x = 0 ignored;
//   fails only when y gives no curve point); k = SHA-512(R ‖ A ‖ M) over the raw bytes, mod L;
//   valid iff the canonical encoding of [S]B − [k]A equals the 32 bytes of R (cofactorless).
//
// Consequences, all checked against node:crypto on every CCTV and Wycheproof vector, hand-built
// cases and random mutations (test/quantum/ed25519-backends-agree.test.ts): a non-canonical R is
// never valid (the encoding compared with it is canonical); a mixed-order A is valid only when
// [k] kills its torsion part; a y ≥ p key that is not small order decodes as y − p, as in OpenSSL
// (no one can sign for such a key: its discrete logarithm is unknown, so no input can show whether
// a node refused it earlier). If a Node upgrade changes node:crypto's rule, this file must follow.

const Point = ed25519.Point;
type Pt = InstanceType<typeof Point>;
const L = Point.Fn.ORDER;

/** A 32-byte encoding decoded as OpenSSL does (y ≥ p allowed, "negative zero" x allowed), or undefined. */
function decodeLikeOpenssl(bytes: Uint8Array): Pt | undefined {
  try {
    // zip215 = true is exactly that lenient decoding: y < 2^255 reduced mod p, x = 0 with sign bit set.
    return Point.fromBytes(bytes, true);
  } catch {
    return undefined; // y has no x on the curve
  }
}

/** node:crypto's Ed25519 verdict (the chain's rule), computed with @noble/curves. Never throws. */
export function nobleEd25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (!(publicKey instanceof Uint8Array) || !(message instanceof Uint8Array) || !(signature instanceof Uint8Array)) return false;
  if (publicKey.length !== ED25519_PUBLIC_KEY_BYTES || signature.length !== ED25519_SIGNATURE_BYTES) return false;
  const rBytes = signature.subarray(0, 32);
  const s = bytesToNumberLE(signature.subarray(32));
  if (s >= L) return false; // non-canonical S
  const A = decodeLikeOpenssl(publicKey);
  const R = decodeLikeOpenssl(rBytes);
  if (!A || !R) return false;
  if (A.isSmallOrder() || R.isSmallOrder()) return false; // Node 24.21's check, whatever the encoding
  const k = Point.Fn.create(bytesToNumberLE(sha512.create().update(rBytes).update(publicKey).update(message).digest()));
  const rCheck = Point.BASE.multiplyUnsafe(s).subtract(A.multiplyUnsafe(k));
  return equalBytes(rCheck.toBytes(), rBytes);
}
