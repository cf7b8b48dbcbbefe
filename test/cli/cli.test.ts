import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Amounts, AmountError } from "../../runtime/rpc/amounts.ts";
import { nexusChain } from "../../chains/nexus/chain.ts";
import { startRpcServer, type RpcServer } from "../../runtime/rpc/server.ts";
import { Keyring, DEV_PASSPHRASE } from "../../runtime/crypto/keystore.ts";
import { addressFor } from "../../runtime/crypto/address.ts";
import { ed25519 } from "../../runtime/crypto/ed25519.ts";
import { FakeNode } from "../rpc/fake-node.ts";
import type { Command } from "commander";
import { buildProgram } from "../../runtime/cli/program.ts";
import { nexusApp } from "../../chains/nexus/app.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = join(ROOT, "chains/nexus/main.ts");
const amounts = new Amounts(nexusChain.denoms);
const parseAmount = (s: string): ReturnType<Amounts["parse"]> => amounts.parse(s);
const formatAmount = (a: bigint | string, d: string): string => amounts.format(a, d);
const MNEMONIC = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
const bob = addressFor("ed25519", ed25519.generate(new Uint8Array(32).fill(9)).publicKey);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function nexus(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--import", "tsx", MAIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, NEXUS_PASSPHRASE: "", NEXUS_MNEMONIC: "", NEXUS_NODE: "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += String(d)));
    p.stderr.on("data", (d) => (stderr += String(d)));
    p.on("error", reject);
    p.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("cli: amounts", () => {
  it("parses display and base units exactly", () => {
    expect(parseAmount("1.5NXT")).to.deep.equal({ amount: 150_000_000n, denom: "nxt" });
    expect(parseAmount("150000000nxt")).to.deep.equal({ amount: 150_000_000n, denom: "nxt" });
    expect(parseAmount("0.00000001NXT")).to.deep.equal({ amount: 1n, denom: "nxt" });
    expect(parseAmount(" 2 NXT ")).to.deep.equal({ amount: 200_000_000n, denom: "nxt" });
    expect(parseAmount("7lp/nxt-usd")).to.deep.equal({ amount: 7n, denom: "lp/nxt-usd" });
    expect(formatAmount(150_000_000n, "nxt")).to.equal("1.5 NXT");
    expect(formatAmount("100000000", "nxt")).to.equal("1 NXT");
  });
  it("rejects bad amount strings with a message that says why", () => {
    const bad: [string, RegExp][] = [
      ["abc", /not an amount/],
      ["1.5", /not an amount/],
      ["-1NXT", /not an amount/],
      ["1,5NXT", /not an amount/],
      ["1.123456789NXT", /9 decimals; NXT has 8/],
      ["1.5nxt", /whole number/],
      ["0NXT", /greater than zero/],
      ["1.5Nxt", /unknown display unit/],
      ["1" + "0".repeat(40) + "nxt", /too large/],
      ["5x10nxt", /"x10nxt" is not a denomination \(a multiplier or exponent\?\); write the whole number/],
      ["1e5nxt", /"e5nxt" is not a denomination/],
    ];
    for (const [s, re] of bad) expect(() => parseAmount(s), s).to.throw(AmountError, re);
  });
});

