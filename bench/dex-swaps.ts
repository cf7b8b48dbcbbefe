/**
 * Signed DEX swaps through one node, and the same swaps through NexusDEX on Hardhat's
 * in-process EVM, in one run: both rates and their ratio.
 *
 * Native: presigned MsgSwapExactIn transactions (alternating NXT→BUSD and BUSD→NXT on one
 * pool bootstrapped at genesis) handed to the node's submitTx, checkTx with signatures verified
 * in worker threads, blocks of the single-validator producer, state root in every header.
 * EVM: NexusDEXRouter.swapExactTokensForTokens sent one after another to Hardhat's in-process
 * EDR chain (automine: one block per swap), from one funded account.
 *
 *   npx tsx bench/dex-swaps.ts [--swaps 30000] [--senders 5000] [--evm-swaps 2000]
 *
 * Prints the figures and writes bench/results/dex-swaps.json.
 */
import { Command } from "commander";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import type {} from "@nomicfoundation/hardhat-viem"; // brings `viem` into the network connection types
import { benchSigner, BENCH_CHAIN } from "./lib/fixtures.ts";
import { writeResults, rssMiB, progress } from "./lib/results.ts";
import { driveThroughput } from "./lib/drive.ts";
import { signTx } from "../runtime/tx/sign.ts";
import { Band } from "../runtime/tx/bands.ts";
import type { DecodedTx } from "../runtime/tx/envelope.ts";
import { NexusNode } from "../runtime/node/node.ts";
import { defaultNodeConfig } from "../runtime/node/config.ts";
import { buildGenesis } from "../runtime/node/genesis.ts";
import { ModuleManager } from "../runtime/modules/manager.ts";
import { WorkerVerifyPool } from "../runtime/node/verify-pool.ts";
import { buildSchemeRegistry } from "../runtime/node/schemes.ts";
import { nexusModules } from "../chains/nexus/chain.ts";
import { defaultBankGenesis } from "../modules/bank/genesis.ts";
import { NXT } from "../modules/bank/params.ts";
import { defaultDexGenesis, DexTypeUrls } from "../modules/dex/index.ts";
import { NODE_HEAP_FLAGS, missingHeapFlags } from "../runtime/node/heap-flags.ts";

if (missingHeapFlags().length > 0) {
  const r = spawnSync(process.execPath, [...NODE_HEAP_FLAGS, ...process.execArgv, process.argv[1]!, ...process.argv.slice(2)], { stdio: "inherit" });
  process.exit(r.status ?? 1);
}

const opts = new Command()
  .description("signed DEX swaps through one node vs the same swaps through NexusDEX on Hardhat's in-process EVM")
  .option("--swaps <n>", "native swaps", "30000")
  .option("--senders <n>", "funded swapping accounts (native)", "5000")
  .option("--evm-swaps <n>", "swaps through NexusDEX on the EVM (0: skip the EVM run)", "2000")
  .parse()
  .opts<{ swaps: string; senders: string; evmSwaps: string }>();

const BENCH_DENOM = "busd";
const POOL_SIDE = 10_000_000n * NXT;
const SWAP_IN = 100_000n; // base units per swap: small against the pool, as retail swaps are

