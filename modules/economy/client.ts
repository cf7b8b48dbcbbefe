import type { Msg } from "../../runtime/tx/envelope.ts";
import { EconomyTypeUrls, type MsgBuyPostage, type MsgTreasuryDraw, type MsgUpdateParams } from "./msgs.ts";

/**
 * Economy messages for `buildTx` (runtime/rpc/tx-builder.ts), typed by their schemas:
 * `buildTx({ chainId, signer, nonce, msgs: [buyPostageMsg({ buyer, amount: "100000000" })] })`.
 * Amounts are base units as decimal strings, as on the wire.
 */
export const buyPostageMsg = (value: MsgBuyPostage): Msg => ({ typeUrl: EconomyTypeUrls.BuyPostage, value });
export const treasuryDrawMsg = (value: MsgTreasuryDraw): Msg => ({ typeUrl: EconomyTypeUrls.TreasuryDraw, value });
export const updateEconomyParamsMsg = (value: MsgUpdateParams): Msg => ({ typeUrl: EconomyTypeUrls.UpdateParams, value });
