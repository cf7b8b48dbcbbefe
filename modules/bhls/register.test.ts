import { expect } from "chai";
import { Band } from "../../runtime/tx/bands.ts";
import { GENESIS_TIME } from "../../test/helpers/node-harness.ts";
import { openBhlsNode, addr, phone, AUTHORITY, type BhlsHarness } from "./testing.ts";

const T0 = Math.floor(GENESIS_TIME / 1000);
const YEAR = 365 * 86_400;

describe("bhls: citizen registration by PICO attestation", () => {
  let h: BhlsHarness;
  afterEach(async () => {
    await h?.close();
  });

  it("registers a citizen: record, phone hash, counters, event; economy's CitizenRegistry counts it", async () => {
    h = await openBhlsNode({ attestors: [1] });
    expect(h.registry.citizenCount(h.ctx())).to.equal(0n);
    const a = h.attestation(1, 2, phone(2), T0 + YEAR);
    const r = await h.register(a);
    expect(r.codeName, r.log).to.equal("OK");
    const now = h.nowSeconds();
    expect(h.query("citizen", { address: addr(2) })).to.deep.equal({ address: addr(2), phoneHash: phone(2), attestor: addr(1), expiresAt: T0 + YEAR, registeredAt: now, lastClaimEpoch: 0, seq: 0 });
    expect(r.events.find((e) => e.type === "bhls.citizen_registered")?.attributes).to.deep.equal({ citizen: addr(2), attestor: addr(1), phoneHash: phone(2), expiresAt: String(T0 + YEAR), renewed: "false" });
    expect(h.registry.citizenCount(h.ctx())).to.equal(1n);
    expect(h.query("stability")).to.include({ citizens: "1" });
    expect(h.t.node.query("economy/stability", {})).to.include({ citizens: "1" });
    expect(h.query<{ items: { address: string; citizens: string }[] }>("attestors").items).to.deep.equal([{ address: addr(1), moniker: "a1", addedHeight: 0, citizens: "1" }]);
    expect(h.counters()).to.equal(null);
  });

  it("refuses, each with its own code: unregistered attestor, wrong chain, bad signature, expired, phone hash of another address, address already a citizen under another hash", async () => {
    h = await openBhlsNode({ attestors: [1, 3] });
    expect((await h.register(h.attestation(1, 2, phone(2), T0 + YEAR))).codeName).to.equal("OK");
    // Wrong chain id inside the attestation (signed correctly for that other chain).
    expect((await h.register(h.attestation(1, 4, phone(4), T0 + YEAR, "nexus-other-1"))).codeName).to.equal("BHLS_WRONG_CHAIN");
    // Signed by another key (key 3's signature, attestor 1's public key).
    expect((await h.register(h.attestation(1, 4, phone(4), T0 + YEAR), 3)).codeName).to.equal("BHLS_BAD_ATTESTATION");
    // Expired: expiresAt equal to the block time (seconds) is already expired.
    const at = GENESIS_TIME + 50_000;
    const m = h.registerMsg(h.attestation(1, 4, phone(4), Math.floor(at / 1000)));
    const hash = await h.submit(1, [m], Band.PICO);
    await h.block(at);
    expect(h.receipt(hash).codeName).to.equal("BHLS_ATTESTATION_EXPIRED");
    // The same phone hash for another address.
    expect((await h.register(h.attestation(1, 4, phone(2), T0 + YEAR))).codeName).to.equal("BHLS_PHONE_HASH_IN_USE");
    // Another attestor with the same hash (a shared salt) for another address: still in use.
    expect((await h.register(h.attestation(3, 4, phone(2), T0 + YEAR))).codeName).to.equal("BHLS_PHONE_HASH_IN_USE");
    // Address 2 again under another hash.
    expect((await h.register(h.attestation(1, 2, phone(5), T0 + YEAR))).codeName).to.equal("BHLS_ALREADY_CITIZEN");
    // Unregistered attestor: the authority removes attestor 1 in the same PICO transaction, before its registration.
    const reg = h.registerMsg(h.attestation(1, 4, phone(4), T0 + YEAR));
    const two = await h.submit(1, [{ typeUrl: "/bhls.v1.MsgRemoveAttestor", value: { authority: addr(AUTHORITY), attestor: addr(1) } }, reg], Band.PICO, [AUTHORITY]);
    await h.block();
    const rr = h.receipt(two);
    expect(rr.codeName, rr.log).to.equal("BHLS_UNKNOWN_ATTESTOR");
    // The failed transaction's writes are discarded: attestor 1 is still registered, one citizen.
    expect(h.keeper.isAttestor(h.ctx(), addr(1))).to.equal(true);
    expect(h.registry.citizenCount(h.ctx())).to.equal(1n);
    expect(h.query("citizen", { address: addr(4) })).to.equal(null);
    expect(h.counters()).to.equal(null);
  });

  it("band rules: the message in a NANO transaction is refused (minBand PICO); a PICO transaction from a non-attestor is refused; sender must be the attestor", async () => {
    h = await openBhlsNode({ attestors: [1] });
    const m = h.registerMsg(h.attestation(1, 2, phone(2), T0 + YEAR));
    let err: unknown;
    await h.submit(1, [m], Band.NANO).catch((e: unknown) => (err = e));
    expect((err as { code: string }).code).to.equal("TX_BAND_FORBIDDEN");
    expect((err as Error).message).to.contain("needs band PICO");
    // Key 5 is no attestor: its PICO transaction (any message) is refused at checkTx.
    err = undefined;
    await h.submit(5, [{ typeUrl: "/bhls.v1.MsgClaim", value: { citizen: addr(5) } }], Band.PICO).catch((e: unknown) => (err = e));
    expect((err as { code: string }).code).to.equal("TX_BAND_FORBIDDEN");
    expect((err as Error).message).to.contain("registered attestor");
    // Key 5 relaying attestor 1's attestation: sender ≠ attestation.attestor (refused before the band check's state read).
    err = undefined;
    await h.submit(5, [{ typeUrl: m.typeUrl, value: { ...m.value, sender: addr(5) } }], Band.PICO).catch((e: unknown) => (err = e));
    expect((err as { code: string }).code).to.equal("TX_INVALID_MSG");
    expect((err as Error).message).to.contain("is not the attestation's attestor");
    // An attestor whose registration is removed loses the band.
    await h.ok(AUTHORITY, "/bhls.v1.MsgRemoveAttestor", { authority: addr(AUTHORITY), attestor: addr(1) });
    err = undefined;
    await h.submit(1, [m], Band.PICO).catch((e: unknown) => (err = e));
    expect((err as { code: string }).code).to.equal("TX_BAND_FORBIDDEN");
    expect(h.registry.citizenCount(h.ctx())).to.equal(0n);
  });

  it("re-attestation with the citizen's own hash extends expiresAt, before or after expiry; the exact replay is BHLS_ALREADY_REGISTERED; a shorter one is stale", async () => {
    h = await openBhlsNode({ attestors: [1] });
    const first = h.attestation(1, 2, phone(2), T0 + 100);
    expect((await h.register(first)).codeName).to.equal("OK");
    const registeredAt = h.nowSeconds();
    // The attestor service resubmits after a crash: a distinct code, nothing changes.
    const replay = await h.register(first);
    expect(replay.codeName).to.equal("BHLS_ALREADY_REGISTERED");
    expect(replay.log).to.contain("already registered");
    expect((await h.register(h.attestation(1, 2, phone(2), T0 + 99))).codeName).to.equal("BHLS_STALE_ATTESTATION");
    // Before expiry: extended.
    const r = await h.register(h.attestation(1, 2, phone(2), T0 + 200));
    expect(r.codeName).to.equal("OK");
    expect(r.events.find((e) => e.type === "bhls.citizen_registered")?.attributes.renewed).to.equal("true");
    expect(h.query("citizen", { address: addr(2) })).to.deep.include({ expiresAt: T0 + 200, registeredAt });
    // After expiry (block time T0+250 s): still the same citizen, extended again; the count stays 1.
    await h.block((T0 + 250) * 1000);
    expect((await h.register(h.attestation(1, 2, phone(2), T0 + 240))).codeName).to.equal("BHLS_ATTESTATION_EXPIRED");
    expect((await h.register(h.attestation(1, 2, phone(2), T0 + 1000))).codeName).to.equal("OK");
    expect(h.query("citizen", { address: addr(2) })).to.deep.include({ expiresAt: T0 + 1000, registeredAt });
    expect(h.registry.citizenCount(h.ctx())).to.equal(1n);
    expect(h.counters()).to.equal(null);
  });
});
