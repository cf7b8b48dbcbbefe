import { decodeCommit, encodeEvidence, type DuplicateVoteEvidence } from "../index.ts";
import { Band } from "../../tx/bands.ts";
import type { DecodedTx } from "../../tx/envelope.ts";
import { signTx, type Signer } from "../../tx/sign.ts";
import { toHex } from "../../crypto/hash.ts";
import type { ConsensusPorts } from "../ports.ts";
import { ConsensusQueries, ConsensusTypeUrls } from "../chain-contract.ts";

const MAX_PENDING_EVIDENCE = 100;
/** Most a report may cost its proposer: far above the fee of a certificate of 1000 signatures. */
const REPORT_FEE_LIMIT = 100_000_000n;

/**
 * Builds the proposer's consensus transaction: the previous block's commit certificate
 * (liveness accounting) and pending duplicate-vote evidence, signed by the validator's
 * operator key. It expires after the block it was built for.
 */
export class ConsensusReporter {
  private readonly evidence = new Map<string, DuplicateVoteEvidence>();

  constructor(
    private readonly p: Pick<ConsensusPorts, "app" | "store" | "host">,
    private readonly key: Signer & { address: string },
  ) {}

  get pendingEvidence(): number {
    return this.evidence.size;
  }

  addEvidence(ev: DuplicateVoteEvidence): void {
    const k = toHex(encodeEvidence(ev));
    if (this.evidence.size < MAX_PENDING_EVIDENCE) this.evidence.set(k, ev);
  }

  private tombstoned(operator: string): boolean {
    try {
      const v = this.p.app.query(ConsensusQueries.Punished, { validator: operator }) as { punished?: boolean } | null;
      return v?.punished === true;
    } catch {
      return false;
    }
  }

  /** The report for a block at `height`, placed after `candidates` (nonce follows the reporter's own). */
  async build(height: number, candidates: readonly DecodedTx[]): Promise<DecodedTx | undefined> {
    const msgs: { typeUrl: string; value: Record<string, unknown> }[] = [];
    const commit = height >= 2 ? this.p.store.commit(height - 1) : undefined;
    if (commit) {
      const c = decodeCommit(commit);
      msgs.push({
        typeUrl: ConsensusTypeUrls.ReportCommit,
        value: { reporter: this.key.address, height: c.height, round: c.round, blockHash: toHex(c.blockHash), signatures: c.signatures.map((s) => ({ validator: s.validator, signature: toHex(s.signature) })) },
      });
    }
    for (const [k, ev] of this.evidence) {
      // Once the offender is tombstoned the evidence has done its work.
      if (this.tombstoned(ev.voteA.vote.validator)) this.evidence.delete(k);
      else if (ev.voteA.vote.height < height) msgs.push({ typeUrl: ConsensusTypeUrls.SubmitEvidence, value: { reporter: this.key.address, evidence: k } });
    }
    if (msgs.length === 0) return undefined;
    let nonce = this.p.app.nonce(this.key.address);
    for (const t of candidates) if (t.tx.body.sender === this.key.address && t.tx.body.nonce >= nonce) nonce = t.tx.body.nonce + 1n;
    const d = signTx(
      { chainId: this.p.host.chainId, sender: this.key.address, nonce, band: Band.NANO, feeLimit: REPORT_FEE_LIMIT, tip: 0n, timeoutHeight: height, memo: "", msgs },
      [this.key],
    );
    await this.p.app.verifyUnchecked([d]);
    return d;
  }
}
