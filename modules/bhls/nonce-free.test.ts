import { expect } from "chai";
import { GENESIS_TIME, testSigner, TEST_CHAIN_ID } from "../../test/helpers/node-harness.ts";
import { executeAsPeer } from "../../test/app/block-exec.ts";
import { toHex } from "../../runtime/crypto/hash.ts";
import { signTx } from "../../runtime/tx/sign.ts";
import { Band } from "../../runtime/tx/bands.ts";
import type { DecodedTx } from "../../runtime/tx/envelope.ts";
import { openBhlsNode, addr, phone, NXT, MINUTE, type BhlsHarness } from "./testing.ts";
import type { Citizen } from "./records.ts";

const T0 = Math.floor(GENESIS_TIME / 1000);
const YEAR = 365 * 86_400;
const citizen = (n: number): Citizen => ({ address: addr(n), phoneHash: phone(n), attestor: addr(1), expiresAt: T0 + YEAR, registeredAt: T0, lastClaimEpoch: 0 });
const SHARE = 1150n * NXT;

/** A claim naming its epoch, signed by citizen n with `nonce` (a nonce-free one carries 0). */
function claimTx(n: number, epoch: number, o: { nonce?: bigint; memo?: string } = {}): DecodedTx {
  const s = testSigner(n);
  return signTx({ chainId: TEST_CHAIN_ID, sender: s.address, nonce: o.nonce ?? 0n, band: Band.NANO, feeLimit: 10_000_000n, tip: 0n, timeoutHeight: 0, memo: o.memo ?? "", msgs: [{ typeUrl: "/bhls.v1.MsgClaim", value: { citizen: s.address, epoch } }] }, [s]);
}

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return { code: (e as { code: string }).code, message: (e as Error).message };
  }
  throw new Error("expected a refusal");
}

describe("bhls: nonce-free claims (MsgClaim naming its epoch is a one-time message)", () => {
  let h: BhlsHarness;
  afterEach(async () => {
    await h?.close();
  });
  const nonce = (n: number): bigint => BigInt(h.t.node.getAccount(addr(n)).nonce);

  it("is paid once, charges its fee, and leaves the citizen's nonce as it is", async () => {
    h = await openBhlsNode({ attestors: [1], floorReserve: 10_000n * NXT, bhls: { citizens: [citizen(2)] } });
    await h.ok(2, "/bank.v1.MsgSend", { from: addr(2), to: addr(1), amount: [{ denom: "nxt", amount: "1" }] });
    expect(nonce(2)).to.equal(1n);
    const b = h.balance(addr(2));
    const tx = claimTx(2, 1);
    await h.t.node.submitTx(tx.bytes);
    await h.block();
    const r = h.receipt(toHex(tx.hash));
    expect(r.codeName, r.log).to.equal("OK");
    expect(h.balance(addr(2))).to.equal(b + SHARE - BigInt(r.fee));
    expect(BigInt(r.fee) > 0n, "a fee is charged").to.equal(true);
    expect(nonce(2)).to.equal(1n);
    // The citizen's next ordinary transaction still uses nonce 1.
    expect((await h.ok(2, "/bank.v1.MsgSend", { from: addr(2), to: addr(1), amount: [{ denom: "nxt", amount: "1" }] })).codeName).to.equal("OK");
    expect(nonce(2)).to.equal(2n);
  });

  it("is refused at admission when it would fail: another epoch, already claimed, the same action pending, a nonce other than 0", async () => {
    h = await openBhlsNode({ attestors: [1], floorReserve: 10_000n * NXT, bhls: { citizens: [citizen(2), citizen(3)] } });
    expect(await refusal(h.t.node.submitTx(claimTx(2, 2).bytes))).to.deep.equal({ code: "BHLS_WRONG_EPOCH", message: "the claim is for epoch 2, the chain is in epoch 1" });
    const first = claimTx(2, 1);
    await h.t.node.submitTx(first.bytes);
    const twin = await refusal(h.t.node.submitTx(claimTx(2, 1, { memo: "twin" }).bytes));
    expect(twin.code).to.equal("TX_ONE_TIME_PENDING");
    expect(twin.message).to.equal(`pending transaction ${toHex(first.hash)} already does the one-time action bhls/claim/${addr(2)}/1`);
    expect(await refusal(h.t.node.submitTx(claimTx(3, 1, { nonce: 1n }).bytes))).to.deep.equal({
      code: "TX_NONCE_FREE_NONCE",
      message: "a transaction of one-time messages only does not use the sender's nonce: sign it with nonce 0 (it has 1)",
    });
    await h.block();
    expect(await refusal(h.t.node.submitTx(first.bytes))).to.have.property("code", "TX_DUPLICATE");
    expect(await refusal(h.t.node.submitTx(claimTx(2, 1, { memo: "again" }).bytes))).to.deep.equal({ code: "BHLS_ALREADY_CLAIMED", message: `${addr(2)} has claimed in epoch 1` });
    // In the next epoch, a claim for epoch 1 is void; one for epoch 2 is paid.
    await h.block(GENESIS_TIME + MINUTE);
    expect(await refusal(h.t.node.submitTx(claimTx(3, 1).bytes))).to.have.property("code", "BHLS_WRONG_EPOCH");
    const e2 = claimTx(2, 2);
    await h.t.node.submitTx(e2.bytes);
    await h.block();
    expect(h.receipt(toHex(e2.hash)).codeName).to.equal("OK");
  });

  it("in a block that bypasses the mempool, a replay or a claim that would fail costs no fee and moves nothing", async () => {
    h = await openBhlsNode({ attestors: [1], floorReserve: 10_000n * NXT, bhls: { citizens: [citizen(2), citizen(3)] } });
    const first = claimTx(2, 1);
    await h.t.node.submitTx(first.bytes);
    await h.block();
    const b2 = h.balance(addr(2));
    const b3 = h.balance(addr(3));
    // The committed claim again, a fresh signature for it, one for the wrong epoch, and two of citizen 3's in one block.
    const ex = await executeAsPeer(h.t, [first, claimTx(2, 1, { memo: "again" }), claimTx(3, 5), claimTx(3, 1), claimTx(3, 1, { memo: "twin" })]);
    expect(ex.receipts.map((r) => [r.codeName, r.fee === "0"])).to.deep.equal([
      ["BHLS_ALREADY_CLAIMED", true],
      ["BHLS_ALREADY_CLAIMED", true],
      ["BHLS_WRONG_EPOCH", true],
      ["OK", false],
      ["BHLS_ALREADY_CLAIMED", true],
    ]);
    h.t.node.app.commit(ex);
    expect(h.balance(addr(2))).to.equal(b2);
    expect(h.balance(addr(3))).to.equal(b3 + SHARE - BigInt(ex.receipts[3]!.fee));
    expect([nonce(2), nonce(3)]).to.deep.equal([0n, 0n]);
  });

  it("epoch 0 is refused by the schema", async () => {
    h = await openBhlsNode({ attestors: [1], floorReserve: 10_000n * NXT, bhls: { citizens: [citizen(2)] } });
    const r = await refusal(h.t.node.submitTx(claimTx(2, 0).bytes));
    expect(r.code).to.equal("TX_INVALID_MSG");
    expect(r.message).to.contain("epoch");
  });

  it("a claim without an epoch still uses the nonce", async () => {
    h = await openBhlsNode({ attestors: [1], floorReserve: 10_000n * NXT, bhls: { citizens: [citizen(2)] } });
    expect((await h.claim(2)).codeName).to.equal("OK");
    expect(nonce(2)).to.equal(1n);
  });
});