describe("cli: nexus command", function () {
  this.timeout(60_000);

  it("--help works for every command: every command of the tree has its usage and description (in-process); the binary prints it and exits 0", async () => {
    const program = buildProgram(nexusApp);
    const all: string[][] = [];
    const walk = (c: Command, path: string[]) => {
      all.push(path);
      for (const sub of c.commands) walk(sub, [...path, sub.name()]);
    };
    walk(program, []);
    expect(all.length).to.be.greaterThan(60);
    for (const path of all) {
      let c: Command = program;
      for (const n of path) c = c.commands.find((x) => x.name() === n)!;
      const help = c.helpInformation();
      expect(help, path.join(" ")).to.contain(`Usage: ${["nexus", ...path].join(" ")}`);
      expect(c.description(), `${path.join(" ")} has a description`).to.not.equal("");
    }
    // The binary itself, for a few: --help exits 0 with the usage on stdout.
    const cmds = [[], ["tx", "bank", "send"], ["query", "proof"]];
    const runs = await Promise.all(cmds.map((c) => nexus([...c, "--help"])));
    runs.forEach((r, i) => {
      const name = ["nexus", ...cmds[i]!].join(" ");
      expect(r.code, `${name}: ${r.stderr}`).to.equal(0);
      expect(r.stdout, name).to.contain(`Usage: ${name}`);
    });
    expect(runs[0]!.stdout).to.contain("start --dev");
    expect(runs[1]!.stdout).to.contain("--no-wait").and.contain("--passphrase-file");
  });

  it("rejects a bad amount with one clear line and no stack trace", async () => {
    const r = await nexus(["tx", "bank", "send", "alice", bob, "1.123456789NXT"]);
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.match(/^error: "1.123456789NXT" has 9 decimals; NXT has 8/);
    expect(r.stderr).to.contain("hint:");
    expect(r.stderr).to.not.match(/\n\s+at /);
    const r2 = await nexus(["tx", "bank", "send", "alice", bob, "lots"]);
    expect(r2.code).to.not.equal(0);
    expect(r2.stderr).to.contain('"lots" is not an amount');
    // A negative amount is named, not taken for an unknown option.
    const r3 = await nexus(["tx", "bank", "send", "alice", bob, "-5NXT"]);
    expect(r3.code).to.not.equal(0);
    expect(r3.stderr).to.match(/^error: "-5NXT": amounts cannot be negative/);
  });

  it("a malformed --node URL is named as such (not 'cannot reach'); an uppercase address gets the lowercase one", async () => {
    const u = await nexus(["status", "--node", "127.0.0.1:7700"]);
    expect(u.code).to.equal(1);
    expect(u.stderr).to.contain('"127.0.0.1:7700" is not a node URL: write it like http://127.0.0.1:7700');
    const upper = bob.toUpperCase();
    const a = await nexus(["query", "balance", upper, "--node", "http://127.0.0.1:9"]);
    expect(a.code).to.equal(1);
    expect(a.stderr).to.contain(`NexusOS addresses are lowercase: ${bob}`);
  });

  it("start: a trust point is a height and a block hash, with --state-sync; anything else is refused before the node opens", async () => {
    const home = mkdtempSync(join(tmpdir(), "nexus-cli-trust-"));
    try {
      const hash = "ab".repeat(32);
      const cases: Array<[string[], string]> = [
        [["--state-sync", "--trust-height", "8"], "--trust-height and --trust-hash go together"],
        [["--state-sync", "--trust-height", "8", "--trust-hash", "xyz"], '--trust-hash "xyz" is not a block hash: 64 hex digits expected'],
        [["--trust-height", "8", "--trust-hash", hash], "--trust-height only applies to a state sync: add --state-sync"],
      ];
      for (const [args, msg] of cases) {
        const r = await nexus(["--home", home, "start", ...args]);
        expect(r.code, args.join(" ")).to.equal(1);
        expect(r.stderr, args.join(" ")).to.contain(msg);
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("reports an unreachable node with a hint, and a bad address clearly", async () => {
    const r = await nexus(["status", "--node", "http://127.0.0.1:9"]);
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.contain("cannot reach a node at http://127.0.0.1:9");
    const a = await nexus(["query", "balance", "nxs1nope"]);
    expect(a.code).to.not.equal(0);
    expect(a.stderr).to.match(/^error: address: .*bech32m/);
    expect(a.stderr).to.contain("hint:");
  });

  it("an unknown module or message prints what exists", async () => {
    const m = await nexus(["tx", "nope"]);
    expect(m.code).to.not.equal(0);
    expect(m.stderr).to.contain("unknown command 'nope'");
    expect(m.stderr).to.match(/staking\s+staking module transactions/);
    const msg = await nexus(["tx", "staking", "delgate"]);
    expect(msg.code).to.not.equal(0);
    expect(msg.stderr).to.contain("(Did you mean delegate?)");
    expect(msg.stderr).to.match(/create-validator/);
  });

  it("a new key refuses a passphrase shorter than 8 characters from NEXUS_PASSPHRASE or a file, as the prompt does", async () => {
    const home = mkdtempSync(join(tmpdir(), "nexus-cli-weak-"));
    try {
      const env = await nexus(["--home", home, "keys", "add", "weak"], { NEXUS_PASSPHRASE: "short" });
      expect(env.code).to.equal(1);
      expect(env.stderr).to.contain("the passphrase from NEXUS_PASSPHRASE has 5 characters; a new key needs at least 8");
      writeFileSync(join(home, "p.txt"), "1234567\n");
      const file = await nexus(["--home", home, "keys", "add", "weak", "--passphrase-file", join(home, "p.txt")]);
      expect(file.code).to.equal(1);
      expect(file.stderr).to.contain("has 7 characters");
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  describe("against a node", () => {
    let node: FakeNode;
    let server: RpcServer;
    let home: string;
    let timer: NodeJS.Timeout;
    let passFile: string;
    let alice: string;

    before(async () => {
      node = new FakeNode();
      server = await startRpcServer(node, { host: "127.0.0.1", port: 0 });
      timer = setInterval(() => node.produceBlock(), 50);
      home = mkdtempSync(join(tmpdir(), "nexus-cli-"));
      passFile = join(home, "pass.txt");
      writeFileSync(passFile, "correct horse battery\n");
      writeFileSync(join(home, "mnemonic.txt"), MNEMONIC + "\n");
    });
    after(async () => {
      clearInterval(timer);
      await server.close();
      rmSync(home, { recursive: true, force: true });
    });

    it("keys import, list, show", async () => {
      const r = await nexus(["--home", home, "keys", "import", "alice", "--mnemonic-file", join(home, "mnemonic.txt"), "--passphrase-file", passFile, "--json"]);
      expect(r.code, r.stderr).to.equal(0);
      alice = (JSON.parse(r.stdout) as { address: string }).address;
      expect(alice).to.match(/^nxs1/);
      const list = await nexus(["keys", "list", "--json"], { NEXUS_HOME: home });
      expect((JSON.parse(list.stdout) as { name: string }[]).map((k) => k.name)).to.deep.equal(["alice"]);
      const show = await nexus(["--home", home, "keys", "show", "alice", "--address"]);
      expect(show.stdout.trim()).to.equal(alice);
      const dup = await nexus(["--home", home, "keys", "import", "alice", "--mnemonic-file", join(home, "mnemonic.txt"), "--passphrase-file", passFile]);
      expect(dup.code).to.not.equal(0);
      expect(dup.stderr).to.contain("already exists").and.contain("hint:");
    });

    it("tx bank send waits for the receipt; query balance, account, tx, block, status", async () => {
      node.balances.set(alice, 10n * 100_000_000n);
      const r = await nexus(["--home", home, "tx", "bank", "send", "alice", bob, "1.5NXT", "--node", server.url, "--passphrase-file", passFile, "--json"]);
      expect(r.code, r.stderr).to.equal(0);
      const receipt = JSON.parse(r.stdout) as { code: number; txHash: string; height: number; fee: string; energyAj: string };
      expect(receipt.code).to.equal(0);
      const human = await nexus(["query", "tx", receipt.txHash, "--node", server.url]);
      expect(human.stdout).to.match(/result\s+OK/).and.match(/fee\s+\d+ nxt/).and.match(/energy\s+\d+ aJ/);
      const bal = await nexus(["query", "balance", bob, "--node", server.url]);
      expect(bal.stdout.trim()).to.equal("150000000 nxt  (1.5 NXT)");
      const acct = await nexus(["query", "account", alice, "--node", server.url, "--json"]);
      expect(JSON.parse(acct.stdout)).to.include({ nonce: "1" });
      const blk = await nexus(["query", "block", String(receipt.height), "--node", server.url, "--json"]);
      expect((JSON.parse(blk.stdout) as { txs: string[] }).txs).to.contain(receipt.txHash);
      const st = await nexus(["status", "--node", server.url]);
      expect(st.stdout).to.match(/chainId\s+nexus-test-1/).and.match(/height\s+\d+/).and.match(/stateRoot\s+[0-9a-f]{64}/);
      const none = await nexus(["query", "block", "999999", "--node", server.url]);
      expect(none.code).to.not.equal(0);
      expect(none.stderr).to.contain("no block 999999");
    });

    it("--no-wait returns the hash right away", async () => {
      const r = await nexus(["--home", home, "tx", "bank", "send", "alice", bob, "1nxt", "--node", server.url, "--no-wait", "--json"], { NEXUS_PASSPHRASE: "correct horse battery" });
      expect(r.code, r.stderr).to.equal(0);
      expect(JSON.parse(r.stdout)).to.have.property("status", "pending");
    });

    it("query proof verifies the proof against the block header's state root", async () => {
      const r = await nexus(["query", "proof", bob, "--node", server.url, "--json"]);
      expect(r.code, r.stderr).to.equal(0);
      const out = JSON.parse(r.stdout) as { verified: boolean; value: string | null };
      expect(out.verified).to.equal(true);
      expect(out.value).to.not.equal(null);
      const absent = await nexus(["query", "proof", addressFor("ed25519", ed25519.generate().publicKey), "--node", server.url]);
      expect(absent.code, absent.stderr).to.equal(0);
      expect(absent.stdout).to.match(/verified\s+YES/).and.contain("exclusion proof");
    });

    it("wrong passphrase: one line, a hint, exit 1, no stack trace", async () => {
      const r = await nexus(["--home", home, "tx", "bank", "send", "alice", bob, "1nxt", "--node", server.url], { NEXUS_PASSPHRASE: "wrong" });
      expect(r.code).to.equal(1);
      expect(r.stderr).to.match(/^error: cannot unlock key "alice": wrong passphrase/);
      expect(r.stderr).to.contain("hint:");
      expect(r.stderr).to.not.match(/\n\s+at /);
      const v = await nexus(["--home", home, "--verbose", "tx", "bank", "send", "alice", bob, "1nxt", "--node", server.url], { NEXUS_PASSPHRASE: "wrong" });
      expect(v.stderr).to.match(/\n\s+at /);
    });

    it("dev keys unlock with --dev only; other keys never take the dev passphrase", async () => {
      new Keyring(join(home, "keys")).importMnemonic("dev1", MNEMONIC, DEV_PASSPHRASE, { dev: true, hdPath: "m/44'/7700'/0'/0'/1'" });
      const noDev = await nexus(["--home", home, "tx", "bank", "send", "dev1", bob, "1nxt", "--node", server.url, "--no-wait"]);
      expect(noDev.code).to.equal(1);
      expect(noDev.stderr).to.contain("--dev");
      const dev = await nexus(["--home", home, "tx", "bank", "send", "dev1", bob, "1nxt", "--node", server.url, "--no-wait", "--dev"]);
      expect(dev.code, dev.stderr).to.equal(0);
      const notDevKey = await nexus(["--home", home, "tx", "bank", "send", "alice", bob, "1nxt", "--node", server.url, "--dev"]);
      expect(notDevKey.code).to.equal(1);
      expect(notDevKey.stderr).to.contain("passphrase");
    });
  });
});
