import type { Ctx } from "../../runtime/modules/types.ts";
import { pointsOf } from "./badges.ts";
import * as K from "./keys.ts";

/**
 * O(accounts): the leaderboard holds exactly one entry per account of level 2 or more (a stale entry
 * left at old points would be a second one). A test and debugging check, never a per-block
 * invariant.
 */
export function profilesProblem(ctx: Ctx): string | null {
  let accounts = 0;
  for (const mask of K.Badges.values(ctx)) if (pointsOf(mask) >= K.LEADERBOARD_MIN_POINTS) accounts++;
  let entries = 0;
  for (const address of K.ByPoints.keys(ctx)) {
    entries++;
    if (!K.Badges.has(ctx, address)) return `the leaderboard lists ${address}, which has no badges`;
  }
  return entries === accounts ? null : `the leaderboard has ${entries} entries for ${accounts} accounts`;
}
