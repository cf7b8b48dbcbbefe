import { createPublicClient, defineChain, getAddress, http, type Address, type Chain, type PublicClient, type Transport } from "viem";
import { BRIDGE_DOMAIN_NAME, BRIDGE_DOMAIN_VERSION, NEXUS_BRIDGE_ABI } from "./abi.ts";
import { EvmBridgeError, mapBridgeError } from "./errors.ts";

/** A viem chain for a configured EVM chain (viem checks it against the RPC before sending). */
export function evmChain(name: string, chainId: number, rpcUrl: string): Chain {
  return defineChain({
    id: chainId,
    name,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
}

export function evmPublicClient(chain: Chain, rpcUrl: string, opts: { timeoutMs?: number; transport?: Transport } = {}): PublicClient {
  return createPublicClient({ chain, transport: opts.transport ?? http(rpcUrl, { timeout: opts.timeoutMs ?? 30_000, retryCount: 2 }) });
}

export interface CheckedBridge {
  readonly chainId: number;
  readonly bridgeAddress: Address;
  readonly wnxtAddress: Address;
}

/**
 * Checks that the RPC serves `chainId` and that `bridgeAddress` holds a NexusBridge of version
 * "2" on it (EIP-5267 eip712Domain()), and returns its WNXT (checked against `wnxtAddress` when
 * one is configured). Configuration problems throw non-retryable EvmBridgeErrors with a clear
 * message; an unreachable RPC throws a retryable one.
 */
export async function checkBridge(
  client: PublicClient,
  expected: { chainId: number; bridgeAddress: Address; wnxtAddress?: Address | undefined },
): Promise<CheckedBridge> {
  let actualChainId: number;
  try {
    actualChainId = await client.getChainId();
  } catch (e) {
    throw mapBridgeError(e, "eth_chainId");
  }
  if (actualChainId !== expected.chainId) {
    throw new EvmBridgeError("EVM_WRONG_CHAIN", `the RPC serves chain id ${actualChainId}, but the configuration says ${expected.chainId}`, false, { actualChainId });
  }
  const bridgeAddress = getAddress(expected.bridgeAddress);
  let code: string | undefined;
  try {
    code = await client.getCode({ address: bridgeAddress });
  } catch (e) {
    throw mapBridgeError(e, "eth_getCode");
  }
  if (code === undefined || code === "0x") {
    throw new EvmBridgeError("EVM_NO_CODE", `no contract at bridgeAddress ${bridgeAddress} on chain ${actualChainId}`, false);
  }
  let domain: readonly [string, string, string, bigint, Address, string, readonly bigint[]];
  try {
    domain = await client.readContract({ address: bridgeAddress, abi: NEXUS_BRIDGE_ABI, functionName: "eip712Domain" });
  } catch (e) {
    const mapped = mapBridgeError(e, "eip712Domain()");
    if (mapped.code === "EVM_RPC" && !isNoDataError(e)) throw mapped;
    throw new EvmBridgeError("EVM_NOT_NEXUS_BRIDGE", `the contract at ${bridgeAddress} has no EIP-712 domain: not a NexusBridge`, false, {}, { cause: e });
  }
  const [, name, version, domainChainId, verifyingContract] = domain;
  if (name !== BRIDGE_DOMAIN_NAME) {
    throw new EvmBridgeError("EVM_NOT_NEXUS_BRIDGE", `the contract at ${bridgeAddress} is "${name}", not a ${BRIDGE_DOMAIN_NAME}`, false, { name, version });
  }
  if (version !== BRIDGE_DOMAIN_VERSION) {
    throw new EvmBridgeError(
      "EVM_BRIDGE_VERSION",
      `the NexusBridge at ${bridgeAddress} is version "${version}"; this family speaks version "${BRIDGE_DOMAIN_VERSION}" (its EIP-712 messages differ)`,
      false,
      { version },
    );
  }
  if (domainChainId !== BigInt(expected.chainId) || getAddress(verifyingContract) !== bridgeAddress) {
    throw new EvmBridgeError("EVM_NOT_NEXUS_BRIDGE", `the bridge's EIP-712 domain names chain ${domainChainId} and contract ${verifyingContract}`, false);
  }
  let wnxtAddress: Address;
  try {
    wnxtAddress = getAddress(await client.readContract({ address: bridgeAddress, abi: NEXUS_BRIDGE_ABI, functionName: "wnxt" }));
  } catch (e) {
    throw mapBridgeError(e, "wnxt()");
  }
  if (expected.wnxtAddress !== undefined && getAddress(expected.wnxtAddress) !== wnxtAddress) {
    throw new EvmBridgeError("EVM_WNXT_MISMATCH", `wnxtAddress ${getAddress(expected.wnxtAddress)} is not the bridge's WNXT ${wnxtAddress}`, false);
  }
  return { chainId: actualChainId, bridgeAddress, wnxtAddress };
}

/** A call that returned nothing or undecodable data (no such function): not an RPC failure. */
function isNoDataError(e: unknown): boolean {
  const text = String((e as { name?: string })?.name ?? "") + " " + String((e as Error)?.message ?? "");
  return /ContractFunctionZeroDataError|AbiDecodingZeroDataError|returned no data|AbiDecodingDataSizeTooSmall|execution reverted|reverted/i.test(text);
}

/**
 * Runs `check` once and remembers its result; a retryable failure (the RPC was down) is
 * forgotten so that the next call tries again, a configuration error is remembered.
 */
export function once<T>(check: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    if (pending === undefined) {
      pending = check();
      pending.catch((e: unknown) => {
        if (!(e instanceof EvmBridgeError) || e.retryable) pending = undefined;
      });
    }
    return pending;
  };
}
