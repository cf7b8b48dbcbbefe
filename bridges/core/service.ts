/**
 * What the watcher and the relayer share: start-up (node, chain id, checkpoint store, families,
 * metrics), the pass loop (one pass at a time; a timer and bridge events start one), work
 * items with write-ahead submissions, backoff with jitter, and closing.
 */
import { existsSync } from "node:fs";
import { createLogger } from "../../runtime/node/logger.ts";
import { join } from "node:path";
import type { Logger } from "pino";
import { DEV_PASSPHRASE, Keyring } from "../../runtime/crypto/keystore.ts";
import { ed25519 } from "../../runtime/crypto/ed25519.ts";
import { getPassphrase } from "../../runtime/cli/util.ts";
import { homePaths, readValidatorKey } from "../../runtime/node/home.ts";
import type { ReceiptView } from "../../runtime/node/node-api.ts";
import { NexusClient, NexusWsClient, RpcClientError, type EventFilter, type EventNotification, type Subscription } from "../../runtime/rpc/client.ts";
import type { Signer } from "../../runtime/tx/sign.ts";
import type { ChainSettings } from "../../modules/bridge/params.ts";
import { backoffDelay } from "./backoff.ts";
import { CheckpointStore, type DoneOutcome, type WorkItem } from "./checkpoints.ts";
import { bridgePaths, familyOptions, wsUrlOf, type BridgeConfig, type ChainConfig } from "./config.ts";
import { BridgeCoreError } from "./errors.ts";
import { familyFactory, type BridgeRole, type FamilyChain, type FamilyFactory } from "./families.ts";
import { BridgeMetrics } from "./metrics.ts";
import { ALREADY_CODES, NexusBridge, PERMANENT_CODES, type BridgeRpc } from "./nexus.ts";

export function createBridgeLogger(role: BridgeRole, cfg: Pick<BridgeConfig, "logLevel" | "logFormat">, destination?: NodeJS.WritableStream): Logger {
  return createLogger({ level: cfg.logLevel, format: cfg.logFormat, name: role, destination });
}

/** The WebSocket part the processes use (NexusWsClient). */
export interface BridgeWs {
  subscribeEvents(filter: EventFilter, onEvent: (e: EventNotification) => void): Promise<Subscription>;
  close(): Promise<void>;
}

/** Points a test fails at to simulate a crash: a hook that throws stops the pass as a SIGKILL would. */
export interface BridgeHooks {
  /** NexusOS: the transaction is recorded (write-ahead), not yet sent. */
  beforeSend?(w: WorkItem, txHash: string): void;
  /** Destination: the submission is recorded (write-ahead), submit() not called yet. */
  beforeSubmit?(w: WorkItem): void;
  /** Destination: submit() returned, its hash not yet recorded. */
  afterSubmit?(w: WorkItem, txHash: string): void;
}

export interface BridgeDeps {
  /** Default: a NexusClient on cfg.nexus.rpcUrl. */
  rpc?: BridgeRpc;
  /** Default: NexusWsClient.connect(wsUrlOf(cfg)); null: no WebSocket. */
  connectWs?: (() => Promise<BridgeWs>) | null;
  /** Families by name, consulted before the registry (tests). */
  families?: Record<string, FamilyFactory>;
  logger?: Logger;
  /** Clock for backoff and store records, ms. */
  now?: () => number;
  random?: () => number;
  hooks?: BridgeHooks;
  /** No timer: tests call pass() themselves. */
  noTimers?: boolean;
  /** Watcher: the operator key (default: cfg.key from the home). */
  signer?: Signer;
  /** Directory relative family options are resolved against (default: cfg's configDir, else cwd). */
  configDir?: string;
}

export class SimulatedCrash extends Error {}

