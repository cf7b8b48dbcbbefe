import type { QueryDef } from "../../runtime/modules/types.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import { BHLS_FLOOR_RESERVE, FEE_COLLECTOR, LIQUIDITY_ACCOUNTS, POSTAGE, TRANSITION_RESERVE, TREASURY } from "./accounts.ts";
import { NXT_DENOM } from "./params.ts";
import type { EconomyKeeper } from "./keeper/economy-keeper.ts";

const q = (name: string, properties: Record<string, unknown>, required: string[], description: string) =>
  ({ $id: `https://nexusos.dev/schemas/economy.v1.Query${name}.json`, type: "object", description, properties, required, additionalProperties: false }) as const;

export function economyQueries(keeper: EconomyKeeper): Record<string, QueryDef> {
  return {
    params: { schema: q("Params", {}, [], "economy's params"), handle: (ctx) => keeper.params(ctx) },
    epoch: {
      schema: q("Epoch", {}, [], "the current epoch, its start and the block time from which its transition is due"),
      handle: (ctx) => {
        const e = keeper.epoch(ctx);
        const duration = keeper.params(ctx).epochDurationMs;
        return { epoch: e.epoch, startMs: e.startMs, durationMs: duration, nextTransitionMs: e.startMs + duration, treasuryDrawn: e.treasuryDrawn };
      },
    },
    transitions: {
      schema: q(
        "Transitions",
        {
          limit: { type: "integer", minimum: 1, maximum: 100, description: "page size (default 20)" },
          after: { type: "string", description: "cursor from the previous page's `next`" },
          order: { type: "string", enum: ["newest", "oldest"], description: "newest first (default) or by epoch ascending" },
        },
        [],
        "epoch transitions, paged",
      ),
      handle: (ctx, p: { limit?: number; after?: string; order?: "newest" | "oldest" }) =>
        keeper.epochs.transitions(ctx, { limit: p.limit ?? 20, after: p.after, newestFirst: (p.order ?? "newest") === "newest" }),
    },
    transition: {
      schema: q("Transition", { epoch: { type: "integer", minimum: 1 } }, ["epoch"], "the transition that closed an epoch"),
      handle: (ctx, p: { epoch: number }) => keeper.epochs.transition(ctx, p.epoch) ?? null,
    },
    stability: {
      schema: q("Stability", {}, [], "stability index = floor reserve / (citizens × 1150 NXT × 6) and the crisis branch it selects"),
      handle: (ctx) => {
        const s = keeper.stability(ctx);
        return { numerator: s.numerator.toString(), denominator: s.denominator.toString(), index: s.index, citizens: s.citizens.toString(), branch: s.branch };
      },
    },
    postageBudget: {
      schema: q("PostageBudget", { id: { type: "integer", minimum: 0 } }, ["id"], "a postage budget: owner, band, energy bought and remaining (attojoules)"),
      handle: (ctx, p: { id: number }) => keeper.postageBudget(ctx, p.id) ?? null,
    },
    reserves: {
      schema: q("Reserves", {}, [], "NXT held by every account the economy routes through (a fixed list)"),
      handle: (ctx) => {
        const out: Record<string, string> = {};
        for (const m of [FEE_COLLECTOR, POSTAGE, TRANSITION_RESERVE, BHLS_FLOOR_RESERVE, TREASURY, ...LIQUIDITY_ACCOUNTS]) {
          out[m] = keeper.store.bank.balance(ctx, moduleAddress(m), NXT_DENOM).toString();
        }
        return out;
      },
    },
  };
}
