import { buildTx, type BuildTxOptions } from "../../runtime/rpc/tx-builder.ts";
import { signerAddress } from "../../runtime/tx/sign.ts";
import type { DecodedTx, Msg } from "../../runtime/tx/envelope.ts";
import { BankTypeUrls } from "./msgs.ts";
import { NXT_DENOM } from "./params.ts";

/** Kept for callers of the old runtime/rpc export. */
export const MSG_SEND_TYPE_URL = BankTypeUrls.Send;

export interface BuildSendTxOptions extends Omit<BuildTxOptions, "msgs"> {
  to: string;
  /** Base units. */
  amount: bigint | string;
  /** Default NXT's base denomination. */
  denom?: string;
}

/** The /bank.v1.MsgSend of `amount` from the signer's address to `to`. */
export function sendMsg(from: string, to: string, amount: bigint | string, denom: string = NXT_DENOM): Msg {
  return { typeUrl: BankTypeUrls.Send, value: { from, to, amount: [{ denom, amount: BigInt(amount).toString() }] } };
}

/** A signed bank transfer from the signer's address. */
export function buildSendTx(o: BuildSendTxOptions): DecodedTx {
  const { to, amount, denom, ...rest } = o;
  return buildTx({ ...rest, msgs: [sendMsg(signerAddress(o.signer), to, amount, denom)] });
}
