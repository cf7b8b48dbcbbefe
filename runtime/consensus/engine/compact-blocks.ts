import { blockHash, type Block } from "../../app/block.ts";
import { sha256, toHex } from "../../crypto/hash.ts";
import type { DecodedTx } from "../../tx/envelope.ts";
import type { ConsensusApplication, ConsensusLogger, ConsensusPool } from "../ports.ts";
import { equal, type CompactProposal } from "./compact-proposal.ts";
import { MAX_FETCH_HASHES, type NodeTransport, type TxSource } from "../../p2p/transport.ts";

export interface CompactStats {
  /** Compact proposals this node started rebuilding. */
  received: number;
  /** Rebuilt from the mempool alone. */
  rebuiltLocally: number;
  /** Rebuilt after fetching some transactions from peers. */
  rebuiltWithFetch: number;
  txsFetched: number;
  /** Could not get every transaction: the block waits for the full bytes or the round times out. */
  failed: number;
  /** Fetched transactions whose bytes did not match their hash (the peer was penalised). */
  wrongBytes: number;
}

/** Compact proposals rebuilt at once: honest proposers send one per round; more wait for a re-send. */
const MAX_REBUILDING = 4;
/** Transactions fetched or received prefilled at the current height, served to others: bounded. */
const MAX_EXTRA = 50_000;

/**
 * Compact proposals (compact-proposal.ts) on the node's side: builds the proposer's form,
 * rebuilds a peer's block from the mempool and the application's verified transactions, and
 * fetches what is missing from peers by hash, first from the peer that sent the proposal.
 * Failing to rebuild only costs time: the full block bytes, re-sent by the proposer, or the
 * propose timeout (a nil prevote) take over.
 */
export class CompactBlocks implements TxSource {
  readonly stats: CompactStats = { received: 0, rebuiltLocally: 0, rebuiltWithFetch: 0, txsFetched: 0, failed: 0, wrongBytes: 0 };
  private readonly rebuilding = new Set<string>();
  private extra = new Map<string, Uint8Array>();

  constructor(
    private readonly app: ConsensusApplication,
    private readonly pool: ConsensusPool,
    private readonly log: ConsensusLogger,
    private readonly transport: NodeTransport,
    private readonly fetchTimeoutMs: number,
    private readonly prefillLocalMs: number,
    /** Transactions heard but not (yet) admitted: the txbatch validator's recent ones. */
    private readonly heard: (hashHex: string) => Uint8Array | undefined = () => undefined,
  ) {}

  /**
   * Our proposal: every transaction by hash, in full only those peers cannot hold (not in our
   * mempool: the consensus report) or may not hold yet: our own clients' transactions admitted
   * less than `prefillLocalMs` before `now` (under load a peer validates our batches late, and a
   * fetch round trip costs more than sending them once more).
   */
  compactFor(block: Block, txs: readonly DecodedTx[], now: number): CompactProposal {
    const prefilled: { index: number; tx: Uint8Array }[] = [];
    const mempool = this.pool;
    const hashes = txs.map((t, index) => {
      const hex = t.hashHex;
      const localAt = mempool.localAt(hex);
      if (!mempool.has(hex) || (localAt !== undefined && now - localAt < this.prefillLocalMs)) {
        prefilled.push({ index, tx: t.bytes });
        this.remember(hex, t.bytes);
      }
      return t.hash;
    });
    return { header: block.header, hashes, prefilled };
  }

  /** TxSource: what peers rebuilding a proposal may ask us for. */
  tx(hash: Uint8Array): Uint8Array | undefined {
    return this.lookup(toHex(hash));
  }

  private lookup(hex: string): Uint8Array | undefined {
    return this.pool.get(hex) ?? this.app.knownTx(hex)?.bytes ?? this.extra.get(hex) ?? this.heard(hex);
  }

  private remember(hex: string, bytes: Uint8Array): void {
    if (this.extra.size >= MAX_EXTRA) this.extra.delete(this.extra.keys().next().value!);
    this.extra.set(hex, bytes);
  }

