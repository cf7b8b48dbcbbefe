import {
  ConsensusDriver,
  FileWal,
  decodeEvidence,
  decodeMessage,
  encodeMessage,
  verifyDuplicateVoteEvidence,
  encodeCommit,
  encodeEvidence,
  messageHeight,
  type ConsensusSigner,
  type DriverEffect,
  type DuplicateVoteEvidence,
  type TimeoutConfig,
  type ValidatorSet,
  type Wal,
} from "../index.ts";
import { blockHash, decodeBlock, encodeBlock, type Block, type BlockHeader } from "../../app/block.ts";
import type { Execution } from "../../app/application.ts";
import { sha256, toHex } from "../../crypto/hash.ts";
import type { Signer } from "../../tx/sign.ts";
import type { BlockProducer, ConsensusLogger, ConsensusPorts } from "../ports.ts";
import { BlockGossip, MAX_BUNDLE_MESSAGES, decodeBlockGossip, encodeBlockGossip, type DecodedBlockGossip } from "./block-gossip.ts";
import { ChainFollower } from "./follower.ts";
import { ConsensusReporter } from "./reporter.ts";
import { checkTxGossip, proposalHeaderProblem } from "./checks.ts";
import { TxBatcher } from "./tx-batch.ts";
import { TxBatchGossip } from "./tx-gossip.ts";
import { CompactBlocks } from "./compact-blocks.ts";
import { compactProblem, type CompactProposal } from "./compact-proposal.ts";
import type { NodeTransport, Verdict } from "../../p2p/transport.ts";

export interface EngineOptions {
  readonly transport: NodeTransport;
  /** The validator's consensus key; absent for a node that only follows. */
  readonly signer?: ConsensusSigner;
  /** data/consensus.wal; or a Wal given directly (tests). */
  readonly wal: string | Wal;
  readonly timeouts?: TimeoutConfig;
  /** Target interval between blocks: the wait after a commit before the next height (CometBFT's timeout_commit). */
  readonly blockIntervalMs: number;
  /** How far in the future a proposed block's time may be. */
  readonly maxFutureDriftMs?: number;
  readonly regossipMs?: number;
  readonly syncCheckMs?: number;
  readonly now?: () => number;
  /** Operator key (tx signer) of the proposer's consensus transaction: last commit and evidence. */
  readonly operatorKey?: Signer & { address: string };
  /** How long an admitted client transaction waits to be gossiped with others (default 20 ms). */
  readonly txBatchDelayMs?: number;
  /** Most transactions this node puts in a block it proposes (default DEFAULT_MAX_PROPOSAL_TXS). */
  readonly maxProposalTxs?: number;
  /**
   * A transaction from this node's own clients goes into its proposals only this long after
   * admission (default 60 ms: the 20 ms batch delay plus gossip), so peers hold it and rebuild
   * the compact proposal without fetching.
   */
  readonly proposalTxMinAgeMs?: number;
  /** Our own clients' transactions younger than this go into our compact proposals in full (default 500 ms). */
  readonly prefillLocalMs?: number;
  /** Deadline of one request for missing transactions of a compact proposal (default 1000 ms). */
  readonly txFetchTimeoutMs?: number;
}

const ZERO_HASH = new Uint8Array(32);
const MAX_CANDIDATES = 64;
/**
 * Default of the proposer's own bound on a block's transactions (maxProposalTxs; the chain's
 * maxBlockTxs may be far higher): with a backlog, a block of tens of thousands of transactions
 * takes every validator longer to re-execute and commit than the round timeouts allow, and
 * rounds fail one after another. A proposer's choice, not a validity rule.
 */
export const DEFAULT_MAX_PROPOSAL_TXS = 3000;
/** Full block bytes follow a proposal only once its height has lasted this many re-gossip periods. */
const FULL_BLOCK_AFTER_PERIODS = 6;

