// Cross-chain BHLS through the EVM family on Hardhat: the validators' EIP-712 BhlsDelivery and
// EpochUpdate signatures (NexusOS's digests, the signer's and the contract's agree), the
// relayer's updateEpoch and deliverBhls, status, and what the distributor refuses.
import { expect } from "chai";
import { getAddress, keccak256, parseAbi, toHex, type Hex } from "viem";
import { citizenId, outboundDigest, recoverEvmSigner, transferId } from "../../modules/bridge/index.ts";
import type { DestinationSignature, OutboundTransfer } from "../core/types.ts";
import { createEvmFamily } from "./family.ts";
import { EvmDestinationSigner } from "./signer.ts";
import type { EvmDestinationSubmitter } from "./submitter.ts";
import { bridgeFixture, captureLogger, familyOptions, rejection, type BridgeFixture } from "./testing/fixture.ts";
import { startHardhatRpc, type HardhatRpc } from "./testing/hardhat-rpc.ts";

const UNIT = 10n ** 8n;
const FAR = 4_102_444_800n;
const CITIZEN = citizenId("nxs1examplecitizen");


describe("bridges/evm cross-chain BHLS (deliverBhls, updateEpoch)", function () {
  this.timeout(120_000);
  let rpc: HardhatRpc;
  let f: BridgeFixture;
  let s: EvmDestinationSubmitter;
  let signers: EvmDestinationSigner[];
  before(async () => {
    rpc = await startHardhatRpc();
    f = await bridgeFixture(rpc);
    const fam = createEvmFamily({ name: "evm-local", options: familyOptions(rpc, f, { relayerKey: "RELAYER", confirmations: 0, awaitReceipts: true }) }, { logger: captureLogger().logger, env: { RELAYER: f.relayerKey } });
    s = fam.submitter as EvmDestinationSubmitter;
    signers = f.validators.map((account) => new EvmDestinationSigner({ chain: "evm-local", chainId: f.chainId, bridgeAddress: getAddress(f.bridge.address), account }));
  });
  after(async () => rpc?.close());

  const recipient = () => f.wallets[5]!.account.address;
  const epochUpdate = (epoch: bigint, seq = 100n): OutboundTransfer => ({ destChain: "evm-local", seq, kind: "epoch", epoch, floorAmount: 100n * UNIT, transferId: transferId("nexus-devnet", "evm-local", seq), recipient: f.bridge.address.toLowerCase(), amount: 0n, expiresAt: FAR });
  const delivery = (seq: bigint, epoch: bigint, amount = 100n * UNIT): OutboundTransfer => ({ destChain: "evm-local", seq, kind: "bhls", citizen: CITIZEN, epoch, transferId: transferId("nexus-devnet", "evm-local", seq), recipient: recipient().toLowerCase(), amount, expiresAt: FAR });
  const sign = async (t: OutboundTransfer): Promise<DestinationSignature[]> => Promise.all(signers.map(async (g) => ({ key: g.key, signature: await g.sign(t) })));
  /** The record as NexusOS's bridge module stores it, for its own digest. */
  const record = (t: OutboundTransfer) => ({ kind: t.kind, transferId: t.transferId, recipient: t.recipient, amount: t.amount.toString(), expiresAt: Number(t.expiresAt), citizen: t.citizen, epoch: t.epoch === undefined ? undefined : Number(t.epoch), floorAmount: t.floorAmount?.toString() });

  it("NexusOS's digests are the contract's, and the validators' signatures recover to their keys under them", async () => {
    const domain = { chainId: f.chainId, verifyingContract: f.bridge.address.toLowerCase() };
    const d = delivery(1n, 3n);
    const e = epochUpdate(3n);
    const id = `0x${d.transferId}` as Hex;
    const views = parseAbi([
      "function bhlsDigest(bytes32 transferId, bytes32 citizen, uint64 epoch, address recipient, uint256 amount, uint64 expiresAt) view returns (bytes32)",
      "function epochDigest(uint64 epoch, uint256 floorAmount) view returns (bytes32)",
    ]);
    const address = getAddress(f.bridge.address);
    const read = f.publicClient.readContract;
    expect(toHex(outboundDigest(domain, record(d)))).to.equal(await read({ address, abi: views, functionName: "bhlsDigest", args: [id, `0x${CITIZEN}`, 3n, getAddress(d.recipient), d.amount, d.expiresAt] }));
    expect(toHex(outboundDigest(domain, record(e)))).to.equal(await read({ address, abi: views, functionName: "epochDigest", args: [3n, e.floorAmount!] }));
    for (const t of [d, e]) {
      for (const g of signers) expect(recoverEvmSigner(outboundDigest(domain, record(t)), await g.sign(t))).to.equal(g.key);
    }
  });

  it("a delivery waits for its epoch (retryable), then pays the recipient once; the epoch update is done once open", async () => {
    const e = epochUpdate(7n);
    const d = delivery(2n, 7n);
    expect(await s.status(e)).to.equal("pending");
    const early = await rejection(s.submit(d, await sign(d)));
    expect(early.code).to.equal("EVM_EPOCH_NOT_OPEN");
    expect(early.retryable).to.equal(true);

    const opened = await s.submit(e, await sign(e));
    expect(opened.alreadyProcessed).to.equal(false);
    expect(await s.status(e)).to.equal("done");
    // Sent again (a racing relayer): the epoch is open, nothing to do.
    expect((await s.submit(e, await sign(e))).alreadyProcessed).to.equal(true);

    const before = await f.wnxt.read.balanceOf([recipient()]);
    const paid = await s.submit(d, await sign(d));
    expect(paid.alreadyProcessed).to.equal(false);
    expect((await f.wnxt.read.balanceOf([recipient()])) - before).to.equal(d.amount);
    expect(await s.status(d)).to.equal("done");
    const again = await s.submit(d, await sign(d));
    expect(again).to.include({ alreadyProcessed: true, txHash: paid.txHash });
  });

  it("a second delivery to the same citizen in the epoch, or above the floor, never executes (not retryable)", async () => {
    const twice = delivery(3n, 7n);
    const refused = await rejection(s.submit(twice, await sign(twice)));
    expect(refused.code).to.equal("EVM_BHLS_REFUSED");
    expect(refused.retryable).to.equal(false);
    expect(refused.message).to.match(/AlreadyDelivered/);
    const above = { ...delivery(4n, 7n, 101n * UNIT), citizen: keccak256(toHex("another citizen")).slice(2) };
    expect((await rejection(s.submit(above, await sign(above)))).message).to.match(/ClaimAboveFloor/);
    expect(await s.status(twice)).to.equal("pending");
  });
});
