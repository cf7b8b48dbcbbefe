import type { Ctx } from "../../runtime/modules/types.ts";
import * as K from "./keys.ts";

/**
 * O(accounts): the leaderboard holds exactly one entry per account with badges (a stale entry
 * left at old points would be a second one). A test and debugging check, never a per-block
 * invariant.
 */
export function profilesProblem(ctx: Ctx): string | null {
  let accounts = 0;
  for (const _ of K.Badges.keys(ctx)) accounts++;
  let entries = 0;
  for (const address of K.ByPoints.keys(ctx)) {
    entries++;
    if (!K.Badges.has(ctx, address)) return `the leaderboard lists ${address}, which has no badges`;
  }
  return entries === accounts ? null : `the leaderboard has ${entries} entries for ${accounts} accounts`;
}
