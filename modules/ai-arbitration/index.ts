import { ContainerModule, inject, injectable } from "inversify";
import type { ChainModule, Ctx, ModuleInstance } from "../../runtime/modules/types.ts";
import { ArbitrationKeeper, ArbitrationConfigToken } from "./keeper/arbitration-keeper.ts";
import { ArbitrationDeps, type GovernanceForArbitration } from "./expected-keepers.ts";
import { ArbitrationError } from "./errors.ts";
import { arbitrationConfig } from "./params.ts";
import { arbitrationMsgs } from "./msgs.ts";
import { arbitrationQueries } from "./queries.ts";
import { arbitrationGenesis, type ArbitrationGenesis } from "./genesis.ts";
import { arbitrationInvariants } from "./invariants.ts";

export const ArbitrationTokens = {
  Keeper: Symbol.for("arbitration.Keeper"),
  Module: Symbol.for("arbitration.Module"),
  /** ArbitrationConfig: authority, remedy signer, forfeit address. */
  Config: ArbitrationConfigToken,
} as const;

@injectable()
export class ArbitrationModule implements ModuleInstance<ArbitrationGenesis> {
  readonly msgs;
  readonly genesis;
  readonly queries;
  readonly invariants;

  constructor(@inject(ArbitrationTokens.Keeper) readonly keeper: ArbitrationKeeper) {
    this.msgs = arbitrationMsgs(keeper);
    this.genesis = arbitrationGenesis(keeper);
    this.queries = arbitrationQueries(keeper);
    this.invariants = arbitrationInvariants(keeper);
  }

  /** Deadlines due at the block's time: at most params.maxDuePerBlock of them. */
  endBlock(ctx: Ctx): void {
    this.keeper.outcomes.endBlock(ctx);
  }
}

export interface ArbitrationModuleOptions {
  /** Address allowed to send the authority messages (arbiters, params): the governance module account. */
  authority: string;
  /** Signer remedies run as through the message router (default: `authority`, i.e. governance's delegation). */
  remedySigner?: string;
  /** Where forfeited bonds go (default moduleAddress("treasury")). */
  forfeitTo?: string;
  /**
   * Token of a GovernanceForArbitration, resolved on the first escalation (so governance may
   * depend on this module without a construction cycle). Absent: escalated cases are recorded
   * without a proposal (event proposalId "", error says why).
   */
  governance?: symbol;
  /** Token of a BankForArbitration (default: bank's keeper, Symbol.for("bank.Keeper")). */
  bank?: symbol;
}

const noGovernance: GovernanceForArbitration = {
  submitEscalation() {
    throw new ArbitrationError("ARBITRATION_NO_GOVERNANCE", "no governance port is bound: the chain gave arbitration no `governance` token");
  },
};

/**
 * AI arbitration (docs/arbitration.md): disputes with evidence by hash and a bond, panels
 * drawn from the block's prevHash among arbiters governance registered, signed rulings counted
 * m of n with a mean-confidence floor, one appeal to a fresh panel, governance beyond that.
 * Remedies run through the message router as `remedySigner` in band ATTO. Inference never runs
 * on chain: the module records and counts rulings. End block: deadlines, bounded per block.
 */
export function createArbitrationModule(opts: ArbitrationModuleOptions): ChainModule {
  const config = arbitrationConfig({ authority: opts.authority, remedySigner: opts.remedySigner, forfeitTo: opts.forfeitTo });
  return {
    name: "arbitration",
    version: 1,
    dependsOn: ["bank"],
    bindings: new ContainerModule(({ bind }) => {
      bind(ArbitrationTokens.Config).toConstantValue(config);
      bind(ArbitrationDeps.Bank).toService(opts.bank ?? Symbol.for("bank.Keeper"));
      bind(ArbitrationDeps.Governance)
        .toDynamicValue((c) => {
          if (opts.governance === undefined) return noGovernance;
          const token = opts.governance;
          let port: GovernanceForArbitration | undefined;
          const lazy: GovernanceForArbitration = { submitEscalation: (ctx, p) => (port ??= c.get<GovernanceForArbitration>(token)).submitEscalation(ctx, p) };
          return lazy;
        })
        .inSingletonScope();
      bind(ArbitrationTokens.Keeper).to(ArbitrationKeeper).inSingletonScope();
      bind(ArbitrationTokens.Module).to(ArbitrationModule).inSingletonScope();
    }),
    instance: ArbitrationTokens.Module,
  };
}

export { ArbitrationKeeper } from "./keeper/arbitration-keeper.ts";
export {
  ArbitrationTypeUrls,
  type MsgFileDispute,
  type MsgAddEvidence,
  type MsgSubmitRuling,
  type MsgAppeal,
  type MsgRegisterArbiter,
  type MsgRemoveArbiter,
  type MsgUpdateParams,
} from "./msgs.ts";
export { ArbitrationError, ARBITRATION_ERRORS, type ArbitrationErrorCode } from "./errors.ts";
export { ArbitrationEvents } from "./events.ts";
export { defaultParams as defaultArbitrationParams, arbitrationConfig, type ArbitrationConfig, type ArbitrationParams } from "./params.ts";
export { defaultArbitrationGenesis, type ArbitrationGenesis } from "./genesis.ts";
export { ARBITRATION_MODULE_ACCOUNT, ARBITRATION_BLOCKED_ACCOUNTS, ARBITRATION_MODULE_ACCOUNT_PERMISSIONS } from "./accounts.ts";
export { ArbitrationDeps, type BankForArbitration, type GovernanceForArbitration, type EscalationMsg } from "./expected-keepers.ts";
export { drawPanel, panelSeed } from "./panel.ts";
export { tally, type TallyResult, type TallyRules } from "./tally.ts";
export { DISPUTE_KINDS, DECISIONS, CASE_STATUSES, type Case, type Ruling, type EvidenceItem, type Decision, type DisputeKind, type CaseStatus } from "./records.ts";
