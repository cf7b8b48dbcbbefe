// A NexusOS ⇄ Hardhat bridge brought up as a launch does it, shared by the end-to-end test
// (test/e2e/bridge-evm.test.ts) and the bridge bench (bench/bridge-evm.ts): NexusOS's genesis
// names the bridge's address before it is deployed (the deployer's next contract address);
// the validators register their EVM keys; the bridge is deployed with bridge/attestationKeys'
// keys and powers (desiredSet) and must land at the address the genesis named.
import { getAddress, getContractAddress, type Address } from "viem";
import { NXT, type ChainSettings } from "../../../modules/bridge/params.ts";
import { EVM_CHAIN } from "../../../modules/bridge/testing.ts";
import { desiredSet, type AttestationKeys } from "../validator-set.ts";
import { deployBridge, type HardhatRpc } from "./hardhat-rpc.ts";

/** NexusOS's name of the chain. */
export const EVM_LOCAL = "evm-local";

/**
 * NexusOS's settings of the Hardhat chain: the bridge tests' EVM_CHAIN (2 confirmations, the
 * EVM family's default on dev chains; 1 NXT minimum) with transfers valid for a day, a rate
 * limit that does not bind (1 000 000 NXT, refilled at 10 000 NXT/s) and this bridge.
 */
export function evmLocalChain(chainId: number, bridgeContract: Address): ChainSettings {
  return {
    ...EVM_CHAIN,
    name: EVM_LOCAL,
    confirmations: 2,
    outboundTtlSeconds: 86_400,
    rateLimit: { capacity: (1_000_000n * NXT).toString(), refillPerSecond: (10_000n * NXT).toString() },
    evm: { chainId, bridgeContract: bridgeContract.toLowerCase() },
  };
}

/** Where the first wallet's next deployment lands: (deployer, nonce). */
export async function nextContractAddress(rpc: Pick<HardhatRpc, "connection">): Promise<Address> {
  const publicClient = await rpc.connection.viem.getPublicClient();
  const [deployer] = await rpc.connection.viem.getWalletClients();
  const nonce = await publicClient.getTransactionCount({ address: deployer!.account.address });
  return getContractAddress({ from: deployer!.account.address, nonce: BigInt(nonce) });
}

/**
 * NexusBridge (with its WNXT) guarded by the set NexusOS asks for (every active validator
 * keyed), deployed by the first wallet; fails unless it lands at `expected`.
 */
export async function deployBridgeForKeys(rpc: Pick<HardhatRpc, "connection">, ak: AttestationKeys, expected: Address) {
  const set = desiredSet(ak);
  if (set.keyedPower !== set.totalPower) throw new Error(`validators without an EVM key: ${ak.missing.join(", ")} (keyed power ${set.keyedPower} of ${set.totalPower})`);
  const f = await deployBridge(rpc, set.validators, set.powers);
  if (getAddress(f.bridge.address) !== getAddress(expected)) throw new Error(`the bridge landed at ${f.bridge.address}, NexusOS's genesis names ${expected}: the deployer sent a transaction in between`);
  return { ...f, set };
}
