import { expect } from "chai";
import { ContainerModule } from "inversify";
import { defineChain, orderedNames, ChainDefinitionError, type ChainDefinition } from "../../runtime/modules/chain.ts";
import type { ChainModule } from "../../runtime/modules/types.ts";
import { nexusChain } from "../../chains/nexus/chain.ts";

const mod = (name: string): ChainModule => ({ name, version: 1, bindings: new ContainerModule(() => undefined), instance: Symbol.for(`${name}.Module`) });

function chain(over: Partial<ChainDefinition> = {}): ChainDefinition {
  return { ...nexusChain, modules: (m) => (m === "bft" ? [mod("a"), mod("b"), mod("c")] : [mod("a"), mod("b")]), order: undefined, ...over };
}

describe("defineChain: a chain as data, checked where it is written", () => {
  it("hook order: named modules first in the given order, the rest after them as loaded", () => {
    expect(orderedNames(["a", "b", "c", "d"], ["c", "a"])).to.deep.equal(["c", "a", "b", "d"]);
    expect(orderedNames(["a", "b"], ["c", "b"])).to.deep.equal(["b", "a"]);
    expect(orderedNames(["a", "b"], undefined)).to.deep.equal(["a", "b"]);
  });

  it("refuses an order naming a module the chain does not run, or naming one twice", () => {
    expect(() => defineChain(chain({ order: { endBlock: ["a", "x"] } }))).to.throw(ChainDefinitionError, /order.endBlock names "x", which the chain does not run/);
    expect(() => defineChain(chain({ order: { beginBlock: ["a", "a"] } }))).to.throw(ChainDefinitionError, /names "a" twice/);
    // a module of BFT mode only may be named
    expect(() => defineChain(chain({ order: { beginBlock: ["c"] } }))).to.not.throw();
  });

  it("refuses a chain without denominations or with one twice", () => {
    expect(() => defineChain(chain({ denoms: [] }))).to.throw(ChainDefinitionError, /at least the fee denomination/);
    const d = { base: "nxt", display: "NXT", decimals: 8 };
    expect(() => defineChain(chain({ denoms: [d, d] }))).to.throw(ChainDefinitionError, /listed twice/);
  });

  it("the reference chain names its modules in chains/nexus, with consensus only under BFT", () => {
    expect(nexusChain.modules("single").map((m) => m.name)).to.deep.equal(["bank", "staking", "economy", "dex", "bhls", "gov", "arbitration", "bridge", "achievements"]);
    expect(nexusChain.modules("bft").map((m) => m.name)).to.deep.equal(["bank", "staking", "consensus", "economy", "dex", "bhls", "gov", "arbitration", "bridge", "achievements"]);
    expect(nexusChain.denoms[0]).to.deep.equal({ base: "nxt", display: "NXT", decimals: 8 });
  });
});
