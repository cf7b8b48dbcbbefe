import { expect } from "chai";
import type { ExecContext } from "../../runtime/modules/context.ts";
import { outboundDigest, signEvmDigest } from "./eip712.ts";
import * as K from "./keys.ts";
import { inboundContentHash } from "./rules.ts";
import { EVM_CHAIN, EVM_RECIPIENT, NXT, SUBSTRATE_CHAIN, addr, evmKey, evmSecret, ok, openBridgeNode, BridgeHarness } from "./testing.ts";

/**
 * The bridge keepers' bookkeeping between blocks, on branches of committed state at chosen
 * block times: an outbound becomes ready once; signatures and result votes count for their own
 * transfer; waiting inbound credits keep one retry time per chain (FIFO behind the head, moved
 * by an executed outbound and by nothing else, cleared once the queue is empty), per chain.
 */
const CHAIN = EVM_CHAIN.name;
const SUB = SUBSTRATE_CHAIN.name;
const SENDER = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const SS58 = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

describe("bridge keepers: readiness, per-transfer tallies and the retry schedule", function () {
  this.timeout(60_000);
  let b: BridgeHarness;
  let T: number;
  before(async () => {
    b = await openBridgeNode();
    ok(await b.out(10, CHAIN, EVM_RECIPIENT, 5n * NXT));
    ok(await b.out(11, CHAIN, EVM_RECIPIENT, 6n * NXT));
    ok(await b.out(12, SUB, SS58, 7n * NXT));
    T = b.h.t.node.status().latestBlockTime;
  });
  after(() => b.close());

  const k = () => b.keeper;
  const branch = (): ExecContext => b.branch(T);
  const at = BridgeHarness.at;
  const domain = { chainId: EVM_CHAIN.evm!.chainId, verifyingContract: EVM_CHAIN.evm!.bridgeContract };
  const signOut = (ctx: ExecContext, v: number, seq: number, secret = evmSecret(v)) => k().outbound.sign(ctx, addr(v), CHAIN, seq, signEvmDigest(outboundDigest(domain, k().outbound.get(ctx, CHAIN, seq)!), secret));
  const types = (ctx: ExecContext) => ctx.events.map((e) => e.type);
  const content = (amount = NXT, sender = SENDER) => ({ sender, recipient: addr(13), amount, sourceTx: "0x" + "ab".repeat(32) });
  const approve = (ctx: ExecContext, chain: string, seq: number, c = content()) => {
    for (const v of [0, 1, 2]) k().inbound.attest(ctx, addr(v), chain, seq, c);
  };
  const execute = (ctx: ExecContext, chain: string, seq: number) => {
    for (const v of [0, 1, 2]) k().outbound.attestResult(ctx, addr(v), chain, seq, "executed");
  };
  const interval = () => k().params(branch()).retryIntervalSeconds * 1000;

  it("an outbound becomes ready once: the signature that passes 2/3 emits Ready; a later one (a rotated key) changes nothing", () => {
    const ctx = branch();
    signOut(ctx, 0, 1);
    signOut(ctx, 1, 1);
    expect(k().outbound.get(ctx, CHAIN, 1)!.status).to.equal("pending");
    ctx.events.length = 0;
    signOut(ctx, 2, 1);
    expect(ctx.events).to.deep.equal([
      { type: "bridge.outbound_signed", attributes: { chain: CHAIN, seq: "1", validator: addr(2) } },
      { type: "bridge.outbound_ready", attributes: { chain: CHAIN, seq: "1" } },
    ]);
    expect(k().outbound.get(ctx, CHAIN, 1)).to.include({ status: "ready", readyHeight: ctx.block.height });
    const later = at(ctx, T + 5000, ctx.block.height + 3);
    k().registerKey(later, addr(0), "evm", evmKey(7));
    later.events.length = 0;
    signOut(later, 0, 1, evmSecret(7));
    expect(types(later)).to.deep.equal(["bridge.outbound_signed"]);
    expect(k().outbound.get(later, CHAIN, 1)).to.include({ status: "ready", readyHeight: ctx.block.height });
  });

  it("signatures and result votes count for their own transfer only (tally and view)", () => {
    const ctx = branch();
    signOut(ctx, 0, 1);
    signOut(ctx, 1, 1);
    k().outbound.attestResult(ctx, addr(0), CHAIN, 1, "executed");
    signOut(ctx, 2, 2);
    const v2 = k().outbound.view(ctx, k().outbound.get(ctx, CHAIN, 2)!);
    expect(v2.status).to.equal("pending");
    expect(v2.signatures.map((s) => s.validator)).to.deep.equal([addr(2)]);
    expect(v2.results).to.deep.equal([]);
    expect(v2.signedPower).to.equal(k().votingSet(ctx).power.get(addr(2))!.toString());
    const v1 = k().outbound.view(ctx, k().outbound.get(ctx, CHAIN, 1)!);
    expect(v1.signatures.map((s) => s.validator).sort()).to.deep.equal([addr(0), addr(1)].sort());
    expect(v1.results).to.deep.equal([{ validator: addr(0), result: "executed" }]);
  });

  it("a waiting credit is retried one interval later; one queued behind it keeps that time; a failed retry moves it one interval on, quietly", () => {
    const ctx = branch();
    approve(ctx, CHAIN, 1);
    const R = T + interval();
    expect(K.ChainRetry.get(ctx, CHAIN)).to.equal(R);
    const next = at(ctx, T + 1000);
    next.events.length = 0;
    approve(next, CHAIN, 2);
    expect(K.ChainRetry.get(next, CHAIN)).to.equal(R);
    expect(next.events.filter((e) => e.type === "bridge.inbound_waiting").map((e) => e.attributes)).to.deep.equal([{ chain: CHAIN, seq: "2", reason: "QUEUED", retryAtMs: String(R) }]);
    const retry = at(ctx, R);
    retry.events.length = 0;
    k().inbound.endBlock(retry);
    // Still no backing: the same reason, so no event; the next try one interval on.
    expect(K.ChainRetry.get(retry, CHAIN)).to.equal(R + interval());
    expect(types(retry)).to.deep.equal([]);
    expect(k().inbound.get(retry, CHAIN, 1)).to.include({ status: "waiting", waitReason: "BRIDGE_INSUFFICIENT_ESCROW" });
  });

  it("an executed outbound retries waiting credits at once; the queue emptied, no retry time is left", () => {
    const ctx = branch();
    approve(ctx, CHAIN, 1);
    const now = at(ctx, T + 2000);
    execute(now, CHAIN, 1);
    expect(K.ChainRetry.get(now, CHAIN)).to.equal(T + 2000);
    k().inbound.endBlock(now);
    expect(k().inbound.get(now, CHAIN, 1)!.status).to.equal("credited");
    expect(K.ChainRetry.get(now, CHAIN)).to.equal(undefined);
  });

  it("an expired outbound moves no retry time (nothing was minted to back a credit)", () => {
    const ctx = branch();
    const o = k().outbound.get(ctx, CHAIN, 1)!;
    const E = (o.expiresAt + k().params(ctx).expiryMarginSeconds + 1) * 1000;
    const late = at(ctx, E);
    approve(late, CHAIN, 1);
    expect(K.ChainRetry.get(late, CHAIN)).to.equal(E + interval());
    for (const v of [0, 1, 2]) k().outbound.attestResult(late, addr(v), CHAIN, 1, "expired");
    expect(k().outbound.get(late, CHAIN, 1)!.status).to.equal("expired");
    expect(K.ChainRetry.get(late, CHAIN)).to.equal(E + interval());
  });

  it("waiting is per chain: another chain's queue neither holds a credit back nor is paid by this chain's retry", () => {
    const ctx = branch();
    approve(ctx, SUB, 7, content(NXT, SS58));
    expect(k().inbound.get(ctx, SUB, 7)!.status).to.equal("waiting");
    // evm-local has backing: its credit is paid at once, not queued behind assethub's.
    execute(ctx, CHAIN, 1);
    approve(ctx, CHAIN, 1);
    expect(k().inbound.get(ctx, CHAIN, 1)!.status).to.equal("credited");
    // A credit above the backing waits on evm-local; the second outbound's execution pays it.
    approve(ctx, CHAIN, 2, content(5n * NXT));
    expect(k().inbound.get(ctx, CHAIN, 2)!.status).to.equal("waiting");
    const now = at(ctx, T + 3000);
    execute(now, CHAIN, 2);
    k().inbound.endBlock(now);
    expect(k().inbound.get(now, CHAIN, 2)!.status).to.equal("credited");
    expect(k().inbound.get(now, SUB, 7)!.status).to.equal("waiting");
    expect([...K.Waiting.iterate(now, { prefix: [CHAIN] })]).to.deep.equal([]);
    expect([...K.Waiting.iterate(now, { prefix: [SUB] })].map(([, seq]) => seq)).to.deep.equal([7]);
    // Each inbound's view lists its own attestations.
    expect(k().inbound.view(now, k().inbound.get(now, CHAIN, 2)!).attestations.map((a) => a.validator).sort()).to.deep.equal([0, 1, 2].map(addr).sort());
    expect(k().inbound.view(now, k().inbound.get(now, SUB, 7)!).attestations).to.have.length(3);
  });

  it("an inbound's view lists its contents by content hash, whatever order the attesters come in", () => {
    const ctx = branch();
    const a = content(NXT);
    const c = content(2n * NXT);
    const [ha, hc] = [a, c].map((x) => inboundContentHash(CHAIN, 9, { sender: x.sender.toLowerCase(), recipient: x.recipient, amount: x.amount, sourceTx: x.sourceTx }));
    // Votes are read in attester order: give the lower address the higher hash.
    const [low, high] = [addr(0), addr(1)].sort();
    const [first, second] = ha! > hc! ? [a, c] : [c, a];
    k().inbound.attest(ctx, low!, CHAIN, 9, first);
    k().inbound.attest(ctx, high!, CHAIN, 9, second);
    const hashes = k().inbound.view(ctx, k().inbound.get(ctx, CHAIN, 9)!).contents.map((x) => x.contentHash);
    expect(hashes).to.deep.equal([ha!, hc!].sort());
    expect(new Set(hashes)).to.deep.equal(new Set([ha, hc]));
    // Three contents attested in ascending hash order come out in that order (not reversed).
    const three = [1n, 2n, 3n].map((n) => content(n * NXT));
    const hashOf = (x: ReturnType<typeof content>) => inboundContentHash(CHAIN, 10, { sender: x.sender.toLowerCase(), recipient: x.recipient, amount: x.amount, sourceTx: x.sourceTx });
    three.sort((x, y) => (hashOf(x) < hashOf(y) ? -1 : 1));
    [addr(0), addr(1), addr(2)].sort().forEach((v, i) => k().inbound.attest(ctx, v, CHAIN, 10, three[i]!));
    expect(k().inbound.view(ctx, k().inbound.get(ctx, CHAIN, 10)!).contents.map((x) => x.contentHash)).to.deep.equal(three.map(hashOf));
  });
});
