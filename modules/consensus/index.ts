import { ContainerModule, inject, injectable } from "inversify";
import type { ChainModule, ModuleInstance, MsgDef, QueryDef } from "../../runtime/modules/types.ts";
import { VerifiedSignatures } from "../../runtime/crypto/verified-signatures.ts";
import { VerifiedSignaturesToken } from "../../runtime/consensus/chain-contract.ts";
import { ConsensusExpectedTokens, type StakingForConsensus } from "./expected-keepers.ts";
import { NS, consensusMsgs, consensusQueries } from "./msgs.ts";

/**
 * The chain side of BFT consensus. Blocks carry no consensus fields, so the proposer adds
 * a transaction with the previous block's commit certificate (liveness: staking's
 * recordSignatures) and any duplicate-vote evidence (staking's slashDoubleSign). Handlers
 * trust nothing from the proposer: certificates and evidence are verified against staking's
 * validator set of their height, read from state. Staking is reached only through
 * StakingForConsensus (expected-keepers.ts), which the chain binds.
 */
const ConsensusModuleToken = Symbol.for("consensus.Module");

@injectable()
class ConsensusChainModule implements ModuleInstance {
  readonly msgs: readonly MsgDef[];
  readonly queries: Readonly<Record<string, QueryDef>>;
  constructor(@inject(ConsensusExpectedTokens.Staking) keeper: StakingForConsensus, @inject(VerifiedSignaturesToken) verified: VerifiedSignatures) {
    this.msgs = consensusMsgs(keeper, verified);
    this.queries = consensusQueries(keeper);
  }
}

/**
 * The consensus chain module, with its staking dependency bound to `o.staking` (the token of
 * a service implementing StakingForConsensus: the reference chain passes staking's keeper).
 */
export function createConsensusModule(o: { staking: symbol }): ChainModule {
  return {
    name: NS,
    version: 1,
    dependsOn: ["staking"],
    bindings: new ContainerModule(({ bind }) => {
      bind(ConsensusExpectedTokens.Staking).toService(o.staking);
      bind(ConsensusModuleToken).to(ConsensusChainModule).inSingletonScope();
      bind(VerifiedSignaturesToken).toConstantValue(new VerifiedSignatures());
    }),
    instance: ConsensusModuleToken,
  };
}

export { consensusMsgs, consensusQueries, toValidators } from "./msgs.ts";
export { ConsensusTypeUrls, ConsensusQueries, VerifiedSignaturesToken, type MsgReportCommit, type MsgSubmitEvidence } from "../../runtime/consensus/chain-contract.ts";
export { ConsensusExpectedTokens, type StakingForConsensus, type SetMember } from "./expected-keepers.ts";