/** A proposed block this node has the bytes of, and what it learnt about it. */
interface Candidate {
  readonly block: Block;
  readonly bytes: Uint8Array;
  execution?: Execution;
  verdict?: boolean;
  /** Our own proposal's compact form (what we gossip first). */
  compact?: CompactProposal;
  /** When the full bytes of our compact proposal last went out (fallback re-sends). */
  fullSentAt?: number;
}

/**
 * Runs PoSPECTRUM in a node: the ConsensusDriver's effects become gossip, timers,
 * prepareProposal / processProposal calls and block commits; blocks of heights this node
 * missed come from block sync (ChainFollower), each verified with verifyCommit. It sees the
 * node only through its ports (ports.ts).
 */
export class BftEngine implements BlockProducer {
  private driver: ConsensusDriver | undefined;
  private set!: ValidatorSet;
  private readonly candidates = new Map<string, Candidate>();
  /** Block gossip decoded by the topic validator, for its handler (same bytes object). */
  private readonly decodedBlockGossip = new WeakMap<Uint8Array, DecodedBlockGossip>();
  private readonly waitingValidate = new Map<string, { height: number; proposer: string }>();
  private waitingDecide: Extract<DriverEffect, { kind: "decide" }> | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly intervals: NodeJS.Timeout[] = [];
  private readonly unsubscribe: (() => void)[] = [];
  private readonly follower: ChainFollower;
  private readonly blockGossip: BlockGossip;
  private readonly reporter: ConsensusReporter | undefined;
  private readonly txBatches: TxBatchGossip;
  private readonly batcher: TxBatcher;
  private readonly compact: CompactBlocks;
  private wal: Wal | undefined;
  private stopped = false;
  private stopping: Promise<void> | undefined;
  private heightStartedAt = 0;
  /** Consensus messages of the current height the driver took in, re-sent with our own. */
  private heard = new Map<string, { height: number; bytes: Uint8Array }>();
  private bundleNonce = Math.floor(Math.random() * 2 ** 31);
  private readonly app: ConsensusPorts["app"];
  private readonly pool: ConsensusPorts["pool"];
  private readonly store: ConsensusPorts["store"];
  private readonly node: ConsensusPorts["host"];
  /** Evidence seen, waiting to be reported (published on the evidence topic). */
  readonly evidence: DuplicateVoteEvidence[] = [];

  constructor(
    ports: ConsensusPorts,
    private readonly o: EngineOptions,
  ) {
    ({ app: this.app, pool: this.pool, store: this.store, host: this.node } = ports);
    this.follower = new ChainFollower(ports, o.transport, () => this.restartAfterSync());
    this.blockGossip = new BlockGossip(ports.store, o.transport);
    this.reporter = o.operatorKey ? new ConsensusReporter(ports, o.operatorKey) : undefined;
    this.txBatches = new TxBatchGossip(ports.app, ports.pool);
    this.compact = new CompactBlocks(ports.app, ports.pool, ports.host.logger, o.transport, o.txFetchTimeoutMs ?? 1000, o.prefillLocalMs ?? 500, (hex) => this.txBatches.recentTx(hex));
    this.batcher = new TxBatcher((b) => void o.transport.publish("txbatch", b).catch((err: Error) => this.log.debug({ err: err.message }, "publish failed")), {
      delayMs: o.txBatchDelayMs,
    });
  }

  /** Duplicate-vote evidence waiting to go into a block this node proposes. */
  get pendingEvidence(): number {
    return this.reporter?.pendingEvidence ?? 0;
  }

  private get log(): ConsensusLogger {
    return this.node.logger;
  }

  private now(): number {
    return this.o.now ? this.o.now() : this.node.now();
  }

  /** How compact proposals from peers were rebuilt. */
  get compactStats(): CompactBlocks["stats"] {
    return { ...this.compact.stats };
  }

  /** Blocks this node took from peers through sync or announcements. */
  get followerSyncedBlocks(): number {
    return this.follower.syncedBlocks;
  }

