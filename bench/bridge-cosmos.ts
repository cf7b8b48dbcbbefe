/**
 * NXT over the bridge, NexusOS → Cosmos → NexusOS, end to end through the real pieces but the
 * Cosmos chain, each its own process on 127.0.0.1. THE COSMOS SIDE IS
 * test/fixtures/cosmos-chain: A LOCAL COMETBFT-0.38-RPC-COMPATIBLE TEST CHAIN, NOT A COSMOS
 * NODE (it verifies transactions as an SDK 0.53 app does — signatures, the escrow's
 * LegacyAminoPubKey multisig, unordered nonces, fees, balances — but has no consensus: a block
 * on a timer; docs/bridges.md "Tests"). So the figures are those of the NexusOS side, the
 * watchers and the relayer against a chain that answers like CometBFT 0.38, not of a Cosmos node.
 *
 *   - four BFT validators (`nexus start` on a devnet of runtime/node/devnet.ts, block time
 *     --block-time) whose genesis bridges the chain "cosmos-local" (family cosmos: cosmos
 *     {chainId, prefix, denom} of the test chain, --confirmations, outboundTtlSeconds
 *     --outbound-ttl: releases are unordered transactions, which the chain takes at most 10
 *     minutes before their timeout);
 *   - the test chain (bench/lib/cosmos-chain-proc.ts: a block every --cosmos-block-ms), where
 *     the escrow — the 3-of-4 multisig of the cosmos keys the validators registered on NexusOS
 *     (MsgRegisterAttestationKey family "cosmos") — is funded from the faucet with the bridged
 *     supply of the denom and the fee denom;
 *   - four `nexus watcher` processes (one per validator: its operator key, its cosmos key, its
 *     own node's RPC) and one `nexus relayer` (validator 0's node; no Cosmos key: the release is
 *     complete with the validators' signatures, the escrow pays the fee), with the defaults of
 *     docs/bridges.md but for the options below that name a config field.
 *
 * Phases (bench/lib/bridge-bench.ts): throughput — --transfers MsgBridgeOut submitted at once,
 * timed until every one is released from the escrow on the Cosmos chain, then every recipient
 * deposits its 1 NXT of the denom back (bank MsgSend to the escrow, the nxs1 recipient as memo)
 * at once, timed until NexusOS credits every one; latency — --rate transfers/s for --seconds,
 * each deposited back as soon as the bench sees it released; exactly once — every transfer
 * released once and credited once, the bridge's totals, NexusOS's escrow = the denom out of the
 * Cosmos escrow, every Cosmos recipient left with nothing: exit 1 otherwise.
 *
 * Times are when this process saw the event: releases by polling the test chain's tx_search
 * (MsgSends from the escrow) every 200 ms, credits and completions by a WebSocket subscription
 * to validator 0. A deposit is sent with broadcast_tx_sync (in the mempool, not yet in a block).
 *
 * What bounds the figures (the processes use a fraction of the cores: the CPU line says): the
 * relayer delivers ready transfers one at a time, and a Cosmos delivery is about a dozen
 * sequential RPC requests (NexusOS's record; status() before: status, block, tx_search; submit():
 * tx_search, status, the escrow's two balances, broadcast_tx_sync; status() after), with no
 * config knob for parallel deliveries; the watchers check each outbound result the same way, one
 * at a time. A deposit is read once final (--confirmations blocks on top of its block, each
 * --cosmos-block-ms) by the watchers' next pass: pollIntervalMs (--watcher-poll-ms), or sooner
 * when a NexusOS bridge event wakes them.
 *
 * Run: npx tsx bench/bridge-cosmos.ts [--transfers 50] [--rate 0.25 --seconds 80] … (--help; about 3 minutes on 2 cores)
 * Prints a table and writes bench/results/bridge-cosmos.json.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { StargateClient } from "@cosmjs/stargate";
import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import "../bridges/cosmos/register.ts";
import { escrowFromAttestationKeys, type AttestationKeys } from "../bridges/cosmos/escrow.ts";
import { MSG_SEND_TYPE_URL } from "../bridges/cosmos/signdoc.ts";
import { cosmosValidatorKey, cosmosValidatorSecret } from "../bridges/cosmos/testing.ts";
import { NXT, type ChainSettings } from "../modules/bridge/params.ts";
import { COSMOS_CHAIN } from "../modules/bridge/testing.ts";
import { toHex } from "../runtime/crypto/hash.ts";
import { FIXTURE_LABEL, cosmosFixtureAt, cosmosSecret } from "../test/fixtures/cosmos-chain/index.ts";
import { REPO } from "../test/helpers/spawn-node.ts";
import { waitForLog } from "./lib/devnet-procs.ts";
import { AMOUNT, BridgeBench, VALIDATORS, bridgeHelp, bridgeOptions, bridgeSettings, log, r1, type BenchDestination } from "./lib/bridge-bench.ts";

const COSMOS_LOCAL = "cosmos-local";
/** The most an unordered transaction's timeout may be ahead of block time on SDK 0.53 (and on the test chain). */
const MAX_UNORDERED_TTL_SECONDS = 600;

