import { ContainerModule, inject, injectable } from "inversify";
import type { ChainModule, Ctx, ModuleInstance } from "../../runtime/modules/types.ts";
import { BridgeConfigToken, BridgeKeeper } from "./keeper/bridge-keeper.ts";
import { bridgeConfig } from "./params.ts";
import { bridgeMsgs } from "./msgs.ts";
import { bridgeQueries } from "./queries.ts";
import { bridgeGenesis, type BridgeGenesis } from "./genesis.ts";
import { bridgeInvariants } from "./invariants.ts";
import { BridgeDeps } from "./expected-keepers.ts";

export const BridgeTokens = {
  Keeper: Symbol.for("bridge.Keeper"),
  Module: Symbol.for("bridge.Module"),
  /** BridgeConfig: the authority. */
  Config: BridgeConfigToken,
} as const;

@injectable()
export class BridgeModule implements ModuleInstance<BridgeGenesis> {
  readonly msgs;
  readonly genesis;
  readonly queries;
  readonly invariants;

  constructor(@inject(BridgeTokens.Keeper) readonly keeper: BridgeKeeper) {
    this.msgs = bridgeMsgs(keeper);
    this.genesis = bridgeGenesis(keeper);
    this.queries = bridgeQueries(keeper);
    this.invariants = bridgeInvariants(keeper);
  }

  /** Waiting inbound credits that fall due: at most params.maxCreditsPerBlock. */
  endBlock(ctx: Ctx): void {
    this.keeper.endBlock(ctx);
  }
}

export interface BridgeModuleOptions {
  /** Address allowed to send MsgUpdateChain, MsgSetPaused, MsgUpdateParams (default: governance's account). */
  authority?: string;
  /** Token of a StakingForBridge (the reference chain: staking's keeper, StakingTokens.Keeper, as is). */
  staking: symbol;
  /** Token of a BankForBridge (default: bank's keeper, Symbol.for("bank.Keeper")). */
  bank?: symbol;
  /** Token of a BhlsForBridge (the reference chain: bhls's keeper): claims directed to EVM chains are delivered. None: no cross-chain BHLS. */
  bhls?: symbol;
}

/**
 * The bridge (docs/bridges.md): NXT out to EVM, Substrate and Cosmos chains locked in the
 * module account "bridge_escrow" with a transferId and a seq per chain, released by the
 * destination on validators' signatures; NXT in credited once per (chain, seq) on attestations
 * of identical content by > 2/3 of the set's power. Per-chain token buckets, dust minimum,
 * guardian pause. The chain must block "bridge_escrow" for plain sends.
 */
export function createBridgeModule(opts: BridgeModuleOptions): ChainModule {
  const config = bridgeConfig({ authority: opts.authority });
  return {
    name: "bridge",
    version: 1,
    dependsOn: ["bank", "staking"],
    bindings: new ContainerModule(({ bind }) => {
      bind(BridgeTokens.Config).toConstantValue(config);
      bind(BridgeDeps.Bank).toService(opts.bank ?? Symbol.for("bank.Keeper"));
      bind(BridgeDeps.Staking).toService(opts.staking);
      if (opts.bhls !== undefined) bind(BridgeDeps.Bhls).toService(opts.bhls);
      else bind(BridgeDeps.Bhls).toConstantValue(null);
      bind(BridgeTokens.Keeper).to(BridgeKeeper).inSingletonScope();
      bind(BridgeTokens.Module).to(BridgeModule).inSingletonScope();
    }),
    instance: BridgeTokens.Module,
  };
}

export { BridgeKeeper, type VotingSet } from "./keeper/bridge-keeper.ts";
export { OutboundKeeper, type OutboundView } from "./keeper/outbound.ts";
export { InboundKeeper, type InboundView } from "./keeper/inbound.ts";
export {
  BridgeTypeUrls,
  type MsgUpdateChain,
  type MsgSetPaused,
  type MsgUpdateParams,
  type MsgGuardianPause,
  type MsgRegisterAttestationKey,
  type MsgBridgeOut,
  type MsgSignOutbound,
  type MsgAttestInbound,
  type MsgAttestOutboundResult,
  type MsgSignValidatorSetUpdate,
} from "./msgs.ts";
export { BridgeError, BRIDGE_ERRORS, type BridgeErrorCode } from "./errors.ts";
export { BridgeEvents } from "./events.ts";
export { defaultParams as defaultBridgeParams, bridgeConfig, chainSettingsProblem, FAMILIES, type BridgeConfig, type BridgeParams, type ChainSettings, type Family } from "./params.ts";
export { defaultBridgeGenesis, type BridgeGenesis } from "./genesis.ts";
export { BRIDGE_ESCROW, BRIDGE_BLOCKED_ACCOUNTS, BRIDGE_MODULE_ACCOUNT_PERMISSIONS } from "./accounts.ts";
export { BridgeDeps, type BankForBridge, type StakingForBridge, type BridgeValidator, type BhlsForBridge, type BhlsClaimForBridge } from "./expected-keepers.ts";
export { citizenId, passesThreshold, transferId, inboundContentHash, refill, take, freshBucket, expiryPassed, blockSeconds, type Bucket, type BucketRule, type InboundContent } from "./rules.ts";
export { canonicalAddress, attestationKeyProblem, signatureFormatProblem, ss58Encode, ss58Problem } from "./families.ts";
export { mintDigest, bhlsDigest, epochDigest, outboundDigest, validatorSetDigest, BHLS_DELIVERY_TYPE, EPOCH_UPDATE_TYPE, domainSeparator, recoverEvmSigner, signEvmDigest, evmAddressOf, MINT_TYPE, type EvmDomain, type MintFields } from "./eip712.ts";
export { recordsProblem } from "./invariants.ts";
export { OUTBOUND_KINDS } from "./records.ts";
export type { Outbound, OutboundKind, Inbound, OutboundStatus, InboundStatus, OutboundResult, ChainTotals } from "./records.ts";
export { bridgeMsg } from "./client.ts";
