import { expect } from "chai";
import { BridgeError } from "./errors.ts";
import { BridgeTypeUrls } from "./msgs.ts";
import { EVM_CHAIN, EVM_RECIPIENT, ESCROW, NXT, addr, evmKey, evmSecret, fails, ok, openBridgeNode, testBridgeGenesis, type BridgeHarness, type Receipt } from "./testing.ts";

/**
 * The bridge keepers' money rules at their exact edges (found by mutation testing: each `it`
 * fails if one of them is loosened). Inbound: the escrow backing, the per-block credit budget,
 * the retry schedule, a chain disabled while credits wait. Outbound: the minimum, and result
 * votes that disagree.
 */
const CHAIN = EVM_CHAIN.name;
const SENDER = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

async function executedOut(b: BridgeHarness, amount: bigint): Promise<void> {
  ok(await b.out(19, CHAIN, EVM_RECIPIENT, amount));
  const seq = b.query<{ nextSeq: number }>("nextSequence", { chain: CHAIN }).nextSeq - 1;
  for (const r of await b.together([0, 1, 2].map((n) => [n, BridgeTypeUrls.AttestOutboundResult, { validator: addr(n), chain: CHAIN, seq, result: "executed" }]))) ok(r);
}

/** All three validators attest `seq` in one block. */
async function approve(b: BridgeHarness, seq: number, recipient: number, amount: bigint): Promise<void> {
  const value = { chain: CHAIN, seq, sender: SENDER, recipient: addr(recipient), amount: amount.toString(), sourceTx: `0x${seq.toString(16).padStart(64, "0")}` };
  for (const r of await b.together([0, 1, 2].map((n) => [n, BridgeTypeUrls.AttestInbound, { validator: addr(n), ...value }]))) ok(r);
}

