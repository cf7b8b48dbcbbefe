// Test WNXT on a local chain, minted the way real WNXT is: a Mint attestation signed by the
// bridge's validators and submitted to NexusBridge.mint. On a local node the validators
// (ignition/parameters/localhost.json5) are Hardhat's test accounts #0-#2, whose keys are public,
// so anyone can make the attestation; on any other chain this refuses.
import type {} from "@nomicfoundation/hardhat-viem";
import type { NetworkConnection } from "hardhat/types/network";
import { randomBytes } from "node:crypto";
import { getAddress, toHex, type Address, type Hex } from "viem";
import { mnemonicToAccount, type HDAccount } from "viem/accounts";
import { ascending, attest, bridgeDomain } from "./attest.ts";
import { DeployError } from "./deploy/errors.ts";

/** Hardhat's (and every local dev chain's) public test mnemonic. */
export const HARDHAT_TEST_MNEMONIC = "test test test test test test test test test test test junk";
export const NXT = 10n ** 8n;

/** Hardhat's test accounts #0..n-1. */
export function testAccounts(n: number): HDAccount[] {
  return Array.from({ length: n }, (_, i) => mnemonicToAccount(HARDHAT_TEST_MNEMONIC, { addressIndex: i }));
}

export interface MintResult {
  recipient: Address;
  amount: bigint;
  transferId: Hex;
  transactionHash: Hex;
}

/** Mints `amount` (8-decimal units) of WNXT to each recipient through validator-signed mints. */
export async function mintTestWnxt(connection: NetworkConnection, bridgeAddress: Address, recipients: Address[], amount: bigint): Promise<MintResult[]> {
  const client = await connection.viem.getPublicClient();
  const chainId = await client.getChainId();
  if (chainId !== 31337) {
    throw new DeployError("DEPLOY_FAILED", `test WNXT is minted only on a local chain (chain id 31337), not on chain ${chainId}`, { chainId });
  }
  const bridge = await connection.viem.getContractAt("NexusBridge", bridgeAddress);
  const [keys] = await bridge.read.validators();
  const byAddress = new Map(testAccounts(20).map((a) => [a.address.toLowerCase(), a]));
  const signers = keys.map((k) => byAddress.get(k.toLowerCase()));
  if (signers.some((s) => s === undefined)) {
    throw new DeployError(
      "DEPLOY_FAILED",
      "the bridge's validators are not Hardhat test accounts, so no local key can attest a mint: deploy with ignition/parameters/localhost.json5",
      { validators: keys },
    );
  }
  const domain = await bridgeDomain(client, bridgeAddress);
  const [submitter] = await connection.viem.getWalletClients();
  const out: MintResult[] = [];
  for (const to of recipients) {
    const recipient = getAddress(to);
    // A transfer id is used once; NexusOS derives it from the outbound transfer, a dev mint is random.
    const transferId = toHex(randomBytes(32));
    const { timestamp } = await client.getBlock();
    const expiresAt = timestamp + 3_600n;
    const signatures = await attest(ascending(signers as HDAccount[]), domain, "Mint", { transferId, recipient, amount, expiresAt });
    const hash = await bridge.write.mint([transferId, recipient, amount, expiresAt, signatures], { account: submitter!.account });
    const receipt = await client.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new DeployError("DEPLOY_FAILED", `the mint to ${recipient} reverted (${hash})`, { hash });
    out.push({ recipient, amount, transferId, transactionHash: hash });
  }
  return out;
}
