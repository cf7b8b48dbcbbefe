import "reflect-metadata";
import { open as openLmdb, type RootDatabase } from "lmdb";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { Application, type Execution, type GenesisDoc, type Prechecked } from "../app/application.ts";
import type { ValidatorUpdate } from "../modules/types.ts";
import { blockHash, headerView, type Block, type BlockHeader } from "../app/block.ts";
import { RuntimeTokens, type BalanceReader } from "../app/interfaces.ts";
import { InlineVerifier, type SigVerifier } from "../app/sig-verifier.ts";
import { getNonce } from "../app/nonces.ts";
import { ModuleManager } from "../modules/manager.ts";
import type { BlockInfo, ChainModule } from "../modules/types.ts";
import type { HookOrder } from "../modules/chain.ts";
import { openAuthenticatedStore } from "../state/lmdb-store.ts";
import { openMemoryAuthenticatedStore } from "../state/authenticated-store.ts";
import type { AuthenticatedStore } from "../state/types.ts";
import { bytesEqual, fromHex, toHex, sha256 } from "../crypto/hash.ts";
import type { SchemeRegistry } from "../crypto/signature-scheme.ts";
import { decodeAddress } from "../crypto/address.ts";
import { TxError } from "../tx/errors.ts";
import { BlockStore } from "./block-store.ts";
import { assertLmdbFileReadable } from "./lmdb-file-check.ts";
import { nodeLmdbOptions } from "./lmdb-options.ts";
import { Mempool } from "./mempool.ts";
import type { NodeConfig } from "./config.ts";
import type { Logger } from "./logger.ts";
import type { BlockProducer } from "../consensus/ports.ts";
import { singleProducer, type ProducerFactory } from "./producer.ts";
import { nodeConsensusPorts } from "./consensus-ports.ts";
import type { AccountView, BlockView, ChainStatus, CoinView, EventView, NodeApi, NodeEvent, ProofView, TxStatusView } from "./node-api.ts";
import { NodeErrors } from "./errors.ts";
import type { NodeTransport } from "../p2p/transport.ts";
import type { TreeStore } from "../state/authenticated-store.ts";
import { SnapshotService, snapshotsDir } from "./state-sync/snapshot-service.ts";
import { stateSyncFromPeers } from "./state-sync/client.ts";
import { genesisValidatorSet } from "../consensus/engine/valset.ts";

export const NODE_VERSION = "0.2.0";
const ZERO_HASH = new Uint8Array(32);

export class NodeError extends NodeErrors<"NODE_GENESIS_MISMATCH" | "NODE_STORE_INCONSISTENT" | "NODE_NOT_FOUND" | "NODE_BAD_REQUEST" | "NODE_NO_TRANSPORT" | "NODE_NO_PRODUCER" | "NODE_HALTED"> {}

export interface NodeOptions {
  readonly dataDir: string;
  readonly config: NodeConfig;
  readonly genesis: GenesisDoc;
  readonly modules: ChainModule[];
  /** The chain's hook order (ChainDefinition.order); dependency order when absent. */
  readonly order?: HookOrder;
  readonly schemes: SchemeRegistry;
  /** Address credited as block proposer. */
  readonly proposer: string;
  readonly logger: Logger;
  /** The node's signature verifier; defaults to verifying on the main thread. */
  readonly verifier?: SigVerifier;
  /** Wall clock for block times (the proposer's only clock read); injectable for tests. */
  readonly now?: () => number;
  /**
   * What produces blocks, chosen by the composition root: singleProducer() (the default) or
   * the BFT engine (bftProducer in runtime/consensus, bftProducerFromConfig here). A node whose
   * config says consensus "bft" refuses to start without one.
   */
  readonly producer?: ProducerFactory;
  /**
   * Restore the state from peers' snapshots when the data directory is new (state-sync/),
   * instead of executing every block since genesis. The composition root passes it when
   * config.stateSync.enable is set and the home holds no chain data.
   */
  readonly stateSync?: { readonly transport: NodeTransport };
}

