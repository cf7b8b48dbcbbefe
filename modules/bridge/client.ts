import type { Msg } from "../../runtime/tx/envelope.ts";
import { BridgeTypeUrls } from "./msgs.ts";
import type { BridgeParams, ChainSettings, Family } from "./params.ts";
import type { OutboundResult } from "./records.ts";

/** Base units: a bigint, a decimal string, or a safe integer. */
type Amount = bigint | string | number;
const s = (a: Amount): string => BigInt(a).toString();

/**
 * Message builders for relayers, watchers and scripts (FEMTO messages go in FEMTO-band
 * transactions sent by the validator; authority messages in a ZEPTO proposal).
 */
export const bridgeMsg = {
  bridgeOut: (sender: string, chain: string, recipient: string, amount: Amount): Msg => ({ typeUrl: BridgeTypeUrls.BridgeOut, value: { sender, chain, recipient, amount: s(amount) } }),
  signOutbound: (validator: string, chain: string, seq: number, signature: string): Msg => ({ typeUrl: BridgeTypeUrls.SignOutbound, value: { validator, chain, seq, signature } }),
  signValidatorSetUpdate: (validator: string, chain: string, u: { setId: number; validators: string[]; powers: string[]; nonce: string }, signature: string): Msg => ({
    typeUrl: BridgeTypeUrls.SignValidatorSetUpdate,
    value: { validator, chain, ...u, signature },
  }),
  attestInbound: (validator: string, chain: string, seq: number, t: { sender: string; recipient: string; amount: Amount; sourceTx: string }): Msg => ({
    typeUrl: BridgeTypeUrls.AttestInbound,
    value: { validator, chain, seq, sender: t.sender, recipient: t.recipient, amount: s(t.amount), sourceTx: t.sourceTx },
  }),
  attestOutboundResult: (validator: string, chain: string, seq: number, result: OutboundResult): Msg => ({ typeUrl: BridgeTypeUrls.AttestOutboundResult, value: { validator, chain, seq, result } }),
  registerAttestationKey: (validator: string, family: Family, key: string): Msg => ({ typeUrl: BridgeTypeUrls.RegisterAttestationKey, value: { validator, family, key } }),
  guardianPause: (validator: string, chain: string, reason: string): Msg => ({ typeUrl: BridgeTypeUrls.GuardianPause, value: { validator, chain, reason } }),
  /** The authority messages: carry them in a ZEPTO governance proposal. */
  updateChain: (authority: string, chain: ChainSettings): Msg => ({ typeUrl: BridgeTypeUrls.UpdateChain, value: { authority, chain } }),
  setPaused: (authority: string, chain: string, paused: boolean): Msg => ({ typeUrl: BridgeTypeUrls.SetPaused, value: { authority, chain, paused } }),
  updateParams: (authority: string, params: BridgeParams): Msg => ({ typeUrl: BridgeTypeUrls.UpdateParams, value: { authority, params } }),
};
