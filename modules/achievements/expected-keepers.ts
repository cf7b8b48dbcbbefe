import type { Ctx } from "../../runtime/modules/types.ts";

/** Who is an attested citizen now (the reference chain binds bhls's keeper). */
export interface CitizenLookup {
  isCitizen(ctx: Ctx, address: string): boolean;
}

export const AchievementsDeps = {
  Citizens: Symbol.for("achievements.expected.Citizens"),
} as const;
