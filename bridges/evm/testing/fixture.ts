// Shared fixture of the EVM family's tests: a NexusBridge on the in-process Hardhat chain
// (served over HTTP by hardhat-rpc.ts), four validator keys with powers 40/30/20/10, a funded
// relayer key, and a logger whose lines the tests can read.
import { expect } from "chai";
import { Writable } from "node:stream";
import pino, { type Logger } from "pino";
import { concat, getAddress, keccak256, parseEther, toHex, type Address, type Hex } from "viem";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { bridgeDomain, MINT_TYPES } from "../abi.ts";
import { EvmBridgeError } from "../errors.ts";
import { deployBridge, testKeys, type HardhatRpc } from "./hardhat-rpc.ts";

export const POWERS = [40n, 30n, 20n, 10n] as const;

export interface CapturedLogger {
  readonly logger: Logger;
  readonly lines: Record<string, unknown>[];
  readonly text: () => string;
}

export function captureLogger(): CapturedLogger {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      const s = chunk.toString("utf8");
      raw.push(s);
      for (const l of s.split("\n")) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: pino({ level: "debug" }, stream), lines, text: () => raw.join("") };
}

export function privateKeyOf(label: string): Hex {
  return keccak256(toHex(label));
}

export async function bridgeFixture(rpc: HardhatRpc, opts: { capacity?: bigint; refill?: bigint } = {}) {
  const validators = testKeys("validator", 4);
  const { bridge, wnxt } = await deployBridge(rpc, validators.map((v) => v.address), [...POWERS], opts);
  const publicClient = await rpc.connection.viem.getPublicClient();
  const testClient = await rpc.connection.viem.getTestClient();
  const wallets = await rpc.connection.viem.getWalletClients();
  const chainId = await publicClient.getChainId();
  const domain = bridgeDomain(chainId, getAddress(bridge.address));
  const relayerKey = privateKeyOf("relayer-0");
  const relayer2Key = privateKeyOf("relayer-1");
  for (const k of [relayerKey, relayer2Key]) await testClient.setBalance({ address: privateKeyToAccount(k).address, value: parseEther("100") });
  /** Packed signatures of `signers` (ascending) over a Mint. */
  const attestMint = async (signers: readonly PrivateKeyAccount[], m: { transferId: Hex; recipient: Address; amount: bigint; expiresAt: bigint }) =>
    concat(await Promise.all(signers.map((s) => s.signTypedData({ domain, types: MINT_TYPES, primaryType: "Mint", message: m }))));
  /** Mints `amount` WNXT to `to` through the bridge with the two biggest validators' signatures. */
  const mintTo = async (to: Address, amount: bigint, id = keccak256(toHex(`mint-${to}-${amount}-${Math.random()}`))) => {
    const m = { transferId: id, recipient: getAddress(to), amount, expiresAt: 4_102_444_800n };
    const hash = await bridge.write.mint([m.transferId, m.recipient, m.amount, m.expiresAt, await attestMint(validators.slice(0, 2), m)]);
    await publicClient.waitForTransactionReceipt({ hash });
  };
  return { bridge, wnxt, validators, publicClient, testClient, wallets, chainId, domain, relayerKey, relayer2Key, attestMint, mintTo };
}

export type BridgeFixture = Awaited<ReturnType<typeof bridgeFixture>>;

/** The family's options for the fixture's bridge. */
export function familyOptions(rpc: HardhatRpc, f: BridgeFixture, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { rpcUrl: rpc.url, chainId: f.chainId, bridgeAddress: f.bridge.address, pollingIntervalMs: 20, ...extra };
}

/** EVM snapshot per test: restores the state `take` was called at before each test. */
export function snapshotEach(rpc: () => HardhatRpc): { take: () => Promise<void> } {
  let id: Hex | undefined;
  beforeEach(async () => {
    if (id === undefined) return;
    const test = await rpc().connection.viem.getTestClient();
    await test.revert({ id });
    id = await test.snapshot();
  });
  return {
    take: async () => {
      id = await (await rpc().connection.viem.getTestClient()).snapshot();
    },
  };
}

/** The EvmBridgeError a promise rejects with (fails the test when it resolves, or rejects with something else). */
export async function rejection(p: Promise<unknown>): Promise<EvmBridgeError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e, "expected a rejection").to.be.instanceOf(EvmBridgeError);
  return e as EvmBridgeError;
}
