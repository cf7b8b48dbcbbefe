import { expect } from "chai";
import { openTestNode, testSigner, removeDir, TEST_CHAIN_ID, GENESIS_TIME, type TestNode } from "../../test/helpers/node-harness.ts";
import { Band } from "../../runtime/tx/bands.ts";
import { toHex } from "../../runtime/crypto/hash.ts";
import type { Msg } from "../../runtime/tx/envelope.ts";
import type { ReceiptView } from "../../runtime/node/node-api.ts";
import { BankTypeUrls } from "../../modules/bank/index.ts";
import { BhlsEvents, BhlsTypeUrls, phoneHash, registerCitizenMsg, signAttestation } from "../../modules/bhls/index.ts";
import { DexEvents, DexTypeUrls } from "../../modules/dex/index.ts";
import { dexMsg } from "../../modules/dex/client.ts";
import { StakingEvents } from "../../modules/staking/index.ts";
import { GovEvents } from "../../modules/governance/events.ts";
import { ArbitrationEvents } from "../../modules/ai-arbitration/index.ts";
import { BridgeEvents } from "../../modules/bridge/index.ts";
import { ConsensusTypeUrls } from "../../modules/consensus/index.ts";
import { AchievementsTypeUrls, WatchedEvents, WatchedMsgs, profilesProblem, type LeaderboardEntry } from "../../modules/achievements/index.ts";
import { achievementsGenesis } from "../../modules/achievements/genesis.ts";
import { AchievementsKeeper } from "../../modules/achievements/keeper/achievements-keeper.ts";
import { blockRunner } from "./testing.ts";
import { nexusModules } from "./chain.ts";
import { nexusDevGenesis, DEV_DENOM, DEV_EPOCH_MS } from "./genesis.ts";

const NXT = 100_000_000n;
const [ALICE, BOB, CAROL, DAN, ATTESTOR] = [0, 1, 2, 3, 20];
const addr = (n: number): string => testSigner(n).address;
const T0 = Math.floor(GENESIS_TIME / 1000);

interface ProfileResult {
  address: string;
  points: string;
  level: string;
  badges: { key: string; points: number; category: string }[];
  counters: Record<string, number>;
  referrer: string | null;
}

/**
 * Achievements on the reference chain: badges awarded by the runtime's afterTx hook inside
 * the transactions that earn them (their events are in the receipt), once and only once, from
 * what bank, the DEX and bhls do; referrals; the leaderboard; genesis export and import.
 */
