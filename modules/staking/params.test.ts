import { expect } from "chai";
import { bankModule } from "../bank/index.ts";
import { StakingTypeUrls as T, createStakingModule, defaultStakingParams, stakingModule, StakingTokens, type StakingKeeper } from "./index.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import { addr, fakeConsensusModule, openStakingNode, NXT, type Harness } from "./testing.ts";

describe("staking: authority and MsgUpdateParams; queues drained through TimeQueue", () => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it("only the chain's authority replaces the params, and the module's own rules still apply", async () => {
    const authority = addr(5);
    h = await openStakingNode({ validators: [{ n: 0, nxt: 300n }], modules: [bankModule, createStakingModule({ authority }), fakeConsensusModule] });
    expect(h.keeper.authority).to.equal(authority);
    const params = { ...defaultStakingParams(), maxMaturePerBlock: 1, unbondingTimeMs: 10_000 };
    const denied = await h.run(6, T.UpdateParams, { authority: addr(6), params });
    expect(denied.codeName).to.equal("STAKING_UNAUTHORIZED");
    const invalid = await h.run(5, T.UpdateParams, { authority, params: { ...params, defaultCommissionBps: 3000, defaultMaxCommissionBps: 2000 } });
    expect(invalid.codeName).to.equal("STAKING_INVALID_PARAMS");
    expect(invalid.log).to.match(/defaultCommissionBps 3000 exceeds defaultMaxCommissionBps 2000/);
    const ok = await h.ok(5, T.UpdateParams, { authority, params });
    expect(ok.events.map((e) => e.type)).to.include("staking.params_updated");
    expect(h.query("params")).to.deep.equal(params);

    // Two undelegations fall due in the same block; maxMaturePerBlock 1 drains one per block, oldest first.
    await h.ok(7, T.Delegate, { delegator: addr(7), validator: addr(0), amount: (10n * NXT).toString() });
    const u = await h.submit(7, [
      { typeUrl: T.Undelegate, value: { delegator: addr(7), validator: addr(0), amount: (3n * NXT).toString() } },
      { typeUrl: T.Undelegate, value: { delegator: addr(7), validator: addr(0), amount: (4n * NXT).toString() } },
    ]);
    await h.block();
    expect(h.receipt(u).codeName).to.equal("OK");
    const entries = h.query<{ id: number; completionTime: number }[]>("unbonding", { delegator: addr(7) });
    expect(entries).to.have.length(2);
    h.t.clock.t = entries[0]!.completionTime + 1000; // both due at the next block
    const b0 = h.balance(addr(7));
    await h.block();
    expect(h.query<{ id: number }[]>("unbonding", { delegator: addr(7) }).map((e) => e.id)).to.deep.equal([entries[1]!.id]);
    expect(h.balance(addr(7)) - b0).to.equal(3n * NXT);
    await h.block();
    expect(h.query<unknown[]>("unbonding", { delegator: addr(7) })).to.have.length(0);
    expect(h.balance(addr(7)) - b0).to.equal(7n * NXT);
    expect(h.invariants()).to.deep.equal([]);
  });

  it("defaults to the gov module account", async () => {
    h = await openStakingNode({ validators: [{ n: 0, nxt: 300n }] });
    expect(h.keeper.authority).to.equal(moduleAddress("gov"));
    expect(h.t.node.app.modules.container.get<StakingKeeper>(StakingTokens.Keeper)).to.equal(h.keeper);
    expect(stakingModule.name).to.equal("staking");
    expect(() => createStakingModule({ authority: "nope" })).to.throw(/not an address/);
  });
});
