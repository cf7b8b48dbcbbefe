import type { FromSchema } from "json-schema-to-ts";
import { ADDRESS_PATTERN } from "../../runtime/modules/schemas.ts";

const uintString = { type: "string", pattern: "^(0|[1-9][0-9]{0,30})$" } as const;

/** An account's achievements: total points and the mask of its badges (bit = badge id). */
export interface Profile {
  readonly points: bigint;
  readonly badges: bigint;
}

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