/** The validator's operator key: the keyring's key cfg.key.name, or ("validator") the home's validator-key.json. */
export async function loadOperatorKey(cfg: BridgeConfig): Promise<Signer> {
  const { home } = bridgePaths(cfg, "watcher");
  const ring = new Keyring(homePaths(home).keys);
  const name = cfg.key.name;
  if (!ring.has(name)) {
    if (name === "validator" && existsSync(homePaths(home).validatorKey)) {
      const k = readValidatorKey(home);
      return { scheme: ed25519, secretKey: k.secretKey, publicKey: k.publicKey };
    }
    throw new BridgeCoreError("BRIDGECORE_KEY", `no key "${name}" in ${ring.dir}${name === "validator" ? ` and no ${homePaths(home).validatorKey}` : ""}; set key.home to the validator's home, or key.name to its operator key`, { home, name });
  }
  try {
    const info = ring.show(name);
    const pass = await getPassphrase({ passphraseFile: cfg.key.passphraseFile || undefined, dev: cfg.key.dev }, { keyName: name, keyIsDev: info.dev });
    return ring.loadSigner(name, pass === "" && info.dev ? DEV_PASSPHRASE : pass);
  } catch (e) {
    throw new BridgeCoreError("BRIDGECORE_KEY", `cannot unlock key "${name}" in ${ring.dir}: ${(e as Error).message}`, { home, name });
  }
}

export interface ServedChain {
  readonly cfg: ChainConfig;
  readonly settings: ChainSettings;
  readonly fam: FamilyChain;
}

/** What start-up gathered: logger, NexusOS client, chain id, store, the chains with their family parts. */
export interface Prepared {
  log: Logger;
  rpc: BridgeRpc;
  chainId: string;
  store: CheckpointStore;
  chains: ServedChain[];
}

export abstract class BridgeService {
  readonly log: Logger;
  readonly nexus: NexusBridge;
  readonly metrics: BridgeMetrics;
  metricsPort: number | undefined;
  protected readonly now: () => number;
  protected readonly random: () => number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private ws: BridgeWs | undefined;
  private subs: Subscription[] = [];
  protected closing = false;
  /** Passes completed (tests wait on it). */
  passes = 0;

  readonly chainId: string;
  readonly store: CheckpointStore;
  readonly rpc: BridgeRpc;
  readonly chains: ServedChain[];

  protected constructor(
    readonly role: BridgeRole,
    readonly cfg: BridgeConfig,
    p: Prepared,
    protected readonly deps: BridgeDeps,
  ) {
    this.log = p.log;
    this.chainId = p.chainId;
    this.store = p.store;
    this.rpc = p.rpc;
    this.chains = p.chains;
    this.nexus = new NexusBridge(p.rpc);
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
    this.metrics = new BridgeMetrics(role, p.store);
  }

  /** Node, chain id, store, families: what both processes do before their first pass. */
  protected static async prepare(role: BridgeRole, cfg: BridgeConfig, deps: BridgeDeps, address?: string): Promise<Prepared> {
    const log = deps.logger ?? createBridgeLogger(role, cfg);
    const rpc = deps.rpc ?? new NexusClient(cfg.nexus.rpcUrl, { timeoutMs: Math.min(cfg.nexus.receiptTimeoutMs, 30_000) });
    let chainId: string;
    try {
      chainId = (await rpc.status()).chainId;
    } catch (e) {
      throw new BridgeCoreError("BRIDGECORE_NODE_UNREACHABLE", `cannot reach NexusOS at ${cfg.nexus.rpcUrl}: ${(e as Error).message}; start a node or set nexus.rpcUrl (--node)`);
    }
    if (cfg.nexus.chainId && cfg.nexus.chainId !== chainId) throw new BridgeCoreError("BRIDGECORE_WRONG_CHAIN", `the config says chain "${cfg.nexus.chainId}" but the node at ${cfg.nexus.rpcUrl} runs "${chainId}"`, { expected: cfg.nexus.chainId, got: chainId });
    const nexus = new NexusBridge(rpc);
    const { dataDir } = bridgePaths(cfg, role);
    const store = CheckpointStore.open(dataDir, { now: deps.now });
    const chains: ServedChain[] = [];
    try {
      store.bind({ chainId, role, ...(address ? { address } : {}) });
      for (const c of cfg.chains) {
        const view = await nexus.chain(c.name).catch((e: unknown) => {
          throw new BridgeCoreError("BRIDGECORE_UNKNOWN_CHAIN", `cannot read NexusOS's settings of chain "${c.name}" (bridge/chain): ${(e as Error).message}; does the node run the bridge module?`);
        });
        if (!view) throw new BridgeCoreError("BRIDGECORE_UNKNOWN_CHAIN", `chains: NexusOS does not bridge a chain "${c.name}" (bridge/chain is null); governance adds chains with MsgUpdateChain, or fix the name`, { chain: c.name });
        if (view.settings.family !== c.family && !deps.families?.[c.family]) {
          log.warn({ chain: c.name, configured: c.family, nexus: view.settings.family }, "the configured family differs from NexusOS's family of the chain");
        }
        const factory = deps.families?.[c.family] ?? familyFactory(c.family);
        let fam: FamilyChain;
        try {
          fam = await factory(familyOptions(c), { role, chain: c.name, settings: view.settings, nexusChainId: chainId, configDir: deps.configDir ?? (cfg as { configDir?: string }).configDir ?? process.cwd(), dataDir: join(dataDir, c.name), log: log.child({ chain: c.name }), query: (path, params) => rpc.query(path, params ?? {}) });
        } catch (e) {
          if (e instanceof BridgeCoreError) throw e;
          throw new BridgeCoreError("BRIDGECORE_FAMILY", `chains "${c.name}" (family ${c.family}): ${(e as Error).message}`, { chain: c.name, family: c.family }, { cause: e });
        }
        chains.push({ cfg: c, settings: view.settings, fam });
      }
    } catch (e) {
      for (const c of chains) await c.fam.close?.().catch(() => undefined);
      await store.close();
      throw e;
    }
    return { log, rpc, chainId, store, chains };
  }

