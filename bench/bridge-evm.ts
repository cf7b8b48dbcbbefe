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
 * What bounds the figures (the processes use a fraction of the cores: the CPU line says): each
 * watcher sends one NexusOS transaction at a time and waits for its block (TxSender), three per
 * round trip (MsgSignOutbound, MsgAttestOutboundResult, MsgAttestInbound); the relayer one mint at
 * a time, waiting for its receipt (polled every pollingIntervalMs); a bridgeOut on EVM is seen
 * after its confirmations by the watchers' next timed pass (pollIntervalMs: no NexusOS event
 * wakes them for it).
 *
 * Run: npx tsx bench/bridge-evm.ts [--transfers 50] [--rate 0.25 --seconds 80] … (--help; about 5 minutes on 2 cores)
 * Prints a table and writes bench/results/bridge-evm.json.
 */
import type {} from "@nomicfoundation/hardhat-viem";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import hre, { network } from "hardhat";
import { createPublicClient, createWalletClient, http, parseEther, toHex as viemHex, type Address, type Hex } from "viem";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import "../bridges/evm/register.ts";
import { NEXUS_BRIDGE_ABI } from "../bridges/evm/abi.ts";
import { evmChain } from "../bridges/evm/client.ts";
import { privateKeyOf } from "../bridges/evm/testing/fixture.ts";
import { EVM_LOCAL, deployBridgeForKeys, evmLocalChain, nextContractAddress } from "../bridges/evm/testing/launch.ts";
import type { AttestationKeys } from "../bridges/evm/validator-set.ts";
import { TxSender } from "../bridges/core/nexus.ts";
import { bridgeMsg } from "../modules/bridge/client.ts";
import { defaultBridgeGenesis } from "../modules/bridge/genesis.ts";
import { NXT } from "../modules/bridge/params.ts";
import { generateDevnet, type DevnetLayout } from "../runtime/node/devnet.ts";
import { homePaths, readValidatorKey } from "../runtime/node/home.ts";
import { NexusClient, NexusWsClient, buildTx } from "../runtime/rpc/client.ts";
import { Band } from "../runtime/tx/bands.ts";
import type { Signer } from "../runtime/tx/sign.ts";
import { ed25519 } from "../runtime/crypto/ed25519.ts";
import { addressFor, decodeAddress } from "../runtime/crypto/address.ts";
import { sha256, utf8 } from "../runtime/crypto/hash.ts";
import { CLI, REPO, freePort } from "../test/helpers/spawn-node.ts";
import { nexusApp } from "../chains/nexus/app.ts";
import { cpuSeconds, sleep, startNode, stopAll, waitHeight } from "./lib/devnet-procs.ts";
import { writeResults } from "./lib/results.ts";