/**
 * A single node: two embedded lmdb environments (state; blocks, receipts and indexes), the
 * application, the mempool, and the block producer the composition root gave it (alone, or
 * the BFT engine, which sees the node only through its ports: consensus-ports.ts).
 *
 * State and blocks live in separate environments so the state's memory map holds only
 * state: lmdb maps pages around each one it reads, and blocks interleaved with accounts
 * made reading 5 000 accounts map most of the file. A block is therefore committed in two
 * durable steps, blocks first, then state; a crash in between leaves the block stored and
 * the state one height behind, and the next start executes that block again (checked
 * against its header's roots) before doing anything else.
 */
export class NexusNode implements NodeApi {
  readonly chainId: string;
  readonly app: Application;
  readonly mempool: Mempool;
  private readonly blocks: BlockStore;
  private readonly listeners = new Set<(e: NodeEvent) => void>();
  private readonly balances: BalanceReader;
  private running = false;
  /** Admissions happen in submission order even though signature checks finish out of order. */
  private admission: Promise<unknown> = Promise.resolve();
  private latest: { header: BlockHeader; hash: Uint8Array } | undefined;
  /** toHex(latest.hash), once per block: every admitted transaction's BlockInfo carries it. */
  private latestHashHex = toHex(ZERO_HASH);
  private blockProducer: BlockProducer | undefined;
  /** Snapshots this node takes and serves to state-syncing peers (config.stateSync.snapshotInterval > 0). */
  snapshots: SnapshotService | undefined;
  /** InitChain's validator updates, when genesis ran in this process. */
  private genesisUpdates: ValidatorUpdate[] | undefined;
  /** App work (proposals, validation, commits, sync) one task at a time. */
  private work: Promise<unknown> = Promise.resolve();
  /** Set by the BFT engine (its pool port): gossip each transaction this node admits from a client. */
  onTxAdmitted: ((bytes: Uint8Array) => void) | undefined;

  private constructor(
    private readonly o: NodeOptions,
    private readonly stateDb: RootDatabase,
    private readonly blocksDb: RootDatabase,
    private readonly store: AuthenticatedStore,
    blocks: BlockStore,
    private readonly verifier: SigVerifier,
  ) {
    this.chainId = o.genesis.chainId;
    const modules = new ModuleManager(o.modules, { order: o.order });
    this.app = new Application({
      chainId: this.chainId,
      store,
      modules,
      schemes: o.schemes,
      verifier,
      checkInvariants: o.config.checkInvariants,
    });
    this.blocks = blocks;
    this.mempool = new Mempool(o.config.mempool);
    this.balances = modules.container.get<BalanceReader>(RuntimeTokens.BalanceReader);
  }

