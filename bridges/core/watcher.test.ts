/**
 * Watchers and relayers against a real NexusOS test node (modules/bridge, 4 validators, behind
 * the real RPC server) with the FAKE family of test/fixtures/bridge-fake-family.ts standing in
 * for the EVM chain (test/fixtures/bridge-e2e.ts).
 */
import { expect } from "chai";
import { BridgeE2E } from "../../test/fixtures/bridge-e2e.ts";
import { EVM_RECIPIENT, NXT, addr } from "../../modules/bridge/testing.ts";
import { Band } from "../../runtime/tx/bands.ts";
import { testSigner } from "../../test/helpers/node-harness.ts";
import { bridgeMsg } from "../../modules/bridge/client.ts";
import { TxSender } from "./nexus.ts";
import { NexusClient } from "../../runtime/rpc/client.ts";

describe("bridges/core watcher and relayer against a NexusOS test node", function () {
  this.timeout(60_000);
  let e: BridgeE2E;
  beforeEach(async () => {
    e = await new BridgeE2E().init();
  });
  afterEach(async () => {
    await e.close();
  });

  const outbound = (seq: number) => e.h.outbound("evm-local", seq);

  it("outbound: signed by the watchers → ready → the relayer delivers once → the watchers attest executed; inbound: credited once at > 2/3", async () => {
    // Two of four watchers: exactly 1/2 of the power, never enough.
    const w0 = await e.watcher(0);
    await e.watcher(1);
    const relayer = await e.relayer("relayer-a");
    const r = await e.h.out(10, "evm-local", EVM_RECIPIENT, 100n * NXT);
    expect(r.codeName, r.log).to.equal("OK");
    const t = e.world.bridgeOut(addr(11), 40n * NXT);
    e.world.mine(2); // its confirmation depth
    await e.until("two signatures and two attestations", () => outbound(1).signatures.length === 2 && (e.h.inbound("evm-local", 1)?.attestations.length ?? 0) === 2);
    expect(outbound(1).status).to.equal("pending");
    expect(e.h.inbound("evm-local", 1)!.status).to.equal("attesting");
    const before = e.h.balance(addr(11));

    // The third watcher brings > 2/3: ready, delivered by the relayer, executed; inbound approved and credited.
    await e.watcher(2);
    await e.until("outbound executed on NexusOS", () => outbound(1).status === "executed");
    await e.until("inbound credited", () => e.h.inbound("evm-local", 1)?.status === "credited");
    const transferId = outbound(1).transferId;
    expect(e.world.executions(transferId)).to.equal(1);
    expect(e.world.executed.get(transferId)).to.deep.include({ recipient: EVM_RECIPIENT.toLowerCase(), amount: 100n * NXT });
    expect(e.h.balance(addr(11)) - before).to.equal(t.amount);
    const inb = e.h.inbound("evm-local", 1)!;
    expect(inb.content).to.deep.include({ recipient: addr(11), amount: (40n * NXT).toString(), sourceTx: t.sourceTx });

    // The checkpoint stores say what happened.
    expect(w0.store.cursor("evm-local")).to.equal(e.world.finalHeight());
    await e.until("watcher 0 done with its work", () => w0.store.work().length === 0);
    const kinds = w0.store.done("evm-local").map((d) => `${d.kind}:${d.seq}:${d.outcome}`);
    expect(kinds).to.include.members(["attest:1:submitted", "sign:1:submitted"]);
    expect(kinds.some((k) => k.startsWith("result:1:"))).to.equal(true);
    expect(relayer.store.doneRecord("evm-local", "deliver", 1)).to.include({ outcome: "submitted", txHash: e.world.executed.get(transferId)!.txHash });
    const metrics = await w0.metrics.registry.metrics();
    expect(metrics).to.match(/nexus_bridge_submitted_total\{[^}]*chain="evm-local"[^}]*kind="attest"[^}]*\} 1/);
    e.h.checkAll();
  });

  it("a signature the signer reports stale (the destination's payload changed, as after a Cosmos handover) is signed again and replaces the old one on NexusOS", async () => {
    const w0 = await e.watcher(0);
    await e.watcher(1);
    expect((await e.h.out(10, "evm-local", EVM_RECIPIENT, 7n * NXT)).codeName).to.equal("OK");
    await e.until("two signatures", () => outbound(1).signatures.length === 2);
    const before = outbound(1).signatures.map((s) => s.signature);
    e.world.signatureEpoch = 1;
    await e.until("both replaced", () => outbound(1).signatures.every((s) => !before.includes(s.signature)));
    expect(outbound(1).signatures).to.have.length(2);
    expect(outbound(1).status).to.equal("pending");
    // The replacement stays put: the next passes find the signatures current and sign nothing.
    const after = outbound(1).signatures.map((s) => s.signature);
    await e.until("watcher 0 idle", () => w0.store.work().length === 0);
    await new Promise((r) => setTimeout(r, 500));
    expect(outbound(1).signatures.map((s) => s.signature)).to.deep.equal(after);
    // A third watcher signs in the new epoch: ready and delivered with the replaced signatures.
    await e.relayer("relayer-a");
    await e.watcher(2);
    await e.until("executed", () => outbound(1).status === "executed");
    expect(e.world.executions(outbound(1).transferId)).to.equal(1);
  });

  it("two relayers racing deliver each transfer once", async () => {
    for (const n of [0, 1, 2]) await e.watcher(n);
    await Promise.all([e.relayer("relayer-a"), e.relayer("relayer-b")]);
    for (let i = 0; i < 3; i++) expect((await e.h.out(10 + i, "evm-local", EVM_RECIPIENT, (10n + BigInt(i)) * NXT)).codeName).to.equal("OK");
    await e.until("three executed", () => [1, 2, 3].every((s) => outbound(s).status === "executed"));
    for (const s of [1, 2, 3]) expect(e.world.executions(outbound(s).transferId)).to.equal(1);
    expect(e.world.submits.filter((x) => x.result === "executed")).to.have.length(3);
  });

  it("a watcher sends a pass's signatures together: twelve transfers made at once cost it fewer transactions than messages", async () => {
    const nonce = () => BigInt(e.h.h.t.node.getAccount(addr(0)).nonce);
    const before = nonce();
    // All twelve exist before the watcher's first pass: one pass signs them all.
    for (let i = 0; i < 12; i++) expect((await e.h.out(10 + (i % 6), "evm-local", EVM_RECIPIENT, (10n + BigInt(i)) * NXT)).codeName).to.equal("OK");
    const w0 = await e.watcher(0);
    await e.until("validator 0 signed all twelve", () => Array.from({ length: 12 }, (_, i) => i + 1).every((s) => outbound(s).signatures.some((x) => x.validator === addr(0))));
    expect(Number(nonce() - before), "transactions validator 0 sent for 12 signatures").to.be.lessThan(4);
    expect(w0.store.work().filter((w) => w.kind === "sign")).to.deep.equal([]);
  });

  it("a relayer killed mid-batch (after the destination executed, before it recorded the hash; and before a submit) delivers each exactly once after a restart", async () => {
    for (const n of [0, 1, 2]) await e.watcher(n);
    for (let i = 0; i < 3; i++) await e.h.out(10, "evm-local", EVM_RECIPIENT, 5n * NXT);
    await e.until("three ready", () => [1, 2, 3].every((s) => outbound(s).status === "ready"));
    let crashed = false;
    const r1 = await e.relayer("relayer-k", {
      cfg: { nexus: { rpcUrl: e.rpc.url, wsUrl: "off", receiptTimeoutMs: 5000 } },
      deps: {
        noTimers: true,
        hooks: {
          afterSubmit: (w) => {
            if (w.seq === 2 && !crashed) {
              crashed = true;
              throw new Error("SIGKILL");
            }
          },
        },
      },
    }).catch((err: unknown) => err as Error);
    // The first pass crashed inside start(): the process is gone. Its store holds seq 1 done, seq 2 "sent" without a hash.
    expect(crashed).to.equal(true);
    expect(r1).to.be.instanceOf(Error);
    expect(e.world.executions(outbound(1).transferId)).to.equal(1);
    expect(e.world.executions(outbound(2).transferId)).to.equal(1);
    expect(e.world.executions(outbound(3).transferId)).to.equal(0);

    // Second life: killed after recording the submission of seq 3, before submit() (nothing went out).
    const r2dead = await e
      .relayer("relayer-k", {
        cfg: { nexus: { rpcUrl: e.rpc.url, wsUrl: "off", receiptTimeoutMs: 5000 } },
        deps: {
          noTimers: true,
          hooks: {
            beforeSubmit: (w) => {
              if (w.seq === 3) throw new Error("SIGKILL");
            },
          },
        },
      })
      .catch((err: unknown) => err as Error);
    expect(r2dead).to.be.instanceOf(Error);
    expect(e.world.executions(outbound(3).transferId)).to.equal(0);

    // Third life: seq 2 is found done on the destination; seq 3, recorded as submitted, waits resubmitAfterMs, then goes.
    const r2 = await e.relayer("relayer-k", { cfg: { nexus: { rpcUrl: e.rpc.url, wsUrl: "off", receiptTimeoutMs: 5000 } } });
    await e.until("three executed", () => [1, 2, 3].every((s) => outbound(s).status === "executed"));
    for (const s of [1, 2, 3]) expect(e.world.executions(outbound(s).transferId), `seq ${s}`).to.equal(1);
    // Each transfer was submitted exactly once: the restart found seq 2 done on the destination.
    for (const s of [1, 2, 3]) expect(e.world.submits.filter((x) => x.seq === BigInt(s)), `submits of seq ${s}`).to.have.length(1);
    expect(r2.store.doneRecord("evm-local", "deliver", 2)).to.include({ outcome: "submitted" });
  });

  it("a destination down, then reverting, then up: the transfer waits with backoff and completes", async () => {
    e.world.down = true;
    for (const n of [0, 1, 2]) await e.watcher(n);
    const relayer = await e.relayer("relayer-a");
    await e.h.out(10, "evm-local", EVM_RECIPIENT, 7n * NXT);
    await e.until("ready", () => outbound(1).status === "ready");
    await e.until("some failed attempts", () => (relayer.store.get("evm-local", "deliver", 1)?.attempts ?? 0) >= 2);
    expect(relayer.store.get("evm-local", "deliver", 1)).to.include({ state: "todo" });
    expect(relayer.store.get("evm-local", "deliver", 1)!.lastError).to.match(/ECONNREFUSED/);
    expect(relayer.store.summary()[0]!.lastError!.message).to.match(/ECONNREFUSED/);
    e.world.revertNext = 2;
    e.world.down = false;
    await e.until("executed", () => outbound(1).status === "executed");
    expect(e.world.executions(outbound(1).transferId)).to.equal(1);
    expect(e.world.submits.filter((s) => s.result === "reverted").length).to.equal(2);
    expect(await relayer.metrics.registry.metrics()).to.match(/nexus_bridge_retries_total\{[^}]*kind="deliver"[^}]*\} [1-9]/);
  });

  it("a watcher killed after recording its transaction but before sending it attests after a restart; a source outage holds the cursor", async () => {
    let crashed = false;
    const w = await e.watcher(0, {
      cfg: { nexus: { rpcUrl: e.rpc.url, wsUrl: "off", receiptTimeoutMs: 5000 } },
      deps: {
        noTimers: true,
        hooks: {
          beforeSend: (item) => {
            if (item.kind === "attest" && !crashed) {
              crashed = true;
              throw new Error("SIGKILL");
            }
          },
        },
      },
    });
    e.world.bridgeOut(addr(12), 3n * NXT);
    e.world.mine(2);
    const err = await w.pass().catch((x: unknown) => x as Error);
    expect(err).to.be.instanceOf(Error);
    expect(crashed).to.equal(true);
    const item = w.store.get("evm-local", "attest", 1)!;
    expect(item.state).to.equal("sent");
    expect(item.txHash).to.match(/^[0-9a-f]{64}$/);
    await w.crash();
    expect(e.h.inbound("evm-local", 1)).to.equal(null);

    e.world.sourceDown = true;
    const w2 = await e.watcher(0, { cfg: { nexus: { rpcUrl: e.rpc.url, wsUrl: "off", receiptTimeoutMs: 5000 } }, deps: { noTimers: true } });
    await e.until("attested by validator 0", () => (e.h.inbound("evm-local", 1)?.attestations ?? []).some((a) => a.validator === addr(0)));
    await w2.pass();
    expect(w2.store.doneRecord("evm-local", "attest", 1)).to.include({ outcome: "submitted" });
    // The source is down: the cursor stays where it was, the error is recorded.
    const cursor = w2.store.cursor("evm-local");
    e.world.bridgeOut(addr(12), 4n * NXT);
    e.world.mine(3);
    await w2.pass();
    expect(w2.store.cursor("evm-local")).to.equal(cursor);
    expect(w2.store.lastError("evm-local")!.message).to.match(/source RPC down/);
    e.world.sourceDown = false;
    await w2.pass();
    await e.until("seq 2 attested", async () => (await w2.pass(), (e.h.inbound("evm-local", 2)?.attestations ?? []).length === 1));
    expect(w2.store.cursor("evm-local")).to.equal(e.world.finalHeight());
    expect(w2.store.lastError("evm-local")).to.equal(undefined);
  });

  it("an expired transfer: no relayer delivered it; past expiresAt + margin the watchers attest expired and NexusOS refunds", async () => {
    for (const n of [0, 1, 2]) await e.watcher(n);
    const before = e.h.balance(addr(13));
    await e.h.out(13, "evm-local", EVM_RECIPIENT, 9n * NXT);
    await e.until("ready", () => outbound(1).status === "ready");
    const o = outbound(1);
    e.world.time = BigInt(o.expiresAt) + 1n;
    // NexusOS's block time: past expiresAt but within the margin: nothing yet.
    e.h.h.t.clock.t = (o.expiresAt + 10) * 1000;
    await e.h.h.block();
    await new Promise((r) => setTimeout(r, 400));
    expect(outbound(1).status).to.equal("ready");
    expect(outbound(1).results).to.deep.equal([]);
    e.h.h.t.clock.t = (o.expiresAt + 601 + 5) * 1000;
    await e.h.h.block();
    await e.until("refunded", () => outbound(1).status === "expired");
    expect(e.h.balance(addr(13)) > before - NXT, "the 9 NXT came back (fees aside)").to.equal(true);
  });

  it("nonce races with another sender of the operator key: the transaction goes with the nonce the mempool expects", async () => {
    e.paused = true;
    const client = new NexusClient(e.rpc.url);
    // Another transaction of validator 0's key waits in the mempool (its node's commit report, say).
    await e.h.h.submit(0, [bridgeMsg.guardianPause(addr(0), "assethub", "test")], Band.FEMTO);
    const sender = new TxSender(client, "nexus-test-1", testSigner(0), { receiptTimeoutMs: 5000, pollMs: 20 });
    const hashes: string[] = [];
    const p = sender.send([bridgeMsg.attestInbound(addr(0), "evm-local", 1, { sender: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", recipient: addr(11), amount: NXT, sourceTx: "0xab" })], (h) => hashes.push(h));
    await new Promise((r) => setTimeout(r, 200));
    e.paused = false;
    const receipt = await p;
    expect(receipt.codeName, receipt.log).to.equal("OK");
    expect(hashes.length).to.equal(2); // the first (stale nonce) refused by the mempool, the second admitted
    expect(receipt.nonce).to.equal("1");
  });
});
