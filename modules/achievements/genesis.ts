import type { FromSchema } from "json-schema-to-ts";
import type { Ctx, GenesisDef } from "../../runtime/modules/types.ts";
import { ADDRESS_PATTERN } from "../../runtime/modules/schemas.ts";
import { BADGE_BY_KEY, COUNTER_THRESHOLDS, COUNTERS, badgesOfMask, pointsOf, type Counter } from "./badges.ts";
import { AchievementsError } from "./errors.ts";
import type { AchievementsKeeper } from "./keeper/achievements-keeper.ts";
import { profileViewSchema } from "./records.ts";
import * as K from "./keys.ts";

const address = { type: "string", pattern: ADDRESS_PATTERN } as const;

export const achievementsGenesisSchema = {
  $id: "https://nexusos.dev/schemas/achievements.v1.Genesis.json",
  type: "object",
  properties: {
    profiles: { type: "array", items: profileViewSchema },
    counters: {
      type: "array",
      items: {
        type: "object",
        properties: { address, counter: { type: "string", enum: COUNTERS }, count: { type: "integer", minimum: 1 } },
        required: ["address", "counter", "count"],
        additionalProperties: false,
      },
    },
    referrers: {
      type: "array",
      items: { type: "object", properties: { account: address, referrer: address }, required: ["account", "referrer"], additionalProperties: false },
    },
  },
  required: ["profiles", "counters", "referrers"],
  additionalProperties: false,
} as const;
export type AchievementsGenesis = FromSchema<typeof achievementsGenesisSchema>;

export const defaultAchievementsGenesis = (): AchievementsGenesis => ({ profiles: [], counters: [], referrers: [] });

const bad = (message: string): AchievementsError => new AchievementsError("ACHIEVEMENTS_GENESIS_INVALID", message);

/** Import checks what the schema cannot: known badges, points that equal the badges', no account twice. */
export function achievementsGenesis(keeper: AchievementsKeeper): GenesisDef<AchievementsGenesis> {
  return {
    schema: achievementsGenesisSchema,
    defaults: defaultAchievementsGenesis,
    init(ctx: Ctx, g: AchievementsGenesis): void {
      const seen = new Set<string>();
      for (const p of g.profiles) {
        if (seen.has(p.address)) throw bad(`profiles lists ${p.address} twice`);
        seen.add(p.address);
        let mask = 0n;
        for (const key of p.badges) {
          const b = BADGE_BY_KEY.get(key);
          if (!b) throw bad(`profile ${p.address}: unknown badge "${key}" (query achievements badges lists them)`);
          mask |= 1n << BigInt(b.id);
        }
        const points = pointsOf(mask);
        if (BigInt(p.points) !== points) throw bad(`profile ${p.address}: points ${p.points}, but its badges are worth ${points}`);
        keeper.putBadges(ctx, p.address, mask);
      }
      const counted = new Set<string>();
      for (const c of g.counters) {
        const k = `${c.address}/${c.counter}`;
        if (counted.has(k)) throw bad(`counters lists ${c.counter} of ${c.address} twice`);
        counted.add(k);
        const thresholds = COUNTER_THRESHOLDS[c.counter as Counter];
        const last = thresholds[thresholds.length - 1]![0];
        if (c.count > last) throw bad(`counter ${c.counter} of ${c.address} is ${c.count}, above its last threshold ${last}`);
        K.Counters.set(ctx, [c.address, K.COUNTER_IDS[c.counter as Counter]], c.count);
      }
      const referred = new Set<string>();
      for (const r of g.referrers) {
        if (referred.has(r.account)) throw bad(`referrers lists ${r.account} twice`);
        if (r.account === r.referrer) throw bad(`${r.account} refers itself`);
        referred.add(r.account);
        K.Referrers.set(ctx, r.account, r.referrer);
      }
    },
    export(ctx: Ctx): AchievementsGenesis {
      const profiles = [...K.Badges.iterate(ctx)].map(([address, mask]) => ({ address, points: pointsOf(mask).toString(), badges: badgesOfMask(mask).map((b) => b.key) }));
      const names = new Map(Object.entries(K.COUNTER_IDS).map(([n, id]) => [id as number, n as Counter]));
      const counters = [...K.Counters.iterate(ctx)].map(([[address, id], count]) => ({ address, counter: names.get(id)!, count }));
      const referrers = [...K.Referrers.iterate(ctx)].map(([account, referrer]) => ({ account, referrer }));
      return { profiles, counters, referrers };
    },
  };
}
