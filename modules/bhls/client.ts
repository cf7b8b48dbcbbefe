import type { Msg } from "../../runtime/tx/envelope.ts";
import { BhlsTypeUrls, type MsgClaim, type MsgRegisterAttestor, type MsgRemoveAttestor, type MsgRevokeCitizens, type MsgUpdateParams } from "./msgs.ts";

/**
 * BHLS messages for `buildTx` (runtime/rpc/tx-builder.ts), typed by their schemas:
 * `buildTx({ chainId, signer, nonce, msgs: [claimMsg({ citizen })] })`. MsgRegisterCitizen is
 * built by registerCitizenMsg (attestation.ts) and sent in a PICO transaction by the attestor.
 */
export const claimMsg = (value: MsgClaim): Msg => ({ typeUrl: BhlsTypeUrls.Claim, value });
export const registerAttestorMsg = (value: MsgRegisterAttestor): Msg => ({ typeUrl: BhlsTypeUrls.RegisterAttestor, value });
export const removeAttestorMsg = (value: MsgRemoveAttestor): Msg => ({ typeUrl: BhlsTypeUrls.RemoveAttestor, value });
export const revokeCitizensMsg = (value: MsgRevokeCitizens): Msg => ({ typeUrl: BhlsTypeUrls.RevokeCitizens, value });
export const updateBhlsParamsMsg = (value: MsgUpdateParams): Msg => ({ typeUrl: BhlsTypeUrls.UpdateParams, value });
export { registerCitizenMsg, signAttestation, phoneHash, type Attestation } from "./attestation.ts";
