import { GENESIS_PREV_HASH } from "../../runtime/modules/types.ts";
import { expect } from "chai";
import { ContainerModule } from "inversify";
import { ModuleManager, ModuleManagerError } from "../../runtime/modules/manager.ts";
import { jsonPointerToPath } from "../../runtime/modules/schemas.ts";
import type { ChainModule, ModuleInstance } from "../../runtime/modules/types.ts";
import { ExecContext } from "../../runtime/modules/context.ts";
import { MemoryKV } from "../../runtime/state/memory-kv.ts";
import { NexusError } from "../../runtime/errors.ts";
import { addressFor } from "../../runtime/crypto/address.ts";
import { bankModule } from "../../modules/bank/index.ts";
import { defaultBankGenesis } from "../../modules/bank/genesis.ts";
import { BankError } from "../../modules/bank/errors.ts";
import { counterModule } from "../../examples/counter-module/index.ts";
import { CounterError } from "../../examples/counter-module/errors.ts";

const addr = (i: number): string => addressFor("ed25519", new Uint8Array(32).fill(i + 1));
const genesisCtx = (): ExecContext => new ExecContext({ chainId: "x", height: 0, time: 0, proposer: "", prevHash: GENESIS_PREV_HASH }, "genesis", new MemoryKV());
const caught = (f: () => unknown): Error => {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error("did not throw");
};

/** A module whose genesis init throws what it is given. */
const throwing = (name: string, err: () => unknown): ChainModule => {
  const token = Symbol.for(`${name}.Module`);
  const instance: ModuleInstance = {
    genesis: {
      schema: { $id: `https://nexusos.dev/schemas/test/${name}.json`, type: "object" },
      defaults: () => ({}),
      init: () => {
        throw err();
      },
      export: () => ({}),
    },
  };
  return { name, version: 1, bindings: new ContainerModule(({ bind }) => void bind(token).toConstantValue(instance)), instance: token };
};

describe("genesis errors name the module's section and the field", () => {
  const bankWith = (patch: (g: ReturnType<typeof defaultBankGenesis>) => unknown): Record<string, unknown> => {
    const g = defaultBankGenesis();
    (g as { balances: unknown[] }).balances = [0, 1, 2, 3].map((i) => ({ address: addr(i), coins: [{ denom: "nxt", amount: "100" }] }));
    patch(g);
    return { bank: g };
  };

  it("a schema failure: genesis.modules.<module>.<ajv instancePath>: <reason>", () => {
    const mm = new ModuleManager([bankModule]);
    const e = caught(() => mm.initGenesis(genesisCtx(), bankWith((g) => ((g.balances[3]!.coins[0] as { amount: string }).amount = "1.5"))));
    expect(e).to.be.instanceOf(ModuleManagerError).and.instanceOf(NexusError);
    expect(e.message).to.equal('genesis.modules.bank.balances[3].coins[0].amount: must match pattern "^(0|[1-9][0-9]{0,37})$"');
    expect(e).to.include({ code: "MODULE_BAD_GENESIS", codespace: "modules", number: 5 });
    expect((e as ModuleManagerError).context).to.deep.equal({ module: "bank", field: "balances[3].coins[0].amount", keyword: "pattern" });
  });

  it("a missing or unknown field names the object and the field", () => {
    const mm = new ModuleManager([bankModule]);
    const missing = caught(() => mm.initGenesis(genesisCtx(), { bank: { ...defaultBankGenesis(), params: {} } })) as ModuleManagerError;
    expect(missing.message).to.equal('genesis.modules.bank.params: missing field "sendEnabled"');
    expect(missing.context).to.include({ module: "bank", field: "params.sendEnabled", keyword: "required" });
    const unknown = caught(() => mm.initGenesis(genesisCtx(), bankWith((g) => ((g.balances[1] as Record<string, unknown>).memo = "hi")))) as ModuleManagerError;
    expect(unknown.message).to.equal('genesis.modules.bank.balances[1]: unknown field "memo"');
    expect(unknown.context).to.include({ module: "bank", field: "balances[1].memo" });
    const root = caught(() => mm.initGenesis(genesisCtx(), { bank: 42 })) as ModuleManagerError;
    expect(root.message).to.equal("genesis.modules.bank: must be object");
    expect(root.context).to.include({ module: "bank", field: "" });
  });

  it("an init that throws its module's error: same class and code, message prefixed with the section and the module's field", () => {
    const mm = new ModuleManager([counterModule, bankModule]);
    const counts = [addr(0), addr(1), addr(0)].map((address) => ({ address, count: "1" }));
    const e = caught(() => mm.initGenesis(genesisCtx(), { counter: { params: (mm.defaultGenesis().counter as { params: unknown }).params, counts } }));
    expect(e).to.be.instanceOf(CounterError);
    expect(e.message).to.equal(`genesis.modules.counter.counts[2].address: ${addr(0)} has two counts`);
    expect(e).to.include({ code: "COUNTER_GENESIS_INVALID", codespace: "counter", number: 3 });
    expect((e as CounterError).context).to.deep.equal({ field: "counts[2].address", module: "counter" });

    // Without a field in its context, the section alone.
    const twice = bankWith((g) => (g.balances[2] = g.balances[0]!));
    const b = caught(() => new ModuleManager([bankModule]).initGenesis(genesisCtx(), twice));
    expect(b).to.be.instanceOf(BankError).and.include({ code: "BANK_GENESIS_INVALID" });
    expect(b.message).to.equal(`genesis.modules.bank: genesis lists balances for ${addr(0)} twice`);
  });

  it("an init that throws anything else: MODULE_BAD_GENESIS naming the section, the original as cause", () => {
    const boom = new TypeError("cannot read properties of undefined (reading 'x')");
    const e = caught(() => new ModuleManager([throwing("boom", () => boom)]).initGenesis(genesisCtx(), {})) as ModuleManagerError;
    expect(e).to.be.instanceOf(ModuleManagerError);
    expect(e.message).to.equal("genesis.modules.boom: init failed: cannot read properties of undefined (reading 'x')");
    expect(e).to.include({ code: "MODULE_BAD_GENESIS" });
    expect(e.context).to.deep.equal({ module: "boom" });
    expect(e.cause).to.equal(boom);
  });

  it("JSON pointers become field paths", () => {
    expect(jsonPointerToPath("")).to.equal("");
    expect(jsonPointerToPath("/balances/3/coins/0/amount")).to.equal("balances[3].coins[0].amount");
    expect(jsonPointerToPath("/0/a")).to.equal("[0].a");
    expect(jsonPointerToPath("/weird key/a~1b/c~0d")).to.equal('["weird key"]["a/b"]["c~d"]');
  });
});
