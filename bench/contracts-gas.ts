// Gas report for the NexusOS contracts on Hardhat's in-process EVM:
// swap (pair.swap called directly, exactly as Uniswap v2's "swap:gas" test),
// router swap, add liquidity, remove liquidity, bridge mint attested by two
// validator keys holding 70 % of the power, and a few related calls. Prints a table and writes
// bench/results/contracts-gas.json.
//
//   npx hardhat run bench/contracts-gas.ts      (or: npm run bench:gas)
import type {} from "@nomicfoundation/hardhat-viem"; // brings the `viem` field of network connections into the types
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { network } from "hardhat";
import { getAddress, keccak256, maxUint256, toHex, type Hex } from "viem";
import { attest, BHLS_LIMIT, BHLS_REFILL, FAR_FUTURE, POWERS, validatorKeys, WNXT_LIMIT, WNXT_REFILL, WNXT_UNIT } from "../test/contracts/bridge-fixtures.ts";

const e18 = (n: bigint) => n * 10n ** 18n;
const id = (s: string): Hex => keccak256(toHex(s));

const connection = await network.create();
const { viem } = connection;
const publicClient = await viem.getPublicClient();
const testClient = await viem.getTestClient();
const [wallet, user, other] = await viem.getWalletClients();
const me = getAddress(wallet.account.address);

interface Row {
  name: string;
  gas: number;
  target?: number;
  note: string;
}
const rows: Row[] = [];

async function measure(name: string, tx: Promise<Hex>, note: string, target?: number): Promise<void> {
  const receipt = await publicClient.waitForTransactionReceipt({ hash: await tx });
  if (receipt.status !== "success") throw new Error(`${name} reverted`);
  rows.push({ name, gas: Number(receipt.gasUsed), target, note });
}

async function nextSecond(): Promise<void> {
  const latest = await publicClient.getBlock();
  await testClient.setNextBlockTimestamp({ timestamp: latest.timestamp + 1n });
  await testClient.mine({ blocks: 1 });
}

// ------------------------------------------------------------------ DEX
const factory = await viem.deployContract("NexusDEXFactory", [me]);
const router = await viem.deployContract("NexusDEXRouter", [factory.address]);
const tokenA = await viem.deployContract("TestToken", ["A", e18(10_000n)]);
const tokenB = await viem.deployContract("TestToken", ["B", e18(10_000n)]);
const [token0, token1] = BigInt(tokenA.address) < BigInt(tokenB.address) ? [tokenA, tokenB] : [tokenB, tokenA];
await factory.write.createPair([token0.address, token1.address]);
const pair = await viem.getContractAt("NexusDEXPair", await factory.read.getPair([token0.address, token1.address]));

// Uniswap v2 "swap:gas": 5/10 pool, a sync one second later so the price
// accumulators are already non-zero, 1 token1 in, 453305446940074565 token0 out.
await token0.write.transfer([pair.address, e18(5n)]);
await token1.write.transfer([pair.address, e18(10n)]);
await pair.write.mint([me]);
await nextSecond();
await pair.write.sync();
await token1.write.transfer([pair.address, e18(1n)]);
await nextSecond();
await measure(
  "swap (pair.swap, Uniswap v2 swap:gas case)",
  pair.write.swap([453305446940074565n, 0n, me, "0x"]),
  "Uniswap v2-core's test asserts 73 462 (ganache, Istanbul gas rules)",
  73_462,
);

for (const t of [token0, token1]) await t.write.approve([router.address, maxUint256]);
await pair.write.approve([router.address, maxUint256]);
// A fixed far-future deadline, not the clock's: calldata, and so gas, is the same on every run.
const deadline = 10_000_000_000n;

await nextSecond();
await measure(
  "swap (router.swapExactTokensForTokens, 1 hop)",
  router.write.swapExactTokensForTokens([e18(1n), 0n, [token0.address, token1.address], me, deadline]),
  "token transferFrom into the pair + pair.swap",
);
await nextSecond();
await measure(
  "add liquidity (router.addLiquidity, existing pool)",
  router.write.addLiquidity([token0.address, token1.address, e18(1n), e18(2n), 0n, 0n, me, deadline]),
  "second and later deposits",
);
const tokenC = await viem.deployContract("TestToken", ["C", e18(10_000n)]);
await tokenC.write.approve([router.address, maxUint256]);
await measure(
  "add liquidity (router.addLiquidity, creates the pair)",
  router.write.addLiquidity([token0.address, tokenC.address, e18(1n), e18(1n), 0n, 0n, me, deadline]),
  "first deposit: CREATE2 pair deployment + MINIMUM_LIQUIDITY lock",
);
await nextSecond();
const lp = await pair.read.balanceOf([me]);
await measure(
  "remove liquidity (router.removeLiquidity, half)",
  router.write.removeLiquidity([token0.address, token1.address, lp / 2n, 0n, 0n, me, deadline]),
  "LP transferFrom + pair.burn",
);

