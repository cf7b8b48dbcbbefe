/**
 * What the bridge benches (bench/bridge-evm.ts, bench/bridge-cosmos.ts) share: a four-validator
 * devnet (runtime/node/devnet.ts) bridging one chain, each validator's attestation key for it
 * registered on NexusOS (MsgRegisterAttestationKey), four `nexus watcher` processes (one per
 * validator: its operator key, its own node's RPC) and a `nexus relayer` (validator 0's node),
 * all separate processes on 127.0.0.1; then the phases, the NexusOS side of the exactly-once
 * checks, the table and the results file.
 *
 * A bench brings the other chain as a BenchDestination: how a transfer's recipient there is
 * made and funded, how the bench sees transfers arrive (polled every 200 ms), how a recipient
 * sends its transfer back, and the checks of that chain's side.
 *
 * Phases:
 *   throughput  --transfers MsgBridgeOut from --senders accounts, all submitted at once (each
 *               account's to one validator), each to its own recipient on the other chain, timed
 *               until every one arrived there; then every recipient sends its transfer back at
 *               once, timed until NexusOS credits every one. Transfers/s each way and for the
 *               round trip (N / wall time from the first submit to the last credit).
 *   latency     --rate transfers/s offered for --seconds; each goes back as soon as the bench sees
 *               it arrive. Per transfer: NexusOS submit → arrived, sent back → credited on
 *               NexusOS, and submit → credited; p50/p99.
 *   exactly once  every transfer arrived once to its recipient and was credited once to its
 *               NexusOS recipient, the bridge's totals, the other chain's escrow checks: printed;
 *               exit 1 otherwise.
 *
 * Credits and completions on NexusOS are seen through a WebSocket subscription to validator 0.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TxSender } from "../../bridges/core/nexus.ts";
import { bridgeMsg } from "../../modules/bridge/client.ts";
import { defaultBridgeGenesis } from "../../modules/bridge/genesis.ts";
import { NXT, type ChainSettings, type Family } from "../../modules/bridge/params.ts";
import { generateDevnet, type DevnetLayout } from "../../runtime/node/devnet.ts";
import { homePaths, readValidatorKey } from "../../runtime/node/home.ts";
import { NexusClient, NexusWsClient, buildTx } from "../../runtime/rpc/client.ts";
import { Band } from "../../runtime/tx/bands.ts";
import type { Signer } from "../../runtime/tx/sign.ts";
import { ed25519 } from "../../runtime/crypto/ed25519.ts";
import { addressFor } from "../../runtime/crypto/address.ts";
import { sha256, utf8 } from "../../runtime/crypto/hash.ts";
import { CLI, freePort } from "../../test/helpers/spawn-node.ts";
import { nexusApp } from "../../chains/nexus/app.ts";
import { cpuSeconds, sleep, spawnLogged, startNode, stopAll, waitForLog, waitHeight } from "./devnet-procs.ts";
import { percentile } from "./fixtures.ts";
import { writeResults } from "./results.ts";

/** Each transfer moves the chain's minimum, 1 NXT. */
export const AMOUNT = 1n * NXT;
export const VALIDATORS = 4;

export const r1 = (x: number): number => Math.round(x * 10) / 10;
export const r2 = (x: number): number => Math.round(x * 100) / 100;
export const log = (s: string): void => void process.stderr.write(`${s}\n`);
const pct = (xs: number[], p: number): number => percentile([...xs].sort((a, b) => a - b), p);

export type Account = Signer & { address: string };
export function nexusAccount(label: string): Account {
  const kp = ed25519.generate(sha256(utf8(label)));
  return { scheme: ed25519, secretKey: kp.secretKey, publicKey: kp.publicKey, address: addressFor(ed25519.id, kp.publicKey) };
}

// ---- options ---------------------------------------------------------------------------------

export interface BridgeBenchDefaults {
  transfers: string;
  senders: string;
  rate: string;
  seconds: string;
}

/** The options (node:util parseArgs) every bridge bench takes, with its defaults. */
export function bridgeOptions(d: BridgeBenchDefaults) {
  const str = (value: string) => ({ type: "string" as const, default: value });
  return {
    transfers: str(d.transfers),
    senders: str(d.senders),
    rate: str(d.rate),
    seconds: str(d.seconds),
    "block-time": str("1000"),
    "watcher-poll-ms": str(""),
    timeout: str("900"),
    keep: { type: "boolean" as const, default: false },
    chaos: { type: "boolean" as const, default: false },
    help: { type: "boolean" as const, short: "h", default: false },
  };
}

