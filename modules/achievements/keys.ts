import { StoreLayout, addressKey, addressValue, jsonCodec, pairKey, u64DescKey, u64NumberKey, uintNumberValue } from "../../runtime/state/collections/index.ts";
import { profileSchema, type Profile } from "./records.ts";

/**
 * Store layout of the "achievements" namespace. Prefix bytes and counter numbers are wire
 * values: append only, never reuse one.
 */
export const PROFILE_PREFIX = 0x01; // | address → Profile
export const BY_POINTS_PREFIX = 0x02; // | points desc u64 | address → ∅ (the leaderboard)
export const COUNTER_PREFIX = 0x03; // | address | counter u8 → count (stops at its last threshold)
export const REFERRER_PREFIX = 0x04; // | address → the citizen who referred it

/** Counter numbers in keys (COUNTERS in badges.ts, by name). */
export const COUNTER_IDS = { swaps: 1, liquidity: 2, votes: 3, referrals: 4, signedCommits: 5 } as const;

const L = new StoreLayout("achievements");

export const Profiles = L.map(PROFILE_PREFIX, "profiles", addressKey, jsonCodec<Profile>({ name: "achievements.Profile", schema: profileSchema, bigints: ["points", "badges"] }));
export const ByPoints = L.index(BY_POINTS_PREFIX, "byPoints", Profiles, pairKey(u64DescKey, addressKey), {
  refs: (address, p) => [[p.points, address]],
  primaryKey: (ik) => ik[1],
});
export const Counters = L.map(COUNTER_PREFIX, "counters", pairKey(addressKey, u64NumberKey), uintNumberValue);
export const Referrers = L.map(REFERRER_PREFIX, "referrers", addressKey, addressValue);
