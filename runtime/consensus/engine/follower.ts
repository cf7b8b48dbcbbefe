import { decodeCommit, verifyCommit, voteSignBytes, type CommitCertificate, type ValidatorSet } from "../index.ts";
import { ed25519 } from "../../crypto/ed25519.ts";
import { decodeTx, type DecodedTx } from "../../tx/envelope.ts";
import type { SigCheck } from "../../tx/sign.ts";
import type { Execution } from "../../app/application.ts";
import { blockHash, decodeBlock, type Block } from "../../app/block.ts";
import { fromHex, toHex } from "../../crypto/hash.ts";
import type { ConsensusPorts } from "../ports.ts";
import type { BlockSource, NodeTransport, SyncHooks, SyncedBlock, SyncVerdict } from "../../p2p/transport.ts";
import { decodeValidatorSetRecord, encodeValidatorSet, followingSet, genesisValidatorSet, type ValidatorSetRecord } from "./valset.ts";
import { ConsensusErrors } from "../errors.ts";

export class ConsensusNodeError extends ConsensusErrors<"CONSENSUS_NO_VALIDATORS" | "CONSENSUS_NO_VALIDATOR_SET" | "CONSENSUS_OLD_VALIDATOR_SET"> {}

/**
 * Committed-chain bookkeeping of a BFT node: validator sets per height (from the
 * application's validator updates, persisted with each block; valset.ts), committing a block with its certificate, and block
 * sync: blocks from peers are accepted only with a commit that verifies against the set this
 * node computed itself, and only if they execute to the header's roots.
 */
/** How often a long block sync logs its progress. */
const SYNC_PROGRESS_MS = 3000;

/** Fetched blocks prepared ahead of applying (bounded: the sync window is 4 × 100 blocks). */
const MAX_PREFETCHED = 1000;

/** A verified (publicKey, message, signature) triple's identity. */
function sigKey(k: Uint8Array, m: Uint8Array, s: Uint8Array): string {
  return `${toHex(k)}/${toHex(m)}/${toHex(s)}`;
}

interface Prefetched {
  readonly bytes: Uint8Array;
  readonly commit: Uint8Array;
  readonly block: Block;
  readonly cert: CommitCertificate;
  readonly hash: Uint8Array;
  /** Commit signature answers from the worker pool; resolves once the block's transaction signatures are checked too. */
  readonly ready: Promise<Map<string, boolean>>;
}

export class ChainFollower {
  private running: Promise<void> | undefined;
  private readonly ahead = new Map<number, Prefetched>();
  private aheadTimer: NodeJS.Timeout | undefined;
  private checking = false;
  syncedBlocks = 0;

  private readonly node: ConsensusPorts["host"];
  private readonly p: ConsensusPorts;

  constructor(
    ports: ConsensusPorts,
    private readonly transport: NodeTransport,
    private readonly onSynced: () => void,
  ) {
    this.p = ports;
    this.node = ports.host;
  }

  /** The set of height 1 from the application's InitChain validator updates, stored once. */
  ensureInitialSet(): void {
    if (this.p.store.validatorSet(1)) return;
    const updates = this.node.genesisValidatorUpdates().filter((u) => u.power > 0n);
    if (updates.length === 0) throw new ConsensusNodeError("CONSENSUS_NO_VALIDATORS", "genesis has no validators: a BFT chain needs staking.validators in genesis.json (see docs/devnet.md)");
    this.p.store.writeInitialValidatorSet(1, encodeValidatorSet(genesisValidatorSet(updates)));
  }

  private recordFor(height: number): ValidatorSetRecord & { hasPending: boolean } {
    const bytes = this.p.store.validatorSet(height);
    if (!bytes) throw new ConsensusNodeError("CONSENSUS_NO_VALIDATOR_SET", `no validator set stored for height ${height}`);
    return decodeValidatorSetRecord(bytes);
  }

  setFor(height: number): ValidatorSet {
    return this.recordFor(height).set;
  }

