// Bridge test fixtures: WNXT, a NexusBridge guarded by four validator
// attestation keys with NexusOS voting powers 40/30/20/10 (a quorum is more
// than 2/3 of the power: the first two keys, 70, pass; the last three, 60, do
// not), and the BHLS distributor, plus the EIP-712 attestation signing a
// NexusOS validator (or the relayer collecting their signatures) performs.
import { concat, getAddress, keccak256, toHex, type Address, type Hex } from "viem";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import type { Chain } from "./helpers.ts";

export const WNXT_UNIT = 10n ** 8n; // 8 decimals
export const DAY = 86_400n;
/** WNXT's token bucket: capacity, and a refill of the capacity per day. */
export const WNXT_LIMIT = 1_000_000n * WNXT_UNIT;
export const WNXT_REFILL = WNXT_LIMIT / DAY; // per second
/** BHLS deliveries' own bucket (keyed by the distributor's address). */
export const BHLS_LIMIT = 5_000_000n * WNXT_UNIT;
export const BHLS_REFILL = BHLS_LIMIT / DAY;
/** Powers of the fixture's validators, in ascending key order: total 100. */
export const POWERS = [40n, 30n, 20n, 10n] as const;
export const TOTAL_POWER = 100n;
/** expiresAt for transfers a test does not let expire: 2100-01-01. */
export const FAR_FUTURE = 4_102_444_800n;

/** Deterministic test keys; sorted by address, as the bridge requires. */
export function validatorKeys(label: string, count: number): PrivateKeyAccount[] {
  return Array.from({ length: count }, (_, i) => privateKeyToAccount(keccak256(toHex(`${label}-${i}`))))
    .sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
}

export const ATTESTATION_TYPES = {
  Mint: [
    { name: "transferId", type: "bytes32" },
    { name: "recipient", type: "address" },
    { name: "amount", type: "uint256" },
    { name: "expiresAt", type: "uint64" },
  ],
  Release: [
    { name: "transferId", type: "bytes32" },
    { name: "token", type: "address" },
    { name: "recipient", type: "address" },
    { name: "amount", type: "uint256" },
    { name: "expiresAt", type: "uint64" },
  ],
  BhlsDelivery: [
    { name: "transferId", type: "bytes32" },
    { name: "citizen", type: "bytes32" },
    { name: "epoch", type: "uint64" },
    { name: "recipient", type: "address" },
    { name: "amount", type: "uint256" },
    { name: "expiresAt", type: "uint64" },
  ],
  ValidatorSetUpdate: [
    { name: "setId", type: "uint64" },
    { name: "validators", type: "address[]" },
    { name: "powers", type: "uint256[]" },
    { name: "nonce", type: "uint256" },
  ],
  EpochUpdate: [
    { name: "epoch", type: "uint64" },
    { name: "floorAmount", type: "uint256" },
  ],
  Pause: [{ name: "pauseNonce", type: "uint256" }],
  Unpause: [{ name: "nonce", type: "uint256" }],
  SetRateLimit: [
    { name: "token", type: "address" },
    { name: "capacity", type: "uint256" },
    { name: "refillPerSecond", type: "uint256" },
    { name: "nonce", type: "uint256" },
  ],
} as const;

export type AttestationType = keyof typeof ATTESTATION_TYPES;

export interface Domain {
  name: "NexusBridge";
  version: "2";
  chainId: number;
  verifyingContract: Address;
}

/** Sorts keys (or signers) by ascending address, the order the bridge requires. */
export function ascending<T extends { address: Address }>(keys: readonly T[]): T[] {
  return [...keys].sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
}

/** One signature per signer, in the given order, packed r ‖ s ‖ v. */
export async function attest(
  signers: readonly PrivateKeyAccount[],
  domain: Domain,
  primaryType: AttestationType,
  message: Record<string, unknown>,
): Promise<Hex> {
  const sigs: Hex[] = [];
  for (const signer of signers) {
    sigs.push(
      await signer.signTypedData({
        domain,
        types: ATTESTATION_TYPES,
        primaryType,
        message: message as never,
      }),
    );
  }
  return sigs.length === 0 ? "0x" : concat(sigs);
}

export async function deployBridgeFixture(chain: Chain) {
  const { viem, wallets, publicClient } = chain;
  const [deployer, user, other] = wallets;
  const validators = validatorKeys("validator", 4);
  const powers = [...POWERS];
  // The bridge deploys WNXT and the BHLS distributor in its constructor.
  const bridge = await viem.deployContract("NexusBridge", [
    validators.map((v) => v.address),
    powers,
    WNXT_LIMIT,
    WNXT_REFILL,
    BHLS_LIMIT,
    BHLS_REFILL,
  ]);
  const wnxt = await viem.getContractAt("WNXT", await bridge.read.wnxt());
  const distributor = await viem.getContractAt("BHLSDistributor", await bridge.read.bhlsDistributor());
  const domain: Domain = {
    name: "NexusBridge",
    version: "2",
    chainId: await publicClient.getChainId(),
    verifyingContract: getAddress(bridge.address),
  };
  return {
    wnxt,
    bridge,
    distributor,
    validators,
    powers,
    /** The smallest quorum: validators 0 and 1, 70 of 100. */
    quorum: validators.slice(0, 2),
    domain,
    deployer,
    user,
    other,
    userAddress: getAddress(user.account.address),
    otherAddress: getAddress(other.account.address),
  };
}

export type BridgeFixture = Awaited<ReturnType<typeof deployBridgeFixture>>;
