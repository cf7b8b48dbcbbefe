import { writeFileSync } from "node:fs";
import { Command } from "commander";
import type { CliExtension, CliContext } from "../../runtime/cli/extension.ts";
import { addTxOptions, loadKey, nodeOption, signAndSubmit, type TxOptions } from "../../runtime/cli/tx-submit.ts";
import { CliError, intOption, keyring, getPassphrase, output, table } from "../../runtime/cli/util.ts";
import { NexusClient } from "../../runtime/rpc/client.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import { parseBand } from "../../runtime/tx/bands.ts";
import { govMsg, parseWeightedOptions, readDraft, ProposalFileError, type ProposalDraft } from "./client.ts";
import { contentHash, endorse } from "./endorsement.ts";
import type { VoteOption } from "./tally.ts";

const fileError = (e: unknown): never => {
  if (e instanceof ProposalFileError) throw new CliError("CLI_FILE", e.message, "docs/governance.md shows a proposal file; `nexus tx gov draft-proposal` writes one");
  throw e;
};
const proposalId = (v: string): number => {
  if (!/^[1-9][0-9]{0,15}$/.test(v)) throw new CliError("CLI_BAD_ARG", `proposal id "${v}" is not a positive integer`, "`nexus query gov proposals` lists them");
  return Number(v);
};

function depositOf(d: ProposalDraft, ctx: CliContext): bigint {
  if (!d.deposit) return 0n;
  const p = /^[0-9]+$/.test(d.deposit) ? { amount: BigInt(d.deposit), denom: ctx.amounts.feeDenom.base } : ctx.amounts.parse(d.deposit);
  if (p.denom !== "nxt") throw new CliError("CLI_FILE", `deposit "${d.deposit}" is in ${p.denom}; deposits are NXT`, 'e.g. "deposit": "1000NXT"');
  return p.amount;
}

const submitProposal: CliExtension = {
  parent: "tx",
  module: "gov",
  build: (ctx) =>
    addTxOptions(
      new Command("submit-proposal")
        .description("submit the proposal in a JSON file (band, title, summary, messages, deposit, endorsements); waits for the receipt unless --no-wait")
        .argument("<from-key>", "name of the proposer's key in <home>/keys")
        .argument("<proposal-file>", "the proposal, JSON (docs/governance.md; `nexus tx gov draft-proposal` writes one)"),
    ).action(async (from: string, file: string, o: TxOptions, cmd: Command) => {
      let d: ProposalDraft;
      try {
        d = readDraft(file);
      } catch (e) {
        return fileError(e);
      }
      const deposit = depositOf(d, ctx);
      const key = await loadKey(cmd, from, o);
      await signAndSubmit(key, [govMsg.submitProposal(key.address, { band: parseBand(String(d.band)), title: d.title, summary: d.summary, msgs: d.messages, deposit, endorsements: d.endorsements })], o, ctx.amounts);
    }),
};

const deposit: CliExtension = {
  parent: "tx",
  module: "gov",
  build: (ctx) =>
    addTxOptions(
      new Command("deposit")
        .description("add to a proposal's deposit (NXT); it enters its voting period once the deposit reaches params.minDeposit")
        .argument("<from-key>", "name of the depositor's key")
        .argument("<proposal-id>", "the proposal")
        .argument("<amount>", 'e.g. "1000NXT"'),
    ).action(async (from: string, id: string, amountText: string, o: TxOptions, cmd: Command) => {
      const pid = proposalId(id);
      const { amount, denom } = ctx.amounts.parse(amountText);
      if (denom !== "nxt") throw new CliError("CLI_BAD_ARG", `deposits are NXT, not ${denom}`, 'e.g. "1000NXT"');
      const key = await loadKey(cmd, from, o);
      await signAndSubmit(key, [govMsg.deposit(key.address, pid, amount)], o, ctx.amounts);
    }),
};

const vote: CliExtension = {
  parent: "tx",
  module: "gov",
  build: (ctx) =>
    addTxOptions(
      new Command("vote")
        .description("vote with all your bonded stake (it overrides your validators' votes for your delegations)")
        .argument("<from-key>", "name of the voter's key")
        .argument("<proposal-id>", "the proposal")
        .argument("<option>", "yes, no, abstain or veto"),
    ).action(async (from: string, id: string, option: string, o: TxOptions, cmd: Command) => {
      const pid = proposalId(id);
      if (!["yes", "no", "abstain", "veto"].includes(option)) throw new CliError("CLI_BAD_ARG", `"${option}" is not a vote option`, "one of yes, no, abstain, veto");
      const key = await loadKey(cmd, from, o);
      await signAndSubmit(key, [govMsg.vote(key.address, pid, option as VoteOption)], o, ctx.amounts);
    }),
};

const weightedVote: CliExtension = {
  parent: "tx",
  module: "gov",
  build: (ctx) =>
    addTxOptions(
      new Command("weighted-vote")
        .description("split your stake's vote: weights sum to 1 (or 10000 basis points)")
        .argument("<from-key>", "name of the voter's key")
        .argument("<proposal-id>", "the proposal")
        .argument("<weights>", "e.g. yes=0.6,no=0.4 (or yes=6000,no=4000)"),
    ).action(async (from: string, id: string, weights: string, o: TxOptions, cmd: Command) => {
      const pid = proposalId(id);
      let options;
      try {
        options = parseWeightedOptions(weights);
      } catch (e) {
        throw new CliError("CLI_BAD_ARG", (e as Error).message, "e.g. yes=0.6,no=0.4");
      }
      const sum = options.reduce((a, x) => a + x.weightBps, 0);
      if (sum !== 10_000) throw new CliError("CLI_BAD_ARG", `weights sum to ${sum / 10_000}, they must sum to 1`, "e.g. yes=0.6,no=0.4");
      const key = await loadKey(cmd, from, o);
      await signAndSubmit(key, [govMsg.voteWeighted(key.address, pid, options)], o, ctx.amounts);
    }),
};

