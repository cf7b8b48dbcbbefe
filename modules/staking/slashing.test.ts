import { expect } from "chai";
import { StakingTypeUrls as T, NOT_BONDED_POOL, BONDED_POOL } from "./index.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import { Band } from "../../runtime/tx/bands.ts";
import { BankTypeUrls } from "../bank/index.ts";
import { addr, consKey, consensusPlan, openStakingNode, NXT, type Harness } from "./testing.ts";

interface V {
  tokens: string;
  status: string;
  jailed: boolean;
  tombstoned: boolean;
  jailedUntil: number;
}

describe("staking: slashing, jailing, max validators, FEMTO band", () => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it("double sign: 5% of stake and of later unbondings burned, jailed, tombstoned, unjail refused", async () => {
    h = await openStakingNode({ validators: [{ n: 0, nxt: 300n }, { n: 1, nxt: 100n }] });
    await h.ok(5, T.Delegate, { delegator: addr(5), validator: addr(1), amount: (100n * NXT).toString() });
    // Before the infraction: an unbonding of 20 NXT created at `infraction` is slashable too;
    // one created earlier than the infraction would not be.
    const early = await h.ok(1, T.Undelegate, { delegator: addr(1), validator: addr(1), amount: (10n * NXT).toString() });
    const late = await h.ok(5, T.Undelegate, { delegator: addr(5), validator: addr(1), amount: (20n * NXT).toString() });
    const burnedBefore = BigInt((h.t.node.query("bank/supply", { denom: "nxt" }) as { burned: string }).burned);
    // Evidence for the infraction at early.height + 1 (after `early`, at/before `late`), by consensus key.
    expect(late.height).to.equal(early.height + 1);
    consensusPlan.evidence.push({ id: consKey(1), height: early.height + 1 });
    const H = await h.block();
    const v = h.query<V>("validator", { operator: addr(1) });
    // V1 had 200 − 10 − 20 = 170 NXT bonded: 8.5 NXT burned; the late 20 NXT unbonding loses 1 NXT.
    expect(v.tokens).to.equal((1615n * NXT / 10n).toString());
    expect([v.jailed, v.tombstoned]).to.deep.equal([true, true]);
    const entries = h.query<{ validator: string; balance: string }[]>("unbonding", { delegator: addr(5) });
    expect(entries.map((e) => e.balance)).to.deep.equal([(19n * NXT).toString()]);
    expect(h.query<{ balance: string }[]>("unbonding", { delegator: addr(1) }).map((e) => e.balance)).to.deep.equal([(10n * NXT).toString()]);
    const burned = BigInt((h.t.node.query("bank/supply", { denom: "nxt" }) as { burned: string }).burned) - burnedBefore;
    expect(burned).to.equal(95n * NXT / 10n);
    // Delegators lose pro rata: D's 80 NXT delegation is now worth 76 NXT.
    expect(h.query<{ tokens: string }>("delegation", { delegator: addr(5), validator: addr(1) }).tokens).to.equal((76n * NXT).toString());
    // Removed from the set at H+2; still there at H+1.
    expect(h.setAt(H + 1)).to.include(addr(1));
    expect(h.setAt(H + 2)).to.deep.equal([addr(0)]);
    // Never unjailed, however long one waits; further evidence is ignored.
    h.t.clock.t += 365 * 86_400_000;
    expect((await h.run(1, T.Unjail, { operator: addr(1) })).codeName).to.equal("STAKING_TOMBSTONED");
    consensusPlan.evidence.push({ id: addr(1), height: H });
    await h.block();
    expect(h.query<V>("validator", { operator: addr(1) }).tokens).to.equal((1615n * NXT / 10n).toString());
    expect((await h.run(5, T.Delegate, { delegator: addr(5), validator: addr(1), amount: NXT.toString() })).codeName).to.equal("STAKING_TOMBSTONED");
    expect(h.invariants()).to.deep.equal([]);
  });

  it("double sign also slashes stake redelegated away after the infraction", async () => {
    h = await openStakingNode({ validators: [{ n: 0, nxt: 300n }, { n: 1, nxt: 100n }] });
    await h.ok(5, T.Delegate, { delegator: addr(5), validator: addr(1), amount: (100n * NXT).toString() });
    const infraction = h.height + 1;
    await h.ok(5, T.BeginRedelegate, { delegator: addr(5), srcValidator: addr(1), dstValidator: addr(0), amount: (40n * NXT).toString() });
    consensusPlan.evidence.push({ id: addr(1), height: infraction });
    await h.block();
    // 5% of the 40 NXT that left V1 is taken from D's delegation at V0.
    expect(h.query<{ tokens: string }>("delegation", { delegator: addr(5), validator: addr(0) }).tokens).to.equal((38n * NXT).toString());
    expect(h.query<V>("validator", { operator: addr(0) }).tokens).to.equal((338n * NXT).toString());
    expect(h.query<V>("validator", { operator: addr(1) }).tokens).to.equal((160n * NXT * 95n / 100n).toString());
    expect(h.invariants()).to.deep.equal([]);
  });

  it("downtime: missing more than the window allows burns 1%, jails, and unjail works after the jail period", async () => {
    h = await openStakingNode({
      validators: [{ n: 0, nxt: 300n }, { n: 1, nxt: 100n }],
      params: { signedBlocksWindow: 10, minSignedPerWindowBps: 5000, downtimeJailDurationMs: 60_000 },
    });
    consensusPlan.record = true;
    consensusPlan.offline.add(addr(1));
    let jailedAt = 0;
    for (let i = 0; i < 15 && !jailedAt; i++) {
      const H = await h.block();
      if (h.query<V>("validator", { operator: addr(1) }).jailed) jailedAt = H;
    }
    // Window 10, at most 5 misses: the 6th miss counts once the window has filled (height > 10).
    expect(jailedAt).to.equal(11);
    const v = h.query<V>("validator", { operator: addr(1) });
    expect(v.tokens).to.equal((99n * NXT).toString());
    expect(v.tombstoned).to.equal(false);
    expect(h.query<V>("validator", { operator: addr(0) }).jailed).to.equal(false);
    expect(h.setAt(jailedAt + 2)).to.deep.equal([addr(0)]);
    expect(h.query<{ missedCounter: number }>("signingInfo", { operator: addr(1) }).missedCounter).to.equal(0);
    // Too early.
    consensusPlan.offline.clear();
    const early = await h.run(1, T.Unjail, { operator: addr(1) });
    expect(early.codeName).to.equal("STAKING_JAIL_PERIOD_ACTIVE");
    h.t.clock.t = v.jailedUntil;
    const r = await h.ok(1, T.Unjail, { operator: addr(1) });
    expect(h.query<V>("validator", { operator: addr(1) }).jailed).to.equal(false);
    expect(h.setAt(r.height + 1)).to.deep.equal([addr(0)]);
    expect(h.setAt(r.height + 2)).to.deep.equal([addr(0), addr(1)]);
    expect((await h.run(0, T.Unjail, { operator: addr(0) })).codeName).to.equal("STAKING_NOT_JAILED");
    await h.blocks(3);
    expect(h.query<V>("validator", { operator: addr(1) }).status).to.equal("bonded");
    expect(h.invariants()).to.deep.equal([]);
  });

  it("keeps only the top maxValidators bonded; a delegation can push one out", async () => {
    h = await openStakingNode({ validators: [{ n: 0, nxt: 300n }, { n: 1, nxt: 100n }, { n: 2, nxt: 50n }], params: { maxValidators: 2 } });
    expect(h.setAt(1)).to.deep.equal([addr(0), addr(1)]);
    expect(h.query<V>("validator", { operator: addr(2) }).status).to.equal("unbonded");
    expect(h.balance(moduleAddress(BONDED_POOL))).to.equal(400n * NXT);
    expect(h.balance(moduleAddress(NOT_BONDED_POOL))).to.equal(50n * NXT);
    const r = await h.ok(5, T.Delegate, { delegator: addr(5), validator: addr(2), amount: (100n * NXT).toString() });
    expect(h.setAt(r.height + 2)).to.deep.equal([addr(0), addr(2)]);
    expect(h.query<V>("validator", { operator: addr(1) }).status).to.equal("unbonding");
    expect(h.query<V>("validator", { operator: addr(2) }).status).to.equal("bonded");
    expect(h.balance(moduleAddress(BONDED_POOL))).to.equal(450n * NXT);
    expect(h.balance(moduleAddress(NOT_BONDED_POOL))).to.equal(100n * NXT);
    expect(h.invariants()).to.deep.equal([]);
  });

  it("FEMTO band: a transaction from an active validator is accepted, from anyone else TX_BAND_FORBIDDEN", async () => {
    h = await openStakingNode({ validators: [{ n: 0, nxt: 300n }, { n: 1, nxt: 100n }, { n: 2, nxt: 50n }], params: { maxValidators: 2 } });
    const send = (n: number) => [{ typeUrl: BankTypeUrls.Send, value: { from: addr(n), to: addr(9), amount: [{ denom: "nxt", amount: "1" }] } }];
    const hash = await h.submit(0, send(0), Band.FEMTO);
    await h.block();
    expect(h.receipt(hash)).to.include({ codeName: "OK", band: Band.FEMTO });
    const refused = async (n: number): Promise<string> => {
      try {
        await h.submit(n, send(n), Band.FEMTO);
        return "accepted";
      } catch (e) {
        return (e as { code: string }).code;
      }
    };
    expect(await refused(5)).to.equal("TX_BAND_FORBIDDEN"); // plain account
    expect(await refused(2)).to.equal("TX_BAND_FORBIDDEN"); // validator outside the active set
    // A jailed validator loses the role.
    consensusPlan.evidence.push({ id: addr(1), height: 1 });
    await h.block();
    expect(await refused(1)).to.equal("TX_BAND_FORBIDDEN");
  });
});
