// Property tests (fast-check, fixed seeds) over random operation sequences on the keeper:
// k never decreases across a swap, reserves equal the module account's balances, LP supply
// equals minted minus burned, the share value sqrt(k)/totalSupply never falls, nothing is
// created: per denomination the sum of all balances is unchanged.
import { expect } from "chai";
import fc from "fast-check";
import { MemoryDex, addr } from "./testing.ts";
import { lpDenom } from "./params.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import type { Pool } from "./keys.ts";

const DENOMS = ["nxt", "usdc", "weth"] as const;
const USERS = [addr(0), addr(1), addr(2)];
const START = 10n ** 24n;
const PAIRS: [string, string][] = [
  ["usdc", "weth"],
  ["nxt", "usdc"],
];

type Op =
  | { kind: "add"; user: number; pool: number; a: bigint; b: bigint }
  | { kind: "remove"; user: number; pool: number; permille: number }
  | { kind: "swapIn"; user: number; route: readonly string[]; amount: bigint }
  | { kind: "swapOut"; user: number; route: readonly string[]; amount: bigint }
  | { kind: "rawSwap"; user: number; pool: number; in0: bigint; out1: bigint }
  | { kind: "wait"; seconds: number };

const amount = fc.oneof(fc.bigInt({ min: 1n, max: 2000n }), fc.bigInt({ min: 1n, max: 10n ** 21n }));
const route = fc.constantFrom(["usdc", "weth"], ["weth", "usdc"], ["nxt", "usdc"], ["usdc", "nxt"], ["nxt", "usdc", "weth"], ["weth", "usdc", "nxt"]);
const user = fc.integer({ min: 0, max: 2 });
const pool = fc.integer({ min: 0, max: 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("add" as const), user, pool, a: amount, b: amount }),
  fc.record({ kind: fc.constant("remove" as const), user, pool, permille: fc.integer({ min: 1, max: 1000 }) }),
  fc.record({ kind: fc.constant("swapIn" as const), user, route, amount }),
  fc.record({ kind: fc.constant("swapOut" as const), user, route, amount }),
  fc.record({ kind: fc.constant("rawSwap" as const), user, pool, in0: amount, out1: amount }),
  fc.record({ kind: fc.constant("wait" as const), seconds: fc.integer({ min: 1, max: 600 }) }),
);

function world(): { d: MemoryDex; ids: number[] } {
  const d = new MemoryDex();
  for (const u of USERS) for (const x of DENOMS) d.fund(u, x, START);
  const ids = PAIRS.map(([a, b]) => d.createPool(a, b));
  ids.forEach((id, i) => d.atomic((ctx) => d.keeper.addLiquidity(ctx, USERS[0]!, PAIRS[i]![0], PAIRS[i]![1], 10n ** 20n, 3n * 10n ** 20n, 0n, 0n)));
  return { d, ids };
}

function totals(d: MemoryDex): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  const holders = [...USERS, moduleAddress("dex")];
  for (const x of DENOMS) out[x] = holders.reduce((s, h) => s + d.balance(h, x), 0n);
  return out;
}

function apply(d: MemoryDex, ids: number[], o: Op): string {
  const u = USERS[o.kind === "wait" ? 0 : o.user]!;
  switch (o.kind) {
    case "add": {
      const [a, b] = PAIRS[o.pool]!;
      return d.code((ctx) => d.keeper.addLiquidity(ctx, u, a, b, o.a, o.b, 0n, 0n));
    }
    case "remove": {
      const [a, b] = PAIRS[o.pool]!;
      const liq = (d.lp(u, ids[o.pool]!) * BigInt(o.permille)) / 1000n;
      return d.code((ctx) => d.keeper.removeLiquidity(ctx, u, a, b, liq, 0n, 0n));
    }
    case "swapIn":
      return d.code((ctx) => d.keeper.swapExactIn(ctx, u, o.route, o.amount, 0n));
    case "swapOut":
      return d.code((ctx) => d.keeper.swapExactOut(ctx, u, o.route, o.amount, START));
    case "rawSwap":
      return d.code((ctx) => d.keeper.pairSwap(ctx, ids[o.pool]!, u, o.in0, 0n, 0n, o.out1, u));
    case "wait":
      d.advance(o.seconds);
      return "OK";
  }
}

/** sqrt(k)/totalSupply did not fall: k1 * ts0² >= k0 * ts1². */
function shareValueHeld(p0: Pool, p1: Pool): boolean {
  return p1.reserve0 * p1.reserve1 * p0.totalSupply * p0.totalSupply >= p0.reserve0 * p0.reserve1 * p1.totalSupply * p1.totalSupply;
}