/** --help: the common options around the bench's own (`own`: its lines, indented like these). */
export function bridgeHelp(o: { title: string; d: BridgeBenchDefaults; own: string; sentBack: string; file: string }): string {
  return `${o.title}

  --transfers N        throughput phase: transfers each way (default ${o.d.transfers})
  --senders N          NexusOS accounts sending them (default ${o.d.senders})
  --rate R             latency phase: transfers offered per second (default ${o.d.rate}, under what the
                       pipeline sustains: a saturated one measures its queue) …
  --seconds S          … for S seconds (default ${o.d.seconds}); --rate 0 skips the phase
  --block-time MS      NexusOS devnet block time (default 1000, the devnet's)
${o.own}  --watcher-poll-ms MS watchers' and relayer's pollIntervalMs (default: the config's, 5000); they also
                       wake on NexusOS's bridge events, but ${o.sentBack} is seen only by a pass
  --timeout S          give up on a phase after S seconds (default 900): its missing transfers count as lost
  --chaos              a second relayer races the first, and the first is killed (SIGKILL) at random
                       moments (every 0.5-3 s) and restarted on its checkpoints throughout the phases
                       (a chain without relayers: a random watcher every 4-12 s); the exactly-once
                       checks then cover crashes mid-batch and racing relayers
  --keep               keep the work directory (homes, configs, every process's log)
  -h, --help           this text

Prints a table and writes bench/results/${o.file}; exits 1 when a transfer is lost or arrives twice.
`;
}

export interface BridgeBenchSettings {
  readonly transfers: number;
  readonly senders: number;
  readonly rate: number;
  readonly seconds: number;
  readonly blockTimeMs: number;
  /** pollIntervalMs of the watchers and the relayer; undefined: the config's default. */
  readonly watcherPollMs: number | undefined;
  readonly timeoutMs: number;
  readonly keep: boolean;
  readonly chaos: boolean;
}

export function bridgeSettings(a: { transfers?: string; senders?: string; rate?: string; seconds?: string; "block-time"?: string; "watcher-poll-ms"?: string; timeout?: string; keep?: boolean; chaos?: boolean }): BridgeBenchSettings {
  return {
    transfers: Number(a.transfers),
    senders: Number(a.senders),
    rate: Number(a.rate),
    seconds: Number(a.seconds),
    blockTimeMs: Number(a["block-time"]),
    watcherPollMs: a["watcher-poll-ms"] ? Number(a["watcher-poll-ms"]) : undefined,
    timeoutMs: Number(a.timeout) * 1000,
    keep: a.keep ?? false,
    chaos: a.chaos ?? false,
  };
}

// ---- the other chain ---------------------------------------------------------------------------

/** One transfer's way out and back, with the times this process saw each step. */
export interface BenchTransfer<K> {
  readonly sender: Account;
  /** Its own recipient on the other chain, as the arrivals name it; it sends the transfer back. */
  readonly dest: string;
  /** What sending back from `dest` needs (its key). */
  readonly key: K;
  /** Its own NexusOS recipient on the way back. */
  readonly back: string;
  submittedAt?: number;
  arrivedAt?: number;
  sentBackAt?: number;
  creditedAt?: number;
}

export interface BenchDestination<K> {
  /** The chain in the table: "EVM", "Cosmos". */
  readonly name: string;
  /** NexusOS's name of the bridged chain. */
  readonly chain: string;
  /** How a transfer arrives there: "minted", "released" (results: mintedOnce, …). */
  readonly arrived: string;
  /** What the bench sees arrive, for the checks: "Minted events", … */
  readonly arrivals: string;
  /** One transfer sent back, and many: "bridgeOut", "deposit"; the results' key of the sending time. */
  readonly backOne: string;
  readonly backMany: string;
  readonly backKey: string;
  /** Transfer i of a phase: its recipient's key and address there. */
  recipient(phase: string, i: number): { key: K; address: string };
  /** Gives recipients what sending back costs (gas, fees). */
  fund(ts: readonly BenchTransfer<K>[]): Promise<void>;
  /** t's recipient sends it back to t.back; resolves once broadcast. */
  sendBack(t: BenchTransfer<K>): Promise<void>;
  /** Transfers that arrived since the last call. */
  poll(): Promise<{ to: string; amount: bigint }[]>;
  /** The other side's checks at the end (the escrows), given NexusOS's escrow. */
  checks(all: readonly BenchTransfer<K>[], escrow: { balance: string; owed: string }): Promise<{ checks: [string, boolean][]; results: Record<string, unknown> }>;
}

