import { expect } from "chai";
import fc from "fast-check";
import { StakingTypeUrls as T } from "./index.ts";
import { addr, consKey, consensusPlan, openStakingNode, NXT, type Harness } from "./testing.ts";

type Op =
  | { k: "delegate"; d: number; v: number; amount: bigint }
  | { k: "undelegate"; d: number; v: number; pct: number }
  | { k: "redelegate"; d: number; src: number; dst: number; pct: number }
  | { k: "create"; v: number; amount: bigint }
  | { k: "withdraw"; d: number; v: number }
  | { k: "commission"; v: number }
  | { k: "time"; ms: number }
  | { k: "evidence"; v: number; back: number; fire: number }
  | { k: "offline"; v: number; on: boolean }
  | { k: "unjail"; v: number };

const VALS = [0, 1, 2, 3, 4];
const DELS = [5, 6, 7, 8];
const val = fc.constantFrom(...VALS);
const del = fc.constantFrom(...DELS, ...VALS);
const pct = fc.integer({ min: 1, max: 100 });

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ k: fc.constant("delegate" as const), d: del, v: val, amount: fc.bigInt({ min: 1n, max: 60n * NXT }) }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant("undelegate" as const), d: del, v: val, pct }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant("redelegate" as const), d: del, src: val, dst: val, pct }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("create" as const), v: fc.constantFrom(3, 4), amount: fc.bigInt({ min: NXT / 2n, max: 200n * NXT }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("withdraw" as const), d: del, v: val }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("commission" as const), v: val }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("time" as const), ms: fc.integer({ min: 1, max: 2 * 86_400_000 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("evidence" as const), v: val, back: fc.integer({ min: 0, max: 20 }), fire: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("offline" as const), v: val, on: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("unjail" as const), v: val }) },
);

/** What each operation did: refused at admission (by code), or a transaction awaiting its receipt. */
interface Tally {
  refused: Map<string, number>;
  receipts: Map<string, number>;
  pending: { kind: Op["k"]; hash: string }[];
}
const bump = (m: Map<string, number>, k: string): void => void m.set(k, (m.get(k) ?? 0) + 1);

async function apply(h: Harness, op: Op, tally: Tally): Promise<void> {
  const tokensOf = (d: number, v: number): bigint => h.keeper.delegationTokens(h.ctx(), addr(d), addr(v));
  const part = (d: number, v: number, p: number): string => {
    const t = tokensOf(d, v);
    return (t * BigInt(p) / 100n > 0n ? (t * BigInt(p)) / 100n : 1n).toString();
  };
  /** Prefer a validator the delegator actually has stake with, so most unbonds do something. */
  const held = (d: number, v: number): number => {
    if (tokensOf(d, v) > 0n) return v;
    for (const x of h.keeper.store.delegationsOf(h.ctx(), addr(d))) return VALS.find((n) => addr(n) === x.validator) ?? v;
    return v;
  };
  const tx = async (n: number, typeUrl: string, value: Record<string, unknown>): Promise<void> => {
    let hash: string;
    try {
      hash = await h.submit(n, [{ typeUrl, value }]);
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (typeof code !== "string") throw e;
      bump(tally.refused, `${op.k} ${code}`);
      return;
    }
    tally.pending.push({ kind: op.k, hash });
  };
  switch (op.k) {
    case "delegate":
      return tx(op.d, T.Delegate, { delegator: addr(op.d), validator: addr(op.v), amount: op.amount.toString() });
    case "undelegate":
      op = { ...op, v: held(op.d, op.v) };
      return tx(op.d, T.Undelegate, { delegator: addr(op.d), validator: addr(op.v), amount: part(op.d, op.v, op.pct) });
    case "redelegate":
      op = { ...op, src: held(op.d, op.src) };
      return tx(op.d, T.BeginRedelegate, { delegator: addr(op.d), srcValidator: addr(op.src), dstValidator: addr(op.dst), amount: part(op.d, op.src, op.pct) });
    case "create":
      return tx(op.v, T.CreateValidator, { operator: addr(op.v), consensusPubKey: consKey(op.v), band: op.v + 1, moniker: `v${op.v}`, amount: op.amount.toString() });
    case "withdraw":
      return tx(op.d, T.WithdrawRewards, { delegator: addr(op.d), validator: addr(op.v) });
    case "commission":
      return tx(op.v, T.WithdrawCommission, { operator: addr(op.v) });
    case "time":
      h.t.clock.t += op.ms;
      return;
    case "evidence":
      if (op.fire !== 0) return; // keep double signs rare, or every validator ends up tombstoned
      consensusPlan.evidence.push({ id: op.v % 2 ? consKey(op.v) : addr(op.v), height: Math.max(1, h.height - op.back) });
      return;
    case "offline":
      if (op.on) consensusPlan.offline.add(addr(op.v));
      else consensusPlan.offline.delete(addr(op.v));
      return;
    case "unjail":
      return tx(op.v, T.Unjail, { operator: addr(op.v) });
  }
}

