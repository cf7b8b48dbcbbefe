/** Event types of the achievements module (wire values: append only). */
export const AchievementsEvents = {
  /** A badge awarded: account, badge (key), points (the badge's), total (the account's points now; level = total / 100 + 1). */
  Awarded: "achievements.awarded",
  /** An account named its referrer: account, referrer. */
  ReferrerSet: "achievements.referrer_set",
} as const;
