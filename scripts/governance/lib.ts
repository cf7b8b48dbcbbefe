/**
 * What the governance example scripts share (scripts/governance/README.md): the devnet's
 * layout, keys from the keyrings of its homes, sending a transaction with the typed client,
 * submitting a proposal with the minimum deposit, every validator's vote, waiting out the
 * voting period, and errors a person can act on. Copy what you need.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Option, type Command } from "commander";
import { devnetDir } from "../../runtime/cli/devnet/dir.ts";
import { NexusClient, RpcClientError, buildTx } from "../../runtime/rpc/client.ts";
import { DEV_PASSPHRASE, Keyring } from "../../runtime/crypto/keystore.ts";
import { ed25519 } from "../../runtime/crypto/ed25519.ts";
import { homePaths, readValidatorKey } from "../../runtime/node/home.ts";
import type { Signer } from "../../runtime/tx/sign.ts";
import type { Msg } from "../../runtime/tx/envelope.ts";
import type { ReceiptView } from "../../runtime/node/node-api.ts";
import { bandName } from "../../runtime/tx/bands.ts";
import { govMsg, parseWeightedOptions, type ProposalView, type TallyView } from "../../modules/governance/client.ts";
import type { GovParams } from "../../modules/governance/params.ts";
import type { VoteOption, WeightedOption } from "../../modules/governance/tally.ts";

/** A failure the script explains: printed as "error: …" and "hint: …", exit code 1. */
export class ScriptError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** Run a script's main: a ScriptError (or the node's error) becomes two readable lines and exit code 1. */
export function run(main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    if (e instanceof ScriptError) {
      console.error(`error: ${e.message}`);
      if (e.hint) console.error(`hint: ${e.hint}`);
    } else if (e instanceof RpcClientError) {
      console.error(`error: ${e.codeName}: ${e.message}`);
    } else {
      console.error(e);
    }
    process.exitCode = 1;
  });
}

// ---- the devnet -----------------------------------------------------------------------------

export interface DevnetNode {
  index: number;
  home: string;
  address: string;
  band: number;
  rpcUrl: string;
}
export interface Devnet {
  dir: string;
  chainId: string;
  nodes: DevnetNode[];
}

/** Where `nexus devnet` puts a devnet by default: NEXUS_DEVNET, else $NEXUS_HOME/devnet, else ~/.nexus-devnet. */
export const DEFAULT_DEVNET_DIR = devnetDir();

/** The layout `nexus devnet` writes to <dir>/devnet.json. */
export function loadDevnet(dir: string): Devnet {
  const abs = resolve(dir);
  const file = join(abs, "devnet.json");
  if (!existsSync(file)) {
    throw new ScriptError(`no devnet in ${abs} (${file} is missing)`, "start one with `npm run devnet` (its first line says where it lives; default ~/.nexus-devnet) and pass that directory as --devnet");
  }
  const layout = JSON.parse(readFileSync(file, "utf8")) as { chainId: string; nodes: DevnetNode[] };
  return { dir: abs, chainId: layout.chainId, nodes: layout.nodes };
}

/** The options both scripts take. */
export interface CommonOptions {
  devnet: string;
  node?: string;
  proposer: string;
  keyringHome?: string;
  vote: string;
}

export function addCommonOptions(c: Command): Command {
  return c
    .addOption(new Option("--devnet <dir>", "the devnet's directory (where `nexus devnet` put devnet.json)").env("NEXUS_DEVNET").default(DEFAULT_DEVNET_DIR, "$NEXUS_HOME/devnet, else ~/.nexus-devnet"))
    .option("--node <url>", "submit and watch through this node (default: validator 0's RPC from devnet.json)")
    .option("--proposer <key>", "key that submits the proposal and pays its deposit", "alice")
    .option("--keyring-home <dir>", "home whose keyring holds --proposer (default: validator 0's home, where the dev keys are)")
    .option("--vote <vote>", "how every validator votes: yes, no, abstain, veto, or weights like yes=0.6,no=0.4", "yes");
}