  /** Metrics server, WebSocket wake-ups, the first pass, the timer. */
  protected async begin(wakeOn: string[]): Promise<void> {
    if (this.cfg.metrics.port) this.metricsPort = await this.metrics.listen(this.cfg.metrics.port, this.cfg.metrics.host);
    await this.connectWs(wakeOn);
    await this.pass();
    if (!this.deps.noTimers) {
      this.timer = setInterval(() => this.trigger(), this.cfg.pollIntervalMs);
      this.timer.unref();
    }
  }

  private async connectWs(types: string[]): Promise<void> {
    const url = wsUrlOf(this.cfg);
    const connect = this.deps.connectWs === undefined ? (url ? () => NexusWsClient.connect(url) : undefined) : (this.deps.connectWs ?? undefined);
    if (!connect) return;
    try {
      const ws = await connect();
      this.ws = ws;
      for (const type of types) this.subs.push(await ws.subscribeEvents({ type }, () => this.trigger()));
    } catch (e) {
      this.log.warn({ err: (e as Error).message, ws: url }, "no WebSocket: polling every pollIntervalMs only");
    }
  }

  /** Start a pass now, or right after the one running. */
  trigger(): void {
    if (this.closing) return;
    if (this.running) {
      this.again = true;
      return;
    }
    void this.pass().catch(() => undefined);
  }

