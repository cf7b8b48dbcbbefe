import { ConsensusError } from "./errors.ts";
import { valueKey, type SignedMessage } from "./types.ts";

/**
 * The last line of defence against double signing, independent of the state machine:
 * remembers what was signed at the current height per (round, kind) and refuses anything
 * that conflicts with it or lies below the highest height signed.
 */
export class SignGuard {
  private height = 0;
  private readonly signed = new Map<string, { value: string; message: SignedMessage }>();

  private static slot(height: number, round: number, kind: string): string {
    return `${height}/${round}/${kind}`;
  }

  /** "new": nothing signed here yet; "same": this exact value was signed (reuse it); throws on a conflict. */
  check(height: number, round: number, kind: "proposal" | "prevote" | "precommit", blockHash: Uint8Array | null): { kind: "new" } | { kind: "same"; message: SignedMessage } {
    if (height < this.height) {
      throw new ConsensusError("CONSENSUS_CONFLICTING_SIGNATURE", `refusing to sign at height ${height}: already signed at height ${this.height}`);
    }
    if (height > this.height) return { kind: "new" };
    const prev = this.signed.get(SignGuard.slot(height, round, kind));
    if (!prev) return { kind: "new" };
    if (prev.value !== valueKey(blockHash)) {
      throw new ConsensusError("CONSENSUS_CONFLICTING_SIGNATURE", `refusing to sign a ${kind} for ${valueKey(blockHash)} at ${height}/${round}: already signed ${prev.value}`, { height, round, kind });
    }
    return { kind: "same", message: prev.message };
  }

  record(m: SignedMessage): void {
    const [height, round, kind, hash] =
      m.kind === "proposal" ? [m.proposal.height, m.proposal.round, "proposal", m.proposal.blockHash] : [m.vote.height, m.vote.round, m.vote.type, m.vote.blockHash];
    if (height > this.height) {
      this.height = height;
      this.signed.clear();
    }
    if (height === this.height) this.signed.set(SignGuard.slot(height, round, kind), { value: valueKey(hash), message: m });
  }

  /** Messages signed at the current height (for re-gossip). */
  messages(): SignedMessage[] {
    return [...this.signed.values()].map((e) => e.message);
  }
}