/** --vote: one option, or weights ("yes=0.6,no=0.4", as `nexus tx gov weighted-vote` takes them). */
export function parseVote(text: string): VoteOption | WeightedOption[] {
  if (["yes", "no", "abstain", "veto"].includes(text)) return text as VoteOption;
  let options: WeightedOption[];
  try {
    options = parseWeightedOptions(text);
  } catch (e) {
    throw new ScriptError(`--vote: ${(e as Error).message}`, "yes, no, abstain, veto, or weights like yes=0.6,no=0.4");
  }
  const sum = options.reduce((a, o) => a + o.weightBps, 0);
  if (options.length === 0 || sum !== 10_000) throw new ScriptError(`--vote "${text}": the weights sum to ${sum / 10_000}, they must sum to 1`, "e.g. yes=0.6,no=0.4");
  return options;
}

// ---- nodes ----------------------------------------------------------------------------------

/** A client whose node answered: a node that does not is an error with what to do. */
export async function connect(url: string): Promise<{ client: NexusClient; chainId: string }> {
  const client = new NexusClient(url, { timeoutMs: 10_000 });
  try {
    const s = await client.status();
    if (s.halted) throw new ScriptError(`the node at ${url} has halted: ${s.halted.reason}`, "see its node.log in its home; restart the devnet");
    return { client, chainId: s.chainId };
  } catch (e) {
    if (e instanceof RpcClientError && (e.codeName === "CLIENT_UNREACHABLE" || e.codeName === "CLIENT_TIMEOUT")) {
      throw new ScriptError(`no node answers at ${url}`, "is the devnet running? start it with `npm run devnet` (Ctrl-C stops it), or pass --node <url>");
    }
    throw e;
  }
}

/** A module's params as the node has them now. */
export const moduleParams = <T = Record<string, unknown>>(client: NexusClient, module: string): Promise<T> => client.query<T>(`${module}/params`, {});

// ---- keys -----------------------------------------------------------------------------------

/**
 * A key from the keyring of a home (<home>/keys/<name>.json): its passphrase from
 * NEXUS_PASSPHRASE, or the documented dev passphrase for the dev keys (alice, bob …).
 */
export function keyringSigner(home: string, name: string): { address: string; signer: Signer } {
  const ring = new Keyring(homePaths(home).keys);
  if (!ring.has(name)) throw new ScriptError(`no key "${name}" in ${ring.dir}`, "the devnet's dev keys (alice, bob, carol …) are in validator 0's home; pass --keyring-home <home> for another keyring");
  const info = ring.show(name);
  const passphrase = process.env.NEXUS_PASSPHRASE || (info.dev ? DEV_PASSPHRASE : undefined);
  if (!passphrase) throw new ScriptError(`key "${name}" is not a dev key: its passphrase is needed`, "set NEXUS_PASSPHRASE");
  try {
    return { address: info.address, signer: ring.loadSigner(name, passphrase) };
  } catch (e) {
    throw new ScriptError(`cannot unlock key "${name}" in ${ring.dir}: ${(e as Error).message}`, "check NEXUS_PASSPHRASE");
  }
}

/**
 * A validator's operator key: "validator" in its home's keyring when the operator imported it
 * (`nexus --home <home> keys import-validator`, passphrase from NEXUS_PASSPHRASE), else the
 * home's validator-key.json itself (the key that import copies; a devnet keeps it in the clear).
 */
export function validatorSigner(node: DevnetNode): { address: string; signer: Signer } {
  if (new Keyring(homePaths(node.home).keys).has("validator") && process.env.NEXUS_PASSPHRASE) return keyringSigner(node.home, "validator");
  if (!existsSync(homePaths(node.home).validatorKey)) throw new ScriptError(`validator ${node.index} has no validator-key.json in ${node.home}`, "run the script on the machine that holds the devnet's homes");
  const k = readValidatorKey(node.home);
  return { address: k.address, signer: { scheme: ed25519, secretKey: k.secretKey, publicKey: k.publicKey } };
}

// ---- transactions ---------------------------------------------------------------------------

const NONCE_RACES = new Set(["TX_NONCE_REPLAYED", "TX_NONCE_GAP"]);
/** A transaction the mempool accepted and then dropped (another one took its nonce) is never committed: sent again. */
const LOST = new Set(["TX_DROPPED", "CLIENT_TIMEOUT"]);

/**
 * Sign and send `msgs`, wait for the receipt; a failed transaction is a ScriptError with the
 * node's code. A validator's operator account also signs its node's commit reports, so a vote
 * may lose the nonce race to one (docs/validators.md): it is sent again with the next nonce.
 */