const { values: args } = parseArgs({
  options: {
    transfers: { type: "string", default: "50" },
    senders: { type: "string", default: "8" },
    rate: { type: "string", default: "0.25" },
    seconds: { type: "string", default: "80" },
    "block-time": { type: "string", default: "1000" },
    "evm-block-ms": { type: "string", default: "1000" },
    "watcher-poll-ms": { type: "string", default: "" },
    "evm-polling-ms": { type: "string", default: "" },
    timeout: { type: "string", default: "900" },
    keep: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (args.help) {
  process.stdout.write(`bench/bridge-evm.ts: NexusOS → EVM → NexusOS transfers/s and latency, four validator processes, their
watchers, a relayer and a Hardhat node (see the header of this file).

  --transfers N        throughput phase: transfers each way (default 50; about 3 s each on 2 cores)
  --senders N          NexusOS accounts sending them (default 8)
  --rate R             latency phase: transfers offered per second (default 0.25, under what the
                       pipeline sustains: a saturated one measures its queue) …
  --seconds S          … for S seconds (default 80); --rate 0 skips the phase
  --block-time MS      NexusOS devnet block time (default 1000, the devnet's)
  --evm-block-ms MS    Hardhat interval mining: a block every MS (default 1000); no automine
  --watcher-poll-ms MS watchers' and relayer's pollIntervalMs (default: the config's, 5000); they also
                       wake on NexusOS's bridge events, but an EVM bridgeOut is seen only by a pass
  --evm-polling-ms MS  the evm family's pollingIntervalMs, the relayer's receipt polling (default: the
                       EVM block time, as an operator sets it for such a chain; the family's own
                       default, 4000, suits 12 s blocks and caps the relayer at a mint per 4 s)
  --timeout S          give up on a phase after S seconds (default 900): its missing transfers count as lost
  --keep               keep the work directory (homes, configs, every process's log)
  -h, --help           this text

Prints a table and writes bench/results/bridge-evm.json; exits 1 when a transfer is lost or arrives twice.
`);
  process.exit(0);
}

const N = Number(args.transfers);
const SENDERS = Number(args.senders);
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const BLOCK_TIME = Number(args["block-time"]);
const EVM_BLOCK_MS = Number(args["evm-block-ms"]);
const WATCHER_POLL_MS = args["watcher-poll-ms"] ? Number(args["watcher-poll-ms"]) : undefined;
const EVM_POLLING_MS = args["evm-polling-ms"] ? Number(args["evm-polling-ms"]) : EVM_BLOCK_MS;
const TIMEOUT_MS = Number(args.timeout) * 1000;
/** Each transfer moves the chain's minimum, 1 NXT. */
const AMOUNT = 1n * NXT;
const VALIDATORS = 4;

const pct = (xs: number[], p: number): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const r1 = (x: number): number => Math.round(x * 10) / 10;
const r2 = (x: number): number => Math.round(x * 100) / 100;
const log = (s: string): void => void process.stderr.write(`${s}\n`);

type Account = Signer & { address: string };
function nexusAccount(label: string): Account {
  const kp = ed25519.generate(sha256(utf8(label)));
  return { scheme: ed25519, secretKey: kp.secretKey, publicKey: kp.publicKey, address: addressFor(ed25519.id, kp.publicKey) };
}

/** One transfer's way out and back, with the times this process saw each step. */
interface Transfer {
  readonly sender: Account;
  /** Its own EVM recipient, which sends it back. */
  readonly evm: PrivateKeyAccount;
  /** Its own NexusOS recipient on the way back. */
  readonly back: string;
  submittedAt?: number;
  mintedAt?: number;
  evmSentAt?: number;
  creditedAt?: number;
}

function transfers(phase: string, n: number, senders: Account[], offset: number): Transfer[] {
  return Array.from({ length: n }, (_, i) => ({
    sender: senders[(offset + i) % senders.length]!,
    evm: privateKeyToAccount(privateKeyOf(`bench-bridge-${phase}-evm-${i}`)),
    back: nexusAccount(`bench-bridge-${phase}-back-${i}`).address,
  }));
}

function spawnLogged(args: string[], logFile: string, env: Record<string, string> = {}): ChildProcess {
  const out = openSync(logFile, "a");
  return spawn(process.execPath, args, { cwd: REPO, env: { ...process.env, ...env }, stdio: ["ignore", out, out] });
}

async function waitForLog(file: string, what: string, proc: ChildProcess, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const text = readFileSync(file, "utf8");
    if (text.includes(what)) return;
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`${file}: no "${what}"${proc.exitCode !== null ? ` (exited ${proc.exitCode})` : ""}:\n${text.slice(-3000)}`);
    await sleep(200);
  }
}

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "nexus-bench-bridge-"));
  const procs: { role: string; proc: ChildProcess }[] = [];
  const stop: (() => Promise<void>)[] = [];
  const t0 = Date.now();
  try {
    // ---- the EVM chain --------------------------------------------------------------------
    await hre.tasks.getTask("build").run({ quiet: true });
    const evmPort = await freePort();
    const evmUrl = `http://127.0.0.1:${evmPort}`;
    const hhLog = join(dir, "hardhat-node.log");
    const hh = spawnLogged([join(REPO, "node_modules/.bin/hardhat"), "node", "--network", "interval", "--port", String(evmPort)], hhLog, { NEXUS_EVM_BLOCK_MS: String(EVM_BLOCK_MS) });
    procs.push({ role: "hardhat", proc: hh });
    await waitForLog(hhLog, "Started HTTP", hh);
    process.env.NEXUS_EVM_LOCAL_URL = evmUrl;
    const connection = await network.connect({ network: "localhost" });
    stop.push(() => connection.close());
    const pc = createPublicClient({ transport: http(evmUrl) });
    const testClient = await connection.viem.getTestClient();
    const chainId = await pc.getChainId();
    const predicted = await nextContractAddress({ connection });

    // ---- the NexusOS devnet, bridging the chain at the bridge's future address -------------
    const senders = Array.from({ length: SENDERS }, (_, i) => nexusAccount(`bench-bridge-sender-${i}`));
    const ports = async (n: number): Promise<number[]> => Promise.all(Array.from({ length: n }, () => freePort()));
    const layout: DevnetLayout = await generateDevnet(nexusApp, {
      dir: join(dir, "devnet"),
      validators: VALIDATORS,
      rpcPorts: await ports(VALIDATORS),
      p2pPorts: await ports(VALIDATORS),
      blockTimeMs: BLOCK_TIME,
      logLevel: "warn",
      accounts: senders.map((s) => ({ address: s.address, amount: 1_000_000n * NXT })),
    });
    const genesisPath = homePaths(layout.nodes[0]!.home).genesis;
    const genesis = JSON.parse(readFileSync(genesisPath, "utf8")) as { modules: Record<string, unknown> };
    // No attestation keys at genesis: the validators register theirs below.
    genesis.modules.bridge = { ...defaultBridgeGenesis(), chains: [evmLocalChain(chainId, predicted)] };
    for (const n of layout.nodes) writeFileSync(homePaths(n.home).genesis, JSON.stringify(genesis, null, 2) + "\n");
    layout.nodes.forEach((n, i) => procs.push({ role: `validator-${i}`, proc: startNode(n.home, { logFile: join(dir, `validator-${i}.log`) }) }));
    const clients = layout.nodes.map((n) => new NexusClient(n.rpcUrl, { timeoutMs: 30_000 }));
    const c0 = clients[0]!;
    await waitHeight(c0, 2, 120_000);
    log(`devnet up (${VALIDATORS} validators, ${BLOCK_TIME} ms blocks), Hardhat node up (chain ${chainId}, a block every ${EVM_BLOCK_MS} ms) after ${r1((Date.now() - t0) / 1000)} s`);

    // ---- EVM keys registered on NexusOS; the bridge deployed for them ----------------------
    const evmKeys = layout.nodes.map((_, i) => privateKeyOf(`bench-bridge-attestation-${i}`));
    await Promise.all(
      layout.nodes.map(async (n, i) => {
        const k = readValidatorKey(n.home);
        const sender = new TxSender(clients[i]!, layout.chainId, { scheme: ed25519, secretKey: k.secretKey, publicKey: k.publicKey }, { band: Band.FEMTO });
        const r = await sender.send([bridgeMsg.registerAttestationKey(n.address, "evm", privateKeyToAccount(evmKeys[i]!).address.toLowerCase())], () => undefined);
        if (r.codeName !== "OK") throw new Error(`validator ${i}: MsgRegisterAttestationKey: ${r.codeName} ${r.log}`);
      }),
    );
    let ak: AttestationKeys | undefined;
    for (let i = 0; i < 50 && !(ak && ak.keys.length === VALIDATORS); i++, await sleep(200)) ak = await c0.query<AttestationKeys>("bridge/attestationKeys", { family: "evm" });
    const f = await deployBridgeForKeys({ connection }, ak!, predicted);
    const bridge = f.bridge.address;
    const wnxt = f.wnxt.address;

    // ---- watchers and the relayer ------------------------------------------------------------
    const relayerKey = privateKeyOf("bench-bridge-relayer");
    await testClient.setBalance({ address: privateKeyToAccount(relayerKey).address, value: parseEther("1000") });
    const keyFile = (name: string, key: Hex): string => {
      const p = join(dir, `${name}.key`);
      writeFileSync(p, key, { mode: 0o600 });
      return p;
    };
    const family = (extra: Record<string, unknown>) => ({ name: EVM_LOCAL, family: "evm", rpcUrl: evmUrl, pollingIntervalMs: EVM_POLLING_MS, ...extra });
    const common = { logFormat: "json", logLevel: "info", ...(WATCHER_POLL_MS ? { pollIntervalMs: WATCHER_POLL_MS } : {}) };
    const services: { role: string; config: Record<string, unknown>; ready: string }[] = [
      ...layout.nodes.map((n, i) => ({
        role: `watcher-${i}`,
        config: { ...common, nexus: { rpcUrl: n.rpcUrl }, key: { home: n.home, name: "validator" }, dataDir: join(dir, `watcher-${i}`), chains: [family({ validatorKey: { file: keyFile(`watcher-${i}-evm`, evmKeys[i]!) } })] },
        ready: "bridge watcher started",
      })),
      { role: "relayer", config: { ...common, nexus: { rpcUrl: layout.nodes[0]!.rpcUrl }, dataDir: join(dir, "relayer"), chains: [family({ relayerKey: { file: keyFile("relayer-evm", relayerKey) } })] }, ready: "bridge relayer started" },
    ];
    const started = services.map((s) => {
      const cfg = join(dir, `${s.role}.json`);
      writeFileSync(cfg, JSON.stringify(s.config, null, 2));
      const file = join(dir, `${s.role}.log`);
      const proc = spawnLogged(["--import", "tsx", CLI, s.role.startsWith("watcher") ? "watcher" : "relayer", "start", "--config", cfg], file);
      procs.push({ role: s.role, proc });
      return waitForLog(file, s.ready, proc);
    });
    await Promise.all(started);
    log(`bridge ${bridge} (WNXT ${wnxt}) guarded by the ${VALIDATORS} validators' EVM keys; 4 watchers and a relayer started; setup took ${r1((Date.now() - t0) / 1000)} s`);

    // ---- what the bench watches: Minted on EVM, credits and completions on NexusOS ---------
    const mints = new Map<string, { at: number; count: number; amount: bigint }>();
    const credits = new Map<string, { at: number; count: number; amount: bigint }>();
    const completed = new Map<number, { result: string; at: number }>();
    let onMint: ((evmAddress: string) => void) | undefined;
    let watching = true;
    let fromBlock = 0n;
    const mintPoller = (async () => {
      while (watching) {
        try {
          const latest = await pc.getBlockNumber({ cacheTime: 0 });
          if (latest >= fromBlock) {
            const logs = await pc.getContractEvents({ address: bridge, abi: NEXUS_BRIDGE_ABI, eventName: "Minted", fromBlock, toBlock: latest });
            const now = Date.now();
            for (const l of logs) {
              const to = l.args.recipient!.toLowerCase();
              const m = mints.get(to);
              if (m) m.count++;
              else {
                mints.set(to, { at: now, count: 1, amount: l.args.amount! });
                onMint?.(to);
              }
            }
            fromBlock = latest + 1n;
          }
        } catch (e) {
          log(`EVM poll: ${(e as Error).message.split("\n")[0]}`);
        }
        await sleep(200);
      }
    })();
    const ws = await NexusWsClient.connect(`${layout.nodes[0]!.rpcUrl.replace("http://", "ws://")}/ws`);
    stop.push(() => ws.close());
    await ws.subscribeEvents({ type: "bridge.inbound_credited" }, (e) => {
      const to = e.event.attributes.recipient!;
      const c = credits.get(to);
      if (c) c.count++;
      else credits.set(to, { at: Date.now(), count: 1, amount: BigInt(e.event.attributes.amount!) });
    });
    await ws.subscribeEvents({ type: "bridge.outbound_completed" }, (e) => void completed.set(Number(e.event.attributes.seq), { result: e.event.attributes.result!, at: Date.now() }));

    const nonces = new Map<string, bigint>();
    for (const s of senders) nonces.set(s.address, BigInt((await c0.getAccount(s.address)).nonce));
    const signOut = (t: Transfer): Uint8Array => {
      const nonce = nonces.get(t.sender.address)!;
      nonces.set(t.sender.address, nonce + 1n);
      return buildTx({ chainId: layout.chainId, signer: t.sender, nonce, msgs: [bridgeMsg.bridgeOut(t.sender.address, EVM_LOCAL, t.evm.address.toLowerCase(), AMOUNT)] }).bytes;
    };
    /** Each sender's transactions go to one validator, so its nonces arrive there in order. */
    const validatorOf = (t: Transfer): number => senders.indexOf(t.sender) % VALIDATORS;
    const submitOut = async (batch: Transfer[]): Promise<string[]> => {
      const signed = batch.map((t) => ({ t, bytes: signOut(t) }));
      const refused: string[] = [];
      await Promise.all(
        clients.map(async (c, k) => {
          const part = signed.filter((x) => validatorOf(x.t) === k);
          if (!part.length) return;
          const res = await c.sendTxs(part.map((x) => x.bytes));
          const now = Date.now();
          res.forEach((r, j) => (r.ok ? (part[j]!.t.submittedAt = now) : refused.push(`${r.error.codeName}: ${r.error.message.slice(0, 160)}`)));
        }),
      );
      return refused;
    };
    const evmChainDef = evmChain(EVM_LOCAL, chainId, evmUrl);
    const transport = http(evmUrl);
    /** The transfer's EVM recipient burns its WNXT back to its NexusOS recipient (its first transaction: nonce 0). */
    const sendBack = async (t: Transfer): Promise<void> => {
      const wallet = createWalletClient({ account: t.evm, chain: evmChainDef, transport });
      t.evmSentAt = Date.now();
      await wallet.writeContract({ address: bridge, abi: NEXUS_BRIDGE_ABI, functionName: "bridgeOut", args: [wnxt, AMOUNT, viemHex(decodeAddress(t.back))], nonce: 0, gas: 200_000n });
    };
    const fund = async (ts: Transfer[]): Promise<void> => {
      for (let i = 0; i < ts.length; i += 50) await Promise.all(ts.slice(i, i + 50).map((t) => testClient.setBalance({ address: t.evm.address, value: parseEther("1") })));
    };
    const minted = (t: Transfer): boolean => mints.has(t.evm.address.toLowerCase());
    const credited = (t: Transfer): boolean => credits.has(t.back);
    const cpu = (): number[] => procs.map((p) => cpuSeconds(p.proc.pid) ?? NaN);
    const cpuSplit = (before: number[], secs: number): Record<string, number> => {
      const after = cpu();
      const out: Record<string, number> = {};
      procs.forEach((p, i) => {
        const group = p.role.replace(/-\d+$/, "s");
        out[group] = (out[group] ?? 0) + (after[i]! - before[i]!) / secs;
      });
      for (const k of Object.keys(out)) out[k] = r2(out[k]!);
      return out;
    };
    /** Waits until `count()` reaches `total` (a progress line every 5 s); false on timeout. */
    const until = async (label: string, total: number, count: () => number, since: number): Promise<boolean> => {
      let next = Date.now() + 5000;
      for (;;) {
        const k = count();
        if (k >= total) return true;
        if (Date.now() - since > TIMEOUT_MS) {
          log(`  ${label}: timed out with ${k}/${total}`);
          return false;
        }
        if (Date.now() > next) {
          log(`  ${label}: ${k}/${total} after ${r1((Date.now() - since) / 1000)} s (minted ${mints.size}, outbound completed on NexusOS ${completed.size}, credited ${credits.size})`);
          next += 5000;
        }
        await sleep(100);
      }
    };
    const mintAt = (t: Transfer): number | undefined => mints.get(t.evm.address.toLowerCase())?.at;
    const creditAt = (t: Transfer): number | undefined => credits.get(t.back)?.at;

    const results: Record<string, unknown> = {
      setup:
        `separate processes on one machine: 4 BFT validators (nexus devnet, ${BLOCK_TIME} ms blocks), 4 nexus watcher (one per validator, its own node), 1 nexus relayer, ` +
        `a Hardhat node (hardhat node --network interval: no automine, a block every ${EVM_BLOCK_MS} ms), the bench; ${evmLocalChain(chainId, predicted).confirmations} confirmations (chain settings); ` +
        `watcher/relayer config: defaults (docs/bridges.md) but the evm family's pollingIntervalMs ${EVM_POLLING_MS}${WATCHER_POLL_MS ? ` and pollIntervalMs ${WATCHER_POLL_MS}` : " (pollIntervalMs 5000)"}`,
      validators: VALIDATORS,
      nexusBlockTimeMs: BLOCK_TIME,
      evmMining: { automine: false, intervalMs: EVM_BLOCK_MS },
      confirmations: evmLocalChain(chainId, predicted).confirmations,
      bridgeConfig: { pollIntervalMs: WATCHER_POLL_MS ?? 5000, evmPollingIntervalMs: EVM_POLLING_MS },
      amountNxt: Number(AMOUNT / NXT),
    };
    const lost: string[] = [];

    // ---- throughput --------------------------------------------------------------------------
    const tp = transfers("tp", N, senders, 0);
    await fund(tp);
    log(`throughput: ${N} transfers NexusOS → EVM from ${SENDERS} senders, submitted at once`);
    let cpuBefore = cpu();
    const tpStart = Date.now();
    const refused = await submitOut(tp);
    const acceptedMs = Date.now() - tpStart;
    if (refused.length) log(`  refused: ${refused.length} (e.g. ${refused[0]})`);
    let refusedTotal = refused.length;
    const out = tp.filter((t) => t.submittedAt);
    await until("minted on EVM", out.length, () => out.filter(minted).length, tpStart);
    const outEnd = Math.max(...out.map((t) => mintAt(t) ?? Date.now()));
    const outSecs = (outEnd - tpStart) / 1000;
    const cpuOut = cpuSplit(cpuBefore, outSecs);
    log(`  all minted after ${r1(outSecs)} s`);
    cpuBefore = cpu();
    const backStart = Date.now();
    const ready = tp.filter(minted);
    for (let i = 0; i < ready.length; i += 25) await Promise.all(ready.slice(i, i + 25).map(sendBack));
    const sentMs = Date.now() - backStart;
    log(`  ${ready.length} bridgeOut sent on EVM in ${r1(sentMs / 1000)} s; waiting for NexusOS to credit them`);
    await until("credited on NexusOS", ready.length, () => ready.filter(credited).length, backStart);
    const backEnd = Math.max(...ready.map((t) => creditAt(t) ?? Date.now()));
    // Before the first credit the watchers also work off the outbound results still to attest.
    const firstCredit = Math.min(...ready.map((t) => creditAt(t) ?? Date.now()));
    const backSecs = (backEnd - backStart) / 1000;
    const cpuBack = cpuSplit(cpuBefore, backSecs);
    const tripSecs = (backEnd - tpStart) / 1000;
    // The watchers attest each outbound result on NexusOS after the mint: the outbound
    // transfers are complete ("executed") there only then. The chain is new: theirs are seqs 1..N.
    const seqs = out.map((_, i) => i + 1);
    await until("outbound completed on NexusOS", out.length, () => seqs.filter((q) => completed.has(q)).length, tpStart);
    const outCompleted = Math.max(...seqs.map((q) => completed.get(q)?.at ?? Date.now()));
    results.throughput = {
      transfers: N,
      accepted: out.length,
      senders: SENDERS,
      refusedByNexus: refused.length,
      acceptedInMs: acceptedMs,
      out: { seconds: r1(outSecs), transfersPerSecond: r2(out.length / outSecs), cpuCoresByProcess: cpuOut },
      back: {
        bridgeOutSentInMs: sentMs,
        seconds: r1(backSecs),
        transfersPerSecond: r2(ready.length / backSecs),
        firstCreditAfterSeconds: r1((firstCredit - backStart) / 1000),
        creditsPerSecondFromFirst: backEnd > firstCredit ? r2((ready.length - 1) / ((backEnd - firstCredit) / 1000)) : NaN,
        cpuCoresByProcess: cpuBack,
      },
      roundTrip: { seconds: r1(tripSecs), transfersPerSecond: r2(ready.length / tripSecs) },
      outboundExecutedOnNexusAfterSeconds: r1((outCompleted - tpStart) / 1000),
    };
    log(`  all credited after ${r1(backSecs)} s; outbound completed on NexusOS ${completed.size}/${N} after ${r1((outCompleted - tpStart) / 1000)} s`);

    // ---- latency -----------------------------------------------------------------------------
    const K = Math.round(RATE * SECONDS);
    const lt = transfers("lat", K, senders, 0);
    if (K > 0) {
      await fund(lt);
      const byEvm = new Map(lt.map((t) => [t.evm.address.toLowerCase(), t]));
      const backs: Promise<void>[] = [];
      onMint = (to) => {
        const t = byEvm.get(to);
        if (t) backs.push(sendBack(t).catch((e: unknown) => log(`  bridgeOut of ${to}: ${(e as Error).message.split("\n")[0]}`)));
      };
      log(`latency: ${RATE} transfers/s for ${SECONDS} s (${K}), each sent back as soon as it is minted`);
      const start = Date.now();
      for (let k = 0; k < K; k++) {
        const due = start + (k * 1000) / RATE;
        if (due > Date.now()) await sleep(due - Date.now());
        const r = await submitOut([lt[k]!]);
        if (r.length) log(`  refused: ${r[0]}`);
        refusedTotal += r.length;
      }
      const sent = lt.filter((t) => t.submittedAt);
      await until("latency transfers credited on NexusOS", sent.length, () => sent.filter(credited).length, start);
      await Promise.all(backs);
      for (const t of lt) {
        t.mintedAt = mintAt(t);
        t.creditedAt = creditAt(t);
      }
      const done = lt.filter((t) => t.submittedAt && t.mintedAt && t.evmSentAt && t.creditedAt);
      const out = done.map((t) => t.mintedAt! - t.submittedAt!);
      const back = done.map((t) => t.creditedAt! - t.evmSentAt!);
      const trip = done.map((t) => t.creditedAt! - t.submittedAt!);
      const stat = (xs: number[]) => ({ p50: pct(xs, 50), p99: pct(xs, 99), max: Math.max(...xs) });
      results.latency = { offeredPerSecond: RATE, seconds: SECONDS, transfers: K, measured: done.length, outMs: stat(out), backMs: stat(back), roundTripMs: stat(trip) };
    }
    watching = false;
    await mintPoller;

    // ---- exactly once ------------------------------------------------------------------------
    // Over the transfers NexusOS accepted (a refusal is reported on its own).
    const all = [...tp, ...lt].filter((t) => t.submittedAt);
    const mintedOnce = all.filter((t) => mints.get(t.evm.address.toLowerCase())?.count === 1 && mints.get(t.evm.address.toLowerCase())?.amount === AMOUNT).length;
    const mintedTwice = all.filter((t) => (mints.get(t.evm.address.toLowerCase())?.count ?? 0) > 1).length;
    const balances = await c0.batch<{ amount: string }>(all.map((t) => ({ method: "nexus_getBalance", params: [t.back, "nxt"] })));
    const creditedOnce = balances.filter((b) => b.ok && BigInt(b.result.amount) === AMOUNT).length;
    const creditedWrong = balances.filter((b) => b.ok && BigInt(b.result.amount) !== AMOUNT && BigInt(b.result.amount) !== 0n).length;
    const escrow = await c0.query<{ balance: string; owed: string }>("bridge/escrow", {});
    const chainView = await c0.query<{ totals: { lockedOut: string; refundedOut: string; executedOut: string; creditedIn: string } }>("bridge/chain", { chain: EVM_LOCAL });
    const supply = await f.wnxt.read.totalSupply();
    const expected = BigInt(all.length) * AMOUNT;
    const totals = chainView.totals;
    const checks: [string, boolean][] = [
      [`MsgBridgeOut accepted by NexusOS: ${all.length}/${tp.length + lt.length} (refused: ${refusedTotal})`, refusedTotal === 0],
      [`minted exactly once on EVM: ${mintedOnce}/${all.length} (twice or more: ${mintedTwice}; Minted events for other recipients: ${mints.size - mintedOnce - mintedTwice})`, mintedOnce === all.length && mints.size === all.length],
      [`credited exactly once on NexusOS (balances of the ${all.length} return recipients = 1 NXT each): ${creditedOnce}/${all.length} (other amounts: ${creditedWrong}; credit events: ${[...credits.values()].reduce((a, c) => a + c.count, 0)})`, creditedOnce === all.length],
      [`bridge totals: locked out ${BigInt(totals.lockedOut) / NXT}, executed out ${BigInt(totals.executedOut) / NXT}, credited in ${BigInt(totals.creditedIn) / NXT}, refunded ${BigInt(totals.refundedOut) / NXT} NXT (expected ${expected / NXT} each, 0 refunded)`, BigInt(totals.lockedOut) === expected && BigInt(totals.executedOut) === expected && BigInt(totals.creditedIn) === expected && totals.refundedOut === "0"],
      [`escrow ${BigInt(escrow.balance)} = owed ${escrow.owed} = WNXT supply ${supply} (base units)`, BigInt(escrow.balance) === BigInt(escrow.owed) && BigInt(escrow.balance) === supply],
    ];
    for (const [what, ok] of checks) if (!ok) lost.push(what);
    results.exactlyOnce = { transfers: all.length, mintedOnce, mintedTwice, creditedOnce, creditedWrong, outboundCompleted: completed.size, escrow: escrow.balance, wnxtSupply: supply.toString(), ok: lost.length === 0 };

    // ---- table -------------------------------------------------------------------------------
    const t = results.throughput as { out: { seconds: number; transfersPerSecond: number }; back: { seconds: number; transfersPerSecond: number; firstCreditAfterSeconds: number; creditsPerSecondFromFirst: number }; roundTrip: { seconds: number; transfersPerSecond: number }; outboundExecutedOnNexusAfterSeconds: number };
    const rows: [string, string][] = [
      [`NexusOS → EVM: ${N} MsgBridgeOut submitted at once → all minted`, `${t.out.transfersPerSecond} transfers/s (${t.out.seconds} s)`],
      [`EVM → NexusOS: ${N} bridgeOut sent at once → all credited`, `${t.back.transfersPerSecond} transfers/s (${t.back.seconds} s)`],
      [`… of which: first credit after / credits per second from the first to the last`, `${t.back.firstCreditAfterSeconds} s / ${t.back.creditsPerSecondFromFirst} per s`],
      [`round trip: first submit → last credit`, `${t.roundTrip.transfersPerSecond} transfers/s (${t.roundTrip.seconds} s)`],
      [`… the ${N} outbound transfers completed (executed) on NexusOS`, `after ${t.outboundExecutedOnNexusAfterSeconds} s`],
    ];
    const l = results.latency as { measured: number; outMs: { p50: number; p99: number }; backMs: { p50: number; p99: number }; roundTripMs: { p50: number; p99: number } } | undefined;
    if (l) {
      rows.push([`latency at ${RATE}/s for ${SECONDS} s (${l.measured} of ${K}): NexusOS submit → minted on EVM, p50 / p99`, `${l.outMs.p50} / ${l.outMs.p99} ms`]);
      rows.push([`… EVM bridgeOut → credited on NexusOS, p50 / p99`, `${l.backMs.p50} / ${l.backMs.p99} ms`]);
      rows.push([`… round trip (submit → credited back), p50 / p99`, `${l.roundTripMs.p50} / ${l.roundTripMs.p99} ms`]);
    }
    for (const [what, ok] of checks) rows.push([what, ok ? "✔" : "✘ LOST OR DUPLICATED"]);
    const w = Math.max(...rows.map((r) => r[0].length));
    console.log(`\nbridge NexusOS ⇄ EVM (${results.setup})\n`);
    for (const [a, b] of rows) console.log(`${a.padEnd(w)}  ${b}`);
    console.log(`\nCPU (cores busy) out: ${JSON.stringify(cpuOut)}; back: ${JSON.stringify(cpuBack)}`);
    console.log(`wrote ${writeResults("bridge-evm.json", "roundTrips", results)}`);
    if (lost.length) {
      console.error(`\nFAILED: ${lost.join("; ")}${args.keep ? "" : " (run with --keep to keep the processes' logs)"}`);
      return 1;
    }
    return 0;
  } finally {
    for (const s of stop.reverse()) await s().catch(() => undefined);
    // The bridge processes first (they talk to the others), then the validators and the EVM node.
    await stopAll(procs.filter((p) => /watcher|relayer/.test(p.role)).map((p) => p.proc));
    await stopAll(procs.filter((p) => !/watcher|relayer/.test(p.role)).map((p) => p.proc));
    if (args.keep) log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