  /** Core state, for logs and test failures. */
  snapshot(): ReturnType<ConsensusDriver["core"]["snapshot"]> | undefined {
    return this.driver?.core.snapshot();
  }

  /** Height consensus is deciding (the node's last committed height + 1). */
  get height(): number {
    return this.node.height + 1;
  }

  async start(): Promise<void> {
    this.follower.ensureInitialSet();
    const t = this.o.transport;
    t.setBlockSource(this.follower.blockSource());
    t.setTxSource?.(this.compact);
    this.unsubscribe.push(
      t.subscribe("proposals", (b) => this.checkConsensusMessage(b), (b, from) => this.onConsensusMessage(b, from)),
      t.subscribe("votes", (b) => this.checkConsensusMessage(b), (b, from) => this.onConsensusMessage(b, from)),
      t.subscribe("blocks", (b) => this.checkBlockGossip(b), (b, from) => this.onBlockGossip(b, from)),
      t.subscribe("txs", (b) => checkTxGossip(this.app, b), (b) => this.onTx(b)),
      t.subscribe("evidence", (b) => this.checkEvidence(b), (b) => this.onEvidence(b)),
      t.subscribe("txbatch", (b) => this.txBatches.check(b), (b) => this.txBatches.handle(b)),
    );
    // Transactions from clients go out in batches (tx-batch.ts); "txs" is still heard from older peers.
    this.pool.onLocalTx((bytes): void => this.batcher.add(bytes));
    // Catch up with what peers already committed before voting on anything.
    await this.follower.syncOnce().catch((e: Error) => this.log.warn({ err: e.message }, "initial block sync failed; consensus will retry"));
    this.wal = typeof this.o.wal === "string" ? FileWal.open(this.o.wal) : this.o.wal;
    this.set = this.follower.setFor(this.height);
    const { driver, effects } = ConsensusDriver.recover({ chainId: this.node.chainId, wal: this.wal, signer: this.o.signer, timeouts: this.o.timeouts }, this.height, this.set);
    this.driver = driver;
    // Blocks this validator proposed or voted for before a restart (their bytes may exist nowhere else).
    for (const bytes of this.store.candidatesAt(this.height)) {
      const block = decodeBlock(bytes);
      this.candidates.set(toHex(blockHash(block.header)), { block, bytes });
    }
    this.heightStartedAt = this.now();
    this.log.info({ height: this.height, validators: this.set.size, self: this.o.signer?.address ?? "(follower)", replayed: effects.length }, "consensus started");
    this.apply(effects);
    this.intervals.push(setInterval(() => this.regossip(), this.o.regossipMs ?? 500));
    this.intervals.push(setInterval(() => void this.follower.syncIfBehind(), this.o.syncCheckMs ?? 1000));
  }

  /** Idempotent: a halt and the node's stop may both call it. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.stopped = true;
      for (const t of this.timers) clearTimeout(t);
      for (const i of this.intervals) clearInterval(i);
      this.unsubscribe.forEach((u) => u());
      this.pool.onLocalTx(undefined);
      this.batcher.stop();
      this.o.transport.setBlockSource(undefined);
      this.o.transport.setTxSource?.(undefined);
      await this.node.serial(async () => undefined);
      await this.follower.idle();
      this.wal?.close();
    })();
    return this.stopping;
  }

  // ---- gossip in ------------------------------------------------------------------------

  private checkConsensusMessage(bytes: Uint8Array): Verdict {
    let h: number;
    try {
      h = messageHeight(decodeMessage(bytes));
    } catch {
      return "reject";
    }
    if (h < this.height) {
      // A peer is behind: show it the committed block and certificate of that height.
      this.blockGossip.announce(h);
      return "ignore";
    }
    if (h > this.height + 1) {
      this.follower.noteAhead();
      return "ignore";
    }
    return "accept";
  }

  /** `from` is given for messages straight from a topic (not relayed in a bundle): a bad signature costs that peer. */
  private onConsensusMessage(bytes: Uint8Array, from?: string): void {
    if (!this.driver || this.stopped) return;
    const m = decodeMessage(bytes);
    const effects = this.driver.receive(m);
    const bad = effects.find((e) => e.kind === "rejected");
    if (bad && from && bad.kind === "rejected") this.o.transport.penalize?.(from, bad.reason);
    // Next-height messages too: the driver buffers them, and they may be all we ever get of a signer.
    const h = messageHeight(m);
    if (h >= this.driver.core.height && !effects.some((e) => e.kind === "rejected")) this.remember(h, bytes);
    this.apply(effects);
  }

