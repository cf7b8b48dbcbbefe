import { ContainerModule, inject, injectable } from "inversify";
import { expect } from "chai";
import type { ChainModule, Ctx, ModuleInstance } from "../../runtime/modules/types.ts";
import type { ChainEvent } from "../../runtime/modules/types.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import { bankModule } from "../bank/index.ts";
import { StakingTypeUrls as T, StakingTokens, stakingModule, DISTRIBUTION_POOL, type StakingKeeper } from "./index.ts";
import { splitByPower } from "./keeper/distribution.ts";
import { addr, fakeConsensusModule, openStakingNode, NXT, type Harness } from "./testing.ts";

/** Income routed each block from "treasury" through allocateFees (what economy does with fees). */
const plan = { amount: 0n, paid: [] as bigint[] };
const PayerToken = Symbol.for("test.FeePayer");

@injectable()
class FeePayer implements ModuleInstance {
  constructor(@inject(StakingTokens.Keeper) private readonly keeper: StakingKeeper) {}
  endBlock(ctx: Ctx): void {
    if (plan.amount > 0n) plan.paid.push(this.keeper.allocateFees(ctx, "treasury", plan.amount));
  }
}

const feePayerModule: ChainModule = {
  name: "feepayer",
  version: 1,
  dependsOn: ["staking"],
  bindings: new ContainerModule(({ bind }) => void bind(PayerToken).to(FeePayer).inSingletonScope()),
  instance: PayerToken,
};

describe("staking: allocateFees (income of another module account, split like the block reward)", () => {
  let h: Harness;
  let events: ChainEvent[][] = [];
  const treasury = moduleAddress("treasury");
  const commission = (n: number) => h.query<{ commission: string; outstanding: string }>("commission", { operator: addr(n) });
  const pending = (d: number, v: number) => h.query<{ pending: string }>("rewards", { delegator: addr(d), validator: addr(v) }).pending;

  async function open(): Promise<void> {
    plan.amount = 0n;
    plan.paid = [];
    events = [];
    h = await openStakingNode({
      // No block reward: every coin the validators get below comes from allocateFees.
      params: { rewardPerBlock: "0" },
      validators: [
        { n: 0, nxt: 300n },
        { n: 1, nxt: 100n, commissionRateBps: 2000 },
      ],
      modules: [bankModule, stakingModule, fakeConsensusModule, feePayerModule],
    });
    const app = h.t.node.app;
    const exec = app.executeBlock.bind(app);
    app.executeBlock = (info, txs) => {
      const e = exec(info, txs);
      events.push(e.blockEvents);
      return e;
    };
  }

  afterEach(async () => {
    await h?.close();
  });

  it("splitByPower floors each part and leaves out members whose part is zero (pure)", () => {
    const set = [
      { operator: "a", power: 300n },
      { operator: "b", power: 100n },
    ];
    expect(splitByPower(set, 1001n)).to.deep.equal([
      { operator: "a", amount: 750n },
      { operator: "b", amount: 250n },
    ]);
    expect(splitByPower(set, 3n)).to.deep.equal([{ operator: "a", amount: 2n }]);
    expect(splitByPower([], 1000n)).to.deep.equal([]);
    expect(splitByPower([{ operator: "a", power: 0n }], 1000n)).to.deep.equal([]);
    expect(splitByPower(set, 0n)).to.deep.equal([]);
  });

  it("pays 1001 as 750 / 250 with each validator's commission; the remainder 1 stays in the paying account", async () => {
    await open();
    const before = h.balance(treasury);
    plan.amount = 1001n;
    await h.block();
    plan.amount = 0n;
    expect(plan.paid).to.deep.equal([1000n]);
    expect(h.balance(treasury)).to.equal(before - 1000n);
    expect(h.balance(moduleAddress(DISTRIBUTION_POOL))).to.equal(1000n);
    // V0: 750, commission 10% = 75, delegators 675. V1: 250, commission 20% = 50, delegators 200.
    expect(commission(0)).to.deep.equal({ commission: "75", outstanding: "750" });
    expect(commission(1)).to.deep.equal({ commission: "50", outstanding: "250" });
    expect(pending(0, 0)).to.equal("675");
    expect(pending(1, 1)).to.equal("200");
    const fee = events[0]!.filter((e) => e.type === "staking.fee_rewards");
    expect(fee).to.deep.equal([{ type: "staking.fee_rewards", attributes: { height: "1", from: "treasury", amount: "1000", validators: "2" } }]);
    expect(h.invariants()).to.deep.equal([]);
  });

  it("splits by the active set of the current height: a delegation at height 1 changes the split from height 3", async () => {
    await open();
    // V1's power 100 → 300 from height 3 (H+2).
    plan.amount = 1200n;
    const r = await h.ok(5, T.Delegate, { delegator: addr(5), validator: addr(1), amount: (200n * NXT).toString() });
    expect(r.height).to.equal(1);
    await h.blocks(2);
    plan.amount = 0n;
    // h1 and h2: 900 / 300; h3: 600 / 600.
    expect(plan.paid).to.deep.equal([1200n, 1200n, 1200n]);
    expect(commission(0).outstanding).to.equal((900n + 900n + 600n).toString());
    expect(commission(1).outstanding).to.equal((300n + 300n + 600n).toString());
    expect(h.invariants()).to.deep.equal([]);
  });

  it("refuses to distribute more than the paying account holds (a block hook error, not a silent overdraft)", async () => {
    await open();
    const k = h.keeper;
    const ctx = h.ctx();
    expect(() => k.allocateFees(ctx, "nobody_holds_this", 1n)).to.throw(/holds 0, asked to distribute 1/);
    expect(k.allocateFees(ctx, "nobody_holds_this", 0n)).to.equal(0n);
  });
});
