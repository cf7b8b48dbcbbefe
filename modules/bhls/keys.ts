import { StoreLayout, addressKey, addressValue, hexKey, jsonCodec, pairKey, u64NumberKey, uintValue } from "../../runtime/state/collections/index.ts";
import { paramsCodec } from "./params.ts";
import { attestorSchema, bridgeClaimSchema, citizenSchema, epochShareSchema, type Attestor, type BridgeClaim, type Citizen, type EpochShare } from "./records.ts";

/**
 * Store layout of the "bhls" namespace. Prefix bytes are wire values: append only, never
 * reuse one (a retired prefix stays here as a comment).
 */
export const PARAMS_PREFIX = 0x01; // → BhlsParams
export const ATTESTOR_PREFIX = 0x02; // | attestor → Attestor
export const CITIZEN_PREFIX = 0x03; // | address → Citizen
export const CITIZEN_BY_ATTESTOR_PREFIX = 0x04; // | attestor | citizen → ∅ (index)
export const PHONE_HASH_PREFIX = 0x05; // | phoneHash (32 bytes) → citizen address
export const CITIZEN_COUNT_PREFIX = 0x06; // → registered citizens (uint)
export const ATTESTOR_CITIZENS_PREFIX = 0x07; // | attestor → citizens it attested still registered (uint)
export const EPOCH_SHARE_PREFIX = 0x08; // | epoch u64 → EpochShare
export const EPOCH_CLAIMS_PREFIX = 0x09; // | epoch u64 → claims paid in that epoch (uint)
export const BRIDGE_SEQ_PREFIX = 0x0a; // → next bridge claim id
export const BRIDGE_CLAIM_PREFIX = 0x0b; // | id u64 → BridgeClaim (pending delivery)
export const BRIDGE_TOTAL_PREFIX = 0x0c; // → Σ pending bridge claims (= the escrow's balance)
export const REGISTRATION_SEQ_PREFIX = 0x0d; // → the next registration number (Citizen.seq)

const L = new StoreLayout("bhls");

export const Params = L.item(PARAMS_PREFIX, "params", paramsCodec, { memo: true });
export const Attestors = L.map(ATTESTOR_PREFIX, "attestors", addressKey, jsonCodec<Attestor>({ name: "bhls.Attestor", schema: attestorSchema }));
export const Citizens = L.map(CITIZEN_PREFIX, "citizens", addressKey, jsonCodec<Citizen>({ name: "bhls.Citizen", schema: citizenSchema }));
export const CitizensByAttestor = L.index(CITIZEN_BY_ATTESTOR_PREFIX, "citizensByAttestor", Citizens, pairKey(addressKey, addressKey), {
  refs: (pk, v) => [[v.attestor, pk]],
  primaryKey: (ik) => ik[1],
});
export const PhoneHashes = L.map(PHONE_HASH_PREFIX, "phoneHashes", hexKey(32), addressValue);
export const CitizenCount = L.item(CITIZEN_COUNT_PREFIX, "citizenCount", uintValue);
export const AttestorCitizens = L.map(ATTESTOR_CITIZENS_PREFIX, "attestorCitizens", addressKey, uintValue);
// Read by every claim: memo keeps the decoded share while its bytes stay the same.
export const EpochShares = L.map(EPOCH_SHARE_PREFIX, "epochShares", u64NumberKey, jsonCodec<EpochShare>({ name: "bhls.EpochShare", schema: epochShareSchema }), { memo: true });
export const EpochClaims = L.map(EPOCH_CLAIMS_PREFIX, "epochClaims", u64NumberKey, uintValue);
export const BridgeSeq = L.sequence(BRIDGE_SEQ_PREFIX, "bridgeSeq");
export const BridgeClaims = L.map(BRIDGE_CLAIM_PREFIX, "bridgeClaims", u64NumberKey, jsonCodec<BridgeClaim>({ name: "bhls.BridgeClaim", schema: bridgeClaimSchema }));
export const BridgeTotal = L.item(BRIDGE_TOTAL_PREFIX, "bridgeTotal", uintValue);
export const RegistrationSeq = L.sequence(REGISTRATION_SEQ_PREFIX, "registrationSeq");
