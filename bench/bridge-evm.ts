/**
 * NXT over the bridge, NexusOS → EVM → NexusOS, end to end through the real pieces, each its
 * own process on 127.0.0.1:
 *
 *   - four BFT validators (`nexus start` on a devnet of runtime/node/devnet.ts, block time
 *     --block-time) whose genesis bridges the chain "evm-local" with 2 confirmations
 *     (bridges/evm/testing/launch.ts evmLocalChain);
 *   - a Hardhat node (`hardhat node --network interval`: no automine, a block every
 *     --evm-block-ms, transactions wait for it as on a real chain) with NexusBridge v2 deployed
 *     for the EVM keys the validators registered on NexusOS (MsgRegisterAttestationKey);
 *   - four `nexus watcher` processes (one per validator: its operator key, its EVM attestation
 *     key, its own node's RPC) and one `nexus relayer` (validator 0's node), with the defaults of
 *     docs/bridges.md but for the options below that name a config field.
 *
 * Phases:
 *   throughput  --transfers MsgBridgeOut from --senders accounts, all submitted at once (each
 *               account's to one validator), each to its own EVM recipient, timed until every one
 *               is minted on EVM (Minted events); then every recipient calls bridgeOut at once and
 *               it is timed until NexusOS credits every one. Transfers/s each way and for the round
 *               trip (N / wall time from the first submit to the last credit).
 *   latency     --rate transfers/s offered for --seconds; each transfer goes back (bridgeOut) as
 *               soon as the bench sees it minted. Per transfer: NexusOS submit → minted on EVM,
 *               EVM bridgeOut sent → credited on NexusOS, and submit → credited; p50/p99.
 *   exactly once  every transfer minted once to its recipient and credited once to its NexusOS
 *               recipient, the bridge's totals, escrow = WNXT supply: printed; exit 1 otherwise.
 *
 * Times are when this process saw the event: Minted by polling the EVM node every 200 ms,
 * credits and completions by a WebSocket subscription to validator 0.
 *
 * What bounds the figures (the processes use a fraction of the cores: the CPU line says): a
 * watcher sends its pass's messages in one NexusOS transaction (up to 32) and waits for its block;
 * the relayer delivers ready transfers one after the other, each a few sequential RPC calls, and
 * does not wait for receipts (the evm family's awaitReceipts: false); a bridgeOut on EVM is seen
 * after its confirmations by the watchers' next timed pass (pollIntervalMs: no NexusOS event wakes
 * them for it). Before batching and pipelining (2026-12-05) the round trip was 0.33 transfers/s.
 *
 * Run: npx tsx bench/bridge-evm.ts [--transfers 50] [--rate 0.25 --seconds 80] … (--help; about 5 minutes on 2 cores)
 * Prints a table and writes bench/results/bridge-evm.json.
 */
import type {} from "@nomicfoundation/hardhat-viem";
import { join } from "node:path";
import { parseArgs } from "node:util";
import hre, { network } from "hardhat";
import { createPublicClient, createWalletClient, http, parseEther, toHex as viemHex } from "viem";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import "../bridges/evm/register.ts";
import { NEXUS_BRIDGE_ABI } from "../bridges/evm/abi.ts";
import { evmChain } from "../bridges/evm/client.ts";
import { privateKeyOf } from "../bridges/evm/testing/fixture.ts";
import { EVM_LOCAL, deployBridgeForKeys, evmLocalChain, nextContractAddress } from "../bridges/evm/testing/launch.ts";
import { desiredSet, type AttestationKeys } from "../bridges/evm/validator-set.ts";
import { NXT } from "../modules/bridge/params.ts";
import { decodeAddress } from "../runtime/crypto/address.ts";
import { REPO, freePort } from "../test/helpers/spawn-node.ts";
import { sleep, waitForLog } from "./lib/devnet-procs.ts";
import { writeResults } from "./lib/results.ts";
import { TxSender } from "../bridges/core/nexus.ts";
import { bridgeMsg } from "../modules/bridge/client.ts";
import { StakingTypeUrls } from "../modules/staking/index.ts";
import { Band } from "../runtime/tx/bands.ts";
import { AMOUNT, BridgeBench, VALIDATORS, bridgeHelp, bridgeOptions, bridgeSettings, log, r1, type BenchDestination } from "./lib/bridge-bench.ts";

