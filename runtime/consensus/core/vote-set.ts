import { valueKey, type SignedVote, type ValueKey } from "../types.ts";
import type { Validator } from "../validator-set.ts";

export type AddResult =
  | { readonly kind: "added"; readonly conflict?: SignedVote }
  | { readonly kind: "duplicate" }
  /** A conflicting vote not counted (its value has no other support yet); still equivocation. */
  | { readonly kind: "ignored"; readonly conflict: SignedVote };

/**
 * The votes of one (height, round, type), with power and bands per value. As in the paper's
 * message log, an equivocating validator's votes count for each value it voted for (honest
 * nodes would otherwise see different quorums and could stall); to bound memory a second
 * value from one validator is kept only if that value already has support (`relevant`).
 */
export class VoteSet {
  private readonly byValidator = new Map<string, Map<ValueKey, SignedVote>>();
  private readonly power = new Map<ValueKey, bigint>();
  private readonly bands = new Map<ValueKey, Map<number, number>>();
  /** Power of distinct validators with any vote here (the paper's "2f+1 ⟨…, ∗⟩"). */
  anyPower = 0n;

  add(sv: SignedVote, validator: Validator, relevant: (k: ValueKey) => boolean): AddResult {
    const k = valueKey(sv.vote.blockHash);
    let mine = this.byValidator.get(validator.address);
    let conflict: SignedVote | undefined;
    if (mine) {
      if (mine.has(k)) return { kind: "duplicate" };
      conflict = mine.values().next().value!;
      if (this.powerFor(k) === 0n && !relevant(k)) return { kind: "ignored", conflict };
    } else {
      this.byValidator.set(validator.address, (mine = new Map()));
      this.anyPower += validator.power;
    }
    mine.set(k, sv);
    this.power.set(k, this.powerFor(k) + validator.power);
    let b = this.bands.get(k);
    if (!b) this.bands.set(k, (b = new Map()));
    b.set(validator.band, (b.get(validator.band) ?? 0) + 1);
    return conflict ? { kind: "added", conflict } : { kind: "added" };
  }

  powerFor(k: ValueKey): bigint {
    return this.power.get(k) ?? 0n;
  }

  bandsFor(k: ValueKey): number {
    return this.bands.get(k)?.size ?? 0;
  }

  votesFor(k: ValueKey): SignedVote[] {
    const out: SignedVote[] = [];
    for (const m of this.byValidator.values()) {
      const v = m.get(k);
      if (v) out.push(v);
    }
    return out;
  }

  /** Number of validators with a vote here. */
  get size(): number {
    return this.byValidator.size;
  }
}
