import type { Ctx } from "../../../runtime/modules/types.ts";
import type { Page } from "../../../runtime/state/collections/index.ts";
import { moduleAddress } from "../../../runtime/crypto/address.ts";
import { BHLS_BRIDGE_ESCROW, BHLS_FLOOR_RESERVE } from "../accounts.ts";
import { epochShare, splitCategories } from "../categories.ts";
import { BhlsError } from "../errors.ts";
import { BhlsEvents } from "../events.ts";
import type { BankForBhls, EpochSource } from "../expected-keepers.ts";
import * as K from "../keys.ts";
import { NXT_DENOM, type BhlsParams } from "../params.ts";
import type { BridgeClaim, Citizen, EpochShare } from "../records.ts";
import { nowSeconds, type CitizenKeeper } from "./citizens.ts";

export interface ClaimDestination {
  readonly chain: string;
  readonly address: string;
}

/** What a claim that passes every check writes from (ClaimKeeper.plan). */
export interface ClaimPlan {
  readonly citizen: Citizen;
  readonly epoch: number;
  readonly fixed: EpochShare;
  /** The first claim of the epoch: it stores the share. */
  readonly fixesShare: boolean;
  readonly share: bigint;
}

export interface ClaimResult {
  readonly epoch: number;
  readonly amount: bigint;
  /** The pending delivery's id for a bridged destination. */
  readonly bridgeClaimId?: number;
}

const FLOOR = moduleAddress(BHLS_FLOOR_RESERVE);
const ESCROW = moduleAddress(BHLS_BRIDGE_ESCROW);

/**
 * Pulled claims: one per citizen per epoch, each paying the epoch's share. The first claim of
 * an epoch fixes the share (pro-rata rule, categories.ts) from two reads (the reserve and the
 * citizen counter): no block hook, no walk, whatever the number of citizens.
 */
export class ClaimKeeper {
  constructor(
    private readonly bank: BankForBhls,
    private readonly epochs: EpochSource,
    private readonly citizens: CitizenKeeper,
  ) {}

  reserve(ctx: Ctx): bigint {
    return this.bank.balance(ctx, FLOOR, NXT_DENOM);
  }

  escrowed(ctx: Ctx): bigint {
    return K.BridgeTotal.get(ctx) ?? 0n;
  }

  /**
   * Every refusal of a claim, without a write: the one-time check of a nonce-free claim
   * (MsgDef.oneTime) runs exactly this, so a claim it lets through is paid. Returns what the
   * claim writes from.
   */
  plan(ctx: Ctx, params: BhlsParams, address: string, destination?: ClaimDestination, forEpoch?: number): ClaimPlan {
    const c = K.Citizens.get(ctx, address);
    if (!c) throw new BhlsError("BHLS_NOT_CITIZEN", `${address} is not a citizen`, { citizen: address });
    const now = nowSeconds(ctx);
    if (c.expiresAt <= now) throw new BhlsError("BHLS_CITIZEN_EXPIRED", `${address}'s attestation expired at ${c.expiresAt}: re-attest to claim`, { citizen: address, expiresAt: c.expiresAt });
    const { epoch } = this.epochs.currentEpoch(ctx);
    if (forEpoch !== undefined && forEpoch !== epoch) {
      throw new BhlsError("BHLS_WRONG_EPOCH", `the claim is for epoch ${forEpoch}, the chain is in epoch ${epoch}`, { citizen: address, epoch, forEpoch });
    }
    if (c.lastClaimEpoch >= epoch) throw new BhlsError("BHLS_ALREADY_CLAIMED", `${address} has claimed in epoch ${epoch}`, { citizen: address, epoch });
    if (destination && !params.bridgeChains.includes(destination.chain)) {
      throw new BhlsError("BHLS_UNKNOWN_BRIDGE_CHAIN", `"${destination.chain}" is not a bridged chain (${params.bridgeChains.join(", ") || "none"})`, { chain: destination.chain });
    }
    const held = this.reserve(ctx);
    const stored = K.EpochShares.get(ctx, epoch);
    let fixed = stored;
    if (!fixed) {
      const citizens = this.citizens.citizenCount(ctx);
      const share = epochShare(BigInt(params.monthlyAmount), held, citizens);
      fixed = { epoch, share: share.toString(), citizens: citizens.toString(), reserve: held.toString(), height: ctx.block.height, nextSeq: Number(K.RegistrationSeq.peek(ctx)) };
    }
    // The share divides the reserve among the citizens counted when it was fixed; one who
    // registered later would be paid from the others' shares, so it claims from the next epoch.
    if (c.seq !== undefined && fixed.nextSeq !== undefined && c.seq >= fixed.nextSeq) {
      throw new BhlsError("BHLS_NOT_YET_ELIGIBLE", `${address} registered after epoch ${epoch}'s share was fixed: its first claim is in epoch ${epoch + 1}`, { citizen: address, epoch });
    }
    const share = BigInt(fixed.share);
    if (share === 0n || held < share) {
      throw new BhlsError("BHLS_RESERVE_EXHAUSTED", `the floor reserve holds ${held}, epoch ${epoch}'s share is ${share}`, { epoch, share: fixed.share, reserve: held.toString() });
    }
    return { citizen: c, epoch, fixed, fixesShare: stored === undefined, share };
  }

