import { expect } from "chai";
import { GENESIS_TIME } from "../../test/helpers/node-harness.ts";
import { openEconomyNode, addr, citizens, AUTHORITY, NXT, type EconomyHarness } from "./testing.ts";
import { BHLS_FLOOR_RESERVE, LIQUIDITY_ACCOUNTS, TRANSITION_RESERVE, TREASURY } from "./accounts.ts";

const MINUTE = 60_000;
const DRAW = "/economy.v1.MsgTreasuryDraw";
// Floor reserve 690 000 NXT: exactly 1.0 for 100 citizens (100 × 1 150 × 6 = 690 000 NXT).
const FLOOR = 690_000n * NXT;

describe("economy: stability index and crisis branches", () => {
  let h: EconomyHarness;
  afterEach(async () => {
    await h?.close();
  });
  const open = (extra: { cap?: bigint } = {}) =>
    openEconomyNode({
      validators: [],
      params: { epochDurationMs: MINUTE, ...(extra.cap !== undefined ? { treasuryDrawCapPerEpoch: extra.cap.toString() } : {}) },
      moduleBalances: { [BHLS_FLOOR_RESERVE]: FLOOR, [TRANSITION_RESERVE]: 1000n * NXT },
    });
  const draw = (n: number, amount: bigint) => h.run(n, DRAW, { authority: addr(n), amount: amount.toString() });

  it("no citizens: no index, normal branch; a draw is refused (ECONOMY_NOT_IN_CRISIS)", async () => {
    h = await open();
    expect(h.query("stability")).to.deep.equal({ numerator: FLOOR.toString(), denominator: "0", index: null, citizens: "0", branch: "normal" });
    expect((await draw(AUTHORITY, NXT)).codeName).to.equal("ECONOMY_NOT_IN_CRISIS");
  });

  it("index 1.000000 (100 citizens): the normal 60/40 split; a draw is refused", async () => {
    h = await open();
    citizens.count = 100n;
    expect(h.query("stability")).to.deep.equal({ numerator: "69000000000000", denominator: "69000000000000", index: "1.000000", citizens: "100", branch: "normal" });
    expect((await draw(AUTHORITY, NXT)).codeName).to.equal("ECONOMY_NOT_IN_CRISIS");
    const reserve = h.held(TRANSITION_RESERVE); // 1000 NXT + the draw tx's fee share
    const floor0 = h.held(BHLS_FLOOR_RESERVE);
    await h.block(GENESIS_TIME + MINUTE);
    const t = h.query<{ branch: string; stabilityIndex: string; citizens: string; reserve: string; toFloor: string }>("transition", { epoch: 1 });
    expect(t).to.include({ branch: "normal", stabilityIndex: "1.000000", citizens: "100", reserve: reserve.toString() });
    // 1000 NXT + the refused draw's fee share 9 376: electricity floor(100 000 009 376 × 0.4 × 0.12) = 4 800 000 450.
    expect(reserve).to.equal(100_000_009_376n);
    expect(h.held(LIQUIDITY_ACCOUNTS[0])).to.equal(4_800_000_450n);
    const liquidity = LIQUIDITY_ACCOUNTS.reduce((a, m) => a + h.held(m), 0n);
    expect(BigInt(t.toFloor)).to.equal(reserve - liquidity);
    expect(h.held(BHLS_FLOOR_RESERVE) - floor0).to.equal(BigInt(t.toFloor));
    // 60% is 60 000 005 625.6: the floor gets that plus the twelve accounts' rounding.
    expect(BigInt(t.toFloor) >= 60_000_005_625n && BigInt(t.toFloor) <= 60_000_005_625n + 12n).to.equal(true);
  });

  it("index 0.990099 (101 citizens): the transition sends 100% of the reserve (1000 NXT) to the floor", async () => {
    h = await open();
    citizens.count = 101n;
    expect(h.query<{ index: string; branch: string }>("stability")).to.include({ index: "0.990099", branch: "below-1" });
    const refused = await draw(AUTHORITY, NXT);
    expect([refused.codeName, refused.fee]).to.deep.equal(["ECONOMY_NOT_IN_CRISIS", "11720"]);
    // The refused draw's fee 11 720 (burned 2 344; 3 516 + 5 860 with no validators) joined the reserve.
    expect(h.held(TRANSITION_RESERVE)).to.equal(1000n * NXT + 9_376n);
    const floor0 = h.held(BHLS_FLOOR_RESERVE);
    await h.block(GENESIS_TIME + MINUTE);
    expect(h.held(BHLS_FLOOR_RESERVE) - floor0).to.equal(1000n * NXT + 9_376n);
    expect(h.held(TRANSITION_RESERVE)).to.equal(0n);
    expect(LIQUIDITY_ACCOUNTS.map((a) => h.held(a))).to.deep.equal(LIQUIDITY_ACCOUNTS.map(() => 0n));
    expect(h.query("transition", { epoch: 1 })).to.include({ branch: "below-1", stabilityIndex: "0.990099", citizens: "101", reserve: "100000009376", toFloor: "100000009376" });
  });

  it("index 0.497512 (201 citizens): the authority draws up to the cap per epoch; others, and over the cap, are refused; the cap resets next epoch", async () => {
    h = await open({ cap: 1000n * NXT });
    citizens.count = 201n;
    expect(h.query("stability")).to.deep.equal({ numerator: "69000000000000", denominator: "138690000000000", index: "0.497512", citizens: "201", branch: "below-0.5" });
    const treasury0 = h.held(TREASURY);
    const floor0 = h.held(BHLS_FLOOR_RESERVE);
    const ok = await draw(AUTHORITY, 600n * NXT);
    expect(ok.codeName, ok.log).to.equal("OK");
    expect(h.held(TREASURY)).to.equal(treasury0 - 600n * NXT);
    expect(h.held(BHLS_FLOOR_RESERVE)).to.equal(floor0 + 600n * NXT);
    expect(ok.events.find((e) => e.type === "economy.treasury_draw")?.attributes).to.deep.equal({ epoch: "1", amount: "60000000000", drawnThisEpoch: "60000000000", stabilityIndex: "0.497512" });
    expect(h.query<{ treasuryDrawn: string }>("epoch").treasuryDrawn).to.equal("60000000000");
    // Anyone else: unauthorized, whatever the index.
    expect((await draw(2, NXT)).codeName).to.equal("ECONOMY_UNAUTHORIZED");
    // 600 + 500 > 1000: over the cap; nothing moves.
    expect((await draw(AUTHORITY, 500n * NXT)).codeName).to.equal("ECONOMY_DRAW_CAP_EXCEEDED");
    expect(h.held(TREASURY)).to.equal(treasury0 - 600n * NXT);
    // 600 + 400 = 1000: exactly the cap.
    expect((await draw(AUTHORITY, 400n * NXT)).codeName).to.equal("OK");
    expect((await draw(AUTHORITY, 1n)).codeName).to.equal("ECONOMY_DRAW_CAP_EXCEEDED");
    expect(h.held(BHLS_FLOOR_RESERVE)).to.equal(floor0 + 1000n * NXT);
    // Still below 0.5 (691 000 / 1 386 900): the transition sends everything to the floor, and the cap resets.
    const reserve = h.held(TRANSITION_RESERVE);
    await h.block(GENESIS_TIME + MINUTE);
    expect(h.query("transition", { epoch: 1 })).to.include({ branch: "below-0.5", stabilityIndex: "0.498233", reserve: reserve.toString(), toFloor: reserve.toString() });
    expect(h.query<{ epoch: number; treasuryDrawn: string }>("epoch")).to.include({ epoch: 2, treasuryDrawn: "0" });
    expect((await draw(AUTHORITY, 1000n * NXT)).codeName).to.equal("OK");
    expect(h.invariants()).to.deep.equal([]);
  });

  it("a draw is refused once the index recovers to 0.5 or above", async () => {
    h = await open({ cap: 1_000_000n * NXT });
    citizens.count = 201n;
    // 0.5 needs 693 450 NXT: 690 000 + 3 450.
    expect((await draw(AUTHORITY, 3_449n * NXT)).codeName).to.equal("OK");
    expect(h.query<{ branch: string }>("stability").branch).to.equal("below-0.5");
    expect((await draw(AUTHORITY, 1n * NXT)).codeName).to.equal("OK");
    expect(h.query<{ index: string; branch: string }>("stability")).to.include({ index: "0.500000", branch: "below-1" });
    expect((await draw(AUTHORITY, 1n)).codeName).to.equal("ECONOMY_NOT_IN_CRISIS");
  });
});
