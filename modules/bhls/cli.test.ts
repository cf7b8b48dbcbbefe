// The commands the generated CLI makes of the bhls messages and queries (docs/bhls.md lists them).
import { expect } from "chai";
import { fieldFlag, kebab, msgCommandName, signerField } from "../../runtime/cli/autocli.ts";
import { BankKeeper, bankConfig } from "../bank/index.ts";
import { BhlsKeeper } from "./keeper/bhls-keeper.ts";
import { bhlsConfig } from "./params.ts";
import { bhlsMsgs } from "./msgs.ts";
import { bhlsQueries } from "./queries.ts";

describe("bhls: generated CLI commands", () => {
  const keeper = new BhlsKeeper(new BankKeeper(bankConfig()), { currentEpoch: () => ({ epoch: 1, startMs: 0 }) }, bhlsConfig());

  it("tx bhls: one command per message, the signer field filled from --from", () => {
    const defs = bhlsMsgs(keeper);
    expect(defs.map((d) => [msgCommandName(d.typeUrl), signerField(d)])).to.deep.equal([
      ["register-citizen", "sender"],
      ["claim", "citizen"],
      ["register-attestor", "authority"],
      ["remove-attestor", "authority"],
      ["revoke-citizens", "authority"],
      ["update-params", "authority"],
    ]);
    const flags = (i: number, skip: string): string[] => Object.keys((defs[i]!.schema as unknown as { properties: Record<string, unknown> }).properties).filter((k) => k !== skip).map(fieldFlag);
    // `nexus tx bhls claim --from alice [--destination '{"chain":"evm","address":"0x…"}'] [--epoch N]`: the citizen is --from's address.
    expect(flags(1, "citizen")).to.deep.equal(["--destination", "--epoch"]);
    expect(flags(0, "sender")).to.deep.equal(["--attestation", "--attestor-pub-key", "--signature"]);
    expect(flags(2, "authority")).to.deep.equal(["--attestor", "--moniker"]);
    expect(flags(4, "authority")).to.deep.equal(["--attestor", "--limit"]);
    for (const d of defs) expect((d.schema as { description?: string }).description, d.typeUrl).to.be.a("string");
  });

  it("query bhls: the query names in kebab case", () => {
    expect(Object.keys(bhlsQueries(keeper)).map(kebab)).to.deep.equal(["params", "citizen", "citizens-by-attestor", "attestors", "epoch", "stability", "pending-bridge-claims"]);
  });
});
