import type { Ctx } from "../../runtime/modules/types.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import type { BankForGov } from "./expected-keepers.ts";
import * as K from "./keys.ts";
import { NXT_DENOM } from "./params.ts";
import { GOV_DEPOSITS, type GovKeeper } from "./keeper/gov-keeper.ts";

export function govInvariants(keeper: GovKeeper, bank: BankForGov): Record<string, (ctx: Ctx) => string | null> {
  return {
    /** gov_deposits holds exactly the deposits of open proposals. */
    "deposits-escrowed": (ctx) => {
      const held = keeper.depositsHeld(ctx);
      const balance = bank.balance(ctx, moduleAddress(GOV_DEPOSITS), NXT_DENOM);
      return held === balance ? null : `gov_deposits holds ${balance} but open proposals' deposits sum to ${held}`;
    },
    /** Each open proposal's running tally equals one recomputed from its votes and delegations now. */
    "vote-aggregates": (ctx) => {
      for (const [[, id]] of K.VotingQueue.iterate(ctx)) {
        const problem = keeper.votes.aggregatesProblem(ctx, id);
        if (problem) return problem;
      }
      return null;
    },
    /** Every queued proposal is in the status its queue stands for. */
    "queues-match-status": (ctx) => {
      for (const [[, id]] of K.DepositQueue.iterate(ctx)) if (K.Proposals.get(ctx, id)?.status !== "deposit_period") return `proposal ${id} is in the deposit queue but not in its deposit period`;
      for (const [[, id]] of K.VotingQueue.iterate(ctx)) if (K.Proposals.get(ctx, id)?.status !== "voting_period") return `proposal ${id} is in the voting queue but not in its voting period`;
      return null;
    },
  };
}
