import { pointsOf } from "./badges.ts";
import { StoreLayout, addressKey, addressValue, pairKey, u64DescKey, u64NumberKey, uintNumberValue, uintValue } from "../../runtime/state/collections/index.ts";

/**
 * Store layout of the "achievements" namespace. Prefix bytes and counter numbers are wire
 * values: append only, never reuse one.
 *
 * An account's state is its badge mask alone (points are the badges' sum, badges.ts
 * pointsOf): one small uint read on the common path, and one write (plus its leaderboard
 * entry) when a transaction earns something.
 */
export const BADGES_PREFIX = 0x01; // | address → badge mask (uint: bit = badge id)
export const BY_POINTS_PREFIX = 0x02; // | points desc u64 | address → ∅ (the leaderboard)
export const COUNTER_PREFIX = 0x03; // | address | counter u64 → count (stops at its last threshold)
export const REFERRER_PREFIX = 0x04; // | address → the citizen who referred it

/** Counter numbers in keys (COUNTERS in badges.ts, by name). */
export const COUNTER_IDS = { liquidity: 2, votes: 3, referrals: 4, signedCommits: 5 } as const; // 1: unused (never released)

const L = new StoreLayout("achievements");

export const Badges = L.map(BADGES_PREFIX, "badges", addressKey, uintValue);
/**
 * Accounts enter the leaderboard at level 2: the first badges every new account earns (its
 * first transaction, its first transfer) then cost one write, not two, and the board lists
 * players rather than every account that ever sent a transaction.
 */
export const LEADERBOARD_MIN_POINTS = 100n;

export const ByPoints = L.index(BY_POINTS_PREFIX, "byPoints", Badges, pairKey(u64DescKey, addressKey), {
  refs: (address, mask) => {
    const points = pointsOf(mask);
    return points >= LEADERBOARD_MIN_POINTS ? [[points, address]] : [];
  },
  primaryKey: (ik) => ik[1],
});
export const Counters = L.map(COUNTER_PREFIX, "counters", pairKey(addressKey, u64NumberKey), uintNumberValue);
export const Referrers = L.map(REFERRER_PREFIX, "referrers", addressKey, addressValue);
