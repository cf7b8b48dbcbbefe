import type { ChainModule } from "../modules/types.ts";
import { bankModule } from "../../modules/bank/index.ts";
import { StakingTokens, stakingModule } from "../../modules/staking/index.ts";
import { createConsensusModule } from "../../modules/consensus/index.ts";

/** The modules of the reference NexusOS chain, in registration order. */
export function referenceModules(): ChainModule[] {
  return [bankModule, stakingModule];
}

/** The reference chain run by BFT validators: plus the consensus module (last-commit and evidence reports), bound to staking's keeper. */
export function bftModules(): ChainModule[] {
  return [...referenceModules(), createConsensusModule({ staking: StakingTokens.Keeper })];
}
