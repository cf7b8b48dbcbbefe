import { expect } from "chai";
import type { Command } from "commander";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildProgram } from "../../runtime/cli/program.ts";
import { readValidatorKey } from "../../runtime/node/home.ts";
import { startRpcServer, type RpcServer } from "../../runtime/rpc/server.ts";
import { decodeTx } from "../../runtime/tx/envelope.ts";
import { toHex } from "../../runtime/crypto/hash.ts";
import { addressFor } from "../../runtime/crypto/address.ts";
import { ed25519 } from "../../runtime/crypto/ed25519.ts";
import { nexusApp } from "../../chains/nexus/app.ts";
import { FakeNode } from "../rpc/fake-node.ts";

/**
 * The validator operator's commands (runtime/cli/commands/validator.ts, modules/staking/cli.ts),
 * parsed in-process against a FakeNode: show-validator, keys import-validator, join, and
 * tx staking create-validator / redelegate building the right message.
 */

const PASS = "validator-cli-test-pass";

/** Run `nexus <args>` in this process; stdout, stderr (from thrown errors) and the exit code. */
async function nexus(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const program = buildProgram(nexusApp);
  let stdout = "";
  let stderr = "";
  const walk = (c: Command): void => {
    c.exitOverride().configureOutput({ writeOut: (s) => (stdout += s), writeErr: (s) => (stderr += s) });
    c.commands.forEach(walk);
  };
  walk(program);
  const write = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  const exitCode = process.exitCode;
  process.stdout.write = ((s: string | Uint8Array) => ((stdout += String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => ((stderr += String(s)), true)) as typeof process.stderr.write;
  const env = { pass: process.env.NEXUS_PASSPHRASE, home: process.env.NEXUS_HOME, node: process.env.NEXUS_NODE };
  process.env.NEXUS_PASSPHRASE = PASS;
  delete process.env.NEXUS_HOME;
  delete process.env.NEXUS_NODE;
  let code = 0;
  try {
    process.exitCode = undefined;
    await program.parseAsync(["node", "nexus", ...args]);
    code = Number(process.exitCode ?? 0);
  } catch (e) {
    const err = e as Error & { code?: string; hint?: string; exitCode?: number };
    stderr += `error: ${err.message}\n${err.hint ? `hint: ${err.hint}\n` : ""}`;
    code = err.exitCode ?? 1;
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
    process.exitCode = exitCode;
    for (const [k, v] of [["NEXUS_PASSPHRASE", env.pass], ["NEXUS_HOME", env.home], ["NEXUS_NODE", env.node]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  return { code, stdout, stderr };
}

/** A FakeNode that keeps the transactions it was sent. */
class CapturingNode extends FakeNode {
  readonly sent: Uint8Array[] = [];
  override async submitTx(bytes: Uint8Array): Promise<{ hash: string }> {
    this.sent.push(bytes);
    return super.submitTx(bytes);
  }
  lastMsg(): { typeUrl: string; value: Record<string, unknown> } {
    const d = decodeTx(this.sent.at(-1)!, 64 * 1024);
    return d.tx.body.msgs[0] as { typeUrl: string; value: Record<string, unknown> };
  }
}

describe("cli: validator operator commands", function () {
  this.timeout(60_000);
  let root: string;
  let home: string;
  let node: CapturingNode;
  let server: RpcServer;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), "nexus-validator-cli-"));
    home = join(root, "op");
    node = new CapturingNode();
    server = await startRpcServer(node, { host: "127.0.0.1", port: 0 });
  });
  after(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("join --genesis --peer makes a BFT home: the genesis byte for byte, a validator key, bootstrap peers, ports", async () => {
    const genesis = join(root, "genesis.json");
    writeFileSync(genesis, JSON.stringify({ chainId: "nexus-test-1", genesisTime: 1, modules: {} }, null, 2) + "\n");
    const peer = "/ip4/127.0.0.1/tcp/26656/p2p/12D3KooWQVhUgQyfekQKQ5xK78SMX8MTqp5VBqUqeVFkAfP6J91Y";
    const r = await nexus(["--home", home, "join", "--genesis", genesis, "--peer", peer, "--rpc-port", "17777", "--p2p-port", "17778", "--moniker", "aurora", "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout) as { chainId: string; address: string; publicKey: string; p2pAddress: string; rpcUrl: string };
    expect(out.chainId).to.equal("nexus-test-1");
    expect(out.rpcUrl).to.equal("http://127.0.0.1:17777");
    expect(out.p2pAddress).to.match(/^\/ip4\/127\.0\.0\.1\/tcp\/17778\/p2p\/12D3KooW/);
    expect(readFileSync(join(home, "genesis.json"), "utf8")).to.equal(readFileSync(genesis, "utf8"));
    const cfg = JSON.parse(readFileSync(join(home, "config.json"), "utf8")) as { moniker: string; consensus: string; rpc: { port: number }; p2p: { port: number; bootstrap: string[] } };
    expect(cfg).to.include({ moniker: "aurora", consensus: "bft" });
    expect(cfg.rpc.port).to.equal(17777);
    expect(cfg.p2p).to.deep.include({ port: 17778, bootstrap: [peer] });
    expect(readValidatorKey(home).address).to.equal(out.address);
    // Never over an existing home, and never without a network.
    const again = await nexus(["--home", home, "join", "--genesis", genesis, "--peer", peer]);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.match(/already initialised/);
    const none = await nexus(["--home", join(root, "other"), "join"]);
    expect(none.stderr).to.match(/--devnet <dir> or --genesis <file>/);
  });

  it("join --force keeps the validator key that is already there", async () => {
    const before = readValidatorKey(home).address;
    const r = await nexus(["--home", home, "join", "--genesis", join(root, "genesis.json"), "--peer", "/ip4/127.0.0.1/tcp/1/p2p/12D3KooWQVhUgQyfekQKQ5xK78SMX8MTqp5VBqUqeVFkAfP6J91Y", "--force", "--moniker", "aurora", "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(readValidatorKey(home).address).to.equal(before);
  });

  it("show-validator prints the address and consensus key of validator-key.json (and --json)", async () => {
    const k = readValidatorKey(home);
    const human = await nexus(["--home", home, "show-validator"]);
    expect(human.code, human.stderr).to.equal(0);
    expect(human.stdout).to.match(new RegExp(`address\\s+${k.address}`)).and.match(new RegExp(`pubkey\\s+${toHex(k.publicKey)}`));
    const j = JSON.parse((await nexus(["--home", home, "show-validator", "--json"])).stdout) as { address: string; publicKey: string; scheme: string };
    expect(j).to.include({ address: k.address, publicKey: toHex(k.publicKey), scheme: "ed25519" });
    const missing = await nexus(["--home", join(root, "nowhere"), "show-validator"]);
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.match(/no validator key at .*validator-key\.json/).and.match(/hint: create a home first/);
  });

  it("keys import-validator puts the validator key in the keyring as \"validator\"; again is a no-op; a name holding another key is refused", async () => {
    const k = readValidatorKey(home);
    const r = await nexus(["--home", home, "keys", "import-validator", "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout)).to.include({ name: "validator", address: k.address });
    const again = await nexus(["--home", home, "keys", "import-validator"]);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.match(/already holds this validator key/);
    const other = join(root, "other-home");
    mkdirSync(other);
    writeFileSync(join(other, "validator-key.json"), JSON.stringify({ scheme: "ed25519", secretKey: "11".repeat(32) }));
    const imp = await nexus(["--home", other, "keys", "import-validator", "alice"]);
    expect(imp.code, imp.stderr).to.equal(0);
    // The keyring of `home` now gets a key named "alice" of another address: importing home's
    // validator key under that name is refused.
    writeFileSync(join(home, "keys", "alice.json"), readFileSync(join(other, "keys", "alice.json")));
    const clash = await nexus(["--home", home, "keys", "import-validator", "alice"]);
    expect(clash.code).to.equal(1);
    expect(clash.stderr).to.match(/holds another address/);
  });

  it("tx staking create-validator: consensus key and moniker from the home, operator = the validator key, --validator-band", async () => {
    const k = readValidatorKey(home);
    const r = await nexus(["--home", home, "tx", "staking", "create-validator", "--from", "validator", "--amount", "100000NXT", "--validator-band", "3", "--commission-rate-bps", "500", "--node", server.url, "--no-wait", "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(node.lastMsg()).to.deep.equal({
      typeUrl: "/staking.v1.MsgCreateValidator",
      value: { operator: k.address, consensusPubKey: toHex(k.publicKey), band: 3, moniker: "aurora", amount: (100_000n * 10n ** 8n).toString(), commissionRateBps: 500 },
    });
    expect(decodeTx(node.sent.at(-1)!, 64 * 1024).tx.body.sender).to.equal(k.address);
  });

  it("create-validator refuses a --from key that is not the consensus key's address, before any passphrase", async () => {
    const sent = node.sent.length;
    const r = await nexus(["--home", home, "tx", "staking", "create-validator", "--from", "alice", "--amount", "1NXT", "--validator-band", "1", "--node", server.url]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/key "alice" \(nxs1\w+\) is not the validator key: the operator must be nxs1/).and.match(/hint: import the home's validator key/);
    const other = ed25519.generate(new Uint8Array(32).fill(3)).publicKey;
    const r2 = await nexus(["--home", home, "tx", "staking", "create-validator", "--from", "validator", "--consensus-pub-key", toHex(other), "--amount", "1NXT", "--validator-band", "1", "--node", server.url]);
    expect(r2.code).to.equal(1);
    expect(r2.stderr).to.include(addressFor("ed25519", other));
    const bad = await nexus(["--home", home, "tx", "staking", "create-validator", "--from", "validator", "--amount", "1NXT", "--validator-band", "8"]);
    expect(bad.code).to.not.equal(0);
    expect(bad.stderr).to.match(/--validator-band must be 1\.\.7/);
    expect(node.sent.length).to.equal(sent);
  });

  it("tx staking redelegate is begin-redelegate", async () => {
    const k = readValidatorKey(home);
    const src = addressFor("ed25519", ed25519.generate(new Uint8Array(32).fill(4)).publicKey);
    const dst = addressFor("ed25519", ed25519.generate(new Uint8Array(32).fill(5)).publicKey);
    const r = await nexus(["--home", home, "tx", "staking", "redelegate", "--from", "validator", "--src-validator", src, "--dst-validator", dst, "--amount", "2.5NXT", "--node", server.url, "--no-wait", "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(node.lastMsg()).to.deep.equal({ typeUrl: "/staking.v1.MsgBeginRedelegate", value: { delegator: k.address, srcValidator: src, dstValidator: dst, amount: "250000000" } });
    const help = await nexus(["tx", "staking", "--help"]);
    expect(help.stdout).to.match(/begin-redelegate\|redelegate/).and.match(/create-validator/).and.match(/unjail/);
  });
});
