// Bridge test fixtures: WNXT, a NexusBridge guarded by four validator
// attestation keys with NexusOS voting powers 40/30/20/10 (a quorum is more
// than 2/3 of the power: the first two keys, 70, pass; the last three, 60, do
// not), and the BHLS distributor, plus the EIP-712 attestation signing a
// NexusOS validator (or the relayer collecting their signatures) performs.
import { getAddress, keccak256, toHex } from "viem";
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

// The EIP-712 types and signing live with the developer tools, which sign the same way.
export { ATTESTATION_TYPES, ascending, attest, type AttestationType, type Domain } from "../../scripts/contracts/attest.ts";
import type { Domain } from "../../scripts/contracts/attest.ts";

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
