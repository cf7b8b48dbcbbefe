import { StoreLayout, addressKey, addressValue, pairKey, u64DescKey, u64NumberKey, uintNumberValue, uintValue } from "../../runtime/state/collections/index.ts";

/**
 * Store layout of the "achievements" namespace. Prefix bytes and counter numbers are wire
 * values: append only, never reuse one.
 *
 * The badge mask is what every transaction reads (is this badge held?), so it is a bare uint
 * apart from the points: one small read, no JSON, on the common path.
 */
export const BADGES_PREFIX = 0x01; // | address → badge mask (uint: bit = badge id)
export const POINTS_PREFIX = 0x02; // | address → points (uint)
export const BY_POINTS_PREFIX = 0x03; // | points desc u64 | address → ∅ (the leaderboard)
export const COUNTER_PREFIX = 0x04; // | address | counter u64 → count (stops at its last threshold)
export const REFERRER_PREFIX = 0x05; // | address → the citizen who referred it

/** Counter numbers in keys (COUNTERS in badges.ts, by name). */
export const COUNTER_IDS = { swaps: 1, liquidity: 2, votes: 3, referrals: 4, signedCommits: 5 } as const;

const L = new StoreLayout("achievements");

export const Badges = L.map(BADGES_PREFIX, "badges", addressKey, uintValue);
export const Points = L.map(POINTS_PREFIX, "points", addressKey, uintValue);
export const ByPoints = L.index(BY_POINTS_PREFIX, "byPoints", Points, pairKey(u64DescKey, addressKey), {
  refs: (address, points) => [[points, address]],
  primaryKey: (ik) => ik[1],
});
export const Counters = L.map(COUNTER_PREFIX, "counters", pairKey(addressKey, u64NumberKey), uintNumberValue);
export const Referrers = L.map(REFERRER_PREFIX, "referrers", addressKey, addressValue);