  private remember(height: number, bytes: Uint8Array): void {
    const k = toHex(sha256(bytes));
    if (this.heard.has(k)) return;
    if (this.heard.size >= MAX_BUNDLE_MESSAGES * 4) this.heard.delete(this.heard.keys().next().value!);
    this.heard.set(k, { height, bytes });
  }

  private checkBlockGossip(bytes: Uint8Array): Verdict {
    let g: DecodedBlockGossip;
    try {
      g = decodeBlockGossip(bytes);
    } catch {
      return "reject";
    }
    if (g.kind === "votes") {
      if (g.height < this.height) this.blockGossip.announce(g.height);
      return g.height === this.height ? "accept" : "ignore";
    }
    if (g.kind === "compact") {
      const h = g.compact.header.height;
      if (h !== this.height && h !== this.height + 1) return "ignore";
      const key = toHex(blockHash(g.compact.header));
      if (this.candidates.has(key) || this.compact.isRebuilding(key) || this.compact.busy) return "ignore";
      // Hashes that do not give txRoot (or a prefilled tx that is not its hash) cannot be the
      // proposed block; nor can one from a non-validator (each costs us fetches).
      if (compactProblem(g.compact) || (h === this.height && this.set && !this.set.get(g.compact.header.proposer))) return "reject";
      this.decodedBlockGossip.set(bytes, g);
      return "accept";
    }
    const h = g.block.header.height;
    if (g.kind === "proposal") {
      if (h !== this.height && h !== this.height + 1) return "ignore";
      // A re-send of a block we hold: nothing to do (and nothing to relay).
      if (this.candidates.has(toHex(blockHash(g.block.header)))) return "ignore";
    } else if (h !== this.height) return "ignore";
    // The handler gets the same bytes object: it need not decode a block again.
    this.decodedBlockGossip.set(bytes, g);
    return "accept";
  }

  private onBlockGossip(bytes: Uint8Array, from: string): void {
    if (this.stopped) return;
    const g = this.decodedBlockGossip.get(bytes) ?? decodeBlockGossip(bytes);
    this.decodedBlockGossip.delete(bytes);
    if (g.kind === "votes") {
      for (const m of g.messages) {
        try {
          if (this.checkConsensusMessage(m) === "accept") this.onConsensusMessage(m);
        } catch {
          // one bad message does not spoil the bundle
        }
      }
      return;
    }
    if (g.kind === "committed") {
      // A certified block of our current height: apply it like a synced block.
      void this.follower.applyAnnounced(g.bytes, g.commit);
      return;
    }
    if (g.kind === "compact") {
      // Not awaited: fetching must not hold up the votes queued behind it on this topic.
      void this.compact
        .rebuild(g.compact, from)
        .then((block) => block && !this.stopped && this.addCandidate(block, encodeBlock(block)))
        .catch((e: Error) => this.log.warn({ err: e.message }, "compact proposal: rebuild failed"));
      return;
    }
    this.addCandidate(g.block, g.bytes);
  }

  /** A proposed block's bytes arrived (in full or rebuilt): answer the validation or decision waiting for it. */
  private addCandidate(block: Block, bytes: Uint8Array): void {
    if (block.header.height <= this.node.height) return;
    const hash = toHex(blockHash(block.header));
    // Bounded: honest proposers send one block per round; the excess waits for a re-send.
    if (!this.candidates.has(hash) && this.candidates.size < MAX_CANDIDATES) this.candidates.set(hash, { block, bytes });
    const w = this.waitingValidate.get(hash);
    if (w) {
      this.waitingValidate.delete(hash);
      this.validate(w.height, hash, w.proposer);
    }
    if (this.waitingDecide && toHex(this.waitingDecide.blockHash) === hash) {
      const d = this.waitingDecide;
      this.waitingDecide = undefined;
      this.decide(d);
    }
  }

