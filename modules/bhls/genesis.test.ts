import { expect } from "chai";
import { GENESIS_TIME } from "../../test/helpers/node-harness.ts";
import { openBhlsNode, addr, phone, NXT, MINUTE, type BhlsHarness } from "./testing.ts";
import { BHLS_BRIDGE_ESCROW, BHLS_FLOOR_RESERVE } from "./accounts.ts";
import type { BhlsGenesis } from "./genesis.ts";
import type { Citizen } from "./records.ts";

const T0 = Math.floor(GENESIS_TIME / 1000);
const YEAR = 365 * 86_400;
const citizen = (n: number): Citizen => ({ address: addr(n), phoneHash: phone(n), attestor: addr(1), expiresAt: T0 + YEAR, registeredAt: T0, lastClaimEpoch: 0 });

describe("bhls: genesis", () => {
  let h: BhlsHarness | undefined;
  let h2: BhlsHarness | undefined;
  afterEach(async () => {
    await h?.close();
    await h2?.close();
    h = h2 = undefined;
  });

  it("export → import → export is the same state: attestors, citizens, epoch shares with their claims, bridge claims, next id, counters", async () => {
    h = await openBhlsNode({ attestors: [1, 3], floorReserve: 10_000n * NXT, bhls: { citizens: [citizen(2), citizen(4)] } });
    expect((await h.register(h.attestation(3, 5, phone(5), T0 + YEAR))).codeName).to.equal("OK");
    expect((await h.claim(2)).codeName).to.equal("OK");
    expect((await h.claim(4, { chain: "evm", address: "0xbeef" })).codeName).to.equal("OK");
    await h.block(GENESIS_TIME + MINUTE);
    expect((await h.claim(5, { chain: "cosmos", address: "cosmos1xyz" })).codeName).to.equal("OK");
    const g = h.exportGenesis().bhls as BhlsGenesis;
    expect(g.attestors.map((a) => a.address)).to.have.members([addr(1), addr(3)]);
    expect(g.citizens.map((c) => [c.address, c.lastClaimEpoch])).to.have.deep.members([
      [addr(2), 1],
      [addr(4), 1],
      [addr(5), 2],
    ]);
    expect(g.epochShares.map((s) => [s.epoch, s.share, s.claims])).to.deep.equal([
      [1, "115000000000", "2"],
      [2, "115000000000", "1"],
    ]);
    expect(g.bridgeClaims.map((b) => [b.id, b.citizen, b.chain])).to.deep.equal([
      [0, addr(4), "evm"],
      [1, addr(5), "cosmos"],
    ]);
    expect(g.nextBridgeClaimId).to.equal(2);
    const escrow = h.held(BHLS_BRIDGE_ESCROW);
    expect(escrow).to.equal(230_000_000_000n);
    await h.close();
    h = undefined;
    // A new chain from that state: the escrow's balance comes with bank's genesis.
    h2 = await openBhlsNode({ floorReserve: 1000n * NXT, moduleBalances: { [BHLS_BRIDGE_ESCROW]: escrow }, bhls: g });
    expect(h2.exportGenesis().bhls).to.deep.equal(g);
    expect(h2.registry.citizenCount(h2.ctx())).to.equal(3n);
    expect(h2.counters()).to.equal(null);
    expect(h2.invariants()).to.deep.equal([]);
    expect(h2.query("pendingBridgeClaims")).to.include({ escrowed: "230000000000" });
    expect(h2.query<{ items: { citizens: string }[] }>("attestors").items.map((a) => a.citizens)).to.have.members(["2", "1"]);
    // Claims continue: citizen 2 claimed in epoch 1 only, the new chain is in its epoch 1: already claimed there.
    expect((await h2.claim(2)).codeName).to.equal("BHLS_ALREADY_CLAIMED");
    expect(h2.held(BHLS_FLOOR_RESERVE)).to.equal(1000n * NXT);
  });

  it("refuses a genesis with one phone hash for two citizens, or a bridge claim id not below the next id", async () => {
    const dup = { ...citizen(4), phoneHash: phone(2) };
    let err: unknown;
    await openBhlsNode({ bhls: { citizens: [citizen(2), dup] } }).then((x) => (h = x), (e: unknown) => (err = e));
    expect(String(err)).to.contain("belongs to two citizens");
    err = undefined;
    const claim = { id: 3, citizen: addr(2), chain: "evm", address: "0x1", amount: "5", epoch: 1, height: 1 };
    await openBhlsNode({ moduleBalances: { [BHLS_BRIDGE_ESCROW]: 5n }, bhls: { bridgeClaims: [claim], nextBridgeClaimId: 3 } }).then((x) => (h = x), (e: unknown) => (err = e));
    expect(String(err)).to.contain("is not below nextBridgeClaimId 3");
  });
});
