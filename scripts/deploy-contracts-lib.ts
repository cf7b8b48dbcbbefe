// Deploys the NexusOS EVM suite (NexusBridge, which itself creates WNXT and the
// BHLSDistributor, plus the NexusDEX factory and router) to a Hardhat network
// connection and records the addresses in deployments/<network>.json.
//
// Idempotent: a contract already recorded for the same chain id, with code at
// its address, is reused; the follow-up settings (DEX feeTo) are only sent when
// the chain differs from the wanted value. Running it twice deploys nothing new.
import type {} from "@nomicfoundation/hardhat-viem"; // brings the `viem` field of network connections into the types
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { getAddress, isAddress, type Address, type Hex } from "viem";
import type { NetworkConnection } from "hardhat/types/network";

export interface BridgeValidator {
  /** EVM attestation key the NexusOS validator registered. */
  address: Address;
  /** Its NexusOS voting power. */
  power: bigint;
}

export interface SuiteConfig {
  /** The NexusOS validators' EVM attestation keys with their powers, any order.
   * The bridge's threshold is fixed: more than 2/3 of the total power. */
  validators: BridgeValidator[];
  /** WNXT mint limit, a token bucket: at most `wnxtCapacity` (8-decimal units)
   * at once, refilled at `wnxtRefillPerSecond`. */
  wnxtCapacity: bigint;
  wnxtRefillPerSecond: bigint;
  /** BHLS deliveries' own bucket, the same way. */
  bhlsCapacity: bigint;
  bhlsRefillPerSecond: bigint;
  /** Liquidity-allocation address for the DEX protocol fee; zero leaves it off. */
  dexFeeTo?: Address;
  /** Who may change dexFeeTo later; the deployer by default. */
  dexFeeToSetter?: Address;
}

export interface DeployedContract {
  address: Address;
  transactionHash?: Hex;
  blockNumber?: string;
}

export interface DeploymentRecord {
  network: string;
  chainId: number;
  deployer: Address;
  updatedAt: string;
  config: {
    validators: Address[];
    powers: string[];
    wnxtCapacity: string;
    wnxtRefillPerSecond: string;
    bhlsCapacity: string;
    bhlsRefillPerSecond: string;
    dexFeeTo: Address | null;
    dexFeeToSetter: Address;
  };
  contracts: Record<"NexusBridge" | "WNXT" | "BHLSDistributor" | "NexusDEXFactory" | "NexusDEXRouter", DeployedContract>;
}

const ZERO: Address = "0x0000000000000000000000000000000000000000";

/**
 * Parses NEXUS_BRIDGE_VALIDATORS: comma-separated `address:power` entries, the
 * validators' EVM attestation keys with their NexusOS voting powers (as the
 * NexusOS query `bridge/attestationKeys {family: "evm"}` lists them).
 */
export function parseValidators(value: string): BridgeValidator[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const [address, power, ...rest] = entry.split(":").map((s) => s.trim());
      if (!isAddress(address)) throw new Error(`NEXUS_BRIDGE_VALIDATORS: "${address}" is not an address`);
      if (power === undefined || rest.length > 0 || !/^[0-9]+$/.test(power) || BigInt(power) === 0n) {
        throw new Error(`NEXUS_BRIDGE_VALIDATORS: "${entry}" is not address:power with a positive integer power`);
      }
      return { address: getAddress(address), power: BigInt(power) };
    });
}

/** Reads the suite's settings from the environment, with development defaults
 * (the given development keys, power 1 each). */
