// A NexusOS validator's attestation for NexusBridge: EIP-712 typed data over the bridge's domain,
// signed by validator keys and packed the way the bridge takes them (65-byte r‖s‖v signatures
// by ascending signer address). The relayer does this with signatures the validators publish on
// NexusOS (bridges/evm); tests and the local developer flow sign here with keys they hold.
//
//   const domain = await bridgeDomain(publicClient, bridgeAddress);
//   const signatures = await attest(validatorAccounts, domain, "Mint", { transferId, recipient, amount, expiresAt });
//   await bridge.write.mint([transferId, recipient, amount, expiresAt, signatures]);
import { concat, getAddress, type Address, type Hex, type PublicClient } from "viem";
import type { LocalAccount } from "viem/accounts";
import { BRIDGE_TYPES } from "../../bridges/evm/abi.ts";

/** NexusBridge's EIP-712 types (docs/contracts.md lists them; version "2" of the domain). */
export const ATTESTATION_TYPES = BRIDGE_TYPES;

export type AttestationType = keyof typeof ATTESTATION_TYPES;

export interface Domain {
  name: "NexusBridge";
  version: "2";
  chainId: number;
  verifyingContract: Address;
}

/** The bridge's EIP-712 domain on the chain the client talks to. */
export async function bridgeDomain(client: Pick<PublicClient, "getChainId">, bridge: Address): Promise<Domain> {
  return { name: "NexusBridge", version: "2", chainId: await client.getChainId(), verifyingContract: getAddress(bridge) };
}

/** Sorts keys (or signers) by ascending address, the order the bridge requires. */
export function ascending<T extends { address: Address }>(keys: readonly T[]): T[] {
  return [...keys].sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
}

/** One signature per signer, in the given order, packed r ‖ s ‖ v ("0x" for none). */
export async function attest(
  signers: readonly LocalAccount[],
  domain: Domain,
  primaryType: AttestationType,
  message: Record<string, unknown>,
): Promise<Hex> {
  const sigs: Hex[] = [];
  for (const signer of signers) {
    sigs.push(await signer.signTypedData({ domain, types: ATTESTATION_TYPES, primaryType, message: message as never }));
  }
  return sigs.length === 0 ? "0x" : concat(sigs);
}