const DEFAULTS = { transfers: "50", senders: "8", rate: "0.25", seconds: "80" };
const { values: args } = parseArgs({
  options: {
    ...bridgeOptions(DEFAULTS),
    "evm-block-ms": { type: "string", default: "1000" },
    "evm-polling-ms": { type: "string", default: "" },
    rotate: { type: "boolean", default: false },
  },
});

if (args.help) {
  process.stdout.write(
    bridgeHelp({
      title: `bench/bridge-evm.ts: NexusOS → EVM → NexusOS transfers/s and latency, four validator processes, their
watchers, a relayer and a Hardhat node (see the header of this file).`,
      d: DEFAULTS,
      own: `  --evm-block-ms MS    Hardhat interval mining: a block every MS (default 1000); no automine
  --evm-polling-ms MS  the evm family's pollingIntervalMs, the relayer's receipt polling (default: the
                       EVM block time, as an operator sets it for such a chain; the family's own
                       default, 4000, suits 12 s blocks and caps the relayer at a mint per 4 s)
  --rotate             then rotate: a delegation changes a validator's power on NexusOS; timed until
                       NexusBridge holds the new set (signed by the watchers, sent by the relayer),
                       then a transfer after it is timed until minted (section "rotation")
`,
      sentBack: "an EVM bridgeOut",
      file: "bridge-evm.json",
    }),
  );
  process.exit(0);
}

const S = bridgeSettings(args);
const EVM_BLOCK_MS = Number(args["evm-block-ms"]);
const EVM_POLLING_MS = args["evm-polling-ms"] ? Number(args["evm-polling-ms"]) : EVM_BLOCK_MS;

