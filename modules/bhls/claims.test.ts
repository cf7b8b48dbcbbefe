import { expect } from "chai";
import { GENESIS_TIME } from "../../test/helpers/node-harness.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import { openBhlsNode, addr, phone, NXT, MINUTE, type BhlsHarness } from "./testing.ts";
import { BHLS_BRIDGE_ESCROW, BHLS_FLOOR_RESERVE } from "./accounts.ts";
import type { Citizen } from "./records.ts";

const T0 = Math.floor(GENESIS_TIME / 1000);
const YEAR = 365 * 86_400;
const citizen = (n: number, expiresAt = T0 + YEAR): Citizen => ({ address: addr(n), phoneHash: phone(n), attestor: addr(1), expiresAt, registeredAt: T0, lastClaimEpoch: 0 });
const SHARE = 1150n * NXT;

describe("bhls: claims", () => {
  let h: BhlsHarness;
  afterEach(async () => {
    await h?.close();
  });

  it("a funded epoch pays 1150 NXT once per citizen; a second claim in the epoch is refused; the next epoch pays again", async () => {
    h = await openBhlsNode({ attestors: [1], floorReserve: 10_000n * NXT, bhls: { citizens: [citizen(2), citizen(3)] } });
    const b0 = h.balance(addr(2));
    const r = await h.claim(2);
    expect(r.codeName, r.log).to.equal("OK");
    expect(h.balance(addr(2))).to.equal(b0 + SHARE - BigInt(r.fee));
    expect(h.held(BHLS_FLOOR_RESERVE)).to.equal(10_000n * NXT - SHARE);
    expect(r.events.find((e) => e.type === "bhls.epoch_share_fixed")?.attributes).to.deep.equal({ epoch: "1", share: SHARE.toString(), citizens: "2", reserve: (10_000n * NXT).toString() });
    expect(r.events.find((e) => e.type === "bhls.claim")?.attributes).to.deep.equal({
      citizen: addr(2),
      epoch: "1",
      amount: "115000000000",
      to: addr(2),
      streak: "1",
      food: "25000000000",
      water: "5000000000",
      housing: "40000000000",
      energy: "15000000000",
      healthcare: "20000000000",
      connectivity: "7500000000",
      recycling: "2500000000",
    });
    const again = await h.claim(2);
    expect(again.codeName).to.equal("BHLS_ALREADY_CLAIMED");
    expect(h.balance(addr(2))).to.equal(b0 + SHARE - BigInt(r.fee) - BigInt(again.fee));
    expect(h.query("epoch")).to.deep.equal({ epoch: 1, startMs: GENESIS_TIME, share: SHARE.toString(), citizensAtFix: "2", reserveAtFix: (10_000n * NXT).toString(), claims: "1" });
    // Economy's end block at start + one minute moves to epoch 2 (and tops up the floor with 60% of the transition reserve).
    await h.block(GENESIS_TIME + MINUTE);
    const e2 = h.query<{ epoch: number; share: string | null; claims: string }>("epoch");
    expect(e2).to.include({ epoch: 2, share: null, claims: "0" });
    const reserve2 = h.held(BHLS_FLOOR_RESERVE);
    expect((await h.claim(2)).codeName).to.equal("OK");
    expect((await h.claim(3)).codeName).to.equal("OK");
    expect(h.query("epoch")).to.include({ epoch: 2, share: SHARE.toString(), reserveAtFix: reserve2.toString(), claims: "2" });
    expect(h.held(BHLS_FLOOR_RESERVE)).to.equal(reserve2 - 2n * SHARE);
    expect(h.query<Citizen>("citizen", { address: addr(2) })).to.include({ lastClaimEpoch: 2, streak: 2 });
    expect(h.query<Citizen>("citizen", { address: addr(3) })).to.include({ lastClaimEpoch: 2, streak: 1 });
    // Epoch 3 skipped by citizen 3: its streak starts again in epoch 4; citizen 2's goes on.
    await h.block(GENESIS_TIME + 2 * MINUTE);
    const streakOf = (r: { events: readonly { type: string; attributes: Record<string, string> }[] }): string | undefined => r.events.find((e) => e.type === "bhls.claim")?.attributes.streak;
    expect(streakOf(await h.claim(2))).to.equal("3");
    await h.block(GENESIS_TIME + 3 * MINUTE);
    expect(streakOf(await h.claim(2))).to.equal("4");
    expect(streakOf(await h.claim(3))).to.equal("1");
    expect((await h.claim(5)).codeName).to.equal("BHLS_NOT_CITIZEN");
    expect(h.invariants()).to.deep.equal([]);
  });

  it("a citizen registered after the epoch's share was fixed claims from the next epoch, so the share's count bounds the claims", async () => {
    // Two genesis citizens, a reserve of exactly two shares: a third, registered mid-epoch, must not take one of theirs.
    h = await openBhlsNode({ attestors: [1], floorReserve: 2n * SHARE, bhls: { citizens: [citizen(2), citizen(3)] } });
    // Registered before the first claim of the epoch: counted when the share is fixed, claims at once.
    expect((await h.register(h.attestation(1, 4, phone(4), T0 + YEAR))).codeName).to.equal("OK");
    const r2 = await h.claim(2);
    expect(r2.codeName, r2.log).to.equal("OK");
    expect(r2.events.find((e) => e.type === "bhls.epoch_share_fixed")?.attributes).to.include({ citizens: "3" });
    expect((await h.claim(4)).codeName).to.equal("OK");
    // Registered after the fix: refused with its own code for this epoch.
    expect((await h.register(h.attestation(1, 5, phone(5), T0 + YEAR))).codeName).to.equal("OK");
    const early = await h.claim(5);
    expect(early.codeName).to.equal("BHLS_NOT_YET_ELIGIBLE");
    expect(early.log).to.match(/first claim is in epoch 2/);
    expect(h.query("citizen", { address: addr(5) })).to.include({ seq: 1, lastClaimEpoch: 0 });
    // Citizen 3, counted in the share, is still paid it: the late registrant took nothing.
    const r3 = await h.claim(3);
    expect(r3.codeName, r3.log).to.equal("OK");
    // The next epoch counts citizen 5.
    await h.block(GENESIS_TIME + MINUTE);
    const r5 = await h.claim(5);
    expect(r5.codeName, r5.log).to.equal("OK");
    expect(h.invariants()).to.deep.equal([]);
  });

  it("an underfunded epoch: every claimant gets exactly floor(reserve / citizens), and the reserve is never overdrawn", async () => {
    // 1000 NXT + 1 base unit for 3 citizens: 33 333 333 333 each, 2 base units stay.
    h = await openBhlsNode({ attestors: [1], floorReserve: 100_000_000_001n, bhls: { citizens: [citizen(2), citizen(3), citizen(4)] } });
    const paid: bigint[] = [];
    for (const n of [2, 3, 4]) {
      const b = h.balance(addr(n));
      const r = await h.claim(n);
      expect(r.codeName, r.log).to.equal("OK");
      paid.push(h.balance(addr(n)) - b + BigInt(r.fee));
      expect(r.events.find((e) => e.type === "bhls.claim")?.attributes).to.deep.include({
        amount: "33333333333",
        // floor(33 333 333 333 × weight / 1150) each; housing also takes the remainder 3.
        food: "7246376811",
        water: "1449275362",
        housing: "11594202901",
        energy: "4347826086",
        healthcare: "5797101449",
        connectivity: "2173913043",
        recycling: "724637681",
      });
    }
    expect(paid).to.deep.equal([33_333_333_333n, 33_333_333_333n, 33_333_333_333n]);
    expect(h.held(BHLS_FLOOR_RESERVE)).to.equal(2n);
    // A citizen registered after the share was fixed was not counted in it: it waits for the next epoch.
    expect((await h.register(h.attestation(1, 5, phone(5), T0 + YEAR))).codeName).to.equal("OK");
    const late = await h.claim(5);
    expect(late.codeName).to.equal("BHLS_NOT_YET_ELIGIBLE");
    expect(h.held(BHLS_FLOOR_RESERVE)).to.equal(2n);
    expect(h.query("epoch")).to.include({ share: "33333333333", citizensAtFix: "3", reserveAtFix: "100000000001", claims: "3" });
  });

  it("an empty reserve: the share is 0 and every claim is refused (BHLS_RESERVE_EXHAUSTED), nothing fixed", async () => {
    h = await openBhlsNode({ attestors: [1], floorReserve: 0n, bhls: { citizens: [citizen(2)] } });
    expect((await h.claim(2)).codeName).to.equal("BHLS_RESERVE_EXHAUSTED");
    expect(h.query("epoch")).to.include({ share: null, claims: "0" });
  });

  it("an expired citizen cannot claim until re-attested", async () => {
    h = await openBhlsNode({ attestors: [1], floorReserve: 10_000n * NXT, bhls: { citizens: [citizen(2, T0 + 30)] } });
    await h.block((T0 + 30) * 1000);
    expect((await h.claim(2)).codeName).to.equal("BHLS_CITIZEN_EXPIRED");
    expect((await h.register(h.attestation(1, 2, phone(2), T0 + YEAR))).codeName).to.equal("OK");
    expect((await h.claim(2)).codeName).to.equal("OK");
  });

  it("a claim to a bridged chain goes to the escrow and is recorded as a pending delivery; an unknown chain is refused", async () => {
    h = await openBhlsNode({ attestors: [1], floorReserve: 10_000n * NXT, bhls: { citizens: [citizen(2), citizen(3)] } });
    const dest = { chain: "evm", address: "0x00000000000000000000000000000000000000aa" };
    expect((await h.claim(3, { chain: "solana", address: "x" })).codeName).to.equal("BHLS_UNKNOWN_BRIDGE_CHAIN");
    const b = h.balance(addr(2));
    const r = await h.claim(2, dest);
    expect(r.codeName, r.log).to.equal("OK");
    expect(h.balance(addr(2))).to.equal(b - BigInt(r.fee));
    expect(h.held(BHLS_BRIDGE_ESCROW)).to.equal(SHARE);
    expect(r.events.find((e) => e.type === "bhls.claim")?.attributes.to).to.equal(moduleAddress(BHLS_BRIDGE_ESCROW));
    expect(r.events.find((e) => e.type === "bhls.bridge_claim")?.attributes).to.deep.equal({ id: "0", citizen: addr(2), chain: "evm", address: dest.address, amount: SHARE.toString(), epoch: "1" });
    const height = h.t.node.status().height;
    expect((await h.claim(3, { chain: "polkadot", address: "5Grw" })).codeName).to.equal("OK");
    const page1 = h.query<{ items: unknown[]; next: string | null; escrowed: string }>("pendingBridgeClaims", { limit: 1 });
    expect(page1.items).to.deep.equal([{ id: 0, citizen: addr(2), chain: "evm", address: dest.address, amount: SHARE.toString(), epoch: 1, height }]);
    expect(page1.escrowed).to.equal((2n * SHARE).toString());
    const page2 = h.query<{ items: { id: number; chain: string }[]; next: string | null }>("pendingBridgeClaims", { limit: 1, after: page1.next });
    expect(page2.items.map((i) => [i.id, i.chain])).to.deep.equal([[1, "polkadot"]]);
    expect(page2.next).to.equal(null);
    // The escrow refuses plain sends (the chain blocks it), so the invariant cannot be broken from outside.
    let err: unknown;
    await h.submit(4, [{ typeUrl: "/bank.v1.MsgSend", value: { from: addr(4), to: moduleAddress(BHLS_BRIDGE_ESCROW), amount: [{ denom: "nxt", amount: "1" }] } }]).catch((e: unknown) => (err = e));
    expect((err as Error).message).to.contain("bhls_bridge_escrow, which does not accept transfers");
    expect(h.held(BHLS_BRIDGE_ESCROW)).to.equal(2n * SHARE);
    expect(h.invariants()).to.deep.equal([]);
  });
});