export async function send(client: NexusClient, chainId: string, key: { address: string; signer: Signer }, msgs: Msg[], what: string): Promise<ReceiptView> {
  // The account's nonce is the committed one; the mempool may already hold this key's
  // transactions (another script, the node's commit report): its refusal names the nonce it
  // expects next, which the next attempt uses.
  let expected: bigint | undefined;
  for (let attempt = 1; ; attempt++) {
    const nonce = expected ?? BigInt((await client.getAccount(key.address)).nonce);
    expected = undefined;
    const tx = buildTx({ chainId, signer: key.signer, nonce, msgs });
    let receipt: ReceiptView;
    try {
      const { hash } = await client.sendTx(tx.bytes);
      receipt = await client.waitForTx(hash, { timeoutMs: 15_000, sender: key.address, nonce });
    } catch (e) {
      if (e instanceof RpcClientError && LOST.has(e.codeName) && attempt < 8) continue;
      if (e instanceof RpcClientError && NONCE_RACES.has(e.codeName) && attempt < 8) {
        const m = /expects (\d+) next/.exec(e.message);
        if (m) expected = BigInt(m[1]!);
        else await new Promise((r) => setTimeout(r, 300 * attempt));
        continue;
      }
      if (e instanceof RpcClientError) throw new ScriptError(`${what} was refused: ${e.codeName}: ${e.message}`);
      throw e;
    }
    if (receipt.code === 0) return receipt;
    if (NONCE_RACES.has(receipt.codeName) && attempt < 8) continue;
    throw new ScriptError(`${what} failed in block ${receipt.height}: ${receipt.codeName}: ${receipt.log}`);
  }
}

// ---- proposals ------------------------------------------------------------------------------

export const GOV_AUTHORITY_MODULE = "gov";

/**
 * Submit a proposal with exactly the minimum deposit (gov params), so it enters its voting
 * period at once. Returns its id (from the gov.proposal_submitted event of the receipt).
 */
export async function submitProposal(
  client: NexusClient,
  chainId: string,
  proposer: { address: string; signer: Signer },
  p: { band: number; title: string; summary: string; msgs: Msg[] },
): Promise<{ id: number; proposal: ProposalView; params: GovParams }> {
  const params = await moduleParams<GovParams>(client, "gov");
  const r = await send(client, chainId, proposer, [govMsg.submitProposal(proposer.address, { ...p, deposit: params.minDeposit })], "submitting the proposal");
  const ev = r.events.find((e) => e.type === "gov.proposal_submitted");
  if (!ev) throw new ScriptError(`the proposal's receipt (tx ${r.txHash}) has no gov.proposal_submitted event`);
  const id = Number(ev.attributes.proposalId);
  const proposal = await client.query<ProposalView>("gov/proposal", { proposalId: id });
  console.log(`proposal ${id} submitted in block ${r.height}: ${bandName(p.band)}, deposit ${formatNxt(BigInt(params.minDeposit))}, status ${proposal.status}`);
  if (proposal.status !== "voting_period") {
    throw new ScriptError(`proposal ${id} is ${proposal.status}, not in its voting period`, `its deposit ${proposal.totalDeposit} is below minDeposit ${params.minDeposit}?`);
  }
  return { id, proposal, params };
}