async function main(): Promise<number> {
  const bench = new BridgeBench("bridge", S);
  try {
    // ---- the EVM chain --------------------------------------------------------------------
    await hre.tasks.getTask("build").run({ quiet: true });
    const evmPort = await freePort();
    const evmUrl = `http://127.0.0.1:${evmPort}`;
    const hh = bench.spawn("hardhat", [join(REPO, "node_modules/.bin/hardhat"), "node", "--network", "interval", "--port", String(evmPort)], { NEXUS_EVM_BLOCK_MS: String(EVM_BLOCK_MS) });
    await waitForLog(hh.logFile, "Started HTTP", hh.proc);
    process.env.NEXUS_EVM_LOCAL_URL = evmUrl;
    const connection = await network.connect({ network: "localhost" });
    bench.onClose(() => connection.close());
    const pc = createPublicClient({ transport: http(evmUrl) });
    const testClient = await connection.viem.getTestClient();
    const chainId = await pc.getChainId();
    const predicted = await nextContractAddress({ connection });

    // ---- the NexusOS devnet, bridging the chain at the bridge's future address -------------
    const settings = evmLocalChain(chainId, predicted);
    await bench.startDevnet(settings);
    log(`devnet up (${VALIDATORS} validators, ${S.blockTimeMs} ms blocks), Hardhat node up (chain ${chainId}, a block every ${EVM_BLOCK_MS} ms) after ${r1((Date.now() - bench.t0) / 1000)} s`);

    // ---- EVM keys registered on NexusOS; the bridge deployed for them ----------------------
    const evmKeys = bench.layout.nodes.map((_, i) => privateKeyOf(`bench-bridge-attestation-${i}`));
    const ak = await bench.registerKeys<AttestationKeys>(
      "evm",
      evmKeys.map((k) => privateKeyToAccount(k).address.toLowerCase()),
    );
    const f = await deployBridgeForKeys({ connection }, ak, predicted);
    const bridge = f.bridge.address;
    const wnxt = f.wnxt.address;

    // ---- watchers and the relayer ------------------------------------------------------------
    const relayerKey = privateKeyOf("bench-bridge-relayer");
    await testClient.setBalance({ address: privateKeyToAccount(relayerKey).address, value: parseEther("1000") });
    const family = (extra: Record<string, unknown>) => ({ name: EVM_LOCAL, family: "evm", rpcUrl: evmUrl, pollingIntervalMs: EVM_POLLING_MS, ...extra });
    await bench.startServices({
      common: { logFormat: "json", logLevel: "info", ...(S.watcherPollMs ? { pollIntervalMs: S.watcherPollMs } : {}) },
      watcherChain: (i) => family({ validatorKey: { file: bench.keyFile(`watcher-${i}-evm`, evmKeys[i]!) } }),
      relayerChain: family({ relayerKey: { file: bench.keyFile("relayer-evm", relayerKey) } }),
    });
    log(`bridge ${bridge} (WNXT ${wnxt}) guarded by the ${VALIDATORS} validators' EVM keys; 4 watchers and a relayer started; setup took ${r1((Date.now() - bench.t0) / 1000)} s`);

    // ---- the EVM side: Minted events, bridgeOut back, escrow = WNXT supply ----------------
    const evmChainDef = evmChain(EVM_LOCAL, chainId, evmUrl);
    const transport = http(evmUrl);
    let fromBlock = 0n;
    const evm: BenchDestination<PrivateKeyAccount> = {
      name: "EVM",
      chain: EVM_LOCAL,
      arrived: "minted",
      arrivals: "Minted events",
      backOne: "bridgeOut",
      backMany: "bridgeOut",
      backKey: "bridgeOut",
      recipient: (phase, i) => {
        const key = privateKeyToAccount(privateKeyOf(`bench-bridge-${phase}-evm-${i}`));
        return { key, address: key.address.toLowerCase() };
      },
      fund: async (ts) => {
        for (let i = 0; i < ts.length; i += 50) await Promise.all(ts.slice(i, i + 50).map((t) => testClient.setBalance({ address: t.key.address, value: parseEther("1") })));
      },
      /** The transfer's EVM recipient burns its WNXT back to its NexusOS recipient (its first transaction: nonce 0). */
      sendBack: async (t) => {
        const wallet = createWalletClient({ account: t.key, chain: evmChainDef, transport });
        await wallet.writeContract({ address: bridge, abi: NEXUS_BRIDGE_ABI, functionName: "bridgeOut", args: [wnxt, AMOUNT, viemHex(decodeAddress(t.back))], nonce: 0, gas: 200_000n });
      },
      poll: async () => {
        const latest = await pc.getBlockNumber({ cacheTime: 0 });
        if (latest < fromBlock) return [];
        const logs = await pc.getContractEvents({ address: bridge, abi: NEXUS_BRIDGE_ABI, eventName: "Minted", fromBlock, toBlock: latest });
        fromBlock = latest + 1n;
        return logs.map((l) => ({ to: l.args.recipient!.toLowerCase(), amount: l.args.amount! }));
      },
      checks: async (_all, escrow) => {
        const supply = await f.wnxt.read.totalSupply();
        return {
          checks: [[`escrow ${BigInt(escrow.balance)} = owed ${escrow.owed} = WNXT supply ${supply} (base units)`, BigInt(escrow.balance) === BigInt(escrow.owed) && BigInt(escrow.balance) === supply]],
          results: { wnxtSupply: supply.toString() },
        };
      },
    };

    const confirmations = settings.confirmations;
    const code = await bench.run(evm, {
      file: "bridge-evm.json",
      results: {
        setup:
          `separate processes on one machine: 4 BFT validators (nexus devnet, ${S.blockTimeMs} ms blocks), 4 nexus watcher (one per validator, its own node), 1 nexus relayer, ` +
          `a Hardhat node (hardhat node --network interval: no automine, a block every ${EVM_BLOCK_MS} ms), the bench; ${confirmations} confirmations (chain settings); ` +
          `watcher/relayer config: defaults (docs/bridges.md) but the evm family's pollingIntervalMs ${EVM_POLLING_MS}${S.watcherPollMs ? ` and pollIntervalMs ${S.watcherPollMs}` : " (pollIntervalMs 5000)"}`,
        validators: VALIDATORS,
        nexusBlockTimeMs: S.blockTimeMs,
        evmMining: { automine: false, intervalMs: EVM_BLOCK_MS },
        confirmations,
        bridgeConfig: { pollIntervalMs: S.watcherPollMs ?? 5000, evmPollingIntervalMs: EVM_POLLING_MS },
        amountNxt: Number(AMOUNT / NXT),
      },
    });
    if (!args.rotate) return code;
    return (await rotation(bench, f)) ? code : 1;
  } finally {
    await bench.close();
  }
}

