// Differential test: the native dex module (modules/dex) and the Solidity NexusDEX (factory,
// pair, router on Hardhat's in-process EVM) run the same seeded random sequence of pool
// creations, deposits, withdrawals and swaps (exact in and out, one and two hops), with the
// protocol fee on, at the same block times. After every step both sides must agree on success
// or failure (and on the error, through the table below), on every balance of every actor in
// every token and LP share, and on each pool's reserves, LP supply, kLast and cumulative prices.
import assert from "node:assert/strict";
import { getAddress, maxUint256, type Address } from "viem";
import { MemoryDex, addr, DEFAULT_FEE_SHARES } from "../../modules/dex/testing.ts";
import { lpDenom, LOCKED_LIQUIDITY_ACCOUNT } from "../../modules/dex/params.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import { NexusError } from "../../runtime/errors.ts";
import type { Ctx } from "../../runtime/modules/types.ts";
import { Prng } from "../sim/prng.ts";
import { connect, revertName, type Chain } from "./helpers.ts";

const DENOMS = ["aaa", "bbb", "ccc"] as const;
type Denom = (typeof DENOMS)[number];
const PER_ACTOR = 5n * 10n ** 29n;
const LOCKED_HOLDER = getAddress("0x000000000000000000000000000000000000dEaD");

/** Each Solidity revert and the native error code that means the same. */
const SAME_ERROR: Record<string, string> = {
  InsufficientLiquidityMinted: "DEX_INSUFFICIENT_LIQUIDITY_MINTED",
  InsufficientLiquidityBurned: "DEX_INSUFFICIENT_LIQUIDITY_BURNED",
  InsufficientLiquidity: "DEX_INSUFFICIENT_LIQUIDITY",
  InsufficientAmount: "DEX_ZERO_AMOUNT",
  InsufficientInputAmount: "DEX_ZERO_AMOUNT",
  InsufficientOutputAmount: "DEX_ZERO_AMOUNT",
  InsufficientAAmount: "DEX_INSUFFICIENT_A_AMOUNT",
  InsufficientBAmount: "DEX_INSUFFICIENT_B_AMOUNT",
  SlippageExceeded: "DEX_SLIPPAGE_EXCEEDED",
  ExcessiveInputAmount: "DEX_EXCESSIVE_INPUT_AMOUNT",
  K: "DEX_K",
  Overflow: "DEX_RESERVE_OVERFLOW",
  ERC20InsufficientBalance: "BANK_INSUFFICIENT_FUNDS",
  // getReserves of a pair that was never created calls an address without code
  "(no revert data)": "DEX_ROUTE_MISSING_POOL",
};

/** A log-uniform amount in [1, 10^maxExp]: dust and whales alike. */
function amount(rng: Prng, maxExp = 24): bigint {
  const exp = rng.int(0, maxExp);
  return BigInt(rng.int(1, 999)) * 10n ** BigInt(exp) / 100n + 1n;
}

async function setup(chain: Chain) {
  const { viem, wallets } = chain;
  const [deployer, second, feeTo] = wallets;
  const factory = await viem.deployContract("NexusDEXFactory", [deployer.account.address]);
  const router = await viem.deployContract("NexusDEXRouter", [factory.address]);
  const tokens = {} as Record<Denom, Awaited<ReturnType<typeof viem.deployContract<"TestToken">>>>;
  for (const d of DENOMS) {
    const t = await viem.deployContract("TestToken", [d, 2n * PER_ACTOR]);
    await t.write.transfer([second.account.address, PER_ACTOR]);
    for (const w of [deployer, second]) await t.write.approve([router.address, maxUint256], { account: w.account });
    tokens[d] = t;
  }
  await factory.write.setFeeTo([feeTo.account.address]);
  return { factory, router, tokens, evmActors: [deployer, second], feeTo: getAddress(feeTo.account.address) };
}

