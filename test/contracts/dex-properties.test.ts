// Property tests: random sequences of mint, swap, burn, donate-and-sync and
// skim on one pair. After every step the reserves equal the pair's balances;
// across every swap k = reserve0 * reserve1 does not decrease; the pair
// accepts exactly Uniswap v2's getAmountOut and rejects one unit more.
import assert from "node:assert/strict";
import fc from "fast-check";
import { deployPairFixture, getAmountOut, type PairFixture } from "./dex-fixtures.ts";
import { connect, e18, expectRevert, type Chain } from "./helpers.ts";

type Op =
  | { kind: "mint"; a0: bigint; a1: bigint }
  | { kind: "swap"; zeroForOne: boolean; amountIn: bigint }
  | { kind: "burn"; fraction: number }
  | { kind: "sync"; donate0: bigint; donate1: bigint }
  | { kind: "skim"; donate0: bigint };

// Amounts span 1 wei to 50 tokens so that both rounding edges and large trades occur.
const amount = fc.bigInt({ min: 1n, max: e18(50) });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("mint" as const), a0: amount, a1: amount }),
  fc.record({ kind: fc.constant("swap" as const), zeroForOne: fc.boolean(), amountIn: amount }),
  fc.record({ kind: fc.constant("burn" as const), fraction: fc.double({ min: 0.01, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant("sync" as const), donate0: fc.bigInt({ min: 0n, max: e18(1) }), donate1: fc.bigInt({ min: 0n, max: e18(1) }) }),
  fc.record({ kind: fc.constant("skim" as const), donate0: fc.bigInt({ min: 0n, max: e18(1) }) }),
);

/** Integer square root (floor), as OpenZeppelin's Math.sqrt. */
function sqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = n;
  let y = (x + 1n) / 2n;
  while (y < x) {
    x = y;
    y = (x + n / x) / 2n;
  }
  return x;
}

