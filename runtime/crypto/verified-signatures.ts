import { keyString } from "../state/bytes.ts";

/**
 * Signatures this process has already verified as valid, so code that meets the same
 * (key, message, signature) again — e.g. a block reporting the previous block's commit,
 * whose precommits the node checked when it committed that block — skips the curve
 * arithmetic. Only successes are remembered: the answer for a triple is the same as
 * verifying it, so execution stays deterministic. Bounded; oldest entries go first.
 */
export class VerifiedSignatures {
  private readonly seen = new Set<string>();

  constructor(private readonly max = 4096) {}

  add(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): void {
    const k = key(publicKey, message, signature);
    if (this.seen.has(k)) return;
    if (this.seen.size >= this.max) this.seen.delete(this.seen.values().next().value!);
    this.seen.add(k);
  }

  has(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    return this.seen.has(key(publicKey, message, signature));
  }

  get size(): number {
    return this.seen.size;
  }
}

/** Lengths first, so no two different triples share a key. */
function key(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): string {
  return `${publicKey.length}.${message.length}.${keyString(publicKey)}${keyString(message)}${keyString(signature)}`;
}
