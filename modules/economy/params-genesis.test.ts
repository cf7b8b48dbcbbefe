import { expect } from "chai";
import { GENESIS_TIME, removeDir, openTestNode, testGenesis } from "../../test/helpers/node-harness.ts";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEconomyNode, addr, AUTHORITY, economyTestModules, messaging, NXT, EconomyHarness } from "./testing.ts";
import { LIQUIDITY_ACCOUNTS, TRANSITION_RESERVE } from "./accounts.ts";
import { createEconomyModule, defaultEconomyParams, type EconomyParams } from "./index.ts";

const UPDATE = "/economy.v1.MsgUpdateParams";
const MINUTE = 60_000;

describe("economy: params, genesis, the DEX port", () => {
  let h: EconomyHarness | undefined;
  let h2: EconomyHarness | undefined;
  afterEach(async () => {
    await h?.close();
    await h2?.close();
    h = h2 = undefined;
  });

  it("createEconomyModule: name, version, dependencies", () => {
    const m = createEconomyModule({ authority: addr(1), staking: Symbol.for("x") });
    expect([m.name, m.version, m.dependsOn]).to.deep.equal(["economy", 1, ["bank", "staking"]]);
    expect(() => createEconomyModule({ authority: "nope", staking: Symbol.for("x") })).to.throw(/not an address/);
  });

  it("MsgUpdateParams: only the authority; bps groups that do not sum to 10000 are refused in checkTx", async () => {
    h = await openEconomyNode({ validators: [] });
    const p = h.query<EconomyParams>("params");
    expect(p).to.deep.equal(defaultEconomyParams());
    const next = { ...p, feeValidatorsBps: 4000, feeReserveBps: 4000 };
    expect((await h.run(2, UPDATE, { authority: addr(2), params: next })).codeName).to.equal("ECONOMY_UNAUTHORIZED");
    expect(h.query("params")).to.deep.equal(p);
    const bad = { ...p, feeBurnBps: 2001 };
    const err = await h.submit(AUTHORITY, [{ typeUrl: UPDATE, value: { authority: addr(AUTHORITY), params: bad } }]).then(
      () => expect.fail("accepted"),
      (e: { code: string; context: { code?: string } }) => e,
    );
    expect([err.code, err.context.code]).to.deep.equal(["TX_INVALID_MSG", "ECONOMY_INVALID_PARAMS"]);
    const r = await h.ok(AUTHORITY, UPDATE, { authority: addr(AUTHORITY), params: next });
    expect(r.events.find((e) => e.type === "economy.params_updated")?.attributes).to.deep.equal({ authority: addr(AUTHORITY) });
    expect(h.query("params")).to.deep.equal(next);
  });

  it("liquidityAllocationShares (the DEX's port) follows the params, in SPEC order", async () => {
    h = await openEconomyNode({ validators: [] });
    const shares = h.keeper.liquidityAllocationShares(h.ctx());
    expect(shares.map((s) => s.module)).to.deep.equal([...LIQUIDITY_ACCOUNTS]);
    expect(shares.map((s) => s.bps)).to.deep.equal([1200, 800, 1200, 800, 1000, 1000, 800, 700, 1000, 500, 500, 500]);
    const p = h.query<EconomyParams>("params");
    await h.ok(AUTHORITY, UPDATE, { authority: addr(AUTHORITY), params: { ...p, liquidityShares: { ...p.liquidityShares, liquidity_carbon: 0, liquidity_technology: 1000 } } });
    const after = h.keeper.liquidityAllocationShares(h.ctx());
    expect(after.find((s) => s.module === "liquidity_carbon")?.bps).to.equal(0);
    expect(after.find((s) => s.module === "liquidity_technology")?.bps).to.equal(1000);
  });

  it("genesis export → import keeps params, the epoch, transitions, budgets and the next budget id", async () => {
    h = await openEconomyNode({ validators: [], params: { epochDurationMs: MINUTE }, moduleBalances: { [TRANSITION_RESERVE]: 999n } });
    await h.ok(2, "/economy.v1.MsgBuyPostage", { buyer: addr(2), amount: (1n * NXT).toString() });
    messaging.plan = [{ id: 0, energy: 1000n }];
    await h.block(GENESIS_TIME + MINUTE + 5);
    const exported = h.t.node.app.modules.exportGenesis(h.ctx()) as Record<string, Record<string, unknown>>;
    const eco = exported.economy!;
    expect(eco.nextBudgetId).to.equal(1);
    expect(eco.epoch).to.deep.equal({ epoch: 2, startMs: GENESIS_TIME + MINUTE + 5, treasuryDrawn: "0" });
    expect((eco.transitions as unknown[]).length).to.equal(1);
    const modules = economyTestModules();
    const t = await openTestNode({ modules, genesis: testGenesis({ modules, extra: { economy: eco } }) });
    h2 = new EconomyHarness(t);
    for (const [q, p] of [["params", {}], ["epoch", {}], ["transition", { epoch: 1 }], ["postageBudget", { id: 0 }], ["transitions", {}]] as const) {
      expect(h2.query(q, p), q).to.deep.equal(h.query(q, p));
    }
    expect(h2.query<{ energyRemaining: string }>("postageBudget", { id: 0 }).energyRemaining).to.equal("550790");
    const r = await h2.ok(3, "/economy.v1.MsgBuyPostage", { buyer: addr(3), amount: "1000000" });
    expect(r.events.find((e) => e.type === "economy.postage_bought")?.attributes.id).to.equal("1");
    expect(h2.invariants()).to.deep.equal([]);
  });

  it("refuses a genesis whose bps do not sum to 10000, or whose budget has more remaining than bought", async () => {
    const modules = economyTestModules();
    const tryOpen = async (economy: Record<string, unknown>): Promise<string | undefined> => {
      const dir = mkdtempSync(join(tmpdir(), "nexus-test-"));
      try {
        const t = await openTestNode({ dir, modules, genesis: testGenesis({ modules, extra: { economy } }) });
        await t.close();
        return undefined;
      } catch (e) {
        return (e as { code?: string }).code;
      } finally {
        removeDir(dir);
      }
    };
    const base = { params: defaultEconomyParams(), transitions: [], budgets: [], nextBudgetId: 0 };
    expect(await tryOpen({ ...base, params: { ...defaultEconomyParams(), transitionFloorBps: 7000 } })).to.equal("ECONOMY_GENESIS_INVALID");
    const budget = { id: 0, owner: addr(2), band: 1, paid: "1", energyBought: "5", energyRemaining: "6", height: 0 };
    expect(await tryOpen({ ...base, budgets: [budget], nextBudgetId: 1 })).to.equal("ECONOMY_GENESIS_INVALID");
    expect(await tryOpen({ ...base, budgets: [{ ...budget, energyRemaining: "5" }], nextBudgetId: 0 })).to.equal("ECONOMY_GENESIS_INVALID");
    expect(await tryOpen({ ...base, budgets: [{ ...budget, energyRemaining: "5" }], nextBudgetId: 1 })).to.equal(undefined);
  });

});