describe("dex properties (fast-check, seeded)", function () {
  this.timeout(60_000);

  it("over random operation sequences: invariants, conservation, k and share value never fall", () => {
    let ok = 0;
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 25 }), (ops) => {
        const { d, ids } = world();
        const start = totals(d);
        for (const o of ops) {
          const before = ids.map((id) => d.pool(id));
          const code = apply(d, ids, o);
          const after = ids.map((id) => d.pool(id));
          if (code === "OK") ok++;
          else expect(before, `failed ${o.kind} (${code}) changed a pool`).to.deep.equal(after);
          expect(d.invariants()).to.deep.equal([]);
          expect(totals(d)).to.deep.equal(start);
          ids.forEach((id, i) => {
            const [p0, p1] = [before[i]!, after[i]!];
            if (o.kind.endsWith("wap") || o.kind.startsWith("swap")) expect(p1.reserve0 * p1.reserve1 >= p0.reserve0 * p0.reserve1, `k fell on ${o.kind}`).to.equal(true);
            expect(shareValueHeld(p0, p1), `share value fell on ${o.kind}`).to.equal(true);
            expect(d.bank.minted(d.ctx(), lpDenom(id)) - d.bank.burned(d.ctx(), lpDenom(id))).to.equal(p1.totalSupply);
          });
        }
      }),
      { seed: 20261204, numRuns: 60 },
    );
    expect(ok).to.be.greaterThan(200); // the sequences mostly succeed: the checks see real state changes
  });

  it("no LP for nothing: adding then removing all of it never returns more than was put in", () => {
    fc.assert(
      fc.property(amount, amount, fc.array(fc.tuple(fc.boolean(), amount), { maxLength: 4 }), (a, b, swaps) => {
        const { d, ids } = world();
        for (const [dir, x] of swaps) d.code((ctx) => d.keeper.swapExactIn(ctx, USERS[1]!, dir ? ["usdc", "weth"] : ["weth", "usdc"], x, 0n));
        const u = USERS[2]!;
        const u0 = d.balance(u, "usdc");
        const w0 = d.balance(u, "weth");
        if (d.code((ctx) => d.keeper.addLiquidity(ctx, u, "usdc", "weth", a, b, 0n, 0n)) !== "OK") return;
        const liq = d.lp(u, ids[0]!);
        d.code((ctx) => d.keeper.removeLiquidity(ctx, u, "usdc", "weth", liq, 0n, 0n));
        expect(d.balance(u, "usdc") <= u0 && d.balance(u, "weth") <= w0).to.equal(true);
      }),
      { seed: 7, numRuns: 150 },
    );
  });

  it("dust swaps cannot lower k or extract value: a round trip never returns more than it spent", () => {
    let roundTrips = 0;
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 5000n }), fc.bigInt({ min: 1001n, max: 10n ** 6n }), fc.bigInt({ min: 1001n, max: 10n ** 6n }), (x, r0, r1) => {
        const d = new MemoryDex();
        const u = USERS[0]!;
        for (const y of DENOMS) d.fund(u, y, START);
        const id = d.createPool("usdc", "weth");
        if (d.code((ctx) => d.keeper.pairMint(ctx, id, u, r0, r1, u)) !== "OK") return;
        const k0 = d.pool(id).reserve0 * d.pool(id).reserve1;
        const usdc0 = d.balance(u, "usdc");
        const weth0 = d.balance(u, "weth");
        if (d.code((ctx) => d.keeper.swapExactIn(ctx, u, ["usdc", "weth"], x, 0n)) === "OK") {
          roundTrips++;
          const k1 = d.pool(id).reserve0 * d.pool(id).reserve1;
          expect(k1 >= k0).to.equal(true);
          const w = d.balance(u, "weth") - weth0;
          if (w > 0n && d.code((ctx) => d.keeper.swapExactIn(ctx, u, ["weth", "usdc"], w, 0n)) === "OK") {
            expect(d.pool(id).reserve0 * d.pool(id).reserve1 >= k1).to.equal(true);
          }
        }
        // value at the pool's price before the trades (usdc per weth = r0/r1): never up
        const du = d.balance(u, "usdc") - usdc0;
        const dw = d.balance(u, "weth") - weth0;
        expect(du * r1 + dw * r0 <= 0n, `gained ${du} usdc, ${dw} weth`).to.equal(true);
        if (dw === 0n) expect(du <= 0n).to.equal(true);
        expect(d.pool(id).reserve0 * d.pool(id).reserve1 >= k0).to.equal(true);
      }),
      { seed: 99, numRuns: 200 },
    );
    expect(roundTrips).to.be.greaterThan(100);
  });
});
