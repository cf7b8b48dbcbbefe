/**
 * A parameter change by governance, driven from code (scripts/governance/README.md):
 *
 *   npx tsx scripts/governance/param-change.ts --devnet ~/.nexus-devnet
 *   npx tsx scripts/governance/param-change.ts --devnet <dir> --module staking --param maxEntries --value 9
 *
 * Reads the module's params from the node, proposes the change (an ATTO proposal carrying the
 * module's MsgUpdateParams, sent as governance's account) with the minimum deposit, has every
 * validator of the devnet vote yes, waits out the voting period and shows the new value in
 * force on every node.
 */
import { Command } from "commander";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import { Band } from "../../runtime/tx/bands.ts";
import { addCommonOptions, connect, GOV_AUTHORITY_MODULE, keyringSigner, loadDevnet, parseVote, moduleParams, requirePassed, run, ScriptError, submitProposal, voteAll, waitForEnd, type CommonOptions, type Devnet } from "./lib.ts";

interface Options extends CommonOptions {
  module: string;
  param: string;
  value?: string;
  title?: string;
}

const program = addCommonOptions(
  new Command("param-change")
    .description("propose a module parameter change (ATTO, minimum deposit), every devnet validator votes (yes by default), wait, show the new value on every node")
    .option("--module <name>", "the module whose params change", "staking")
    .option("--param <field>", "the field of its params to change", "maxEntries")
    .option("--value <json>", "the new value, as JSON (8, true, \"100nxt\"); default: the current number + 1")
    .option("--title <text>", "the proposal's title"),
).addHelpText(
  "after",
  `
Example, against \`npm run devnet\` (homes in ~/.nexus-devnet):
  npx tsx scripts/governance/param-change.ts --devnet ~/.nexus-devnet --param maxEntries --value 9`,
);

/** The new value: --value as JSON (or as a string), else the current number + 1. */
function newValue(current: unknown, o: Options): unknown {
  if (o.value === undefined) {
    if (typeof current !== "number") throw new ScriptError(`${o.module}.${o.param} is ${JSON.stringify(current)}, not a number`, "say the new value with --value <json>");
    return current + 1;
  }
  try {
    return JSON.parse(o.value);
  } catch {
    return o.value;
  }
}

/** Each node's value of the param, once it equals `want` (a node a block behind gets a few seconds). */
async function showOnEveryNode(devnet: Devnet, module: string, param: string, want: unknown): Promise<void> {
  const wanted = JSON.stringify(want);
  const rows = await Promise.all(
    devnet.nodes.map(async (n) => {
      const { client } = await connect(n.rpcUrl);
      const deadline = Date.now() + 15_000;
      for (;;) {
        const [params, s] = await Promise.all([moduleParams(client, module), client.status()]);
        const got = JSON.stringify(params[param]);
        if (got === wanted) return `  validator ${n.index}  ${n.rpcUrl}  height ${s.height}  ${module}.${param} = ${got}`;
        if (Date.now() > deadline) throw new ScriptError(`validator ${n.index} (${n.rpcUrl}) still has ${module}.${param} = ${got} at height ${s.height}`, "is that node still following the chain? see its node.log");
        await new Promise((r) => setTimeout(r, 300));
      }
    }),
  );
  console.log(`in force on all ${devnet.nodes.length} nodes:`);
  for (const r of rows) console.log(r);
}

run(async () => {
  program.parse();
  const o = program.opts<Options>();
  const vote = parseVote(o.vote);
  const devnet = loadDevnet(o.devnet);
  const { client, chainId } = await connect(o.node ?? devnet.nodes[0]!.rpcUrl);
  const proposer = keyringSigner(o.keyringHome ?? devnet.nodes[0]!.home, o.proposer);

  const params = await moduleParams(client, o.module).catch((e: Error) => {
    throw new ScriptError(`cannot read ${o.module}'s params: ${e.message}`, "is --module the name of a module with params (staking, bank, economy, gov …)?");
  });
  if (!(o.param in params)) throw new ScriptError(`${o.module} has no param "${o.param}"`, `its params: ${Object.keys(params).join(", ")}`);
  const before = params[o.param];
  const after = newValue(before, o);
  console.log(`${o.module}.${o.param} is ${JSON.stringify(before)} on ${client.url}; proposing ${JSON.stringify(after)}`);

  // The module's MsgUpdateParams replaces its whole params object, signed by its authority:
  // governance's account (moduleAddress("gov")), which the proposal executes as.
  const msg = { typeUrl: `/${o.module}.v1.MsgUpdateParams`, value: { authority: moduleAddress(GOV_AUTHORITY_MODULE), params: { ...params, [o.param]: after } } };
  const { id, proposal } = await submitProposal(client, chainId, proposer, {
    band: Band.ATTO,
    title: o.title ?? `${o.module}.${o.param}: ${JSON.stringify(before)} → ${JSON.stringify(after)}`,
    summary: `Set ${o.module}.${o.param} to ${JSON.stringify(after)} (scripts/governance/param-change.ts).`,
    msgs: [msg],
  });
  console.log(`every validator votes ${o.vote} (voting ends at ${new Date(proposal.votingEndMs).toISOString()}):`);
  await voteAll(devnet, id, vote);
  const ended = await waitForEnd(client, id);
  requirePassed(ended);
  await showOnEveryNode(devnet, o.module, o.param, after);
});