export function configFromEnv(env: NodeJS.ProcessEnv, devValidators: Address[]): SuiteConfig {
  if (env.NEXUS_BRIDGE_THRESHOLD !== undefined) {
    throw new Error("NEXUS_BRIDGE_THRESHOLD is no longer used: the bridge requires more than 2/3 of the validators' power");
  }
  const validators = env.NEXUS_BRIDGE_VALIDATORS?.trim()
    ? parseValidators(env.NEXUS_BRIDGE_VALIDATORS)
    : devValidators.map((address) => ({ address: getAddress(address), power: 1n }));
  if (validators.length === 0) {
    throw new Error("NEXUS_BRIDGE_VALIDATORS is required on this network (comma-separated address:power entries)");
  }
  // Buckets: capacity in whole NXT, and the seconds it takes to refill from empty.
  const bucket = (capacityVar: string, periodVar: string, defaultNxt: string) => {
    const wholeNxt = BigInt(env[capacityVar] ?? defaultNxt);
    const refillSeconds = BigInt(env[periodVar] ?? "86400");
    if (wholeNxt <= 0n || refillSeconds <= 0n) throw new Error(`${capacityVar} and ${periodVar} must be positive`);
    const capacity = wholeNxt * 10n ** 8n;
    return { capacity, refill: capacity / refillSeconds > 0n ? capacity / refillSeconds : 1n };
  };
  const wnxtBucket = bucket("NEXUS_WNXT_RATE_LIMIT_NXT", "NEXUS_WNXT_RATE_PERIOD", "1000000");
  const bhlsBucket = bucket("NEXUS_BHLS_RATE_LIMIT_NXT", "NEXUS_BHLS_RATE_PERIOD", "5000000");
  const feeTo = env.NEXUS_DEX_FEE_TO;
  const feeToSetter = env.NEXUS_DEX_FEE_TO_SETTER;
  for (const [name, value] of [["NEXUS_DEX_FEE_TO", feeTo], ["NEXUS_DEX_FEE_TO_SETTER", feeToSetter]] as const) {
    if (value !== undefined && !isAddress(value)) throw new Error(`${name}: "${value}" is not an address`);
  }
  return {
    validators,
    wnxtCapacity: wnxtBucket.capacity,
    wnxtRefillPerSecond: wnxtBucket.refill,
    bhlsCapacity: bhlsBucket.capacity,
    bhlsRefillPerSecond: bhlsBucket.refill,
    dexFeeTo: feeTo ? getAddress(feeTo) : undefined,
    dexFeeToSetter: feeToSetter ? getAddress(feeToSetter) : undefined,
  };
}

async function readRecord(file: string): Promise<DeploymentRecord | undefined> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as DeploymentRecord;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

export interface DeployResult {
  record: DeploymentRecord;
  file: string;
  /** Names of the contracts deployed by this run (empty on an idempotent re-run). */
  deployed: string[];
  /** Transactions sent for settings. */
  settings: string[];
}

