// The commands the generated CLI makes of the dex's messages and queries (docs/dex.md lists them).
import { expect } from "chai";
import { fieldFlag, kebab, msgCommandName, signerField } from "../../runtime/cli/autocli.ts";
import { MemoryDex } from "./testing.ts";
import { dexMsgs } from "./msgs.ts";
import { dexQueries } from "./queries.ts";

describe("dex: generated CLI commands", () => {
  const keeper = new MemoryDex().keeper;

  it("tx dex: one command per message, the signer field filled from --from", () => {
    const defs = dexMsgs(keeper);
    expect(defs.map((d) => [msgCommandName(d.typeUrl), signerField(d)])).to.deep.equal([
      ["create-pool", "sender"],
      ["add-liquidity", "sender"],
      ["remove-liquidity", "sender"],
      ["swap-exact-in", "sender"],
      ["swap-exact-out", "sender"],
      ["update-params", "authority"],
    ]);
    const propsOf = (d: (typeof defs)[number]): Record<string, { description?: string }> => (d.schema as unknown as { properties: Record<string, { description?: string }> }).properties;
    const create = { properties: propsOf(defs[0]!) };
    expect(Object.keys(create.properties).filter((k) => k !== "sender").map(fieldFlag)).to.deep.equal(["--denom-a", "--denom-b", "--amount-a", "--amount-b", "--min-liquidity", "--deadline"]);
    for (const d of defs) for (const [k, p] of Object.entries(propsOf(d))) expect(p.description, `${d.typeUrl}.${k}`).to.be.a("string");
  });

  it("query dex: the query names in kebab case", () => {
    expect(Object.keys(dexQueries(keeper)).map(kebab)).to.deep.equal(["params", "pools", "pool", "quote-exact-in", "quote-exact-out", "twap", "community-liquidity"]);
  });
});