async function native(): Promise<Record<string, unknown>> {
  const senders = Number(opts.senders);
  const count = Number(opts.swaps);
  const bank = defaultBankGenesis();
  for (let i = 0; i < senders; i++) {
    bank.balances.push({ address: benchSigner(i).address, coins: [{ denom: BENCH_DENOM, amount: (1_000_000n * NXT).toString() }, { denom: "nxt", amount: (1_000_000n * NXT).toString() }] });
  }
  bank.moduleBalances.find((m) => m.module === "ecosystem_fund")!.coins.push({ denom: BENCH_DENOM, amount: POOL_SIDE.toString() });
  const dex = { ...defaultDexGenesis(), bootstrapPools: [{ denomA: "nxt", amountA: POOL_SIDE.toString(), denomB: BENCH_DENOM, amountB: POOL_SIDE.toString() }] };
  const genesisTime = Date.now();
  const genesis = buildGenesis(BENCH_CHAIN, genesisTime, new ModuleManager(nexusModules("single")), { bank, dex });
  const deadline = Math.floor(genesisTime / 1000) + 86_400;
  const S = Array.from({ length: senders }, (_, i) => benchSigner(i));
  const txs: DecodedTx[] = [];
  for (let k = 0; k < count; k++) {
    const i = k % senders;
    const s = S[i]!;
    const route = k % 2 === 0 ? ["nxt", BENCH_DENOM] : [BENCH_DENOM, "nxt"];
    txs.push(
      signTx(
        {
          chainId: BENCH_CHAIN,
          sender: s.address,
          nonce: BigInt(Math.floor(k / senders)),
          band: Band.NANO,
          feeLimit: 1_000_000n,
          tip: 0n,
          timeoutHeight: 0,
          memo: "",
          msgs: [{ typeUrl: DexTypeUrls.SwapExactIn, value: { sender: s.address, route, amountIn: SWAP_IN.toString(), minAmountOut: "1", deadline } }],
        },
        [s],
      ),
    );
    if (k % 5000 === 0 || k === count - 1) progress("signing swaps", k + 1, count);
  }
  const dir = mkdtempSync(join(tmpdir(), "nexus-bench-dex-"));
  const node = await NexusNode.open({
    dataDir: join(dir, "data"),
    config: { ...defaultNodeConfig(), blockTimeMs: 1000 },
    genesis,
    modules: nexusModules("single"),
    schemes: buildSchemeRegistry([]),
    proposer: benchSigner(1_000_000_000).address,
    logger: pino({ level: process.env.NEXUS_BENCH_LOG ?? "warn" }),
    verifier: new WorkerVerifyPool({ schemes: [] }),
  });
  node.start();
  const d = await driveThroughput(node, txs);
  const pool = node.query("dex/pool", { id: 1 }) as { reserve0: string; reserve1: string };
  await node.stop();
  const r = {
    swaps: d.total,
    rejected: d.rejected,
    failedReceipts: d.failed,
    seconds: +d.seconds.toFixed(2),
    swapsPerSecond: Math.round(d.perSecond),
    sustainedSwapsPerSecond: Math.round(d.sustainedPerSecond),
    blocks: d.busyBlocks,
    maxBlockTxs: d.maxBlockTxs,
    finalReserves: [pool.reserve0, pool.reserve1],
    rssMiB: rssMiB(),
  };
  console.log(`native: ${r.swaps} signed swaps committed in ${r.seconds}s → ${r.swapsPerSecond} swaps/s overall, ${r.sustainedSwapsPerSecond} swaps/s sustained (${d.failed} failed receipts, ${d.rejected} rejected at checkTx, largest block ${r.maxBlockTxs})`);
  return r;
}

async function evm(): Promise<Record<string, unknown>> {
  if (!existsSync("artifacts/contracts/dex/NexusDEXRouter.sol")) {
    const b = spawnSync("npx", ["hardhat", "build"], { stdio: "inherit" });
    if (b.status !== 0) throw new Error("hardhat build failed");
  }
  const { network } = await import("hardhat");
  const { viem } = await network.connect();
  const [wallet] = await viem.getWalletClients();
  const publicClient = await viem.getPublicClient();
  const me = wallet!.account.address;
  const supply = 10n ** 30n;
  const factory = await viem.deployContract("NexusDEXFactory", [me]);
  const router = await viem.deployContract("NexusDEXRouter", [factory.address]);
  const a = await viem.deployContract("TestToken", ["A", supply]);
  const b = await viem.deployContract("TestToken", ["B", supply]);
  const max = 2n ** 256n - 1n;
  await a.write.approve([router.address, max]);
  await b.write.approve([router.address, max]);
  const deadline = 2n ** 40n;
  await router.write.addLiquidity([a.address, b.address, POOL_SIDE, POOL_SIDE, 0n, 0n, me, deadline]);
  const count = Number(opts.evmSwaps);
  let gas = 0n;
  const t0 = performance.now();
  for (let k = 0; k < count; k++) {
    const path = k % 2 === 0 ? [a.address, b.address] : [b.address, a.address];
    const hash = await router.write.swapExactTokensForTokens([SWAP_IN, 1n, path, me, deadline]);
    if (k % 200 === 0) gas = (await publicClient.waitForTransactionReceipt({ hash })).gasUsed;
    if (k % 500 === 0 || k === count - 1) progress("EVM swaps", k + 1, count);
  }
  const seconds = (performance.now() - t0) / 1000;
  const r = { swaps: count, seconds: +seconds.toFixed(2), swapsPerSecond: Math.round(count / seconds), gasPerSwap: Number(gas), engine: "Hardhat 3 in-process EDR, automine, one swap per block" };
  console.log(`EVM: ${count} swaps through NexusDEXRouter in ${r.seconds}s → ${r.swapsPerSecond} swaps/s (${r.gasPerSwap} gas per swap)`);
  return r;
}

const n = await native();
if (Number(opts.evmSwaps) > 0) {
  const e = await evm();
  const ratio = +((n.sustainedSwapsPerSecond as number) / (e.swapsPerSecond as number)).toFixed(1);
  console.log(`ratio: the native module sustains ${ratio}× the swaps/s of NexusDEX on Hardhat's in-process EVM`);
  const path = writeResults("dex-swaps.json", "swaps", { native: n, evm: e, ratio });
  console.log(`results: ${path}`);
}
process.exit(0);