  private checkEvidence(bytes: Uint8Array): Verdict {
    try {
      const ev = decodeEvidence(bytes);
      const h = ev.voteA.vote.height;
      if (h > this.height) return "ignore";
      const set = h === this.height ? this.set : this.follower.setFor(h);
      return verifyDuplicateVoteEvidence(this.node.chainId, set, ev).ok ? "accept" : "reject";
    } catch {
      return "ignore";
    }
  }

  private onEvidence(bytes: Uint8Array): void {
    this.reporter?.addEvidence(decodeEvidence(bytes));
  }

  private onTx(bytes: Uint8Array): void {
    // Already known or invalid here: nothing to do, gossip carries it elsewhere.
    void this.pool.submitPeerTx(bytes).catch(() => undefined);
  }

  // ---- driver effects -------------------------------------------------------------------

  private apply(effects: readonly DriverEffect[]): void {
    for (const e of effects) {
      if (this.stopped) return;
      switch (e.kind) {
        case "broadcast": {
          if (e.message.kind === "proposal") {
            const c = this.candidates.get(toHex(e.message.proposal.blockHash));
            // The block first, so peers can validate when the proposal arrives: compact when we
            // built it (peers hold its transactions), else (a re-proposed validValue) in full.
            if (c && e.message.proposal.proposer === this.o.signer?.address) this.publishBlock(c);
          }
          this.publish(e.message.kind === "proposal" ? "proposals" : "votes", encodeMessage(e.message));
          break;
        }
        case "schedule-timeout": {
          const t = setTimeout(() => {
            this.timers.delete(t);
            if (this.stopped || !this.driver) return;
            this.log.debug({ height: e.height, round: e.round, step: e.step }, "timeout");
            this.apply(this.driver.timeout(e.height, e.round, e.step));
          }, e.durationMs);
          this.timers.add(t);
          break;
        }
        case "validate":
          this.validate(e.height, toHex(e.blockHash), e.proposer);
          break;
        case "get-value":
          void this.node.serial(() => this.buildValue(e.height, e.round));
          break;
        case "decide":
          this.decide(e);
          break;
        case "evidence":
          this.log.warn({ validator: e.evidence.voteA.vote.validator, height: e.evidence.voteA.vote.height }, "duplicate vote evidence");
          this.evidence.push(e.evidence);
          this.reporter?.addEvidence(e.evidence);
          this.publish("evidence", encodeEvidence(e.evidence));
          break;
        case "rejected":
          this.log.debug({ reason: e.reason }, "rejected consensus message");
          break;
        case "sign-refused":
          this.log.error({ reason: e.reason }, "refused to sign a conflicting consensus message");
          break;
      }
    }
  }

  private publish(topic: "proposals" | "votes" | "blocks" | "evidence", bytes: Uint8Array): void {
    void this.o.transport.publish(topic, bytes).catch((err: Error) => this.log.debug({ err: err.message, topic }, "publish failed"));
  }

  private publishBlock(c: Candidate, nonce?: number): void {
    if (c.compact) this.publish("blocks", encodeBlockGossip({ kind: "compact", compact: nonce === undefined ? c.compact : { ...c.compact, nonce } }));
    else this.publish("blocks", encodeBlockGossip({ kind: "proposal", bytes: c.bytes, nonce }));
  }