const DEFAULTS = { transfers: "50", senders: "8", rate: "0.25", seconds: "80" };
const { values: args } = parseArgs({
  options: {
    ...bridgeOptions(DEFAULTS),
    "cosmos-block-ms": { type: "string", default: "1000" },
    confirmations: { type: "string", default: "1" },
    "outbound-ttl": { type: "string", default: "300" },
  },
});

if (args.help) {
  process.stdout.write(
    bridgeHelp({
      title: `bench/bridge-cosmos.ts: NexusOS → Cosmos → NexusOS transfers/s and latency, four validator processes,
their watchers, a relayer and the Cosmos test chain of test/fixtures/cosmos-chain in its own process
(a local CometBFT-0.38-RPC-compatible test chain, not a Cosmos node; see the header of this file).`,
      d: DEFAULTS,
      own: `  --cosmos-block-ms MS the test chain makes a block every MS (default 1000)
  --confirmations N    the chain's confirmations in NexusOS's settings (default 1: CometBFT's blocks are
                       final, and a block's transactions are indexed just after it is committed)
  --outbound-ttl S     the chain's outboundTtlSeconds (default 300; at most ${MAX_UNORDERED_TTL_SECONDS}: a release is an
                       unordered transaction, refused more than 10 minutes before its timeout)
`,
      sentBack: "a deposit on the Cosmos chain",
      file: "bridge-cosmos.json",
    }),
  );
  process.exit(0);
}

const S = bridgeSettings(args);
const COSMOS_BLOCK_MS = Number(args["cosmos-block-ms"]);
const CONFIRMATIONS = Number(args.confirmations);
const TTL = Number(args["outbound-ttl"]);
if (!(TTL > 0 && TTL <= MAX_UNORDERED_TTL_SECONDS)) throw new Error(`--outbound-ttl must be within 1..${MAX_UNORDERED_TTL_SECONDS} s: releases are unordered transactions`);
/** The bridged supply the escrow holds on the Cosmos chain (denom base units = NXT base units). */
const SUPPLY = 100_000n * NXT;

