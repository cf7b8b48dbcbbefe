// NexusDEX factory and router: CREATE2 addresses, liquidity and swaps through
// the router, slippage and deadline checks, flash swaps, and every revert path
// of the factory, pair and router.
import assert from "node:assert/strict";
import { encodePacked, getAddress, getContractAddress, keccak256, maxUint256, zeroAddress } from "viem";
import { deployPairFixture, getAmountOut, MINIMUM_LIQUIDITY } from "./dex-fixtures.ts";
import { connect, e18, expectRevert, snapshotFixture, type Chain } from "./helpers.ts";

describe("NexusDEX factory, router and pair revert paths", function () {
  let chain: Chain;
  before(async () => {
    chain = await connect();
  });

  const fixture = snapshotFixture(
    () => chain,
    async () => {
      const base = await deployPairFixture(chain);
      const router = await chain.viem.deployContract("NexusDEXRouter", [base.factory.address]);
      const tokenC = await chain.viem.deployContract("TestToken", ["C", e18(10_000)]);
      for (const t of [base.token0, base.token1, tokenC]) await t.write.approve([router.address, maxUint256]);
      await base.pair.write.approve([router.address, maxUint256]);
      const borrower = await chain.viem.deployContract("FlashBorrower");
      return { ...base, router, tokenC, borrower };
    },
  );

  async function deadline(offset = 600n): Promise<bigint> {
    return (await chain.publicClient.getBlock()).timestamp + offset;
  }

  describe("factory", () => {
    it("puts the pair at its CREATE2 address, computed by the router too", async () => {
      const f = fixture();
      const initCodeHash = await f.factory.read.pairInitCodeHash();
      const expected = getContractAddress({
        opcode: "CREATE2",
        from: f.factory.address,
        salt: keccak256(encodePacked(["address", "address"], [f.token0.address, f.token1.address])),
        bytecodeHash: initCodeHash,
      });
      assert.equal(f.pairAddress, expected);
      assert.equal(getAddress(await f.router.read.pairFor([f.token1.address, f.token0.address])), expected);
      assert.equal(getAddress(await f.pair.read.token0()), getAddress(f.token0.address));
      assert.equal(getAddress(await f.pair.read.token1()), getAddress(f.token1.address));
      assert.equal(await f.factory.read.allPairsLength(), 1n);
      assert.equal(getAddress(await f.factory.read.getPair([f.token1.address, f.token0.address])), expected);
    });

    it("rejects identical, zero and existing pairs", async () => {
      const f = fixture();
      await expectRevert(f.factory.write.createPair([f.token0.address, f.token0.address]), "IdenticalAddresses");
      await expectRevert(f.factory.write.createPair([zeroAddress, f.token0.address]), "ZeroAddress");
      await expectRevert(f.factory.write.createPair([f.token1.address, f.token0.address]), "PairExists", [
        f.pairAddress,
      ]);
    });

    it("only feeToSetter sets feeTo and hands the role on", async () => {
      const f = fixture();
      const asOther = { account: f.other.account };
      await expectRevert(f.factory.write.setFeeTo([f.otherAddress], asOther), "Forbidden", [f.otherAddress]);
      await expectRevert(f.factory.write.setFeeToSetter([f.otherAddress], asOther), "Forbidden", [f.otherAddress]);
      await expectRevert(f.factory.write.setFeeToSetter([zeroAddress]), "ZeroAddress");
      await f.factory.write.setFeeToSetter([f.otherAddress]);
      await f.factory.write.setFeeTo([f.otherAddress], asOther);
      assert.equal(getAddress(await f.factory.read.feeTo()), f.otherAddress);
    });
  });

  describe("router", () => {
    it("adds liquidity at the pool price, refusing less than the minimums", async () => {
      const f = fixture();
      const dl = await deadline();
      await f.router.write.addLiquidity([f.token0.address, f.token1.address, e18(1), e18(4), 0n, 0n, f.me, dl]);
      assert.equal(await f.pair.read.balanceOf([f.me]), e18(2) - MINIMUM_LIQUIDITY);
      // Price is 1:4; offering 1:2 takes all of B and half of A.
      await expectRevert(
        f.router.write.addLiquidity([f.token0.address, f.token1.address, e18(1), e18(2), e18(1), 0n, f.me, dl]),
        "InsufficientAAmount",
        [e18(1) / 2n, e18(1)],
      );
      await expectRevert(
        f.router.write.addLiquidity([f.token0.address, f.token1.address, e18(1), e18(8), 0n, e18(5), f.me, dl]),
        "InsufficientBAmount",
        [e18(4), e18(5)],
      );
      await f.router.write.addLiquidity([f.token0.address, f.token1.address, e18(1), e18(2), 0n, 0n, f.me, dl]);
      const [r0, r1] = await f.pair.read.getReserves();
      assert.equal(r0, e18(1) + e18(1) / 2n);
      assert.equal(r1, e18(6));
    });

    it("creates the pair on first deposit", async () => {
      const f = fixture();
      await f.router.write.addLiquidity([f.token0.address, f.tokenC.address, e18(1), e18(1), 0n, 0n, f.me, await deadline()]);
      assert.equal(await f.factory.read.allPairsLength(), 2n);
    });

    it("removes liquidity with minimums", async () => {
      const f = fixture();
      const dl = await deadline();
      await f.router.write.addLiquidity([f.token0.address, f.token1.address, e18(3), e18(3), 0n, 0n, f.me, dl]);
      const lp = await f.pair.read.balanceOf([f.me]);
      await expectRevert(
        f.router.write.removeLiquidity([f.token0.address, f.token1.address, lp, e18(3), 0n, f.me, dl]),
        "InsufficientAAmount",
        [e18(3) - 1000n, e18(3)],
      );
      await expectRevert(
        f.router.write.removeLiquidity([f.token0.address, f.token1.address, lp, 0n, e18(3), f.me, dl]),
        "InsufficientBAmount",
        [e18(3) - 1000n, e18(3)],
      );
      const before0 = await f.token0.read.balanceOf([f.me]);
      await f.router.write.removeLiquidity([f.token1.address, f.token0.address, lp, 0n, 0n, f.me, dl]);
      assert.equal((await f.token0.read.balanceOf([f.me])) - before0, e18(3) - 1000n);
    });

    it("swaps exact input along a two-hop path with the v2 output", async () => {
      const f = fixture();
      const dl = await deadline();
      await f.router.write.addLiquidity([f.token0.address, f.token1.address, e18(5), e18(10), 0n, 0n, f.me, dl]);
      await f.router.write.addLiquidity([f.token1.address, f.tokenC.address, e18(10), e18(10), 0n, 0n, f.me, dl]);
      const path = [f.token0.address, f.token1.address, f.tokenC.address];
      const hop1 = getAmountOut(e18(1), e18(5), e18(10));
      assert.equal(hop1, 1662497915624478906n); // the getInputPrice:0 vector
      const hop2 = getAmountOut(hop1, e18(10), e18(10));
      assert.deepEqual(await f.router.read.getAmountsOut([e18(1), path]), [e18(1), hop1, hop2]);
      await expectRevert(
        f.router.write.swapExactTokensForTokens([e18(1), hop2 + 1n, path, f.me, dl]),
        "SlippageExceeded",
        [hop2, hop2 + 1n],
      );
      const beforeC = await f.tokenC.read.balanceOf([f.me]);
      await f.router.write.swapExactTokensForTokens([e18(1), hop2, path, f.me, dl]);
      assert.equal((await f.tokenC.read.balanceOf([f.me])) - beforeC, hop2);
    });

    it("swaps for an exact output, rounding the input up", async () => {
      const f = fixture();
      const dl = await deadline();
      await f.router.write.addLiquidity([f.token0.address, f.token1.address, e18(5), e18(5), 0n, 0n, f.me, dl]);
      const path = [f.token0.address, f.token1.address];
      // The optimistic:3 vector: 1 token out needs ceil(1 / .997) in.
      const amountIn = await f.router.read.getAmountIn([e18(1), e18(5), e18(5)]);
      const [quoted] = await f.router.read.getAmountsIn([e18(1), path]);
      assert.equal(quoted, amountIn);
      await expectRevert(
        f.router.write.swapTokensForExactTokens([e18(1), amountIn - 1n, path, f.me, dl]),
        "ExcessiveInputAmount",
        [amountIn, amountIn - 1n],
      );
      const before1 = await f.token1.read.balanceOf([f.me]);
      await f.router.write.swapTokensForExactTokens([e18(1), amountIn, path, f.me, dl]);
      assert.equal((await f.token1.read.balanceOf([f.me])) - before1, e18(1));
    });

    it("rejects expired deadlines on every state-changing call", async () => {
      const f = fixture();
      const past = (await chain.publicClient.getBlock()).timestamp - 1n;
      const t0 = f.token0.address;
      const t1 = f.token1.address;
      const isExpired = (args?: readonly unknown[]) => (p: Promise<unknown>) => expectRevert(p, "Expired", args);
      await isExpired()(f.router.write.addLiquidity([t0, t1, 1n, 1n, 0n, 0n, f.me, past]));
      await isExpired()(f.router.write.removeLiquidity([t0, t1, 1n, 0n, 0n, f.me, past]));
      await isExpired()(f.router.write.swapExactTokensForTokens([1n, 0n, [t0, t1], f.me, past]));
      await isExpired()(f.router.write.swapTokensForExactTokens([1n, 1n, [t0, t1], f.me, past]));
    });

    it("rejects bad paths, amounts and tokens in its maths", async () => {
      const f = fixture();
      const t0 = f.token0.address;
      await expectRevert(f.router.read.getAmountsOut([1n, [t0]]), "InvalidPath");
      await expectRevert(f.router.read.getAmountsIn([1n, [t0]]), "InvalidPath");
      await expectRevert(f.router.read.sortTokens([t0, t0]), "IdenticalAddresses");
      await expectRevert(f.router.read.sortTokens([zeroAddress, t0]), "ZeroAddress");
      await expectRevert(f.router.read.quote([0n, 1n, 1n]), "InsufficientAmount");
      await expectRevert(f.router.read.quote([1n, 0n, 1n]), "InsufficientLiquidity");
      await expectRevert(f.router.read.getAmountOut([0n, 1n, 1n]), "InsufficientInputAmount");
      await expectRevert(f.router.read.getAmountOut([1n, 0n, 1n]), "InsufficientLiquidity");
      await expectRevert(f.router.read.getAmountIn([0n, 1n, 1n]), "InsufficientOutputAmount");
      await expectRevert(f.router.read.getAmountIn([1n, 1n, 1n]), "InsufficientLiquidity");
    });
  });

  describe("pair revert paths", () => {
    async function seed(f: ReturnType<typeof fixture>, a0 = e18(5), a1 = e18(10)) {
      await f.token0.write.transfer([f.pair.address, a0]);
      await f.token1.write.transfer([f.pair.address, a1]);
      await f.pair.write.mint([f.me]);
    }

    it("mint: too little for MINIMUM_LIQUIDITY, or nothing deposited", async () => {
      const f = fixture();
      await f.token0.write.transfer([f.pair.address, 1000n]);
      await f.token1.write.transfer([f.pair.address, 1000n]);
      await expectRevert(f.pair.write.mint([f.me]), "InsufficientLiquidityMinted");
      await f.token0.write.transfer([f.pair.address, 1n]);
      await f.token1.write.transfer([f.pair.address, 1n]);
      await f.pair.write.mint([f.me]);
      await expectRevert(f.pair.write.mint([f.me]), "InsufficientLiquidityMinted");
    });

    it("burn: no shares sent", async () => {
      const f = fixture();
      await seed(f);
      await expectRevert(f.pair.write.burn([f.me]), "InsufficientLiquidityBurned");
    });

    it("swap: zero output, output above reserves, output to a token, no input", async () => {
      const f = fixture();
      await seed(f);
      await expectRevert(f.pair.write.swap([0n, 0n, f.me, "0x"]), "InsufficientOutputAmount");
      await expectRevert(f.pair.write.swap([e18(5), 0n, f.me, "0x"]), "InsufficientLiquidity");
      await expectRevert(f.pair.write.swap([0n, e18(10), f.me, "0x"]), "InsufficientLiquidity");
      await expectRevert(f.pair.write.swap([1n, 0n, f.token0.address, "0x"]), "InvalidTo");
      await expectRevert(f.pair.write.swap([1n, 0n, f.token1.address, "0x"]), "InvalidTo");
      await expectRevert(f.pair.write.swap([1n, 0n, f.me, "0x"]), "InsufficientInputAmount");
    });

    it("balances above uint112 overflow the reserves", async () => {
      const f = fixture();
      const huge = await chain.viem.deployContract("TestToken", ["H", 2n ** 113n]);
      const small = await chain.viem.deployContract("TestToken", ["S", e18(1)]);
      await f.factory.write.createPair([huge.address, small.address]);
      const pair = await chain.viem.getContractAt("NexusDEXPair", await f.factory.read.getPair([huge.address, small.address]));
      await huge.write.transfer([pair.address, 2n ** 112n]);
      await small.write.transfer([pair.address, e18(1)]);
      await expectRevert(pair.write.mint([f.me]), "Overflow");
    });

    it("flash swap: repaid with the fee succeeds, short of it fails with K, re-entry is Locked", async () => {
      const f = fixture();
      await seed(f);
      const borrow = e18(1);
      // Repaying in the same token needs borrow / .997 rounded up.
      const repay = (borrow * 1000n + 996n) / 997n;
      await f.token0.write.transfer([f.borrower.address, e18(2)]);
      await expectRevert(
        f.borrower.write.borrow([f.pair.address, borrow, 0n, f.token0.address, repay - 1n, false]),
        "K",
      );
      await expectRevert(
        f.borrower.write.borrow([f.pair.address, borrow, 0n, f.token0.address, repay, true]),
        "Locked",
      );
      await f.borrower.write.borrow([f.pair.address, borrow, 0n, f.token0.address, repay, false]);
      const [r0] = await f.pair.read.getReserves();
      assert.equal(r0, e18(5) - borrow + repay);
    });

    it("skim sends the excess above reserves", async () => {
      const f = fixture();
      await seed(f);
      await f.token0.write.transfer([f.pair.address, 123n]);
      await f.pair.write.skim([f.otherAddress]);
      assert.equal(await f.token0.read.balanceOf([f.otherAddress]), 123n);
      assert.equal(await f.token1.read.balanceOf([f.otherAddress]), 0n);
    });
  });
});
