import { concatBytes, fromHex, sha256 } from "../../runtime/crypto/hash.ts";

/**
 * Panel draws: pure functions, no store. A round's seed is
 * sha256(prevHash bytes ‖ u64be(caseId) ‖ u8(round)), so every validator draws the same panel
 * from the same registered set, and a case's two rounds draw independently.
 */
export function panelSeed(prevHashHex: string, caseId: number, round: number): Uint8Array {
  if (!/^[0-9a-f]{64}$/.test(prevHashHex)) throw new TypeError(`prevHash must be 64 lowercase hex, got "${prevHashHex}"`);
  if (!Number.isSafeInteger(caseId) || caseId < 0) throw new TypeError(`caseId ${caseId} is not a non-negative safe integer`);
  if (!Number.isInteger(round) || round < 0 || round > 255) throw new TypeError(`round ${round} is not a byte`);
  const id = new Uint8Array(8);
  new DataView(id.buffer).setBigUint64(0, BigInt(caseId));
  return sha256(concatBytes(fromHex(prevHashHex), id, new Uint8Array([round])));
}

const u32 = (i: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, i);
  return b;
};

function toBigint(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

/**
 * Draws `n` distinct arbiters from `arbiters` (sorted, no duplicates: the caller passes the
 * registered set in store order) minus `exclude`, in draw order; null when fewer than `n` remain.
 * Partial Fisher–Yates: pick i takes index sha256(seed ‖ u32(i)) mod (remaining) of the
 * still-undrawn list (the bias of a 256-bit value mod at most 1000 is below 2^-246).
 */
export function drawPanel(arbiters: readonly string[], n: number, seed: Uint8Array, exclude: ReadonlySet<string> | readonly string[] = []): string[] | null {
  if (!Number.isInteger(n) || n < 1) throw new TypeError(`panel size ${n} must be a positive integer`);
  for (let i = 1; i < arbiters.length; i++) {
    if (!(arbiters[i - 1]! < arbiters[i]!)) throw new TypeError("drawPanel: arbiters must be sorted and distinct");
  }
  const ex = exclude instanceof Set ? exclude : new Set(exclude as readonly string[]);
  const pool = arbiters.filter((a) => !ex.has(a));
  if (pool.length < n) return null;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const left = pool.length - i;
    const j = i + Number(toBigint(sha256(concatBytes(seed, u32(i)))) % BigInt(left));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    out.push(pool[i]!);
  }
  return out;
}
