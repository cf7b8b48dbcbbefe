import { GENESIS_PREV_HASH } from "../../runtime/modules/types.ts";
import { expect } from "chai";
import { ContainerModule } from "inversify";
import { dependencyOrder, ModuleManager, ModuleManagerError } from "../../runtime/modules/manager.ts";
import type { ChainModule } from "../../runtime/modules/types.ts";
import { bankModule } from "../../modules/bank/index.ts";
import { counterModule } from "../../examples/counter-module/index.ts";

const stub = (name: string, dependsOn: string[] = []): ChainModule => ({
  name,
  version: 1,
  dependsOn,
  bindings: new ContainerModule(({ bind }) => {
    bind(Symbol.for(`${name}.Module`)).toConstantValue({});
  }),
  instance: Symbol.for(`${name}.Module`),
});

describe("module manager", () => {
  it("orders modules by dependencies, ties by registration order", () => {
    const order = dependencyOrder([stub("dex", ["bank"]), stub("gov", ["bank", "staking"]), stub("bank"), stub("staking", ["bank"])]);
    expect(order.map((m) => m.name)).to.deep.equal(["bank", "dex", "staking", "gov"]);
  });

  it("rejects cycles, missing dependencies and duplicates with clear messages", () => {
    const err = (f: () => unknown): ModuleManagerError => {
      try {
        f();
      } catch (e) {
        return e as ModuleManagerError;
      }
      throw new Error("no error");
    };
    expect(err(() => dependencyOrder([stub("a", ["b"]), stub("b", ["a"])]))).to.include({ code: "MODULE_CYCLE" }).and.have.property("message").match(/a → b → a/);
    expect(err(() => dependencyOrder([stub("a", ["zzz"])]))).to.include({ code: "MODULE_MISSING_DEPENDENCY" }).and.have.property("message").match(/"zzz"/);
    expect(err(() => dependencyOrder([stub("a"), stub("a")]))).to.include({ code: "MODULE_DUPLICATE" });
  });

  it("routes every message typeUrl of the loaded modules", () => {
    const mm = new ModuleManager([counterModule, bankModule]);
    expect(mm.names).to.deep.equal(["bank", "counter"]);
    expect(mm.typeUrls()).to.deep.equal(["/bank.v1.MsgBurn", "/bank.v1.MsgMultiSend", "/bank.v1.MsgSend", "/bank.v1.MsgUpdateParams", "/counter.v1.MsgChange", "/counter.v1.MsgUpdateParams"]);
    expect(mm.route("/counter.v1.MsgChange")?.module).to.equal("counter");
  });

  it("rejects a genesis section for a module that is not loaded, and a section failing its schema", async () => {
    const { ExecContext } = await import("../../runtime/modules/context.ts");
    const { MemoryKV } = await import("../../runtime/state/memory-kv.ts");
    const mm = new ModuleManager([bankModule]);
    const ctx = new ExecContext({ chainId: "x", height: 0, time: 0, proposer: "", prevHash: GENESIS_PREV_HASH }, "genesis", new MemoryKV());
    expect(() => mm.initGenesis(ctx, { dex: {} })).to.throw(/section for "dex", which is not a loaded module/);
    expect(() => mm.initGenesis(ctx, { bank: { params: {} } })).to.throw(/genesis section "bank": bank\/params is missing field "sendEnabled"|missing field/);
  });
});
