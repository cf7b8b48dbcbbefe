import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addDevnetNode, generateDevnet, type DevnetLayout } from "../../runtime/node/devnet.ts";
import { NODE_HEAP_FLAGS } from "../../runtime/node/heap-flags.ts";
import { NexusClient } from "../../runtime/rpc/client.ts";
import { REPO, TEST_NODE, freePort, runCli, waitFor } from "../helpers/spawn-node.ts";
import { nexusApp } from "../../chains/nexus/app.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import type { ProposalDraft } from "../../modules/governance/client.ts";
import type { GenesisDoc } from "../../runtime/app/application.ts";

/**
 * 40 s: long enough for four `nexus tx gov weighted-vote` processes and the two example scripts
 * to start and vote on a loaded 2-core CI machine (18 s was not: votes landed after the end).
 */
const shortVotingPeriod = (g: GenesisDoc): GenesisDoc => {
  const gov = g.modules.gov as { params: Record<string, unknown> };
  return { ...g, modules: { ...g.modules, gov: { ...gov, params: { ...gov.params, votingPeriodMs: 40_000 } } } };
};

/** Test-only RPC hooks (nexus_testPartition). */
const HOOKS = { NEXUS_TEST_HOOKS: "1" };

interface Proc {
  proc: ChildProcess;
  client: NexusClient;
  out: () => string;
  exited: Promise<unknown>;
}

