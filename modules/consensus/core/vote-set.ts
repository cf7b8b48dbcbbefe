import { bytesEqual } from "../../../runtime/crypto/hash.ts";
import { valueKey, type SignedVote, type ValueKey } from "../types.ts";
import type { Validator } from "../validator-set.ts";

export type AddResult = { readonly kind: "added" } | { readonly kind: "duplicate" } | { readonly kind: "conflict"; readonly first: SignedVote };

/** The votes of one (height, round, type): one per validator, with power and bands per value. */
export class VoteSet {
  private readonly byValidator = new Map<string, SignedVote>();
  private readonly power = new Map<ValueKey, bigint>();
  private readonly bands = new Map<ValueKey, Set<number>>();
  /** Power of all votes, whatever their value (the paper's "2f+1 ⟨…, ∗⟩"). */
  anyPower = 0n;

  /** The first vote of a validator counts; a different second one is equivocation. */
  add(sv: SignedVote, validator: Validator): AddResult {
    const prev = this.byValidator.get(validator.address);
    if (prev) {
      const a = prev.vote.blockHash;
      const b = sv.vote.blockHash;
      const same = a === null ? b === null : b !== null && bytesEqual(a, b);
      return same ? { kind: "duplicate" } : { kind: "conflict", first: prev };
    }
    this.byValidator.set(validator.address, sv);
    const k = valueKey(sv.vote.blockHash);
    this.power.set(k, (this.power.get(k) ?? 0n) + validator.power);
    let b = this.bands.get(k);
    if (!b) this.bands.set(k, (b = new Set()));
    b.add(validator.band);
    this.anyPower += validator.power;
    return { kind: "added" };
  }

  powerFor(k: ValueKey): bigint {
    return this.power.get(k) ?? 0n;
  }

  bandsFor(k: ValueKey): number {
    return this.bands.get(k)?.size ?? 0;
  }

  votesFor(k: ValueKey): SignedVote[] {
    return [...this.byValidator.values()].filter((v) => valueKey(v.vote.blockHash) === k);
  }

  get size(): number {
    return this.byValidator.size;
  }
}