  static async open(o: NodeOptions): Promise<NexusNode> {
    mkdirSync(o.dataDir, { recursive: true });
    if (existsSync(join(o.dataDir, "chain.lmdb"))) {
      throw new NodeError(
        "NODE_STORE_INCONSISTENT",
        `${o.dataDir} holds a chain.lmdb from NexusOS before 0.2 (state and blocks in one file); this version keeps them in state.lmdb and blocks.lmdb. Remove the data directory and resync from genesis or peers`,
      );
    }
    // overlappingSync (lmdb-js default on Linux) returns before the flush: a power cut could take
    // back a block already acknowledged. Commit must be durable when it returns.
    // A map size fixed far above any file size: lmdb-js keeps the old mapping when it grows
    // the map, and pages resident in both count twice towards the process's memory.
    const lmdbOptions = nodeLmdbOptions();
    // The state's commits skip lmdb's second fsync (of the meta page): a power cut can then
    // undo only the last state commit, never corrupt it, and that block is already durable in
    // blocks.lmdb, so the next start executes it again (redoStateCommit).
    const statePath = join(o.dataDir, "state.lmdb");
    const blocksPath = join(o.dataDir, "blocks.lmdb");
    // A damaged meta page kills the process in lmdb-js with no message: look before opening.
    assertLmdbFileReadable(statePath, statePath);
    assertLmdbFileReadable(blocksPath, blocksPath);
    const stateDb = openLmdb({ path: statePath, ...lmdbOptions, noMetaSync: true });
    const blocksDb = openLmdb({ path: blocksPath, ...lmdbOptions });
    const upgraded = (file: string) => (u: { from: number; to: number; records: number; ms: number }) =>
      o.logger.info({ file, ...u }, "upgraded the data file's on-disk format: every record now carries a checksum");
    let store: ReturnType<typeof openAuthenticatedStore>;
    let blocks: BlockStore;
    try {
      // The journal is applied in a thread of its own (runtime/state/README.md): the main thread
      // executes blocks, and at 1M keys applying a big block's B-tree writes took ~1.7 s of it.
      store = openAuthenticatedStore(stateDb, { label: statePath, onFormatUpgrade: upgraded(statePath), applyThread: { path: statePath, lmdb: { ...lmdbOptions, noMetaSync: true } } });
      blocks = new BlockStore(blocksDb, { label: blocksPath, onFormatUpgrade: upgraded(blocksPath) });
    } catch (e) {
      // Damaged or unreadable records: close both files, so the process can exit.
      await Promise.allSettled([stateDb.close(), blocksDb.close()]);
      throw e;
    }
    const node = new NexusNode(o, stateDb, blocksDb, store, blocks, o.verifier ?? new InlineVerifier(o.schemes));
    try {
      await node.initialise();
      const sc = o.config.stateSync;
      if (sc.snapshotInterval > 0) {
        node.snapshots = await SnapshotService.open({
          dir: snapshotsDir(o.dataDir),
          interval: sc.snapshotInterval,
          keep: sc.snapshotKeep,
          log: o.logger,
          blocks,
          openView: () => store.snapshotView(),
        });
      }
    } catch (e) {
      await node.closeStores();
      throw e;
    }
    return node;
  }

  private get log(): Logger {
    return this.o.logger;
  }

  get logger(): Logger {
    return this.o.logger;
  }

  get blockStore(): BlockStore {
    return this.blocks;
  }

  get genesisTime(): number {
    return this.o.genesis.genesisTime;
  }

  /** The node's wall clock (NodeOptions.now). */
  now(): number {
    return (this.o.now ?? Date.now)();
  }

  get blockTimeMs(): number {
    return this.o.config.blockTimeMs;
  }

  /**
   * The application's InitChain validator updates (the set of height 1). After a restart they
   * are recomputed from genesis.json on a scratch in-memory state: the same modules, the same
   * answer (needed only when the engine has not stored the set of height 1 yet).
   */
  genesisValidatorUpdates(): readonly ValidatorUpdate[] {
    this.genesisUpdates ??= new Application({ chainId: this.chainId, store: openMemoryAuthenticatedStore(), modules: this.app.modules, schemes: this.o.schemes, verifier: this.verifier }).initChain(this.o.genesis).validatorUpdates;
    return this.genesisUpdates;
  }

  latestBlock(): { header: BlockHeader; hash: Uint8Array } | undefined {
    return this.latest;
  }

  /** Read-only context over committed state. */
  queryCtx(): ReturnType<Application["queryContext"]> {
    return this.app.queryContext(this.headerInfo());
  }

  /** Why the node halted (the first reason), once it has. */
  private haltReason: string | undefined;

  /** Run `f` after every earlier task: block building, validation, commits and sync never interleave. */
  serial<T>(f: () => Promise<T>): Promise<T> {
    const run = this.work.then(f);
    this.work = run.catch((e: Error) => {
      this.halt(`consensus task failed: ${e.message}`);
    });
    return run;
  }

