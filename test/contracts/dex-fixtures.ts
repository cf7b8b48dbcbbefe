// Deployment fixtures for the DEX tests, mirroring Uniswap v2-core's
// pairFixture: a factory, two 10 000-token ERC-20s and their pair.
import { getAddress } from "viem";
import { e18, type Chain } from "./helpers.ts";

export const MINIMUM_LIQUIDITY = 1000n;
export const TOTAL_SUPPLY = e18(10_000);

export async function deployPairFixture(chain: Chain) {
  const { viem, wallets } = chain;
  const [wallet, other] = wallets;
  const factory = await viem.deployContract("NexusDEXFactory", [wallet.account.address]);
  const tokenA = await viem.deployContract("TestToken", ["A", TOTAL_SUPPLY]);
  const tokenB = await viem.deployContract("TestToken", ["B", TOTAL_SUPPLY]);
  await factory.write.createPair([tokenA.address, tokenB.address]);
  const pairAddress = await factory.read.getPair([tokenA.address, tokenB.address]);
  const pair = await viem.getContractAt("NexusDEXPair", pairAddress);
  const [token0, token1] =
    BigInt(tokenA.address) < BigInt(tokenB.address) ? [tokenA, tokenB] : [tokenB, tokenA];
  // hardhat-viem's wallet addresses are lower-case; events decode checksummed.
  const me = getAddress(wallet.account.address);
  const otherAddress = getAddress(other.account.address);
  return { factory, token0, token1, pair, wallet, other, me, otherAddress, pairAddress: getAddress(pairAddress) };
}

export type PairFixture = Awaited<ReturnType<typeof deployPairFixture>>;

/** Uniswap v2's getAmountOut, in bigint, for cross-checking the contracts. */
export function getAmountOut(amountIn: bigint, reserveIn: bigint, reserveOut: bigint): bigint {
  const withFee = amountIn * 997n;
  return (withFee * reserveOut) / (reserveIn * 1000n + withFee);
}

/** UQ112x112 prices as Uniswap v2's encodePrice test helper computes them. */
export function encodePrice(reserve0: bigint, reserve1: bigint): [bigint, bigint] {
  return [(reserve1 * 2n ** 112n) / reserve0, (reserve0 * 2n ** 112n) / reserve1];
}