  /**
   * Commit block h with its certificate and the set of h+1 in one transaction: the set of h
   * with the updates of block h-1 applied (H+2), carrying block h's updates for h+2.
   */
  commit(block: Block, execution: Execution, commit: Uint8Array, synced = false): void {
    const h = block.header.height;
    this.rememberPrecommits(h, blockHash(block.header), commit);
    const record = this.recordFor(h);
    if (!record.hasPending) {
      throw new ConsensusNodeError("CONSENSUS_OLD_VALIDATOR_SET", `the validator set of height ${h} was stored by an older NexusOS without its pending updates; remove the data directory and resync`);
    }
    const next = followingSet(record);
    this.node.commitBlock(block, execution.receipts.map((r) => fromHex(r.txHash)), execution, { commit, nextValidatorSet: encodeValidatorSet(next, execution.validatorUpdates) }, { synced });
  }

  /**
   * The certificate's precommits were verified (by verifyCommit on sync, as votes in
   * consensus): the next block's report of this commit need not verify them again.
   */
  private rememberPrecommits(h: number, hash: Uint8Array, commit: Uint8Array): void {
    const cert = decodeCommit(commit);
    const set = this.setFor(h);
    for (const s of cert.signatures) {
      const v = set.get(s.validator);
      if (v) this.p.app.rememberVerified(v.publicKey, voteSignBytes(this.node.chainId, { type: "precommit", height: h, round: cert.round, blockHash: hash, validator: s.validator }), s.signature);
    }
  }

  blockSource(): BlockSource {
    const store = this.p.store;
    return {
      height: () => this.node.height,
      block: (h) => {
        const block = store.blockBytes(h);
        const commit = store.commit(h);
        return block && commit ? { block, commit } : undefined;
      },
      latestHash: () => this.node.latestBlock()?.hash ?? new Uint8Array(32),
    };
  }

  hooks(): SyncHooks {
    return {
      localHeight: () => this.node.height,
      verifyAndApply: (b) => this.node.serial(() => this.verifyAndApply(b)),
      prefetch: (blocks) => this.prefetch(blocks),
    };
  }

  /**
   * Work on fetched blocks that does not need their predecessors: decode them, and verify the
   * signatures of their transactions (Application.verifyUnchecked remembers the good ones)
   * and of their commits on the worker pool, while earlier blocks execute. Commit signatures
   * are checked against the latest set this node has: if the set changes on the way, those
   * answers are simply not used and verifyCommit checks in this thread.
   */
  private prefetch(blocks: readonly SyncedBlock[]): void {
    if (this.ahead.size > MAX_PREFETCHED) return;
    const set = this.setFor(this.node.height + 1);
    const verifier = this.p.app.signatureVerifier;
    for (const b of blocks) {
      if (b.height <= this.node.height || this.ahead.has(b.height)) continue;
      let block: Block;
      let cert: CommitCertificate;
      try {
        block = decodeBlock(b.block);
        cert = decodeCommit(b.commit);
      } catch {
        continue; // verifyAndApply reports it
      }
      const hash = blockHash(block.header);
      const checks: SigCheck[] = [];
      for (const s of cert.signatures) {
        const v = set.get(s.validator);
        if (!v) continue;
        const message = voteSignBytes(this.node.chainId, { type: "precommit", height: b.height, round: cert.round, blockHash: hash, validator: s.validator });
        checks.push({ scheme: ed25519.id, publicKey: v.publicKey, message, signature: s.signature });
      }
      const commitSigs = verifier.verify(checks).then(
        (ok) => new Map(checks.map((c, i) => [sigKey(c.publicKey, c.message, c.signature), ok[i]!])),
        () => new Map<string, boolean>(),
      );
      let txs: DecodedTx[] | undefined;
      try {
        txs = block.txs.map((t) => decodeTx(t));
      } catch {
        txs = undefined; // processProposal rejects it
      }
      const txSigs = txs ? this.p.app.verifyUnchecked(txs).catch(() => undefined) : Promise.resolve();
      this.ahead.set(b.height, { bytes: b.block, commit: b.commit, block, cert, hash, ready: Promise.all([commitSigs, txSigs]).then(([m]) => m) });
    }
  }

