import { expect } from "chai";
import { GENESIS_TIME } from "../../test/helpers/node-harness.ts";
import { openBhlsNode, addr, phone, AUTHORITY, NXT, type BhlsHarness } from "./testing.ts";
import { defaultParams } from "./params.ts";
import type { Citizen } from "./records.ts";

const T0 = Math.floor(GENESIS_TIME / 1000);
const YEAR = 365 * 86_400;
const REGISTER = "/bhls.v1.MsgRegisterAttestor";
const REMOVE = "/bhls.v1.MsgRemoveAttestor";
const REVOKE = "/bhls.v1.MsgRevokeCitizens";
const PARAMS = "/bhls.v1.MsgUpdateParams";
const citizen = (n: number, attestor: number): Citizen => ({ address: addr(n), phoneHash: phone(n), attestor: addr(attestor), expiresAt: T0 + YEAR, registeredAt: T0, lastClaimEpoch: 0 });

describe("bhls: authority messages", () => {
  let h: BhlsHarness;
  afterEach(async () => {
    await h?.close();
  });

  it("attestors: only the authority registers and removes them; duplicates and unknown ones are refused", async () => {
    h = await openBhlsNode();
    expect((await h.run(2, REGISTER, { authority: addr(2), attestor: addr(1), moniker: "x" })).codeName).to.equal("BHLS_UNAUTHORIZED");
    const r = await h.ok(AUTHORITY, REGISTER, { authority: addr(AUTHORITY), attestor: addr(1), moniker: "Console attestor" });
    expect(r.events.find((e) => e.type === "bhls.attestor_registered")?.attributes).to.deep.equal({ attestor: addr(1), moniker: "Console attestor" });
    const height = h.t.node.status().height;
    expect(h.query<{ items: unknown[] }>("attestors").items).to.deep.equal([{ address: addr(1), moniker: "Console attestor", addedHeight: height, citizens: "0" }]);
    expect((await h.run(AUTHORITY, REGISTER, { authority: addr(AUTHORITY), attestor: addr(1), moniker: "again" })).codeName).to.equal("BHLS_ATTESTOR_EXISTS");
    // Now a registered attestor: its PICO registration works.
    expect((await h.register(h.attestation(1, 2, phone(2), T0 + YEAR))).codeName).to.equal("OK");
    expect((await h.run(2, REMOVE, { authority: addr(2), attestor: addr(1) })).codeName).to.equal("BHLS_UNAUTHORIZED");
    expect((await h.run(AUTHORITY, REMOVE, { authority: addr(AUTHORITY), attestor: addr(3) })).codeName).to.equal("BHLS_UNKNOWN_ATTESTOR");
    await h.ok(AUTHORITY, REMOVE, { authority: addr(AUTHORITY), attestor: addr(1) });
    expect(h.query<{ items: unknown[] }>("attestors").items).to.deep.equal([]);
    // Its citizen stays until revoked.
    expect(h.registry.citizenCount(h.ctx())).to.equal(1n);
  });

  it("revocation in bounded batches: 5 citizens, limit 2 → 3 messages (2, 2, 1), remaining 3, 1, 0; another attestor's citizen stays; phone hashes freed", async () => {
    h = await openBhlsNode({ attestors: [1, 3], bhls: { citizens: [citizen(2, 1), citizen(4, 1), citizen(5, 1), citizen(6, 1), citizen(8, 1), citizen(9, 3)] } });
    expect(h.registry.citizenCount(h.ctx())).to.equal(6n);
    const byAttestor = (p: Record<string, unknown> = {}) => h.query<{ items: Citizen[]; next: string | null; total: string }>("citizensByAttestor", { attestor: addr(1), ...p });
    expect(byAttestor().total).to.equal("5");
    const p1 = byAttestor({ limit: 3 });
    const p2 = byAttestor({ limit: 3, after: p1.next });
    expect([...p1.items, ...p2.items].map((c) => c.address).sort()).to.deep.equal([2, 4, 5, 6, 8].map(addr).sort());
    expect(p2.next).to.equal(null);
    expect((await h.run(2, REVOKE, { authority: addr(2), attestor: addr(1), limit: 2 })).codeName).to.equal("BHLS_UNAUTHORIZED");
    const got: Record<string, string>[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await h.ok(AUTHORITY, REVOKE, { authority: addr(AUTHORITY), attestor: addr(1), limit: 2 });
      got.push(r.events.find((e) => e.type === "bhls.citizens_revoked")!.attributes);
      expect(h.counters()).to.equal(null);
    }
    expect(got).to.deep.equal([
      { attestor: addr(1), revoked: "2", remaining: "3" },
      { attestor: addr(1), revoked: "2", remaining: "1" },
      { attestor: addr(1), revoked: "1", remaining: "0" },
    ]);
    expect(h.registry.citizenCount(h.ctx())).to.equal(1n);
    expect(byAttestor()).to.deep.equal({ items: [], next: null, total: "0" });
    expect(h.query("citizen", { address: addr(9) })).to.deep.include({ attestor: addr(3) });
    // A fourth message revokes nothing.
    const r4 = await h.ok(AUTHORITY, REVOKE, { authority: addr(AUTHORITY), attestor: addr(1), limit: 2 });
    expect(r4.events.find((e) => e.type === "bhls.citizens_revoked")?.attributes).to.deep.equal({ attestor: addr(1), revoked: "0", remaining: "0" });
    // The phone hash is free again: a revoked address may be registered afresh (even by another attestor with that hash).
    expect((await h.register(h.attestation(3, 2, phone(2), T0 + YEAR))).codeName).to.equal("OK");
    expect(h.registry.citizenCount(h.ctx())).to.equal(2n);
    // limit outside 1..1000: refused by the schema at checkTx.
    let err: unknown;
    await h.submit(AUTHORITY, [{ typeUrl: REVOKE, value: { authority: addr(AUTHORITY), attestor: addr(1), limit: 1001 } }]).catch((e: unknown) => (err = e));
    expect((err as { code: string }).code).to.equal("TX_INVALID_MSG");
  });

  it("params: only the authority; a zero monthly amount is refused at checkTx; the new amount applies to the next fixed share", async () => {
    h = await openBhlsNode({ attestors: [1], floorReserve: 10_000n * NXT, bhls: { citizens: [citizen(2, 1)] } });
    const p = { ...defaultParams(), monthlyAmount: (100n * NXT).toString(), bridgeChains: ["evm"] };
    expect((await h.run(2, PARAMS, { authority: addr(2), params: p })).codeName).to.equal("BHLS_UNAUTHORIZED");
    let err: unknown;
    await h.submit(AUTHORITY, [{ typeUrl: PARAMS, value: { authority: addr(AUTHORITY), params: { ...p, monthlyAmount: "0" } } }]).catch((e: unknown) => (err = e));
    expect((err as { code: string }).code).to.equal("TX_INVALID_MSG");
    await h.ok(AUTHORITY, PARAMS, { authority: addr(AUTHORITY), params: p });
    expect(h.query("params")).to.deep.equal(p);
    const b = h.balance(addr(2));
    const refused = await h.claim(2, { chain: "polkadot", address: "5G" });
    expect(refused.codeName).to.equal("BHLS_UNKNOWN_BRIDGE_CHAIN");
    const r = await h.claim(2);
    expect(r.codeName).to.equal("OK");
    expect(h.balance(addr(2)) - b).to.equal(100n * NXT - BigInt(r.fee) - BigInt(refused.fee));
    expect(h.query("epoch")).to.include({ share: (100n * NXT).toString() });
  });
});
