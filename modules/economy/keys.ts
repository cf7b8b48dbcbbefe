import { StoreLayout, jsonCodec, u64NumberKey } from "../../runtime/state/collections/index.ts";
import { paramsCodec } from "./params.ts";
import { budgetSchema, epochStateSchema, transitionSchema, type EpochState, type PostageBudget, type TransitionRecord } from "./records.ts";

/**
 * Store layout of the "economy" namespace. Prefix bytes are wire values: append only, never
 * reuse one (a retired prefix stays here as a comment).
 */
export const PARAMS_PREFIX = 0x01; // 0x01 → EconomyParams
export const EPOCH_PREFIX = 0x02; // 0x02 → EpochState (current epoch, start, treasury drawn in it)
export const BUDGET_SEQ_PREFIX = 0x03; // 0x03 → next postage budget id
export const BUDGET_PREFIX = 0x04; // 0x04 | id u64 → PostageBudget
export const TRANSITION_PREFIX = 0x05; // 0x05 | epoch u64 → TransitionRecord

const L = new StoreLayout("economy");

export const Params = L.item(PARAMS_PREFIX, "params", paramsCodec, { memo: true });
export const Epoch = L.item(EPOCH_PREFIX, "epoch", jsonCodec<EpochState>({ name: "economy.EpochState", schema: epochStateSchema }));
export const BudgetSeq = L.sequence(BUDGET_SEQ_PREFIX, "budgetSeq");
export const Budgets = L.map(BUDGET_PREFIX, "budgets", u64NumberKey, jsonCodec<PostageBudget>({ name: "economy.PostageBudget", schema: budgetSchema }));
export const Transitions = L.map(TRANSITION_PREFIX, "transitions", u64NumberKey, jsonCodec<TransitionRecord>({ name: "economy.Transition", schema: transitionSchema }));
