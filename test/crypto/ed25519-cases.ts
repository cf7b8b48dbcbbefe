// Hand-built Ed25519 inputs for ed25519-fast-path.test.ts: the encodings and signatures where
// libsodium's strict checks and OpenSSL's plain RFC 8032 check can part ways. Curve arithmetic
// comes from @noble/curves; hashing and the oracle from node:crypto.
import { readFileSync } from "node:fs";
import { createHash, createPublicKey, verify } from "node:crypto";
import { ed25519 as noble } from "@noble/curves/ed25519.js";
import fc from "fast-check";
import { ed25519 } from "../../runtime/crypto/ed25519.ts";
import { libsodiumAccepts } from "../../runtime/crypto/ed25519-libsodium.ts";

const Point = noble.Point;
type Pt = InstanceType<typeof Point>;
export const L = Point.CURVE().n;
export const P = Point.CURVE().p;

const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/** node:crypto's verdict, called directly (not through the runtime): the rule being preserved. */
export function opensslValid(pk: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  if (pk.length !== 32 || sig.length !== 64) return false;
  try {
    return verify(null, msg, createPublicKey({ key: Buffer.concat([SPKI_PREFIX, pk]), format: "der", type: "spki" }), sig);
  } catch {
    return false;
  }
}

/** libsodium's verdict alone (the runtime's own glue; the tests check that it is loaded). */
export const sodiumValid = libsodiumAccepts;

export const leToBig = (b: Uint8Array): bigint => BigInt(`0x${Buffer.from(b).reverse().toString("hex") || "0"}`);
export function bigToLe(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
}
const mod = (a: bigint, m: bigint): bigint => ((a % m) + m) % m;
const cat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));
const mulBase = (k: bigint): Pt => Point.BASE.multiplyUnsafe(mod(k, L));

/** h = SHA-512(R ‖ A ‖ M) mod L over the raw bytes, as both libraries compute it. */
export function challenge(r: Uint8Array, pk: Uint8Array, msg: Uint8Array): bigint {
  return mod(leToBig(new Uint8Array(createHash("sha512").update(r).update(pk).update(msg).digest())), L);
}

/** A generator of the 8-torsion: T8·k for k = 0..7 are the eight small-order points. */
const T8 = Point.fromBytes(Buffer.from("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", "hex"));
export const torsion = (k: number): Pt => T8.multiplyUnsafe(BigInt(k));
/** The order of T8·k. */
export const torsionOrder = (k: number): number => 8 / gcd(k % 8, 8);
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * Every 32-byte encoding that decodes (leniently) to a small-order point: the 8 canonical ones,
 * the "negative zero" x of the two points with x = 0, and y ≥ p for y = 0 and y = 1.
 */
export function smallOrderEncodings(): { bytes: Uint8Array; order: number; canonical: boolean; what: string }[] {
  const out = new Map<string, { bytes: Uint8Array; order: number; canonical: boolean; what: string }>();
  for (let k = 0; k < 8; k++) {
    const c = torsion(k).toBytes();
    out.set(Buffer.from(c).toString("hex"), { bytes: c, order: torsionOrder(k), canonical: true, what: `T8·${k}` });
    const flipped = c.slice();
    flipped[31]! ^= 0x80;
    const fk = Buffer.from(flipped).toString("hex");
    // For x ≠ 0 the flipped sign is the negated point, itself in the list; for x = 0 it is a second encoding.
    if (!out.has(fk) && torsion(k).x === 0n) out.set(fk, { bytes: flipped, order: torsionOrder(k), canonical: false, what: `T8·${k}, sign bit set on x = 0` });
    const y = torsion(k).y;
    if (y + P < 1n << 255n) {
      for (const sign of [0, 0x80]) {
        const b = bigToLe(y + P);
        b[31]! |= sign;
        out.set(Buffer.from(b).toString("hex"), { bytes: b, order: torsionOrder(k), canonical: false, what: `T8·${k}, y + p${sign ? ", sign bit" : ""}` });
      }
    }
  }
  return [...out.values()];
}