async function main(): Promise<number> {
  const bench = new BridgeBench("bridge-cosmos", S);
  try {
    // ---- the Cosmos test chain, in its own process --------------------------------------------
    const cc = bench.spawn("cosmos-chain", ["--import", "tsx", join(REPO, "bench/lib/cosmos-chain-proc.ts"), "--block-ms", String(COSMOS_BLOCK_MS)]);
    const url = /listening on (\S+)/.exec(await waitForLog(cc.logFile, "listening on", cc.proc))![1]!;
    const target = await cosmosFixtureAt(url);
    bench.onClose(() => target.close());
    const sg = await StargateClient.connect(url);
    bench.onClose(async () => sg.disconnect());

    // ---- the NexusOS devnet, bridging it --------------------------------------------------------
    const settings: ChainSettings = {
      ...COSMOS_CHAIN,
      name: COSMOS_LOCAL,
      confirmations: CONFIRMATIONS,
      outboundTtlSeconds: TTL,
      rateLimit: { capacity: (1_000_000n * NXT).toString(), refillPerSecond: (10_000n * NXT).toString() },
      cosmos: { chainId: target.chainId, prefix: target.prefix, denom: target.denom },
    };
    await bench.startDevnet(settings);
    log(`devnet up (${VALIDATORS} validators, ${S.blockTimeMs} ms blocks), Cosmos side up at ${url} (${FIXTURE_LABEL}; chain ${target.chainId}, a block every ${COSMOS_BLOCK_MS} ms) after ${r1((Date.now() - bench.t0) / 1000)} s`);

    // ---- cosmos keys registered on NexusOS; the escrow multisig of them funded ---------------
    const ak = await bench.registerKeys<AttestationKeys>(
      "cosmos",
      bench.layout.nodes.map((_, i) => cosmosValidatorKey(i)),
    );
    const escrow = escrowFromAttestationKeys(ak, target.prefix);
    const feeBudget = BigInt(target.fee.amount) * 100_000n;
    await target.fund(escrow.address, [
      { denom: target.denom, amount: SUPPLY.toString() },
      { denom: target.fee.denom, amount: feeBudget.toString() },
    ]);

    // The bridge starts after the funding: the watchers scan the heights after it (startHeight), as
    // an operator sets them for an escrow funded by a plain send (else: a deposit with no memo, logged).
    const funded = await sg.getHeight();

    // ---- watchers and the relayer ------------------------------------------------------------
    const family = (extra: Record<string, unknown>) => ({ name: COSMOS_LOCAL, family: "cosmos", rpcUrl: url, fee: { ...target.fee }, gas: target.gas, escrowAddress: escrow.address, ...extra });
    await bench.startServices({
      common: { logFormat: "json", logLevel: "info", ...(S.watcherPollMs ? { pollIntervalMs: S.watcherPollMs } : {}) },
      watcherChain: (i) => family({ startHeight: funded, validatorKey: { file: bench.keyFile(`watcher-${i}-cosmos`, toHex(cosmosValidatorSecret(i))) } }),
      relayerChain: family({}),
    });
    log(`escrow ${escrow.address} (${escrow.threshold} of ${escrow.members.length} validators' cosmos keys) holds ${SUPPLY / NXT} NXT of ${target.denom}; 4 watchers and a relayer started; setup took ${r1((Date.now() - bench.t0) / 1000)} s`);

    // ---- the Cosmos side: releases from the escrow, deposits back, the escrow's balance ----
    let scanned = 0;
    const cosmos: BenchDestination<Uint8Array> = {
      name: "Cosmos",
      chain: COSMOS_LOCAL,
      arrived: "released",
      arrivals: "releases from the escrow",
      backOne: "deposit",
      backMany: "deposits (MsgSend to the escrow, memo = the nxs1 recipient)",
      backKey: "deposits",
      recipient: (phase, i) => {
        const key = cosmosSecret(`bench-bridge-${phase}-cosmos-${i}`);
        return { key, address: target.address(key) };
      },
      /** Fee-denom for one deposit each, from the faucet (one transaction per 50). */
      fund: (ts) => target.fundMany(ts.map((t) => t.dest), [{ denom: target.fee.denom, amount: (BigInt(target.fee.amount) * 2n).toString() }]),
      sendBack: async (t) => {
        await target.broadcast(t.key, escrow.address, [{ denom: target.denom, amount: AMOUNT.toString() }], t.back);
      },
      /** The escrow's successful MsgSends in the blocks since the last call. */
      poll: async () => {
        const latest = await sg.getHeight();
        if (latest <= scanned) return [];
        const txs = await sg.searchTx(`transfer.sender='${escrow.address}' AND tx.height>${scanned} AND tx.height<=${latest}`);
        scanned = latest;
        const got: { to: string; amount: bigint }[] = [];
        for (const tx of txs) {
          if (tx.code !== 0) continue;
          for (const m of TxBody.decode(TxRaw.decode(tx.tx).bodyBytes).messages) {
            if (m.typeUrl !== MSG_SEND_TYPE_URL) continue;
            const send = MsgSend.decode(m.value);
            if (send.fromAddress !== escrow.address) continue;
            got.push({ to: send.toAddress, amount: send.amount.filter((c) => c.denom === target.denom).reduce((a, c) => a + BigInt(c.amount), 0n) });
          }
        }
        return got;
      },
      checks: async (all, nexusEscrow) => {
        const held = await target.balance(escrow.address, target.denom);
        const out = SUPPLY - held;
        const left = await Promise.all(all.map(async (t) => BigInt((await sg.getBalance(t.dest, target.denom)).amount)));
        const holding = left.filter((x) => x !== 0n).length;
        return {
          checks: [
            [`deposited back once: the ${all.length} recipients on Cosmos hold 0 ${target.denom} (holding some: ${holding})`, holding === 0],
            [
              `NexusOS escrow ${BigInt(nexusEscrow.balance)} = owed ${nexusEscrow.owed} = ${target.denom} out of the Cosmos escrow ${out} (supply ${SUPPLY} − held ${held}; base units)`,
              BigInt(nexusEscrow.balance) === BigInt(nexusEscrow.owed) && BigInt(nexusEscrow.balance) === out,
            ],
          ],
          results: { cosmosEscrowSupply: SUPPLY.toString(), cosmosEscrowHeld: held.toString(), cosmosRecipientsHolding: holding },
        };
      },
    };

    return await bench.run(cosmos, {
      file: "bridge-cosmos.json",
      results: {
        setup:
          `separate processes on one machine: 4 BFT validators (nexus devnet, ${S.blockTimeMs} ms blocks), 4 nexus watcher (one per validator, its own node), 1 nexus relayer, ` +
          `the Cosmos side: ${FIXTURE_LABEL}, in its own process (bench/lib/cosmos-chain-proc.ts: a block every ${COSMOS_BLOCK_MS} ms on a timer, no consensus), the bench; ` +
          `${CONFIRMATIONS} confirmation${CONFIRMATIONS === 1 ? "" : "s"}, outboundTtlSeconds ${TTL} (chain settings); the watchers scan from the height after the escrow's funding (startHeight); escrow: the ${escrow.threshold}-of-${escrow.members.length} multisig of the validators' cosmos keys; ` +
          `watcher/relayer config: defaults (docs/bridges.md)${S.watcherPollMs ? ` but pollIntervalMs ${S.watcherPollMs}` : " (pollIntervalMs 5000)"}`,
        validators: VALIDATORS,
        nexusBlockTimeMs: S.blockTimeMs,
        cosmosChain: { kind: "test chain, not a Cosmos node", label: FIXTURE_LABEL, blockIntervalMs: COSMOS_BLOCK_MS, chainId: target.chainId, denom: target.denom, fee: `${target.fee.amount}${target.fee.denom}`, gas: target.gas },
        confirmations: CONFIRMATIONS,
        outboundTtlSeconds: TTL,
        escrow: { threshold: escrow.threshold, members: escrow.members.length },
        bridgeConfig: { pollIntervalMs: S.watcherPollMs ?? 5000 },
        amountNxt: Number(AMOUNT / NXT),
      },
    });
  } finally {
    await bench.close();
  }
}

process.exitCode = await main();
