import { signTx, type Signer } from "../../runtime/tx/sign.ts";
import type { DecodedTx, TxBody } from "../../runtime/tx/envelope.ts";
import { Band } from "../../runtime/tx/bands.ts";
import { addressFor } from "../../runtime/crypto/address.ts";
import { TEST_CHAIN_ID } from "./node-harness.ts";

export function sendBody(from: Signer, to: string, amount: bigint, nonce: bigint, over: Partial<TxBody> = {}): TxBody {
  const sender = addressFor(from.scheme.id, from.publicKey);
  return {
    chainId: TEST_CHAIN_ID,
    sender,
    nonce,
    band: Band.NANO,
    feeLimit: 1_000_000n,
    tip: 0n,
    timeoutHeight: 0,
    memo: "",
    msgs: [{ typeUrl: "/bank.v1.MsgSend", value: { from: sender, to, amount: [{ denom: "nxt", amount: amount.toString() }] } }],
    ...over,
  };
}

export function signedSend(from: Signer, to: string, amount: bigint, nonce: bigint, over: Partial<TxBody> = {}): DecodedTx {
  return signTx(sendBody(from, to, amount, nonce, over), [from]);
}
