/**
 * Event types (wire values: relayers and indexers subscribe to them). The first attribute is
 * what subscriptions index on. The first eight are the wire contract's (docs/bridge-protocol.md).
 */
export const BridgeEvents = {
  Outbound: "bridge.outbound", // chain, seq, transferId, sender, recipient, amount, expiresAt; kind (bhls | epoch) and epoch only for BHLS deliveries and epoch updates
  OutboundSigned: "bridge.outbound_signed", // chain, seq, validator
  OutboundReady: "bridge.outbound_ready", // chain, seq (threshold of signatures reached)
  InboundAttested: "bridge.inbound_attested", // chain, seq, validator, contentHash
  InboundCredited: "bridge.inbound_credited", // chain, seq, recipient, amount
  OutboundCompleted: "bridge.outbound_completed", // chain, seq, result (executed | expired; expired: refunded)
  Paused: "bridge.paused", // chain, by, paused ("true" | "false"), reason
  ChainUpdated: "bridge.chain_updated", // chain
  // Added beyond the wire contract:
  InboundApproved: "bridge.inbound_approved", // chain, seq, contentHash (threshold reached; credited now or waiting)
  InboundWaiting: "bridge.inbound_waiting", // chain, seq, reason (error code), retryAtMs
  OutboundResultAttested: "bridge.outbound_result_attested", // chain, seq, validator, result
  KeyRegistered: "bridge.key_registered", // validator, family, key
  ParamsUpdated: "bridge.params_updated", // authority
  SetUpdateSigned: "bridge.set_update_signed", // chain, setId, validator (a ValidatorSetUpdate signature collected)
  BhlsRefused: "bridge.bhls_refused", // chain, claim, citizen, reason (the destination address is invalid: paid to the citizen here)
} as const;
