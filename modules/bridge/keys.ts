import { StoreLayout, addressKey, addressValue, emptyValue, hexKey, jsonCodec, stringKey, stringValue, tupleKey, u64NumberKey, uintNumberValue, pairKey } from "../../runtime/state/collections/index.ts";
import { chainSettingsCodec, paramsCodec } from "./params.ts";
import type { Bucket } from "./rules.ts";
import {
  bucketSchema,
  chainTotalsSchema,
  inboundContentSchema,
  inboundSchema,
  OPEN_OUTBOUND,
  outboundSchema,
  outboundSignatureSchema,
  setUpdateSignatureSchema,
  type ChainTotals,
  type SetUpdateSignature,
  type Inbound,
  type Outbound,
  type OutboundSignature,
  type StoredInboundContent,
} from "./records.ts";

/**
 * Store layout of the "bridge" namespace. Prefix bytes are wire values: append only, never
 * reuse one (a retired prefix stays here as a comment).
 */
export const PARAMS_PREFIX = 0x01; // → BridgeParams
export const CHAIN_PREFIX = 0x02; // | chain → ChainSettings
export const NEXT_SEQ_PREFIX = 0x03; // | chain → next outbound seq (from 1)
export const OUTBOUND_PREFIX = 0x04; // | chain | seq u64 → Outbound
export const OPEN_OUTBOUND_PREFIX = 0x05; // | chain | seq u64 → ∅ (index: outbound pending or ready)
export const OUTBOUND_SIG_PREFIX = 0x06; // | chain | seq u64 | validator → {key, signature}
export const RESULT_VOTE_PREFIX = 0x07; // | chain | seq u64 | validator → "executed" | "expired"
export const INBOUND_PREFIX = 0x08; // | chain | seq u64 → Inbound
export const INBOUND_VOTE_PREFIX = 0x09; // | chain | seq u64 | validator → content hash (hex)
export const INBOUND_CONTENT_PREFIX = 0x0a; // | chain | seq u64 | content hash (32 bytes) → content
export const ATTESTATION_KEY_PREFIX = 0x0b; // | validator | family → key
export const KEY_OWNER_PREFIX = 0x0c; // | family | key → validator (one validator per key)
export const BUCKET_PREFIX = 0x0d; // | chain | "in"/"out" → Bucket
export const TOTALS_PREFIX = 0x0e; // | chain → ChainTotals
export const WAIT_ORDER_PREFIX = 0x0f; // → next waiting order number
export const WAITING_PREFIX = 0x10; // | chain | order u64 → inbound seq (approved credits waiting, FIFO per chain)
export const CREDIT_QUEUE_PREFIX = 0x11; // | retryAtMs u64 | chain → ∅ (a chain whose waiting head is retried then)
export const CHAIN_RETRY_PREFIX = 0x12; // | chain → retryAtMs (the chain's one credit-queue entry)
export const BHLS_EPOCH_PREFIX = 0x13; // | chain → the last BHLS epoch an epoch-update outbound was made for
export const SET_UPDATE_SIG_PREFIX = 0x14; // | chain | setId u64 | validator → SetUpdateSignature

const L = new StoreLayout("bridge");
const chainSeq = pairKey(stringKey, u64NumberKey);

export const Params = L.item(PARAMS_PREFIX, "params", paramsCodec, { memo: true });
export const Chains = L.map(CHAIN_PREFIX, "chains", stringKey, chainSettingsCodec);
export const NextSeq = L.map(NEXT_SEQ_PREFIX, "nextSeq", stringKey, uintNumberValue);
export const Outbounds = L.map(OUTBOUND_PREFIX, "outbound", chainSeq, jsonCodec<Outbound>({ name: "bridge.Outbound", schema: outboundSchema }));
export const OpenOutbound = L.index(OPEN_OUTBOUND_PREFIX, "openOutbound", Outbounds, chainSeq, {
  refs: (pk, v) => (OPEN_OUTBOUND.includes(v.status) ? [pk] : []),
  primaryKey: (ik) => ik,
});
export const OutboundSigs = L.map(
  OUTBOUND_SIG_PREFIX,
  "outboundSigs",
  tupleKey<[string, number, string]>(stringKey, u64NumberKey, addressKey),
  jsonCodec<OutboundSignature>({ name: "bridge.OutboundSignature", schema: outboundSignatureSchema }),
);
export const ResultVotes = L.map(RESULT_VOTE_PREFIX, "resultVotes", tupleKey<[string, number, string]>(stringKey, u64NumberKey, addressKey), stringValue);
export const Inbounds = L.map(INBOUND_PREFIX, "inbound", chainSeq, jsonCodec<Inbound>({ name: "bridge.Inbound", schema: inboundSchema }));
export const InboundVotes = L.map(INBOUND_VOTE_PREFIX, "inboundVotes", tupleKey<[string, number, string]>(stringKey, u64NumberKey, addressKey), stringValue);
export const InboundContents = L.map(
  INBOUND_CONTENT_PREFIX,
  "inboundContents",
  tupleKey<[string, number, string]>(stringKey, u64NumberKey, hexKey(32)),
  jsonCodec<StoredInboundContent>({ name: "bridge.InboundContent", schema: inboundContentSchema, bigints: ["amount"] }),
);
export const AttestationKeys = L.map(ATTESTATION_KEY_PREFIX, "attestationKeys", pairKey(addressKey, stringKey), stringValue);
export const KeyOwners = L.map(KEY_OWNER_PREFIX, "keyOwners", pairKey(stringKey, stringKey), addressValue);
export const Buckets = L.map(BUCKET_PREFIX, "buckets", pairKey(stringKey, stringKey), jsonCodec<Bucket>({ name: "bridge.Bucket", schema: bucketSchema, bigints: ["tokens"] }));
export const Totals = L.map(TOTALS_PREFIX, "totals", stringKey, jsonCodec<ChainTotals>({ name: "bridge.ChainTotals", schema: chainTotalsSchema, bigints: ["lockedOut", "refundedOut", "executedOut", "creditedIn"] }));
export const WaitOrder = L.sequence(WAIT_ORDER_PREFIX, "waitOrder");
export const Waiting = L.map(WAITING_PREFIX, "waiting", chainSeq, uintNumberValue);
export const CreditQueue = L.timeQueue(CREDIT_QUEUE_PREFIX, "creditQueue", stringKey, emptyValue);
export const ChainRetry = L.map(CHAIN_RETRY_PREFIX, "chainRetry", stringKey, uintNumberValue);
export const BhlsEpochs = L.map(BHLS_EPOCH_PREFIX, "bhlsEpochs", stringKey, uintNumberValue);
export const SetUpdateSigs = L.map(
  SET_UPDATE_SIG_PREFIX,
  "setUpdateSigs",
  tupleKey<[string, number, string]>(stringKey, u64NumberKey, addressKey),
  jsonCodec<SetUpdateSignature>({ name: "bridge.SetUpdateSignature", schema: setUpdateSignatureSchema }),
);
