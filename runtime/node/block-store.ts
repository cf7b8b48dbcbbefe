import type { Database, RootDatabase } from "lmdb";
import { encodeBlock, decodeBlock, blockHash, type Block } from "../app/block.ts";
import { encodeReceiptList, decodeReceiptList, decodeReceiptAt } from "../app/receipt.ts";
import { u64Key, readU64Key } from "../codec/uint.ts";
import type { ReceiptView } from "./node-api.ts";

type Bin = Database<Buffer, Buffer>;
const buf = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
const META_LATEST = Buffer.from("latest");
const META_GENESIS = Buffer.from("genesis");

/**
 * Blocks by height and hash, transactions by hash, receipts by block, in their own lmdb
 * environment. A block, its receipts, indexes and certificate are written in one durable
 * transaction, before the block's state commit (NexusNode recovers a crash in between).
 */
export class BlockStore {
  private readonly blocks: Bin;
  private readonly byHash: Bin;
  private readonly txIndex: Bin;
  private readonly receipts: Bin;
  private readonly meta: Bin;
  /** Commit certificates by height (BFT only), written with their block. */
  private readonly commits: Bin;
  /** Consensus validator set (with proposer priorities) by the height it validates. */
  private readonly valsets: Bin;
  /** Proposed blocks this validator proposed or voted for, by height ‖ hash, until their height is committed. */
  private readonly candidates: Bin;
  private readonly root: RootDatabase;

  constructor(root: RootDatabase) {
    this.root = root;
    const open = (name: string): Bin => root.openDB<Buffer, Buffer>({ name, keyEncoding: "binary", encoding: "binary" });
    this.blocks = open("blocks");
    this.byHash = open("blocks.by-hash");
    this.txIndex = open("txs.by-hash");
    this.receipts = open("receipts");
    this.meta = open("blocks.meta");
    this.commits = open("blocks.commits");
    this.valsets = open("consensus.valsets");
    this.candidates = open("consensus.candidates");
  }

  /** One durable transaction: the block, its receipts, indexes and certificate, and the latest height. */
  writeBlock(
    block: Block,
    hash: Uint8Array,
    txHashes: readonly Uint8Array[],
    receiptBytes: readonly Uint8Array[],
    consensus?: { commit: Uint8Array; nextValidatorSet: Uint8Array },
  ): void {
    this.root.transactionSync(() => this.putBlock(block, hash, txHashes, receiptBytes, consensus));
  }

  private putBlock(
    block: Block,
    hash: Uint8Array,
    txHashes: readonly Uint8Array[],
    receiptBytes: readonly Uint8Array[],
    consensus?: { commit: Uint8Array; nextValidatorSet: Uint8Array },
  ): void {
    const h = u64Key(block.header.height);
    if (consensus) {
      this.commits.putSync(buf(h), buf(consensus.commit));
      this.valsets.putSync(buf(u64Key(block.header.height + 1)), buf(consensus.nextValidatorSet));
    }
    this.blocks.putSync(buf(h), buf(encodeBlock(block)));
    this.byHash.putSync(buf(hash), buf(h));
    this.receipts.putSync(buf(h), buf(encodeReceiptList(receiptBytes)));
    txHashes.forEach((t, i) => {
      const loc = Buffer.alloc(12);
      loc.writeBigUInt64BE(BigInt(block.header.height), 0);
      loc.writeUInt32BE(i, 8);
      this.txIndex.putSync(buf(t), loc);
    });
    this.meta.putSync(META_LATEST, buf(h));
    // Candidates of this height and below can never be needed again.
    for (const k of this.candidates.getKeys({ end: buf(u64Key(block.header.height + 1)) })) this.candidates.removeSync(k);
  }

  /**
   * Keep a proposed block's bytes durably before voting for it: if every validator restarts
   * after precommitting a block nobody has committed yet, those bytes exist nowhere else.
   */
  saveCandidate(height: number, hash: Uint8Array, bytes: Uint8Array): void {
    const k = Buffer.concat([u64Key(height), hash]);
    if (this.candidates.get(k)) return;
    this.root.transactionSync(() => this.candidates.putSync(k, buf(bytes)));
  }

  /** Saved candidate blocks of `height` (encoded blocks). */
  candidatesAt(height: number): Uint8Array[] {
    return [...this.candidates.getRange({ start: buf(u64Key(height)), end: buf(u64Key(height + 1)) })].map((e) => e.value);
  }

  /** Durable on return (written before the genesis state). */
  writeGenesis(genesisJson: string): void {
    this.root.transactionSync(() => this.meta.putSync(META_GENESIS, Buffer.from(genesisJson)));
  }

  genesis(): string | undefined {
    return this.meta.get(META_GENESIS)?.toString();
  }

  latestHeight(): number {
    const v = this.meta.get(META_LATEST);
    return v ? Number(readU64Key(v)) : 0;
  }

  block(height: number): Block | undefined {
    const v = this.blocks.get(buf(u64Key(height)));
    return v ? decodeBlock(v) : undefined;
  }

  /** Encoded commit certificate of a BFT block. */
  commit(height: number): Uint8Array | undefined {
    return this.commits.get(buf(u64Key(height)));
  }

  /** Encoded validator set of `height` (see runtime/consensus/engine/valset.ts). */
  validatorSet(height: number): Uint8Array | undefined {
    return this.valsets.get(buf(u64Key(height)));
  }

  /** The set of height 1 (from genesis): written once, outside any block. */
  writeInitialValidatorSet(height: number, bytes: Uint8Array): void {
    this.valsets.putSync(buf(u64Key(height)), buf(bytes));
  }

  /** A block's stored encoding, as block sync serves it. */
  blockBytes(height: number): Uint8Array | undefined {
    return this.blocks.get(buf(u64Key(height)));
  }

  heightOf(hash: Uint8Array): number | undefined {
    const v = this.byHash.get(buf(hash));
    return v ? Number(readU64Key(v)) : undefined;
  }

  blockReceipts(height: number): ReceiptView[] {
    const v = this.receipts.get(buf(u64Key(height)));
    return v ? decodeReceiptList(v) : [];
  }

  txLocation(hash: Uint8Array): { height: number; index: number } | undefined {
    const v = this.txIndex.get(buf(hash));
    return v ? { height: Number(v.readBigUInt64BE(0)), index: v.readUInt32BE(8) } : undefined;
  }

  receipt(hash: Uint8Array): ReceiptView | undefined {
    const loc = this.txLocation(hash);
    if (!loc) return undefined;
    const v = this.receipts.get(buf(u64Key(loc.height)));
    return v ? decodeReceiptAt(v, loc.index) : undefined;
  }

  hashOf(block: Block): Uint8Array {
    return blockHash(block.header);
  }
}
