import { sha256, toHex, utf8 } from "../../runtime/crypto/hash.ts";

/**
 * The bridge's rules as pure functions over their inputs (no store, no clock): the keepers
 * call them, the tests check them directly.
 */

/** Threshold everywhere (docs/bridge-protocol.md): strictly more than 2/3 of the set's power. */
export function passesThreshold(power: bigint, total: bigint): boolean {
  return total > 0n && power * 3n > total * 2n;
}

/** Block time (ms since the epoch) as the unix seconds the destination chains use. */
export function blockSeconds(timeMs: number): number {
  return Math.floor(timeMs / 1000);
}

/** A u64 as 8 big-endian bytes. */
export function u64be(v: bigint): Uint8Array {
  if (v < 0n || v >= 1n << 64n) throw new RangeError(`u64 out of range: ${v}`);
  const out = new Uint8Array(8);
  for (let i = 7; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/**
 * transferId = SHA-256( "nexus-bridge-out-v1\n" ‖ nexusChainId ‖ 0x0a ‖ destChain ‖ 0x0a ‖ u64be(seq) ),
 * 32 bytes as 64 lowercase hex digits (on EVM the bytes32 of the same bytes).
 */
export function transferId(nexusChainId: string, destChain: string, seq: number | bigint): string {
  const nl = new Uint8Array([0x0a]);
  return toHex(sha256(utf8("nexus-bridge-out-v1\n"), utf8(nexusChainId), nl, utf8(destChain), nl, u64be(BigInt(seq))));
}

/** What validators attest about an inbound transfer; identical content ⇔ identical hash. */
export interface InboundContent {
  readonly sender: string;
  readonly recipient: string;
  readonly amount: bigint;
  readonly sourceTx: string;
}

/**
 * SHA-256("nexus-bridge-in-v1\n" chain \n seq \n sender \n recipient \n amount \n sourceTx), hex.
 * No field may hold a newline (their schemas forbid it), so the encoding is unambiguous. The
 * sender is in its canonical form (families.ts) before it is hashed.
 */
export function inboundContentHash(chain: string, seq: number, c: InboundContent): string {
  return toHex(sha256(utf8(["nexus-bridge-in-v1", chain, String(seq), c.sender, c.recipient, c.amount.toString(), c.sourceTx].join("\n"))));
}

// ---- token bucket --------------------------------------------------------------------------------

export interface Bucket {
  /** Tokens (NXT base units) held at `updatedAt`. */
  readonly tokens: bigint;
  /** Unix seconds of block time of the last refill. */
  readonly updatedAt: number;
}

export interface BucketRule {
  readonly capacity: bigint;
  readonly refillPerSecond: bigint;
}

/** A new bucket is full. */
export function freshBucket(rule: BucketRule, now: number): Bucket {
  return { tokens: rule.capacity, updatedAt: now };
}

/** The bucket at `now`: refilled by the seconds elapsed, never above capacity (nor below 0; time never runs back). */
export function refill(b: Bucket, rule: BucketRule, now: number): Bucket {
  const elapsed = now > b.updatedAt ? BigInt(now - b.updatedAt) : 0n;
  const tokens = b.tokens + elapsed * rule.refillPerSecond;
  return { tokens: tokens > rule.capacity ? rule.capacity : tokens, updatedAt: Math.max(now, b.updatedAt) };
}

export type TakeResult =
  | { readonly ok: true; readonly bucket: Bucket }
  /** retryAfterSeconds: when the refill will have covered the amount; null: it never will (above capacity, or no refill). */
  | { readonly ok: false; readonly bucket: Bucket; readonly retryAfterSeconds: number | null };

/** Take `amount` tokens at `now` if the refilled bucket holds them; otherwise say how long to wait. */
export function take(b: Bucket, rule: BucketRule, now: number, amount: bigint): TakeResult {
  const cur = refill(b, rule, now);
  if (amount <= cur.tokens) return { ok: true, bucket: { tokens: cur.tokens - amount, updatedAt: cur.updatedAt } };
  if (amount > rule.capacity || rule.refillPerSecond === 0n) return { ok: false, bucket: cur, retryAfterSeconds: null };
  const deficit = amount - cur.tokens;
  const wait = (deficit + rule.refillPerSecond - 1n) / rule.refillPerSecond;
  return { ok: false, bucket: cur, retryAfterSeconds: Number(wait) };
}

// ---- outbound expiry -----------------------------------------------------------------------------

/** An "expired" result may be accepted: block time (s) strictly after expiresAt + margin. */
export function expiryPassed(nowSeconds: number, expiresAt: number, marginSeconds: number): boolean {
  return nowSeconds > expiresAt + marginSeconds;
}

/** A citizen's 32-byte id on a destination (BHLSDistributor's `citizen`): sha256 of its nxs address, hex. */
export function citizenId(address: string): string {
  return toHex(sha256(utf8(address)));
}
