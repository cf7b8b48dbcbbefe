import { expect } from "chai";
import { BridgeTypeUrls } from "./msgs.ts";
import type { BridgeGenesis } from "./genesis.ts";
import { EVM_CHAIN, EVM_RECIPIENT, ESCROW, NXT, addr, evmSecret, fails, ok, openBridgeNode, testBridgeGenesis, type BridgeHarness } from "./testing.ts";

const CHAIN = EVM_CHAIN.name;
const SENDER = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
const attest = (seq: number, amount: bigint) => (n: number): [number, string, Record<string, unknown>] => [n, BridgeTypeUrls.AttestInbound, { validator: addr(n), chain: CHAIN, seq, sender: SENDER, recipient: addr(12), amount: amount.toString(), sourceTx: `0x${seq}` }];

describe("bridge: genesis", function () {
  this.timeout(60_000);
  let b: BridgeHarness | undefined;
  let b2: BridgeHarness | undefined;
  afterEach(async () => {
    await b?.close();
    await b2?.close();
    b = b2 = undefined;
  });

  it("export → import → export is the same state: chains, seqs, buckets, totals, keys, outbound with signatures and votes, inbound with contents and votes, the waiting FIFO", async () => {
    b = await openBridgeNode();
    ok(await b.out(10, CHAIN, EVM_RECIPIENT, 300n * NXT)); // seq 1: executed
    for (const r of await b.together([0, 1, 2].map((n) => [n, BridgeTypeUrls.AttestOutboundResult, { validator: addr(n), chain: CHAIN, seq: 1, result: "executed" }]))) ok(r);
    ok(await b.out(11, CHAIN, EVM_RECIPIENT, 20n * NXT)); // seq 2: pending, one signature, one result vote
    ok(await b.sign(0, CHAIN, 2, b.mintSignature(EVM_CHAIN, 2, evmSecret(0))));
    ok(await b.result(1, CHAIN, 2, "executed"));
    for (const r of await b.together([0, 1, 2].map(attest(1, 100n * NXT)))) ok(r); // credited
    for (const r of await b.together([0, 1, 2].map(attest(2, 250n * NXT)))) ok(r); // waiting: backing 200 left
    ok(await b.attestIn(0, CHAIN, 3, { sender: SENDER, recipient: addr(12), amount: 5n * NXT, sourceTx: "0x3" })); // attesting
    expect(b.inbound(CHAIN, 2)!.waitReason).to.equal("BRIDGE_INSUFFICIENT_ESCROW");
    const g = b.h.t.node.app.modules.exportGenesis(b.h.ctx()).bridge as BridgeGenesis;
    expect(g.outbound.map((o) => [o.seq, o.status])).to.deep.equal([
      [1, "executed"],
      [2, "pending"],
    ]);
    expect(g.inbound.map((i) => [i.seq, i.status])).to.deep.equal([
      [1, "credited"],
      [2, "waiting"],
      [3, "attesting"],
    ]);
    expect(g.waiting).to.deep.equal([{ chain: CHAIN, seq: 2 }]);
    expect(g.creditRetries.length).to.equal(1);
    expect(g.outboundSignatures.length).to.equal(1);
    expect(g.resultVotes.length).to.equal(4);
    expect(g.inboundVotes.length).to.equal(7);
    const escrow = b.balance(ESCROW);
    expect(escrow).to.equal(220n * NXT);
    await b.close();
    b = undefined;
    b2 = await openBridgeNode({ bridge: g, escrow });
    expect(b2.h.t.node.app.modules.exportGenesis(b2.h.ctx()).bridge).to.deep.equal(g);
    b2.checkAll();
    // Work continues: seq 3 next, the pending transfer completes, the waiting credit pays once backed.
    expect(b2.query<{ nextSeq: number }>("nextSequence", { chain: CHAIN }).nextSeq).to.equal(3);
    for (const r of await b2.together([0, 2].map((n) => [n, BridgeTypeUrls.AttestOutboundResult, { validator: addr(n), chain: CHAIN, seq: 2, result: "executed" }]))) ok(r);
    expect(b2.outbound(CHAIN, 2).status).to.equal("executed");
    ok(await b2.out(10, CHAIN, EVM_RECIPIENT, 100n * NXT));
    for (const r of await b2.together([0, 1, 2].map((n) => [n, BridgeTypeUrls.AttestOutboundResult, { validator: addr(n), chain: CHAIN, seq: 3, result: "executed" }]))) ok(r);
    expect(b2.inbound(CHAIN, 2)!.status).to.equal("credited");
    fails(await b2.attestIn(0, CHAIN, 3, { sender: SENDER, recipient: addr(12), amount: 5n * NXT, sourceTx: "0x3" }), "BRIDGE_DUPLICATE_ATTESTATION");
    b2.checkAll();
  });

  it("refuses a genesis whose records name unknown chains or reuse a key, and the escrow invariant catches a missing balance", async () => {
    const g = testBridgeGenesis();
    let err: unknown;
    await openBridgeNode({ bridge: { ...g, nextSeqs: [{ chain: "nochain", next: 2 }] } }).then((x) => (b = x), (e: unknown) => (err = e));
    expect(String(err)).to.contain("unknown chain nochain");
    err = undefined;
    await openBridgeNode({ bridge: { ...g, attestationKeys: [...g.attestationKeys, { ...g.attestationKeys[0]!, validator: addr(5) }] } }).then((x) => (b = x), (e: unknown) => (err = e));
    expect(String(err)).to.contain("listed twice");
    err = undefined;
    const totals = [{ chain: CHAIN, lockedOut: "100", refundedOut: "0", executedOut: "100", creditedIn: "0" }];
    await openBridgeNode({ bridge: { ...g, totals } }).then((x) => (b = x), (e: unknown) => (err = e));
    expect(String(err)).to.match(/bridge_escrow holds 0, the bridge's totals say 100/);
  });
});
