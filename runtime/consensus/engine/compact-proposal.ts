import { asArray, asBytes, asSafeUint, CodecError, decodeCanonical, encodeCanonical } from "../../codec/canonical.ts";
import { readArrayHead, readBytes, readBytesArray, readUint } from "../../codec/byte-arrays.ts";
import { decodeHeader, encodeHeader, merkleRoot, type BlockHeader } from "../../app/block.ts";
import { sha256 } from "../../crypto/hash.ts";

/**
 * A compact proposal (block gossip kind 3, as BIP 152's compact blocks): the header and the
 * hash of every transaction in block order, with the bytes of the few transactions peers
 * cannot hold yet ("prefilled": the proposer's own consensus report). Validators already
 * hold nearly every transaction from the txbatch topic and rebuild the block from their
 * mempool, fetching what they lack by hash (tx-fetch).
 *
 *   [3, header, [txHash, ...], [[index, tx], ...]]          first send
 *   [3, header, [txHash, ...], [[index, tx], ...], nonce]   re-sends (gossipsub drops seen payloads)
 *
 * The hashes are SHA-256 of the transaction bytes, the leaves of header.txRoot: a compact
 * proposal whose hashes do not give txRoot is rejected before anything is fetched, and every
 * fetched transaction must hash to its slot, so the rebuilt block is the proposed one.
 */
export interface CompactProposal {
  readonly header: BlockHeader;
  /** Transaction hashes in block order, 32 bytes each. */
  readonly hashes: readonly Uint8Array[];
  /** Transactions sent in full, by strictly increasing index. */
  readonly prefilled: readonly { readonly index: number; readonly tx: Uint8Array }[];
  readonly nonce?: number;
}

export const COMPACT_KIND = 3;
/** Far above any block a proposer builds (engine maxProposalTxs); bounds decoding work. */
export const MAX_COMPACT_TXS = 100_000;
const HASH_BYTES = 32;

export function encodeCompactProposal(c: CompactProposal): Uint8Array {
  const body = [COMPACT_KIND, encodeHeader(c.header), c.hashes, c.prefilled.map((p) => [p.index, p.tx])];
  return encodeCanonical(c.nonce === undefined ? body : [...body, c.nonce]);
}

/** Strict and bounded; throws CodecError on anything malformed. */
export function decodeCompactProposal(bytes: Uint8Array): CompactProposal {
  const parts = splitCompact(bytes) ?? generalCompact(bytes);
  const { hashes, prefilled } = parts;
  if (hashes.length > MAX_COMPACT_TXS) throw new CodecError(`compact proposal lists ${hashes.length} transactions, the limit is ${MAX_COMPACT_TXS}`);
  for (const h of hashes) if (h.length !== HASH_BYTES) throw new CodecError(`transaction hash of ${h.length} bytes`);
  let last = -1;
  for (const p of prefilled) {
    if (p.index <= last || p.index >= hashes.length) throw new CodecError(`prefilled index ${p.index} out of order or range`);
    last = p.index;
  }
  return { header: decodeHeader(parts.header), hashes, prefilled, nonce: parts.nonce };
}

/** Why the proposal cannot be the block its header commits to, or undefined. */
export function compactProblem(c: CompactProposal): string | undefined {
  const root = merkleRoot(c.hashes);
  if (!equal(root, c.header.txRoot)) return "transaction hashes do not give the header's txRoot";
  for (const p of c.prefilled) if (!equal(sha256(p.tx), c.hashes[p.index]!)) return `prefilled transaction ${p.index} does not match its hash`;
  return undefined;
}

export function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

interface Parts {
  header: Uint8Array;
  hashes: Uint8Array[];
  prefilled: { index: number; tx: Uint8Array }[];
  nonce?: number;
}

/** The canonical shape read in one pass (codec/byte-arrays.ts); undefined sends it to the general decoder. */
function splitCompact(input: Uint8Array): Parts | undefined {
  // A copy: the views below must not change if the caller's buffer is reused.
  const b = input.slice();
  const top = readArrayHead(b, 0, 4, 5);
  const kind = top && readUint(b, top.next);
  if (!top || !kind || kind.value !== COMPACT_KIND) return undefined;
  const header = readBytes(b, kind.next);
  const hashes = header && readBytesArray(b, header.next);
  const pre = hashes && readArrayHead(b, hashes.next, 0, MAX_COMPACT_TXS);
  if (!pre) return undefined;
  const prefilled: Parts["prefilled"] = [];
  let pos = pre.next;
  for (let i = 0; i < pre.length; i++) {
    const pair = readArrayHead(b, pos, 2, 2);
    const index = pair && readUint(b, pair.next);
    const tx = index && readBytes(b, index.next);
    if (!tx) return undefined;
    prefilled.push({ index: index.value, tx: tx.bytes });
    pos = tx.next;
  }
  let nonce: number | undefined;
  if (top.length === 5) {
    const n = readUint(b, pos);
    if (!n) return undefined;
    nonce = n.value;
    pos = n.next;
  }
  return pos === b.length ? { header: header.bytes, hashes: hashes.items, prefilled, nonce } : undefined;
}

function generalCompact(bytes: Uint8Array): Parts {
  const a = asArray(decodeCanonical(bytes, "compact proposal"), "compact proposal", 4, 5);
  if (a[0] !== COMPACT_KIND) throw new CodecError("not a compact proposal");
  const hashes = asArray(a[2], "hashes", 0, MAX_COMPACT_TXS).map((h, i) => asBytes(h, `hashes[${i}]`, HASH_BYTES));
  const prefilled = asArray(a[3], "prefilled", 0, MAX_COMPACT_TXS).map((p, i) => {
    const pair = asArray(p, `prefilled[${i}]`, 2, 2);
    return { index: asSafeUint(pair[0], `prefilled[${i}].index`), tx: asBytes(pair[1], `prefilled[${i}].tx`) };
  });
  return { header: asBytes(a[1], "header"), hashes, prefilled, nonce: a.length === 5 ? asSafeUint(a[4], "nonce") : undefined };
}