// --------------------------------------------------------------- bridge
// The test fixture's set: four keys with powers 40/30/20/10; the first two (70 %) sign.
const validators = validatorKeys("validator", 4);
const quorum = validators.slice(0, 2);
const bridge = await viem.deployContract("NexusBridge", [validators.map((v) => v.address), [...POWERS], WNXT_LIMIT, WNXT_REFILL, BHLS_LIMIT, BHLS_REFILL]);
const wnxt = await viem.getContractAt("WNXT", await bridge.read.wnxt());
const domain = {
  name: "NexusBridge",
  version: "2",
  chainId: await publicClient.getChainId(),
  verifyingContract: getAddress(bridge.address),
} as const;
async function mintTx(transferId: Hex, recipient: `0x${string}`, amount: bigint): Promise<Hex> {
  const sigs = await attest(quorum, domain, "Mint", { transferId, recipient, amount, expiresAt: FAR_FUTURE });
  return bridge.write.mint([transferId, recipient, amount, FAR_FUTURE, sigs]);
}
const userAddress = getAddress(user.account.address);
const otherAddress = getAddress(other.account.address);
await measure(
  "bridge mint 2 sigs (70 % of power) (first mint on a fresh deployment)",
  mintTx(id("g1"), userAddress, 100n * WNXT_UNIT),
  "no one-off surcharge: WNXT's totalSupply slot is seeded at deployment, so it is not written from zero",
  120_000,
);
await measure(
  "bridge mint 2 sigs (70 % of power) (new holder)",
  mintTx(id("g2"), otherAddress, 100n * WNXT_UNIT),
  "transfer id, rate-limit slot, 2 ecrecovers, new balance slot",
  120_000,
);
await measure(
  "bridge mint 2 sigs (70 % of power) (existing holder)",
  mintTx(id("g3"), userAddress, 100n * WNXT_UNIT),
  "",
  120_000,
);
await measure(
  "bridge bridgeOut (burn WNXT to NexusOS)",
  bridge.write.bridgeOut([wnxt.address, 10n * WNXT_UNIT, id("nxs1-recipient")], { account: user.account }),
  "",
);
await bridge.write.updateEpoch([1n, 1150n * WNXT_UNIT, await attest(quorum, domain, "EpochUpdate", { epoch: 1n, floorAmount: 1150n * WNXT_UNIT })]);
const bhlsSigs = await attest(quorum, domain, "BhlsDelivery", {
  transferId: id("bhls"),
  citizen: id("citizen"),
  epoch: 1n,
  recipient: otherAddress,
  amount: 1150n * WNXT_UNIT,
  expiresAt: FAR_FUTURE,
});
await measure(
  "bridge deliverBhls 2 sigs (existing holder)",
  bridge.write.deliverBhls([id("bhls"), id("citizen"), 1n, otherAddress, 1150n * WNXT_UNIT, FAR_FUTURE, bhlsSigs]),
  "mint to distributor + once-per-epoch record + transfer",
);

// --------------------------------------------------------------- report
const hardfork = (connection.networkConfig as { hardfork?: string }).hardfork ?? "unknown";
const width = Math.max(...rows.map((r) => r.name.length));
console.log(`\nNexusOS contract gas (solc 0.8.28, optimizer 20 000 runs, via-IR, EVM ${hardfork})\n`);
console.log(`${"operation".padEnd(width)}  ${"gas".padStart(7)}  target`);
for (const r of rows) {
  const target = r.target === undefined ? "" : `${r.gas <= r.target ? "≤" : ">"} ${r.target}`;
  console.log(`${r.name.padEnd(width)}  ${String(r.gas).padStart(7)}  ${target}`);
}

const out = path.resolve(import.meta.dirname, "results/contracts-gas.json");
const measured = {
  compiler: { solc: "0.8.28", optimizerRuns: 20_000, viaIR: true, evmVersion: "cancun" },
  chain: { runtime: "Hardhat EDR (in-process)", hardfork },
  results: rows.map((r) => ({ ...r, withinTarget: r.target === undefined ? undefined : r.gas <= r.target })),
};
// Gas is deterministic: when nothing changed, the tracked file (and its date) stays as it is, so
// running the bench leaves the work tree clean.
const previous = await readFile(out, "utf8").then((t) => JSON.parse(t) as { generatedAt?: string }, () => undefined);
const same = previous !== undefined && JSON.stringify({ ...previous, generatedAt: undefined }) === JSON.stringify(JSON.parse(JSON.stringify({ generatedAt: undefined, ...measured })));
if (same) {
  console.log(`\n${path.relative(process.cwd(), out)} unchanged (same gas as measured on ${previous!.generatedAt?.slice(0, 10)})`);
} else {
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify({ generatedAt: new Date().toISOString(), ...measured }, null, 2)}\n`);
  console.log(`\nWrote ${path.relative(process.cwd(), out)}`);
}
await connection.close();
