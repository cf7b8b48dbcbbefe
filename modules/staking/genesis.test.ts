import { expect } from "chai";
import { StakingTypeUrls as T, defaultStakingParams } from "./index.ts";
import { Validators } from "./keys.ts";
import { validatorCodec } from "./records.ts";
import { buildGenesis } from "../../runtime/node/genesis.ts";
import { ModuleManager } from "../../runtime/modules/manager.ts";
import { openTestNode, testGenesis, removeDir, TEST_CHAIN_ID, GENESIS_TIME } from "../../test/helpers/node-harness.ts";
import { Harness, MODULES, addr, consKey, openStakingNode, NXT } from "./testing.ts";

describe("staking: genesis and invariants", () => {
  it("exports its state and a new chain imported from the export starts with the same validators and delegations", async () => {
    const h = await openStakingNode({ validators: [{ n: 0, nxt: 300n }, { n: 1, nxt: 100n }] });
    let h2: Harness | undefined;
    try {
      await h.ok(5, T.Delegate, { delegator: addr(5), validator: addr(1), amount: (100n * NXT).toString() });
      await h.ok(5, T.Undelegate, { delegator: addr(5), validator: addr(1), amount: (30n * NXT).toString() });
      await h.blocks(2);
      const exported = h.t.node.app.modules.exportGenesis(h.ctx()) as Record<string, unknown>;
      const g = buildGenesis(TEST_CHAIN_ID, GENESIS_TIME, new ModuleManager(MODULES), exported);
      h2 = new Harness(await openTestNode({ modules: MODULES, genesis: g }));
      for (const v of [0, 1]) expect(h2.query("validator", { operator: addr(v) })).to.deep.equal({ ...h.query("validator", { operator: addr(v) }), createdHeight: 0 });
      expect(h2.query("delegation", { delegator: addr(5), validator: addr(1) })).to.deep.equal(h.query("delegation", { delegator: addr(5), validator: addr(1) }));
      expect(h2.query<{ balance: string }[]>("unbonding", { delegator: addr(5) }).map((e) => e.balance)).to.deep.equal([(30n * NXT).toString()]);
      expect(h2.setAt(1)).to.deep.equal([addr(0), addr(1)]);
      expect(h2.invariants()).to.deep.equal([]);
      await h2.blocks(2);
      expect(h2.invariants()).to.deep.equal([]);
    } finally {
      await h.close();
      await h2?.close();
    }
  });

  it("rejects a genesis validator whose operator cannot fund its self-delegation", async () => {
    const genesis = testGenesis({
      modules: MODULES,
      funded: 2,
      extra: { staking: { params: defaultStakingParams(), validators: [{ operator: addr(7), consensusPubKey: consKey(7), band: 3, amount: "100" }] } },
    });
    let err: { code?: string; message?: string } = {};
    let dir: string | undefined;
    try {
      const t = await openTestNode({ modules: MODULES, genesis });
      dir = t.dir;
      await t.close();
    } catch (e) {
      err = e as { code?: string; message?: string };
    }
    if (dir) removeDir(dir);
    expect(err.code).to.equal("STAKING_GENESIS_INVALID");
    expect(err.message).to.match(/BANK_INSUFFICIENT_FUNDS|has 0nxt/);
  });

  it("invariants catch a validator record whose tokens disagree with the pools and shares", async () => {
    const h = await openStakingNode({ validators: [{ n: 0, nxt: 300n }] });
    try {
      const ctx = h.ctx();
      const v = h.keeper.validator(ctx, addr(0))!;
      ctx.kv("staking").set(Validators.rawKey(addr(0)), validatorCodec.encode({ ...v, tokens: v.tokens + 1n }));
      expect(h.t.node.app.modules.checkInvariants(ctx)).to.deep.equal([
        `staking/bonded-pool: bonded_pool holds ${300n * NXT} but bonded validators have ${300n * NXT + 1n} tokens`,
      ]);
      ctx.kv("staking").set(Validators.rawKey(addr(0)), validatorCodec.encode({ ...v, delegatorShares: v.delegatorShares + 1n }));
      expect(h.t.node.app.modules.checkInvariants(ctx)[0]).to.match(/^staking\/delegator-shares: /);
    } finally {
      await h.close();
    }
  });
});
