// The deployment record: what an application or a relayer needs to use a deployment of the
// NexusOS EVM suite, written by `hardhat nexus deploy` to deployments/<deployment id>.json after
// every run, from what the chain says (never from what was asked).
import type { Abi, Address, Hex } from "viem";

export const SUITE_CONTRACTS = ["NexusBridge", "WNXT", "BHLSDistributor", "NexusDEXFactory", "NexusDEXRouter"] as const;
export type SuiteContractName = (typeof SUITE_CONTRACTS)[number];

export interface RecordedContract {
  address: Address;
  /** The transaction that created it (for WNXT and BHLSDistributor: the bridge's deployment). */
  transactionHash?: Hex;
  /** Its block, where a relayer starts following events. */
  blockNumber?: string;
  /** Who created it: the deployer, or the contract whose constructor did (WNXT, BHLSDistributor). */
  createdBy: Address;
  /** Its constructor arguments, as verification needs them (bigints as decimal strings). */
  constructorArgs: (string | string[])[];
  /** The Hardhat artifact it was built from, relative to the repository. */
  artifact: string;
  abi: Abi;
}

/** The settings the chain holds, read back after the deploy. */
export interface OnChainSettings {
  validators: Address[];
  powers: string[];
  validatorSetId: string;
  wnxtCapacity: string;
  wnxtRefillPerSecond: string;
  bhlsCapacity: string;
  bhlsRefillPerSecond: string;
  paused: boolean;
  dexFeeTo: Address;
  dexFeeToSetter: Address;
}

/** A setting whose on-chain value differs from the parameters file's. */
export interface Drift {
  setting: keyof OnChainSettings;
  onChain: string;
  wanted: string;
  /** How it can be changed: "apply" (this tool, with --apply-settings), or the reason it cannot. */
  howToChange: string;
}

export interface DeploymentRecord {
  /** Format version of this file; bumped only by an incompatible change. */
  format: 1;
  deploymentId: string;
  network: string;
  chainId: number;
  /** Hash of block 0: tells two chains with one chain id (or a restarted dev node) apart. */
  genesisHash: Hex;
  deployer: Address;
  /** Ignition's journal of this deployment, relative to the repository. */
  ignitionDir: string;
  updatedAt: string;
  contracts: Record<SuiteContractName, RecordedContract>;
  onChain: OnChainSettings;
  /** Settings that differ from the parameters file at the last run (empty when all match). */
  drift: Drift[];
}
