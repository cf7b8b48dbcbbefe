import { expect } from "chai";
import { GENESIS_PREV_HASH, type ChainEvent } from "../../runtime/modules/types.ts";
import { ExecContext } from "../../runtime/modules/context.ts";
import { MemoryKV } from "../../runtime/state/memory-kv.ts";
import type { IterateOptions, KVStore } from "../../runtime/state/types.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import { toHex, utf8 } from "../../runtime/crypto/hash.ts";
import { testSigner } from "../../test/helpers/node-harness.ts";
import { BankKeeper, bankConfig } from "../bank/index.ts";
import { BhlsKeeper } from "./keeper/bhls-keeper.ts";
import { BHLS_BRIDGE_ESCROW, BHLS_FLOOR_RESERVE } from "./accounts.ts";
import { phoneHash, signAttestation, verifyAttestation, type Attestation } from "./attestation.ts";
import { splitCategories } from "./categories.ts";
import { BhlsError } from "./errors.ts";
import { BhlsEvents } from "./events.ts";
import * as K from "./keys.ts";
import { bhlsConfig, defaultParams } from "./params.ts";
import type { Citizen } from "./records.ts";

const CHAIN = "nexus-rules-1";
const T = 1_767_225_600_000; // block time, ms
const NOW = T / 1000;
const YEAR = 365 * 86_400;
const NXT = 100_000_000n;
const SHARE = 1150n * NXT; // defaultParams().monthlyAmount
const FLOOR = moduleAddress(BHLS_FLOOR_RESERVE);
const ESCROW = moduleAddress(BHLS_BRIDGE_ESCROW);
const SALT = utf8("keeper-rules-salt");
const addr = (n: number): string => testSigner(n).address;
const phone = (n: number): string => phoneHash(SALT, `+1415555${String(n).padStart(4, "0")}`);
const pubHex = (n: number): string => toHex(testSigner(n).publicKey);

/** Remembers every key written or deleted, so a test can say which records a call touched. */
class Recording implements KVStore {
  written: Uint8Array[] = [];
  constructor(private readonly inner: KVStore) {}
  get(key: Uint8Array): Uint8Array | undefined {
    return this.inner.get(key);
  }
  set(key: Uint8Array, value: Uint8Array): void {
    this.written.push(key.slice());
    this.inner.set(key, value);
  }
  delete(key: Uint8Array): void {
    this.written.push(key.slice());
    this.inner.delete(key);
  }
  *iterate(start: Uint8Array, end: Uint8Array | undefined, opts?: IterateOptions): Iterable<[Uint8Array, Uint8Array]> {
    yield* this.inner.iterate(start, end, opts);
  }
  /** Whether a key of the bhls store prefix `p` (keys.ts) was written. */
  wroteBhls(p: number): boolean {
    const ns = utf8("bhls/");
    return this.written.some((k) => k.length > ns.length && ns.every((b, i) => k[i] === b) && k[ns.length] === p);
  }
}

/** A BhlsKeeper over bank and an in-memory store; the epoch is whatever `epoch.epoch` says. */
function setup(o: { reserve?: bigint; citizens?: number[]; attestors?: number[] } = {}) {
  const bank = new BankKeeper(bankConfig());
  const epoch = { epoch: 1, startMs: T };
  const keeper = new BhlsKeeper(bank, { currentEpoch: () => epoch }, bhlsConfig());
  const store = new Recording(new MemoryKV());
  const ctx = (at = T): ExecContext => new ExecContext({ chainId: CHAIN, height: 3, time: at, proposer: "", prevHash: GENESIS_PREV_HASH }, "deliver", store);
  const g = ctx();
  if (o.reserve) bank.genesisCredit(g, FLOOR, { denom: "nxt", amount: o.reserve });
  for (const n of o.attestors ?? []) keeper.citizens.addAttestor(g, addr(n), `a${n}`);
  for (const n of o.citizens ?? []) keeper.putCitizen(g, citizenRecord(n));
  store.written = [];
  return { bank, keeper, store, ctx, epoch, nxt: (a: string) => bank.balance(ctx(), a, "nxt") };
}

/** A genesis-style citizen (no registration number: always counted) attested by key 1. */
const citizenRecord = (n: number, expiresAt = NOW + YEAR): Citizen => ({ address: addr(n), phoneHash: phone(n), attestor: addr(1), expiresAt, registeredAt: NOW, lastClaimEpoch: 0 });

