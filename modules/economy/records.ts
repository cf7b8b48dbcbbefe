import type { FromSchema } from "json-schema-to-ts";
import { ADDRESS_PATTERN, AMOUNT_PATTERN } from "../../runtime/modules/schemas.ts";
import { LIQUIDITY_ACCOUNTS } from "./accounts.ts";

/**
 * Stored records, in the JSON form genesis and queries use too (amounts as decimal strings),
 * each checked by its schema on every write and read.
 */
const amount = { type: "string", pattern: AMOUNT_PATTERN } as const;
const time = { type: "integer", minimum: 0 } as const;
/** Attojoules: no digit limit. */
const big = { type: "string", pattern: "^(0|[1-9][0-9]*)$" } as const;

/** The current epoch: number, start (ms of block time) and the treasury drawn in it. */
export const epochStateSchema = {
  type: "object",
  properties: { epoch: { type: "integer", minimum: 1 }, startMs: time, treasuryDrawn: amount },
  required: ["epoch", "startMs", "treasuryDrawn"],
  additionalProperties: false,
} as const;
export type EpochState = FromSchema<typeof epochStateSchema>;

/** A postage budget: energy in attojoules. */
export const budgetSchema = {
  type: "object",
  properties: {
    id: { type: "integer", minimum: 0 },
    owner: { type: "string", pattern: ADDRESS_PATTERN },
    band: { type: "integer", minimum: 1, maximum: 7 },
    /** NXT base units paid. */
    paid: amount,
    energyBought: big,
    energyRemaining: big,
    height: { type: "integer", minimum: 0 },
  },
  required: ["id", "owner", "band", "paid", "energyBought", "energyRemaining", "height"],
  additionalProperties: false,
} as const;
export type PostageBudget = FromSchema<typeof budgetSchema>;

/** What one epoch transition did. */
export const transitionSchema = {
  type: "object",
  properties: {
    /** The epoch this transition closed. */
    epoch: { type: "integer", minimum: 1 },
    height: { type: "integer", minimum: 0 },
    time,
    /** transition_reserve balance moved (all of it). */
    reserve: amount,
    toFloor: amount,
    liquidity: {
      type: "array",
      items: {
        type: "object",
        properties: { module: { type: "string", enum: [...LIQUIDITY_ACCOUNTS] }, amount },
        required: ["module", "amount"],
        additionalProperties: false,
      },
      maxItems: LIQUIDITY_ACCOUNTS.length,
    },
    /** Stability index before the transition ("1.234567"), null with no citizens. */
    stabilityIndex: { type: ["string", "null"], pattern: "^[0-9]+\\.[0-9]{6}$" },
    citizens: amount,
    branch: { type: "string", enum: ["normal", "below-1", "below-0.5"] },
  },
  required: ["epoch", "height", "time", "reserve", "toFloor", "liquidity", "stabilityIndex", "citizens", "branch"],
  additionalProperties: false,
} as const;
export type TransitionRecord = FromSchema<typeof transitionSchema>;
