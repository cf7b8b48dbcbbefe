import { expect } from "chai";
import { StakingTypeUrls as T, BONDED_POOL, NOT_BONDED_POOL, DISTRIBUTION_POOL } from "./index.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import { addr, consKey, openStakingNode, NXT, type Harness } from "./testing.ts";

describe("staking: validators, delegation, rewards, unbonding, redelegation", () => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it("bonds genesis validators and reports the genesis set from height 1", async () => {
    h = await openStakingNode({ validators: [{ n: 0, nxt: 300n }, { n: 1, nxt: 100n }] });
    expect(h.setAt(1)).to.deep.equal([addr(0), addr(1)]);
    const v0 = h.query<{ status: string; tokens: string; band: number }>("validator", { operator: addr(0) });
    expect(v0.status).to.equal("bonded");
    expect(v0.tokens).to.equal((300n * NXT).toString());
    expect(h.balance(moduleAddress(BONDED_POOL))).to.equal(400n * NXT);
    const set = h.query<{ validators: { operator: string; power: string; consensusPubKey: string }[] }>("activeSet", { height: 1 });
    expect(set.validators.map((m) => [m.operator, m.power, m.consensusPubKey])).to.deep.equal([
      [addr(0), "300", consKey(0)],
      [addr(1), "100", consKey(1)],
    ]);
    expect(h.invariants()).to.deep.equal([]);
  });

  it("creates a validator whose set membership takes effect at H+2, not H+1", async () => {
    h = await openStakingNode({ validators: [{ n: 0, nxt: 300n }] });
    const r = await h.ok(2, T.CreateValidator, { operator: addr(2), consensusPubKey: consKey(2), band: 4, moniker: "two", amount: (50n * NXT).toString() });
    const H = r.height;
    expect(h.setAt(H)).to.deep.equal([addr(0)]);
    expect(h.setAt(H + 1)).to.deep.equal([addr(0)]);
    expect(h.setAt(H + 2)).to.deep.equal([addr(0), addr(2)]);
    const v = h.query<{ status: string; band: number; commission: { rateBps: number } }>("validator", { operator: addr(2) });
    expect(v.status).to.equal("bonded");
    expect(v.band).to.equal(4);
    expect(v.commission.rateBps).to.equal(1000);
    // The same consensus key or operator cannot register twice.
    expect((await h.run(3, T.CreateValidator, { operator: addr(3), consensusPubKey: consKey(2), band: 1, moniker: "x", amount: "100000000" })).codeName).to.equal(
      "STAKING_PUBKEY_IN_USE",
    );
    expect((await h.run(2, T.CreateValidator, { operator: addr(2), consensusPubKey: consKey(9), band: 1, moniker: "x", amount: "100000000" })).codeName).to.equal(
      "STAKING_VALIDATOR_EXISTS",
    );
    // Removal is delayed the same way: self-undelegate everything at H2.
    const u = await h.ok(2, T.Undelegate, { delegator: addr(2), validator: addr(2), amount: (50n * NXT).toString() });
    expect(h.setAt(u.height + 1)).to.include(addr(2));
    expect(h.setAt(u.height + 2)).to.not.include(addr(2));
    expect(h.query<{ status: string }>("validator", { operator: addr(2) }).status).to.equal("unbonding");
    expect(h.invariants()).to.deep.equal([]);
  });

  it("splits 2 NXT per block by power, commission to the operator, the rest pro rata (exact amounts)", async () => {
    h = await openStakingNode({ validators: [{ n: 0, nxt: 300n }, { n: 1, nxt: 100n }] });
    // Block 1: D (signer 5) delegates 100 NXT to V1. V1's power doubles from height 3.
    const r1 = await h.ok(5, T.Delegate, { delegator: addr(5), validator: addr(1), amount: (100n * NXT).toString() });
    expect(r1.height).to.equal(1);
    await h.blocks(2); // heights 2 and 3
    // V1 rewards: h1 50_000_000 (D not yet in), h2 50_000_000 (set still 300/100), h3 80_000_000 (300/200).
    const rw = (d: number, v: number) => h.query<{ pending: string; commission: string }>("rewards", { delegator: addr(d), validator: addr(v) });
    expect(rw(5, 1).pending).to.equal((22_500_000n + 36_000_000n).toString());
    expect(rw(1, 1)).to.deep.equal({ pending: (45_000_000n + 22_500_000n + 36_000_000n).toString(), commission: (5_000_000n + 5_000_000n + 8_000_000n).toString() });
    // V0: 150M, 150M, 120M; commission 10%.
    expect(rw(0, 0)).to.deep.equal({ pending: (135_000_000n * 2n + 108_000_000n).toString(), commission: (15_000_000n * 2n + 12_000_000n).toString() });
    expect(h.balance(moduleAddress(DISTRIBUTION_POOL))).to.equal(6n * NXT);
    // Block 4 pays another 36M to D before its withdrawal executes.
    const before = h.balance(addr(5));
    const w = await h.ok(5, T.WithdrawRewards, { delegator: addr(5), validator: addr(1) });
    expect(h.balance(addr(5)) - before).to.equal(22_500_000n + 36_000_000n * 2n - BigInt(w.fee));
    expect(rw(5, 1).pending).to.equal("0");
    // Commission withdrawal by the operator (block 5 adds 8M more).
    const b1 = h.balance(addr(1));
    const c = await h.ok(1, T.WithdrawCommission, { operator: addr(1) });
    expect(h.balance(addr(1)) - b1).to.equal(18_000_000n + 8_000_000n * 2n - BigInt(c.fee));
    expect(h.invariants()).to.deep.equal([]);
  });

  it("pays nothing and fails nothing when the validator pool is empty", async () => {
    h = await openStakingNode({ validators: [{ n: 0, nxt: 300n }], params: { rewardPerBlock: (300_000_000n * NXT).toString() } });
    // The pool holds 200M NXT: the first block drains it (capped at the balance), later blocks pay 0.
    await h.blocks(3);
    expect(h.balance(moduleAddress("validator_pool"))).to.equal(0n);
    expect(h.balance(moduleAddress(DISTRIBUTION_POOL))).to.equal(200_000_000n * NXT);
    expect(h.invariants()).to.deep.equal([]);
  });

  it("undelegation matures after 7 days of block time, not before", async () => {
    h = await openStakingNode({ validators: [{ n: 0, nxt: 300n }] });
    await h.ok(5, T.Delegate, { delegator: addr(5), validator: addr(0), amount: (100n * NXT).toString() });
    await h.ok(5, T.Undelegate, { delegator: addr(5), validator: addr(0), amount: (40n * NXT).toString() });
    const [entry] = h.query<{ completionTime: number; balance: string; creationHeight: number }[]>("unbonding", { delegator: addr(5) });
    expect(entry!.balance).to.equal((40n * NXT).toString());
    const undelegatedAt = h.t.node.getBlock(entry!.creationHeight)!.header.time;
    expect(entry!.completionTime - undelegatedAt).to.equal(7 * 86_400_000);
    expect(h.balance(moduleAddress(NOT_BONDED_POOL))).to.equal(40n * NXT);
    // Remaining delegation keeps 60 NXT.
    expect(h.query<{ tokens: string }>("delegation", { delegator: addr(5), validator: addr(0) }).tokens).to.equal((60n * NXT).toString());
    const b = h.balance(addr(5));
    h.t.clock.t = entry!.completionTime - 2000; // next block time: completion − 1 s
    await h.block();
    expect(h.balance(addr(5))).to.equal(b);
    expect(h.query<unknown[]>("unbonding", { delegator: addr(5) })).to.have.length(1);
    await h.block(); // block time = completion
    expect(h.balance(addr(5)) - b).to.equal(40n * NXT);
    expect(h.query<unknown[]>("unbonding", { delegator: addr(5) })).to.have.length(0);
    expect(h.balance(moduleAddress(NOT_BONDED_POOL))).to.equal(0n);
    expect(h.invariants()).to.deep.equal([]);
  });

  it("refuses to undelegate more than delegated and caps entries in flight", async () => {
    h = await openStakingNode({ validators: [{ n: 0, nxt: 300n }], params: { maxEntries: 2 } });
    await h.ok(5, T.Delegate, { delegator: addr(5), validator: addr(0), amount: (10n * NXT).toString() });
    expect((await h.run(5, T.Undelegate, { delegator: addr(5), validator: addr(0), amount: (11n * NXT).toString() })).codeName).to.equal("STAKING_INSUFFICIENT_SHARES");
    expect((await h.run(6, T.Undelegate, { delegator: addr(6), validator: addr(0), amount: "1" })).codeName).to.equal("STAKING_DELEGATION_NOT_FOUND");
    await h.ok(5, T.Undelegate, { delegator: addr(5), validator: addr(0), amount: NXT.toString() });
    await h.ok(5, T.Undelegate, { delegator: addr(5), validator: addr(0), amount: NXT.toString() });
    expect((await h.run(5, T.Undelegate, { delegator: addr(5), validator: addr(0), amount: NXT.toString() })).codeName).to.equal("STAKING_TOO_MANY_ENTRIES");
    expect((await h.run(5, T.Delegate, { delegator: addr(5), validator: addr(7), amount: NXT.toString() })).codeName).to.equal("STAKING_VALIDATOR_NOT_FOUND");
  });

  it("redelegates at once, refuses a transitive hop while one is in progress, and allows it after maturity", async () => {
    h = await openStakingNode({ validators: [{ n: 0, nxt: 300n }, { n: 1, nxt: 100n }, { n: 2, nxt: 100n }] });
    await h.ok(5, T.Delegate, { delegator: addr(5), validator: addr(1), amount: (80n * NXT).toString() });
    const r = await h.ok(5, T.BeginRedelegate, { delegator: addr(5), srcValidator: addr(1), dstValidator: addr(0), amount: (50n * NXT).toString() });
    expect(h.query<{ tokens: string }>("delegation", { delegator: addr(5), validator: addr(1) }).tokens).to.equal((30n * NXT).toString());
    expect(h.query<{ tokens: string }>("delegation", { delegator: addr(5), validator: addr(0) }).tokens).to.equal((50n * NXT).toString());
    expect(h.setAt(r.height + 2)).to.deep.equal([addr(0), addr(1), addr(2)]);
    expect(h.keeper.activeSetFor(h.ctx(), r.height + 2).map((m) => m.power)).to.deep.equal([350n, 130n, 100n]);
    const [red] = h.query<{ completionTime: number; src: string; dst: string }[]>("redelegations", { delegator: addr(5) });
    expect([red!.src, red!.dst]).to.deep.equal([addr(1), addr(0)]);
    // 0 → 2 would be a second hop of stake still redelegating into 0.
    expect((await h.run(5, T.BeginRedelegate, { delegator: addr(5), srcValidator: addr(0), dstValidator: addr(2), amount: NXT.toString() })).codeName).to.equal(
      "STAKING_TRANSITIVE_REDELEGATION",
    );
    expect((await h.run(5, T.BeginRedelegate, { delegator: addr(5), srcValidator: addr(1), dstValidator: addr(1), amount: NXT.toString() })).codeName).to.equal(
      "STAKING_SELF_REDELEGATION",
    );
    // From 1 (not a destination) onward is fine.
    await h.ok(5, T.BeginRedelegate, { delegator: addr(5), srcValidator: addr(1), dstValidator: addr(2), amount: NXT.toString() });
    h.t.clock.t = red!.completionTime;
    await h.block();
    expect(h.query<unknown[]>("redelegations", { delegator: addr(5) })).to.have.length(1); // only the 1 → 2 entry remains
    await h.ok(5, T.BeginRedelegate, { delegator: addr(5), srcValidator: addr(0), dstValidator: addr(2), amount: NXT.toString() });
    expect(h.invariants()).to.deep.equal([]);
  });

  it("edits commission within the declared bounds, once per day", async () => {
    h = await openStakingNode({ validators: [{ n: 0, nxt: 300n }] });
    expect((await h.run(0, T.EditValidator, { operator: addr(0), commissionRateBps: 1050 })).codeName).to.equal("STAKING_COMMISSION_CHANGE_TOO_SOON");
    h.t.clock.t += 86_400_000;
    expect((await h.run(0, T.EditValidator, { operator: addr(0), commissionRateBps: 1200 })).codeName).to.equal("STAKING_COMMISSION_CHANGE_TOO_LARGE");
    await h.ok(0, T.EditValidator, { operator: addr(0), commissionRateBps: 1100, moniker: "renamed" });
    const v = h.query<{ moniker: string; commission: { rateBps: number } }>("validator", { operator: addr(0) });
    expect([v.moniker, v.commission.rateBps]).to.deep.equal(["renamed", 1100]);
    expect((await h.run(0, T.EditValidator, { operator: addr(0), minSelfDelegation: (301n * NXT).toString() })).codeName).to.equal("STAKING_SELF_DELEGATION_TOO_LOW");
    // Only the operator may edit.
    let threw = "";
    try {
      await h.submit(1, [{ typeUrl: T.EditValidator, value: { operator: addr(0), moniker: "x" } }]);
    } catch (e) {
      threw = (e as { code: string }).code;
    }
    expect(threw).to.equal("TX_MISSING_SIGNER");
  });
});
