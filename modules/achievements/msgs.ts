import type { FromSchema } from "json-schema-to-ts";
import type { MsgDef } from "../../runtime/modules/types.ts";
import { ADDRESS_PATTERN } from "../../runtime/modules/schemas.ts";
import type { AchievementsKeeper } from "./keeper/achievements-keeper.ts";

const address = { type: "string", pattern: ADDRESS_PATTERN } as const;

export const AchievementsTypeUrls = {
  SetReferrer: "/achievements.v1.MsgSetReferrer",
} as const;

export const msgSetReferrerSchema = {
  $id: "https://nexusos.dev/schemas/achievements.v1.MsgSetReferrer.json",
  type: "object",
  description: "name the citizen who referred you, once, before you become a citizen: your registration then counts as their referral",
  properties: {
    account: { ...address, description: "the account naming its referrer (signs)" },
    referrer: { ...address, description: "an attested citizen" },
  },
  required: ["account", "referrer"],
  additionalProperties: false,
} as const;
export type MsgSetReferrer = FromSchema<typeof msgSetReferrerSchema>;

export function achievementsMsgs(keeper: AchievementsKeeper): MsgDef[] {
  const setReferrer: MsgDef<MsgSetReferrer> = {
    typeUrl: AchievementsTypeUrls.SetReferrer,
    schema: msgSetReferrerSchema,
    signers: (m) => [m.account],
    handle: (ctx, m) => keeper.setReferrer(ctx, m.account, m.referrer),
  };
  return [setReferrer];
}