/** y = p + k (k = 0..18) with either sign bit: every non-canonical y encoding there is. */
export function nonCanonicalYEncodings(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let k = 0n; k < 19n; k++) {
    for (const sign of [0, 0x80]) {
      const b = bigToLe(P + k);
      b[31]! |= sign;
      out.push(b);
    }
  }
  return out;
}

/** A signature by scalar a (public point aA, encoded as pk) with nonce r: R = rB + rTorsion, S = r + h·a. */
export function signWithScalar(a: bigint, pk: Uint8Array, msg: Uint8Array, r: bigint, rTorsion = 0): Uint8Array {
  const R = mulBase(r).add(torsion(rTorsion)).toBytes();
  const h = challenge(R, pk, msg);
  return cat(R, bigToLe(mod(r + h * a, L)));
}

/** The clamped secret scalar and public key of an RFC 8032 seed. */
export function keyOf(seed: Uint8Array): { a: bigint; pk: Uint8Array } {
  const e = noble.utils.getExtendedPublicKey(seed);
  return { a: e.scalar, pk: e.pointBytes };
}

/** A public key with a torsion component: aB + T8·k (not small order, canonical). */
export function mixedOrderKey(a: bigint, k: number): Uint8Array {
  return mulBase(a).add(torsion(k)).toBytes();
}

/**
 * A signature OpenSSL accepts for a small-order public key encoding `pk` of the given order:
 * R = S·B with S chosen so that h·A = 0 (h ≡ 0 mod the order), then S·B − h·A = R.
 * Nobody knows a discrete log here; cofactorless verification simply cannot tell.
 */
/**
 * Signatures under mixed-order keys aB + T (T of order 2, 4 or 8), `perKey` messages per key.
 * S·B − h·A = R − h·T, so a cofactorless check accepts exactly when h·T = O (`expected`);
 * a cofactored check would accept them all.
 */
export function* mixedOrderCases(a: bigint, perKey: number): Generator<{ pk: Uint8Array; msg: Uint8Array; sig: Uint8Array; expected: boolean; what: string }> {
  for (let k = 1; k < 8; k++) {
    const pk = mixedOrderKey(a, k);
    for (let m = 0; m < perKey; m++) {
      const msg = new TextEncoder().encode(`mixed ${k} ${m}`);
      const sig = signWithScalar(a, pk, msg, 77n + BigInt(m));
      yield { pk, msg, sig, expected: challenge(sig.subarray(0, 32), pk, msg) % BigInt(torsionOrder(k)) === 0n, what: `A = aB + T8·${k}` };
    }
  }
}

export function forgeForSmallOrderKey(pk: Uint8Array, order: number, msg: Uint8Array, start: bigint): Uint8Array {
  for (let s = start; ; s++) {
    const R = mulBase(s).toBytes();
    if (challenge(R, pk, msg) % BigInt(order) === 0n) return cat(R, bigToLe(mod(s, L)));
  }
}

/** R = the identity and S = h·a: OpenSSL accepts it for a real key (S·B − h·A = O). */
export function identityRSignature(a: bigint, pk: Uint8Array, msg: Uint8Array, rBytes = torsion(0).toBytes()): Uint8Array {
  const h = challenge(rBytes, pk, msg);
  return cat(rBytes, bigToLe(mod(h * a, L)));
}

/** The same signature with S + L in place of S (still < 2^256): non-canonical S. */
export function withSPlusL(sig: Uint8Array): Uint8Array | undefined {
  const s = leToBig(sig.subarray(32)) + L;
  return s < 1n << 256n ? cat(sig.subarray(0, 32), bigToLe(s)) : undefined;
}

/** The mutation families of the property tests, each applied to a fresh valid signature. */
export const MUTATION_KINDS = [
  "none",
  "flip-sig",
  "flip-pk",
  "flip-msg",
  "s-plus-l",
  "small-pk",
  "small-pk-forged",
  "small-r",
  "y-ge-p-pk",
  "mixed-pk",
  "mixed-r",
  "random",
] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

export interface EdgeCase {
  kind: MutationKind;
  pk: Uint8Array;
  msg: Uint8Array;
  sig: Uint8Array;
}