  /** One pass over every chain (resolves when done; a pass already running is waited for, then another runs). */
  async pass(): Promise<void> {
    if (this.closing) return;
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.passOnce();
        } catch (e) {
          if (e instanceof SimulatedCrash) throw e;
          if (e instanceof BridgeCoreError && e.code === "BRIDGECORE_STORE") throw e;
          this.log.warn({ err: (e as Error).message }, "pass failed; the next one retries");
        }
        this.passes++;
      } while (this.again && !this.closing);
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  protected abstract passOnce(): Promise<void>;

  /** Work items due now, each handled by `handle`; a failure waits with backoff, never dropped. */
  protected async processDue(handle: (w: WorkItem, c: ServedChain) => Promise<void>): Promise<void> {
    for (const w of this.store.due(this.now())) {
      if (this.closing) return;
      const c = this.chains.find((x) => x.cfg.name === w.chain);
      if (!c) continue; // a chain no longer configured: its work stays for when it is again
      try {
        await handle(w, c);
      } catch (e) {
        if (e instanceof SimulatedCrash) throw e;
        if (e instanceof BridgeCoreError && e.code === "BRIDGECORE_STORE") throw e;
        this.retry(w, e);
      }
    }
  }

  protected hook(f: () => void): void {
    try {
      f();
    } catch (e) {
      throw new SimulatedCrash("hook", { cause: e });
    }
  }

  protected describe(e: unknown): string {
    return e instanceof RpcClientError ? `${e.codeName}: ${e.message}` : ((e as { codeName?: string }).codeName ? `${(e as { codeName: string }).codeName}: ${(e as Error).message}` : (e as Error).message);
  }

  /** Retry after backoff (counting the attempt); the submission recorded, if any, stays recorded unless `clear`. */
  protected retry(w: WorkItem, e: unknown, opts: { clear?: boolean } = {}): void {
    const fresh = this.store.get(w.chain, w.kind, w.seq) ?? w;
    const attempts = fresh.attempts + 1;
    const delay = backoffDelay(this.cfg.backoff, attempts, this.random);
    const msg = this.describe(e);
    this.store.markRetry(w.chain, w.kind, w.seq, msg, this.now() + delay, { countAttempt: true, clearSubmission: opts.clear });
    this.store.setError(w.chain, `${w.kind} ${w.seq}: ${msg}`);
    this.metrics.retries.inc({ chain: w.chain, kind: w.kind });
    this.log.warn({ chain: w.chain, kind: w.kind, seq: w.seq, attempt: attempts, retryInMs: delay, err: msg }, "not done; retrying with backoff");
  }

  protected done(w: WorkItem, outcome: DoneOutcome, extra: { txHash?: string; note?: string } = {}): void {
    const rec = this.store.markDone(w.chain, w.kind, w.seq, { outcome, ...extra });
    this.metrics.processed.inc({ chain: w.chain, kind: w.kind, outcome });
    this.log.info({ chain: w.chain, kind: w.kind, seq: w.seq, outcome, txHash: rec.txHash, note: extra.note }, `${w.kind} ${w.chain}/${w.seq}: ${outcome}`);
  }

  protected failed(w: WorkItem, code: string, message: string): void {
    this.store.markFailed(w.chain, w.kind, w.seq, `${code}: ${message}`);
    this.store.setError(w.chain, `${w.kind} ${w.seq}: ${code}: ${message}`);
    this.log.error({ chain: w.chain, kind: w.kind, seq: w.seq, code, err: message }, "refused for good: kept in the checkpoint store (status shows it), not retried");
  }

  /**
   * A NexusOS receipt of a transaction carrying w's message: done (ours, or already there),
   * failed for good, or a retry. Returns whether the item is settled.
   */
  protected fromReceipt(w: WorkItem, r: ReceiptView): boolean {
    if (r.code === 0) {
      this.done(w, "submitted", { txHash: r.txHash });
      return true;
    }
    if (ALREADY_CODES.has(r.codeName)) {
      this.done(w, "already", { txHash: r.txHash, note: r.codeName });
      return true;
    }
    if (PERMANENT_CODES.has(r.codeName)) {
      this.failed(w, r.codeName, r.log);
      return true;
    }
    this.retry(w, Object.assign(new Error(r.log || r.codeName), { codeName: r.codeName }), { clear: true });
    return true;
  }

  /**
   * A NexusOS transaction recorded for w before (a restart, or a receipt that timed out): its
   * fate first. "settled": handled from its receipt; "wait": still pending (never send a second
   * beside it); "proceed": never admitted or dropped: check NexusOS and send.
   */
  protected async recheckNexusTx(w: WorkItem): Promise<"settled" | "wait" | "proceed"> {
    if (w.state !== "sent" || !w.txHash) return "proceed";
    const st = await this.rpc.getTx(w.txHash);
    if (st.status === "committed") {
      if (st.receipt.codeName === "TX_NONCE_REPLAYED" || st.receipt.codeName === "TX_NONCE_GAP") return "proceed";
      return this.fromReceipt(w, st.receipt) ? "settled" : "proceed";
    }
    if (st.status === "pending") {
      this.store.defer(w.chain, w.kind, w.seq, this.now() + this.cfg.pollIntervalMs);
      return "wait";
    }
    return "proceed";
  }

  /** Close: no new pass, wait for the one running, close WebSocket, families, metrics, store. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
    await this.shutdown();
  }

  /**
   * Tests: stop as a SIGKILL would, in the middle of whatever runs: nothing is finished or
   * flushed beyond what the store already committed; only handles are released so the same
   * process can reopen the store.
   */
  async crash(): Promise<void> {
    this.closing = true;
    if (this.timer) clearInterval(this.timer);
    await this.shutdown();
  }

  private async shutdown(): Promise<void> {
    for (const s of this.subs) await s.unsubscribe().catch(() => undefined);
    await this.ws?.close().catch(() => undefined);
    for (const c of this.chains) await c.fam.close?.().catch(() => undefined);
    await this.metrics.close();
    await this.store.close();
  }
}
