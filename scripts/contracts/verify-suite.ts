// Verifies a deployed NexusOS EVM suite on Etherscan (v2 API, or whatever explorer the chain's
// descriptor names) with hardhat-verify's own programmatic API, one contract after the other:
// NexusBridge, then WNXT and BHLSDistributor (which the bridge's constructor created: Ignition's
// `ignition verify` does not know them), then the DEX factory and router. docs/contract-verification.md.
//
// hardhat-verify opens its own connection to the HRE's network (`--network`), so `connection`
// must be a connection to that same network: it serves to ask the explorer whether a contract
// is already verified. Constructor arguments come in the deployment record's form
// (scripts/contracts/deploy/record.ts `RecordedContract.constructorArgs`): decimal strings,
// addresses, and arrays of them, which hardhat-verify ABI-encodes against the artifact.
import type {} from "@nomicfoundation/hardhat-verify"; // brings `connection.verification` into the types
import { verifyContract } from "@nomicfoundation/hardhat-verify/verify";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";

/** The fully qualified name of each suite contract, as hardhat-verify's `contract` option takes it. */
export const SUITE_SOURCES = {
  NexusBridge: "contracts/bridge/NexusBridge.sol:NexusBridge",
  WNXT: "contracts/token/WNXT.sol:WNXT",
  BHLSDistributor: "contracts/bhls/BHLSDistributor.sol:BHLSDistributor",
  NexusDEXFactory: "contracts/dex/NexusDEXFactory.sol:NexusDEXFactory",
  NexusDEXRouter: "contracts/dex/NexusDEXRouter.sol:NexusDEXRouter",
} as const;

export type SuiteContract = keyof typeof SUITE_SOURCES;

export interface SuiteContractToVerify {
  address: `0x${string}`;
  constructorArgs: (string | string[])[];
}

export interface SuiteVerification {
  name: SuiteContract;
  address: `0x${string}`;
  /** "verified" (this run), "already verified" (before it), or why it failed. */
  result: "verified" | "already verified" | string;
}

/**
 * Verifies the five contracts on the HRE's network. Never throws for one contract's failure:
 * each result says what happened, and the caller decides (`nexus verify` exits non-zero when
 * a result is neither "verified" nor "already verified").
 */
export async function verifySuite(
  hre: HardhatRuntimeEnvironment,
  connection: NetworkConnection,
  contracts: Record<SuiteContract, SuiteContractToVerify>,
  log: (line: string) => void = () => {},
): Promise<SuiteVerification[]> {
  const verifyingNetwork = hre.globalOptions.network ?? "default";
  if (connection.networkName !== verifyingNetwork) {
    throw new Error(
      `verifySuite: the connection is to network "${connection.networkName}" but hardhat-verify verifies on the HRE's network "${verifyingNetwork}" (--network)`,
    );
  }
  const explorer = connection.verification.etherscan;
  const results: SuiteVerification[] = [];
  for (const name of Object.keys(SUITE_SOURCES) as SuiteContract[]) {
    const { address, constructorArgs } = contracts[name];
    let result: SuiteVerification["result"];
    try {
      if (await explorer.isVerified(address)) {
        result = "already verified";
      } else {
        // Resolves only once the explorer says "Pass - Verified"; throws a HardhatError otherwise.
        await verifyContract({ address, constructorArgs, contract: SUITE_SOURCES[name], provider: "etherscan" }, hre);
        result = "verified";
      }
    } catch (error) {
      result = `failed: ${error instanceof Error ? error.message : String(error)}`;
    }
    log(`${name} ${address}: ${result}`);
    results.push({ name, address, result });
  }
  return results;
}