  /** A new height: transactions of older proposals are committed or in the mempool again. */
  prune(): void {
    this.extra = new Map();
  }

  /** No room for another rebuild now (gossip validation ignores new compact proposals). */
  get busy(): boolean {
    return this.rebuilding.size >= MAX_REBUILDING;
  }

  isRebuilding(hashHex: string): boolean {
    return this.rebuilding.has(hashHex);
  }

  /** The block of a validated compact proposal, or undefined when some transaction could not be had. */
  async rebuild(c: CompactProposal, from: string): Promise<Block | undefined> {
    const key = toHex(blockHash(c.header));
    if (this.rebuilding.has(key)) return undefined;
    this.rebuilding.add(key);
    try {
      this.stats.received++;
      const txs: (Uint8Array | undefined)[] = new Array(c.hashes.length);
      for (const p of c.prefilled) {
        txs[p.index] = p.tx;
        this.remember(toHex(c.hashes[p.index]!), p.tx);
      }
      let missing: number[] = [];
      for (let i = 0; i < txs.length; i++) {
        if (txs[i]) continue;
        const t = this.lookup(toHex(c.hashes[i]!));
        if (t) txs[i] = t;
        else missing.push(i);
      }
      if (missing.length === 0) {
        this.stats.rebuiltLocally++;
        return { header: c.header, txs: txs as Uint8Array[] };
      }
      const fetching = missing.length;
      const others = (this.transport.peers?.() ?? []).filter((p) => p !== from && p !== this.transport.id);
      for (const peer of [from, ...others]) {
        if (missing.length === 0) break;
        missing = await this.fetchFrom(peer, c.hashes, txs, missing);
      }
      if (missing.length) {
        this.stats.failed++;
        this.log.warn({ height: c.header.height, block: key.slice(0, 12), missing: missing.length, of: c.hashes.length }, "compact proposal: transactions unavailable; waiting for the full block");
        return undefined;
      }
      this.stats.rebuiltWithFetch++;
      this.log.warn({ height: c.header.height, block: key.slice(0, 12), fetched: fetching, of: c.hashes.length }, "compact proposal rebuilt with fetched transactions");
      return { header: c.header, txs: txs as Uint8Array[] };
    } finally {
      this.rebuilding.delete(key);
    }
  }

  /** Ask one peer for the missing slots; returns the slots still missing. A peer that lies is penalised and not asked further. */
  private async fetchFrom(peer: string, hashes: readonly Uint8Array[], txs: (Uint8Array | undefined)[], missing: readonly number[]): Promise<number[]> {
    if (!this.transport.fetchTxs) return [...missing];
    const still: number[] = [];
    for (let at = 0; at < missing.length; at += MAX_FETCH_HASHES) {
      const chunk = missing.slice(at, at + MAX_FETCH_HASHES);
      let answers: (Uint8Array | undefined)[];
      try {
        answers = await this.transport.fetchTxs(peer, chunk.map((i) => hashes[i]!), this.fetchTimeoutMs);
      } catch (e) {
        // Unreachable, slow or malformed (the transport penalised the latter): another peer gets the rest.
        this.log.debug({ peer, err: (e as Error).message }, "compact proposal: tx fetch failed");
        return [...still, ...missing.slice(at)];
      }
      for (const [k, i] of chunk.entries()) {
        const a = answers[k];
        if (!a) {
          still.push(i);
          continue;
        }
        if (!equal(sha256(a), hashes[i]!)) {
          this.stats.wrongBytes++;
          this.transport.penalize?.(peer, `tx fetch: bytes do not match hash ${toHex(hashes[i]!).slice(0, 16)}`, "lie");
          return [...still, ...chunk.slice(k).filter((j) => !txs[j]), ...missing.slice(at + MAX_FETCH_HASHES)];
        }
        txs[i] = a;
        this.remember(toHex(hashes[i]!), a);
        this.stats.txsFetched++;
      }
    }
    return still;
  }
}