describe("NexusDEX differential: the native dex module and the Solidity contracts agree step by step", function () {
  let chain: Chain;
  before(async () => {
    chain = await connect();
  });

  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: 200 random operations give identical results, balances, reserves and LP supplies`, async () => {
      const evm = await setup(chain);
      const native = new MemoryDex({ params: { protocolFeeEnabled: true } });
      const nativeActors = [addr(0), addr(1)];
      for (const a of nativeActors) for (const d of DENOMS) native.fund(a, d, PER_ACTOR);
      const rng = new Prng(seed);
      const pairs = new Map<string, { poolId: number; pair: Awaited<ReturnType<typeof chain.viem.getContractAt<"NexusDEXPair">>>; flipped: boolean }>();
      const key = (a: Denom, b: Denom): string => [a, b].sort().join("/");
      let time = Number((await chain.publicClient.getBlock()).timestamp) + 100;
      const counts: Record<string, number> = {};

      const nativeLp = async (who: string, poolId: number): Promise<bigint> => native.balance(who, lpDenom(poolId));

      async function compare(step: number, what: string): Promise<void> {
        const at = `step ${step} (${what})`;
        for (let i = 0; i < 2; i++) {
          for (const d of DENOMS) {
            assert.equal(native.balance(nativeActors[i]!, d), await evm.tokens[d].read.balanceOf([evm.evmActors[i]!.account.address]), `${at}: actor ${i} ${d}`);
          }
        }
        for (const [k, p] of pairs) {
          const pool = native.pool(p.poolId);
          const [r0, r1] = await p.pair.read.getReserves();
          const [n0, n1] = p.flipped ? [pool.reserve1, pool.reserve0] : [pool.reserve0, pool.reserve1];
          assert.deepEqual([n0, n1], [r0, r1], `${at}: reserves of ${k}`);
          assert.equal(pool.totalSupply, await p.pair.read.totalSupply(), `${at}: LP supply of ${k}`);
          assert.equal(pool.kLast, await p.pair.read.kLast(), `${at}: kLast of ${k}`);
          const [c0, c1] = [await p.pair.read.price0CumulativeLast(), await p.pair.read.price1CumulativeLast()];
          const [nc0, nc1] = p.flipped ? [pool.price1CumulativeLast, pool.price0CumulativeLast] : [pool.price0CumulativeLast, pool.price1CumulativeLast];
          assert.deepEqual([nc0, nc1], [c0, c1], `${at}: cumulative prices of ${k}`);
          for (let i = 0; i < 2; i++) assert.equal(await nativeLp(nativeActors[i]!, p.poolId), await p.pair.read.balanceOf([evm.evmActors[i]!.account.address]), `${at}: LP of actor ${i} in ${k}`);
          let community = 0n;
          for (const s of DEFAULT_FEE_SHARES) community += await nativeLp(moduleAddress(s.module), p.poolId);
          assert.equal(community, await p.pair.read.balanceOf([evm.feeTo]), `${at}: protocol-fee LP of ${k}`);
          assert.equal(await nativeLp(moduleAddress(LOCKED_LIQUIDITY_ACCOUNT), p.poolId), await p.pair.read.balanceOf([LOCKED_HOLDER]), `${at}: locked LP of ${k}`);
        }
      }

      /** Runs one step on both sides; both must succeed, or both fail with the same error. */
      async function both(step: number, what: string, nativeOp: (ctx: Ctx) => unknown, evmOp: () => Promise<unknown>): Promise<void> {
        native.timeMs = time * 1000;
        native.height++;
        let nativeCode = "OK";
        try {
          // On a branch, as a transaction runs: a refusal leaves nothing behind.
          native.atomic((ctx) => nativeOp(ctx));
        } catch (e) {
          if (!(e instanceof NexusError)) throw e;
          nativeCode = e.code;
        }
        await chain.testClient.setNextBlockTimestamp({ timestamp: BigInt(time) });
        let evmCode = "OK";
        try {
          const hash = (await evmOp()) as `0x${string}`;
          const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
          if (receipt.status !== "success") evmCode = `reverted on chain (gas used ${receipt.gasUsed})`;
        } catch (e) {
          evmCode = await revertName(e);
        }
        const expected = evmCode === "OK" ? "OK" : (SAME_ERROR[evmCode] ?? `unmapped ${evmCode}`);
        assert.equal(nativeCode, expected, `step ${step} (${what}): native ${nativeCode}, EVM ${evmCode}`);
        counts[nativeCode === "OK" ? what.split(" ")[0]! : `${what.split(" ")[0]} failed`] = (counts[nativeCode === "OK" ? what.split(" ")[0]! : `${what.split(" ")[0]} failed`] ?? 0) + 1;
        if (evmCode === "OK") time += rng.int(1, 40);
      }

      const deadline = (): bigint => BigInt(time + 600);
      for (let step = 0; step < 200; step++) {
        const actor = rng.int(0, 1);
        const from = nativeActors[actor]!;
        const account = evm.evmActors[actor]!.account;
        const [a, b] = (() => {
          const x = rng.pick(DENOMS);
          let y = rng.pick(DENOMS);
          while (y === x) y = rng.pick(DENOMS);
          return [x, y] as [Denom, Denom];
        })();
        const existing = pairs.get(key(a, b));
        const kind = !existing || pairs.size === 0 ? "create" : rng.pick(["add", "remove", "swapIn", "swapIn", "swapOut", "swapOut"] as const);

        if (kind === "create") {
          if (existing) continue;
          const [amountA, amountB] = [amount(rng, 22), amount(rng, 22)];
          await both(
            step,
            `create ${a}/${b}`,
            (ctx) => {
              native.keeper.createPool(ctx, a, b);
              return native.keeper.addLiquidity(ctx, from, a, b, amountA, amountB, 0n, 0n);
            },
            () => evm.router.write.addLiquidity([evm.tokens[a].address, evm.tokens[b].address, amountA, amountB, 0n, 0n, account.address, deadline()], { account }),
          );
          // atomic() wrote the native pool only if both sides succeeded (asserted above).
          const pool = native.keeper.poolByDenoms(native.ctx(), a, b);
          if (pool) {
            const pairAddress = (await evm.factory.read.getPair([evm.tokens[a].address, evm.tokens[b].address])) as Address;
            const pair = await chain.viem.getContractAt("NexusDEXPair", pairAddress);
            for (const w of evm.evmActors) await pair.write.approve([evm.router.address, maxUint256], { account: w.account });
            const token0 = getAddress(await pair.read.token0());
            pairs.set(key(a, b), { poolId: pool.id, pair, flipped: token0 !== getAddress(evm.tokens[pool.denom0 as Denom].address) });
          }
        } else if (kind === "add") {
          const [da, db] = [amount(rng, 22), amount(rng, 22)];
          const pool = native.pool(existing!.poolId);
          // Sometimes minimums just above what the pool price allows, to exercise the refusals.
          const [minA, minB] = rng.chance(0.2) ? [da, db] : [0n, 0n];
          void pool;
          await both(
            step,
            `add ${a}/${b}`,
            (ctx) => native.keeper.addLiquidity(ctx, from, a, b, da, db, minA, minB),
            () => evm.router.write.addLiquidity([evm.tokens[a].address, evm.tokens[b].address, da, db, minA, minB, account.address, deadline()], { account }),
          );
        } else if (kind === "remove") {
          const held = await nativeLp(from, existing!.poolId);
          const liquidity = rng.chance(0.1) ? held : rng.chance(0.2) ? BigInt(rng.int(1, 1000)) : (held * BigInt(rng.int(1, 100))) / 100n;
          if (liquidity === 0n) continue;
          await both(
            step,
            `remove ${a}/${b}`,
            (ctx) => native.keeper.removeLiquidity(ctx, from, a, b, liquidity, 0n, 0n),
            () => evm.router.write.removeLiquidity([evm.tokens[a].address, evm.tokens[b].address, liquidity, 0n, 0n, account.address, deadline()], { account }),
          );
        } else {
          // One hop, or two through the third denomination (which may have no pool yet).
          const c = DENOMS.find((d) => d !== a && d !== b)!;
          const route: Denom[] = rng.chance(0.35) ? [a, c, b] : [a, b];
          const path = route.map((d) => evm.tokens[d].address);
          if (kind === "swapIn") {
            const amountIn = amount(rng, 22);
            let minOut = 0n;
            if (rng.chance(0.25)) {
              try {
                minOut = native.keeper.quoteExactIn(native.ctx(), route, amountIn).at(-1)! + BigInt(rng.int(0, 1));
              } catch {
                minOut = 0n;
              }
            }
            await both(
              step,
              `swapIn ${route.join(">")}`,
              (ctx) => native.keeper.swapExactIn(ctx, from, route, amountIn, minOut),
              () => evm.router.write.swapExactTokensForTokens([amountIn, minOut, path, account.address, deadline()], { account }),
            );
          } else {
            const last = native.keeper.poolByDenoms(native.ctx(), route.at(-2)!, route.at(-1)!);
            const reserveOut = last ? (last.denom0 === route.at(-1) ? last.reserve0 : last.reserve1) : 10n ** 18n;
            // Mostly a share of the output reserve, sometimes all of it (refused by both).
            const amountOut = rng.chance(0.1) ? reserveOut : (reserveOut * BigInt(rng.int(1, 400))) / 1000n;
            if (amountOut === 0n) continue;
            let maxIn = maxUint256;
            if (rng.chance(0.25)) {
              try {
                maxIn = native.keeper.quoteExactOut(native.ctx(), route, amountOut)[0]! - BigInt(rng.int(0, 1));
              } catch {
                maxIn = maxUint256;
              }
            }
            await both(
              step,
              `swapOut ${route.join(">")}`,
              (ctx) => native.keeper.swapExactOut(ctx, from, route, amountOut, maxIn),
              () => evm.router.write.swapTokensForExactTokens([amountOut, maxIn, path, account.address, deadline()], { account }),
            );
          }
        }
        await compare(step, kind);
      }
      // The sequence exercised every kind of step, successes and refusals alike.
      for (const k of ["create", "add", "remove", "swapIn", "swapOut"]) assert.ok((counts[k] ?? 0) > 0, `no successful ${k} in seed ${seed}: ${JSON.stringify(counts)}`);
      assert.ok(Object.keys(counts).some((k) => k.endsWith("failed")), `no refused step in seed ${seed}: ${JSON.stringify(counts)}`);
      assert.deepEqual(native.invariants(), []);
    });
  }
});
