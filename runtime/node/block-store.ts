import type { Database, RootDatabase } from "lmdb";
import { encodeBlock, decodeBlock, blockHash, type Block } from "../app/block.ts";
import { encodeReceiptList, decodeReceiptList, decodeReceiptAt } from "../app/receipt.ts";
import { u64Key, readU64Key } from "../codec/uint.ts";
import type { ReceiptView } from "./node-api.ts";
import { DATA_FORMAT, ensureFormat, seal, unseal } from "../state/record-seal.ts";
import { NodeErrors } from "./errors.ts";

type Bin = Database<Buffer, Buffer>;
const buf = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
const META_LATEST = Buffer.from("latest");
const META_GENESIS = Buffer.from("genesis");
const META_FORMAT = Buffer.from("format");
/** u64 height of the first block held, when the node joined by state sync (absent: from genesis). */
const META_BASE = Buffer.from("base");

export interface BlockStoreOptions {
  /** What the file is called in error messages. Default "block store". */
  label?: string;
  /** Seal the records of a format-1 file (no checksums) when opened; false refuses it. Default true. */
  upgradeFormat?: boolean;
  /** Called after an upgrade of the on-disk format (the node logs it). */
  onFormatUpgrade?: (info: { from: number; to: number; records: number; ms: number }) => void;
}

/** A table of sealed records (record-seal.ts): values are checked when read. */
class Sealed {
  constructor(
    readonly name: string,
    readonly db: Bin,
    private readonly label: string,
  ) {}
  put(key: Buffer, value: Uint8Array): void {
    this.db.putSync(key, seal(key, value));
  }
  get(key: Buffer): Buffer | undefined {
    const raw = this.db.get(key);
    return raw === undefined ? undefined : this.check(key, raw);
  }
  check(key: Buffer, raw: Buffer): Buffer {
    const v = unseal(key, raw);
    if (v === undefined) {
      throw new NodeErrors(
        "NODE_DATA_DAMAGED",
        `${this.label}: the record under key ${key.toString("hex")} in table ${this.name} fails its checksum: the file is damaged. Stop the node, run \`nexus verify-data\`, then restore the data directory from a backup or resync it from peers`,
        { table: this.name, key: key.toString("hex") },
      );
    }
    return v;
  }
}

/**
 * Blocks by height and hash, transactions by hash, receipts by block, in their own lmdb
 * environment. A block, its receipts, indexes and certificate are written in one durable
 * transaction, before the block's state commit (NexusNode recovers a crash in between).
 */
export class BlockStore {
  private readonly blocks: Sealed;
  private readonly byHash: Sealed;
  private readonly txIndex: Sealed;
  private readonly receipts: Sealed;
  private readonly meta: Sealed;
  /** Commit certificates by height (BFT only), written with their block. */
  private readonly commits: Sealed;
  /** Consensus validator set (with proposer priorities) by the height it validates. */
  private readonly valsets: Sealed;
  /** Proposed blocks this validator proposed or voted for, by height ‖ hash, until their height is committed. */
  private readonly candidates: Sealed;
  private readonly root: RootDatabase;
  /** Every table, for the format check and `nexus verify-data`. */
  readonly tables: readonly Sealed[];