/**
 * Random keys and messages, signed by the runtime, then one mutation: bit flips in the signature,
 * key or message, S + L, every small-order key encoding (with a real or a forged signature),
 * small-order R, y ≥ p keys, mixed-order keys and R, or random bytes. "none" stays valid.
 */
export function ed25519EdgeCase(): fc.Arbitrary<EdgeCase> {
  const small = smallOrderEncodings();
  const nonCanonical = nonCanonicalYEncodings();
  const mutation = fc.oneof(
    fc.constant({ kind: "none" as const }),
    fc.record({ kind: fc.constant("flip-sig" as const), bit: fc.integer({ min: 0, max: 511 }) }),
    fc.record({ kind: fc.constant("flip-pk" as const), bit: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant("flip-msg" as const), bit: fc.nat() }),
    fc.constant({ kind: "s-plus-l" as const }),
    fc.record({ kind: fc.constant("small-pk" as const), i: fc.nat() }),
    fc.record({ kind: fc.constant("small-pk-forged" as const), i: fc.nat() }),
    fc.record({ kind: fc.constant("small-r" as const), i: fc.nat() }),
    fc.record({ kind: fc.constant("y-ge-p-pk" as const), i: fc.nat() }),
    fc.record({ kind: fc.constant("mixed-pk" as const), k: fc.integer({ min: 1, max: 7 }) }),
    fc.record({ kind: fc.constant("mixed-r" as const), k: fc.integer({ min: 1, max: 7 }) }),
    fc.record({ kind: fc.constant("random" as const), pk: fc.uint8Array({ minLength: 32, maxLength: 32 }), sig: fc.uint8Array({ minLength: 64, maxLength: 64 }) }),
  );
  return fc
    .tuple(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 300 }), fc.bigInt({ min: 1n, max: L - 1n }), mutation)
    .map(([seed, message, nonce, mu]): EdgeCase => {
      const kp = ed25519.generate(seed);
      let pk = kp.publicKey;
      let msg = message;
      let sig = ed25519.sign(kp.secretKey, msg);
      switch (mu.kind) {
        case "none":
          break;
        case "flip-sig":
          sig = sig.slice();
          sig[mu.bit >> 3]! ^= 1 << (mu.bit & 7);
          break;
        case "flip-pk":
          pk = pk.slice();
          pk[mu.bit >> 3]! ^= 1 << (mu.bit & 7);
          break;
        case "flip-msg":
          msg = msg.length ? msg.slice() : new Uint8Array(1);
          msg[(mu.bit >> 3) % msg.length]! ^= 1 << (mu.bit & 7);
          break;
        case "s-plus-l":
          sig = withSPlusL(sig) ?? sig;
          break;
        case "small-pk":
          pk = small[mu.i % small.length]!.bytes;
          break;
        case "small-pk-forged": {
          const e = small[mu.i % small.length]!;
          pk = e.bytes;
          sig = forgeForSmallOrderKey(pk, e.order, msg, nonce);
          break;
        }
        case "small-r": {
          const { a } = keyOf(seed);
          sig = identityRSignature(a, pk, msg, small[mu.i % small.length]!.bytes);
          break;
        }
        case "y-ge-p-pk":
          pk = nonCanonical[mu.i % nonCanonical.length]!;
          break;
        case "mixed-pk": {
          const { a } = keyOf(seed);
          pk = mixedOrderKey(a, mu.k);
          sig = signWithScalar(a, pk, msg, nonce);
          break;
        }
        case "mixed-r": {
          const { a } = keyOf(seed);
          sig = signWithScalar(a, pk, msg, nonce, mu.k);
          break;
        }
        case "random":
          pk = mu.pk;
          sig = mu.sig;
          break;
      }
      return { kind: mu.kind, pk, msg, sig };
    });
}

/** One of the CCTV Ed25519 edge-case vectors (test/vectors/cctv, with its SOURCE.md). */
export interface CctvVector {
  number: number;
  key: string;
  sig: string;
  msg: string;
  flags: string[] | null;
}

export function loadCctvVectors(): CctvVector[] {
  return JSON.parse(readFileSync(new URL("../vectors/cctv/ed25519vectors.json", import.meta.url), "utf8")) as CctvVector[];
}
