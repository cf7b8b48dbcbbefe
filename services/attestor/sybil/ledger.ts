import { epochShare } from "../../../modules/bhls/categories.ts";

/**
 * The bhls keeper's registration and claim rules (modules/bhls/keeper/citizens.ts, claims.ts)
 * in memory, with the same checks in the same order and the same codes; the pro-rata share is
 * the module's own epochShare. Driving the real keeper would cost a signed transaction per
 * claim (hundreds of thousands per run) and cannot switch one-phone-one-citizen off, so the
 * simulation uses this copy; ledger.test.ts runs one sequence through both and compares.
 * Times are unix seconds, as the keeper compares them.
 */
export type RegisterCode = "OK" | "BHLS_ATTESTATION_EXPIRED" | "BHLS_PHONE_HASH_IN_USE" | "BHLS_ALREADY_CITIZEN" | "BHLS_ALREADY_REGISTERED" | "BHLS_STALE_ATTESTATION";
export type ClaimCode = "OK" | "BHLS_NOT_CITIZEN" | "BHLS_CITIZEN_EXPIRED" | "BHLS_ALREADY_CLAIMED" | "BHLS_NOT_YET_ELIGIBLE" | "BHLS_RESERVE_EXHAUSTED";

export interface LedgerAttestation {
  readonly citizen: string;
  readonly phoneHash: string;
  readonly expiresAt: number;
}

interface Citizen {
  phoneHash: string;
  expiresAt: number;
  lastClaimEpoch: number;
  /** Registration number (kept on re-attestation). */
  seq: number;
}

export class FloorLedger {
  private readonly citizens = new Map<string, Citizen>();
  private readonly phones = new Map<string, string>();
  private readonly shares = new Map<number, { share: bigint; nextSeq: number }>();
  private nextSeq = 0;
  /** Everything that left the reserve. */
  paidOut = 0n;

  constructor(
    public reserve: bigint,
    readonly monthlyAmount: bigint,
    /** false: the phone-hash check is skipped (the "one-phone-one-citizen off" scenario). */
    readonly onePhoneOneCitizen = true,
  ) {}

  /** Registered citizens, expired ones included: the pro-rata denominator, as on chain. */
  get citizenCount(): number {
    return this.citizens.size;
  }

  /** Economy's epoch transition tops up the floor reserve. */
  topUp(amount: bigint): void {
    this.reserve += amount;
  }

  register(a: LedgerAttestation, now: number): RegisterCode {
    if (a.expiresAt <= now) return "BHLS_ATTESTATION_EXPIRED";
    const owner = this.phones.get(a.phoneHash);
    if (this.onePhoneOneCitizen && owner !== undefined && owner !== a.citizen) return "BHLS_PHONE_HASH_IN_USE";
    const prev = this.citizens.get(a.citizen);
    if (prev && prev.phoneHash !== a.phoneHash) return "BHLS_ALREADY_CITIZEN";
    if (prev) {
      // One attestor in this model, so "same attestor and expiry" is "same expiry".
      if (prev.expiresAt === a.expiresAt) return "BHLS_ALREADY_REGISTERED";
      if (a.expiresAt <= prev.expiresAt) return "BHLS_STALE_ATTESTATION";
      prev.expiresAt = a.expiresAt;
      return "OK";
    }
    this.citizens.set(a.citizen, { phoneHash: a.phoneHash, expiresAt: a.expiresAt, lastClaimEpoch: 0, seq: this.nextSeq++ });
    if (owner === undefined) this.phones.set(a.phoneHash, a.citizen);
    return "OK";
  }

  /** The claim rule: the epoch's first paid claim fixes min(monthlyAmount, reserve / citizens); never more than the reserve holds. */
  claim(citizen: string, epoch: number, now: number): { code: ClaimCode; amount: bigint } {
    const c = this.citizens.get(citizen);
    if (!c) return { code: "BHLS_NOT_CITIZEN", amount: 0n };
    if (c.expiresAt <= now) return { code: "BHLS_CITIZEN_EXPIRED", amount: 0n };
    if (c.lastClaimEpoch >= epoch) return { code: "BHLS_ALREADY_CLAIMED", amount: 0n };
    const stored = this.shares.get(epoch);
    const fixed = stored ?? { share: epochShare(this.monthlyAmount, this.reserve, BigInt(this.citizens.size)), nextSeq: this.nextSeq };
    // Registered after the share was fixed: not counted in it, so it waits for the next epoch.
    if (c.seq >= fixed.nextSeq) return { code: "BHLS_NOT_YET_ELIGIBLE", amount: 0n };
    const share = fixed.share;
    // On chain a refused claim reverts, so a share of 0 is never stored.
    if (share === 0n || this.reserve < share) return { code: "BHLS_RESERVE_EXHAUSTED", amount: 0n };
    if (!stored) this.shares.set(epoch, fixed);
    this.reserve -= share;
    this.paidOut += share;
    c.lastClaimEpoch = epoch;
    return { code: "OK", amount: share };
  }

  /** The share fixed for `epoch`, if any. */
  shareOf(epoch: number): bigint | undefined {
    return this.shares.get(epoch)?.share;
  }
}
