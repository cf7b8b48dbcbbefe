import { expect } from "chai";
import { GENESIS_TIME } from "../../test/helpers/node-harness.ts";
import { openEconomyNode, addr, type EconomyHarness } from "./testing.ts";
import { BHLS_FLOOR_RESERVE, LIQUIDITY_ACCOUNTS, TRANSITION_RESERVE } from "./accounts.ts";

const MINUTE = 60_000;

describe("economy: epochs and the orbital transition", () => {
  let h: EconomyHarness;
  afterEach(async () => {
    await h?.close();
  });

  it("epoch 1 starts at the genesis time; at start + duration the reserve 999 goes 611 to the floor and floor(999 × 40% × share) to each liquidity account", async () => {
    h = await openEconomyNode({ validators: [], params: { epochDurationMs: MINUTE }, moduleBalances: { [TRANSITION_RESERVE]: 999n } });
    expect(h.query("epoch")).to.deep.equal({ epoch: 1, startMs: GENESIS_TIME, durationMs: MINUTE, nextTransitionMs: GENESIS_TIME + MINUTE, treasuryDrawn: "0" });
    const floor0 = h.held(BHLS_FLOOR_RESERVE);
    await h.block(GENESIS_TIME + MINUTE - 1);
    expect(h.query<{ epoch: number }>("epoch").epoch).to.equal(1);
    expect(h.held(TRANSITION_RESERVE)).to.equal(999n);
    const height = await h.block(GENESIS_TIME + MINUTE);
    const expected = [47n, 31n, 47n, 31n, 39n, 39n, 31n, 27n, 39n, 19n, 19n, 19n]; // Σ 388
    expect(LIQUIDITY_ACCOUNTS.map((a) => h.held(a))).to.deep.equal(expected);
    expect(h.held(BHLS_FLOOR_RESERVE) - floor0).to.equal(611n);
    expect(h.held(TRANSITION_RESERVE)).to.equal(0n);
    expect(h.query("transition", { epoch: 1 })).to.deep.equal({
      epoch: 1,
      height,
      time: GENESIS_TIME + MINUTE,
      reserve: "999",
      toFloor: "611",
      liquidity: LIQUIDITY_ACCOUNTS.map((module, i) => ({ module, amount: expected[i]!.toString() })),
      stabilityIndex: null,
      citizens: "0",
      branch: "normal",
    });
    expect(h.events("economy.epoch_transition")).to.deep.equal([
      { epoch: "1", height: String(height), reserve: "999", toFloor: "611", toLiquidity: "388", branch: "normal", stabilityIndex: "", nextEpoch: "2" },
    ]);
    expect(h.query("epoch")).to.deep.equal({ epoch: 2, startMs: GENESIS_TIME + MINUTE, durationMs: MINUTE, nextTransitionMs: GENESIS_TIME + 2 * MINUTE, treasuryDrawn: "0" });
    expect(h.invariants()).to.deep.equal([]);
  });

  it("after a long halt: one transition, and the next epoch starts at that block's time (no catch-up)", async () => {
    h = await openEconomyNode({ validators: [], params: { epochDurationMs: MINUTE }, moduleBalances: { [TRANSITION_RESERVE]: 1000n } });
    const late = GENESIS_TIME + 10 * MINUTE + 123;
    await h.block(late);
    expect(h.query<{ epoch: number; startMs: number }>("epoch")).to.include({ epoch: 2, startMs: late });
    await h.block(late + 1000);
    await h.block(late + MINUTE - 1);
    expect(h.query<{ epoch: number }>("epoch").epoch).to.equal(2);
    expect(h.query("transition", { epoch: 2 })).to.equal(null);
    await h.block(late + MINUTE);
    expect(h.query<{ epoch: number }>("epoch").epoch).to.equal(3);
    // Epoch 1's reserve was 1000: 400 × shares, all exact; epoch 2 had nothing to move.
    expect(h.query<{ reserve: string; toFloor: string }>("transition", { epoch: 1 })).to.include({ reserve: "1000", toFloor: "600" });
    expect(h.query<{ reserve: string; toFloor: string }>("transition", { epoch: 2 })).to.include({ reserve: "0", toFloor: "0" });
    // transitions: newest first by default, by epoch with order "oldest", paged.
    const epochs = (p: Record<string, unknown>) => h.query<{ items: { epoch: number }[]; next: string | null }>("transitions", p);
    expect(epochs({}).items.map((t) => t.epoch)).to.deep.equal([2, 1]);
    expect(epochs({ order: "oldest" }).items.map((t) => t.epoch)).to.deep.equal([1, 2]);
    const first = epochs({ limit: 1 });
    expect(first.items.map((t) => t.epoch)).to.deep.equal([2]);
    expect(first.next).to.be.a("string");
    const second = epochs({ limit: 1, after: first.next });
    expect(second.items.map((t) => t.epoch)).to.deep.equal([1]);
    expect(second.next).to.equal(null);
  });

  it("the fees of the transition block are routed first, so its reserve share is in that transition", async () => {
    h = await openEconomyNode({ validators: [], params: { epochDurationMs: MINUTE }, moduleBalances: { [TRANSITION_RESERVE]: 0n } });
    await h.submit(2, [{ typeUrl: "/bank.v1.MsgSend", value: { from: addr(2), to: addr(3), amount: [{ denom: "nxt", amount: "1" }] } }]);
    await h.block(GENESIS_TIME + MINUTE);
    // Fee 14 160, no validators: 4 248 + 7 080 = 11 328 to the reserve, then all of it transitions.
    expect(h.query<{ reserve: string }>("transition", { epoch: 1 }).reserve).to.equal("11328");
    expect(h.held(TRANSITION_RESERVE)).to.equal(0n);
  });
});

describe("economy: currentEpoch (the BHLS module's epoch source)", () => {
  let h: EconomyHarness;
  afterEach(async () => {
    await h?.close();
  });

  it("returns the epoch number and its start, and moves with the transition", async () => {
    h = await openEconomyNode({ validators: [], params: { epochDurationMs: MINUTE } });
    expect(h.keeper.currentEpoch(h.ctx())).to.deep.equal({ epoch: 1, startMs: GENESIS_TIME });
    await h.block(GENESIS_TIME + MINUTE - 1);
    expect(h.keeper.currentEpoch(h.ctx())).to.deep.equal({ epoch: 1, startMs: GENESIS_TIME });
    await h.block(GENESIS_TIME + MINUTE + 5);
    expect(h.keeper.currentEpoch(h.ctx())).to.deep.equal({ epoch: 2, startMs: GENESIS_TIME + MINUTE + 5 });
  });
});