/**
 * --rotate: the validator set changes under the running processes. A sender delegates 50 000 NXT
 * to validator 1 (its power, and so its weight in the EVM set, grows); the watchers sign the new
 * set on NexusOS and the relayer sends it to NexusBridge; then a transfer made after it must mint
 * under the new set. Prints and records the times; false when something did not happen in time.
 */
async function rotation(bench: BridgeBench, f: Awaited<ReturnType<typeof deployBridgeForKeys>>): Promise<boolean> {
  const c0 = bench.c0;
  const wanted = async () => desiredSet(await c0.query<AttestationKeys>("bridge/attestationKeys", { family: "evm" }));
  const onContract = async () => (await f.bridge.read.validators())[1].map((p) => BigInt(p));
  const [setBefore] = await f.bridge.read.config();
  const powersBefore = await onContract();
  const delegator = bench.senders[0]!;
  const t0 = Date.now();
  const r = await new TxSender(c0, bench.layout.chainId, delegator, { band: Band.NANO }).send(
    [{ typeUrl: StakingTypeUrls.Delegate, value: { delegator: delegator.address, validator: bench.layout.nodes[1]!.address, amount: (50_000n * NXT).toString() } }],
    () => undefined,
  );
  if (r.codeName !== "OK") throw new Error(`MsgDelegate: ${r.codeName} ${r.log}`);
  const until = async (what: string, f: () => Promise<boolean>, ms: number): Promise<number | undefined> => {
    for (const end = Date.now() + ms; Date.now() < end; await sleep(250)) if (await f()) return r1((Date.now() - t0) / 1000);
    log(`rotation: ${what} did not happen within ${ms / 1000} s`);
    return undefined;
  };
  const onNexus = await until("NexusOS's EVM set changing", async () => new Set((await wanted()).powers).size > 1, 60_000);
  const held = await until("NexusBridge holding NexusOS's set", async () => {
    const w = (await wanted()).powers.map((p) => BigInt(p));
    const c = await onContract();
    return new Set(w).size > 1 && c.length === w.length && c.every((p, i) => p === w[i]);
  }, 120_000);
  const [setAfter] = await f.bridge.read.config();
  // A transfer after the rotation: signed by the watchers under the new set, minted by the relayer.
  const to = privateKeyToAccount(privateKeyOf("bench-bridge-after-rotation")).address;
  const sender = bench.senders[1]!;
  const t1 = Date.now();
  const out = await new TxSender(c0, bench.layout.chainId, sender, { band: Band.NANO }).send([bridgeMsg.bridgeOut(sender.address, EVM_LOCAL, to.toLowerCase(), AMOUNT)], () => undefined);
  if (out.codeName !== "OK") throw new Error(`MsgBridgeOut after the rotation: ${out.codeName} ${out.log}`);
  let minted: number | undefined;
  for (const end = Date.now() + 120_000; Date.now() < end && minted === undefined; await sleep(250)) if ((await f.wnxt.read.balanceOf([to])) === AMOUNT) minted = r1((Date.now() - t1) / 1000);
  const ok = onNexus !== undefined && held !== undefined && setAfter === setBefore + 1n && minted !== undefined;
  const results = {
    change: "50 000 NXT delegated to validator 1 (real nexus processes: 4 validators, 4 watchers, 1 relayer; Hardhat node)",
    powersBefore: powersBefore.map(String),
    powersAfter: (await onContract()).map(String),
    setIdBefore: Number(setBefore),
    setIdAfter: Number(setAfter),
    secondsToNexusSet: onNexus ?? null,
    secondsToContractSet: held ?? null,
    secondsToMintAfterRotation: minted ?? null,
    ok,
  };
  writeResults("bridge-evm.json", "rotation", results);
  log(
    `rotation: NexusOS's EVM set changed ${onNexus ?? "—"} s after the delegation, NexusBridge held it (set ${setBefore} → ${setAfter}) after ${held ?? "—"} s; ` +
      `a transfer made after it minted in ${minted ?? "—"} s: ${ok ? "ok" : "FAILED"}`,
  );
  return ok;
}

process.exitCode = await main();