  /** Stop producing or voting: something happened that would make this node diverge. */
  halt(reason: string): void {
    this.haltReason ??= reason;
    this.log.fatal({ reason }, "halting the node");
    this.running = false;
    process.exitCode = 1;
    void this.blockProducer?.stop();
    this.listeners.forEach((l) => l({ kind: "halt", reason }));
  }

  /** The block producer, once started (tests inspect the BFT engine through it). */
  get producer(): BlockProducer | undefined {
    return this.blockProducer;
  }

  /**
   * Genesis on first start; on restart, check the stored genesis, finish a block whose state
   * commit a crash interrupted, and resume from the last block.
   */
  private async initialise(): Promise<void> {
    const genesisJson = JSON.stringify(this.o.genesis);
    const stored = this.blocks.genesis();
    if (stored === undefined && this.store.initialised) {
      throw new NodeError("NODE_STORE_INCONSISTENT", "state exists but no genesis is recorded: the data directory is damaged; remove it to resync");
    }
    if (stored !== undefined && stored !== genesisJson) {
      throw new NodeError("NODE_GENESIS_MISMATCH", "genesis.json differs from the genesis this data directory was created with; restore it or remove the data directory");
    }
    // Genesis record first, then the genesis state: a crash in between redoes the second.
    if (stored === undefined) this.blocks.writeGenesis(genesisJson);
    if (!this.store.initialised && this.o.stateSync && this.blocks.latestHeight() === 0) {
      await this.restoreFromPeers(this.o.stateSync.transport);
    } else if (!this.store.initialised) {
      const { staged, validatorUpdates } = this.app.initChain(this.o.genesis);
      this.genesisUpdates = validatorUpdates;
      staged.commit(0);
      this.log.info({ chainId: this.chainId, stateRoot: toHex(this.store.root) }, "initialised chain from genesis");
    }
    const h = this.blocks.latestHeight();
    if (h === this.store.height + 1) await this.redoStateCommit(h);
    else if (h !== this.store.height) {
      throw new NodeError("NODE_STORE_INCONSISTENT", `block store is at height ${h} but state is at ${this.store.height}; the data directory is damaged: remove it to resync`);
    }
    if (h > 0) {
      const b = this.blocks.block(h)!;
      // The state must be the one the last header commits to (a state.lmdb restored from
      // another node or another day opens cleanly on its own; this is where it shows).
      if (!bytesEqual(b.header.stateRoot, this.store.root)) {
        throw new NodeError(
          "NODE_STORE_INCONSISTENT",
          `state.lmdb holds state root ${toHex(this.store.root).slice(0, 16)}… but block ${h} commits to ${toHex(b.header.stateRoot).slice(0, 16)}…: state and blocks are from different histories; restore both files from one backup, or remove the data directory to resync`,
          { height: h },
        );
      }
      this.latest = { header: b.header, hash: blockHash(b.header) };
      this.latestHashHex = toHex(this.latest.hash);
      this.log.info({ height: h, hash: toHex(this.latest.hash) }, "resuming from last committed block");
    }
  }

  /**
   * State sync: the state at a recent height from peers' snapshots, trusted from the genesis
   * validator set (state-sync/trust.ts); the snapshot's block becomes this node's first.
   */
  private async restoreFromPeers(transport: NodeTransport): Promise<void> {
    const trusted = genesisValidatorSet(this.genesisValidatorUpdates().filter((u) => u.power > 0n));
    await stateSyncFromPeers({
      chainId: this.chainId,
      transport,
      store: this.store as TreeStore,
      blocks: this.blocks,
      trusted,
      consensusSet: (height, header) => this.app.consensusSet(height, { chainId: this.chainId, height: header.height, time: header.time, proposer: header.proposer, prevHash: toHex(header.prevHash) }),
      log: this.log,
      options: this.o.config.stateSync,
    });
  }

