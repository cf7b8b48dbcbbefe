import { expect } from "chai";
import { openEconomyNode, addr, type EconomyHarness } from "./testing.ts";
import { FEE_COLLECTOR, TRANSITION_RESERVE } from "./accounts.ts";

const SEND = "/bank.v1.MsgSend";
const send = (from: number, to: number, amount: bigint) => ({ typeUrl: SEND, value: { from: addr(from), to: addr(to), amount: [{ denom: "nxt", amount: amount.toString() }] } });
/** The fee of one of these sends at the default NANO price: its bytes are the same for every signer and nonce below 128. */
const SEND_FEE = 14_160n;

describe("economy: fee routing in end block", () => {
  let h: EconomyHarness;
  afterEach(async () => {
    await h?.close();
  });

  // V0 300 NXT at 10% commission, V1 101 NXT at 20%: power 300 / 101 makes the split round.
  const validators = [
    { n: 0, nxt: 300n },
    { n: 1, nxt: 101n, commissionRateBps: 2000 },
  ];

  it("a block with fees 14 160: 2 832 burned, validators 7 079 by power with commission, reserve 4 248 + remainder 1; fee_collector ends empty", async () => {
    h = await openEconomyNode({ validators });
    const reserve0 = h.held(TRANSITION_RESERVE);
    const burned0 = h.burned();
    const tx = await h.submit(2, [send(2, 3, 5n)]);
    const height = await h.block();
    expect(h.receipt(tx).fee).to.equal(SEND_FEE.toString());
    // 14 160: burned floor(2 832.0) = 2 832; reserve floor(4 248.0) = 4 248; validators 7 080.
    // 7 080 by power: V0 floor(7 080 × 300 / 401) = 5 296, V1 floor(7 080 × 101 / 401) = 1 783: paid 7 079, remainder 1.
    expect(h.held(FEE_COLLECTOR)).to.equal(0n);
    expect(h.burned() - burned0).to.equal(2_832n);
    expect(h.held(TRANSITION_RESERVE) - reserve0).to.equal(4_249n);
    expect(h.held("distribution")).to.equal(7_079n);
    // Commission: V0 floor(5 296 × 10%) = 529, V1 floor(1 783 × 20%) = 356.
    expect(h.staking("commission", { operator: addr(0) })).to.deep.equal({ commission: "529", outstanding: "5296" });
    expect(h.staking("commission", { operator: addr(1) })).to.deep.equal({ commission: "356", outstanding: "1783" });
    // Delegators: V0 5 296 − 529 = 4 767; V1 1 783 − 356 = 1 427, of which the ratio's rounding leaves 1 426 withdrawable.
    expect(h.staking<{ pending: string }>("rewards", { delegator: addr(0), validator: addr(0) }).pending).to.equal("4767");
    expect(h.staking<{ pending: string }>("rewards", { delegator: addr(1), validator: addr(1) }).pending).to.equal("1426");
    expect(h.events("economy.fees_routed")).to.deep.equal([{ height: String(height), total: "14160", burned: "2832", validators: "7079", reserve: "4248", remainder: "1" }]);
    expect(h.events("staking.fee_rewards")).to.deep.equal([{ height: String(height), from: "fee_collector", amount: "7079", validators: "2" }]);
    // minted = balances + burned (bank's invariant walks every balance) and staking's distribution invariants.
    expect(h.invariants()).to.deep.equal([]);
    const supply = h.t.node.query("bank/supply", { denom: "nxt" }) as { minted: string; burned: string; supply: string };
    expect(BigInt(supply.minted) - BigInt(supply.burned)).to.equal(BigInt(supply.supply));
  });

  it("a block without fees routes nothing and emits nothing; two fees in one block are routed together (28 320)", async () => {
    h = await openEconomyNode({ validators });
    await h.block();
    expect(h.events("economy.fees_routed")).to.deep.equal([]);
    const reserve0 = h.held(TRANSITION_RESERVE);
    const burned0 = h.burned();
    const a = await h.submit(2, [send(2, 3, 5n)]);
    const b = await h.submit(4, [send(4, 3, 5n)]);
    await h.block();
    expect([h.receipt(a).fee, h.receipt(b).fee]).to.deep.equal(["14160", "14160"]);
    // 28 320: burned 5 664, reserve 8 496, validators 14 160 → V0 floor(10 593.5) = 10 593, V1 floor(3 566.4) = 3 566: paid 14 159, remainder 1.
    expect(h.held(FEE_COLLECTOR)).to.equal(0n);
    expect(h.burned() - burned0).to.equal(5_664n);
    expect(h.held(TRANSITION_RESERVE) - reserve0).to.equal(8_497n);
    expect(h.held("distribution")).to.equal(14_159n);
    expect(h.staking("commission", { operator: addr(0) })).to.deep.equal({ commission: "1059", outstanding: "10593" });
    expect(h.invariants()).to.deep.equal([]);
  });

  it("with an empty validator set the validators' share goes to the transition reserve too", async () => {
    h = await openEconomyNode({ validators: [] });
    const reserve0 = h.held(TRANSITION_RESERVE);
    const burned0 = h.burned();
    await h.submit(2, [send(2, 3, 5n)]);
    const height = await h.block();
    expect(h.held(FEE_COLLECTOR)).to.equal(0n);
    expect(h.burned() - burned0).to.equal(2_832n);
    expect(h.held(TRANSITION_RESERVE) - reserve0).to.equal(4_248n + 7_080n);
    expect(h.held("distribution")).to.equal(0n);
    expect(h.events("economy.fees_routed")).to.deep.equal([{ height: String(height), total: "14160", burned: "2832", validators: "0", reserve: "4248", remainder: "7080" }]);
    expect(h.invariants()).to.deep.equal([]);
  });

  it("routes by the params in state: after MsgUpdateParams 0 / 0 / 10000 the next block's fees are all burned", async () => {
    h = await openEconomyNode({ validators });
    const p = h.query<Record<string, unknown>>("params");
    const r = await h.ok(7, "/economy.v1.MsgUpdateParams", { authority: addr(7), params: { ...p, feeValidatorsBps: 0, feeReserveBps: 0, feeBurnBps: 10000 } });
    // The update's own fee was routed by the params in force when its block ended: the new ones.
    expect(h.events("economy.fees_routed")).to.deep.equal([{ height: String(r.height), total: r.fee, burned: r.fee, validators: "0", reserve: "0", remainder: "0" }]);
    const burned0 = h.burned();
    const reserve0 = h.held(TRANSITION_RESERVE);
    await h.submit(2, [send(2, 3, 5n)]);
    await h.block();
    expect(h.burned() - burned0).to.equal(SEND_FEE);
    expect(h.held(TRANSITION_RESERVE)).to.equal(reserve0);
    expect(h.held(FEE_COLLECTOR)).to.equal(0n);
  });
});
