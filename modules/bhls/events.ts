/** Event types the BHLS module emits; names and attributes are API for subscribers: never change one. */
export const BhlsEvents = {
  /** citizen, attestor, phoneHash, expiresAt, renewed ("true" for a re-attestation). */
  CitizenRegistered: "bhls.citizen_registered",
  /** attestor, revoked, remaining (citizens of that attestor still registered). */
  CitizensRevoked: "bhls.citizens_revoked",
  AttestorRegistered: "bhls.attestor_registered",
  AttestorRemoved: "bhls.attestor_removed",
  /** The first claim of an epoch fixed its share: epoch, share, citizens, reserve. */
  EpochShareFixed: "bhls.epoch_share_fixed",
  /**
   * Every payout: citizen, epoch, amount, to (the citizen, or the escrow for a bridged
   * destination), streak (consecutive epochs claimed, this one included), and one attribute per category (food, water, housing, energy, healthcare,
   * connectivity, recycling) whose amounts sum to `amount`.
   */
  Claim: "bhls.claim",
  /** A claim directed to a bridged chain: id, citizen, chain, address, amount, epoch. */
  BridgeClaim: "bhls.bridge_claim",
  /** An escrowed bridge claim paid out: id, citizen, chain, to (the bridge's escrow, or the citizen when the destination cannot pay), amount. */
  BridgeClaimReleased: "bhls.bridge_claim_released",
  ParamsUpdated: "bhls.params_updated",
} as const;
