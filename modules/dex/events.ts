/** Event types the dex emits; names are API for subscribers: never change one. */
export const DexEvents = {
  PoolCreated: "dex.pool_created",
  Mint: "dex.mint",
  Burn: "dex.burn",
  Swap: "dex.swap",
  Sync: "dex.sync",
  ProtocolFee: "dex.protocol_fee",
  ParamsUpdated: "dex.params_updated",
} as const;
