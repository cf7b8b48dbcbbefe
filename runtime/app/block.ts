import { decodeCanonical, asArray, asBytes, asSafeUint, asString, CodecError } from "../codec/canonical.ts";
import { encodeTuple } from "../codec/fast-encode.ts";
import { sha256, sha256PrefixedInto, toHex } from "../crypto/hash.ts";
import { readArrayHead, readBytes, readBytesArray } from "../codec/byte-arrays.ts";

/** Block wire format version; bump only with a migration path for stored blocks. */
export const BLOCK_VERSION = 1;

export interface BlockHeader {
  readonly chainId: string;
  readonly height: number;
  /** ms since the Unix epoch; strictly increasing. */
  readonly time: number;
  readonly prevHash: Uint8Array;
  /** Merkle root of the transaction hashes. */
  readonly txRoot: Uint8Array;
  /** State root after executing this block. */
  readonly stateRoot: Uint8Array;
  /** Merkle root of the receipt hashes. */
  readonly resultsRoot: Uint8Array;
  readonly proposer: string;
}

export interface Block {
  readonly header: BlockHeader;
  readonly txs: readonly Uint8Array[];
}

export function encodeHeader(h: BlockHeader): Uint8Array {
  return encodeTuple([BLOCK_VERSION, h.chainId, h.height, h.time, h.prevHash, h.txRoot, h.stateRoot, h.resultsRoot, h.proposer]);
}

export function blockHash(h: BlockHeader): Uint8Array {
  return sha256(encodeHeader(h));
}

export function encodeBlock(b: Block): Uint8Array {
  return encodeTuple([encodeHeader(b.header), b.txs]);
}

export function decodeBlock(bytes: Uint8Array): Block {
  const fast = splitBlock(bytes);
  const top = fast ? [fast.header, fast.txs] : asArray(decodeCanonical(bytes, "block"), "block", 2, 2);
  const header = decodeHeader(asBytes(top[0], "block.header"));
  const txs = fast ? fast.txs : asArray(top[1], "block.txs").map((t, i) => asBytes(t, `block.txs[${i}]`));
  return { header, txs };
}

/** The header's own encoding (encodeHeader), strictly; compact proposals carry it alone. */
export function decodeHeader(bytes: Uint8Array): BlockHeader {
  const h = asArray(decodeCanonical(bytes, "block header"), "block.header", 9, 9);
  if (asSafeUint(h[0], "header.version") !== BLOCK_VERSION) throw new CodecError(`unsupported block version ${String(h[0])}`);
  return {
    chainId: asString(h[1], "header.chainId", 64),
    height: asSafeUint(h[2], "header.height"),
    time: asSafeUint(h[3], "header.time"),
    prevHash: asBytes(h[4], "header.prevHash"),
    txRoot: asBytes(h[5], "header.txRoot", 32),
    stateRoot: asBytes(h[6], "header.stateRoot", 32),
    resultsRoot: asBytes(h[7], "header.resultsRoot", 32),
    proposer: asString(h[8], "header.proposer", 128),
  };
}

/**
 * [header bytes, [tx bytes, ...]] read without the general decoder (codec/byte-arrays.ts);
 * undefined when the bytes are not exactly that, canonically. The views point into a copy,
 * so a caller's buffer being reused later cannot change a transaction.
 */
function splitBlock(input: Uint8Array): { header: Uint8Array; txs: Uint8Array[] } | undefined {
  const b = input.slice();
  const top = readArrayHead(b, 0, 2, 2);
  const header = top && readBytes(b, top.next);
  const txs = header && readBytesArray(b, header.next);
  return txs && txs.next === b.length ? { header: header.bytes, txs: txs.items } : undefined;
}

const LEAF = new Uint8Array([0]);
const EMPTY = sha256();

/** RFC 6962-style Merkle root over leaves (domain-separated leaf and node hashes). */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return EMPTY;
  // Each level overwrites the one below it in a single buffer: a block's root costs one
  // allocation instead of an array per hash (two hashes per leaf, two roots per block).
  const level = new Uint8Array(leaves.length * 32);
  for (let i = 0; i < leaves.length; i++) {
    const leaf = leaves[i]!;
    if (leaf.length + 1 > 4096) level.set(sha256(LEAF, leaf), i * 32);
    else sha256PrefixedInto(level, i * 32, 0, leaf, 0, leaf.length);
  }
  for (let n = leaves.length; n > 1; n = (n + 1) >> 1) {
    for (let i = 0; i < n; i += 2) {
      const o = (i >> 1) * 32;
      if (i + 1 < n) sha256PrefixedInto(level, o, 1, level, i * 32, i * 32 + 64);
      else level.copyWithin(o, i * 32, i * 32 + 32);
    }
  }
  return level.slice(0, 32);
}

export function headerView(h: BlockHeader): {
  chainId: string; height: number; time: number; prevHash: string; txRoot: string; stateRoot: string; resultsRoot: string; proposer: string;
} {
  return {
    chainId: h.chainId,
    height: h.height,
    time: h.time,
    prevHash: toHex(h.prevHash),
    txRoot: toHex(h.txRoot),
    stateRoot: toHex(h.stateRoot),
    resultsRoot: toHex(h.resultsRoot),
    proposer: h.proposer,
  };
}

