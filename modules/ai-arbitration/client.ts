import type { Msg } from "../../runtime/tx/envelope.ts";
import {
  ArbitrationTypeUrls,
  type MsgAddEvidence,
  type MsgAppeal,
  type MsgFileDispute,
  type MsgRegisterArbiter,
  type MsgRemoveArbiter,
  type MsgSubmitRuling,
  type MsgUpdateParams,
} from "./msgs.ts";

/**
 * Arbitration messages for `buildTx` (runtime/rpc/tx-builder.ts), typed by their schemas:
 * `buildTx({ chainId, signer, nonce, msgs: [submitRulingMsg({ arbiter, caseId, round, decision, confidence, rationaleHash })] })`.
 * The transaction's signature is the signer's: an arbiter's ruling is signed by the arbiter.
 */
export const fileDisputeMsg = (value: MsgFileDispute): Msg => ({ typeUrl: ArbitrationTypeUrls.FileDispute, value });
export const addEvidenceMsg = (value: MsgAddEvidence): Msg => ({ typeUrl: ArbitrationTypeUrls.AddEvidence, value });
export const submitRulingMsg = (value: MsgSubmitRuling): Msg => ({ typeUrl: ArbitrationTypeUrls.SubmitRuling, value });
export const appealMsg = (value: MsgAppeal): Msg => ({ typeUrl: ArbitrationTypeUrls.Appeal, value });
export const registerArbiterMsg = (value: MsgRegisterArbiter): Msg => ({ typeUrl: ArbitrationTypeUrls.RegisterArbiter, value });
export const removeArbiterMsg = (value: MsgRemoveArbiter): Msg => ({ typeUrl: ArbitrationTypeUrls.RemoveArbiter, value });
/** Carried by a governance proposal in band ATTO. */
export const updateArbitrationParamsMsg = (value: MsgUpdateParams): Msg => ({ typeUrl: ArbitrationTypeUrls.UpdateParams, value });
