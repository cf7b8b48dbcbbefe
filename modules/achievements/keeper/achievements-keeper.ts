import type { Ctx, MsgCtx, TxOutcome } from "../../../runtime/modules/types.ts";
import type { Page } from "../../../runtime/state/collections/index.ts";
import { KeyStringMemo } from "../../../runtime/modules/keyed-access.ts";
import { COUNTER_THRESHOLDS, badgesOfMask, hasBadge, levelOf, pointsOf, type Badge, type Counter } from "../badges.ts";
import { progressOf } from "../rules.ts";
import { AchievementsEvents } from "../events.ts";
import { AchievementsError } from "../errors.ts";
import type { CitizenLookup } from "../expected-keepers.ts";
import type { Profile, ProfileView } from "../records.ts";
import * as K from "../keys.ts";

export interface LeaderboardEntry {
  readonly address: string;
  readonly points: string;
  readonly level: string;
  readonly badges: number;
}

/** One transaction's awards: each account's mask read once, written once at the end. */
class Awards {
  private readonly masks = new Map<string, bigint>();
  private readonly dirty = new Set<string>();

  constructor(
    private readonly ctx: Ctx,
    private readonly keyOf: (account: string) => string,
  ) {}

  /** Whether this transaction has read `account`'s badges already. */
  loaded(account: string): boolean {
    return this.masks.has(account);
  }

  private mask(account: string): bigint {
    let mask = this.masks.get(account);
    if (mask === undefined) this.masks.set(account, (mask = K.Badges.getKs(this.ctx, this.keyOf(account)) ?? 0n));
    return mask;
  }

  award(account: string, b: Badge): void {
    const mask = this.mask(account);
    if (hasBadge(mask, b)) return;
    const next = mask | (1n << BigInt(b.id));
    this.masks.set(account, next);
    this.dirty.add(account);
    const total = pointsOf(next);
    this.ctx.emit(AchievementsEvents.Awarded, { account, badge: b.key, points: String(b.points), total: total.toString() });
  }

  /** Writes each awarded account's mask (and so its leaderboard entry) once. */
  flush(): void {
    for (const account of this.dirty) K.Badges.set(this.ctx, account, this.masks.get(account)!);
  }
}

/**
 * Badges and points per account. Awards happen inside the transaction that earns them
 * (afterTx), each a bounded number of reads and writes: a badge held costs one read of the
 * account's mask, a counter stops at its last threshold, and an account that earned anything
 * is written once per transaction.
 */
export class AchievementsKeeper {
  /** A sender's badge key, remembered: read by most transactions, like a balance (docs/modules.md, "Hot keys"). */
  private readonly badgeKeys = new KeyStringMemo((a) => K.Badges.rawKey(a), 20_000);
  private readonly keyOf = (account: string): string => this.badgeKeys.get(account);

  constructor(private readonly citizens: CitizenLookup) {}

  profile(ctx: Ctx, address: string): Profile {
    const badges = K.Badges.get(ctx, address) ?? 0n;
    return { points: pointsOf(badges), badges };
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

  /** Accounts of level 2 or more by points, highest first (ties by address), paged by an opaque cursor. */
  leaderboard(ctx: Ctx, req: { limit: number; after?: string }): Page<LeaderboardEntry> {
    const page = K.ByPoints.page(ctx, { limit: req.limit, after: req.after });
    return {
      items: page.items.map(({ key, value }) => {
        const points = pointsOf(value);
        return { address: key, points: points.toString(), level: levelOf(points).toString(), badges: badgesOfMask(value).length };
      }),
      next: page.next,
    };
  }

  /** Advances a counter (until its last threshold) and awards the badge of a threshold reached. */
  private count(ctx: Ctx, awards: Awards, account: string, counter: Counter): void {
    const thresholds = COUNTER_THRESHOLDS[counter];
    const last = thresholds[thresholds.length - 1]![0];
    const key: [string, number] = [account, K.COUNTER_IDS[counter]];
    const n = K.Counters.get(ctx, key) ?? 0;
    if (n >= last) return;
    K.Counters.set(ctx, key, n + 1);
    for (const [at, b] of thresholds) if (n + 1 === at) awards.award(account, b);
  }

  setReferrer(ctx: Ctx, account: string, referrer: string): void {
    if (account === referrer) throw new AchievementsError("ACHIEVEMENTS_SELF_REFERRAL", `${account} cannot refer itself`, { account });
    if (K.Referrers.has(ctx, account)) throw new AchievementsError("ACHIEVEMENTS_REFERRER_SET", `${account} already named its referrer (${K.Referrers.get(ctx, account)})`, { account });
    if (this.citizens.isCitizen(ctx, account)) throw new AchievementsError("ACHIEVEMENTS_ALREADY_CITIZEN", `${account} is already a citizen: a referral counts when an account becomes one`, { account });
    if (!this.citizens.isCitizen(ctx, referrer)) throw new AchievementsError("ACHIEVEMENTS_REFERRER_NOT_CITIZEN", `${referrer} is not an attested citizen: only citizens refer`, { referrer });
    K.Referrers.set(ctx, account, referrer);
    ctx.emit(AchievementsEvents.ReferrerSet, { account, referrer });
  }

  /** The runtime's afterTx: what the transaction earned, applied in order, written once per account. */
  afterTx(ctx: MsgCtx, tx: TxOutcome): void {
    const awards = new Awards(ctx, this.keyOf);
    for (const p of progressOf(ctx.sender, tx)) {
      if (p.kind === "award") {
        if (!p.lazy || awards.loaded(p.account)) awards.award(p.account, p.badge);
      }
      else if (p.kind === "count") this.count(ctx, awards, p.account, p.counter);
      else {
        const referrer = K.Referrers.get(ctx, p.account);
        if (referrer) this.count(ctx, awards, referrer, "referrals");
      }
    }
    awards.flush();
  }

  /** Genesis import: an account's badges as exported. */
  putBadges(ctx: Ctx, address: string, mask: bigint): void {
    K.Badges.set(ctx, address, mask);
  }
}
