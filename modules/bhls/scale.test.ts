// Nothing in a claim walks citizens: the first claim of an epoch (which fixes its share) and
// any later claim ask the store the same things with 10 citizens as with 2 000.
import { GENESIS_PREV_HASH } from "../../runtime/modules/types.ts";
import { expect } from "chai";
import { MemoryKV } from "../../runtime/state/memory-kv.ts";
import type { IterateOptions, KVStore } from "../../runtime/state/types.ts";
import { ExecContext } from "../../runtime/modules/context.ts";
import { moduleAddress, addressFor } from "../../runtime/crypto/address.ts";
import { sha256, toHex, utf8 } from "../../runtime/crypto/hash.ts";
import { BankKeeper, bankConfig } from "../bank/index.ts";
import { BhlsKeeper } from "./keeper/bhls-keeper.ts";
import { bhlsConfig } from "./params.ts";
import { BHLS_FLOOR_RESERVE } from "./accounts.ts";

class Counting implements KVStore {
  gets = 0;
  sets = 0;
  iterations = 0;
  constructor(private readonly inner: KVStore) {}
  get(key: Uint8Array): Uint8Array | undefined {
    this.gets++;
    return this.inner.get(key);
  }
  set(key: Uint8Array, value: Uint8Array): void {
    this.sets++;
    this.inner.set(key, value);
  }
  delete(key: Uint8Array): void {
    this.inner.delete(key);
  }
  *iterate(start: Uint8Array, end: Uint8Array | undefined, opts?: IterateOptions): Iterable<[Uint8Array, Uint8Array]> {
    this.iterations++;
    yield* this.inner.iterate(start, end, opts);
  }
}

const T = 1_767_225_600_000;
const fakeAddress = (i: number): string => addressFor("ed25519", sha256(utf8(`citizen-${i}`)));

function opsOfClaims(citizens: number): { first: { gets: number; sets: number; iterations: number }; second: { gets: number; sets: number; iterations: number } } {
  const bank = new BankKeeper(bankConfig());
  const epoch = { epoch: 1, startMs: T };
  const keeper = new BhlsKeeper(bank, { currentEpoch: () => epoch }, bhlsConfig());
  const base = new MemoryKV();
  const g = new ExecContext({ chainId: "t", height: 0, time: T, proposer: "", prevHash: GENESIS_PREV_HASH }, "genesis", base);
  bank.genesisCredit(g, moduleAddress(BHLS_FLOOR_RESERVE), { denom: "nxt", amount: 10n ** 18n });
  for (let i = 0; i < citizens; i++) {
    keeper.putCitizen(g, { address: fakeAddress(i), phoneHash: toHex(sha256(utf8(`p${i}`))), attestor: fakeAddress(-1), expiresAt: T / 1000 + 1000, registeredAt: T / 1000, lastClaimEpoch: 0 });
  }
  expect(keeper.citizenCount(g)).to.equal(BigInt(citizens));
  const measure = (who: number) => {
    const top = new Counting(base);
    const ctx = new ExecContext({ chainId: "t", height: 5, time: T + 1000, proposer: "", prevHash: GENESIS_PREV_HASH }, "deliver", top);
    const r = keeper.claim(ctx, fakeAddress(who));
    expect(r.amount).to.equal(1150n * 100_000_000n);
    return { top, ctx };
  };
  // The first claim of epoch 1 (fixes the share), then a second citizen's claim.
  const a = measure(0);
  const first = { gets: a.top.gets, sets: a.top.sets, iterations: a.top.iterations };
  const b = measure(1);
  return { first, second: { gets: b.top.gets, sets: b.top.sets, iterations: b.top.iterations } };
}

describe("bhls: claims do not walk citizens", () => {
  it("the same store reads and writes, and no range scan, with 10 and with 2 000 citizens", () => {
    const small = opsOfClaims(10);
    const big = opsOfClaims(2000);
    expect(big).to.deep.equal(small);
    expect(small.first.iterations).to.equal(0);
    expect(small.second.iterations).to.equal(0);
  });
});