const endorseCmd: CliExtension = {
  parent: "tx",
  module: "gov",
  build: () =>
    new Command("endorse")
      .description("sign a proposal file as a validator (FEMTO multi-endorsement) and add the signature to the file; the proposer submits it with 3 or more")
      .argument("<validator-key>", "the validator's operator key (`nexus keys import-validator`)")
      .argument("<proposal-file>", "the proposal, JSON; rewritten with the endorsement added")
      .addOption(nodeOption())
      .option("--chain-id <id>", "sign for this chain id (default: the node's)")
      .option("--passphrase-file <file>", "read the key's passphrase from this file (else NEXUS_PASSPHRASE, else a prompt)")
      .option("--dev", "unlock a dev key with the documented dev passphrase")
      .option("--json", "print JSON")
      .action(async (name: string, file: string, o: { node: string; chainId?: string; passphraseFile?: string; dev?: boolean; json?: boolean }, cmd: Command) => {
        let d: ProposalDraft;
        try {
          d = readDraft(file);
        } catch (e) {
          return fileError(e);
        }
        const chainId = o.chainId ?? (await new NexusClient(o.node, { timeoutMs: 10_000 }).status()).chainId;
        const kr = keyring(cmd);
        const info = kr.show(name);
        const signer = kr.loadSigner(name, await getPassphrase(o, { keyName: name, keyIsDev: info.dev }));
        if (signer.scheme.id !== "ed25519") throw new CliError("CLI_BAD_ARG", `key "${name}" is ${signer.scheme.id}; endorsements are Ed25519`, "use the validator's operator key");
        const content = { band: parseBand(String(d.band)), title: d.title, summary: d.summary, msgs: d.messages };
        const e = endorse(chainId, content, signer.secretKey);
        d.endorsements = [...(d.endorsements ?? []).filter((x) => x.validator !== e.validator), e];
        writeFileSync(file, JSON.stringify(d, null, 2) + "\n");
        output(o.json, { ...e, contentHash: contentHash(content), endorsements: d.endorsements.length }, () =>
          table([
            ["validator", e.validator],
            ["proposal", contentHash(content)],
            ["chain", chainId],
            ["endorsements", `${d.endorsements!.length} in ${file}`],
          ]),
        );
      }),
};

const draft: CliExtension = {
  parent: "tx",
  module: "gov",
  build: () =>
    new Command("draft-proposal")
      .description("write a proposal file to fill in: a parameter change of a module (its current params from the node), a treasury spend, or text")
      .argument("<file>", "where to write the proposal (JSON)")
      .option("--update-params <module>", "a MsgUpdateParams of this module with its params as they are now; edit the ones to change")
      .option("--treasury-spend <recipient>", "a treasury spend (economy MsgTreasurySpend) to this address; set its amount and purpose")
      .option("--band <band>", "ATTO, ZEPTO or YOCTO", "ATTO")
      .option("--deposit <amount>", "initial deposit", "10000NXT")
      .addOption(nodeOption())
      .action(async (file: string, o: { updateParams?: string; treasurySpend?: string; band: string; deposit: string; node: string }) => {
        const gov = moduleAddress("gov");
        const messages: { typeUrl: string; value: Record<string, unknown> }[] = [];
        if (o.updateParams) {
          const params = await new NexusClient(o.node, { timeoutMs: 10_000 }).query(`${o.updateParams}/params`, {});
          messages.push({ typeUrl: `/${o.updateParams}.v1.MsgUpdateParams`, value: { authority: gov, params } });
        }
        if (o.treasurySpend) messages.push({ typeUrl: "/economy.v1.MsgTreasurySpend", value: { authority: gov, recipient: o.treasurySpend, amount: "100000000000", purpose: "what the spend is for" } });
        const d: ProposalDraft = { band: o.band.toUpperCase(), title: "title (at most 140 characters)", summary: "what the proposal does and why", messages, deposit: o.deposit };
        writeFileSync(file, JSON.stringify(d, null, 2) + "\n");
        console.log(`wrote ${file}: edit it, then \`nexus tx gov submit-proposal <key> ${file}\``);
      }),
};

/** `nexus query gov proposal 3`, `tally 3`, `votes 3`: the id as an argument. */
const byId = (name: string, path: string, description: string): CliExtension => ({
  parent: "query",
  module: "gov",
  build: () =>
    new Command(name)
      .description(description)
      .argument("<proposal-id>", "the proposal")
      .addOption(nodeOption())
      .option("--limit <n>", "page size (votes)", intOption("--limit"))
      .option("--json", "print JSON")
      .action(async (id: string, o: { node: string; limit?: number }) => {
        const params: Record<string, unknown> = { proposalId: proposalId(id) };
        if (o.limit !== undefined && name === "votes") params.limit = o.limit;
        output(true, await new NexusClient(o.node).query(`gov/${path}`, params), () => "");
      }),
});

export const govCli: readonly CliExtension[] = [
  submitProposal,
  deposit,
  vote,
  weightedVote,
  endorseCmd,
  draft,
  byId("proposal", "proposal", "one proposal: status, messages, deposit, periods, final tally"),
  byId("tally", "tally", "a proposal's tally: as it stands during voting, final after"),
  byId("votes", "votes", "a proposal's votes"),
];
