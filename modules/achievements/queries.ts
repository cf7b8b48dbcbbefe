import type { QueryDef } from "../../runtime/modules/types.ts";
import { ADDRESS_PATTERN } from "../../runtime/modules/schemas.ts";
import { BADGES } from "./badges.ts";
import type { AchievementsKeeper } from "./keeper/achievements-keeper.ts";

const q = (name: string, properties: Record<string, unknown>, required: string[], description: string) =>
  ({ $id: `https://nexusos.dev/schemas/achievements.v1.Query${name}.json`, type: "object", description, properties, required, additionalProperties: false }) as const;
const address = { type: "string", pattern: ADDRESS_PATTERN } as const;

export function achievementsQueries(keeper: AchievementsKeeper): Record<string, QueryDef> {
  return {
    badges: {
      schema: q("Badges", {}, [], "the badge catalogue: id, key, name, category, points, description"),
      handle: () => BADGES.map((b) => ({ ...b })),
    },
    profile: {
      schema: q("Profile", { address }, ["address"], "an account's points, level, badges, counters and referrer"),
      handle: (ctx, p: { address: string }) => {
        const v = keeper.view(ctx, p.address);
        return { ...v, badges: v.badges.map((key) => ({ ...BADGES.find((b) => b.key === key)! })) };
      },
    },
    leaderboard: {
      schema: q(
        "Leaderboard",
        {
          limit: { type: "integer", minimum: 1, maximum: 100, description: "page size (default 20)" },
          after: { type: "string", description: "cursor from the previous page's `next`" },
        },
        [],
        "accounts of level 2 or more (100 points) by points, highest first (ties by address), paged",
      ),
      handle: (ctx, p: { limit?: number; after?: string }) => keeper.leaderboard(ctx, { limit: p.limit ?? 20, after: p.after }),
    },
  };
}
