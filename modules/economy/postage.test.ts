import { expect } from "chai";
import { openEconomyNode, addr, messaging, NXT, type EconomyHarness } from "./testing.ts";
import { POSTAGE, TRANSITION_RESERVE } from "./accounts.ts";

const BUY = "/economy.v1.MsgBuyPostage";

describe("economy: messaging postage", () => {
  let h: EconomyHarness;
  afterEach(async () => {
    await h?.close();
  });

  it("1 NXT in NANO buys 551 790 aJ (1e8 × joulesPerUnit[1]); 80% to the transition reserve, 20% burned", async () => {
    h = await openEconomyNode({ validators: [] });
    const buyer0 = h.balance(addr(2));
    const reserve0 = h.held(TRANSITION_RESERVE);
    const burned0 = h.burned();
    const r = await h.ok(2, BUY, { buyer: addr(2), amount: (1n * NXT).toString() });
    const fee = BigInt(r.fee);
    expect(fee).to.equal(11_480n);
    expect(h.balance(addr(2))).to.equal(buyer0 - NXT - fee);
    // Postage: 20 000 000 burned, 80 000 000 to the reserve. The tx fee 11 480 with no validators:
    // 2 296 burned, 3 444 + 5 740 (no set) to the reserve.
    expect(h.burned() - burned0).to.equal(20_000_000n + 2_296n);
    expect(h.held(TRANSITION_RESERVE) - reserve0).to.equal(80_000_000n + 9_184n);
    expect(h.held(POSTAGE)).to.equal(0n);
    const bought = r.events.find((e) => e.type === "economy.postage_bought");
    expect(bought?.attributes).to.deep.equal({ id: "0", owner: addr(2), band: "1", amount: "100000000", energy: "551790", burned: "20000000", reserve: "80000000" });
    expect(h.query("postageBudget", { id: 0 })).to.deep.equal({
      id: 0,
      owner: addr(2),
      band: 1,
      paid: "100000000",
      energyBought: "551790",
      energyRemaining: "551790",
      height: r.height,
    });
    expect(h.query("postageBudget", { id: 1 })).to.equal(null);
    expect(h.invariants()).to.deep.equal([]);
  });

  it("band 2 prices energy at its joulesPerUnit: 1 NXT buys 9 833 890 381 aJ; ids count up", async () => {
    h = await openEconomyNode({ validators: [] });
    await h.ok(2, BUY, { buyer: addr(2), amount: (1n * NXT).toString() });
    await h.ok(3, BUY, { buyer: addr(3), amount: (1n * NXT).toString(), band: 2 });
    expect(h.query<{ energyBought: string; band: number; owner: string }>("postageBudget", { id: 1 })).to.include({ energyBought: "9833890381", band: 2, owner: addr(3) });
  });

  it("an amount that buys no energy fails (ECONOMY_INVALID_AMOUNT) and moves nothing; zero is refused in checkTx", async () => {
    h = await openEconomyNode({ validators: [] });
    // 181 base units × 0.0055… aJ = 0.998… aJ → 0.
    const reserve0 = h.held(TRANSITION_RESERVE);
    const r = await h.run(2, BUY, { buyer: addr(2), amount: "181" });
    expect(r.codeName).to.equal("ECONOMY_INVALID_AMOUNT");
    expect(r.fee).to.equal("11240");
    // Only the fee's routing (no validators): 3 372 + 5 620.
    expect(h.held(TRANSITION_RESERVE) - reserve0).to.equal(8_992n);
    expect(h.query("postageBudget", { id: 0 })).to.equal(null);
    const err = await h.submit(2, [{ typeUrl: BUY, value: { buyer: addr(2), amount: "0" } }]).then(
      () => expect.fail("accepted"),
      (e: { code: string; context: { code?: string } }) => e,
    );
    expect([err.code, err.context.code]).to.deep.equal(["TX_INVALID_MSG", "ECONOMY_INVALID_AMOUNT"]);
  });

  it("consumePostage takes energy from a budget; more than is left, an unknown id or zero are refused and change nothing", async () => {
    h = await openEconomyNode({ validators: [] });
    await h.ok(2, BUY, { buyer: addr(2), amount: (1n * NXT).toString() });
    messaging.plan = [{ id: 0, energy: 500_000n }];
    await h.block();
    expect(messaging.results).to.deep.equal([51_790n]);
    expect(h.events("economy.postage_consumed")).to.deep.equal([{ id: "0", energy: "500000", remaining: "51790" }]);
    messaging.plan = [
      { id: 0, energy: 51_791n },
      { id: 9, energy: 1n },
      { id: 0, energy: 0n },
      { id: 0, energy: 51_790n },
      { id: 0, energy: 1n },
    ];
    await h.block();
    expect(messaging.results.slice(1)).to.deep.equal(["ECONOMY_BUDGET_EXHAUSTED", "ECONOMY_BUDGET_NOT_FOUND", "ECONOMY_INVALID_AMOUNT", 0n, "ECONOMY_BUDGET_EXHAUSTED"]);
    expect(h.query<{ energyRemaining: string; energyBought: string }>("postageBudget", { id: 0 })).to.include({ energyBought: "551790", energyRemaining: "0" });
    expect(h.invariants()).to.deep.equal([]);
  });
});
