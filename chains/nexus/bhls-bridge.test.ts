import { expect } from "chai";
import { openTestNode, testSigner, removeDir, TEST_CHAIN_ID, GENESIS_TIME, type TestNode } from "../../test/helpers/node-harness.ts";
import { Band } from "../../runtime/tx/bands.ts";
import { sha256, toHex, utf8 } from "../../runtime/crypto/hash.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import type { Msg } from "../../runtime/tx/envelope.ts";
import type { ReceiptView } from "../../runtime/node/node-api.ts";
import { BhlsTypeUrls } from "../../modules/bhls/index.ts";
import { defaultBhlsGenesis } from "../../modules/bhls/genesis.ts";
import { BridgeTypeUrls, citizenId, defaultBridgeGenesis, mintDigest, outboundDigest, signEvmDigest, type OutboundView } from "../../modules/bridge/index.ts";
import { EVM_CHAIN, EVM_RECIPIENT, SUBSTRATE_CHAIN, evmKey, evmSecret } from "../../modules/bridge/testing.ts";
import { canonicalAddress } from "../../modules/bridge/families.ts";
import type { EventView } from "../../runtime/node/node-api.ts";
import { blockRunner } from "./testing.ts";
import { nexusModules } from "./chain.ts";
import { nexusNetworkGenesis } from "./genesis.ts";

const NXT = 100_000_000n;
const VALIDATORS = [10, 11, 12, 13];
const ALICE = 0;
const BOB = 1;
const DOMAIN = { chainId: EVM_CHAIN.evm!.chainId, verifyingContract: EVM_CHAIN.evm!.bridgeContract };
/** An EVM chain the authority has disabled: its claims wait in the BHLS escrow too. */
const EVM_OFF = { ...EVM_CHAIN, name: "evm-off", enabled: false, evm: { chainId: 5, bridgeContract: EVM_CHAIN.evm!.bridgeContract } };
const SS58 = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

/**
 * Cross-chain BHLS on the reference chain (bhls and bridge bound by chains/nexus): a claim a
 * citizen directs to an EVM chain leaves the BHLS escrow for the bridge's, as a "bhls" outbound
 * preceded by its epoch's "epoch" outbound; validators sign them as EIP-712 BhlsDelivery and
 * EpochUpdate; an address the chain cannot pay is paid to the citizen here; every module's
 * invariants hold after every block.
 */
