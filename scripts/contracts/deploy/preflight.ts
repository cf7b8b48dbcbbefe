// Checks made before the first transaction: the deployer's key, the RPC, and whether the key can
// pay for what is left to deploy.
import type {} from "@nomicfoundation/hardhat-viem";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";
import { encodeDeployData, formatEther, formatGwei, type Abi, type Address, type Hex } from "viem";
import { DeployError, shortenHex } from "./errors.ts";
import type { SuiteParameters } from "./parameters.ts";

const KEY = /^(0x)?[0-9a-fA-F]{64}$/;

/**
 * The network's configured private keys: each present, and 32 bytes of hex. Checked before
 * Hardhat uses them, so a bad key is named ("NEXUS_EVM_PRIVATE_KEY is 31 bytes") instead of
 * surfacing as a curve library's complaint. Never prints the key.
 */
export async function checkAccounts(hre: HardhatRuntimeEnvironment, networkName: string): Promise<void> {
  const user = hre.userConfig.networks?.[networkName] as { accounts?: unknown } | undefined;
  const resolved = hre.config.networks[networkName] as { accounts?: unknown } | undefined;
  if (!Array.isArray(user?.accounts) || !Array.isArray(resolved?.accounts)) return; // remote or HD accounts
  for (let i = 0; i < user.accounts.length; i++) {
    const entry = user.accounts[i] as unknown;
    const name =
      typeof entry === "object" && entry !== null && "name" in entry ? String((entry as { name: string }).name) : `networks.${networkName}.accounts[${i}]`;
    let value: string;
    try {
      const r = resolved.accounts[i] as { get?: () => Promise<string> } | string;
      value = typeof r === "string" ? r : await r.get!();
    } catch {
      throw new DeployError(
        "DEPLOY_KEY_MISSING",
        `${name} is not set: store the deployer's private key with \`npx hardhat keystore set ${name}\` (encrypted), or export ${name}=0x… for this shell`,
        { variable: name, network: networkName },
      );
    }
    const v = value.trim();
    if (!KEY.test(v)) {
      const hex = v.replace(/^0x/, "");
      const what = /^[0-9a-fA-F]*$/.test(hex) ? `${hex.length} hex digits (${hex.length / 2} bytes)` : "not hexadecimal";
      throw new DeployError(
        "DEPLOY_KEY_MALFORMED",
        `${name} is not a private key: expected 32 bytes as 64 hex digits (0x optional), got ${what}`,
        { variable: name, network: networkName },
      );
    }
  }
}

/** Where a network's RPC is, for messages: host only, since URLs often carry an API key. */
export async function rpcHost(hre: HardhatRuntimeEnvironment, networkName: string): Promise<string> {
  const cfg = hre.config.networks[networkName] as { type: string; url?: unknown };
  if (cfg.type !== "http") return "the in-process chain";
  try {
    const url = typeof cfg.url === "string" ? cfg.url : await (cfg.url as { getUrl(): Promise<string> }).getUrl();
    return new URL(url).host;
  } catch {
    return `network "${networkName}"`;
  }
}

export interface ChainIdentity {
  chainId: number;
  genesisHash: Hex;
}

function unreachable(where: string, e: unknown): DeployError {
  return new DeployError(
    "DEPLOY_RPC_UNREACHABLE",
    `cannot reach the EVM node at ${where}: ${shortenHex((e as Error).message.split("\n")[0] ?? "").replace(/\.+$/, "")}. ` +
      `Start it (\`npm run node:evm\`), or point the network elsewhere (localhost: NEXUS_EVM_LOCAL_URL; rpc: NEXUS_EVM_RPC_URL)`,
    { where },
  );
}

/** Opens a connection to the network, saying which node could not be reached if it fails. */
export async function connectTo(hre: HardhatRuntimeEnvironment, networkName: string): Promise<NetworkConnection> {
  try {
    return await hre.network.create(networkName);
  } catch (e) {
    throw unreachable(await rpcHost(hre, networkName), e);
  }
}

export async function identifyChain(connection: NetworkConnection, where: string): Promise<ChainIdentity> {
  try {
    const client = await connection.viem.getPublicClient();
    const [chainId, genesis] = await Promise.all([client.getChainId(), client.getBlock({ blockNumber: 0n })]);
    return { chainId, genesisHash: genesis.hash };
  } catch (e) {
    throw unreachable(where, e);
  }
}

export interface PendingWork {
  bridge: boolean;
  factory: boolean;
  router: boolean;
  calls: number;
}

/** Gas for a call whose cost does not depend on arguments much: a bound, not an estimate. */
const CALL_GAS_BOUND = 60_000n;

/**
 * Refuses to start when the deployer cannot pay for what is left: the bridge's and the factory's
 * creation are estimated by the node, the router (whose constructor reads the factory, which may
 * not exist yet) and the settings calls are bounded from their size. Priced at the node's
 * current max fee per gas.
 */
export async function checkFunds(
  connection: NetworkConnection,
  hre: HardhatRuntimeEnvironment,
  deployer: Address,
  params: SuiteParameters,
  work: PendingWork,
): Promise<{ gas: bigint; cost: bigint; balance: bigint }> {
  const client = await connection.viem.getPublicClient();
  const artifact = async (name: string) => (await hre.artifacts.readArtifact(name)) as unknown as { abi: Abi; bytecode: Hex; deployedBytecode: Hex };
  let gas = 0n;
  if (work.bridge) {
    const a = await artifact("NexusBridge");
    const args = [params.validators, params.powers, params.wnxtCapacity, params.wnxtRefillPerSecond, params.bhlsCapacity, params.bhlsRefillPerSecond];
    gas += await client.estimateGas({ account: deployer, data: encodeDeployData({ abi: a.abi, bytecode: a.bytecode, args }) });
  }
  if (work.factory) {
    const a = await artifact("NexusDEXFactory");
    gas += await client.estimateGas({ account: deployer, data: encodeDeployData({ abi: a.abi, bytecode: a.bytecode, args: [deployer] }) });
  }
  if (work.router) {
    const a = await artifact("NexusDEXRouter");
    const initBytes = BigInt((a.bytecode.length - 2) / 2);
    const runtimeBytes = BigInt((a.deployedBytecode.length - 2) / 2);
    gas += 53_000n + 16n * initBytes + 200n * runtimeBytes + 100_000n;
  }
  gas += BigInt(work.calls) * CALL_GAS_BOUND;
  if (gas === 0n) return { gas, cost: 0n, balance: await client.getBalance({ address: deployer }) };
  let price: bigint;
  try {
    price = (await client.estimateFeesPerGas()).maxFeePerGas;
  } catch {
    price = await client.getGasPrice();
  }
  const cost = gas * price;
  const balance = await client.getBalance({ address: deployer });
  if (balance < cost) {
    throw new DeployError(
      "DEPLOY_INSUFFICIENT_FUNDS",
      `the deployer ${deployer} holds ${formatEther(balance)} ETH, but what is left to deploy needs about ${formatEther(cost)} ETH ` +
        `(${gas} gas at ${formatGwei(price)} gwei): send it at least ${formatEther(cost - balance)} ETH more, then run the same command again`,
      { deployer, balance: balance.toString(), needed: cost.toString(), gas: gas.toString() },
    );
  }
  return { gas, cost, balance };
}
