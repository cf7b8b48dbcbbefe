/** Event types economy emits; names are API for subscribers: never change one. */
export const EconomyEvents = {
  /** A block's fees routed: total, validators (paid), reserve (incl. remainder), burned. */
  FeesRouted: "economy.fees_routed",
  PostageBought: "economy.postage_bought",
  PostageConsumed: "economy.postage_consumed",
  /** An epoch transition: the reserve and where it went. */
  EpochTransition: "economy.epoch_transition",
  TreasuryDraw: "economy.treasury_draw",
  /** Governance spent treasury NXT: recipient, amount, purpose. */
  TreasurySpend: "economy.treasury_spend",
  ParamsUpdated: "economy.params_updated",
} as const;