  /** The last block was stored but the process died before its state commit: execute it again. */
  private async redoStateCommit(height: number): Promise<void> {
    const b = this.blocks.block(height);
    if (!b) throw new NodeError("NODE_STORE_INCONSISTENT", `block ${height} is recorded as the latest but is missing; the data directory is damaged: remove it to resync`);
    const r = await this.app.processProposal(b.header, b.txs);
    if (!r.accept) throw new NodeError("NODE_STORE_INCONSISTENT", `stored block ${height} does not execute to its header (${r.reason}); the data directory is damaged: remove it to resync`);
    this.app.commit(r.execution);
    this.log.warn({ height }, "finished the state commit of a block stored before a crash");
  }

  get height(): number {
    return this.store.height;
  }

  private headerInfo(): BlockInfo {
    const h = this.latest?.header;
    return { chainId: this.chainId, height: h?.height ?? 0, time: h?.time ?? this.o.genesis.genesisTime, proposer: h?.proposer ?? "", prevHash: toHex(h?.prevHash ?? ZERO_HASH) };
  }

  private nextInfo(): BlockInfo {
    const prevTime = this.latest?.header.time ?? this.o.genesis.genesisTime;
    return { chainId: this.chainId, height: this.store.height + 1, time: Math.max(this.now(), prevTime + 1), proposer: this.o.proposer, prevHash: this.latestHashHex };
  }

  // ---- block production -------------------------------------------------------------------

  /** Start the block producer the composition root chose (NodeOptions.producer). */
  async start(): Promise<void> {
    if (this.running) return;
    if (!this.o.producer && this.o.config.consensus === "bft") {
      // Producing alone on a validator network would fork this node off it.
      throw new NodeError("NODE_NO_PRODUCER", "consensus \"bft\" needs the BFT engine as NodeOptions.producer (bftProducerFromConfig)");
    }
    this.running = true;
    this.blockProducer = (this.o.producer ?? singleProducer())(nodeConsensusPorts(this), this);
    await this.blockProducer.start();
  }

  /** Produce and commit one block from the mempool now. */
  async produceBlock(): Promise<BlockView> {
    // No need to wait for admissions in flight: JS runs this reap → execute → commit without
    // interleaving, and an admission after it checks against the newly committed state.
    const info = this.nextInfo();
    const p = this.app.params();
    const candidates = this.mempool.reap(p.maxBlockTxs, p.maxBlockBytes);
    const { txs, execution } = this.app.prepareProposal(info, candidates);
    const header: BlockHeader = {
      chainId: this.chainId,
      height: info.height,
      time: info.time,
      prevHash: this.latest?.hash ?? ZERO_HASH,
      txRoot: execution.txRoot,
      stateRoot: execution.stateRoot,
      resultsRoot: execution.resultsRoot,
      proposer: info.proposer,
    };
    const block: Block = { header, txs: txs.map((t) => t.bytes) };
    const hashes = txs.map((t) => t.hash);
    this.commitBlock(block, hashes, execution);
    return this.blockView(block, hashes);
  }

