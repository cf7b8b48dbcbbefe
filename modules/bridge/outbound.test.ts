import { expect } from "chai";
import { TEST_CHAIN_ID } from "../../test/helpers/node-harness.ts";
import { transferId } from "./rules.ts";
import { BridgeTypeUrls } from "./msgs.ts";
import { bech32 } from "@scure/base";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { sha256, toHex, utf8 } from "../../runtime/crypto/hash.ts";
import { COSMOS_CHAIN, EVM_CHAIN, SUBSTRATE_CHAIN, EVM_RECIPIENT, ESCROW, NXT, addr, evmSecret, fails, ok, openBridgeNode, testBridgeGenesis, type BridgeHarness } from "./testing.ts";

const CHAIN = EVM_CHAIN.name;

describe("bridge: outbound transfers", function () {
  this.timeout(60_000);
  let b: BridgeHarness | undefined;
  afterEach(async () => {
    await b?.close();
    b = undefined;
  });

  it("locks NXT with seq and transferId; EIP-712 signatures above 2/3 make it ready; > 2/3 'executed' completes it", async () => {
    b = await openBridgeNode();
    const before = b.balance(addr(10));
    const r = await b.out(10, CHAIN, EVM_RECIPIENT, 100n * NXT);
    ok(r);
    const ev = r.events.find((e) => e.type === "bridge.outbound")!;
    expect(ev.attributes).to.deep.equal({
      chain: CHAIN,
      seq: "1",
      transferId: transferId(TEST_CHAIN_ID, CHAIN, 1),
      sender: addr(10),
      recipient: EVM_RECIPIENT.toLowerCase(),
      amount: (100n * NXT).toString(),
      expiresAt: String(b.nowSeconds() + EVM_CHAIN.outboundTtlSeconds),
    });
    expect(b.balance(ESCROW)).to.equal(100n * NXT);
    expect(before - b.balance(addr(10)) >= 100n * NXT).to.equal(true);
    ok(await b.out(11, CHAIN, EVM_RECIPIENT, 5n * NXT));
    expect(b.outbound(CHAIN, 2).seq).to.equal(2);
    expect(b.query<{ nextSeq: number }>("nextSequence", { chain: CHAIN }).nextSeq).to.equal(3);

    ok(await b.sign(0, CHAIN, 1, b.mintSignature(EVM_CHAIN, 1, evmSecret(0))));
    // A signature by another validator's key, or over another transfer, is refused.
    fails(await b.sign(1, CHAIN, 1, b.mintSignature(EVM_CHAIN, 1, evmSecret(0))), "BRIDGE_BAD_SIGNATURE");
    fails(await b.sign(1, CHAIN, 1, b.mintSignature(EVM_CHAIN, 2, evmSecret(1))), "BRIDGE_BAD_SIGNATURE");
    fails(await b.sign(1, CHAIN, 1, "0x1234"), "BRIDGE_BAD_SIGNATURE");
    ok(await b.sign(1, CHAIN, 1, b.mintSignature(EVM_CHAIN, 1, evmSecret(1))));
    // Two of three equal validators are exactly 2/3: not ready.
    let o = b.outbound(CHAIN, 1);
    expect([o.status, o.passes, o.signedPower, o.totalPower]).to.deep.equal(["pending", false, "200000", "300000"]);
    fails(await b.sign(1, CHAIN, 1, b.mintSignature(EVM_CHAIN, 1, evmSecret(1))), "BRIDGE_DUPLICATE_SIGNATURE");
    const r3 = await b.sign(2, CHAIN, 1, b.mintSignature(EVM_CHAIN, 1, evmSecret(2)));
    ok(r3);
    expect(r3.events.map((e) => e.type)).to.include("bridge.outbound_ready");
    o = b.outbound(CHAIN, 1);
    expect([o.status, o.passes, o.signatures.length]).to.deep.equal(["ready", true, 3]);
    expect(b.query<{ items: { seq: number }[] }>("pendingOutbound", { chain: CHAIN }).items.map((i) => i.seq)).to.deep.equal([1, 2]);
    expect(b.query<{ items: { seq: number }[]; next: number | null }>("pendingOutbound", { chain: CHAIN, limit: 1 }).next).to.equal(1);
    expect(b.query<{ items: { seq: number }[] }>("pendingOutbound", { chain: CHAIN, after: 1 }).items.map((i) => i.seq)).to.deep.equal([2]);

    fails(await b.sign(0, CHAIN, 99, b.mintSignature(EVM_CHAIN, 1, evmSecret(0))), "BRIDGE_UNKNOWN_OUTBOUND");
    fails(await b.result(0, CHAIN, 99, "executed"), "BRIDGE_UNKNOWN_OUTBOUND");
    ok(await b.result(0, CHAIN, 1, "executed"));
    fails(await b.result(0, CHAIN, 1, "executed"), "BRIDGE_DUPLICATE_ATTESTATION");
    ok(await b.result(1, CHAIN, 1, "executed"));
    expect(b.outbound(CHAIN, 1).status).to.equal("ready");
    const done = await b.result(2, CHAIN, 1, "executed");
    ok(done);
    expect(done.events.find((e) => e.type === "bridge.outbound_completed")!.attributes).to.deep.equal({ chain: CHAIN, seq: "1", result: "executed" });
    expect(b.outbound(CHAIN, 1).status).to.equal("executed");
    // Executed NXT stays in escrow: it backs the WNXT minted there.
    expect(b.balance(ESCROW)).to.equal(105n * NXT);
    fails(await b.result(0, CHAIN, 1, "expired"), "BRIDGE_OUTBOUND_COMPLETED");
    fails(await b.sign(0, CHAIN, 1, b.mintSignature(EVM_CHAIN, 1, evmSecret(0))), "BRIDGE_OUTBOUND_COMPLETED");
    expect(b.query<{ items: { seq: number }[] }>("pendingOutbound", { chain: CHAIN }).items.map((i) => i.seq)).to.deep.equal([2]);
    expect(b.query<{ totals: Record<string, string> }>("chain", { chain: CHAIN }).totals).to.deep.equal({ lockedOut: "10500000000", refundedOut: "0", executedOut: "10000000000", creditedIn: "0" });
    b.checkAll();
  });

  it("'expired' is refused until block time passes expiresAt + margin; then > 2/3 refund the sender", async () => {
    b = await openBridgeNode();
    ok(await b.out(10, CHAIN, EVM_RECIPIENT, 40n * NXT));
    const o = b.outbound(CHAIN, 1);
    const after = b.balance(addr(10));
    fails(await b.result(0, CHAIN, 1, "expired"), "BRIDGE_NOT_EXPIRED");
    // Past expiresAt: a signature could no longer execute, so none is taken.
    await b.advance(o.expiresAt - b.nowSeconds() + 1);
    fails(await b.sign(0, CHAIN, 1, b.mintSignature(EVM_CHAIN, 1, evmSecret(0))), "BRIDGE_OUTBOUND_EXPIRED");
    // Still within the margin (600 s): refused.
    const r = await b.result(0, CHAIN, 1, "expired");
    fails(r, "BRIDGE_NOT_EXPIRED");
    await b.advance(o.expiresAt + 600 - b.nowSeconds());
    // The next block's time is expiresAt + 600 + 1: strictly after, accepted.
    ok(await b.result(0, CHAIN, 1, "expired"));
    ok(await b.result(1, CHAIN, 1, "expired"));
    expect(b.balance(addr(10))).to.equal(after);
    expect(b.outbound(CHAIN, 1).status).to.equal("pending");
    ok(await b.result(2, CHAIN, 1, "expired"));
    expect(b.outbound(CHAIN, 1).status).to.equal("expired");
    expect(b.balance(addr(10))).to.equal(after + 40n * NXT);
    expect(b.balance(ESCROW)).to.equal(0n);
    fails(await b.result(0, CHAIN, 1, "executed"), "BRIDGE_OUTBOUND_COMPLETED");
    b.checkAll();
  });

  it("bad input, each with its own code, changes nothing: unknown chain, dust, above capacity, rate limit, recipients per family", async () => {
    b = await openBridgeNode();
    fails(await b.out(10, "nochain", EVM_RECIPIENT, 10n * NXT), "BRIDGE_UNKNOWN_CHAIN");
    fails(await b.out(10, CHAIN, EVM_RECIPIENT, NXT / 2n), "BRIDGE_BELOW_MINIMUM");
    fails(await b.out(10, CHAIN, EVM_RECIPIENT, 1001n * NXT), "BRIDGE_ABOVE_CAPACITY");
    for (const bad of ["0x1234", "0x" + "0".repeat(40), "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY", "not an address"]) fails(await b.out(10, CHAIN, bad, 10n * NXT), "BRIDGE_INVALID_RECIPIENT");
    fails(await b.out(10, "assethub", EVM_RECIPIENT, 10n * NXT), "BRIDGE_INVALID_RECIPIENT");
    fails(await b.out(10, "cosmoshub", "osmo1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5a3hd6p", 10n * NXT), "BRIDGE_INVALID_RECIPIENT");
    expect(b.balance(ESCROW)).to.equal(0n);
    expect(b.query<{ nextSeq: number }>("nextSequence", { chain: CHAIN }).nextSeq).to.equal(1);
    ok(await b.out(10, "assethub", "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY", 10n * NXT));
    ok(await b.out(10, "cosmoshub", "cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu", 10n * NXT));
    // Zero never reaches a handler: checkTx refuses it.
    let err: unknown;
    await b.out(10, CHAIN, EVM_RECIPIENT, 0n).catch((e: unknown) => (err = e));
    expect(String(err)).to.contain("amount must be positive");

    // Token bucket: capacity 1000 NXT, 10 NXT per second (a block is one second here).
    ok(await b.out(10, CHAIN, EVM_RECIPIENT, 900n * NXT));
    const limited = await b.out(11, CHAIN, EVM_RECIPIENT, 200n * NXT);
    fails(limited, "BRIDGE_RATE_LIMITED");
    expect(limited.log).to.match(/retry in \d+ s/);
    await b.advance(10);
    ok(await b.out(11, CHAIN, EVM_RECIPIENT, 200n * NXT));
    expect(b.balance(ESCROW)).to.equal(1120n * NXT);
    b.checkAll();
  });

  it("a guardian (any active validator, FEMTO) pauses; only the authority, through a ZEPTO proposal, resumes or changes settings", async () => {
    b = await openBridgeNode();
    const p = await b.femto(1, BridgeTypeUrls.GuardianPause, { validator: addr(1), chain: CHAIN, reason: "suspicious mint on evm-local" });
    ok(p);
    expect(p.events.find((e) => e.type === "bridge.paused")!.attributes).to.include({ chain: CHAIN, by: addr(1), paused: "true" });
    fails(await b.out(10, CHAIN, EVM_RECIPIENT, 10n * NXT), "BRIDGE_CHAIN_PAUSED");
    fails(await b.femto(2, BridgeTypeUrls.GuardianPause, { validator: addr(2), chain: CHAIN, reason: "again" }), "BRIDGE_ALREADY_PAUSED");
    fails(await b.femto(2, BridgeTypeUrls.GuardianPause, { validator: addr(2), chain: "nochain", reason: "" }), "BRIDGE_UNKNOWN_CHAIN");
    // A non-validator cannot send FEMTO at all; co-signed by a validator, the handler refuses it.
    let err: unknown;
    await b.femto(10, BridgeTypeUrls.GuardianPause, { validator: addr(10), chain: "assethub", reason: "" }).catch((e: unknown) => (err = e));
    expect(String(err)).to.contain("FEMTO transactions must be sent by an active validator");
    fails(await b.coSigned(0, 10, BridgeTypeUrls.GuardianPause, { chain: "assethub", reason: "" }), "BRIDGE_NOT_VALIDATOR");
    // Nobody unpauses from outside: ZEPTO is governance's band; a NANO transaction is below the message's floor.
    err = undefined;
    await b.h.run(0, BridgeTypeUrls.SetPaused, { authority: addr(0), chain: CHAIN, paused: false }).catch((e: unknown) => (err = e));
    expect(String(err)).to.contain("needs band ZEPTO");
    // An ATTO proposal cannot carry it either.
    const atto = await b.gov.submit(10, { band: 4, msgs: [{ typeUrl: BridgeTypeUrls.SetPaused, value: { authority: b.keeper.authority, chain: CHAIN, paused: false } }] });
    fails(atto, "GOV_BAND_TOO_LOW");
    const status = await b.govRun([
      { typeUrl: BridgeTypeUrls.SetPaused, value: { authority: b.keeper.authority, chain: CHAIN, paused: false } },
      { typeUrl: BridgeTypeUrls.UpdateChain, value: { authority: b.keeper.authority, chain: { ...SUBSTRATE_CHAIN, enabled: false } } },
    ]);
    expect(status).to.equal("passed");
    ok(await b.out(10, CHAIN, EVM_RECIPIENT, 10n * NXT));
    fails(await b.out(10, "assethub", "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY", 10n * NXT), "BRIDGE_CHAIN_DISABLED");
    // The family of a chain never changes.
    // The family of a chain never changes (governance checks a proposal's messages when it is submitted).
    const bad = await b.gov.submit(10, { band: 5, endorsers: [0, 1, 2], msgs: [{ typeUrl: BridgeTypeUrls.UpdateChain, value: { authority: b.keeper.authority, chain: { ...EVM_CHAIN, name: "assethub" } } }] });
    fails(bad, "GOV_MSG_FAILS");
    expect(bad.log).to.contain("a family never changes");
    b.checkAll();
  });
  it("a validator replaces its signature with a different one (Cosmos: the release after a handover), never with the same one", async () => {
    const cosmosKey = (n: number): string => toHex(secp256k1.getPublicKey(sha256(utf8(`cosmos-key-${n}`)), true));
    const g = testBridgeGenesis();
    b = await openBridgeNode({ bridge: { ...g, attestationKeys: [...g.attestationKeys, ...[0, 1, 2].map((n) => ({ validator: addr(n), family: "cosmos" as const, key: cosmosKey(n) }))] } });
    const recipient = bech32.encode("cosmos", bech32.toWords(new Uint8Array(20).fill(7)));
    ok(await b.out(10, COSMOS_CHAIN.name, recipient, 5n * NXT));
    const first = "11".repeat(64);
    const second = "22".repeat(64);
    ok(await b.sign(0, COSMOS_CHAIN.name, 1, first));
    fails(await b.sign(0, COSMOS_CHAIN.name, 1, first), "BRIDGE_DUPLICATE_SIGNATURE");
    fails(await b.sign(0, COSMOS_CHAIN.name, 1, first.toUpperCase()), "BRIDGE_DUPLICATE_SIGNATURE");
    const r = await b.sign(0, COSMOS_CHAIN.name, 1, second);
    ok(r);
    expect(r.events.map((e) => e.type)).to.include("bridge.outbound_signed");
    const o = b.outbound(COSMOS_CHAIN.name, 1);
    // Still one signature of validator 0, the new one; the tally is unchanged by a replacement.
    expect(o.signatures.map((x) => [x.validator, x.signature])).to.deep.equal([[addr(0), second]]);
    expect([o.status, o.signedPower]).to.deep.equal(["pending", "100000"]);
    fails(await b.sign(0, COSMOS_CHAIN.name, 1, "33".repeat(63)), "BRIDGE_BAD_SIGNATURE");
    expect(b.outbound(COSMOS_CHAIN.name, 1).signatures.map((x) => x.signature)).to.deep.equal([second]);
    b.checkAll();
  });
});
