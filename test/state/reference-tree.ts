import { sha256 } from "@noble/hashes/sha2.js";

/**
 * An independent, from-scratch computation of the state root from the full key set (no
 * incremental updates, no storage), written straight from the rules in proof-format.ts.
 */
function nib(h: Uint8Array, i: number): number {
  const b = h[i >> 1]!;
  return (i & 1) === 0 ? b >> 4 : b & 15;
}

interface Item {
  kh: Uint8Array;
  vh: Uint8Array;
}

function node(depth: number, items: Item[], count: { nodes: number }): Uint8Array | null {
  if (items.length === 0) return null;
  count.nodes++;
  if (items.length === 1) {
    const pre = new Uint8Array(65);
    pre[0] = 0;
    pre.set(items[0]!.kh, 1);
    pre.set(items[0]!.vh, 33);
    return sha256(pre);
  }
  const groups: Item[][] = Array.from({ length: 16 }, () => []);
  for (const it of items) groups[nib(it.kh, depth)]!.push(it);
  let bitmap = 0;
  const hashes: Uint8Array[] = [];
  groups.forEach((g, i) => {
    const h = node(depth + 1, g, count);
    if (h !== null) {
      bitmap |= 1 << i;
      hashes.push(h);
    }
  });
  const pre = new Uint8Array(3 + 32 * hashes.length);
  pre[0] = 1;
  pre[1] = bitmap >> 8;
  pre[2] = bitmap & 255;
  hashes.forEach((h, i) => pre.set(h, 3 + 32 * i));
  return sha256(pre);
}

/** Root and node count of the canonical tree holding exactly `entries`. */
export function referenceRoot(entries: Iterable<readonly [Uint8Array, Uint8Array]>): { root: Uint8Array; nodes: number } {
  const items: Item[] = [];
  for (const [k, v] of entries) items.push({ kh: sha256(k), vh: sha256(v) });
  const count = { nodes: 0 };
  return { root: node(0, items, count) ?? new Uint8Array(32), nodes: count.nodes };
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b).toString("hex");
}

export function bytes(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}