  /** Persist an executed block atomically, then update the mempool and notify listeners. */
  commitBlock(
    block: Block,
    txHashes: readonly Uint8Array[],
    execution: Execution,
    consensus?: { commit: Uint8Array; nextValidatorSet: Uint8Array },
    opts: { synced?: boolean } = {},
  ): void {
    const hash = blockHash(block.header);
    // Block first (durable), then state: see the class comment for the crash case.
    this.blocks.writeBlock(block, hash, txHashes, execution.receiptBytes, consensus);
    this.app.commit(execution);
    this.latest = { header: block.header, hash };
    this.latestHashHex = toHex(hash);
    this.snapshots?.afterCommit(block.header.height);
    const ctx = this.app.queryContext(this.headerInfo());
    const evicted = this.mempool.update(block.header.height, execution.receipts.map((r) => r.txHash), (s) => getNonce(ctx, s));
    const failed = execution.receipts.filter((r) => r.code !== 0).length;
    // Block sync reports progress itself (a line per block would flood the log while catching up).
    this.log[opts.synced ? "debug" : "info"](
      { height: block.header.height, txs: block.txs.length, failed, evicted, mempool: this.mempool.size, root: toHex(block.header.stateRoot).slice(0, 16) },
      "committed block",
    );
    if (this.listeners.size === 0) return;
    // Only with a listener (a WebSocket subscriber): the view is a hex string per transaction.
    const view = this.blockView(block, txHashes);
    for (const l of this.listeners) {
      try {
        l({ kind: "block", block: view, receipts: execution.receipts, blockEvents: execution.blockEvents as EventView[] });
      } catch (e) {
        this.log.warn({ err: e }, "block listener failed");
      }
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.blockProducer?.stop();
    await this.work.catch(() => undefined);
    await this.snapshots?.stop();
    await this.verifier.close();
    await this.closeStores();
  }

  private async closeStores(): Promise<void> {
    await this.store.close();
    await this.stateDb.close();
    await this.blocksDb.close();
  }

  // ---- NodeApi ------------------------------------------------------------------------------

  status(): ChainStatus {
    return {
      chainId: this.chainId,
      height: this.store.height,
      stateRoot: toHex(this.store.root),
      latestBlockHash: this.latest ? toHex(this.latest.hash) : toHex(ZERO_HASH),
      latestBlockTime: this.latest?.header.time ?? this.o.genesis.genesisTime,
      mempoolSize: this.mempool.size,
      nodeVersion: NODE_VERSION,
      earliestBlockHeight: Math.min(this.blocks.baseHeight(), Math.max(1, this.store.height)),
      ...(this.haltReason !== undefined ? { halted: { reason: this.haltReason } } : {}),
    };
  }

  /**
   * Admit a transaction to the mempool; one from a client is also gossiped to peers (BFT).
   * A peer's batch, already checked by the gossip validator, goes through admitCheckedBatch.
   */
  async submitTx(bytes: Uint8Array, opts: { fromPeer?: boolean } = {}): Promise<{ hash: string }> {
    if (this.haltReason !== undefined) {
      throw new NodeError("NODE_HALTED", `this node halted (${this.haltReason}) and commits nothing until it is restarted; send to another node, and see its log`, { reason: this.haltReason });
    }
    const pre = this.app.precheckTx(bytes);
    const hashHex = pre.decoded.hashHex;
    if (this.blocks.txLocation(pre.decoded.hash)) throw new TxError("TX_DUPLICATE", `transaction ${hashHex} is already committed`);
    this.mempool.precheck(hashHex, bytes.length);
    const sigs = this.verifier.verify(pre.checks);
    const turn = this.admission.then(async () => {
      const ok = await sigs;
      const checked = this.app.admitTx(pre, ok, this.mempool, this.nextInfo());
      this.mempool.add(checked, this.store.height, { localAt: opts.fromPeer ? undefined : this.now() });
    });
    this.admission = turn.catch(() => undefined);
    await turn;
    if (!opts.fromPeer) this.onTxAdmitted?.(bytes);
    return { hash: hashHex };
  }

  /**
   * Admit a peer's batch whose stateless checks and signatures the gossip validator already
   * did: one admission turn for the whole batch instead of one per transaction. Transactions
   * already known, committed or invalid against state are dropped quietly (a peer's batch is
   * no client request to answer). Returns how many were admitted.
   */
  async admitCheckedBatch(items: readonly { bytes: Uint8Array; pre: Prechecked; sigOk: readonly boolean[] }[]): Promise<number> {
    const turn = this.admission.then(() => {
      const info = this.nextInfo();
      let admitted = 0;
      for (const c of items) {
        try {
          if (this.blocks.txLocation(c.pre.decoded.hash)) continue;
          const checked = this.app.admitTx(c.pre, c.sigOk, this.mempool, info);
          this.mempool.add(checked, this.store.height);
          admitted++;
        } catch {
          // known, stale, over a bound or invalid against state: not this batch's problem
        }
      }
      return admitted;
    });
    this.admission = turn.catch(() => undefined);
    return turn;
  }

  getTx(hashHex: string): TxStatusView {
    const hash = parseHash(hashHex);
    const r = this.blocks.receipt(hash);
    if (r) return { status: "committed", receipt: r };
    if (this.mempool.has(toHex(hash))) return { status: "pending" };
    return { status: "unknown" };
  }

  getBlock(ref: number | string): BlockView | undefined {
    const height = typeof ref === "number" ? ref : this.blocks.heightOf(parseHash(ref));
    if (height === undefined || !Number.isSafeInteger(height) || height < 1) return undefined;
    const b = this.blocks.block(height);
    return b ? this.blockView(b) : undefined;
  }

  blockReceipts(height: number): ReturnType<BlockStore["blockReceipts"]> {
    return this.blocks.blockReceipts(height);
  }

  /** `txHashes`: the block's transaction hashes when the caller has them (no need to hash again). */
  private blockView(b: Block, txHashes?: readonly Uint8Array[]): BlockView {
    return { hash: toHex(blockHash(b.header)), header: headerView(b.header), txs: txHashes ? txHashes.map(toHex) : b.txs.map((t) => toHex(sha256(t))) };
  }

  getAccount(address: string): AccountView {
    checkAddress(address);
    const ctx = this.app.queryContext(this.headerInfo());
    return {
      address,
      nonce: getNonce(ctx, address).toString(),
      balances: this.balances.balances(ctx, address).map((c) => ({ denom: c.denom, amount: c.amount.toString() })),
    };
  }

  getBalance(address: string, denom: string): CoinView {
    checkAddress(address);
    const ctx = this.app.queryContext(this.headerInfo());
    return { denom, amount: this.balances.balance(ctx, address, denom).toString() };
  }

  prove(keyHex: string): ProofView {
    let key: Uint8Array;
    try {
      key = fromHex(keyHex);
    } catch (e) {
      throw new NodeError("NODE_BAD_REQUEST", `key: ${(e as Error).message}`);
    }
    const { value, proof } = this.store.prove(key);
    return { height: this.store.height, stateRoot: toHex(this.store.root), key: toHex(key), value: value ? toHex(value) : null, proof };
  }

  proveBalance(address: string, denom: string): ProofView {
    checkAddress(address);
    return this.prove(toHex(this.balances.balanceStateKey(address, denom)));
  }

  query(path: string, params: Record<string, unknown>): unknown {
    return this.app.query(this.headerInfo(), path, params);
  }

  params(): Record<string, unknown> {
    const p = this.app.params();
    const out: Record<string, unknown> = {
      runtime: {
        joulesPerUnit: Object.fromEntries(Object.entries(p.joulesPerUnit).map(([b, r]) => [b, `${r.num}/${r.den}`])),
        maxTxBytes: p.maxTxBytes,
        maxBlockBytes: p.maxBlockBytes,
        maxBlockTxs: p.maxBlockTxs,
      },
    };
    for (const name of this.app.modules.names) {
      try {
        out[name] = this.query(`${name}/params`, {});
      } catch {
        // module without a params query
      }
    }
    return out;
  }

  subscribe(listener: (e: NodeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function parseHash(hex: string): Uint8Array {
  let h: Uint8Array;
  try {
    h = fromHex(hex);
  } catch (e) {
    throw new NodeError("NODE_BAD_REQUEST", `hash: ${(e as Error).message}`);
  }
  if (h.length !== 32) throw new NodeError("NODE_BAD_REQUEST", `hash must be 32 bytes (64 hex digits), got ${h.length} bytes`);
  return h;
}

function checkAddress(a: string): void {
  try {
    decodeAddress(a);
  } catch (e) {
    throw new NodeError("NODE_BAD_REQUEST", (e as Error).message);
  }
}
