import type { ChainModule } from "../modules/types.ts";
import { bankModule } from "../../modules/bank/index.ts";
import { stakingModule } from "../../modules/staking/index.ts";

/** The modules of the reference NexusOS chain, in registration order. */
export function referenceModules(): ChainModule[] {
  return [bankModule, stakingModule];
}
