// EvmDestinationSubmitter on Hardhat: mint with the validators' signatures, status
// (pending / done / expired at the final block), racing relayers, and revert mapping.
import { expect } from "chai";
import { getAddress, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { transferId } from "../../modules/bridge/rules.ts";
import type { DestinationSignature, DestinationSubmitter, OutboundTransfer } from "../core/types.ts";
import { EvmBridgeError } from "./errors.ts";
import { createEvmFamily } from "./family.ts";
import type { EvmDestinationSubmitter, EvmSubmitResult } from "./submitter.ts";
import { bridgeFixture, captureLogger, familyOptions, rejection, snapshotEach, type BridgeFixture } from "./testing/fixture.ts";
import { startHardhatRpc, testKeys, type HardhatRpc } from "./testing/hardhat-rpc.ts";

const UNIT = 10n ** 8n;
const FAR = 4_102_444_800n;


describe("bridges/evm EvmDestinationSubmitter", function () {
  this.timeout(120_000);
  let rpc: HardhatRpc;
  let f: BridgeFixture;
  const snap = snapshotEach(() => rpc);
  before(async () => {
    rpc = await startHardhatRpc();
    f = await bridgeFixture(rpc, { capacity: 1_000n * UNIT, refill: UNIT });
    await snap.take();
  });
  after(async () => rpc?.close());

  function submitter(key: Hex = f.relayerKey, extra: Record<string, unknown> = {}, log = captureLogger()): EvmDestinationSubmitter {
    // These tests follow each transaction to its receipt (awaitReceipts); the default sends and returns.
    const fam = createEvmFamily({ name: "evm-local", options: familyOptions(rpc, f, { relayerKey: "RELAYER", confirmations: 2, awaitReceipts: true, ...extra }) }, { logger: log.logger, env: { RELAYER: key } });
    return fam.submitter as EvmDestinationSubmitter;
  }

  let seq = 0n;
  function outbound(amount = 10n * UNIT, expiresAt = FAR): OutboundTransfer {
    seq++;
    return { destChain: "evm-local", seq, transferId: transferId("nexus-devnet", "evm-local", seq), recipient: f.wallets[4]!.account.address.toLowerCase(), amount, expiresAt };
  }

  async function sign(t: OutboundTransfer, which: readonly number[] = [0, 1, 2, 3]): Promise<DestinationSignature[]> {
    const m = { transferId: `0x${t.transferId}` as Hex, recipient: getAddress(t.recipient), amount: t.amount, expiresAt: t.expiresAt };
    const out: DestinationSignature[] = [];
    // Any order: the submitter sorts.
    for (const i of [...which].reverse()) {
      const v = f.validators[i]!;
      const sig = await f.attestMint([v], m);
      out.push({ key: v.address.toLowerCase(), signature: sig.slice(2) });
    }
    return out;
  }

  const balance = () => f.wnxt.read.balanceOf([f.wallets[4]!.account.address]);

  it("mints with > 2/3 of the power (the fewest signatures that pass, ascending), status pending → done once final", async () => {
    const s = submitter();
    const t = outbound();
    expect(await s.status(t)).to.equal("pending");
    const r = await s.submit(t, await sign(t));
    expect(r.alreadyProcessed).to.equal(false);
    expect(r.txHash).to.match(/^0x[0-9a-f]{64}$/);
    // 40 + 30 pass: the two others are not sent.
    expect(r.signers).to.deep.equal([f.validators[0]!.address.toLowerCase(), f.validators[1]!.address.toLowerCase()]);
    const receipt = await f.publicClient.getTransactionReceipt({ hash: r.txHash as Hex });
    expect(receipt.from).to.equal(privateKeyToAccount(f.relayerKey).address.toLowerCase());
    expect(await balance()).to.equal(t.amount);
    // status reads the final block (2 confirmations): still pending right after the mint.
    expect(await s.status(t)).to.equal("pending");
    await f.testClient.mine({ blocks: 2 });
    expect(await s.status(t)).to.equal("done");
  });

  it("submitting again after success is done without a transaction (idempotent)", async () => {
    const s = submitter();
    const t = outbound();
    const first = await s.submit(t, await sign(t));
    const nonce = await f.publicClient.getTransactionCount({ address: s.address });
    const again = await s.submit(t, await sign(t));
    expect(again).to.deep.equal({ txHash: first.txHash, alreadyProcessed: true, signers: [] });
    expect(await f.publicClient.getTransactionCount({ address: s.address })).to.equal(nonce);
    expect(await balance()).to.equal(t.amount);
  });

  it("by default a relayer sends ready transfers back to back without waiting for receipts: one block takes them all; a resubmission waits for the one in flight", async () => {
    const s = submitter(f.relayerKey, { awaitReceipts: false, confirmations: 0 });
    const ts = [outbound(), outbound(), outbound()];
    await f.testClient.setAutomine(false);
    try {
      const sent = [];
      for (const t of ts) sent.push(await s.submit(t, await sign(t)));
      expect(new Set(sent.map((r) => r.txHash)).size).to.equal(3);
      expect(sent.every((r) => !r.alreadyProcessed)).to.equal(true);
      expect(await f.publicClient.getBlockTransactionCount({ blockTag: "pending" })).to.equal(3);
      for (const t of ts) expect(await s.status(t)).to.equal("pending");
      // Submitted again before it is mined: waits for the transaction in flight, sends no other.
      const again = s.submit(ts[0]!, await sign(ts[0]!));
      await new Promise((r) => setTimeout(r, 100));
      expect(await f.publicClient.getBlockTransactionCount({ blockTag: "pending" })).to.equal(3);
      await f.testClient.mine({ blocks: 1 });
      expect((await again).txHash).to.equal(sent[0]!.txHash);
    } finally {
      await f.testClient.setAutomine(true);
    }
    const block = await f.publicClient.getBlock({ includeTransactions: false });
    expect(block.transactions).to.have.length(3);
    for (const t of ts) expect(await s.status(t)).to.equal("done");
  });

  it("two relayers racing into the same block: one mints, the other's revert is reported as done", async () => {
    const a = submitter(f.relayerKey);
    const b = submitter(f.relayer2Key);
    const t = outbound();
    const sigs = await sign(t);
    await f.testClient.setAutomine(false);
    let results: EvmSubmitResult[];
    try {
      const pa = a.submit(t, sigs);
      const pb = b.submit(t, sigs);
      // Both transactions passed estimation and wait in the mempool; then one block takes both.
      for (let i = 0; i < 200; i++) {
        if ((await f.publicClient.getBlockTransactionCount({ blockTag: "pending" })) >= 2) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(await f.publicClient.getBlockTransactionCount({ blockTag: "pending" })).to.equal(2);
      await f.testClient.mine({ blocks: 1 });
      results = await Promise.all([pa, pb]);
    } finally {
      await f.testClient.setAutomine(true);
    }
    const winners = results.filter((r) => !r.alreadyProcessed);
    const losers = results.filter((r) => r.alreadyProcessed);
    expect(winners).to.have.length(1);
    expect(losers).to.have.length(1);
    expect(losers[0]!.txHash).to.equal(winners[0]!.txHash);
    expect(await balance()).to.equal(t.amount);
  });

  it("a receipt that does not come in time: EVM_RPC (retryable); the retry waits for the same transaction instead of sending another", async () => {
    const s = submitter(f.relayerKey, { receiptTimeoutMs: 1000 });
    const t = outbound();
    const sigs = await sign(t);
    const nonce = await f.publicClient.getTransactionCount({ address: s.address });
    await f.testClient.setAutomine(false);
    let e: EvmBridgeError;
    try {
      e = await rejection(s.submit(t, sigs));
    } finally {
      await f.testClient.setAutomine(true);
    }
    expect(e.code).to.equal("EVM_RPC");
    expect(e.retryable).to.equal(true);
    const pending = e.details.txHash as string;
    expect(pending).to.match(/^0x[0-9a-f]{64}$/);
    await f.testClient.mine({ blocks: 1 });
    const r = await s.submit(t, sigs);
    expect(r).to.include({ txHash: pending, alreadyProcessed: false });
    expect(await f.publicClient.getTransactionCount({ address: s.address })).to.equal(nonce + 1);
    expect(await balance()).to.equal(t.amount);
  });

  it("an expired transfer: status expired, submit fails with EVM_TRANSFER_EXPIRED (not retryable)", async () => {
    const s = submitter();
    const now = (await f.publicClient.getBlock()).timestamp;
    const t = outbound(UNIT, now + 30n);
    const sigs = await sign(t);
    expect(await s.status(t)).to.equal("pending");
    await f.testClient.increaseTime({ seconds: 60 });
    await f.testClient.mine({ blocks: 3 });
    expect(await s.status(t)).to.equal("expired");
    const e = await rejection(s.submit(t, sigs));
    expect(e.code).to.equal("EVM_TRANSFER_EXPIRED");
    expect(e.retryable).to.equal(false);
    expect(e.details.revert).to.equal("TransferExpired");
  });

  it("signatures of ≤ 2/3 of the power: EVM_INSUFFICIENT_POWER (retryable), no transaction sent", async () => {
    const s = submitter();
    const t = outbound();
    const nonce = await f.publicClient.getTransactionCount({ address: s.address });
    const e = await rejection(s.submit(t, await sign(t, [1, 2, 3]))); // 30 + 20 + 10 = 60
    expect(e.code).to.equal("EVM_INSUFFICIENT_POWER");
    expect(e.retryable).to.equal(true);
    expect(e.details).to.include({ signedPower: "60", totalPower: "100" });
    expect(await f.publicClient.getTransactionCount({ address: s.address })).to.equal(nonce);
  });

  it("leaves out signatures the contract would reject (stranger, wrong key, malformed, duplicate) and still mints", async () => {
    const log = captureLogger();
    const s = submitter(f.relayerKey, {}, log);
    const t = outbound();
    const good = await sign(t, [0, 1]);
    const [stranger] = testKeys("stranger", 1);
    const m = { transferId: `0x${t.transferId}` as Hex, recipient: getAddress(t.recipient), amount: t.amount, expiresAt: t.expiresAt };
    const strangerSig = (await stranger!.signTypedData({ domain: f.domain, types: { Mint: [{ name: "transferId", type: "bytes32" }, { name: "recipient", type: "address" }, { name: "amount", type: "uint256" }, { name: "expiresAt", type: "uint64" }] }, primaryType: "Mint", message: m })).slice(2);
    const sigs: DestinationSignature[] = [
      { key: stranger!.address.toLowerCase(), signature: strangerSig },
      { key: f.validators[2]!.address.toLowerCase(), signature: strangerSig }, // claims validator 2, recovers the stranger
      { key: f.validators[3]!.address.toLowerCase(), signature: "zz" },
      ...good,
      good[0]!,
    ];
    const r = await s.submit(t, sigs);
    expect(r.alreadyProcessed).to.equal(false);
    expect(await balance()).to.equal(t.amount);
    const warn = log.lines.find((l) => l.msg === "signatures left out") as { dropped: { reason: string }[] } | undefined;
    expect(warn?.dropped.map((d) => d.reason)).to.deep.equal([
      "not in the bridge's validator set",
      `recovers to ${stranger!.address.toLowerCase()}, not its key`,
      "not 65 bytes of hex",
      "duplicate",
    ]);
  });

  it("rate limit: EVM_RATE_LIMITED (retryable, with retryAfterSeconds); above capacity: EVM_ABOVE_CAPACITY", async () => {
    const s = submitter();
    const big = outbound(1_001n * UNIT);
    const e1 = await rejection(s.submit(big, await sign(big)));
    expect(e1.code).to.equal("EVM_ABOVE_CAPACITY");
    expect(e1.retryable).to.equal(false);
    const t1 = outbound(990n * UNIT);
    await s.submit(t1, await sign(t1));
    const t2 = outbound(20n * UNIT);
    const e2 = await rejection(s.submit(t2, await sign(t2)));
    expect(e2.code).to.equal("EVM_RATE_LIMITED");
    expect(e2.retryable).to.equal(true);
    // 10 UNIT left (plus a second or two of refill at 1 UNIT/s): about 10 s to wait.
    expect(e2.details.retryAfterSeconds).to.be.within(7, 10);
    await f.testClient.increaseTime({ seconds: 15 });
    await f.testClient.mine({ blocks: 1 });
    expect((await s.submit(t2, await sign(t2))).alreadyProcessed).to.equal(false);
  });

  it("paused bridge: EVM_PAUSED (retryable)", async () => {
    const s = submitter();
    const pauseNonce = await f.bridge.read.pauseNonce();
    const sig = await f.validators[0]!.signTypedData({ domain: f.domain, types: { Pause: [{ name: "pauseNonce", type: "uint256" }] }, primaryType: "Pause", message: { pauseNonce } });
    await f.publicClient.waitForTransactionReceipt({ hash: await f.bridge.write.pause([pauseNonce, sig]) });
    const t = outbound();
    const e = await rejection(s.submit(t, await sign(t)));
    expect(e.code).to.equal("EVM_PAUSED");
    expect(e.retryable).to.equal(true);
  });

  it("a transfer for another chain is refused before any RPC call", async () => {
    const s: DestinationSubmitter = submitter();
    const t = { ...outbound(), destChain: "sepolia" };
    const e = await rejection(s.submit(t, []));
    expect(e.code).to.equal("EVM_BAD_TRANSFER");
    const e2 = await rejection(s.status(t));
    expect(e2.code).to.equal("EVM_BAD_TRANSFER");
  });
});
