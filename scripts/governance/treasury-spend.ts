/**
 * A treasury spend by governance, driven from code (scripts/governance/README.md):
 *
 *   npx tsx scripts/governance/treasury-spend.ts --devnet ~/.nexus-devnet
 *   npx tsx scripts/governance/treasury-spend.ts --devnet <dir> --recipient carol --amount 2500 --purpose "grant: docs"
 *
 * Proposes economy's MsgTreasurySpend (NXT from the treasury to the recipient, sent as
 * governance's account) in an ATTO proposal with the minimum deposit, has every validator of
 * the devnet vote yes, waits out the voting period and shows the recipient's and the
 * treasury's balances before and after.
 */
import { Command } from "commander";
import { isAddress, moduleAddress } from "../../runtime/crypto/address.ts";
import { Keyring } from "../../runtime/crypto/keystore.ts";
import { homePaths } from "../../runtime/node/home.ts";
import { Band } from "../../runtime/tx/bands.ts";
import { NexusWsClient, type EventNotification } from "../../runtime/rpc/client.ts";
import { addCommonOptions, connect, formatNxt, GOV_AUTHORITY_MODULE, keyringSigner, loadDevnet, parseVote, requirePassed, run, ScriptError, submitProposal, voteAll, waitForEnd, type CommonOptions } from "./lib.ts";

interface Options extends CommonOptions {
  recipient: string;
  amount: string;
  purpose: string;
}

const NXT = 100_000_000n;

const program = addCommonOptions(
  new Command("treasury-spend")
    .description("propose a treasury spend (economy MsgTreasurySpend, ATTO, minimum deposit), every devnet validator votes (yes by default), wait, show the balances before and after")
    .option("--recipient <key|address>", "who receives the NXT: a key name in the keyring (--keyring-home) or an nxs1… address", "bob")
    .option("--amount <NXT>", "how much, in whole NXT (decimals allowed: 12.5)", "1000")
    .option("--purpose <text>", "what the spend is for (kept in the economy.treasury_spend event)", "example spend from scripts/governance/treasury-spend.ts"),
).addHelpText(
  "after",
  `
Example, against \`npm run devnet\` (homes in ~/.nexus-devnet):
  npx tsx scripts/governance/treasury-spend.ts --devnet ~/.nexus-devnet --recipient bob --amount 1000`,
);

/** "12.5" NXT → base units (8 decimals), without floating point. */
function parseNxt(text: string): bigint {
  const m = /^(\d+)(?:\.(\d{1,8}))?$/.exec(text.trim());
  if (!m) throw new ScriptError(`--amount "${text}" is not an amount of NXT`, "e.g. --amount 1000 or --amount 12.5");
  const v = BigInt(m[1]!) * NXT + BigInt((m[2] ?? "").padEnd(8, "0") || "0");
  if (v <= 0n) throw new ScriptError("--amount must be positive");
  return v;
}

run(async () => {
  program.parse();
  const o = program.opts<Options>();
  const vote = parseVote(o.vote);
  const devnet = loadDevnet(o.devnet);
  const keyringHome = o.keyringHome ?? devnet.nodes[0]!.home;
  const { client, chainId } = await connect(o.node ?? devnet.nodes[0]!.rpcUrl);
  const proposer = keyringSigner(keyringHome, o.proposer);
  const amount = parseNxt(o.amount);

  let recipient = o.recipient;
  if (!isAddress(recipient)) {
    const ring = new Keyring(homePaths(keyringHome).keys);
    if (!ring.has(recipient)) throw new ScriptError(`--recipient "${recipient}" is neither an address nor a key in ${ring.dir}`, "pass an nxs1… address or a key name (bob, carol …)");
    recipient = ring.show(recipient).address;
  }

  const treasury = async (): Promise<bigint> => BigInt((await client.query<Record<string, string>>("economy/reserves", {})).treasury ?? "0");
  const balance = async (): Promise<bigint> => BigInt((await client.getBalance(recipient)).amount);
  const [treasuryBefore, before] = await Promise.all([treasury(), balance()]);
  console.log(`treasury holds ${formatNxt(treasuryBefore)}; ${o.recipient} (${recipient}) holds ${formatNxt(before)}`);
  if (treasuryBefore < amount) throw new ScriptError(`the treasury holds ${formatNxt(treasuryBefore)}, less than the ${formatNxt(amount)} asked`, "ask for less with --amount");

  // The spend runs in the end block that ends the proposal: its economy.treasury_spend event
  // belongs to no transaction, and comes through an "events" subscription (txIndex -1).
  const ws = await NexusWsClient.connect((o.node ?? devnet.nodes[0]!.rpcUrl).replace(/^http/, "ws") + "/ws");
  let spentEvent: EventNotification | undefined;
  await ws.subscribeEvents({ type: "economy.treasury_spend", attributes: { recipient } }, (n) => (spentEvent ??= n));

  const spend = { typeUrl: "/economy.v1.MsgTreasurySpend", value: { authority: moduleAddress(GOV_AUTHORITY_MODULE), recipient, amount: amount.toString(), purpose: o.purpose } };
  const { id, proposal } = await submitProposal(client, chainId, proposer, {
    band: Band.ATTO,
    title: `Treasury spend: ${formatNxt(amount)} to ${o.recipient}`,
    summary: `Pay ${formatNxt(amount)} from the treasury to ${recipient}: ${o.purpose}`,
    msgs: [spend],
  });
  console.log(`every validator votes ${o.vote} (voting ends at ${new Date(proposal.votingEndMs).toISOString()}):`);
  await voteAll(devnet, id, vote);
  const ended = await waitForEnd(client, id);
  requirePassed(ended);

  const [treasuryAfter, after] = await Promise.all([treasury(), balance()]);
  console.log(`${o.recipient}: ${formatNxt(before)} → ${formatNxt(after)} (+${formatNxt(after - before)})`);
  console.log(`treasury: ${formatNxt(treasuryBefore)} → ${formatNxt(treasuryAfter)} (${formatNxt(treasuryAfter - treasuryBefore)})`);
  for (let i = 0; i < 50 && !spentEvent; i++) await new Promise((r) => setTimeout(r, 100));
  await ws.close();
  if (!spentEvent) throw new ScriptError("the economy.treasury_spend event did not arrive over the WebSocket subscription", "is the node's WebSocket reachable at the RPC URL's /ws?");
  console.log(`event ${spentEvent.event.type} at height ${spentEvent.height} (end block): ${JSON.stringify(spentEvent.event.attributes)}`);
  if (after - before !== amount) throw new ScriptError(`the recipient's balance changed by ${formatNxt(after - before)}, not the ${formatNxt(amount)} spent`, "did it receive or send anything else meanwhile?");
});
