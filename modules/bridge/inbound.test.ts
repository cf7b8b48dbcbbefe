import { expect } from "chai";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import { consKey } from "../staking/testing.ts";
import { BridgeTypeUrls } from "./msgs.ts";
import { EVM_CHAIN, EVM_RECIPIENT, ESCROW, NXT, addr, fails, ok, openBridgeNode, type BridgeHarness } from "./testing.ts";

const CHAIN = EVM_CHAIN.name;
const SENDER = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const content = (recipient: number, amount: bigint, tx = "0x" + "ab".repeat(32)) => ({ sender: SENDER, recipient: addr(recipient), amount, sourceTx: tx });

/** Escrow backing for inbound credits: `amount` out to the chain and executed there. */
async function backed(b: BridgeHarness, amount: bigint): Promise<void> {
  ok(await b.out(19, CHAIN, EVM_RECIPIENT, amount));
  const seq = b.query<{ nextSeq: number }>("nextSequence", { chain: CHAIN }).nextSeq - 1;
  for (const r of await b.together([0, 1, 2].map((n) => [n, BridgeTypeUrls.AttestOutboundResult, { validator: addr(n), chain: CHAIN, seq, result: "executed" }]))) ok(r);
}

describe("bridge: inbound transfers", function () {
  this.timeout(60_000);
  let b: BridgeHarness | undefined;
  afterEach(async () => {
    await b?.close();
    b = undefined;
  });

  it("credited once, only when identical content passes 2/3 (exactly 2/3 is not enough); duplicates refused", async () => {
    b = await openBridgeNode();
    await backed(b, 500n * NXT);
    const before = b.balance(addr(12));
    const c = content(12, 70n * NXT);
    ok(await b.attestIn(0, CHAIN, 7, c));
    fails(await b.attestIn(0, CHAIN, 7, c), "BRIDGE_DUPLICATE_ATTESTATION");
    ok(await b.attestIn(1, CHAIN, 7, { ...c, sender: SENDER.toLowerCase() })); // the sender's case does not split the vote
    let r = b.inbound(CHAIN, 7)!;
    expect([r.status, r.contents.length, r.contents[0]!.power, r.contents[0]!.passes, r.totalPower]).to.deep.equal(["attesting", 1, "200000", false, "300000"]);
    expect(b.balance(addr(12))).to.equal(before);
    const last = await b.attestIn(2, CHAIN, 7, c);
    ok(last);
    expect(last.events.find((e) => e.type === "bridge.inbound_credited")!.attributes).to.deep.equal({ chain: CHAIN, seq: "7", recipient: addr(12), amount: (70n * NXT).toString() });
    expect(b.balance(addr(12))).to.equal(before + 70n * NXT);
    r = b.inbound(CHAIN, 7)!;
    expect([r.status, r.content?.sender, r.attestations.length]).to.deep.equal(["credited", SENDER.toLowerCase(), 3]);
    // Once: a late attestation of the same transfer is refused, nothing more is paid.
    fails(await b.attestIn(0, CHAIN, 7, c), "BRIDGE_ALREADY_PROCESSED");
    expect(b.balance(addr(12))).to.equal(before + 70n * NXT);
    expect(b.balance(ESCROW)).to.equal(430n * NXT);
    b.checkAll();
  });

  it("conflicting content is recorded per content hash and never credited below the threshold", async () => {
    b = await openBridgeNode();
    await backed(b, 500n * NXT);
    const before = b.balance(addr(12));
    ok(await b.attestIn(0, CHAIN, 1, content(12, 10n * NXT)));
    ok(await b.attestIn(1, CHAIN, 1, content(12, 900n * NXT))); // a forged amount
    ok(await b.attestIn(2, CHAIN, 1, content(12, 10n * NXT)));
    const r = b.inbound(CHAIN, 1)!;
    expect(r.status).to.equal("attesting");
    expect(r.contents.map((x) => [x.content.amount, x.power, x.passes])).to.have.deep.members([
      [(10n * NXT).toString(), "200000", false],
      [(900n * NXT).toString(), "100000", false],
    ]);
    expect(b.balance(addr(12))).to.equal(before);
    // Each validator attested once: none can switch to the other content.
    fails(await b.attestIn(1, CHAIN, 1, content(12, 10n * NXT)), "BRIDGE_DUPLICATE_ATTESTATION");
    b.checkAll();
  });

  it("refuses attestations from a non-validator and from a validator outside the set in force (stale set); bad input", async () => {
    b = await openBridgeNode();
    await backed(b, 100n * NXT);
    fails(await b.coSigned(0, 10, BridgeTypeUrls.AttestInbound, { chain: CHAIN, seq: 1, ...content(12, NXT), amount: NXT.toString() }), "BRIDGE_NOT_VALIDATOR");
    // Account 11 becomes a validator: bonded at once (so it holds the FEMTO role) but in the set only from H+2.
    ok(await b.h.run(11, "/staking.v1.MsgCreateValidator", { operator: addr(11), consensusPubKey: consKey(11), band: 4, moniker: "v11", amount: (100_000n * NXT).toString() }));
    fails(await b.attestIn(11, CHAIN, 1, content(12, NXT)), "BRIDGE_STALE_SET");
    await b.h.block();
    // In the set now: four equal validators; its attestation counts, 3 of 4 pass.
    ok(await b.attestIn(11, CHAIN, 1, content(12, NXT)));
    expect(b.inbound(CHAIN, 1)!.totalPower).to.equal("400000");
    ok(await b.attestIn(0, CHAIN, 1, content(12, NXT)));
    expect(b.inbound(CHAIN, 1)!.status).to.equal("attesting");
    ok(await b.attestIn(1, CHAIN, 1, content(12, NXT)));
    expect(b.inbound(CHAIN, 1)!.status).to.equal("credited");

    fails(await b.attestIn(0, "nochain", 1, content(12, NXT)), "BRIDGE_UNKNOWN_CHAIN");
    fails(await b.attestIn(0, CHAIN, 2, { ...content(12, NXT), sender: "0x1234" }), "BRIDGE_INVALID_SENDER");
    fails(await b.attestIn(0, CHAIN, 2, { ...content(12, NXT), recipient: ESCROW }), "BRIDGE_INVALID_RECIPIENT");
    fails(await b.attestIn(0, CHAIN, 2, { ...content(12, NXT), recipient: moduleAddress("gov_deposits") }), "BRIDGE_INVALID_RECIPIENT");
    expect(b.inbound(CHAIN, 2)).to.equal(null);
    b.checkAll();
  });

  it("an inbound larger than the chain's escrow backing waits (never lost) and is credited once executed outbound backs it", async () => {
    b = await openBridgeNode();
    const before = b.balance(addr(12));
    for (const r of await b.together([0, 1, 2].map((n) => [n, BridgeTypeUrls.AttestInbound, { validator: addr(n), chain: CHAIN, seq: 1, ...content(12, 50n * NXT), amount: (50n * NXT).toString() }]))) ok(r);
    let r = b.inbound(CHAIN, 1)!;
    expect([r.status, r.waitReason]).to.deep.equal(["waiting", "BRIDGE_INSUFFICIENT_ESCROW"]);
    expect(b.balance(addr(12))).to.equal(before);
    // NXT locked but not yet executed does not back it (it may still be refunded).
    ok(await b.out(19, CHAIN, EVM_RECIPIENT, 100n * NXT));
    await b.advance(120);
    expect(b.inbound(CHAIN, 1)!.status).to.equal("waiting");
    fails(await b.attestIn(0, CHAIN, 1, content(12, 50n * NXT)), "BRIDGE_ALREADY_PROCESSED");
    // Executed: the end block of that same block credits the waiting transfer.
    for (const x of await b.together([0, 1, 2].map((n) => [n, BridgeTypeUrls.AttestOutboundResult, { validator: addr(n), chain: CHAIN, seq: 1, result: "executed" }]))) ok(x);
    r = b.inbound(CHAIN, 1)!;
    expect(r.status).to.equal("credited");
    expect(r.waitReason).to.equal(undefined);
    expect(b.balance(addr(12))).to.equal(before + 50n * NXT);
    b.checkAll();
  });

  it("over the inbound rate limit: waits in order and is credited as the bucket refills", async () => {
    b = await openBridgeNode();
    await backed(b, 1000n * NXT);
    await b.advance(100); // the outbound bucket refills; the inbound one is full (1000 NXT)
    await backed(b, 1000n * NXT);
    const attestAll = (seq: number, amount: bigint) => b!.together([0, 1, 2].map((n) => [n, BridgeTypeUrls.AttestInbound, { validator: addr(n), chain: CHAIN, seq, ...content(13, amount, `0x${seq}`), amount: amount.toString() }]));
    for (const r of await attestAll(1, 600n * NXT)) ok(r);
    expect(b.inbound(CHAIN, 1)!.status).to.equal("credited");
    for (const r of await attestAll(2, 600n * NXT)) ok(r);
    const w = b.inbound(CHAIN, 2)!;
    expect([w.status, w.waitReason]).to.deep.equal(["waiting", "BRIDGE_RATE_LIMITED"]);
    // A small one approved later queues behind it (FIFO per chain), though the bucket could pay it.
    for (const r of await attestAll(3, 10n * NXT)) ok(r);
    expect([b.inbound(CHAIN, 3)!.status, b.inbound(CHAIN, 3)!.waitReason]).to.deep.equal(["waiting", "QUEUED"]);
    const waiting = b.query<{ retryAtMs: number; items: { seq: number }[] }>("waiting", { chain: CHAIN });
    expect(waiting.items.map((i) => i.seq)).to.deep.equal([2, 3]);
    await b.advance(30);
    expect(b.inbound(CHAIN, 2)!.status).to.equal("credited");
    expect(b.inbound(CHAIN, 3)!.status).to.equal("credited");
    expect(b.query<{ items: unknown[] }>("waiting", { chain: CHAIN }).items).to.deep.equal([]);
    expect(b.balance(addr(13)) - 1_000_000n * NXT).to.equal(1210n * NXT);
    b.checkAll();
  });

  it("a paused chain records attestations but credits nothing until the authority resumes it", async () => {
    b = await openBridgeNode();
    await backed(b, 100n * NXT);
    ok(await b.femto(0, BridgeTypeUrls.GuardianPause, { validator: addr(0), chain: CHAIN, reason: "watcher alarm" }));
    for (const r of await b.together([0, 1, 2].map((n) => [n, BridgeTypeUrls.AttestInbound, { validator: addr(n), chain: CHAIN, seq: 4, ...content(12, 5n * NXT), amount: (5n * NXT).toString() }]))) ok(r);
    expect([b.inbound(CHAIN, 4)!.status, b.inbound(CHAIN, 4)!.waitReason]).to.deep.equal(["waiting", "BRIDGE_CHAIN_PAUSED"]);
    await b.advance(120);
    expect(b.inbound(CHAIN, 4)!.status).to.equal("waiting");
    expect(await b.govRun([{ typeUrl: BridgeTypeUrls.SetPaused, value: { authority: b.keeper.authority, chain: CHAIN, paused: false } }])).to.equal("passed");
    expect(b.inbound(CHAIN, 4)!.status).to.equal("credited");
    b.checkAll();
  });
});
