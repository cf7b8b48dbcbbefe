import { expect } from "chai";
import type { Command } from "commander";
import { buildProgram } from "../../runtime/cli/program.ts";
import { kebab, msgCommandName, signerField, fieldFlag } from "../../runtime/cli/autocli.ts";
import { describeModules } from "../../runtime/modules/manager.ts";
import { CliError } from "../../runtime/cli/util.ts";
import { nexusApp } from "../../chains/nexus/app.ts";
import { nexusChain } from "../../chains/nexus/chain.ts";

const sub = (c: Command, ...path: string[]): Command => path.reduce((cmd, n) => cmd.commands.find((x) => x.name() === n)!, c);

describe("cli: tx and query commands generated from module schemas", () => {
  const modules = describeModules(nexusChain.modules("bft"));
  const msg = (typeUrl: string) => modules.flatMap((m) => m.msgs).find((d) => d.typeUrl === typeUrl)!;

  it("names commands and flags from typeUrls and fields", () => {
    expect(msgCommandName("/staking.v1.MsgCreateValidator")).to.equal("create-validator");
    expect(msgCommandName("/bank.v1.MsgMultiSend")).to.equal("multi-send");
    expect(kebab("consensusPubKey")).to.equal("consensus-pub-key");
    expect(fieldFlag("band")).to.equal("--msg-band"); // the transaction has its own --band
    expect(fieldFlag("moniker")).to.equal("--moniker");
  });

  it("finds the field the signer's address fills by asking the message's own signers()", () => {
    expect(signerField(msg("/staking.v1.MsgDelegate"))).to.equal("delegator");
    expect(signerField(msg("/staking.v1.MsgCreateValidator"))).to.equal("operator");
    expect(signerField(msg("/bank.v1.MsgUpdateParams"))).to.equal("authority");
    expect(signerField(msg("/bank.v1.MsgMultiSend"))).to.equal(undefined); // signers come from nested inputs
  });

  it("every message and query of every module has a command; bank send is the friendlier override", () => {
    const p = buildProgram(nexusApp);
    for (const m of modules) {
      const tx = sub(p, "tx", m.name);
      const q = sub(p, "query", m.name);
      for (const d of m.msgs) expect(sub(tx, msgCommandName(d.typeUrl)), d.typeUrl).to.not.equal(undefined);
      for (const qd of m.queries) expect(sub(q, kebab(qd.name)), `${m.name}/${qd.name}`).to.not.equal(undefined);
    }
    expect(sub(p, "tx", "bank", "send").registeredArguments.map((a) => a.name())).to.deep.equal(["from-key", "to-address", "amount"]);
    const delegate = sub(p, "tx", "staking", "delegate");
    expect(delegate.options.map((o) => o.long)).to.include.members(["--from", "--validator", "--amount", "--band", "--fee-limit"]);
    expect(delegate.options.map((o) => o.long)).to.not.include("--delegator");
    expect(delegate.helpInformation()).to.match(/stake to delegate/);
  });

  it("a flag failing the schema is refused with the flag and the rule, before any key is looked up", async () => {
    const p = buildProgram(nexusApp).exitOverride();
    const run = (...args: string[]): Promise<unknown> => p.parseAsync(["node", "nexus", "--home", "/nonexistent-home", ...args]);
    let err: unknown;
    try {
      await run("tx", "staking", "delegate", "--from", "alice", "--validator", "not-an-address", "--amount", "5NXT");
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(CliError);
    expect((err as CliError).code).to.equal("CLI_INVALID_MSG");
    expect((err as Error).message).to.match(/--validator must match pattern/);
  });

  it("amounts in display units become base units; coin lists parse too", async () => {
    const p = buildProgram(nexusApp).exitOverride();
    const delegate = sub(p, "tx", "staking", "delegate");
    const amount = delegate.options.find((o) => o.long === "--amount")!;
    expect(amount.parseArg!("1.5NXT", undefined)).to.equal("150000000");
    expect(amount.parseArg!("42", undefined)).to.equal("42");
    const burn = sub(p, "tx", "bank", "burn").options.find((o) => o.long === "--amount")!;
    expect(burn.parseArg!("1NXT,5foo", undefined)).to.deep.equal([{ denom: "nxt", amount: "100000000" }, { denom: "foo", amount: "5" }]);
  });
});
