/** Event types of the achievements module (wire values: append only). */
export const AchievementsEvents = {
  /** A badge awarded: account, badge (key), badgeId, points (the badge's), total, level. */
  Awarded: "achievements.awarded",
  /** An account named its referrer: account, referrer. */
  ReferrerSet: "achievements.referrer_set",
} as const;
