// EvmSourceWatcher against NexusBridge on Hardhat (in-process EDR behind a real HTTP RPC):
// BridgedOut of WNXT become ObservedTransfers, chunked reads, confirmations, and reorgs.
import { expect } from "chai";
import { getAddress, hexToBytes, keccak256, toHex, type Hex } from "viem";
import { encodeAddress } from "../../runtime/crypto/address.ts";
import type { ObservedTransfer, SourceWatcher } from "../core/types.ts";
import { EvmBridgeError } from "./errors.ts";
import { createEvmFamily } from "./family.ts";
import { bridgeFixture, captureLogger, familyOptions, snapshotEach, type BridgeFixture } from "./testing/fixture.ts";
import { deployTestToken, startHardhatRpc, type HardhatRpc } from "./testing/hardhat-rpc.ts";

const UNIT = 10n ** 8n;
const nexusRecipient = (label: string): Hex => keccak256(toHex(label));

describe("bridges/evm EvmSourceWatcher", function () {
  this.timeout(120_000);
  let rpc: HardhatRpc;
  let f: BridgeFixture;
  const snap = snapshotEach(() => rpc);

  before(async () => {
    rpc = await startHardhatRpc();
    f = await bridgeFixture(rpc);
    for (const w of f.wallets.slice(1, 3)) await f.mintTo(w.account.address, 1_000n * UNIT);
    await snap.take();
  });
  after(async () => rpc?.close());

  function watcher(extra: Record<string, unknown> = {}, log = captureLogger()): SourceWatcher {
    return createEvmFamily({ name: "evm-local", options: familyOptions(rpc, f, { confirmations: 2, maxBlockRange: 3, ...extra }) }, { logger: log.logger }).source!;
  }

  async function bridgeOut(walletIndex: number, amount: bigint, recipient: Hex): Promise<Hex> {
    const w = f.wallets[walletIndex]!;
    const hash = await w.writeContract({ address: f.bridge.address, abi: f.bridge.abi, functionName: "bridgeOut", args: [f.wnxt.address, amount, recipient] });
    await f.publicClient.waitForTransactionReceipt({ hash });
    return hash;
  }

  const mine = (blocks: number) => f.testClient.mine({ blocks });
  const latest = () => f.publicClient.getBlockNumber({ cacheTime: 0 });

  it("reports WNXT BridgedOut events as ObservedTransfers in order of seq (nxs1 recipient, lowercase sender, tx hash, height)", async () => {
    const start = await latest();
    const tx1 = await bridgeOut(1, 5n * UNIT, nexusRecipient("alice"));
    const tx2 = await bridgeOut(2, 7n * UNIT, nexusRecipient("bob"));
    const tx3 = await bridgeOut(1, 1n, nexusRecipient("carol"));
    await mine(2);
    const w = watcher();
    const final = await w.finalHeight();
    expect(final).to.equal((await latest()) - 2n);
    const got = await w.transfers(start, final);
    expect(got.map((t) => t.seq)).to.deep.equal([1n, 2n, 3n]);
    const first = got[0]!;
    expect(first).to.deep.equal({
      sourceChain: "evm-local",
      seq: 1n,
      sender: f.wallets[1]!.account.address.toLowerCase(),
      recipient: encodeAddress(hexToBytes(nexusRecipient("alice"))),
      amount: 5n * UNIT,
      sourceTx: tx1.toLowerCase(),
      height: (await f.publicClient.getTransactionReceipt({ hash: tx1 })).blockNumber,
    } satisfies ObservedTransfer);
    expect(first.recipient).to.match(/^nxs1/);
    expect(got[1]!.sender).to.equal(f.wallets[2]!.account.address.toLowerCase());
    expect(got.map((t) => t.sourceTx)).to.deep.equal([tx1, tx2, tx3].map((h) => h.toLowerCase()));
    // (from, to] is half-open: the block of tx1 itself as `from` leaves it out.
    const after1 = await w.transfers(got[0]!.height, final);
    expect(after1.map((t) => t.seq)).to.deep.equal([2n, 3n]);
  });

  it("reads in chunks of maxBlockRange blocks", async () => {
    const start = await latest();
    await bridgeOut(1, 1n, nexusRecipient("a"));
    await mine(10);
    await bridgeOut(2, 2n, nexusRecipient("b"));
    await mine(2);
    const w = watcher({ maxBlockRange: 3 });
    const final = await w.finalHeight();
    const before = rpc.getLogsCalls;
    const got = await w.transfers(start, final);
    const span = Number(final - start);
    expect(rpc.getLogsCalls - before).to.equal(Math.ceil(span / 3));
    expect(got.map((t) => t.amount)).to.deep.equal([1n, 2n]);
  });

  it("halves the range when the RPC refuses a wide eth_getLogs", async () => {
    const start = await latest();
    await bridgeOut(1, 1n, nexusRecipient("a"));
    await mine(6);
    await bridgeOut(2, 2n, nexusRecipient("b"));
    await mine(2);
    rpc.maxLogRange = 2;
    try {
      const w = watcher({ maxBlockRange: 1000 });
      const got = await w.transfers(start, await w.finalHeight());
      expect(got.map((t) => t.amount)).to.deep.equal([1n, 2n]);
    } finally {
      rpc.maxLogRange = undefined;
    }
  });

  it("ignores (and logs) BridgedOut of tokens other than WNXT", async () => {
    // A second bridged token: rate limit set by the validators, then locked by a user.
    const token = await deployTestToken(rpc, "OTHER", 10n ** 24n);
    const [, nonce] = await f.bridge.read.config();
    const msg = { token: getAddress(token.address), capacity: 10n ** 20n, refillPerSecond: 10n ** 15n, nonce };
    const types = {
      SetRateLimit: [
        { name: "token", type: "address" },
        { name: "capacity", type: "uint256" },
        { name: "refillPerSecond", type: "uint256" },
        { name: "nonce", type: "uint256" },
      ],
    } as const;
    const sigs = (await Promise.all(f.validators.slice(0, 2).map((v) => v.signTypedData({ domain: f.domain, types, primaryType: "SetRateLimit", message: msg })))).map((s) => s.slice(2));
    await f.publicClient.waitForTransactionReceipt({
      hash: await f.bridge.write.setRateLimit([msg.token, msg.capacity, msg.refillPerSecond, nonce, `0x${sigs.join("")}`]),
    });
    const start = await latest();
    await f.publicClient.waitForTransactionReceipt({ hash: await token.write.approve([f.bridge.address, 1000n]) });
    await f.publicClient.waitForTransactionReceipt({ hash: await f.bridge.write.bridgeOut([token.address, 1000n, nexusRecipient("x")]) });
    await bridgeOut(1, 3n, nexusRecipient("y"));
    await mine(2);
    const log = captureLogger();
    const w = watcher({}, log);
    const got = await w.transfers(start, await w.finalHeight());
    expect(got.map((t) => [t.seq, t.amount])).to.deep.equal([[2n, 3n]]);
    const ignored = log.lines.filter((l) => String(l.msg).includes("other than WNXT"));
    expect(ignored).to.have.length(1);
    expect(ignored[0]!.token).to.equal(getAddress(token.address));
  });

  it("finalHeight is latest − confirmations, and heights above it are never read", async () => {
    const w = watcher({ confirmations: 5 });
    await mine(10);
    const head = await latest();
    expect(await w.finalHeight()).to.equal(head - 5n);
    const err = await w.transfers(0n, head).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(EvmBridgeError);
    expect((err as EvmBridgeError).code).to.equal("EVM_NOT_FINAL");
    expect(await w.transfers(3n, 3n)).to.deep.equal([]);
  });

  it("a transfer inside the confirmation depth that is reorged away is never reported; re-included later, it is reported once", async () => {
    const w = watcher({ confirmations: 2 });
    // The core's loop: read (checkpoint, finalHeight] and move the checkpoint.
    let checkpoint = await w.finalHeight();
    const reported: ObservedTransfer[] = [];
    const poll = async () => {
      const final = await w.finalHeight();
      if (final > checkpoint) {
        reported.push(...(await w.transfers(checkpoint, final)));
        checkpoint = final;
      }
    };
    const fork = await f.testClient.snapshot();
    const orphanTx = await bridgeOut(1, 11n, nexusRecipient("orphan"));
    await mine(1); // one block on top: not final with 2 confirmations
    await poll();
    expect(reported).to.deep.equal([]);
    // Reorg: the chain goes back before the transfer and grows past the old head without it.
    await f.testClient.revert({ id: fork });
    await mine(4);
    await poll();
    expect(reported).to.deep.equal([]);
    expect(await f.publicClient.getTransactionReceipt({ hash: orphanTx }).catch(() => null)).to.equal(null);
    // The same transfer is included again (it gets the same nonce on the new branch).
    const againTx = await bridgeOut(1, 11n, nexusRecipient("orphan"));
    await poll();
    expect(reported).to.deep.equal([]);
    await mine(2);
    await poll();
    await mine(3);
    await poll();
    expect(reported.map((t) => [t.seq, t.amount, t.sourceTx])).to.deep.equal([[1n, 11n, againTx.toLowerCase()]]);
  });
});