describe("staking: invariants under randomized operations (fast-check)", () => {
  it("pools, shares, rewards and supply stay consistent over 300 random steps, with each kind of operation committing and failing only with expected codes", async function () {
    this.timeout(300_000);
    let steps = 0;
    const tally: Tally = { refused: new Map(), receipts: new Map(), pending: [] };
    const settle = (h: Harness): void => {
      for (const p of tally.pending) {
        const r = h.receipt(p.hash); // throws unless committed
        bump(tally.receipts, `${p.kind} ${r.codeName}`);
      }
      tally.pending = [];
    };
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 150, maxLength: 150 }), fc.array(fc.boolean(), { minLength: 150, maxLength: 150 }), async (ops, cut) => {
        const h = await openStakingNode({
          validators: [{ n: 0, nxt: 300n }, { n: 1, nxt: 100n }, { n: 2, nxt: 50n }],
          params: { maxValidators: 3, unbondingTimeMs: 86_400_000, signedBlocksWindow: 8, minSignedPerWindowBps: 5000, downtimeJailDurationMs: 3_600_000, maxEntries: 3 },
        });
        try {
          consensusPlan.record = true;
          for (const [i, op] of ops.entries()) {
            await apply(h, op, tally);
            steps++;
            // The node checks every invariant after every block (checkInvariants: true) and throws
            // APP_INVARIANT_BROKEN if one fails.
            if (cut[i]) {
              await h.block();
              settle(h);
            }
          }
          await h.block();
          settle(h);
          expect(h.invariants()).to.deep.equal([]);
        } finally {
          await h.close();
        }
      }),
      { numRuns: 2, seed: 20260101 },
    );
    expect(steps).to.equal(300);
    // Every operation was admitted: none is refused at checkTx, whatever the code.
    expect([...tally.refused]).to.deep.equal([]);
    // Each failure is one the operation can meet by design; anything else (an internal error,
    // a bank error where staking should have refused first) fails here.
    const allowed: Record<Op["k"], string[]> = {
      delegate: ["STAKING_TOMBSTONED", "STAKING_VALIDATOR_NOT_FOUND", "BANK_INSUFFICIENT_FUNDS"],
      undelegate: ["STAKING_DELEGATION_NOT_FOUND", "STAKING_VALIDATOR_NOT_FOUND", "STAKING_TOO_MANY_ENTRIES", "STAKING_INSUFFICIENT_SHARES"],
      redelegate: ["STAKING_SELF_REDELEGATION", "STAKING_TOMBSTONED", "STAKING_TRANSITIVE_REDELEGATION", "STAKING_VALIDATOR_NOT_FOUND", "STAKING_DELEGATION_NOT_FOUND", "STAKING_TOO_MANY_ENTRIES", "STAKING_INSUFFICIENT_SHARES"],
      create: ["STAKING_VALIDATOR_EXISTS", "STAKING_PUBKEY_IN_USE", "STAKING_SELF_DELEGATION_TOO_LOW", "BANK_INSUFFICIENT_FUNDS"],
      withdraw: ["STAKING_DELEGATION_NOT_FOUND", "STAKING_VALIDATOR_NOT_FOUND"],
      commission: ["STAKING_VALIDATOR_NOT_FOUND"],
      unjail: ["STAKING_NOT_JAILED", "STAKING_TOMBSTONED", "STAKING_VALIDATOR_NOT_FOUND", "STAKING_JAIL_PERIOD_ACTIVE"],
      time: [],
      evidence: [],
      offline: [],
    };
    for (const [key, n] of tally.receipts) {
      const [kind, code] = key.split(" ") as [Op["k"], string];
      if (code !== "OK") expect(allowed[kind], `${n} × ${kind} failed with ${code}`).to.include(code);
    }
    // How many of each committed, and how: fixed by the seed (the harness clock is simulated),
    // so a change here means staking now behaves differently on the same operations.
    expect(Object.fromEntries([...tally.receipts].sort())).to.deep.equal({
      "commission OK": 10,
      "create OK": 4,
      "create STAKING_VALIDATOR_EXISTS": 14,
      "delegate OK": 66,
      "delegate STAKING_TOMBSTONED": 11,
      "delegate STAKING_VALIDATOR_NOT_FOUND": 5,
      "redelegate OK": 21,
      "redelegate STAKING_SELF_REDELEGATION": 13,
      "redelegate STAKING_TOMBSTONED": 4,
      "redelegate STAKING_TRANSITIVE_REDELEGATION": 2,
      "redelegate STAKING_VALIDATOR_NOT_FOUND": 2,
      "undelegate OK": 37,
      "undelegate STAKING_DELEGATION_NOT_FOUND": 4,
      "undelegate STAKING_VALIDATOR_NOT_FOUND": 5,
      "unjail OK": 4,
      "unjail STAKING_NOT_JAILED": 13,
      "unjail STAKING_TOMBSTONED": 1,
      "unjail STAKING_VALIDATOR_NOT_FOUND": 2,
      "withdraw OK": 8,
      "withdraw STAKING_DELEGATION_NOT_FOUND": 8,
    });
  });
});