describe("NexusDEXPair properties (fast-check)", function () {
  let chain: Chain;
  let f: PairFixture;
  before(async () => {
    chain = await connect();
    f = await deployPairFixture(chain);
    await f.factory.write.setFeeTo([f.otherAddress]); // exercise the protocol-fee path too
    // Seed liquidity so that every sequence starts from a live pool.
    await f.token0.write.transfer([f.pair.address, e18(10)]);
    await f.token1.write.transfer([f.pair.address, e18(10)]);
    await f.pair.write.mint([f.me]);
  });

  async function reserves(): Promise<[bigint, bigint]> {
    const [r0, r1] = await f.pair.read.getReserves();
    return [r0, r1];
  }

  /** totalSupply after _mintFee: 1/6 of the sqrt(k) growth since kLast goes to feeTo. */
  async function supplyAfterFee(r0: bigint, r1: bigint): Promise<bigint> {
    const supply = await f.pair.read.totalSupply();
    const kLast = await f.pair.read.kLast();
    if (kLast === 0n) return supply;
    const rootK = sqrt(r0 * r1);
    const rootKLast = sqrt(kLast);
    if (rootK <= rootKLast) return supply;
    return supply + (supply * (rootK - rootKLast)) / (rootK * 5n + rootKLast);
  }

  async function assertReservesMatchBalances(): Promise<void> {
    const [r0, r1] = await reserves();
    assert.equal(r0, await f.token0.read.balanceOf([f.pair.address]), "reserve0 != balance0");
    assert.equal(r1, await f.token1.read.balanceOf([f.pair.address]), "reserve1 != balance1");
  }

  async function apply(o: Op): Promise<void> {
    const [r0, r1] = await reserves();
    switch (o.kind) {
      case "mint": {
        await f.token0.write.transfer([f.pair.address, o.a0]);
        await f.token1.write.transfer([f.pair.address, o.a1]);
        const supply = await supplyAfterFee(r0, r1);
        const expected = [(o.a0 * supply) / r0, (o.a1 * supply) / r1].reduce((a, b) => (a < b ? a : b));
        if (expected === 0n) {
          await expectRevert(f.pair.write.mint([f.me]), "InsufficientLiquidityMinted");
          await f.pair.write.skim([f.me]); // return the dust so reserves == balances again
        } else {
          await f.pair.write.mint([f.me]);
        }
        break;
      }
      case "swap": {
        const [reserveIn, reserveOut] = o.zeroForOne ? [r0, r1] : [r1, r0];
        const out = getAmountOut(o.amountIn, reserveIn, reserveOut);
        const tokenIn = o.zeroForOne ? f.token0 : f.token1;
        await tokenIn.write.transfer([f.pair.address, o.amountIn]);
        const args = (n: bigint) => (o.zeroForOne ? ([0n, n] as const) : ([n, 0n] as const));
        // One unit more than v2's formula must break k; at tiny sizes the extra
        // unit may also exceed the reserve.
        const more = args(out + 1n);
        if (out + 1n < reserveOut) await expectRevert(f.pair.write.swap([more[0], more[1], f.me, "0x"]), "K");
        const kBefore = r0 * r1;
        if (out === 0n) {
          await expectRevert(f.pair.write.swap([0n, 0n, f.me, "0x"]), "InsufficientOutputAmount");
          await f.pair.write.sync(); // keep the dust input as reserves
        } else {
          const exact = args(out);
          await f.pair.write.swap([exact[0], exact[1], f.me, "0x"]);
        }
        const [n0, n1] = await reserves();
        assert.ok(n0 * n1 >= kBefore, `k decreased on swap: ${kBefore} -> ${n0 * n1}`);
        break;
      }
      case "burn": {
        const balance = await f.pair.read.balanceOf([f.me]);
        const shares = (balance * BigInt(Math.round(o.fraction * 1e6))) / 1_000_000n;
        if (shares === 0n) return;
        await f.pair.write.transfer([f.pair.address, shares]);
        const liquidity = await f.pair.read.balanceOf([f.pair.address]); // includes shares left by a failed burn
        const supply = await supplyAfterFee(r0, r1);
        const out0 = (liquidity * r0) / supply;
        const out1 = (liquidity * r1) / supply;
        if (out0 === 0n || out1 === 0n) {
          await expectRevert(f.pair.write.burn([f.me]), "InsufficientLiquidityBurned");
          // The shares stay in the pair and are burned with the next burn.
          return;
        }
        const before0 = await f.token0.read.balanceOf([f.me]);
        const before1 = await f.token1.read.balanceOf([f.me]);
        await f.pair.write.burn([f.me]);
        assert.equal((await f.token0.read.balanceOf([f.me])) - before0, out0, "burn paid token0 off pro rata");
        assert.equal((await f.token1.read.balanceOf([f.me])) - before1, out1, "burn paid token1 off pro rata");
        break;
      }
      case "sync": {
        if (o.donate0 > 0n) await f.token0.write.transfer([f.pair.address, o.donate0]);
        if (o.donate1 > 0n) await f.token1.write.transfer([f.pair.address, o.donate1]);
        await f.pair.write.sync();
        const [n0, n1] = await reserves();
        assert.equal(n0, r0 + o.donate0);
        assert.equal(n1, r1 + o.donate1);
        break;
      }
      case "skim": {
        if (o.donate0 > 0n) await f.token0.write.transfer([f.pair.address, o.donate0]);
        await f.pair.write.skim([f.me]);
        break;
      }
    }
  }

  it("reserves equal balances after every step and k never decreases on a swap", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 15 }), async (ops) => {
        const snapshot = await chain.testClient.snapshot();
        try {
          for (const o of ops) {
            await apply(o);
            await assertReservesMatchBalances();
          }
        } finally {
          await chain.testClient.revert({ id: snapshot });
        }
      }),
      { numRuns: 40, seed: Number(process.env.FC_SEED ?? 20260601) },
    );
  });
});