describe("chains/nexus: BHLS claims delivered across the bridge", function () {
  this.timeout(60_000);
  let t: TestNode;
  /** The end-block events of the last block produced. */
  let lastBlockEvents: EventView[] = [];

  before(async () => {
    const genesis = nexusNetworkGenesis(nexusModules("single"), {
      chainId: TEST_CHAIN_ID,
      genesisTime: GENESIS_TIME,
      validators: VALIDATORS.map((n, i) => ({ operator: testSigner(n).address, consensusPubKey: toHex(sha256(utf8(`cons-${n}`))), band: 1 + i, moniker: `v${n}`, stake: 100_000n * NXT })),
      accounts: [ALICE, BOB].map((n) => ({ address: testSigner(n).address, amount: 10n * NXT })),
    });
    const modules = genesis.modules as Record<string, unknown>;
    const bridge = defaultBridgeGenesis();
    bridge.chains = [EVM_CHAIN, SUBSTRATE_CHAIN, EVM_OFF];
    bridge.attestationKeys = VALIDATORS.map((n, i) => ({ validator: testSigner(n).address, family: "evm" as const, key: evmKey(i) }));
    modules.bridge = bridge;
    const bhls = defaultBhlsGenesis();
    bhls.params = { ...bhls.params, bridgeChains: ["evm-local", SUBSTRATE_CHAIN.name, EVM_OFF.name] };
    bhls.attestors = [{ address: testSigner(20).address, moniker: "a20", addedHeight: 0 }];
    bhls.citizens = [ALICE, BOB].map((n) => ({
      address: testSigner(n).address,
      phoneHash: toHex(sha256(utf8(`phone-${n}`))),
      attestor: testSigner(20).address,
      expiresAt: Math.floor(GENESIS_TIME / 1000) + 365 * 86_400,
      registeredAt: Math.floor(GENESIS_TIME / 1000),
      lastClaimEpoch: 0,
    }));
    modules.bhls = bhls;
    t = await openTestNode({ genesis, modules: nexusModules("single") });
    t.node.subscribe((e) => {
      if (e.kind === "block") lastBlockEvents = e.blockEvents ?? [];
    });
  });
  after(async () => {
    await t.close();
    removeDir(t.dir);
  });

  const bal = (address: string): bigint => BigInt(t.node.getBalance(address, "nxt").amount);
  const query = <T>(path: string, params: Record<string, unknown> = {}): T => t.node.query(path, params) as T;
  const pending = (): OutboundView[] => query<{ items: OutboundView[] }>("bridge/pendingOutbound", { chain: "evm-local" }).items;

  const block = blockRunner(() => t);
  const ok = (rs: ReceiptView[]): ReceiptView[] => {
    for (const r of rs) expect(r.codeName, r.log).to.equal("OK");
    return rs;
  };
  const claim = (n: number, address: string, chain = "evm-local"): [number, Msg] => [n, { typeUrl: BhlsTypeUrls.Claim, value: { citizen: testSigner(n).address, destination: { chain, address } } }];
  const sign = (i: number, o: OutboundView, digest = outboundDigest(DOMAIN, o)): [number, Msg, Band] => [
    VALIDATORS[i]!,
    { typeUrl: BridgeTypeUrls.SignOutbound, value: { validator: testSigner(VALIDATORS[i]!).address, chain: "evm-local", seq: o.seq, signature: signEvmDigest(digest, evmSecret(i)) } },
    Band.FEMTO,
  ];
  const attest = (i: number, seq: number): [number, Msg, Band] => [
    VALIDATORS[i]!,
    { typeUrl: BridgeTypeUrls.AttestOutboundResult, value: { validator: testSigner(VALIDATORS[i]!).address, chain: "evm-local", seq, result: "executed" } },
    Band.FEMTO,
  ];

  let share: bigint;

  it("turns a claim directed to an EVM chain into an epoch update and a BHLS delivery, paid from the BHLS escrow into the bridge's", async () => {
    const escrow = bal(moduleAddress("bridge_escrow"));
    const bobBefore = bal(testSigner(BOB).address);
    const [, bobClaim] = ok(await block([claim(ALICE, EVM_RECIPIENT), claim(BOB, "0x123")]));
    const current = query<{ epoch: number; share: string }>("bhls/epoch");
    share = BigInt(current.share);
    expect(share > 0n).to.equal(true);
    const [epoch, delivery, ...rest] = pending();
    expect(rest).to.deep.equal([]);
    expect(epoch).to.include({ seq: 1, kind: "epoch", epoch: current.epoch, floorAmount: share.toString(), amount: "0", sender: moduleAddress("bhls_bridge_escrow"), recipient: EVM_CHAIN.evm!.bridgeContract, status: "pending" });
    // The end block's events, claims oldest first: Alice's epoch update and delivery with their kind and epoch, then Bob's refusal with its reason.
    const bobId = bobClaim!.events.find((e) => e.type === "bhls.bridge_claim")!.attributes.id;
    const refusedReason = (canonicalAddress(EVM_CHAIN, "0x123") as { reason: string }).reason;
    const bridgeEvents = lastBlockEvents.filter((e) => e.type === "bridge.bhls_refused" || e.type === "bridge.outbound").map((e) => [e.type, e.attributes]);
    expect(bridgeEvents).to.deep.equal([
      ["bridge.outbound", { chain: "evm-local", seq: "1", transferId: epoch!.transferId, sender: epoch!.sender, recipient: epoch!.recipient, amount: "0", expiresAt: String(epoch!.expiresAt), kind: "epoch", epoch: String(current.epoch) }],
      ["bridge.outbound", { chain: "evm-local", seq: "2", transferId: delivery!.transferId, sender: delivery!.sender, recipient: delivery!.recipient, amount: delivery!.amount, expiresAt: String(delivery!.expiresAt), kind: "bhls", epoch: String(current.epoch) }],
      ["bridge.bhls_refused", { chain: "evm-local", claim: bobId, citizen: testSigner(BOB).address, reason: refusedReason }],
    ]);
    expect(delivery).to.include({ seq: 2, kind: "bhls", epoch: current.epoch, citizen: citizenId(testSigner(ALICE).address), sender: testSigner(ALICE).address, recipient: EVM_RECIPIENT.toLowerCase(), amount: share.toString() });
    // Alice's share backs the delivery in bridge_escrow; nothing is left in the BHLS escrow.
    expect(bal(moduleAddress("bridge_escrow")) - escrow).to.equal(share);
    expect(bal(moduleAddress("bhls_bridge_escrow"))).to.equal(0n);
    // Bob named an address no EVM chain can pay: his share is paid to him here, never lost.
    expect(bal(testSigner(BOB).address) - bobBefore).to.equal(share - BigInt(bobClaim!.fee));
  });

  it("takes EIP-712 BhlsDelivery and EpochUpdate signatures, refuses a Mint signature for a delivery, and completes both", async () => {
    const [epoch, delivery] = pending();
    const asMint = mintDigest(DOMAIN, { transferId: delivery!.transferId, recipient: delivery!.recipient, amount: BigInt(delivery!.amount), expiresAt: delivery!.expiresAt });
    const [wrong] = await block([sign(0, delivery!, asMint)]);
    expect(wrong!.codeName).to.equal("BRIDGE_BAD_SIGNATURE");
    expect(wrong!.log).to.match(/EIP-712 BhlsDelivery/);
    ok(await block([0, 1, 2].flatMap((i) => [sign(i, epoch!), sign(i, delivery!)])));
    expect(pending().map((o) => [o.seq, o.status, o.passes])).to.deep.equal([
      [1, "ready", true],
      [2, "ready", true],
    ]);
    ok(await block([0, 1, 2].flatMap((i) => [attest(i, 1), attest(i, 2)])));
    expect(pending()).to.deep.equal([]);
    const totals = query<{ totals: { executedOut: string; lockedOut: string } }>("bridge/chain", { chain: "evm-local" }).totals;
    expect(totals).to.include({ lockedOut: share.toString(), executedOut: share.toString() });
  });

  it("the next epoch brings one epoch update for all its claims; one claim per citizen per epoch", async () => {
    const { epoch } = query<{ epoch: number }>("bhls/epoch");
    t.clock.t += query<{ epochDurationMs: number }>("economy/params").epochDurationMs;
    await t.node.produceBlock();
    ok(await block([claim(ALICE, EVM_RECIPIENT), claim(BOB, EVM_RECIPIENT)]));
    const [again] = await block([claim(ALICE, EVM_RECIPIENT)]);
    expect(again!.codeName).to.equal("BHLS_ALREADY_CLAIMED");
    // One epoch update per chain and epoch, however many claims it carries.
    expect(pending().map((o) => [o.seq, o.kind, o.epoch])).to.deep.equal([
      [3, "epoch", epoch + 1],
      [4, "bhls", epoch + 1],
      [5, "bhls", epoch + 1],
    ]);
  });

  it("claims for a paused chain wait in the BHLS escrow (never sent while it is paused): no epoch update, no delivery", async () => {
    const pause: [number, Msg, Band] = [VALIDATORS[0]!, { typeUrl: BridgeTypeUrls.GuardianPause, value: { validator: testSigner(VALIDATORS[0]!).address, chain: "evm-local", reason: "watcher alarm" } }, Band.FEMTO];
    ok(await block([pause]));
    t.clock.t += query<{ epochDurationMs: number }>("economy/params").epochDurationMs;
    await t.node.produceBlock();
    const before = pending().map((o) => o.seq);
    ok(await block([claim(ALICE, EVM_RECIPIENT)]));
    await t.node.produceBlock();
    const { share: next } = query<{ share: string }>("bhls/epoch");
    expect(pending().map((o) => o.seq)).to.deep.equal(before);
    expect(bal(moduleAddress("bhls_bridge_escrow"))).to.equal(BigInt(next));
  });

  it("claims for a chain that is not EVM, or an EVM chain the authority disabled, wait in the BHLS escrow: nothing is sent", async () => {
    t.clock.t += query<{ epochDurationMs: number }>("economy/params").epochDurationMs;
    await t.node.produceBlock();
    const escrow = bal(moduleAddress("bhls_bridge_escrow"));
    const outbound = (chain: string) => query<{ items: OutboundView[] }>("bridge/pendingOutbound", { chain }).items;
    ok(await block([claim(ALICE, SS58, SUBSTRATE_CHAIN.name), claim(BOB, EVM_RECIPIENT, EVM_OFF.name)]));
    await t.node.produceBlock();
    const { share: now } = query<{ share: string }>("bhls/epoch");
    expect([outbound(SUBSTRATE_CHAIN.name), outbound(EVM_OFF.name)]).to.deep.equal([[], []]);
    expect(bal(moduleAddress("bhls_bridge_escrow")) - escrow).to.equal(2n * BigInt(now));
  });
});
