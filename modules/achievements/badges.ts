/**
 * The badge catalogue. `id` is a wire value (a bit of the stored badge mask and the number in
 * events): append only, never renumber or reuse; a retired badge stays here with `retired`.
 * Points are fixed per badge; a profile's level is points / 100 + 1.
 */
export const CATEGORIES = ["transactions", "trading", "governance", "community", "validation"] as const;
export type Category = (typeof CATEGORIES)[number];

/** Counters a badge may be reached by (each counted per account, up to its last threshold). */
export const COUNTERS = ["liquidity", "votes", "referrals", "signedCommits"] as const;
export type Counter = (typeof COUNTERS)[number];

export interface Badge {
  readonly id: number;
  readonly key: string;
  readonly name: string;
  readonly category: Category;
  readonly points: number;
  readonly description: string;
}

const b = (id: number, key: string, name: string, category: Category, points: number, description: string): Badge => ({ id, key, name, category, points, description });

export const BADGES: readonly Badge[] = [
  // transactions
  b(0, "first_transaction", "First Light", "transactions", 10, "sent a first transaction"),
  b(1, "transactions_100", "Steady Beam", "transactions", 30, "sent 100 transactions"),
  b(2, "transactions_1000", "Lighthouse", "transactions", 100, "sent 1 000 transactions"),
  b(3, "first_transfer", "First Photon", "transactions", 10, "sent NXT or any token to another account"),
  b(4, "first_multisend", "Prism", "transactions", 20, "paid several accounts in one multi-send"),
  b(5, "bridge_out", "Wavelength Traveller", "transactions", 40, "sent NXT to another chain over a bridge"),
  // trading
  b(6, "first_swap", "First Swap", "trading", 10, "swapped on the DEX"),
  b(7, "multi_hop_swap", "Route Finder", "trading", 30, "swapped through two or more pools in one swap"),
  b(8, "exact_out_swap", "Precise Trader", "trading", 20, "swapped for an exact output amount"),
  b(9, "first_liquidity", "Liquidity Provider", "trading", 20, "added liquidity to a pool"),
  b(10, "liquidity_10", "Deep Pool", "trading", 60, "added liquidity 10 times"),
  b(11, "pool_creator", "Pool Founder", "trading", 50, "created a DEX pool"),
  // governance
  b(12, "first_deposit", "Backer", "governance", 10, "deposited on a proposal"),
  b(13, "first_vote", "First Vote", "governance", 10, "voted on a proposal"),
  b(14, "votes_10", "Civic Voice", "governance", 50, "voted on 10 proposals"),
  b(15, "first_proposal", "Proposer", "governance", 30, "submitted a proposal"),
  b(16, "first_dispute", "Due Process", "governance", 20, "filed an arbitration dispute"),
  // community
  b(17, "citizen", "Citizen", "community", 20, "registered as a BHLS citizen by a phone attestation"),
  b(18, "first_claim", "Floor Reached", "community", 10, "claimed the BHLS floor"),
  b(19, "claim_streak_3", "Three in a Row", "community", 30, "claimed the floor in 3 consecutive epochs"),
  b(20, "claim_streak_12", "A Year on the Floor", "community", 200, "claimed the floor in 12 consecutive epochs"),
  b(21, "referral_1", "Connector", "community", 20, "referred an account that became a citizen"),
  b(22, "referral_10", "Beacon", "community", 100, "referred 10 accounts that became citizens"),
  // validation
  b(23, "validator", "Validator", "validation", 50, "created a validator"),
  b(24, "first_delegation", "Delegator", "validation", 10, "delegated stake to a validator"),
  b(25, "uptime_1000", "Always On", "validation", 100, "signed 1 000 reported commits"),
  b(26, "uptime_10000", "Bedrock", "validation", 200, "signed 10 000 reported commits"),
];

export const BADGE_BY_KEY: ReadonlyMap<string, Badge> = new Map(BADGES.map((x) => [x.key, x]));

export type BadgeKey = (typeof BADGES)[number]["key"];

/** The badge with this key (a typo in a rule is a bug, so it throws at load). */
export function badge(key: string): Badge {
  const x = BADGE_BY_KEY.get(key);
  if (!x) throw new Error(`no badge "${key}"`);
  return x;
}

/** Thresholds of each counter: reaching n awards the badge; counting stops at the last one. */
export const COUNTER_THRESHOLDS: Readonly<Record<Counter, readonly (readonly [number, Badge])[]>> = {
  liquidity: [
    [1, badge("first_liquidity")],
    [10, badge("liquidity_10")],
  ],
  votes: [
    [1, badge("first_vote")],
    [10, badge("votes_10")],
  ],
  referrals: [
    [1, badge("referral_1")],
    [10, badge("referral_10")],
  ],
  signedCommits: [
    [1000, badge("uptime_1000")],
    [10000, badge("uptime_10000")],
  ],
};

/** Badges reached by the sender's transaction count (its nonce + 1): nothing stored to count them. */
export const TX_COUNT_BADGES: readonly (readonly [bigint, Badge])[] = [
  [1n, badge("first_transaction")],
  [100n, badge("transactions_100")],
  [1000n, badge("transactions_1000")],
];

/** Badges reached by a BHLS claim streak (bhls counts the streak; its claim event carries it). */
export const STREAK_BADGES: readonly (readonly [number, Badge])[] = [
  [1, badge("first_claim")],
  [3, badge("claim_streak_3")],
  [12, badge("claim_streak_12")],
];

/** An account's points: the sum of its badges' points. */
export function pointsOf(mask: bigint): bigint {
  let sum = 0n;
  for (const b of BADGES) if ((mask >> BigInt(b.id)) & 1n) sum += BigInt(b.points);
  return sum;
}

/** level = points / 100 + 1 (integer division). */
export function levelOf(points: bigint): bigint {
  return points / 100n + 1n;
}

/** The badges of a stored mask, in id order. */
export function badgesOfMask(mask: bigint): Badge[] {
  return BADGES.filter((x) => (mask >> BigInt(x.id)) & 1n);
}

export function hasBadge(mask: bigint, x: Badge): boolean {
  return ((mask >> BigInt(x.id)) & 1n) === 1n;
}
