import type { QueryDef } from "../../runtime/modules/types.ts";
import { ADDRESS_PATTERN } from "../../runtime/modules/schemas.ts";
import * as K from "./keys.ts";
import { CASE_STATUSES, type Case, type CaseStatus } from "./records.ts";
import type { ArbitrationKeeper } from "./keeper/arbitration-keeper.ts";

const q = (name: string, properties: Record<string, unknown>, required: string[], description: string) =>
  ({ $id: `https://nexusos.dev/schemas/arbitration.v1.Query${name}.json`, type: "object", description, properties, required, additionalProperties: false }) as const;
const address = { type: "string", pattern: ADDRESS_PATTERN } as const;
const caseId = { type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;
const limit = { type: "integer", minimum: 1, maximum: 100, description: "page size (default 20; assigned: 100)" } as const;

export interface CasesPage {
  cases: Case[];
  /** Pass as `after` for the next page; null on the last. */
  next: number | null;
}

/** Cases by id after `after` (exclusive), optionally of one status, at most `limit`. */
export function listCases(k: ArbitrationKeeper, ctx: Parameters<QueryDef["handle"]>[0], p: { status?: CaseStatus; limit?: number; after?: number }): CasesPage {
  const n = p.limit ?? 20;
  const from = (p.after ?? 0) + 1;
  const cases: Case[] = [];
  let more = false;
  const it: Iterable<[number, Case]> =
    p.status === undefined ? K.Cases.iterate(ctx, { start: from, limit: n + 1 }) : K.CasesByStatus.iterate(ctx, { prefix: [p.status], start: [p.status, from], limit: n + 1 });
  for (const [, c] of it) {
    if (cases.length === n) {
      more = true;
      break;
    }
    cases.push(c);
  }
  return { cases, next: more ? cases[cases.length - 1]!.id : null };
}

export function arbitrationQueries(keeper: ArbitrationKeeper): Record<string, QueryDef> {
  return {
    params: { schema: q("Params", {}, [], "arbitration's params"), handle: (ctx) => keeper.params(ctx) },
    arbiters: { schema: q("Arbiters", {}, [], "registered arbiters (at most params.maxArbiters)"), handle: (ctx) => ({ arbiters: keeper.arbiters(ctx) }) },
    case: {
      schema: q("Case", { caseId }, ["caseId"], "a case (null when there is none with that id)"),
      handle: (ctx, p: { caseId: number }) => keeper.case(ctx, p.caseId) ?? null,
    },
    cases: {
      schema: q("Cases", { status: { type: "string", enum: CASE_STATUSES }, limit, after: { ...caseId, description: "list ids above this one (the previous page's next)" } }, [], "cases by id, optionally of one status, paged"),
      handle: (ctx, p: { status?: CaseStatus; limit?: number; after?: number }) => listCases(keeper, ctx, p),
    },
    assigned: {
      schema: q("Assigned", { arbiter: address, limit }, ["arbiter"], "open rounds where the arbiter is on the current panel and has not ruled yet"),
      handle: (ctx, p: { arbiter: string; limit?: number }) => {
        if (!keeper.isArbiter(ctx, p.arbiter)) return { cases: [] };
        const cases: Case[] = [];
        for (const [, id] of K.Assignments.keys(ctx, { prefix: [p.arbiter], limit: p.limit ?? 100 })) {
          const c = keeper.case(ctx, id);
          if (c && c.status === "open") cases.push(c);
        }
        return { cases };
      },
    },
  };
}