const attestation = (attestor: number, citizen: number, hash: string, expiresAt: number, chainId = CHAIN): Attestation => ({ chainId, citizen: addr(citizen), phoneHash: hash, expiresAt, attestor: addr(attestor) });
const sig = (a: Attestation, signer: number): string => signAttestation(a, testSigner(signer).secretKey);

function caught(f: () => unknown): BhlsError {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(BhlsError);
    return e as BhlsError;
  }
  throw new Error("did not throw");
}

function expectRefusal(f: () => unknown, code: string, message: string, context: Record<string, unknown>): void {
  const e = caught(f);
  expect({ code: e.code, message: e.message, context: e.context }).to.deep.equal({ code, message, context });
}

const ofType = (events: readonly ChainEvent[], type: string): Readonly<Record<string, string>>[] => events.filter((e) => e.type === type).map((e) => e.attributes);

describe("bhls keeper: every rule's boundary, refusal and event", () => {
  describe("pure rules and attestation checks", () => {
    it("splitCategories refuses a negative amount with a RangeError naming itself", () => {
      expect(() => splitCategories(-1n)).to.throw(RangeError, /^splitCategories: negative amount$/);
    });

    it("verifyAttestation refuses (false, no throw) a key or signature that is not exactly 64/128 lowercase hex digits", () => {
      const a = attestation(1, 2, phone(2), NOW + YEAR);
      const pub = pubHex(1);
      const s = sig(a, 1);
      expect(verifyAttestation(a, pub, s)).to.equal(true);
      // "0x…" would parse as the same key/signature: only the anchors keep it out.
      for (const bad of ["0x" + pub, "0" + pub, pub + "0", "zz" + pub, pub + "zz"]) expect(verifyAttestation(a, bad, s), `pub ${bad}`).to.equal(false);
      for (const bad of ["0x" + s, "0" + s, s + "0", "zz" + s, s + "zz"]) expect(verifyAttestation(a, pub, bad), `sig ${bad}`).to.equal(false);
    });
  });

  describe("attestors", () => {
    it("adding a registered attestor again is BHLS_ATTESTOR_EXISTS; removing an unknown one is BHLS_UNKNOWN_ATTESTOR", () => {
      const { keeper, ctx } = setup({ attestors: [1] });
      expectRefusal(() => keeper.citizens.addAttestor(ctx(), addr(1), "again"), "BHLS_ATTESTOR_EXISTS", `${addr(1)} is already a registered attestor`, { attestor: addr(1) });
      expectRefusal(() => keeper.citizens.removeAttestor(ctx(), addr(3)), "BHLS_UNKNOWN_ATTESTOR", `${addr(3)} is not a registered attestor`, { attestor: addr(3) });
    });

    it("removing an attestor reports how many of its citizens stay registered", () => {
      const { keeper, ctx } = setup({ attestors: [1], citizens: [2, 4] });
      const c = ctx();
      keeper.citizens.removeAttestor(c, addr(1));
      expect(ofType(c.events, BhlsEvents.AttestorRemoved)).to.deep.equal([{ attestor: addr(1), citizens: "2" }]);
      expect(keeper.isAttestor(ctx(), addr(1))).to.equal(false);
    });
  });

  describe("registration", () => {
    it("each refusal has its code, message and context: unknown attestor, wrong chain, bad signature, expired at block time, phone hash taken, already a citizen", () => {
      const { keeper, ctx } = setup({ attestors: [1], citizens: [2] });
      const reg = (a: Attestation, signer = 1, at = T) => () => keeper.registerCitizen(ctx(at), a, pubHex(signer), sig(a, signer));
      const byUnknown = attestation(5, 3, phone(3), NOW + YEAR);
      expectRefusal(reg(byUnknown, 5), "BHLS_UNKNOWN_ATTESTOR", `${addr(5)} is not a registered attestor`, { attestor: addr(5) });
      expectRefusal(reg(attestation(1, 3, phone(3), NOW + YEAR, "other-chain")), "BHLS_WRONG_CHAIN", `the attestation is for chain "other-chain", this is "${CHAIN}"`, {
        chainId: "other-chain",
        expected: CHAIN,
      });
      // Key 5's signature under attestor 1's public key.
      const a3 = attestation(1, 3, phone(3), NOW + YEAR);
      expectRefusal(() => keeper.registerCitizen(ctx(), a3, pubHex(1), sig(a3, 5)), "BHLS_BAD_ATTESTATION", `the signature is not ${addr(1)}'s over this attestation`, { attestor: addr(1) });
      // expiresAt equal to block time (seconds, ms floored) is already expired.
      expectRefusal(reg(attestation(1, 3, phone(3), NOW + 10), 1, T + 10_999), "BHLS_ATTESTATION_EXPIRED", `the attestation expired at ${NOW + 10}; block time is ${NOW + 10}`, { expiresAt: NOW + 10, now: NOW + 10 });
      expectRefusal(reg(attestation(1, 3, phone(2), NOW + YEAR)), "BHLS_PHONE_HASH_IN_USE", `phone hash ${phone(2)} is already ${addr(2)}'s`, { phoneHash: phone(2) });
      expectRefusal(reg(attestation(1, 2, phone(9), NOW + YEAR)), "BHLS_ALREADY_CITIZEN", `${addr(2)} is already a citizen under another phone hash`, { citizen: addr(2) });
      expect(keeper.citizenCount(ctx())).to.equal(1n);
    });

    it("a first registration is not a renewal; a later expiry from another attestor renews and moves the citizen between the attestors' counts", () => {
      const { keeper, ctx } = setup({ attestors: [1, 3] });
      const reg = (attestor: number, citizen: number, expiresAt: number) => {
        const a = attestation(attestor, citizen, phone(citizen), expiresAt);
        const c = ctx();
        const r = keeper.registerCitizen(c, a, pubHex(attestor), sig(a, attestor));
        return { r, events: ofType(c.events, BhlsEvents.CitizenRegistered) };
      };
      const first = reg(1, 2, NOW + 100);
      expect(first.r.renewed).to.equal(false);
      expect(first.events[0]).to.include({ renewed: "false" });
      reg(1, 4, NOW + 100);
      expect([keeper.citizens.attestorCitizens(ctx(), addr(1)), keeper.citizens.attestorCitizens(ctx(), addr(3))]).to.deep.equal([2n, 0n]);
      const moved = reg(3, 2, NOW + 200);
      expect(moved.r.renewed).to.equal(true);
      expect(moved.r.citizen).to.include({ attestor: addr(3), expiresAt: NOW + 200 });
      expect([keeper.citizens.attestorCitizens(ctx(), addr(1)), keeper.citizens.attestorCitizens(ctx(), addr(3)), keeper.citizenCount(ctx())]).to.deep.equal([1n, 1n, 2n]);
      reg(3, 4, NOW + 200);
      expect([keeper.citizens.attestorCitizens(ctx(), addr(1)), keeper.citizens.attestorCitizens(ctx(), addr(3)), keeper.citizenCount(ctx())]).to.deep.equal([0n, 2n, 2n]);
      // A count that reaches 0 is removed, not stored as 0.
      expect(K.AttestorCitizens.has(ctx(), addr(1))).to.equal(false);
    });

    it("a re-attestation: same expiry and attestor is BHLS_ALREADY_REGISTERED; same expiry from another attestor, or an earlier one, is BHLS_STALE_ATTESTATION; one second later renews", () => {
      const { keeper, ctx } = setup({ attestors: [1, 3] });
      const reg = (a: Attestation, signer: number) => () => keeper.registerCitizen(ctx(), a, pubHex(signer), sig(a, signer));
      reg(attestation(1, 2, phone(2), NOW + 100), 1)();
      expectRefusal(reg(attestation(1, 2, phone(2), NOW + 100), 1), "BHLS_ALREADY_REGISTERED", `${addr(2)} is already registered by this attestation (expires ${NOW + 100})`, {
        citizen: addr(2),
        expiresAt: NOW + 100,
      });
      const stale = (expiresAt: number) => `${addr(2)}'s registration already runs to ${NOW + 100}; this attestation ends at ${expiresAt}`;
      expectRefusal(reg(attestation(3, 2, phone(2), NOW + 100), 3), "BHLS_STALE_ATTESTATION", stale(NOW + 100), { citizen: addr(2), expiresAt: NOW + 100 });
      expectRefusal(reg(attestation(1, 2, phone(2), NOW + 99), 1), "BHLS_STALE_ATTESTATION", stale(NOW + 99), { citizen: addr(2), expiresAt: NOW + 100 });
      // Nothing moved by the refusals.
      expect(keeper.citizen(ctx(), addr(2))).to.include({ attestor: addr(1), expiresAt: NOW + 100 });
      expect(reg(attestation(1, 2, phone(2), NOW + 101), 1)()).to.deep.include({ renewed: true });
      expect(keeper.citizen(ctx(), addr(2))).to.include({ attestor: addr(1), expiresAt: NOW + 101 });
    });

    it("a renewal by the same attestor writes the citizen record only: no counter is touched", () => {
      const { keeper, ctx, store } = setup({ attestors: [1], citizens: [2] });
      const a = attestation(1, 2, phone(2), NOW + 2 * YEAR);
      keeper.registerCitizen(ctx(), a, pubHex(1), sig(a, 1));
      expect(store.wroteBhls(K.CITIZEN_PREFIX)).to.equal(true);
      expect([store.wroteBhls(K.CITIZEN_COUNT_PREFIX), store.wroteBhls(K.ATTESTOR_CITIZENS_PREFIX)]).to.deep.equal([false, false]);
      expect([keeper.citizenCount(ctx()), keeper.citizens.attestorCitizens(ctx(), addr(1))]).to.deep.equal([1n, 1n]);
    });
  });

  describe("revocation", () => {
    it("revoking a batch of n lowers the attestor's count and the total by n; a batch of 0 writes no counter", () => {
      const { keeper, ctx, store } = setup({ attestors: [1, 3], citizens: [2, 4, 5] });
      const none = keeper.citizens.revoke(ctx(), addr(3), 10);
      expect(none).to.deep.equal({ revoked: 0, remaining: 0n });
      expect([store.wroteBhls(K.CITIZEN_COUNT_PREFIX), store.wroteBhls(K.ATTESTOR_CITIZENS_PREFIX)]).to.deep.equal([false, false]);
      const c = ctx();
      expect(keeper.citizens.revoke(c, addr(1), 2)).to.deep.equal({ revoked: 2, remaining: 1n });
      expect(ofType(c.events, BhlsEvents.CitizensRevoked)).to.deep.equal([{ attestor: addr(1), revoked: "2", remaining: "1" }]);
      expect([keeper.citizenCount(ctx()), keeper.citizens.attestorCitizens(ctx(), addr(1))]).to.deep.equal([1n, 1n]);
    });
  });

  describe("claims", () => {
    it("refusals carry their message and context: not a citizen, already claimed this epoch", () => {
      const { keeper, ctx } = setup({ reserve: 10n * SHARE, attestors: [1], citizens: [2] });
      expectRefusal(() => keeper.claim(ctx(), addr(5)), "BHLS_NOT_CITIZEN", `${addr(5)} is not a citizen`, { citizen: addr(5) });
      keeper.claim(ctx(), addr(2));
      expectRefusal(() => keeper.claim(ctx(), addr(2)), "BHLS_ALREADY_CLAIMED", `${addr(2)} has claimed in epoch 1`, { citizen: addr(2), epoch: 1 });
    });

    it("a citizen whose expiresAt equals the block time (seconds) is expired; one second earlier it is paid", () => {
      const { keeper, ctx, nxt } = setup({ reserve: 10n * SHARE, attestors: [1] });
      keeper.putCitizen(ctx(), citizenRecord(2, NOW + 30));
      expectRefusal(() => keeper.claim(ctx(T + 30_999), addr(2)), "BHLS_CITIZEN_EXPIRED", `${addr(2)}'s attestation expired at ${NOW + 30}: re-attest to claim`, { citizen: addr(2), expiresAt: NOW + 30 });
      expect(nxt(addr(2))).to.equal(0n);
      expect(keeper.claim(ctx(T + 29_999), addr(2)).amount).to.equal(SHARE);
      expect(nxt(addr(2))).to.equal(SHARE);
    });

    it("an unknown bridge chain is refused naming the configured chains, comma-joined, or \"none\"", () => {
      const { keeper, ctx } = setup({ reserve: 10n * SHARE, attestors: [1], citizens: [2] });
      const dest = { chain: "solana", address: "x" };
      keeper.setParams(ctx(), { ...defaultParams(), bridgeChains: ["evm", "polkadot"] });
      expectRefusal(() => keeper.claim(ctx(), addr(2), dest), "BHLS_UNKNOWN_BRIDGE_CHAIN", `"solana" is not a bridged chain (evm, polkadot)`, { chain: "solana" });
      keeper.setParams(ctx(), { ...defaultParams(), bridgeChains: [] });
      expectRefusal(() => keeper.claim(ctx(), addr(2), dest), "BHLS_UNKNOWN_BRIDGE_CHAIN", `"solana" is not a bridged chain (none)`, { chain: "solana" });
    });

    it("a citizen registered after the epoch's share was fixed is BHLS_NOT_YET_ELIGIBLE, with its address and epoch", () => {
      const { keeper, ctx } = setup({ reserve: 10n * SHARE, attestors: [1], citizens: [2] });
      keeper.claim(ctx(), addr(2));
      const a = attestation(1, 3, phone(3), NOW + YEAR);
      keeper.registerCitizen(ctx(), a, pubHex(1), sig(a, 1));
      expectRefusal(() => keeper.claim(ctx(), addr(3)), "BHLS_NOT_YET_ELIGIBLE", `${addr(3)} registered after epoch 1's share was fixed: its first claim is in epoch 2`, { citizen: addr(3), epoch: 1 });
    });

    it("a claim signed for another epoch is BHLS_WRONG_EPOCH and pays nothing; one for the block's epoch pays once", () => {
      const { keeper, ctx, epoch, nxt } = setup({ reserve: 10n * SHARE, attestors: [1], citizens: [2, 3] });
      const c = ctx();
      expectRefusal(() => keeper.claim(c, addr(2), undefined, 2), "BHLS_WRONG_EPOCH", "the claim is for epoch 2, the chain is in epoch 1", { citizen: addr(2), epoch: 1, forEpoch: 2 });
      expect(ofType(c.events, BhlsEvents.Claim)).to.deep.equal([]);
      expect(nxt(addr(2))).to.equal(0n);
      expect(keeper.claim(ctx(), addr(2), undefined, 1)).to.deep.equal({ epoch: 1, amount: SHARE });
      expect(nxt(addr(2))).to.equal(SHARE);
      expectRefusal(() => keeper.claim(ctx(), addr(2), undefined, 1), "BHLS_ALREADY_CLAIMED", `${addr(2)} has claimed in epoch 1`, { citizen: addr(2), epoch: 1 });
      // Signed in epoch 1, landing in epoch 2: refused, so it cannot become the next epoch's claim.
      epoch.epoch = 2;
      expectRefusal(() => keeper.claim(ctx(), addr(3), undefined, 1), "BHLS_WRONG_EPOCH", "the claim is for epoch 1, the chain is in epoch 2", { citizen: addr(3), epoch: 2, forEpoch: 1 });
      expect(nxt(addr(3))).to.equal(0n);
    });

    it("a share of 0 (empty reserve) is BHLS_RESERVE_EXHAUSTED and pays nothing", () => {
      const { keeper, ctx, nxt } = setup({ reserve: 0n, attestors: [1], citizens: [2] });
      const c = ctx();
      expectRefusal(() => keeper.claim(c, addr(2)), "BHLS_RESERVE_EXHAUSTED", "the floor reserve holds 0, epoch 1's share is 0", { epoch: 1, share: "0", reserve: "0" });
      expect(ofType(c.events, BhlsEvents.Claim)).to.deep.equal([]);
      expect(nxt(addr(2))).to.equal(0n);
    });

    it("a reserve one unit below the fixed share is BHLS_RESERVE_EXHAUSTED, nothing paid; a reserve of exactly the share pays it", () => {
      const { keeper, bank, ctx, nxt } = setup({ reserve: 2n * SHARE, attestors: [1], citizens: [2, 3] });
      keeper.claim(ctx(), addr(2)); // fixes the share: min(1150 NXT, 2 shares / 2)
      // The reserve drained by something else (the share stays fixed for the epoch).
      bank.send(ctx(), FLOOR, addr(9), [{ denom: "nxt", amount: 1n }]);
      const c = ctx();
      expectRefusal(() => keeper.claim(c, addr(3)), "BHLS_RESERVE_EXHAUSTED", `the floor reserve holds ${SHARE - 1n}, epoch 1's share is ${SHARE}`, {
        epoch: 1,
        share: SHARE.toString(),
        reserve: (SHARE - 1n).toString(),
      });
      expect([nxt(addr(3)), nxt(FLOOR)]).to.deep.equal([0n, SHARE - 1n]);
      bank.genesisCredit(ctx(), FLOOR, { denom: "nxt", amount: 1n });
      expect(keeper.claim(ctx(), addr(3)).amount).to.equal(SHARE);
      expect([nxt(addr(3)), nxt(FLOOR)]).to.deep.equal([SHARE, 0n]);
    });
  });

  describe("bridge deliveries", () => {
    /** Citizens 2, 3, 4 claim to evm, polkadot, evm: bridge claims 0, 1, 2. */
    function bridged() {
      const s = setup({ reserve: 10n * SHARE, attestors: [1], citizens: [2, 3, 4] });
      for (const [n, chain] of [[2, "evm"], [3, "polkadot"], [4, "evm"]] as const) s.keeper.claim(s.ctx(), addr(n), { chain, address: `dest-${n}` });
      return s;
    }
    const ids = (cs: readonly { id: number }[]): number[] => cs.map((c) => c.id);

    it("bridgeClaimsFor returns the claims of the given chains only, oldest first, at most `limit`", () => {
      const { keeper, ctx } = bridged();
      const evm = new Set(["evm"]);
      expect(ids(keeper.bridgeClaimsFor(ctx(), evm, 0))).to.deep.equal([]);
      expect(ids(keeper.bridgeClaimsFor(ctx(), evm, 1))).to.deep.equal([0]);
      expect(ids(keeper.bridgeClaimsFor(ctx(), evm, 2))).to.deep.equal([0, 2]);
      expect(ids(keeper.bridgeClaimsFor(ctx(), evm, 10))).to.deep.equal([0, 2]);
      expect(ids(keeper.bridgeClaimsFor(ctx(), new Set(["evm", "polkadot"]), 2))).to.deep.equal([0, 1]);
      expect(ids(keeper.bridgeClaimsFor(ctx(), new Set(["cosmos"]), 10))).to.deep.equal([]);
      expect(keeper.bridgeClaimsFor(ctx(), new Set(["polkadot"]), 10)).to.deep.equal([{ id: 1, citizen: addr(3), chain: "polkadot", address: "dest-3", amount: SHARE.toString(), epoch: 1, height: 3 }]);
    });

    it("releaseBridgeClaim pays the escrowed amount to `to`, forgets the claim, lowers the escrowed total and emits BridgeClaimReleased", () => {
      const { keeper, ctx, nxt } = bridged();
      expect([nxt(ESCROW), keeper.claims.escrowed(ctx())]).to.deep.equal([3n * SHARE, 3n * SHARE]);
      const c = ctx();
      keeper.releaseBridgeClaim(c, 1, addr(9));
      expect([nxt(addr(9)), nxt(ESCROW), keeper.claims.escrowed(ctx())]).to.deep.equal([SHARE, 2n * SHARE, 2n * SHARE]);
      expect(K.BridgeClaims.has(ctx(), 1)).to.equal(false);
      expect(ids(keeper.bridgeClaimsFor(ctx(), new Set(["evm", "polkadot"]), 10))).to.deep.equal([0, 2]);
      expect(ofType(c.events, BhlsEvents.BridgeClaimReleased)).to.deep.equal([{ id: "1", citizen: addr(3), chain: "polkadot", to: addr(9), amount: SHARE.toString() }]);
    });

    it("releasing a claim that is not escrowed (unknown or already released) is BHLS_UNKNOWN_BRIDGE_CLAIM, nothing paid", () => {
      const { keeper, ctx, nxt } = bridged();
      expectRefusal(() => keeper.releaseBridgeClaim(ctx(), 7, addr(9)), "BHLS_UNKNOWN_BRIDGE_CLAIM", "no escrowed bridge claim 7", { id: 7 });
      keeper.releaseBridgeClaim(ctx(), 0, addr(9));
      expectRefusal(() => keeper.releaseBridgeClaim(ctx(), 0, addr(9)), "BHLS_UNKNOWN_BRIDGE_CLAIM", "no escrowed bridge claim 0", { id: 0 });
      expect([nxt(addr(9)), keeper.claims.escrowed(ctx())]).to.deep.equal([SHARE, 2n * SHARE]);
    });
  });
});
