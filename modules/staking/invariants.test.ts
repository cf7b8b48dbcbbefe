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

async function apply(h: Harness, op: Op): Promise<void> {
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
    try {
      await h.submit(n, [{ typeUrl, value }]);
    } catch {
      // admission refusals (e.g. schema) are part of the game
    }
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
  it("pools, shares, rewards and supply stay consistent over a few hundred random steps", async function () {
    this.timeout(300_000);
    let steps = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 150, maxLength: 150 }), fc.array(fc.boolean(), { minLength: 150, maxLength: 150 }), async (ops, cut) => {
        const h = await openStakingNode({
          validators: [{ n: 0, nxt: 300n }, { n: 1, nxt: 100n }, { n: 2, nxt: 50n }],
          params: { maxValidators: 3, unbondingTimeMs: 86_400_000, signedBlocksWindow: 8, minSignedPerWindowBps: 5000, downtimeJailDurationMs: 3_600_000, maxEntries: 3 },
        });
        try {
          consensusPlan.record = true;
          for (const [i, op] of ops.entries()) {
            await apply(h, op);
            steps++;
            // The node checks every invariant after every block (checkInvariants: true) and throws
            // APP_INVARIANT_BROKEN if one fails.
            if (cut[i]) await h.block();
          }
          await h.block();
          expect(h.invariants()).to.deep.equal([]);
        } finally {
          await h.close();
        }
      }),
      { numRuns: 2, seed: 20260101 },
    );
    expect(steps).to.equal(300);
  });
});