  /** prepareProposal from the mempool; the header as produceBlock builds it. */
  private async buildValue(height: number, round: number): Promise<void> {
    if (height !== this.height || !this.driver || !this.o.signer) return;
    const latest = this.node.latestBlock();
    const prevTime = latest?.header.time ?? this.node.genesisTime;
    const info = { chainId: this.node.chainId, height, time: Math.max(this.now(), prevTime + 1), proposer: this.o.signer.address, prevHash: toHex(latest?.hash ?? ZERO_HASH) };
    const p = this.app.params();
    const maxTxs = Math.min(p.maxBlockTxs, this.o.maxProposalTxs ?? DEFAULT_MAX_PROPOSAL_TXS);
    const localBefore = this.now() - (this.o.proposalTxMinAgeMs ?? 60);
    const candidates = this.pool.reap(Math.max(1, maxTxs - 1), Math.max(1024, p.maxBlockBytes - 256 * 1024), localBefore);
    const report = await this.reporter?.build(height, candidates).catch((err: Error) => {
      this.log.warn({ err: err.message }, "cannot build the consensus report");
      return undefined;
    });
    if (height !== this.height || !this.driver) return;
    const { txs, execution } = this.app.prepareProposal(info, report ? [...candidates, report] : candidates);
    const header: BlockHeader = {
      chainId: this.node.chainId,
      height,
      time: info.time,
      prevHash: latest?.hash ?? ZERO_HASH,
      txRoot: execution.txRoot,
      stateRoot: execution.stateRoot,
      resultsRoot: execution.resultsRoot,
      proposer: info.proposer,
    };
    const block: Block = { header, txs: txs.map((t) => t.bytes) };
    const hash = blockHash(header);
    const bytes = encodeBlock(block);
    this.candidates.set(toHex(hash), { block, bytes, execution, verdict: true, compact: this.compact.compactFor(block, txs, this.now()) });
    this.store.saveCandidate(height, hash, bytes);
    this.log.debug({ height, round, block: toHex(hash).slice(0, 12), txs: block.txs.length }, "proposing a new block");
    this.apply(this.driver.value(height, round, hash));
  }

  private validate(height: number, hashHex: string, proposer: string): void {
    if (!this.candidates.has(hashHex)) {
      // The block has not arrived yet: answered when it does (or the round times out).
      this.log.debug({ height, block: hashHex.slice(0, 12) }, "waiting for proposed block bytes");
      this.waitingValidate.set(hashHex, { height, proposer });
      return;
    }
    void this.node.serial(async () => {
      const c = this.candidates.get(hashHex);
      if (!c || height !== this.height || !this.driver) return;
      if (c.verdict === undefined) {
        const reason = this.headerProblem(c.block.header, proposer);
        if (reason) {
          c.verdict = false;
          this.log.warn({ height, reason }, "rejected proposal");
        } else {
          const r = await this.app.processProposal(c.block.header, c.block.txs);
          if (height !== this.height) return;
          c.verdict = r.accept;
          if (r.accept) c.execution = r.execution;
          else this.log.warn({ height, reason: r.reason }, "rejected proposal");
        }
      }
      const hash = blockHash(c.block.header);
      if (c.verdict) this.store.saveCandidate(height, hash, c.bytes);
      this.apply(this.driver.validated(height, hash, c.verdict));
    });
  }

  private headerProblem(h: BlockHeader, proposer: string): string | undefined {
    const latest = this.node.latestBlock();
    return proposalHeaderProblem(h, {
      chainId: this.node.chainId,
      height: this.node.height + 1,
      prevHash: latest?.hash ?? ZERO_HASH,
      prevTime: latest?.header.time ?? this.node.genesisTime,
      latestAllowedTime: this.now() + (this.o.maxFutureDriftMs ?? 5000),
      set: this.set,
      roundProposer: proposer,
    });
  }