  private async verifyAndApply(b: SyncedBlock): Promise<SyncVerdict> {
    const h = this.node.height + 1;
    const pre = this.ahead.get(b.height);
    this.ahead.delete(b.height);
    for (const k of this.ahead.keys()) if (k < h) this.ahead.delete(k);
    if (b.height < h) return { ok: true }; // committed meanwhile by consensus
    if (b.height !== h) return { ok: false, reason: `block ${b.height} out of order, expected ${h}` };
    let block: Block;
    let cert: ReturnType<typeof decodeCommit>;
    let verifySig: ((k: Uint8Array, m: Uint8Array, s: Uint8Array) => boolean) | undefined;
    // Only when the prefetched entry is of these very bytes (another peer may serve this height).
    if (pre && pre.bytes === b.block && pre.commit === b.commit) {
      const checked = await pre.ready;
      ({ block, cert } = pre);
      verifySig = (k, m, s): boolean => checked.get(sigKey(k, m, s)) ?? ed25519.verify(k, m, s);
    } else {
      try {
        block = decodeBlock(b.block);
        cert = decodeCommit(b.commit);
      } catch (e) {
        return { ok: false, reason: `undecodable: ${(e as Error).message}` };
      }
    }
    const header = block.header;
    const hash = blockHash(header);
    if (header.height !== h || header.chainId !== this.node.chainId) return { ok: false, reason: "wrong height or chain" };
    const prev = this.node.latestBlock()?.hash ?? new Uint8Array(32);
    if (toHex(header.prevHash) !== toHex(prev)) return { ok: false, reason: "prevHash does not extend our chain" };
    const v = verifyCommit(this.node.chainId, this.setFor(h), h, hash, cert, verifySig);
    if (!v.ok) return { ok: false, reason: `${v.code}: ${v.reason}` };
    const r = await this.p.app.processProposal(header, block.txs);
    if (this.node.height + 1 !== h) return { ok: true };
    // A certified block that does not execute here means this binary disagrees with >2/3 of the network.
    if (!r.accept) {
      this.node.halt(`certified block ${h} does not execute here: ${r.reason}`);
      return { ok: false, reason: r.reason };
    }
    this.commit(block, r.execution, b.commit, true);
    this.syncedBlocks++;
    return { ok: true };
  }

  /** One sync run to the best peer's height; concurrent calls share it. */
  syncOnce(): Promise<void> {
    this.running ??= (async () => {
      try {
        const before = this.node.height;
        const t0 = performance.now();
        // Progress every few seconds while catching up a long way.
        let last = { height: before, at: t0 };
        const progress = setInterval(() => {
          const now = performance.now();
          const h = this.node.height;
          if (h > last.height) this.node.logger.info({ height: h, blocksPerSecond: Math.round(((h - last.height) * 1000) / (now - last.at)) }, "block sync progress");
          last = { height: h, at: now };
        }, SYNC_PROGRESS_MS);
        let r: Awaited<ReturnType<NodeTransport["syncTo"]>>;
        try {
          r = await this.transport.syncTo(this.hooks());
        } finally {
          clearInterval(progress);
        }
        const ms = Math.round(performance.now() - t0);
        if (r.height > before) this.node.logger.info({ from: before, to: r.height, applied: r.applied, ms, blocksPerSecond: Math.round((r.applied * 1000) / Math.max(1, ms)) }, "block sync");
      } finally {
        this.running = undefined;
      }
      this.onSynced();
    })();
    return this.running;
  }

  async syncIfBehind(): Promise<void> {
    // One status round at a time: a slow peer must not stack up checks.
    if (this.running || this.checking) return;
    this.checking = true;
    try {
      const best = await this.transport.bestPeerHeight();
      if (best > this.node.height) await this.syncOnce();
    } catch (e) {
      this.node.logger.debug({ err: (e as Error).message }, "sync check failed");
    } finally {
      this.checking = false;
    }
  }

  /** Messages from heights above ours: check soon whether peers have blocks we lack. */
  noteAhead(): void {
    if (this.aheadTimer) return;
    this.aheadTimer = setTimeout(() => {
      this.aheadTimer = undefined;
      void this.syncIfBehind();
    }, 50);
  }

  async applyAnnounced(block: Uint8Array, commit: Uint8Array): Promise<void> {
    let height: number;
    try {
      height = decodeBlock(block).header.height;
    } catch {
      return;
    }
    const v = await this.hooks().verifyAndApply({ height, block, commit, peer: "gossip" });
    if (v.ok && this.node.height >= height) this.onSynced();
  }

  async idle(): Promise<void> {
    if (this.aheadTimer) clearTimeout(this.aheadTimer);
    await this.running?.catch(() => undefined);
  }
}
