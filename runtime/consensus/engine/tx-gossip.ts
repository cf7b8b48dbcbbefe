import type { Prechecked } from "../../app/application.ts";
import { toHex } from "../../crypto/hash.ts";
import type { SigCheck } from "../../tx/sign.ts";
import type { ConsensusApplication, ConsensusPool } from "../ports.ts";
import { decodeTxBatch } from "./tx-batch.ts";
import { GenerationalMap } from "../../collections/generational-map.ts";
import type { Verdict } from "../../p2p/transport.ts";

/** Transactions of recent batches kept by hash for compact proposals (a few seconds at 2 000 tx/s per peer). */
const MAX_RECENT = 50_000;
/**
 * Signature checks per verifier call: a big batch is spread over the worker pool. One tick's
 * calls reach each worker as one message, so the chunk size sets only how a batch divides over
 * the workers: bench/verify-pool.ts (512 checks, 2 workers) measured the same main-thread cost
 * at 64, 128 and 512, and ~20 ms a batch at 64 or 128 against ~35 ms as one call (one worker).
 */
const VERIFY_CHUNK = 128;

interface Checked {
  readonly bytes: Uint8Array;
  readonly pre: Prechecked;
  readonly sigOk: readonly boolean[];
}

/**
 * Incoming transaction batches. The gossip validator does every check that does not depend
 * on state — decode, stateless checks, every signature — so a batch is relayed only when all
 * of it is valid, and one bad transaction rejects the batch and costs the peer that sent it.
 * The handler then admits each transaction without decoding or verifying it again.
 * Transactions already in the mempool are not verified again.
 */
export class TxBatchGossip {
  /** Validator results, keyed by the message bytes object the handler receives too. */
  private readonly checked = new WeakMap<Uint8Array, Checked[]>();
  /** Validations finish in arrival order, so a sender's nonces reach the mempool in order. */
  private order: Promise<unknown> = Promise.resolve();
  /**
   * Bytes of transactions heard in batches, by hash (hex), before their signatures are checked
   * and they are admitted: under load admission lags, and a compact proposal listing them can
   * still be rebuilt (each must hash to its slot; processProposal verifies it as any other).
   */
  private readonly recent = new GenerationalMap<string, Uint8Array>(MAX_RECENT / 2);

  /** A transaction heard in a recent batch, by hash (hex). */
  recentTx(hashHex: string): Uint8Array | undefined {
    return this.recent.get(hashHex);
  }

  private remember(hashHex: string, bytes: Uint8Array): void {
    this.recent.set(hashHex, bytes);
  }

  constructor(
    private readonly app: ConsensusApplication,
    private readonly pool: ConsensusPool,
  ) {}

  check(bytes: Uint8Array): Verdict | Promise<Verdict> {
    let txs: Uint8Array[];
    const fresh: { bytes: Uint8Array; pre: Prechecked }[] = [];
    try {
      txs = decodeTxBatch(bytes);
      for (const t of txs) {
        const pre = this.app.precheckTx(t);
        const hex = pre.decoded.hashHex;
        if (this.pool.has(hex)) continue;
        this.remember(hex, t);
        fresh.push({ bytes: t, pre });
      }
    } catch {
      return "reject";
    }
    const verifier = this.app.signatureVerifier;
    const chunks: Promise<boolean[]>[] = [];
    let checks: SigCheck[] = [];
    for (const f of fresh) {
      checks.push(...f.pre.checks);
      if (checks.length >= VERIFY_CHUNK) {
        chunks.push(verifier.verify(checks));
        checks = [];
      }
    }
    if (checks.length) chunks.push(verifier.verify(checks));
    const verified = Promise.all(chunks).then((r) => r.flat());
    const turn = this.order.then(() => verified);
    this.order = turn.catch(() => undefined);
    return turn.then(
      (ok) => {
        if (ok.includes(false)) return "reject";
        let i = 0;
        this.checked.set(
          bytes,
          fresh.map((f) => {
            const sigOk = ok.slice(i, i + f.pre.checks.length);
            i += f.pre.checks.length;
            return { bytes: f.bytes, pre: f.pre, sigOk };
          }),
        );
        return "accept";
      },
      () => "ignore",
    );
  }

  /** Admit the batch's transactions; those known or invalid against state are dropped quietly. */
  handle(bytes: Uint8Array): void {
    const checked = this.checked.get(bytes);
    this.checked.delete(bytes);
    if (checked) {
      void this.pool.admitCheckedBatch(checked).catch(() => undefined);
      return;
    }
    // Delivered without our validator's results (a transport that copies bytes): check fully.
    let txs: Uint8Array[];
    try {
      txs = decodeTxBatch(bytes);
    } catch {
      return;
    }
    for (const t of txs) void this.pool.submitPeerTx(t).catch(() => undefined);
  }
}