describe("bridge: inbound credit rules at their edges", function () {
  this.timeout(60_000);
  let b: BridgeHarness | undefined;
  afterEach(async () => {
    await b?.close();
    b = undefined;
  });

  it("backing is what went out and executed minus what came back: exactly the rest is credited, one unit more waits", async () => {
    b = await openBridgeNode();
    await executedOut(b, 100n * NXT);
    // Locked but not executed: in the escrow, not backing (it may still be refunded).
    ok(await b.out(18, CHAIN, EVM_RECIPIENT, 100n * NXT));
    const before = b.balance(addr(12));
    await approve(b, 1, 12, 60n * NXT);
    expect(b.inbound(CHAIN, 1)!.status).to.equal("credited");
    // 40 NXT of backing is left (100 out − 60 back) while the escrow holds 140.
    expect(b.balance(ESCROW)).to.equal(140n * NXT);
    await approve(b, 2, 12, 40n * NXT + 1n);
    expect([b.inbound(CHAIN, 2)!.status, b.inbound(CHAIN, 2)!.waitReason]).to.deep.equal(["waiting", "BRIDGE_INSUFFICIENT_ESCROW"]);
    expect(b.balance(addr(12))).to.equal(before + 60n * NXT);
    b.checkAll();
  });

  it("an inbound equal to both the backing and the escrow is credited, leaving both at zero", async () => {
    b = await openBridgeNode();
    await executedOut(b, 25n * NXT);
    await approve(b, 1, 12, 25n * NXT);
    expect(b.inbound(CHAIN, 1)!.status).to.equal("credited");
    expect(b.balance(ESCROW)).to.equal(0n);
    b.checkAll();
  });

  it("backing counts only this chain's executed outbound: NXT that went to another chain does not back it", async () => {
    b = await openBridgeNode();
    ok(await b.out(18, "assethub", "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY", 500n * NXT));
    const seq = b.query<{ nextSeq: number }>("nextSequence", { chain: "assethub" }).nextSeq - 1;
    for (const r of await b.together([0, 1, 2].map((n) => [n, BridgeTypeUrls.AttestOutboundResult, { validator: addr(n), chain: "assethub", seq, result: "executed" }]))) ok(r);
    await executedOut(b, 10n * NXT);
    await approve(b, 1, 12, 11n * NXT);
    expect([b.inbound(CHAIN, 1)!.status, b.inbound(CHAIN, 1)!.waitReason]).to.deep.equal(["waiting", "BRIDGE_INSUFFICIENT_ESCROW"]);
    b.checkAll();
  });

  it("an end block pays at most maxCreditsPerBlock waiting credits; the rest are paid in the next block, in order", async () => {
    const bridge = testBridgeGenesis();
    bridge.params = { ...bridge.params, maxCreditsPerBlock: 2 };
    b = await openBridgeNode({ bridge });
    await executedOut(b, 10n * NXT);
    ok(await b.femto(0, BridgeTypeUrls.GuardianPause, { validator: addr(0), chain: CHAIN, reason: "test" }));
    // Approved while the chain is paused: all three wait.
    for (let seq = 1; seq <= 3; seq++) await approve(b, seq, 12, NXT);
    expect([1, 2, 3].map((s) => b!.inbound(CHAIN, s)!.status)).to.deep.equal(["waiting", "waiting", "waiting"]);
    expect(await b.govRun([{ typeUrl: BridgeTypeUrls.SetPaused, value: { authority: b.keeper.authority, chain: CHAIN, paused: false } }])).to.equal("passed");
    // The resume's block paid the first two (the budget); the third waits for the next end block.
    expect([1, 2, 3].map((s) => b!.inbound(CHAIN, s)!.status)).to.deep.equal(["credited", "credited", "waiting"]);
    await b.h.block();
    expect(b.inbound(CHAIN, 3)!.status).to.equal("credited");
    b.checkAll();
  });

  it("a waiting credit is retried retryIntervalSeconds after the block that refused it (escrow), not before", async () => {
    b = await openBridgeNode();
    await approve(b, 1, 12, NXT);
    const refusedAt = b.h.t.node.status().latestBlockTime;
    const w = b.query<{ retryAtMs: number; items: { seq: number }[] }>("waiting", { chain: CHAIN });
    expect(w.items.map((i) => i.seq)).to.deep.equal([1]);
    expect(w.retryAtMs).to.equal(refusedAt + b.keeper.params(b.h.ctx()).retryIntervalSeconds * 1000);
    expect(b.inbound(CHAIN, 1)!.waitReason).to.equal("BRIDGE_INSUFFICIENT_ESCROW");
    b.checkAll();
  });

  it("a chain disabled while a credit waits: the retry does not pay it (BRIDGE_CHAIN_DISABLED), re-enabling does", async () => {
    b = await openBridgeNode();
    await executedOut(b, 10n * NXT);
    ok(await b.femto(0, BridgeTypeUrls.GuardianPause, { validator: addr(0), chain: CHAIN, reason: "test" }));
    await approve(b, 1, 12, NXT);
    expect(b.inbound(CHAIN, 1)!.waitReason).to.equal("BRIDGE_CHAIN_PAUSED");
    const settings = { ...EVM_CHAIN, paused: false, enabled: false };
    expect(await b.govRun([{ typeUrl: BridgeTypeUrls.UpdateChain, value: { authority: b.keeper.authority, chain: settings } }])).to.equal("passed");
    await b.advance(120);
    expect([b.inbound(CHAIN, 1)!.status, b.inbound(CHAIN, 1)!.waitReason]).to.deep.equal(["waiting", "BRIDGE_CHAIN_DISABLED"]);
    expect(await b.govRun([{ typeUrl: BridgeTypeUrls.UpdateChain, value: { authority: b.keeper.authority, chain: { ...settings, enabled: true } } }])).to.equal("passed");
    await b.advance(120);
    expect(b.inbound(CHAIN, 1)!.status).to.equal("credited");
    b.checkAll();
  });

  it("the keeper itself refuses a zero amount (the message's validation refuses it first)", async () => {
    b = await openBridgeNode();
    const attest = (): void => b!.keeper.inbound.attest(b!.h.ctx(), addr(0), CHAIN, 1, { sender: SENDER, recipient: addr(12), amount: 0n, sourceTx: "0x" + "ab".repeat(32) });
    expect(attest).to.throw(BridgeError, /amount must be positive/);
  });

  it("outbound: exactly the chain's minimum is accepted, one base unit less is refused", async () => {
    b = await openBridgeNode();
    const min = BigInt(EVM_CHAIN.minAmount);
    ok(await b.out(10, CHAIN, EVM_RECIPIENT, min));
    fails(await b.out(10, CHAIN, EVM_RECIPIENT, min - 1n), "BRIDGE_BELOW_MINIMUM");
    b.checkAll();
  });

  it("outbound results that disagree complete nothing: one 'executed' and two 'expired' of three equal validators neither refund nor back credits", async () => {
    b = await openBridgeNode();
    const before = b.balance(addr(10));
    ok(await b.out(10, CHAIN, EVM_RECIPIENT, 30n * NXT));
    const paid = before - b.balance(addr(10));
    await b.advance(EVM_CHAIN.outboundTtlSeconds + b.keeper.params(b.h.ctx()).expiryMarginSeconds + 1);
    ok(await b.result(0, CHAIN, 1, "executed"));
    ok(await b.result(1, CHAIN, 1, "expired"));
    ok(await b.result(2, CHAIN, 1, "expired"));
    // Two of three is exactly 2/3 for "expired", one of three for "executed": the transfer stays open.
    expect(b.outbound(CHAIN, 1).status).to.not.be.oneOf(["expired", "executed"]);
    expect(b.balance(addr(10))).to.equal(before - paid);
    expect(b.balance(ESCROW)).to.equal(30n * NXT);
    // Nothing executed on this chain: an inbound finds no backing.
    await approve(b, 1, 12, NXT);
    expect(b.inbound(CHAIN, 1)!.waitReason).to.equal("BRIDGE_INSUFFICIENT_ESCROW");
    b.checkAll();
  });

  it("outbound refusals say what is wrong and what to do; the view lists each signature and result vote", async () => {
    b = await openBridgeNode();
    const log = (r: Receipt, code: string): string => {
      fails(r, code);
      return r.log;
    };
    const to = EVM_RECIPIENT;
    expect(log(await b.out(10, CHAIN, to, 1001n * NXT), "BRIDGE_ABOVE_CAPACITY")).to.equal(`amount ${1001n * NXT} is above chain "${CHAIN}"'s rate-limit capacity ${1000n * NXT}: split it`);
    expect(log(await b.out(10, CHAIN, "0x1234", NXT), "BRIDGE_INVALID_RECIPIENT")).to.match(new RegExp(`^recipient for evm chain "${CHAIN}": .+`));
    ok(await b.out(10, CHAIN, to, 600n * NXT));
    expect(log(await b.out(10, CHAIN, to, 600n * NXT), "BRIDGE_RATE_LIMITED")).to.match(new RegExp(`^chain "${CHAIN}"'s outbound bucket holds \\d+, below ${600n * NXT}; retry in \\d+ s$`));
    expect(log(await b.sign(0, CHAIN, 99, "0x00"), "BRIDGE_UNKNOWN_OUTBOUND")).to.equal(`chain "${CHAIN}" has no outbound transfer 99 (next is 2)`);
    const sig0 = b.mintSignature(EVM_CHAIN, 1, evmSecret(0));
    ok(await b.sign(0, CHAIN, 1, sig0));
    expect(log(await b.sign(0, CHAIN, 1, sig0), "BRIDGE_DUPLICATE_SIGNATURE")).to.equal(`${addr(0)} already signed ${CHAIN}/1 with this signature`);
    ok(await b.result(0, CHAIN, 1, "executed"));
    expect(log(await b.result(0, CHAIN, 1, "executed"), "BRIDGE_DUPLICATE_ATTESTATION")).to.equal(`${addr(0)} already attested the result of ${CHAIN}/1`);
    const v = b.outbound(CHAIN, 1);
    expect(v.signatures).to.deep.equal([{ validator: addr(0), key: evmKey(0), signature: sig0.toLowerCase(), counts: true }]);
    expect(v.results).to.deep.equal([{ validator: addr(0), result: "executed" }]);
    const last = await b.result(1, CHAIN, 1, "executed");
    ok(last);
    expect(last.events.find((e) => e.type === "bridge.outbound_result_attested")!.attributes).to.deep.equal({ chain: CHAIN, seq: "1", validator: addr(1), result: "executed" });
    ok(await b.result(2, CHAIN, 1, "executed"));
    expect(log(await b.result(0, CHAIN, 1, "expired"), "BRIDGE_OUTBOUND_COMPLETED")).to.equal(`outbound ${CHAIN}/1 is already executed`);
    // Past its expiry no signature can execute any more.
    ok(await b.out(11, CHAIN, to, NXT));
    const { expiresAt } = b.outbound(CHAIN, 2);
    await b.advance(EVM_CHAIN.outboundTtlSeconds + 1);
    expect(log(await b.sign(0, CHAIN, 2, b.mintSignature(EVM_CHAIN, 2, evmSecret(0))), "BRIDGE_OUTBOUND_EXPIRED")).to.equal(`outbound ${CHAIN}/2 expired at ${expiresAt}: a signature cannot execute any more`);
    ok(await b.femto(0, BridgeTypeUrls.GuardianPause, { validator: addr(0), chain: CHAIN, reason: "test" }));
    expect(log(await b.out(10, CHAIN, to, NXT), "BRIDGE_CHAIN_PAUSED")).to.equal(`chain "${CHAIN}" is paused: no new transfers until the authority resumes it`);
    b.checkAll();
  });

  it("inbound events and view: approved and waiting name the transfer, the reason and the retry time; contents are listed by content hash", async () => {
    b = await openBridgeNode();
    const value = (n: number, amount: bigint, seq = 1) => ({ validator: addr(n), chain: CHAIN, seq, sender: SENDER, recipient: addr(12), amount: amount.toString(), sourceTx: "0x" + "cd".repeat(32) });
    // Two contents for one seq: the view lists them by content hash, ascending.
    ok(await b.attestIn(0, CHAIN, 2, { ...value(0, NXT), amount: NXT }));
    ok(await b.attestIn(1, CHAIN, 2, { ...value(1, 2n * NXT), amount: 2n * NXT }));
    const hashes = b.inbound(CHAIN, 2)!.contents.map((c) => c.contentHash);
    expect(hashes).to.have.length(2);
    expect(hashes).to.deep.equal([...hashes].sort());
    // Seq 1 passes in one block with no backing: approved, then waiting.
    const rs = await b.together([0, 1, 2].map((n) => [n, BridgeTypeUrls.AttestInbound, value(n, NXT)]));
    for (const r of rs) ok(r);
    const at = b.h.t.node.status().latestBlockTime;
    const events = rs.flatMap((r) => r.events);
    const approved = events.filter((e) => e.type === "bridge.inbound_approved").map((e) => e.attributes);
    expect(approved).to.deep.equal([{ chain: CHAIN, seq: "1", contentHash: b.inbound(CHAIN, 1)!.contentHash }]);
    const waiting = events.filter((e) => e.type === "bridge.inbound_waiting").map((e) => e.attributes);
    expect(waiting).to.deep.equal([{ chain: CHAIN, seq: "1", reason: "BRIDGE_INSUFFICIENT_ESCROW", retryAtMs: String(at + b.keeper.params(b.h.ctx()).retryIntervalSeconds * 1000) }]);
    b.checkAll();
  });
});