  private decide(e: Extract<DriverEffect, { kind: "decide" }>): void {
    const hashHex = toHex(e.blockHash);
    if (!this.candidates.has(hashHex)) {
      // Decided without the bytes (e.g. after a crash): block gossip or sync brings them.
      this.waitingDecide = e;
      this.follower.noteAhead();
      return;
    }
    void this.node.serial(async () => {
      if (e.height !== this.node.height + 1) return; // sync got there first
      const c = this.candidates.get(hashHex)!;
      let execution = c.execution;
      if (!execution) {
        const r = await this.app.processProposal(c.block.header, c.block.txs);
        if (!r.accept) {
          // More than 2/3 committed a block this node cannot execute: continuing would fork.
          this.node.halt(`decided block ${hashHex} at height ${e.height} does not execute here: ${r.reason}`);
          return;
        }
        execution = r.execution;
      }
      this.follower.commit(c.block, execution, encodeCommit(e.certificate));
      this.afterCommit(false);
    });
  }

  /** Next height: after the block interval when we decided it, at once after a sync. */
  private afterCommit(immediate: boolean): void {
    for (const [k, c] of this.candidates) if (c.block.header.height <= this.node.height) this.candidates.delete(k);
    this.compact.prune();
    this.waitingValidate.clear();
    this.waitingDecide = undefined;
    const target = this.height;
    const wait = immediate ? 0 : Math.max(0, this.o.blockIntervalMs - (this.now() - this.heightStartedAt));
    const go = (): void => {
      if (this.stopped || !this.driver || target !== this.height || this.driver.core.height >= target) return;
      this.set = this.follower.setFor(target);
      this.heightStartedAt = this.now();
      for (const [k, e] of this.heard) if (e.height < target) this.heard.delete(k);
      this.apply(this.driver.startHeight(target, this.set));
    };
    if (wait === 0) go();
    else {
      const t = setTimeout(() => {
        this.timers.delete(t);
        go();
      }, wait);
      this.timers.add(t);
    }
  }

  private restartAfterSync(): void {
    if (this.driver && this.driver.core.height < this.height) this.afterCommit(true);
  }

  private regossip(): void {
    if (!this.driver || this.stopped) return;
    const height = this.driver.core.height;
    const own = this.driver.ownMessages().filter((m) => messageHeight(m) === height);
    // The proposal's block is re-sent only once the height has gone on for two re-gossip
    // periods (a peer that missed the first copy, or a round that failed), not on every tick;
    // the full bytes, for peers that could not rebuild the compact form, after a few more.
    const age = this.now() - this.heightStartedAt;
    const period = this.o.regossipMs ?? 500;
    // A height that is still young needs no help: everything was just sent once and gossipsub
    // relays it. Re-sending from the first tick cost every node a bundle of every vote twice a
    // second per validator, most of an idle devnet's traffic; heights that run long (a lost
    // message, a restarted peer, a slow block) still get the re-sends.
    if (age < 2 * period) return;
    for (const m of own) {
      if (m.kind !== "proposal") continue;
      const c = this.candidates.get(toHex(m.proposal.blockHash));
      if (!c) continue;
      this.publishBlock(c, this.bundleNonce++);
      const now = this.now();
      if (c.compact && age >= FULL_BLOCK_AFTER_PERIODS * period && now - (c.fullSentAt ?? 0) >= FULL_BLOCK_AFTER_PERIODS * period) {
        c.fullSentAt = now;
        this.publish("blocks", encodeBlockGossip({ kind: "proposal", bytes: c.bytes, nonce: this.bundleNonce++ }));
      }
    }
    // Newest first: what a peer most likely lacks is of the latest rounds.
    const heard = [...this.heard.values()].filter((e) => e.height === height).map((e) => e.bytes);
    const messages = [...own.map((m) => encodeMessage(m)), ...heard.reverse()].slice(0, MAX_BUNDLE_MESSAGES);
    if (messages.length) this.publish("blocks", encodeBlockGossip({ kind: "votes", nonce: this.bundleNonce++, height, messages }));
  }
}

/** The BFT engine as the node's block producer: what the composition root passes as NodeOptions.producer. */
export function bftProducer(o: EngineOptions): (ports: ConsensusPorts) => BftEngine {
  return (ports) => new BftEngine(ports, o);
}
