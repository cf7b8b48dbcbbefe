import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, startNodeProcess, type NodeProcess } from "../helpers/spawn-node.ts";
import { Keyring, DEV_PASSPHRASE } from "../../runtime/crypto/keystore.ts";
import { buildSendTx } from "../../modules/bank/client.ts";
import { verifyStateProof } from "../../runtime/state/proof-verify.ts";
import { fromHex } from "../../runtime/crypto/hash.ts";

describe("e2e: the dev chain as a process, driven through the CLI and JSON-RPC", function () {
  this.timeout(120_000);
  let home: string;
  let node: NodeProcess;

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "nexus-e2e-"));
    node = await startNodeProcess(home, { blockTimeMs: 250 });
  });
  after(async () => {
    if (node) expect(await node.stop(), "clean exit on SIGTERM").to.equal(0);
    rmSync(home, { recursive: true, force: true });
  });

  it("sends NXT with the CLI and through RPC, and reads the balances back both ways", async () => {
    const ring = new Keyring(join(home, "keys"));
    const bob = ring.show("bob").address;
    const carol = ring.show("carol").address;
    const env = { NEXUS_HOME: home };

    const startBob = BigInt((await node.client.getBalance(bob, "nxt")).amount);
    const sent = await runCli(["tx", "bank", "send", "alice", bob, "1.5NXT", "--dev", "--node", node.url, "--json"], env);
    expect(sent.code, sent.stderr + sent.stdout).to.equal(0);
    const receipt = JSON.parse(sent.stdout) as { code: number; fee: string; energyAj: string; height: number };
    expect(receipt.code).to.equal(0);
    expect(BigInt(receipt.fee) > 0n && BigInt(receipt.energyAj) > 0n).to.equal(true);
    expect(BigInt((await node.client.getBalance(bob, "nxt")).amount) - startBob).to.equal(150_000_000n);

    // Through RPC with the typed client: alice → carol.
    const alice = ring.loadSigner("alice", DEV_PASSPHRASE);
    const st = await node.client.status();
    const acct = await node.client.getAccount(ring.show("alice").address);
    const tx = buildSendTx({ chainId: st.chainId, signer: alice, nonce: BigInt(acct.nonce), to: carol, amount: 42n });
    const { hash } = await node.client.sendTx(tx.bytes);
    const r = await node.client.waitForTx(hash, { timeoutMs: 20_000 });
    expect(r.code, r.log).to.equal(0);

    // Read back: CLI query and RPC agree.
    const q = await runCli(["query", "balance", carol, "--node", node.url, "--json"], env);
    expect(q.code, q.stderr).to.equal(0);
    const viaCli = JSON.parse(q.stdout) as { denom: string; amount: string };
    const viaRpc = await node.client.getBalance(carol, "nxt");
    expect(viaCli).to.deep.equal(viaRpc);
    expect(BigInt(viaRpc.amount)).to.equal(10_000_000n * 100_000_000n + 42n);

    // A balance proof from the process verifies against the served state root.
    const p = await node.client.proveBalance(carol, "nxt");
    expect(verifyStateProof(fromHex(p.stateRoot), fromHex(p.key), fromHex(p.value!), p.proof)).to.equal(true);

    // status --json prints chainId, height, stateRoot.
    const s = await runCli(["status", "--json", "--node", node.url], env);
    expect(JSON.parse(s.stdout)).to.include.keys("chainId", "height", "stateRoot");
  });

  it("swaps on the dev chain's NXT/DEVUSD pool with `tx dex swap`: the quote less the slippage tolerance, a deadline from now", async () => {
    const env = { NEXUS_HOME: home };
    const alice = new Keyring(join(home, "keys")).show("alice").address;
    const before = BigInt((await node.client.getBalance(alice, "devusd")).amount);
    const quoted = BigInt(((await node.client.query("dex/quoteExactIn", { route: ["nxt", "devusd"], amountIn: "100000000" })) as { amounts: string[] }).amounts[1]!);
    const r = await runCli(["tx", "dex", "swap", "alice", "1NXT", "devusd", "--dev", "--node", node.url, "--json"], env);
    expect(r.code, r.stderr + r.stdout).to.equal(0);
    expect((JSON.parse(r.stdout) as { codeName: string }).codeName).to.equal("OK");
    expect(BigInt((await node.client.getBalance(alice, "devusd")).amount) - before).to.equal(quoted);
    // A minimum above what the pool pays fails in the receipt with the DEX's code (the fee is still paid).
    const tight = await runCli(["tx", "dex", "swap", "alice", "1NXT", "devusd", "--min-out", (quoted * 2n).toString(), "--dev", "--node", node.url, "--json"], env);
    expect((JSON.parse(tight.stdout) as { codeName: string }).codeName).to.equal("DEX_SLIPPAGE_EXCEEDED");
  });

  it("rejects malformed JSON-RPC and bad transactions with their own codes", async () => {
    const post = async (body: string): Promise<{ error?: { code: number; message: string; data?: { code?: string } } }> =>
      (await fetch(node.url, { method: "POST", headers: { "content-type": "application/json" }, body })).json() as Promise<never>;
    expect((await post("{not json")).error?.code).to.equal(-32700);
    expect((await post(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "nexus_nope" }))).error?.code).to.equal(-32601);
    expect((await post(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "nexus_sendTx", params: ["zz"] }))).error?.code).to.equal(-32602);
    const bad = await post(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "nexus_sendTx", params: ["00ff"] }));
    expect(bad.error?.data?.code).to.equal("TX_MALFORMED");
  });
});
