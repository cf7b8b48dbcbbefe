import type { SigCheck } from "../tx/sign.ts";

/**
 * How the verify pool hands checks to its workers: a batch packed into one ArrayBuffer that is
 * transferred, not structured-cloned. Cloning allocated three buffers, an array and a string per
 * check on each side, and copied the whole underlying buffer of any view (a key that is a
 * subarray of a 128 KB gossip batch cost 128 KB).
 *
 *   u32 count
 *   count × [u32 scheme, u32 publicKey length, u32 message length, u32 signature length]
 *   each check's publicKey ‖ message ‖ signature, in order
 *
 * `scheme` indexes the `schemes` list sent with the buffer. Native byte order: both ends are
 * threads of one process.
 */

const HEADER_WORDS = 4;
const HEADER_BYTES = HEADER_WORDS * 4;
/** The leading count. */
export const PACK_PREAMBLE_BYTES = 4;
/** Scheme index of a check whose fields are not all Uint8Arrays: invalid, as any scheme would say. */
export const NOT_BYTES = 0xffff_ffff;

/**
 * Largest message the pool posts (unless one check alone is larger). Transfer is zero-copy at
 * any size, so the cap is about work, not copying: a batch of post-quantum checks (~5.3 KB each)
 * is cut into pieces that spread over the workers and that a worker finishes in ~10 ms (48
 * hybrid checks at ~4 300/s), and no single allocation grows to MBs. Ed25519 checks (144 bytes
 * packed) reach it only above ~1 800 per worker per tick.
 */
export const MAX_MESSAGE_BYTES = 256 * 1024;

export interface PackedChecks {
  readonly buffer: ArrayBuffer;
  /** Scheme ids, indexed by each check's header. */
  readonly schemes: string[];
}

const isBytes = (c: SigCheck): boolean =>
  c.publicKey instanceof Uint8Array && c.message instanceof Uint8Array && c.signature instanceof Uint8Array;

/** Bytes one check adds to a packed buffer. */
export function packedSize(c: SigCheck): number {
  return isBytes(c) ? HEADER_BYTES + c.publicKey.length + c.message.length + c.signature.length : HEADER_BYTES;
}

/** Copies only each view's own bytes, whatever buffer it sits in. */
export function packChecks(checks: readonly SigCheck[]): PackedChecks {
  const n = checks.length;
  let total = PACK_PREAMBLE_BYTES;
  for (const c of checks) total += packedSize(c);
  const buffer = new ArrayBuffer(total);
  const head = new Uint32Array(buffer, 0, 1 + n * HEADER_WORDS);
  const bytes = new Uint8Array(buffer);
  const schemes: string[] = [];
  head[0] = n;
  let h = 1;
  let off = PACK_PREAMBLE_BYTES + n * HEADER_BYTES;
  for (const c of checks) {
    if (!isBytes(c)) {
      head[h] = NOT_BYTES; // lengths stay 0
      h += HEADER_WORDS;
      continue;
    }
    // A batch carries one or two schemes: a scan beats a Map.
    let s = schemes.indexOf(c.scheme);
    if (s < 0) s = schemes.push(c.scheme) - 1;
    head[h++] = s;
    head[h++] = c.publicKey.length;
    head[h++] = c.message.length;
    head[h++] = c.signature.length;
    bytes.set(c.publicKey, off);
    off += c.publicKey.length;
    bytes.set(c.message, off);
    off += c.message.length;
    bytes.set(c.signature, off);
    off += c.signature.length;
  }
  return { buffer, schemes };
}

/** Number of checks in a packed buffer. */
export function packedCount(buffer: ArrayBuffer): number {
  return new Uint32Array(buffer, 0, 1)[0]!;
}

/** Visits each check as views into `buffer` (no copies); throws RangeError on a malformed buffer. */
export function forEachPacked(
  buffer: ArrayBuffer,
  visit: (scheme: number, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array, i: number) => void,
): void {
  const n = packedCount(buffer);
  const head = new Uint32Array(buffer, 0, 1 + n * HEADER_WORDS);
  let off = PACK_PREAMBLE_BYTES + n * HEADER_BYTES;
  for (let i = 0, h = 1; i < n; i++, h += HEADER_WORDS) {
    const pk = new Uint8Array(buffer, off, head[h + 1]!);
    off += pk.length;
    const msg = new Uint8Array(buffer, off, head[h + 2]!);
    off += msg.length;
    const sig = new Uint8Array(buffer, off, head[h + 3]!);
    off += sig.length;
    visit(head[h]!, pk, msg, sig, i);
  }
}