interface Seen {
  at: number;
  count: number;
  amount: bigint;
}

// ---- the bench ---------------------------------------------------------------------------------

export class BridgeBench {
  readonly dir: string;
  readonly t0 = Date.now();
  readonly procs: { role: string; proc: ChildProcess }[] = [];
  readonly senders: Account[];
  layout!: DevnetLayout;
  clients: NexusClient[] = [];
  #stops: (() => Promise<void>)[] = [];

  constructor(
    name: string,
    readonly s: BridgeBenchSettings,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), `nexus-bench-${name}-`));
    this.senders = Array.from({ length: s.senders }, (_, i) => nexusAccount(`bench-bridge-sender-${i}`));
  }

  get c0(): NexusClient {
    return this.clients[0]!;
  }

  /** The bridge processes by role ("watcher-0", "relayer", …), for --chaos restarts. */
  readonly #services = new Map<string, { proc: ChildProcess; args: string[] }>();

  /**
   * --chaos: SIGKILL a bridge process at random moments, mid-batch or mid-start-up alike, and
   * start it again on the same config and checkpoints at once: the relayer when there is one
   * (every 0.5-3 s; relayer-b races it), else a watcher drawn at random (every 4-12 s) (a chain without relayers, whose
   * watchers execute releases themselves). stop() ends the chaos with every process running and
   * returns the kill times (seconds from the start) and who was killed.
   */
  startChaos(): { readonly target: string; stop(): Promise<number[]> } {
    const t0 = Date.now();
    const kills: number[] = [];
    const onRelayer = this.#services.has("relayer");
    const roles = onRelayer ? ["relayer"] : [...this.#services.keys()].filter((r) => r.startsWith("watcher"));
    let running = true;
    const loop = (async () => {
      while (running) {
        // A relayer restarts in about a second; a watcher needs its chain connection and a pass
        // of reads before it approves anything, so watchers are killed less often (or never progress).
        await sleep(onRelayer ? 500 + Math.random() * 2500 : 4000 + Math.random() * 8000);
        const role = roles[Math.floor(Math.random() * roles.length)]!;
        const r = this.#services.get(role);
        if (!running || !r) break;
        const exited = new Promise((res) => (r.proc.exitCode !== null || r.proc.signalCode !== null ? res(undefined) : r.proc.once("exit", res)));
        r.proc.kill("SIGKILL");
        await exited;
        kills.push(r1((Date.now() - t0) / 1000));
        const { proc } = this.spawn(role, r.args);
        this.#services.set(role, { proc, args: r.args });
      }
    })();
    return {
      target: roles.length === 1 ? roles[0]! : `a random one of ${roles.join(", ")}`,
      stop: async () => {
        running = false;
        await loop;
        return kills;
      },
    };
  }

  /** Runs at close(), before the processes stop (last registered first). */
  onClose(f: () => Promise<void>): void {
    this.#stops.push(f);
  }

  /** `node <args>` as process `role`, its output in <dir>/<role>.log. */
  spawn(role: string, args: string[], env: Record<string, string> = {}): { proc: ChildProcess; logFile: string } {
    const logFile = join(this.dir, `${role}.log`);
    const proc = spawnLogged(args, logFile, env);
    this.procs.push({ role, proc });
    return { proc, logFile };
  }

  /** The devnet with the bridge bridging `chain` (no attestation keys at genesis), its validators started and past height 2. */
  async startDevnet(chain: ChainSettings): Promise<void> {
    const ports = async (n: number): Promise<number[]> => Promise.all(Array.from({ length: n }, () => freePort()));
    this.layout = await generateDevnet(nexusApp, {
      dir: join(this.dir, "devnet"),
      validators: VALIDATORS,
      rpcPorts: await ports(VALIDATORS),
      p2pPorts: await ports(VALIDATORS),
      blockTimeMs: this.s.blockTimeMs,
      logLevel: "warn",
      accounts: this.senders.map((s) => ({ address: s.address, amount: 1_000_000n * NXT })),
    });
    const genesisPath = homePaths(this.layout.nodes[0]!.home).genesis;
    const genesis = JSON.parse(readFileSync(genesisPath, "utf8")) as { modules: Record<string, unknown> };
    // No attestation keys at genesis: the validators register theirs (registerKeys).
    genesis.modules.bridge = { ...defaultBridgeGenesis(), chains: [chain] };
    for (const n of this.layout.nodes) writeFileSync(homePaths(n.home).genesis, JSON.stringify(genesis, null, 2) + "\n");
    this.layout.nodes.forEach((n, i) => this.procs.push({ role: `validator-${i}`, proc: startNode(n.home, { logFile: join(this.dir, `validator-${i}.log`) }) }));
    this.clients = this.layout.nodes.map((n) => new NexusClient(n.rpcUrl, { timeoutMs: 30_000 }));
    await waitHeight(this.c0, 2, 120_000);
  }

  /** Validator i registers keys[i] of `family` (its operator key, FEMTO); resolves with bridge/attestationKeys once all are in. */
  async registerKeys<T extends { keys: readonly unknown[] }>(family: Family, keys: readonly string[]): Promise<T> {
    await Promise.all(
      this.layout.nodes.map(async (n, i) => {
        const k = readValidatorKey(n.home);
        const sender = new TxSender(this.clients[i]!, this.layout.chainId, { scheme: ed25519, secretKey: k.secretKey, publicKey: k.publicKey }, { band: Band.FEMTO });
        const r = await sender.send([bridgeMsg.registerAttestationKey(n.address, family, keys[i]!)], () => undefined);
        if (r.codeName !== "OK") throw new Error(`validator ${i}: MsgRegisterAttestationKey: ${r.codeName} ${r.log}`);
      }),
    );
    for (let i = 0; i < 50; i++, await sleep(200)) {
      const ak = await this.c0.query<T>("bridge/attestationKeys", { family });
      if (ak.keys.length === VALIDATORS) return ak;
    }
    throw new Error(`bridge/attestationKeys {family: ${family}}: not all ${VALIDATORS} keys registered`);
  }

  /** A key file (mode 0600) in the work directory. */
  keyFile(name: string, key: string): string {
    const p = join(this.dir, `${name}.key`);
    writeFileSync(p, key, { mode: 0o600 });
    return p;
  }

  /**
   * The four watchers (watcher i: validator i's home and node, `watcherChain(i)`) and the relayer
   * (validator 0's node, `relayerChain`), each config `common` plus those; resolves once all started.
   */
  async startServices(o: { common: Record<string, unknown>; watcherChain: (i: number) => Record<string, unknown>; relayerChain?: Record<string, unknown> }): Promise<void> {
    const services = [
      ...this.layout.nodes.map((n, i) => ({
        role: `watcher-${i}`,
        config: { ...o.common, nexus: { rpcUrl: n.rpcUrl }, key: { home: n.home, name: "validator" }, dataDir: join(this.dir, `watcher-${i}`), chains: [o.watcherChain(i)] },
      })),
      // No relayer for a chain whose releases the watchers execute themselves (Substrate).
      ...(o.relayerChain ? [{ role: "relayer", config: { ...o.common, nexus: { rpcUrl: this.layout.nodes[0]!.rpcUrl }, dataDir: join(this.dir, "relayer"), chains: [o.relayerChain] } }] : []),
      // --chaos: a second relayer on another node races the first (which gets killed).
      ...(this.s.chaos && o.relayerChain ? [{ role: "relayer-b", config: { ...o.common, nexus: { rpcUrl: this.layout.nodes[1]!.rpcUrl }, dataDir: join(this.dir, "relayer-b"), chains: [o.relayerChain] } }] : []),
    ];
    await Promise.all(
      services.map((s) => {
        const cfg = join(this.dir, `${s.role}.json`);
        writeFileSync(cfg, JSON.stringify(s.config, null, 2));
        const kind = s.role.startsWith("watcher") ? "watcher" : "relayer";
        const args = ["--import", "tsx", CLI, kind, "start", "--config", cfg];
        const { proc, logFile } = this.spawn(s.role, args);
        this.#services.set(s.role, { proc, args });
        return waitForLog(logFile, `bridge ${kind} started`, proc);
      }),
    );
  }

  /** The phases, the checks, the table and bench/results/<file> (section roundTrips); the exit code. */
  async run<K>(dest: BenchDestination<K>, o: { results: Record<string, unknown>; file: string }): Promise<number> {
    const { s, layout, clients, c0, senders } = this;
    const N = s.transfers;
    const results = o.results;
    const lost: string[] = [];
    const A = dest.arrived;

    // ---- what the bench watches: arrivals on the other chain, credits and completions on NexusOS
    const arrivals = new Map<string, Seen>();
    const credits = new Map<string, Seen>();
    const completed = new Map<number, { result: string; at: number }>();
    let onArrival: ((to: string) => void) | undefined;
    let watching = true;
    const poller = (async () => {
      while (watching) {
        try {
          const got = await dest.poll();
          const now = Date.now();
          for (const { to, amount } of got) {
            const m = arrivals.get(to);
            if (m) m.count++;
            else {
              arrivals.set(to, { at: now, count: 1, amount });
              onArrival?.(to);
            }
          }
        } catch (e) {
          log(`${dest.name} poll: ${(e as Error).message.split("\n")[0]}`);
        }
        await sleep(200);
      }
    })();
    const ws = await NexusWsClient.connect(`${layout.nodes[0]!.rpcUrl.replace("http://", "ws://")}/ws`);
    this.onClose(() => ws.close());
    await ws.subscribeEvents({ type: "bridge.inbound_credited" }, (e) => {
      const to = e.event.attributes.recipient!;
      const c = credits.get(to);
      if (c) c.count++;
      else credits.set(to, { at: Date.now(), count: 1, amount: BigInt(e.event.attributes.amount!) });
    });
    await ws.subscribeEvents({ type: "bridge.outbound_completed" }, (e) => void completed.set(Number(e.event.attributes.seq), { result: e.event.attributes.result!, at: Date.now() }));

    // ---- NexusOS → the other chain: MsgBridgeOut, each sender's to one validator ------------
    const nonces = new Map<string, bigint>();
    for (const a of senders) nonces.set(a.address, BigInt((await c0.getAccount(a.address)).nonce));
    const signOut = (t: BenchTransfer<K>): Uint8Array => {
      const nonce = nonces.get(t.sender.address)!;
      nonces.set(t.sender.address, nonce + 1n);
      return buildTx({ chainId: layout.chainId, signer: t.sender, nonce, msgs: [bridgeMsg.bridgeOut(t.sender.address, dest.chain, t.dest, AMOUNT)] }).bytes;
    };
    /** Each sender's transactions go to one validator, so its nonces arrive there in order. */
    const validatorOf = (t: BenchTransfer<K>): number => senders.indexOf(t.sender) % VALIDATORS;
    const submitOut = async (batch: BenchTransfer<K>[]): Promise<string[]> => {
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
    const transfers = (phase: string, n: number): BenchTransfer<K>[] =>
      Array.from({ length: n }, (_, i) => {
        const r = dest.recipient(phase, i);
        return { sender: senders[i % senders.length]!, dest: r.address, key: r.key, back: nexusAccount(`bench-bridge-${phase}-back-${i}`).address };
      });
    const sendBack = async (t: BenchTransfer<K>): Promise<void> => {
      t.sentBackAt = Date.now();
      await dest.sendBack(t);
    };
    const arrived = (t: BenchTransfer<K>): boolean => arrivals.has(t.dest);
    const credited = (t: BenchTransfer<K>): boolean => credits.has(t.back);
    const arrivedAt = (t: BenchTransfer<K>): number | undefined => arrivals.get(t.dest)?.at;
    const creditAt = (t: BenchTransfer<K>): number | undefined => credits.get(t.back)?.at;

    const cpu = (): number[] => this.procs.map((p) => cpuSeconds(p.proc.pid) ?? NaN);
    const cpuSplit = (before: number[], secs: number): Record<string, number> => {
      const after = cpu();
      const out: Record<string, number> = {};
      this.procs.forEach((p, i) => {
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
        if (Date.now() - since > s.timeoutMs) {
          log(`  ${label}: timed out with ${k}/${total}`);
          return false;
        }
        if (Date.now() > next) {
          log(`  ${label}: ${k}/${total} after ${r1((Date.now() - since) / 1000)} s (${A} ${arrivals.size}, outbound completed on NexusOS ${completed.size}, credited ${credits.size})`);
          next += 5000;
        }
        await sleep(100);
      }
    };

    const chaos = s.chaos ? this.startChaos() : undefined;
    if (chaos) log(`chaos: ${chaos.target} killed (SIGKILL) and restarted at random moments${chaos.target === "relayer" ? "; relayer-b races it" : ""}`);

    // ---- throughput --------------------------------------------------------------------------
    const tp = transfers("tp", N);
    await dest.fund(tp);
    log(`throughput: ${N} transfers NexusOS → ${dest.name} from ${senders.length} senders, submitted at once`);
    let cpuBefore = cpu();
    const tpStart = Date.now();
    const refused = await submitOut(tp);
    const acceptedMs = Date.now() - tpStart;
    if (refused.length) log(`  refused: ${refused.length} (e.g. ${refused[0]})`);
    let refusedTotal = refused.length;
    const out = tp.filter((t) => t.submittedAt);
    await until(`${A} on ${dest.name}`, out.length, () => out.filter(arrived).length, tpStart);
    const outEnd = Math.max(...out.map((t) => arrivedAt(t) ?? Date.now()));
    const outSecs = (outEnd - tpStart) / 1000;
    const cpuOut = cpuSplit(cpuBefore, outSecs);
    log(`  all ${A} after ${r1(outSecs)} s`);
    cpuBefore = cpu();
    const backStart = Date.now();
    const ready = tp.filter(arrived);
    for (let i = 0; i < ready.length; i += 25) await Promise.all(ready.slice(i, i + 25).map(sendBack));
    const sentMs = Date.now() - backStart;
    log(`  ${ready.length} ${dest.backMany} sent on ${dest.name} in ${r1(sentMs / 1000)} s; waiting for NexusOS to credit them`);
    await until("credited on NexusOS", ready.length, () => ready.filter(credited).length, backStart);
    const backEnd = Math.max(...ready.map((t) => creditAt(t) ?? Date.now()));
    // Before the first credit the watchers also work off the outbound results still to attest.
    const firstCredit = Math.min(...ready.map((t) => creditAt(t) ?? Date.now()));
    const backSecs = (backEnd - backStart) / 1000;
    const cpuBack = cpuSplit(cpuBefore, backSecs);
    const tripSecs = (backEnd - tpStart) / 1000;
    // The watchers attest each outbound result on NexusOS after the delivery: the outbound
    // transfers are complete ("executed") there only then. The chain is new: theirs are seqs 1..N.
    const seqs = out.map((_, i) => i + 1);
    await until("outbound completed on NexusOS", out.length, () => seqs.filter((q) => completed.has(q)).length, tpStart);
    const outCompleted = Math.max(...seqs.map((q) => completed.get(q)?.at ?? Date.now()));
    results.throughput = {
      transfers: N,
      accepted: out.length,
      senders: senders.length,
      refusedByNexus: refused.length,
      acceptedInMs: acceptedMs,
      out: { seconds: r1(outSecs), transfersPerSecond: r2(out.length / outSecs), cpuCoresByProcess: cpuOut },
      back: {
        [`${dest.backKey}SentInMs`]: sentMs,
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
    const K = Math.round(s.rate * s.seconds);
    const lt = transfers("lat", K);
    if (K > 0) {
      await dest.fund(lt);
      const byDest = new Map(lt.map((t) => [t.dest, t]));
      const backs: Promise<void>[] = [];
      onArrival = (to) => {
        const t = byDest.get(to);
        if (t) backs.push(sendBack(t).catch((e: unknown) => log(`  ${dest.backOne} of ${to}: ${(e as Error).message.split("\n")[0]}`)));
      };
      log(`latency: ${s.rate} transfers/s for ${s.seconds} s (${K}), each sent back as soon as it is ${A}`);
      const start = Date.now();
      let next = start + 10_000;
      for (let k = 0; k < K; k++) {
        const due = start + (k * 1000) / s.rate;
        if (due > Date.now()) await sleep(due - Date.now());
        const r = await submitOut([lt[k]!]);
        if (r.length) log(`  refused: ${r[0]}`);
        refusedTotal += r.length;
        if (Date.now() > next) {
          log(`  submitted ${k + 1}/${K} after ${r1((Date.now() - start) / 1000)} s (${A} ${lt.filter(arrived).length}, credited ${lt.filter(credited).length})`);
          next += 10_000;
        }
      }
      const sent = lt.filter((t) => t.submittedAt);
      await until("latency transfers credited on NexusOS", sent.length, () => sent.filter(credited).length, start);
      await Promise.all(backs);
      for (const t of lt) {
        t.arrivedAt = arrivedAt(t);
        t.creditedAt = creditAt(t);
      }
      const done = lt.filter((t) => t.submittedAt && t.arrivedAt && t.sentBackAt && t.creditedAt);
      const stat = (xs: number[]) => ({ p50: pct(xs, 50), p99: pct(xs, 99), max: Math.max(...xs) });
      results.latency = {
        offeredPerSecond: s.rate,
        seconds: s.seconds,
        transfers: K,
        measured: done.length,
        outMs: stat(done.map((t) => t.arrivedAt! - t.submittedAt!)),
        backMs: stat(done.map((t) => t.creditedAt! - t.sentBackAt!)),
        roundTripMs: stat(done.map((t) => t.creditedAt! - t.submittedAt!)),
      };
    }
    if (chaos) {
      const kills = await chaos.stop();
      results.chaos = { killed: chaos.target, kills: kills.length, relayerKills: chaos.target === "relayer" ? kills.length : 0, killedAtSeconds: kills, racingRelayer: chaos.target === "relayer" };
      log(`chaos: ${kills.length} kills at ${kills.join(", ")} s`);
    }
    watching = false;
    await poller;

    // ---- exactly once ------------------------------------------------------------------------
    // Over the transfers NexusOS accepted (a refusal is reported on its own).
    const all = [...tp, ...lt].filter((t) => t.submittedAt);
    const once = all.filter((t) => arrivals.get(t.dest)?.count === 1 && arrivals.get(t.dest)?.amount === AMOUNT).length;
    const twice = all.filter((t) => (arrivals.get(t.dest)?.count ?? 0) > 1).length;
    const balances = await c0.batch<{ amount: string }>(all.map((t) => ({ method: "nexus_getBalance", params: [t.back, "nxt"] })));
    const creditedOnce = balances.filter((b) => b.ok && BigInt(b.result.amount) === AMOUNT).length;
    const creditedWrong = balances.filter((b) => b.ok && BigInt(b.result.amount) !== AMOUNT && BigInt(b.result.amount) !== 0n).length;
    const escrow = await c0.query<{ balance: string; owed: string }>("bridge/escrow", {});
    const chainView = await c0.query<{ totals: { lockedOut: string; refundedOut: string; executedOut: string; creditedIn: string } }>("bridge/chain", { chain: dest.chain });
    const other = await dest.checks(all, escrow);
    const expected = BigInt(all.length) * AMOUNT;
    const totals = chainView.totals;
    const checks: [string, boolean][] = [
      [`MsgBridgeOut accepted by NexusOS: ${all.length}/${tp.length + lt.length} (refused: ${refusedTotal})`, refusedTotal === 0],
      [`${A} exactly once on ${dest.name}: ${once}/${all.length} (twice or more: ${twice}; ${dest.arrivals} for other recipients: ${arrivals.size - once - twice})`, once === all.length && arrivals.size === all.length],
      [`credited exactly once on NexusOS (balances of the ${all.length} return recipients = 1 NXT each): ${creditedOnce}/${all.length} (other amounts: ${creditedWrong}; credit events: ${[...credits.values()].reduce((a, c) => a + c.count, 0)})`, creditedOnce === all.length],
      [`bridge totals: locked out ${BigInt(totals.lockedOut) / NXT}, executed out ${BigInt(totals.executedOut) / NXT}, credited in ${BigInt(totals.creditedIn) / NXT}, refunded ${BigInt(totals.refundedOut) / NXT} NXT (expected ${expected / NXT} each, 0 refunded)`, BigInt(totals.lockedOut) === expected && BigInt(totals.executedOut) === expected && BigInt(totals.creditedIn) === expected && totals.refundedOut === "0"],
      ...other.checks,
    ];
    for (const [what, ok] of checks) if (!ok) lost.push(what);
    results.exactlyOnce = { transfers: all.length, [`${A}Once`]: once, [`${A}Twice`]: twice, creditedOnce, creditedWrong, outboundCompleted: completed.size, escrow: escrow.balance, ...other.results, ok: lost.length === 0 };

    // ---- table -------------------------------------------------------------------------------
    const t = results.throughput as { out: { seconds: number; transfersPerSecond: number }; back: { seconds: number; transfersPerSecond: number; firstCreditAfterSeconds: number; creditsPerSecondFromFirst: number }; roundTrip: { seconds: number; transfersPerSecond: number }; outboundExecutedOnNexusAfterSeconds: number };
    const rows: [string, string][] = [
      [`NexusOS → ${dest.name}: ${N} MsgBridgeOut submitted at once → all ${A}`, `${t.out.transfersPerSecond} transfers/s (${t.out.seconds} s)`],
      [`${dest.name} → NexusOS: ${N} ${dest.backMany} sent at once → all credited`, `${t.back.transfersPerSecond} transfers/s (${t.back.seconds} s)`],
      [`… of which: first credit after / credits per second from the first to the last`, `${t.back.firstCreditAfterSeconds} s / ${t.back.creditsPerSecondFromFirst} per s`],
      [`round trip: first submit → last credit`, `${t.roundTrip.transfersPerSecond} transfers/s (${t.roundTrip.seconds} s)`],
      [`… the ${N} outbound transfers completed (executed) on NexusOS`, `after ${t.outboundExecutedOnNexusAfterSeconds} s`],
    ];
    const l = results.latency as { measured: number; outMs: { p50: number; p99: number }; backMs: { p50: number; p99: number }; roundTripMs: { p50: number; p99: number } } | undefined;
    if (l) {
      rows.push([`latency at ${s.rate}/s for ${s.seconds} s (${l.measured} of ${K}): NexusOS submit → ${A} on ${dest.name}, p50 / p99`, `${l.outMs.p50} / ${l.outMs.p99} ms`]);
      rows.push([`… ${dest.name} ${dest.backOne} → credited on NexusOS, p50 / p99`, `${l.backMs.p50} / ${l.backMs.p99} ms`]);
      rows.push([`… round trip (submit → credited back), p50 / p99`, `${l.roundTripMs.p50} / ${l.roundTripMs.p99} ms`]);
    }
    const ch = results.chaos as { killed: string; kills: number; racingRelayer: boolean } | undefined;
    if (ch) rows.push([`chaos: ${ch.killed} killed (SIGKILL) and restarted ${ch.kills} times at random moments${ch.racingRelayer ? ", a second relayer racing it" : ""}`, "during both phases"]);
    for (const [what, ok] of checks) rows.push([what, ok ? "✔" : "✘ LOST OR DUPLICATED"]);
    const w = Math.max(...rows.map((r) => r[0].length));
    console.log(`\nbridge NexusOS ⇄ ${dest.name} (${results.setup})\n`);
    for (const [a, b] of rows) console.log(`${a.padEnd(w)}  ${b}`);
    console.log(`\nCPU (cores busy) out: ${JSON.stringify(cpuOut)}; back: ${JSON.stringify(cpuBack)}`);
    // A chaos run's speed is not the bench's figure: it goes in its own section.
    console.log(`wrote ${writeResults(o.file, s.chaos ? "chaos" : "roundTrips", results)}`);
    if (lost.length) {
      console.error(`\nFAILED: ${lost.join("; ")}${s.keep ? "" : " (run with --keep to keep the processes' logs)"}`);
      return 1;
    }
    return 0;
  }

  /** The close hooks, then the bridge processes (they talk to the others), then the validators and the other chain; the work directory unless --keep. */
  async close(): Promise<void> {
    for (const f of this.#stops.reverse()) await f().catch(() => undefined);
    const bridge = (p: { role: string }): boolean => /watcher|relayer/.test(p.role);
    await stopAll(this.procs.filter(bridge).map((p) => p.proc));
    await stopAll(this.procs.filter((p) => !bridge(p)).map((p) => p.proc));
    if (this.s.keep) log(`kept ${this.dir}`);
    else rmSync(this.dir, { recursive: true, force: true });
  }
}
