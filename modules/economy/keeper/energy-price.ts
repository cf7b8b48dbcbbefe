import { injectable } from "inversify";
import type { Ctx } from "../../../runtime/modules/types.ts";
import { readRuntimeParams } from "../../../runtime/app/runtime-params.ts";
import type { Band } from "../../../runtime/tx/bands.ts";
import type { Rational } from "../../../runtime/tx/bands.ts";
import type { EnergyPrice } from "../expected-keepers.ts";
import { EconomyError } from "../errors.ts";

/**
 * The default EnergyPrice: the joulesPerUnit table of the runtime params in state (the table
 * transaction fees use), read on the block's own branch, so a governance change applies to
 * postage and fees alike from the same moment.
 */
@injectable()
export class RuntimeEnergyPrice implements EnergyPrice {
  joulesPerUnit(ctx: Ctx, band: number): Rational {
    const p = readRuntimeParams(ctx);
    if (!p) throw new EconomyError("ECONOMY_NO_ENERGY_PRICE", "the runtime params (joulesPerUnit) are not in state yet");
    const r = p.joulesPerUnit[band as Band];
    if (!r) throw new EconomyError("ECONOMY_NO_ENERGY_PRICE", `no joulesPerUnit for band ${band}`, { band });
    return r;
  }
}
