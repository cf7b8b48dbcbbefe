import { inject, injectable } from "inversify";
import type { Ctx } from "../../runtime/modules/types.ts";
import type { BandRoleProvider } from "../../runtime/app/interfaces.ts";
import { Band } from "../../runtime/tx/bands.ts";
import type { BhlsKeeper } from "./keeper/bhls-keeper.ts";

export const BhlsKeeperToken = Symbol.for("bhls.Keeper");

/** PICO (identity band): held by a registered attestor (SPEC.md). One read. */
@injectable()
export class PicoRoleProvider implements BandRoleProvider {
  readonly band = Band.PICO;

  constructor(@inject(BhlsKeeperToken) private readonly keeper: BhlsKeeper) {}

  holds(ctx: Ctx, address: string): boolean {
    return this.keeper.isAttestor(ctx, address);
  }
}