  /** `forEpoch`: the epoch the citizen signed the claim for; a claim that lands in another one is refused. */
  claim(ctx: Ctx, params: BhlsParams, address: string, destination?: ClaimDestination, forEpoch?: number): ClaimResult {
    const { citizen: c, epoch, fixed, fixesShare, share } = this.plan(ctx, params, address, destination, forEpoch);
    if (fixesShare) {
      K.EpochShares.set(ctx, epoch, fixed);
      ctx.emit(BhlsEvents.EpochShareFixed, { epoch: String(epoch), share: fixed.share, citizens: fixed.citizens, reserve: fixed.reserve });
    }
    const to = destination ? ESCROW : address;
    this.bank.send(ctx, FLOOR, to, [{ denom: NXT_DENOM, amount: share }]);
    // A claim in the epoch right after the last one extends the streak (achievements reads it from the event).
    const streak = c.lastClaimEpoch > 0 && c.lastClaimEpoch === epoch - 1 ? (c.streak ?? 1) + 1 : 1;
    K.Citizens.replace(ctx, address, c, { ...c, lastClaimEpoch: epoch, streak });
    K.EpochClaims.set(ctx, epoch, (K.EpochClaims.get(ctx, epoch) ?? 0n) + 1n);
    const parts = splitCategories(share);
    const attrs: Record<string, string> = { citizen: address, epoch: String(epoch), amount: share.toString(), to, streak: String(streak) };
    for (const [k, v] of Object.entries(parts)) attrs[k] = v.toString();
    ctx.emit(BhlsEvents.Claim, attrs);
    if (!destination) return { epoch, amount: share };
    const id = K.BridgeSeq.nextNumber(ctx);
    const rec: BridgeClaim = { id, citizen: address, chain: destination.chain, address: destination.address, amount: share.toString(), epoch, height: ctx.block.height };
    K.BridgeClaims.set(ctx, id, rec);
    K.BridgeTotal.set(ctx, this.escrowed(ctx) + share);
    ctx.emit(BhlsEvents.BridgeClaim, { id: String(id), citizen: address, chain: rec.chain, address: rec.address, amount: rec.amount, epoch: String(epoch) });
    return { epoch, amount: share, bridgeClaimId: id };
  }

  epochShare(ctx: Ctx, epoch: number): EpochShare | undefined {
    return K.EpochShares.get(ctx, epoch);
  }

  epochClaims(ctx: Ctx, epoch: number): bigint {
    return K.EpochClaims.get(ctx, epoch) ?? 0n;
  }

  currentEpoch(ctx: Ctx): { epoch: number; startMs: number } {
    return this.epochs.currentEpoch(ctx);
  }

  /** Escrowed claims for any of `chains`, oldest first (the bridge's BhlsForBridge). */
  bridgeClaimsFor(ctx: Ctx, chains: ReadonlySet<string>, limit: number): BridgeClaim[] {
    const out: BridgeClaim[] = [];
    for (const c of K.BridgeClaims.values(ctx)) {
      if (out.length >= limit) break;
      if (chains.has(c.chain)) out.push(c);
    }
    return out;
  }

  /** Pays claim `id`'s escrowed amount to `to` (the bridge's escrow, or the citizen) and forgets the claim. */
  releaseBridgeClaim(ctx: Ctx, id: number, to: string): void {
    const claim = K.BridgeClaims.get(ctx, id);
    if (!claim) throw new BhlsError("BHLS_UNKNOWN_BRIDGE_CLAIM", `no escrowed bridge claim ${id}`, { id });
    const amount = BigInt(claim.amount);
    this.bank.send(ctx, ESCROW, to, [{ denom: NXT_DENOM, amount }]);
    K.BridgeClaims.delete(ctx, id);
    K.BridgeTotal.set(ctx, this.escrowed(ctx) - amount);
    ctx.emit(BhlsEvents.BridgeClaimReleased, { id: String(id), citizen: claim.citizen, chain: claim.chain, to, amount: claim.amount });
  }

  pendingBridgeClaims(ctx: Ctx, req: { limit: number; after?: string }): Page<BridgeClaim> {
    const p = K.BridgeClaims.page(ctx, { limit: req.limit, after: req.after });
    return { items: p.items.map((i) => i.value), next: p.next };
  }
}
