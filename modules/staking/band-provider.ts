import { inject, injectable } from "inversify";
import type { Ctx } from "../../runtime/modules/types.ts";
import type { BandRoleProvider } from "../../runtime/app/interfaces.ts";
import { Band } from "../../runtime/tx/bands.ts";
import type { StakingKeeper } from "./keeper/staking-keeper.ts";

export const StakingKeeperToken = Symbol.for("staking.Keeper");

/** FEMTO (validation band): held by the operator of a bonded, not jailed validator. */
@injectable()
export class FemtoRoleProvider implements BandRoleProvider {
  readonly band = Band.FEMTO;

  constructor(@inject(StakingKeeperToken) private readonly keeper: StakingKeeper) {}

  holds(ctx: Ctx, address: string): boolean {
    return this.keeper.isActiveValidator(ctx, address);
  }
}