  constructor(root: RootDatabase, opts: BlockStoreOptions = {}) {
    this.root = root;
    const label = opts.label ?? "block store";
    const open = (name: string): Sealed => new Sealed(name, root.openDB<Buffer, Buffer>({ name, keyEncoding: "binary", encoding: "binary" }), label);
    this.blocks = open("blocks");
    this.byHash = open("blocks.by-hash");
    this.txIndex = open("txs.by-hash");
    this.receipts = open("receipts");
    this.meta = open("blocks.meta");
    this.commits = open("blocks.commits");
    this.valsets = open("consensus.valsets");
    this.candidates = open("consensus.candidates");
    this.tables = [this.blocks, this.byHash, this.txIndex, this.receipts, this.meta, this.commits, this.valsets, this.candidates];
    const found = ensureFormat(root, this.tables.map((t) => t.db), this.meta.db, META_FORMAT, opts.upgradeFormat ?? true);
    if (found.kind === "old" || found.kind === "unknown") {
      const why = found.kind === "old" ? "format 1 (no checksums): start the node once to upgrade it" : `format ${found.format}, which this version of NexusOS does not read (it reads format ${DATA_FORMAT}): run the NexusOS version that wrote it`;
      throw new NodeErrors("NODE_DATA_FORMAT", `${label} is in on-disk ${why}`, { format: found.format });
    }
    if (found.kind === "damaged") {
      throw new NodeErrors("NODE_DATA_DAMAGED", `${label}: the format record fails its checksum: the file is damaged. Run \`nexus verify-data\`, then restore the data directory from a backup or resync it from peers`, { table: "blocks.meta" });
    }
    if (found.kind === "upgraded") opts.onFormatUpgrade?.({ from: found.from, to: DATA_FORMAT, records: found.records, ms: found.ms });
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
      this.commits.put(buf(h), consensus.commit);
      this.valsets.put(buf(u64Key(block.header.height + 1)), consensus.nextValidatorSet);
    }
    this.blocks.put(buf(h), encodeBlock(block));
    this.byHash.put(buf(hash), h);
    this.receipts.put(buf(h), encodeReceiptList(receiptBytes));
    txHashes.forEach((t, i) => {
      const loc = Buffer.alloc(12);
      loc.writeBigUInt64BE(BigInt(block.header.height), 0);
      loc.writeUInt32BE(i, 8);
      this.txIndex.put(buf(t), loc);
    });
    this.meta.put(META_LATEST, h);
    // Candidates of this height and below can never be needed again.
    const candidates = this.candidates.db;
    for (const k of candidates.getKeys({ end: buf(u64Key(block.header.height + 1)) })) candidates.removeSync(k);
  }

  /**
   * The first block of a node that joined by state sync (state-sync/): the snapshot's block with
   * its certificate and the consensus records of its height and the next, in one durable
   * transaction. Its receipts are not synced (they stay with the nodes that executed it).
   */
  writeSyncedBase(block: Block, hash: Uint8Array, commit: Uint8Array, setOfHeight: Uint8Array, setOfNext: Uint8Array): void {
    const h = block.header.height;
    this.root.transactionSync(() => {
      this.valsets.put(buf(u64Key(h)), setOfHeight);
      this.putBlock(block, hash, [], [], { commit, nextValidatorSet: setOfNext });
      this.meta.put(META_BASE, u64Key(h));
    });
    this.base = h;
  }

  /** Height of the first block this store holds: 1, or the snapshot height of a state-synced node. */
  baseHeight(): number {
    // Written once, by writeSyncedBase: read from the file the first time only (nexus_status asks every call).
    if (this.base === undefined) {
      const v = this.meta.get(META_BASE);
      this.base = v ? Number(readU64Key(v)) : 1;
    }
    return this.base;
  }

  private base: number | undefined;

  /**
   * Keep a proposed block's bytes durably before voting for it: if every validator restarts
   * after precommitting a block nobody has committed yet, those bytes exist nowhere else.
   */
  saveCandidate(height: number, hash: Uint8Array, bytes: Uint8Array): void {
    const k = Buffer.concat([u64Key(height), hash]);
    if (this.candidates.db.get(k)) return;
    this.root.transactionSync(() => this.candidates.put(k, bytes));
  }

  /** Saved candidate blocks of `height` (encoded blocks). */
  candidatesAt(height: number): Uint8Array[] {
    return [...this.candidates.db.getRange({ start: buf(u64Key(height)), end: buf(u64Key(height + 1)) })].map((e) => this.candidates.check(e.key, e.value));
  }

  /** Durable on return (written before the genesis state). */
  writeGenesis(genesisJson: string): void {
    this.root.transactionSync(() => this.meta.put(META_GENESIS, Buffer.from(genesisJson)));
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
    this.valsets.put(buf(u64Key(height)), bytes);
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
