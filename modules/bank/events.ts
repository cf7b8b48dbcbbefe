/** Event types the bank emits; names are API for subscribers: never change one. */
export const BankEvents = {
  Transfer: "bank.transfer",
  Mint: "bank.mint",
  Burn: "bank.burn",
  ParamsUpdated: "bank.params_updated",
} as const;
