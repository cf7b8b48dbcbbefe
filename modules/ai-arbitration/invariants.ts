import type { Ctx } from "../../runtime/modules/types.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import { ARBITRATION_MODULE_ACCOUNT } from "./accounts.ts";
import * as K from "./keys.ts";
import { NXT_DENOM } from "./params.ts";
import { bondsHeld } from "./records.ts";
import type { ArbitrationKeeper } from "./keeper/arbitration-keeper.ts";

type Invariant = (ctx: Ctx) => string | null;

const ACCOUNT = moduleAddress(ARBITRATION_MODULE_ACCOUNT);

/** Per block: cheap ones only (two reads). */
export function arbitrationInvariants(keeper: ArbitrationKeeper): Record<string, Invariant> {
  return {
    /** The module account holds exactly the bonds of open and ruled cases (a running total, no walk). */
    bonds: (ctx) => {
      const held = keeper.bank.balance(ctx, ACCOUNT, NXT_DENOM);
      const owed = keeper.bondsHeld(ctx);
      return held === owed ? null : `${ARBITRATION_MODULE_ACCOUNT} holds ${held}${NXT_DENOM}, the bonds of open and ruled cases sum to ${owed}`;
    },
  };
}

/**
 * O(cases): the running bond total against the stored cases, and every open case's panel:
 * each member registered, or removed at or after the round's draw; every member who has not
 * ruled assigned, and no assignment for a case that is not open. A test and export helper,
 * never a per-block invariant.
 */
export function casesProblem(ctx: Ctx): string | null {
  let total = 0n;
  for (const c of K.Cases.values(ctx)) {
    total += bondsHeld(c);
    if (c.status !== "open") continue;
    const ruled = new Set(c.rulings.map((r) => r.arbiter));
    for (const a of c.panel) {
      if (!K.Arbiters.has(ctx, a)) {
        const at = K.Removed.get(ctx, a);
        if (at === undefined || at < c.drawnAtHeight) return `case ${c.id}: panel member ${a} is neither registered nor removed after the draw (height ${c.drawnAtHeight})`;
      }
      if (!ruled.has(a) && !K.Assignments.has(ctx, [a, c.id])) return `case ${c.id}: panel member ${a} has not ruled but is not assigned`;
    }
  }
  const counted = K.BondsHeld.get(ctx) ?? 0n;
  if (counted !== total) return `bond total ${counted}, cases hold ${total}`;
  for (const [a, id] of K.Assignments.keys(ctx)) {
    const c = K.Cases.get(ctx, id);
    if (!c || c.status !== "open" || !c.panel.includes(a)) return `assignment of ${a} to case ${id}, which is not open with it on the panel`;
  }
  return null;
}
