import type { Ctx, MsgCtx, TxOutcome } from "../../../runtime/modules/types.ts";
import type { Page } from "../../../runtime/state/collections/index.ts";
import { BADGES, COUNTER_THRESHOLDS, badgesOfMask, hasBadge, levelOf, type Badge, type Counter } from "../badges.ts";
import { progressOf } from "../rules.ts";
import { AchievementsEvents } from "../events.ts";
import { AchievementsError } from "../errors.ts";
import type { CitizenLookup } from "../expected-keepers.ts";
import type { Profile, ProfileView } from "../records.ts";
import * as K from "../keys.ts";

const EMPTY: Profile = { points: 0n, badges: 0n };

export interface LeaderboardEntry {
  readonly address: string;
  readonly points: string;
  readonly level: string;
  readonly badges: number;
}

/**
 * Badges and points per account. Awards happen inside the transaction that earns them
 * (afterTx), each a bounded number of reads and writes: a badge held is never awarded again,
 * and a counter stops at its last threshold, so an account's long-run cost is a read per step.
 */
export class AchievementsKeeper {
  constructor(private readonly citizens: CitizenLookup) {}

  profile(ctx: Ctx, address: string): Profile {
    return K.Profiles.get(ctx, address) ?? EMPTY;
  }

  view(ctx: Ctx, address: string): ProfileView & { level: string; counters: Record<string, number>; referrer: string | null } {
    const p = this.profile(ctx, address);
    const counters: Record<string, number> = {};
    for (const [name, id] of Object.entries(K.COUNTER_IDS)) {
      const n = K.Counters.get(ctx, [address, id]);
      if (n !== undefined) counters[name] = n;
    }
    return { address, points: p.points.toString(), level: levelOf(p.points).toString(), badges: badgesOfMask(p.badges).map((b) => b.key), counters, referrer: K.Referrers.get(ctx, address) ?? null };
  }

  /** Accounts by points, highest first (ties by address), paged by an opaque cursor. */
  leaderboard(ctx: Ctx, req: { limit: number; after?: string }): Page<LeaderboardEntry> {
    const page = K.ByPoints.page(ctx, { limit: req.limit, after: req.after });
    return {
      items: page.items.map(({ key, value }) => ({ address: key, points: value.points.toString(), level: levelOf(value.points).toString(), badges: badgesOfMask(value.badges).length })),
      next: page.next,
    };
  }

  /**
   * Awards `b` to `account` unless it has it; true when awarded. `seen` carries the profiles
   * one transaction already read, so several checks for one account decode it once.
   */
  award(ctx: Ctx, account: string, b: Badge, seen?: Map<string, Profile>): boolean {
    const p = seen?.get(account) ?? this.profile(ctx, account);
    if (hasBadge(p.badges, b)) {
      seen?.set(account, p);
      return false;
    }
    const next: Profile = { points: p.points + BigInt(b.points), badges: p.badges | (1n << BigInt(b.id)) };
    K.Profiles.set(ctx, account, next);
    seen?.set(account, next);
    ctx.emit(AchievementsEvents.Awarded, { account, badge: b.key, badgeId: String(b.id), points: String(b.points), total: next.points.toString(), level: levelOf(next.points).toString() });
    return true;
  }

  /** Advances a counter (until its last threshold) and awards the badge of a threshold reached. */
  count(ctx: Ctx, account: string, counter: Counter, seen?: Map<string, Profile>): void {
    const thresholds = COUNTER_THRESHOLDS[counter];
    const last = thresholds[thresholds.length - 1]![0];
    const key: [string, number] = [account, K.COUNTER_IDS[counter]];
    const n = K.Counters.get(ctx, key) ?? 0;
    if (n >= last) return;
    K.Counters.set(ctx, key, n + 1);
    for (const [at, b] of thresholds) if (n + 1 === at) this.award(ctx, account, b, seen);
  }

  setReferrer(ctx: Ctx, account: string, referrer: string): void {
    if (account === referrer) throw new AchievementsError("ACHIEVEMENTS_SELF_REFERRAL", `${account} cannot refer itself`, { account });
    if (K.Referrers.has(ctx, account)) throw new AchievementsError("ACHIEVEMENTS_REFERRER_SET", `${account} already named its referrer (${K.Referrers.get(ctx, account)})`, { account });
    if (this.citizens.isCitizen(ctx, account)) throw new AchievementsError("ACHIEVEMENTS_ALREADY_CITIZEN", `${account} is already a citizen: a referral counts when an account becomes one`, { account });
    if (!this.citizens.isCitizen(ctx, referrer)) throw new AchievementsError("ACHIEVEMENTS_REFERRER_NOT_CITIZEN", `${referrer} is not an attested citizen: only citizens refer`, { referrer });
    K.Referrers.set(ctx, account, referrer);
    ctx.emit(AchievementsEvents.ReferrerSet, { account, referrer });
  }

  /** The runtime's afterTx: what the transaction earned, applied in order. */
  afterTx(ctx: MsgCtx, tx: TxOutcome): void {
    const seen = new Map<string, Profile>();
    for (const p of progressOf(ctx.sender, tx)) {
      if (p.kind === "award") this.award(ctx, p.account, p.badge, seen);
      else if (p.kind === "count") this.count(ctx, p.account, p.counter, seen);
      else {
        const referrer = K.Referrers.get(ctx, p.account);
        if (referrer) this.count(ctx, referrer, "referrals", seen);
      }
    }
  }

  /** Genesis import: a profile written as exported (its points must match its badges: checked by the caller). */
  putProfile(ctx: Ctx, address: string, p: Profile): void {
    K.Profiles.set(ctx, address, p);
  }

  static pointsOf(mask: bigint): bigint {
    return BADGES.reduce((s, b) => (hasBadge(mask, b) ? s + BigInt(b.points) : s), 0n);
  }
}
