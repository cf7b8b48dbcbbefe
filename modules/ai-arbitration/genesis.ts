import type { FromSchema } from "json-schema-to-ts";
import type { Ctx, GenesisDef } from "../../runtime/modules/types.ts";
import { ADDRESS_PATTERN } from "../../runtime/modules/schemas.ts";
import { defaultParams, paramsProblem, paramsSchema } from "./params.ts";
import { bondsHeld, caseSchema, type Case } from "./records.ts";
import { ArbitrationError } from "./errors.ts";
import * as K from "./keys.ts";
import type { ArbitrationKeeper } from "./keeper/arbitration-keeper.ts";

const address = { type: "string", pattern: ADDRESS_PATTERN } as const;
const uint = { type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;

export const arbitrationGenesisSchema = {
  $id: "https://nexusos.dev/schemas/arbitration.v1.Genesis.json",
  type: "object",
  properties: {
    params: paramsSchema,
    /** Registered arbiters (registered at height 0). */
    arbiters: { type: "array", items: address, uniqueItems: true },
    cases: { type: "array", items: caseSchema },
    /** The highest case id issued (the next filing gets lastCaseId + 1). */
    lastCaseId: uint,
    /** Arbiters removed while on an open case's panel, with the height of removal. */
    removed: { type: "array", items: { type: "object", properties: { address, height: uint }, required: ["address", "height"], additionalProperties: false } },
  },
  required: ["params", "arbiters", "cases", "lastCaseId", "removed"],
  additionalProperties: false,
} as const;

export type ArbitrationGenesis = FromSchema<typeof arbitrationGenesisSchema>;

export function defaultArbitrationGenesis(): ArbitrationGenesis {
  return { params: defaultParams(), arbiters: [], cases: [], lastCaseId: 0, removed: [] };
}

const bad = (message: string): ArbitrationError => new ArbitrationError("ARBITRATION_GENESIS_INVALID", message);

/**
 * Import rebuilds what derives from the cases (the bond total, the deadline queue, the open
 * panels' assignments) and the arbiter counter, so an exported state imports to the same
 * state. The module account's balance is bank's genesis: the bonds invariant checks the two agree.
 */
export function arbitrationGenesis(keeper: ArbitrationKeeper): GenesisDef<ArbitrationGenesis> {
  return {
    schema: arbitrationGenesisSchema,
    defaults: defaultArbitrationGenesis,
    init(ctx: Ctx, g: ArbitrationGenesis): void {
      const problem = paramsProblem(g.params);
      if (problem) throw bad(`params: ${problem}`);
      keeper.setParams(ctx, g.params);
      if (g.arbiters.length > g.params.maxArbiters) throw bad(`${g.arbiters.length} arbiters, params.maxArbiters is ${g.params.maxArbiters}`);
      for (const a of g.arbiters) K.Arbiters.set(ctx, a, { address: a, addedHeight: 0 });
      K.ArbiterCount.set(ctx, g.arbiters.length);
      for (const r of g.removed) {
        if (K.Arbiters.has(ctx, r.address)) throw bad(`removed arbiter ${r.address} is also registered`);
        K.Removed.set(ctx, r.address, r.height);
      }
      let total = 0n;
      for (const raw of g.cases) {
        const c = raw as Case;
        if (K.Cases.has(ctx, c.id)) throw bad(`case ${c.id} listed twice`);
        if (c.id < 1 || c.id > g.lastCaseId) throw bad(`case ${c.id} is not within 1..lastCaseId ${g.lastCaseId}`);
        if (c.status === "ruled" && c.appealDeadlineMs === undefined) throw bad(`ruled case ${c.id} has no appealDeadlineMs`);
        // An open or ruled case in round r has r − 1 prior rounds, and an appellant from round 2 on
        // (closing it forfeits or returns that appellant's bond by the prior round's outcome).
        if ((c.status === "open" || c.status === "ruled") && c.priorRounds.length !== c.round - 1) {
          throw bad(`${c.status} case ${c.id} is in round ${c.round} but lists ${c.priorRounds.length} prior rounds (expected ${c.round - 1})`);
        }
        if ((c.status === "open" || c.status === "ruled") && (c.appellant !== undefined) !== c.round > 1) {
          throw bad(c.round > 1 ? `${c.status} case ${c.id} is in round ${c.round} without an appellant` : `case ${c.id} names an appellant in round 1`);
        }
        K.Cases.set(ctx, c.id, c);
        total += bondsHeld(c);
        if (c.status === "open") {
          K.Deadlines.enqueue(ctx, c.rulingDeadlineMs, c.id, { stage: "ruling", round: c.round });
          const ruled = new Set(c.rulings.map((r) => r.arbiter));
          for (const a of c.panel) if (!ruled.has(a)) K.Assignments.set(ctx, [a, c.id], true);
        } else if (c.status === "ruled") {
          K.Deadlines.enqueue(ctx, c.appealDeadlineMs!, c.id, { stage: "appeal", round: c.round });
        }
      }
      if (total > 0n) K.BondsHeld.set(ctx, total);
      K.CaseSeq.set(ctx, BigInt(g.lastCaseId));
    },
    /** Walks every case: export only (never in a block). */
    export(ctx: Ctx): ArbitrationGenesis {
      const removed: { address: string; height: number }[] = [];
      for (const [address, height] of K.Removed.iterate(ctx)) removed.push({ address, height });
      return {
        params: { ...keeper.params(ctx), remedyTypeUrls: [...keeper.params(ctx).remedyTypeUrls] },
        arbiters: keeper.arbiters(ctx),
        cases: [...K.Cases.values(ctx)] as ArbitrationGenesis["cases"],
        lastCaseId: Number(K.CaseSeq.peek(ctx)),
        removed,
      };
    },
  };
}
