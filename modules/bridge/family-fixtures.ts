import type { ChainSettings } from "./params.ts";

/** Chain settings of each family and a published Substrate vector, shared by the families tests. */
export const base = { enabled: true, paused: false, confirmations: 1, minAmount: "1", rateLimit: { capacity: "10", refillPerSecond: "1" }, outboundTtlSeconds: 60 } as const;
export const evm: ChainSettings = { ...base, name: "sepolia", family: "evm" };
export const dot: ChainSettings = { ...base, name: "assethub", family: "substrate", substrate: { ss58Prefix: 42, assetId: "1984" } };
export const atom: ChainSettings = { ...base, name: "cosmoshub", family: "cosmos", cosmos: { chainId: "cosmoshub-4", prefix: "cosmos", denom: "ibc/nxt" } };

// Alice of the Substrate dev keyring (a published vector): //Alice sr25519 public key and its SS58 (generic prefix 42).
export const ALICE_PUB = "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d";
export const ALICE_SS58 = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
