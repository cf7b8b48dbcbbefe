import type { FromSchema } from "json-schema-to-ts";
import { ADDRESS_PATTERN } from "../../runtime/modules/schemas.ts";

const uintString = { type: "string", pattern: "^(0|[1-9][0-9]{0,30})$" } as const;

/**
 * An account's achievements: total points and the mask of its badges (bit = badge id), both
 * bigints stored as decimal strings (the mask grows as badges are appended).
 */
export const profileSchema = {
  type: "object",
  properties: { points: uintString, badges: uintString },
  required: ["points", "badges"],
  additionalProperties: false,
} as const;
type ProfileJson = FromSchema<typeof profileSchema>;
export type Profile = { [K in keyof ProfileJson]: bigint };

/** The profile as queries and genesis show it. */
export const profileViewSchema = {
  type: "object",
  properties: {
    address: { type: "string", pattern: ADDRESS_PATTERN },
    points: uintString,
    badges: { type: "array", items: { type: "string", minLength: 1, maxLength: 64 }, uniqueItems: true },
  },
  required: ["address", "points", "badges"],
  additionalProperties: false,
} as const;
export type ProfileView = FromSchema<typeof profileViewSchema>;