export async function deploySuite(
  connection: NetworkConnection,
  config: SuiteConfig,
  options: { deploymentsDir: string; log?: (line: string) => void },
): Promise<DeployResult> {
  const log = options.log ?? (() => {});
  const { viem, networkName } = connection;
  const publicClient = await viem.getPublicClient();
  const [wallet] = await viem.getWalletClients();
  if (wallet === undefined) throw new Error(`network "${networkName}" has no account to deploy from`);
  const deployer = getAddress(wallet.account.address);
  const chainId = await publicClient.getChainId();
  // The generic `rpc` network can point at any chain: keep one file per chain id.
  const file = path.join(options.deploymentsDir, networkName === "rpc" ? `rpc-${chainId}.json` : `${networkName}.json`);
  const previous = await readRecord(file);
  const usable = previous !== undefined && previous.chainId === chainId ? previous : undefined;

  // The bridge requires its validator keys sorted ascending (powers follow their keys).
  const sorted = [...config.validators].sort((a, b) =>
    BigInt(a.address) < BigInt(b.address) ? -1 : BigInt(a.address) > BigInt(b.address) ? 1 : 0,
  );
  const validators = sorted.map((v) => v.address);
  const powers = sorted.map((v) => v.power);
  const feeToSetter = config.dexFeeToSetter ?? deployer;
  const deployed: string[] = [];
  const settings: string[] = [];

  async function existing(name: keyof DeploymentRecord["contracts"]): Promise<DeployedContract | undefined> {
    const entry = usable?.contracts[name];
    if (entry === undefined) return undefined;
    const code = await publicClient.getCode({ address: entry.address });
    if (code === undefined || code === "0x") {
      log(`${name}: recorded at ${entry.address} but no code there; deploying again`);
      return undefined;
    }
    log(`${name}: reusing ${entry.address}`);
    return entry;
  }

  async function receiptInfo(hash: Hex): Promise<Pick<DeployedContract, "transactionHash" | "blockNumber">> {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    return { transactionHash: hash, blockNumber: receipt.blockNumber.toString() };
  }

  // Bridge (+ WNXT + BHLSDistributor, created by its constructor).
  let bridgeEntry = await existing("NexusBridge");
  let wnxtEntry: DeployedContract;
  let distributorEntry: DeployedContract;
  if (bridgeEntry === undefined) {
    const { contract, deploymentTransaction } = await viem.sendDeploymentTransaction("NexusBridge", [
      validators,
      powers,
      config.wnxtCapacity,
      config.wnxtRefillPerSecond,
      config.bhlsCapacity,
      config.bhlsRefillPerSecond,
    ]);
    const info = await receiptInfo(deploymentTransaction.hash);
    bridgeEntry = { address: getAddress(contract.address), ...info };
    wnxtEntry = { address: getAddress(await contract.read.wnxt()), ...info };
    distributorEntry = { address: getAddress(await contract.read.bhlsDistributor()), ...info };
    deployed.push("NexusBridge", "WNXT", "BHLSDistributor");
    log(`NexusBridge: deployed at ${bridgeEntry.address} (WNXT ${wnxtEntry.address}, BHLSDistributor ${distributorEntry.address})`);
  } else {
    const bridge = await viem.getContractAt("NexusBridge", bridgeEntry.address);
    wnxtEntry = usable!.contracts.WNXT ?? { address: getAddress(await bridge.read.wnxt()) };
    distributorEntry = usable!.contracts.BHLSDistributor ?? { address: getAddress(await bridge.read.bhlsDistributor()) };
    const [keys, onChainPowers] = await bridge.read.validators();
    const onChain = keys.map((v, i) => `${getAddress(v)}:${onChainPowers[i]}`);
    if (onChain.join() !== validators.map((v, i) => `${v}:${powers[i]}`).join()) {
      log("NexusBridge: note: the on-chain validator set differs from the configured one; rotate it with a set-signed updateValidatorSet");
    }
  }

  // DEX factory and router.
  let factoryEntry = await existing("NexusDEXFactory");
  if (factoryEntry === undefined) {
    const { contract, deploymentTransaction } = await viem.sendDeploymentTransaction("NexusDEXFactory", [deployer]);
    factoryEntry = { address: getAddress(contract.address), ...(await receiptInfo(deploymentTransaction.hash)) };
    deployed.push("NexusDEXFactory");
    log(`NexusDEXFactory: deployed at ${factoryEntry.address}`);
  }
  let routerEntry = await existing("NexusDEXRouter");
  if (routerEntry === undefined) {
    const { contract, deploymentTransaction } = await viem.sendDeploymentTransaction("NexusDEXRouter", [
      factoryEntry.address,
    ]);
    routerEntry = { address: getAddress(contract.address), ...(await receiptInfo(deploymentTransaction.hash)) };
    deployed.push("NexusDEXRouter");
    log(`NexusDEXRouter: deployed at ${routerEntry.address}`);
  }

  // Settings: only what differs from the chain, so a re-run sends nothing.
  const factory = await viem.getContractAt("NexusDEXFactory", factoryEntry.address);
  const wantFeeTo = config.dexFeeTo ?? ZERO;
  if (getAddress(await factory.read.feeTo()) !== wantFeeTo) {
    const setter = getAddress(await factory.read.feeToSetter());
    if (setter !== deployer) {
      log(`NexusDEXFactory: feeTo differs but ${deployer} is not feeToSetter (${setter}); left unchanged`);
    } else {
      await publicClient.waitForTransactionReceipt({ hash: await factory.write.setFeeTo([wantFeeTo]) });
      settings.push(`setFeeTo(${wantFeeTo})`);
      log(`NexusDEXFactory: feeTo set to ${wantFeeTo}`);
    }
  }
  if (getAddress(await factory.read.feeToSetter()) !== feeToSetter && getAddress(await factory.read.feeToSetter()) === deployer) {
    await publicClient.waitForTransactionReceipt({ hash: await factory.write.setFeeToSetter([feeToSetter]) });
    settings.push(`setFeeToSetter(${feeToSetter})`);
    log(`NexusDEXFactory: feeToSetter handed to ${feeToSetter}`);
  }

  const record: DeploymentRecord = {
    network: networkName,
    chainId,
    deployer: usable?.deployer ?? deployer,
    updatedAt: deployed.length === 0 && settings.length === 0 && usable ? usable.updatedAt : new Date().toISOString(),
    config: {
      validators,
      powers: powers.map(String),
      wnxtCapacity: config.wnxtCapacity.toString(),
      wnxtRefillPerSecond: config.wnxtRefillPerSecond.toString(),
      bhlsCapacity: config.bhlsCapacity.toString(),
      bhlsRefillPerSecond: config.bhlsRefillPerSecond.toString(),
      dexFeeTo: config.dexFeeTo ?? null,
      dexFeeToSetter: feeToSetter,
    },
    contracts: {
      NexusBridge: bridgeEntry,
      WNXT: wnxtEntry,
      BHLSDistributor: distributorEntry,
      NexusDEXFactory: factoryEntry,
      NexusDEXRouter: routerEntry,
    },
  };
  await mkdir(options.deploymentsDir, { recursive: true });
  await writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
  return { record, file, deployed, settings };
}