describe("chains/nexus: achievements awarded by what transactions do", function () {
  this.timeout(60_000);
  let t: TestNode;
  const genesis = nexusDevGenesis(nexusModules("single"), {
    chainId: TEST_CHAIN_ID,
    genesisTime: GENESIS_TIME,
    accounts: [ALICE, BOB, CAROL, DAN].map((n) => ({ address: addr(n), amount: 1_000n * NXT })).concat([{ address: addr(ATTESTOR), amount: 1_000n * NXT, name: "attestor" }] as never),
  });
  before(async () => {
    t = await openTestNode({ genesis });
  });
  after(async () => {
    await t.close();
    removeDir(t.dir);
  });

  const block = blockRunner(() => t);
  const profile = (n: number): ProfileResult => t.node.query("achievements/profile", { address: addr(n) }) as ProfileResult;
  const keys = (n: number): string[] => profile(n).badges.map((b) => b.key);
  // The attestor's own first transaction aside: these tests follow the citizens and traders.
  const awarded = (r: ReceiptView): string[] => r.events.filter((e) => e.type === "achievements.awarded" && e.attributes.account !== addr(ATTESTOR)).map((e) => `${e.attributes.account === addr(ALICE) ? "alice" : e.attributes.account}:${e.attributes.badge}`);
  const send = (from: number, to: number, amount = 1000n): [number, Msg] => [from, { typeUrl: BankTypeUrls.Send, value: { from: addr(from), to: addr(to), amount: [{ denom: "nxt", amount: amount.toString() }] } }];
  const swap = (n: number): [number, Msg] => [n, { typeUrl: DexTypeUrls.SwapExactIn, value: { sender: addr(n), route: ["nxt", DEV_DENOM], amountIn: "100000", minAmountOut: "1", deadline: T0 + 86_400 } }];
  const register = (citizen: number, phone: string, expiresAt = T0 + 365 * 86_400): [number, Msg, Band] => {
    const a = { chainId: TEST_CHAIN_ID, citizen: addr(citizen), phoneHash: phoneHash(new Uint8Array(16), phone), expiresAt, attestor: addr(ATTESTOR) };
    const m = registerCitizenMsg(a, toHex(testSigner(ATTESTOR).publicKey), signAttestation(a, testSigner(ATTESTOR).secretKey));
    return [ATTESTOR, m as Msg, Band.PICO];
  };
  const referrer = (n: number, ref: number): [number, Msg] => [n, { typeUrl: AchievementsTypeUrls.SetReferrer, value: { account: addr(n), referrer: addr(ref) } }];
  const claim = (n: number): [number, Msg] => [n, { typeUrl: BhlsTypeUrls.Claim, value: { citizen: addr(n) } }];

  it("reads the other modules' own event types and message type URLs", () => {
    expect(WatchedMsgs).to.deep.equal({ Send: BankTypeUrls.Send, MultiSend: BankTypeUrls.MultiSend, ReportCommit: ConsensusTypeUrls.ReportCommit, SwapExactIn: DexTypeUrls.SwapExactIn, SwapExactOut: DexTypeUrls.SwapExactOut });
    expect(WatchedEvents).to.deep.equal({
      BridgeOut: BridgeEvents.Outbound,
      Swap: DexEvents.Swap,
      LiquidityAdded: DexEvents.Mint,
      PoolCreated: DexEvents.PoolCreated,
      Deposit: GovEvents.Deposit,
      Vote: GovEvents.Vote,
      ProposalSubmitted: GovEvents.Submitted,
      DisputeFiled: ArbitrationEvents.DisputeFiled,
      CitizenRegistered: BhlsEvents.CitizenRegistered,
      Claim: BhlsEvents.Claim,
      CreateValidator: StakingEvents.CreateValidator,
      Delegate: StakingEvents.Delegate,
    });
  });

  it("a first transfer earns first_transaction and first_transfer in its own receipt; the second earns nothing", async () => {
    const [r1] = await block([send(ALICE, BOB)]);
    expect(r1!.codeName, r1!.log).to.equal("OK");
    expect(awarded(r1!)).to.deep.equal(["alice:first_transfer", "alice:first_transaction"]);
    expect(r1!.events.find((e) => e.type === "achievements.awarded" && e.attributes.badge === "first_transaction")!.attributes).to.deep.equal({ account: addr(ALICE), badge: "first_transaction", points: "10", total: "20" });
    const [r2] = await block([send(ALICE, BOB)]);
    expect(awarded(r2!)).to.deep.equal([]);
    expect(profile(ALICE)).to.deep.include({ points: "20", level: "1", counters: {}, referrer: null });
    expect(keys(ALICE)).to.deep.equal(["first_transaction", "first_transfer"]);
    // Receiving earns nothing.
    expect(profile(BOB)).to.deep.include({ points: "0", level: "1", badges: [] });
  });

  it("a failed transaction earns nothing; the next successful one gets first_transaction", async () => {
    const [bad] = await block([send(DAN, BOB, 10_000n * NXT)]);
    expect(bad!.codeName).to.not.equal("OK");
    expect(awarded(bad!)).to.deep.equal([]);
    expect(keys(DAN)).to.deep.equal([]);
    const [ok] = await block([[DAN, { typeUrl: BankTypeUrls.MultiSend, value: { inputs: [{ address: addr(DAN), coins: [{ denom: "nxt", amount: "2" }] }], outputs: [{ address: addr(BOB), coins: [{ denom: "nxt", amount: "1" }] }, { address: addr(CAROL), coins: [{ denom: "nxt", amount: "1" }] }] } }]]);
    expect(ok!.codeName, ok!.log).to.equal("OK");
    expect(keys(DAN)).to.deep.equal(["first_transaction", "first_transfer", "first_multisend"]);
  });

  it("swaps: first_swap once, then nothing written per swap; exact_out_swap; transactions_100 at the hundredth transaction", async () => {
    const [r1] = await block([swap(BOB)]);
    expect(r1!.codeName, r1!.log).to.equal("OK");
    expect(awarded(r1!).map((s) => s.split(":")[1])).to.deep.equal(["first_swap", "first_transaction"]);
    const more = await block(Array.from({ length: 97 }, () => swap(BOB)));
    expect(more.flatMap((r) => awarded(r))).to.deep.equal([]);
    expect(profile(BOB).counters).to.deep.equal({});
    const out: [number, Msg] = [BOB, { typeUrl: DexTypeUrls.SwapExactOut, value: { sender: addr(BOB), route: ["nxt", DEV_DENOM], amountOut: "1000", maxAmountIn: "100000000", deadline: T0 + 86_400 } }];
    const [r99] = await block([out]);
    expect(r99!.codeName, r99!.log).to.equal("OK");
    expect(awarded(r99!).map((s) => s.split(":")[1])).to.deep.equal(["exact_out_swap"]);
    const [r100] = await block([swap(BOB)]);
    expect(awarded(r100!).map((s) => s.split(":")[1])).to.deep.equal(["transactions_100"]);
    expect(keys(BOB)).to.deep.equal(["first_transaction", "transactions_100", "first_swap", "exact_out_swap"]);
    expect(profile(BOB)).to.include({ points: String(10 + 30 + 10 + 20), level: "1" });
  });

  it("liquidity: first_liquidity at the first addition, liquidity_10 at the tenth; the counter then stops", async () => {
    const add = (): [number, Msg] => [BOB, dexMsg.addLiquidity(addr(BOB), "nxt", DEV_DENOM, 1_000_000n, 1_000_000_000n, 0n, 0n, T0 + 86_400)];
    const adds = await block(Array.from({ length: 11 }, add));
    for (const r of adds) expect(r.codeName, r.log).to.equal("OK");
    expect(adds.map((r) => awarded(r).map((s) => s.split(":")[1]))).to.deep.equal([["first_liquidity"], [], [], [], [], [], [], [], [], ["liquidity_10"], []]);
    expect(profile(BOB).counters).to.deep.equal({ liquidity: 10 });
    expect(profile(BOB)).to.include({ points: "150", level: "2" });
  });

  it("citizens and referrals: only an attested citizen refers, once, before the referred becomes a citizen", async () => {
    const [reg] = await block([register(ALICE, "+14155550100")]);
    expect(reg!.codeName, reg!.log).to.equal("OK");
    expect(awarded(reg!)).to.deep.equal(["alice:citizen"]);
    const codes = async (txs: [number, Msg][]): Promise<string[]> => (await block(txs)).map((r) => `${r.codeName}: ${r.log}`);
    expect(await codes([referrer(CAROL, CAROL)])).to.deep.equal([`ACHIEVEMENTS_SELF_REFERRAL: ${addr(CAROL)} cannot refer itself`]);
    expect(await codes([referrer(CAROL, BOB)])).to.deep.equal([`ACHIEVEMENTS_REFERRER_NOT_CITIZEN: ${addr(BOB)} is not an attested citizen: only citizens refer`]);
    expect(await codes([referrer(ALICE, BOB)])).to.deep.equal([`ACHIEVEMENTS_ALREADY_CITIZEN: ${addr(ALICE)} is already a citizen: a referral counts when an account becomes one`]);
    const [set] = await block([referrer(CAROL, ALICE)]);
    expect(set!.codeName, set!.log).to.equal("OK");
    expect(set!.events.find((e) => e.type === "achievements.referrer_set")?.attributes).to.deep.equal({ account: addr(CAROL), referrer: addr(ALICE) });
    expect(await codes([referrer(CAROL, ALICE)])).to.deep.equal([`ACHIEVEMENTS_REFERRER_SET: ${addr(CAROL)} already named its referrer (${addr(ALICE)})`]);
    expect(profile(CAROL).referrer).to.equal(addr(ALICE));
    const [regCarol] = await block([register(CAROL, "+14155550101")]);
    expect(awarded(regCarol!)).to.deep.equal([`${addr(CAROL)}:citizen`, "alice:referral_1"]);
    // A renewal is not a new citizen: no badge, no second referral.
    const [renew] = await block([register(CAROL, "+14155550101", T0 + 400 * 86_400)]);
    expect(renew!.codeName, renew!.log).to.equal("OK");
    expect(awarded(renew!)).to.deep.equal([]);
    expect(profile(ALICE).counters).to.deep.equal({ referrals: 1 });
  });

  it("a threshold passed by a failed transaction waits for a transaction that reads the badges anyway", async () => {
    const EVE = 4;
    await block([send(ALICE, EVE, 10n * NXT)]);
    const [bad] = await block([send(EVE, BOB, 1_000n * NXT)]);
    expect(bad!.codeName).to.not.equal("OK");
    // A transaction no rule watches reads nothing, so the missed first_transaction stays missed…
    const [quiet] = await block([referrer(EVE, ALICE)]);
    expect(quiet!.codeName, quiet!.log).to.equal("OK");
    expect(quiet!.events.filter((e) => e.type === "achievements.awarded")).to.deep.equal([]);
    // …until one that reads the sender's badges (a transfer) gives it with its own.
    const [later] = await block([send(EVE, BOB)]);
    expect(later!.events.filter((e) => e.type === "achievements.awarded").map((e) => e.attributes.badge)).to.deep.equal(["first_transfer", "first_transaction"]);
  });

  it("claims: first_claim, then claim_streak_3 at the third consecutive epoch", async () => {
    const epoch = (): { epoch: number; startMs: number } => t.node.query("bhls/epoch", {}) as { epoch: number; startMs: number };
    const earned: string[][] = [];
    for (let i = 0; i < 3; i++) {
      // Economy's end block moves to the next epoch once block time passes the epoch's end.
      const e = epoch();
      t.clock.t = Math.max(t.clock.t, e.startMs + DEV_EPOCH_MS);
      await block([]);
      expect(epoch().epoch).to.equal(e.epoch + 1);
      const [r] = await block([claim(ALICE)]);
      expect(r!.codeName, r!.log).to.equal("OK");
      expect(r!.events.find((x) => x.type === "bhls.claim")!.attributes.streak).to.equal(String(i + 1));
      earned.push(awarded(r!));
    }
    expect(earned).to.deep.equal([["alice:first_claim"], [], ["alice:claim_streak_3"]]);
  });

  it("the leaderboard pages accounts by points, highest first; every profile's points are its badges'", () => {
    const p1 = t.node.query("achievements/leaderboard", { limit: 2 }) as { items: LeaderboardEntry[]; next: string | null };
    expect(p1.items.map((i) => [i.address, i.points, i.level])).to.deep.equal([
      [addr(BOB), "150", "2"],
      // 10 + 10 (first transaction, transfer) + 20 (citizen) + 20 (referral) + 10 + 30 (claims)
      [addr(ALICE), "100", "2"],
    ]);
    // Level 1 accounts (carol, dan, the attestor) are not on the board.
    expect(p1.next).to.equal(null);
    const one = t.node.query("achievements/leaderboard", { limit: 1 }) as { items: LeaderboardEntry[]; next: string | null };
    expect(one.items.map((i) => i.address)).to.deep.equal([addr(BOB)]);
    const two = t.node.query("achievements/leaderboard", { limit: 1, after: one.next }) as { items: LeaderboardEntry[]; next: string | null };
    expect(two.items.map((i) => i.address)).to.deep.equal([addr(ALICE)]);
    expect(profilesProblem(t.node.queryCtx())).to.equal(null);
  });

  it("genesis export imports to the same profiles, counters and referrers", async () => {
    const exported = achievementsGenesis(new AchievementsKeeper({ isCitizen: () => false })).export(t.node.queryCtx());
    expect(exported.counters).to.have.deep.members([
      { address: addr(ALICE), counter: "referrals", count: 1 },
      { address: addr(BOB), counter: "liquidity", count: 10 },
    ]);
    expect(exported.referrers).to.have.deep.members([
      { account: addr(CAROL), referrer: addr(ALICE) },
      { account: addr(4), referrer: addr(ALICE) },
    ]);
    const g2 = structuredClone(genesis);
    (g2.modules as Record<string, unknown>).achievements = exported;
    const t2 = await openTestNode({ genesis: g2 });
    try {
      for (const n of [ALICE, BOB, CAROL, DAN]) expect(t2.node.query("achievements/profile", { address: addr(n) }), `signer ${n}`).to.deep.equal(profile(n));
      expect(t2.node.query("achievements/leaderboard", { limit: 10 })).to.deep.equal(t.node.query("achievements/leaderboard", { limit: 10 }));
    } finally {
      await t2.close();
      removeDir(t2.dir);
    }
    const bad = structuredClone(exported);
    bad.profiles[0]!.points = "1";
    const g3 = structuredClone(genesis);
    (g3.modules as Record<string, unknown>).achievements = bad;
    const err = await openTestNode({ genesis: g3 }).then(
      async (x) => {
        await x.close();
        return null;
      },
      (e: Error) => e,
    );
    expect(err?.message).to.match(/points 1, but its badges are worth/);
  });
});
