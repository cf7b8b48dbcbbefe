import type { Ctx } from "../../runtime/modules/types.ts";
import { AchievementsKeeper } from "./keeper/achievements-keeper.ts";
import * as K from "./keys.ts";

/**
 * O(profiles): every profile's points equal its badges' and the leaderboard holds exactly one
 * entry per profile at its points. A test and `nexus debug` check, never a per-block invariant.
 */
export function profilesProblem(ctx: Ctx): string | null {
  let profiles = 0;
  for (const [address, mask] of K.Badges.iterate(ctx)) {
    profiles++;
    const want = AchievementsKeeper.pointsOf(mask);
    const points = K.Points.get(ctx, address) ?? 0n;
    if (points !== want) return `${address} has ${points} points, its badges are worth ${want}`;
  }
  let entries = 0;
  for (const address of K.ByPoints.keys(ctx)) {
    entries++;
    if (!K.Points.has(ctx, address)) return `the leaderboard lists ${address}, which has no profile`;
  }
  return entries === profiles ? null : `the leaderboard has ${entries} entries for ${profiles} profiles`;
}
