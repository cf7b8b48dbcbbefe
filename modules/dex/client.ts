import { buildTx, type BuildTxOptions } from "../../runtime/rpc/tx-builder.ts";
import { signerAddress } from "../../runtime/tx/sign.ts";
import type { DecodedTx, Msg } from "../../runtime/tx/envelope.ts";
import { DexTypeUrls } from "./msgs.ts";
import type { DexParams } from "./params.ts";

/** Base units: a bigint, a decimal string, or a safe integer. */
type Amount = bigint | string | number;
const s = (a: Amount): string => BigInt(a).toString();

/** Message builders: amounts in base units, deadlines in unix seconds. */
export const dexMsg = {
  createPool: (sender: string, denomA: string, amountA: Amount, denomB: string, amountB: Amount, deadline: number, minLiquidity?: Amount): Msg => ({
    typeUrl: DexTypeUrls.CreatePool,
    value: { sender, denomA, denomB, amountA: s(amountA), amountB: s(amountB), deadline, ...(minLiquidity !== undefined ? { minLiquidity: s(minLiquidity) } : {}) },
  }),
  addLiquidity: (sender: string, denomA: string, denomB: string, amountADesired: Amount, amountBDesired: Amount, amountAMin: Amount, amountBMin: Amount, deadline: number): Msg => ({
    typeUrl: DexTypeUrls.AddLiquidity,
    value: { sender, denomA, denomB, amountADesired: s(amountADesired), amountBDesired: s(amountBDesired), amountAMin: s(amountAMin), amountBMin: s(amountBMin), deadline },
  }),
  removeLiquidity: (sender: string, denomA: string, denomB: string, liquidity: Amount, amountAMin: Amount, amountBMin: Amount, deadline: number): Msg => ({
    typeUrl: DexTypeUrls.RemoveLiquidity,
    value: { sender, denomA, denomB, liquidity: s(liquidity), amountAMin: s(amountAMin), amountBMin: s(amountBMin), deadline },
  }),
  swapExactIn: (sender: string, route: readonly string[], amountIn: Amount, minAmountOut: Amount, deadline: number, receiver?: string): Msg => ({
    typeUrl: DexTypeUrls.SwapExactIn,
    value: { sender, route: [...route], amountIn: s(amountIn), minAmountOut: s(minAmountOut), deadline, ...(receiver ? { receiver } : {}) },
  }),
  swapExactOut: (sender: string, route: readonly string[], amountOut: Amount, maxAmountIn: Amount, deadline: number, receiver?: string): Msg => ({
    typeUrl: DexTypeUrls.SwapExactOut,
    value: { sender, route: [...route], amountOut: s(amountOut), maxAmountIn: s(maxAmountIn), deadline, ...(receiver ? { receiver } : {}) },
  }),
  updateParams: (authority: string, params: DexParams): Msg => ({ typeUrl: DexTypeUrls.UpdateParams, value: { authority, params: { ...params } } }),
};

export interface BuildSwapTxOptions extends Omit<BuildTxOptions, "msgs"> {
  route: readonly string[];
  amountIn: Amount;
  minAmountOut: Amount;
  deadline: number;
  receiver?: string;
}

/** A signed exact-input swap from the signer's address. */
export function buildSwapExactInTx(o: BuildSwapTxOptions): DecodedTx {
  const { route, amountIn, minAmountOut, deadline, receiver, ...rest } = o;
  return buildTx({ ...rest, msgs: [dexMsg.swapExactIn(signerAddress(o.signer), route, amountIn, minAmountOut, deadline, receiver)] });
}