/** Every validator of the devnet votes, each through its own node, concurrently. */
export async function voteAll(devnet: Devnet, id: number, vote: VoteOption | WeightedOption[]): Promise<void> {
  const label = typeof vote === "string" ? vote : vote.map((o) => `${o.option}=${o.weightBps / 10_000}`).join(",");
  await Promise.all(
    devnet.nodes.map(async (n) => {
      const key = validatorSigner(n);
      const { client, chainId } = await connect(n.rpcUrl);
      const msg = typeof vote === "string" ? govMsg.vote(key.address, id, vote) : govMsg.voteWeighted(key.address, id, vote);
      const r = await send(client, chainId, key, [msg], `validator ${n.index}'s vote`);
      console.log(`  validator ${n.index} (band ${n.band}) voted ${label} on proposal ${id} (block ${r.height})`);
    }),
  );
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Poll the proposal until its voting period is over and the chain has tallied it; prints
 * "voting ends in 12 s…" along the way (counted in block time: the chain's clock decides).
 */
export async function waitForEnd(client: NexusClient, id: number, o: { progressEveryMs?: number; timeoutMs?: number } = {}): Promise<ProposalView> {
  const every = o.progressEveryMs ?? 5_000;
  let lastPrint = 0;
  let deadline: number | undefined;
  for (;;) {
    const [p, s] = await Promise.all([client.query<ProposalView | null>("gov/proposal", { proposalId: id }), client.status()]);
    if (!p) throw new ScriptError(`the node has no proposal ${id}`);
    if (p.status !== "voting_period" && p.status !== "deposit_period") return p;
    deadline ??= Date.now() + Math.max(0, p.votingEndMs - s.latestBlockTime) + (o.timeoutMs ?? 60_000);
    if (Date.now() > deadline) throw new ScriptError(`proposal ${id} is still ${p.status} long after its voting period should have ended`, "are the validators still producing blocks? `nexus status --node …`");
    if (Date.now() - lastPrint >= every) {
      const left = Math.ceil((p.votingEndMs - s.latestBlockTime) / 1000);
      console.log(left > 0 ? `  voting ends in ${left} s…` : "  voting period over; waiting for the block that tallies it…");
      lastPrint = Date.now();
    }
    await sleep(500);
  }
}

/** The final tally as lines: totals, quorum, bands. */
export function describeTally(t: TallyView | NonNullable<ProposalView["finalTally"]>): string[] {
  const voted = BigInt(t.yes) + BigInt(t.no) + BigInt(t.abstain) + BigInt(t.veto);
  const nonAbstain = BigInt(t.yes) + BigInt(t.no) + BigInt(t.veto);
  const pct = (x: string | bigint, of: bigint): string => (of === 0n ? "-" : `${(Number((BigInt(x) * 10_000n) / of) / 100).toFixed(2)}%`);
  return [
    `outcome ${t.outcome}: yes ${pct(t.yes, nonAbstain)} of non-abstaining votes (yes ${formatNxt(BigInt(t.yes))}, no ${formatNxt(BigInt(t.no))}, abstain ${formatNxt(BigInt(t.abstain))}, veto ${formatNxt(BigInt(t.veto))})`,
    `turnout ${pct(voted, BigInt(t.bonded))} of ${formatNxt(BigInt(t.bonded))} bonded (quorum ${t.quorumReached ? "reached" : "missed"}); bands approving ${t.bandsApproved} of ${t.bandsRequired} required`,
    ...t.bands.map((b) => `  band ${b.band}: yes ${formatNxt(BigInt(b.yes))}, no ${formatNxt(BigInt(b.no))} of ${formatNxt(BigInt(b.bonded))} bonded: ${b.approved ? "approves" : "does not approve"}`),
  ];
}

/** The proposal passed and its messages ran, or a ScriptError that prints the tally and why. */
export function requirePassed(p: ProposalView): void {
  if (p.status === "passed") {
    console.log(`proposal ${p.id} PASSED and its messages were executed`);
    if (p.finalTally) for (const l of describeTally(p.finalTally)) console.log(`  ${l}`);
    return;
  }
  const lines = p.finalTally ? describeTally(p.finalTally) : [];
  const why = p.status === "failed" ? `it passed, but its messages failed: ${p.failReason}` : p.failReason ? p.failReason : `the vote did not carry it`;
  throw new ScriptError(
    [`proposal ${p.id} was ${p.status.toUpperCase()}: ${why}`, ...lines.map((l) => `  ${l}`)].join("\n"),
    p.status === "failed" ? "the messages ran as governance's account and failed; `nexus query gov proposal <id>` shows the record" : `what a ${bandName(p.band)} proposal needs (quorum, yes threshold, bands): \`nexus query gov params\``,
  );
}

/** 123456789 base units → "1.23456789 NXT". */
export function formatNxt(base: bigint): string {
  const neg = base < 0n;
  const v = neg ? -base : base;
  const int = v / 100_000_000n;
  const frac = (v % 100_000_000n).toString().padStart(8, "0").replace(/0+$/, "");
  return `${neg ? "-" : ""}${int}${frac ? `.${frac}` : ""} NXT`;
}