/** `nexus start` of one validator home as a real process (through test-node.ts, which adds the test hooks `env` asks for). */
function startValidator(home: string, url: string, env: Record<string, string> = {}): Proc {
  const proc = spawn(process.execPath, [...NODE_HEAP_FLAGS, "--import", "tsx", TEST_NODE, "--home", home, "start", "--log-level", "info"], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  let out = "";
  proc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  return { proc, client: new NexusClient(url, { timeoutMs: 3000 }), out: () => out, exited: new Promise((r) => proc.once("exit", r)) };
}

describe("nexus devnet --no-start", function () {
  this.timeout(60_000);
  it("generates N homes with one genesis, bonded validators in two bands, distinct ports, bootstrap = node 0", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nexus-devnet-cli-"));
    try {
      const r = await runCli(["devnet", "--validators", "4", "--no-start", "--dir", dir, "--rpc-port", "17700", "--p2p-port", "17800"]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.include("http://127.0.0.1:17703");
      const read = (p: string): string => readFileSync(join(dir, p), "utf8");
      const genesis = read("node0/genesis.json");
      for (let i = 1; i < 4; i++) expect(read(`node${i}/genesis.json`)).to.equal(genesis);
      const g = JSON.parse(genesis) as { modules: { staking: { validators: { band: number }[] } } };
      expect(g.modules.staking.validators.map((v) => v.band)).to.deep.equal([1, 2, 1, 2]);
      const cfgs = [0, 1, 2, 3].map((i) => JSON.parse(read(`node${i}/config.json`)) as { consensus: string; rpc: { port: number }; p2p: { port: number; bootstrap: string[] } });
      expect(cfgs.every((c) => c.consensus === "bft")).to.equal(true);
      expect(new Set(cfgs.flatMap((c) => [c.rpc.port, c.p2p.port])).size).to.equal(8);
      for (let i = 1; i < 4; i++) expect(cfgs[i]!.p2p.bootstrap[0]).to.match(/^\/ip4\/127\.0\.0\.1\/tcp\/17800\/p2p\//);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("devnet: four validator processes on 127.0.0.1 (libp2p)", function () {
  this.timeout(150_000);
  let dir: string;
  let layout: DevnetLayout;
  const procs: (Proc | undefined)[] = [];

  const height = async (i: number): Promise<number> => (await procs[i]!.client.status()).height;
  const waitAll = async (nodes: number[], h: number, ms = 40_000): Promise<void> => {
    await waitFor(`height ${h} on ${nodes.join(",")}`, async () => ((await Promise.all(nodes.map(height))).every((x) => x >= h) ? true : undefined), ms);
  };

  /**
   * Every node in `nodes` has the same block hash and state root at every height from `from`
   * up to the lowest of their heights (returned). Heights are fetched 16 at a time.
   */
  const expectAgreement = async (nodes: number[], from = 1): Promise<number> => {
    const top = Math.min(...(await Promise.all(nodes.map(height))));
    for (let start = from; start <= top; start += 16) {
      const hs = Array.from({ length: Math.min(16, top - start + 1) }, (_, k) => start + k);
      const rows = await Promise.all(hs.map((h) => Promise.all(nodes.map((i) => procs[i]!.client.getBlock(h)))));
      for (const [k, blocks] of rows.entries()) {
        const h = hs[k]!;
        for (const [j, b] of blocks.entries()) {
          expect(b, `node ${nodes[j]} has block ${h}`).to.not.equal(undefined);
          expect(b!.hash, `hash at height ${h}, node ${nodes[j]}`).to.equal(blocks[0]!.hash);
          expect(b!.header.stateRoot, `state root at height ${h}, node ${nodes[j]}`).to.equal(blocks[0]!.header.stateRoot);
        }
      }
    }
    return top;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "nexus-devnet-e2e-"));
    const rpcPorts = [await freePort(), await freePort(), await freePort(), await freePort()];
    const p2pPorts = [await freePort(), await freePort(), await freePort(), await freePort()];
    layout = await generateDevnet(nexusApp, { dir, validators: 4, rpcPorts, p2pPorts, blockTimeMs: 300, bft: { timeoutProposeMs: 1000, timeoutVoteMs: 400, timeoutDeltaMs: 200 }, logLevel: "info", editGenesis: shortVotingPeriod });
    layout.nodes.forEach((n, i) => (procs[i] = startValidator(n.home, n.rpcUrl, HOOKS)));
  });

  after(async () => {
    for (const p of procs) {
      if (p && p.proc.exitCode === null && p.proc.signalCode === null) {
        p.proc.kill("SIGTERM");
        await p.exited;
      }
    }
    if (process.env.NEXUS_KEEP_DEVNET) console.log(`devnet kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  });

  it("four validators finalise blocks", async () => {
    try {
      await waitAll([0, 1, 2, 3], 5, 60_000);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- node0 log ---\n${procs[0]!.out().slice(-3000)}`);
    }
  });

  /**
   * The governance issue's e2e, on this fixture while all four validators are up (before the
   * tests that kill them; the agreement tests after it then cover the blocks that executed
   * the proposals). Two proposals run side by side in one 40 s voting period (the devnet's
   * dev-speed governance): a parameter change by scripts/governance/param-change.ts (typed
   * client; every validator votes yes) and a YOCTO amendment of the constitution submitted
   * with `nexus tx gov submit-proposal`, on which every validator casts `nexus tx gov
   * weighted-vote yes=0.6,no=0.4` from its own home after `nexus keys import-validator`:
   * 60% yes is below YOCTO's 66.7%.
   */
  it("governance: a parameter change and a treasury spend pass and are in force on all four; a YOCTO amendment with 60% yes is rejected", async function () {
    this.timeout(120_000);
    const PASS = "devnet-e2e-passphrase";
    const client = (i: number): NexusClient => procs[i]!.client;
    const all = [0, 1, 2, 3];
    /** A `nexus` command that exits 0, run again when it loses a nonce race to its node's commit report (docs/validators.md). */
    const nexus = async (args: string[], env: Record<string, string> = {}): Promise<string> => {
      for (let attempt = 1; ; attempt++) {
        const r = await runCli(args, { NEXUS_PASSPHRASE: "", NEXUS_NODE: "", NEXUS_HOME: "", ...env });
        if (r.code === 0) return r.stdout;
        // A vote the mempool took and then dropped (another transaction took its nonce) fails with TX_DROPPED: sent again.
        if (!/TX_NONCE_(REPLAYED|GAP)|TX_DROPPED|CLIENT_TIMEOUT|still unknown/.test(r.stdout + r.stderr) || attempt === 5) throw new Error(`nexus ${args.join(" ")} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
      }
    };
    const proposal = (i: number, id: number) => client(i).query<{ status: string; band: number; failReason?: string; finalTally?: { outcome: string; yes: string; no: string } }>("gov/proposal", { proposalId: id });
    const constitution = await client(0).query<{ version: number; rules: unknown[] }>("gov/constitution", {});
    const { minDeposit } = await client(0).query<{ minDeposit: string }>("gov/params", {});
    const maxEntries = (await client(0).query<{ maxEntries: number }>("staking/params", {})).maxEntries;
    const want = maxEntries + 5;

    // The parameter change, by the example script (it submits, has every validator vote yes from
    // its home's validator key, waits, and checks the value on every node itself).
    const script = runCli(["--devnet", dir, "--value", String(want)], { NEXUS_PASSPHRASE: "", NEXUS_DEVNET: "" }, join(REPO, "scripts/governance/param-change.ts"));
    // And a treasury spend by the other example, proposed by bob, paid to carol: the script
    // shows the end-block event economy.treasury_spend it receives over a WebSocket subscription.
    const spendScript = runCli(["--devnet", dir, "--proposer", "bob", "--recipient", "carol", "--amount", "250"], { NEXUS_PASSPHRASE: "", NEXUS_DEVNET: "" }, join(REPO, "scripts/governance/treasury-spend.ts"));

    // The amendment: the constitution in force with its version raised, in a YOCTO proposal file.
    const file = join(dir, "amendment.json");
    const draft: ProposalDraft = {
      band: "YOCTO",
      title: "Constitution v" + (constitution.version + 1),
      summary: "the same rules, a new version (devnet e2e)",
      messages: [{ typeUrl: "/gov.v1.MsgAmendConstitution", value: { authority: moduleAddress("gov"), constitution: { ...constitution, version: constitution.version + 1 } } }],
      deposit: minDeposit,
    };
    writeFileSync(file, JSON.stringify(draft, null, 2));
    const home = (i: number): string => layout.nodes[i]!.home;
    // Each validator's key into its home's keyring first, so the votes follow the submission at
    // once; both voting periods (the scripts' and the amendment's) then run side by side.
    await Promise.all(all.map((i) => nexus(["--home", home(i), "keys", "import-validator", "--json"], { NEXUS_PASSPHRASE: PASS })));
    const receipt = await nexus(["--home", home(0), "tx", "gov", "submit-proposal", "alice", file, "--dev", "--node", layout.nodes[0]!.rpcUrl, "--json"]);
    const submitted = (JSON.parse(receipt) as { events: { type: string; attributes: Record<string, string> }[] }).events.find((e) => e.type === "gov.proposal_submitted");
    const amendment = Number(submitted!.attributes.proposalId);
    expect((await proposal(0, amendment)).status).to.equal("voting_period");
    await Promise.all(
      all.map(async (i) => {
        await nexus(["--home", home(i), "tx", "gov", "weighted-vote", "validator", String(amendment), "yes=0.6,no=0.4", "--node", layout.nodes[i]!.rpcUrl, "--json"], { NEXUS_PASSPHRASE: PASS });
      }),
    );

    const run = await script;
    expect(run.code, `param-change.ts:\n${run.stdout}\n${run.stderr}`).to.equal(0);
    const spent = await spendScript;
    expect(spent.code, `treasury-spend.ts:\n${spent.stdout}\n${spent.stderr}`).to.equal(0);
    expect(spent.stdout).to.match(/event economy\.treasury_spend at height \d+ \(end block\): .*"amount":"25000000000"/);
    const changed = Number(/proposal (\d+) submitted/.exec(run.stdout)![1]);
    expect(run.stdout).to.include(`in force on all 4 nodes`);
    for (const i of all) {
      const p = await proposal(i, changed);
      expect(p.status, `param change on node ${i}: ${p.failReason}`).to.equal("passed");
      expect(p.finalTally!.outcome).to.equal("passed");
      expect((await client(i).query<{ maxEntries: number }>("staking/params", {})).maxEntries, `staking.maxEntries on node ${i}`).to.equal(want);
    }

    // Submitted after the parameter change, the amendment ends a little later.
    await waitFor(`amendment ${amendment} tallied on all four`, async () => ((await Promise.all(all.map((i) => proposal(i, amendment)))).every((p) => p.status !== "voting_period") ? true : undefined), 20_000);
    for (const i of all) {
      const p = await proposal(i, amendment);
      expect(p.band).to.equal(6);
      expect(p.status, `amendment on node ${i}`).to.equal("rejected");
      expect(p.finalTally!.outcome).to.equal("rejected");
      expect(BigInt(p.finalTally!.yes) * 4n, "60% yes, 40% no").to.equal(BigInt(p.finalTally!.no) * 6n);
      expect((await client(i).query<{ version: number }>("gov/constitution", {})).version, `constitution on node ${i}`).to.equal(constitution.version);
    }
  });

  it("one validator SIGKILLed: the other three go on", async () => {
    procs[3]!.proc.kill("SIGKILL");
    await procs[3]!.exited;
    const h = Math.max(...(await Promise.all([0, 1, 2].map(height))));
    await waitAll([0, 1, 2], h + 4);
  });

  it("restarted, it catches up and keeps voting", async () => {
    procs[3] = startValidator(layout.nodes[3]!.home, layout.nodes[3]!.rpcUrl, HOOKS);
    await waitFor("validator 3 RPC", async () => (await procs[3]!.client.status()) ?? undefined, 30_000);
    const top = Math.max(...(await Promise.all([0, 1, 2].map(height))));
    await waitAll([0, 1, 2, 3], top + 2);
  });

  it("all validators agree on block hash and state root at every height", async () => {
    const top = await expectAgreement([0, 1, 2, 3]);
    expect(top).to.be.at.least(10);
    // Every validator proposes: validator 3 was down for a while, so watch new blocks (up to a
    // deadline) until its turn has come round too.
    const proposers = new Set<string>();
    for (let h = 1; h <= top; h++) proposers.add((await procs[0]!.client.getBlock(h))!.header.proposer);
    const deadline = Date.now() + 30_000;
    for (let h = top + 1; proposers.size < 4 && Date.now() < deadline; ) {
      const b = await procs[0]!.client.getBlock(h);
      if (b) {
        proposers.add(b.header.proposer);
        h++;
      } else await new Promise((r) => setTimeout(r, 100));
    }
    expect(proposers.size).to.equal(4);
  });

  it("partition {A,B}|{C,D} (test-only hook): nothing commits; healed, the chain resumes and all agree", async () => {
    const peer = (i: number): string => layout.nodes[i]!.p2pAddress.split("/p2p/")[1]!;
    const cut = async (groups: number[][]): Promise<void> => {
      for (const g of groups) for (const i of g) await procs[i]!.client.call("nexus_testPartition", { peers: [0, 1, 2, 3].filter((j) => !g.includes(j)).map(peer) });
    };
    await cut([[0, 1], [2, 3]]);
    await new Promise((r) => setTimeout(r, 1000)); // a block already precommitted may still land
    const h = Math.max(...(await Promise.all([0, 1, 2, 3].map(height))));
    await new Promise((r) => setTimeout(r, 3000));
    expect(Math.max(...(await Promise.all([0, 1, 2, 3].map(height))))).to.equal(h);
    await cut([[0, 1, 2, 3]]);
    await waitAll([0, 1, 2, 3], h + 3);
    expect(await expectAgreement([0, 1, 2, 3])).to.be.at.least(h + 3);
  });

  it("two of four down: nothing commits; one back, the chain resumes", async () => {
    for (const i of [2, 3]) {
      procs[i]!.proc.kill("SIGKILL");
      await procs[i]!.exited;
    }
    await new Promise((r) => setTimeout(r, 1000)); // a block already precommitted may still land
    const h = Math.max(...(await Promise.all([0, 1].map(height))));
    await new Promise((r) => setTimeout(r, 3000));
    expect(Math.max(...(await Promise.all([0, 1].map(height)))), "height with two of four validators").to.equal(h);
    procs[2] = startValidator(layout.nodes[2]!.home, layout.nodes[2]!.rpcUrl, HOOKS);
    await waitAll([0, 1, 2], h + 3);
    procs[3] = startValidator(layout.nodes[3]!.home, layout.nodes[3]!.rpcUrl, HOOKS);
    await waitAll([0, 1, 2, 3], h + 5);
  });

  it("a fifth node started later syncs from height 1 and agrees at every height", async () => {
    const late = await addDevnetNode(nexusApp, layout, "late", await freePort(), await freePort());
    procs[4] = startValidator(late.home, late.rpcUrl);
    const top = await height(0);
    try {
      await waitFor(`late node at height ${top}`, async () => ((await height(4).catch(() => 0)) >= top ? true : undefined), 60_000);
    } catch (e) {
      // Where it stopped and what it said: a flake here must leave enough to find its cause.
      const at = await height(4).catch((err: Error) => `unreachable (${err.message})`);
      throw new Error(`${(e as Error).message}; the late node is at ${at}, exit ${procs[4]!.proc.exitCode ?? "none"}\n${procs[4]!.out().slice(-4000)}`);
    }
    for (let k = 1; k <= top; k++) {
      const [a, b] = await Promise.all([procs[0]!.client.getBlock(k), procs[4]!.client.getBlock(k)]);
      expect(b!.hash, `height ${k}`).to.equal(a!.hash);
      expect(b!.header.stateRoot, `state root at height ${k}`).to.equal(a!.header.stateRoot);
    }
  });

  it("all four validators killed at once, three times: each time they restart, the chain resumes, and all four agree on block hash and state root at every height", async () => {
    // Killed mid-height, every validator may have voted for a block none has committed: its
    // bytes must survive the restart (saved candidates), or the chain stalls for good.
    // Agreement up to now once, then after each restart the heights since the last check.
    let agreedTo = await expectAgreement([0, 1, 2, 3]);
    for (let round = 0; round < 3; round++) {
      await new Promise((r) => setTimeout(r, 150 + 200 * round)); // a different point of a height each time
      for (const i of [0, 1, 2, 3]) procs[i]!.proc.kill("SIGKILL");
      await Promise.all([0, 1, 2, 3].map((i) => procs[i]!.exited));
      layout.nodes.forEach((n, i) => (procs[i] = startValidator(n.home, n.rpcUrl, HOOKS)));
      try {
        await waitFor("validators' RPC", async () => ((await Promise.all([0, 1, 2, 3].map((i) => height(i).catch(() => -1)))).every((h) => h >= 0) ? true : undefined), 30_000);
      } catch (e) {
        // Which ones did not come back, and what they said (a start-up error exits the process).
        const down = await Promise.all([0, 1, 2, 3].map(async (i) => ((await height(i).catch(() => -1)) < 0 ? i : -1)));
        const why = down.filter((i) => i >= 0).map((i) => `--- validator ${i} (exit ${procs[i]!.proc.exitCode ?? "none"}, signal ${procs[i]!.proc.signalCode ?? "none"}) ---\n${procs[i]!.out().slice(-2000)}`);
        throw new Error(`${(e as Error).message} after kill ${round + 1}\n${why.join("\n")}`);
      }
      const h = Math.max(...(await Promise.all([0, 1, 2, 3].map(height))));
      await waitAll([0, 1, 2, 3], h + 2);
      const top = await expectAgreement([0, 1, 2, 3], agreedTo);
      expect(top, `heights agreed on after kill ${round + 1}`).to.be.at.least(h + 2);
      agreedTo = top;
    }
  });

  it("a validator restarted with the test-only equivocation flag is caught: evidence in a block, slashed, tombstoned", async () => {
    procs[3]!.proc.kill("SIGTERM");
    await procs[3]!.exited;
    procs[3] = startValidator(layout.nodes[3]!.home, layout.nodes[3]!.rpcUrl, { ...HOOKS, NEXUS_TEST_EQUIVOCATE: "1" });
    const v3 = layout.nodes[3]!.address;
    const v = await waitFor(
      "validator 3 tombstoned",
      async () => {
        const r = await procs[0]!.client.call<{ tombstoned: boolean; jailed: boolean }>("nexus_query", { path: "staking/validator", params: { operator: v3 } });
        return r.tombstoned ? r : undefined;
      },
      40_000,
    );
    expect(v.jailed).to.equal(true);
    const h = Math.max(...(await Promise.all([0, 1, 2].map(height))));
    await waitAll([0, 1, 2], h + 3);
    expect(await expectAgreement([0, 1, 2])).to.be.at.least(h + 3);
  });
});
