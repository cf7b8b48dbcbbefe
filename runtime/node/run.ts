import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { readGenesis } from "./genesis.ts";
import { loadNodeConfig, pluginSelection, type NodeConfig } from "./config.ts";
import { createLogger, type Logger } from "./logger.ts";
import { HomeLock } from "./home-lock.ts";
import { NexusNode } from "./node.ts";
import { WorkerVerifyPool } from "./verify-pool.ts";
import { buildSchemeRegistry } from "./schemes.ts";
import { ed25519, ed25519VerifyBackend } from "../crypto/ed25519.ts";
import { libsodiumStatus } from "../crypto/ed25519-libsodium.ts";
import { homePaths, initHome, isInitialised, readValidatorKey, resolveHome } from "./home.ts";
import type { NodeApi } from "./node-api.ts";
import type { ChainApp } from "./chain-app.ts";
import { ed25519Signer, type ConsensusSigner } from "../consensus/index.ts";
import { loadPlugins } from "../plugins/loader.ts";
import type { NexusPlugin } from "../plugins/plugin.ts";
import type { NodeTransport } from "../p2p/transport.ts";
import { bftProducerFromConfig } from "./bft-producer.ts";
import { missingHeapFlags } from "./heap-flags.ts";
import { NodeErrors } from "./errors.ts";
import { finishStateSync, prepareStateSync } from "./state-sync/marker.ts";

export interface RunOptions {
  home: string;
  dev: boolean;
  rpcPort?: number;
  blockTimeMs?: number;
  logLevel?: string;
  /** Restore the state from peers' snapshots on a home without chain data (overrides config stateSync.enable; with a trust point, stateSync.trust too). */
  stateSync?: boolean | { trust: { height: number; hash: string } };
  /** Plugins the composition root makes available; config.json selects among them (default: the bundled ones). */
  plugins?: readonly NexusPlugin[];
}

/**
 * Hooks for a program that composes a node differently (test/helpers/test-node.ts wraps the
 * transport with fault injection and serves extra RPC): the CLI passes none.
 */
export interface RunComposition {
  /** Wrap the BFT node's transport. */
  transport?(t: NodeTransport, ctx: { chainId: string; signer: ConsensusSigner }): NodeTransport;
  /** What RPC serves (default the node itself). */
  api?(node: NexusNode): NodeApi;
}

export class RunError extends NodeErrors<"RUN_NOT_INITIALISED"> {
  constructor(message: string) {
    super("RUN_NOT_INITIALISED", message);
  }
}

/** `nexus start`: open the chain's node, serve RPC, produce blocks until SIGINT/SIGTERM. */
export async function runNode(app: ChainApp, o: RunOptions, compose: RunComposition = {}): Promise<void> {
  const home = resolveHome(o.home);
  const paths = homePaths(home);
  // First, so that nothing below (init included) runs twice on one home.
  const lock = HomeLock.acquire(join(home, "node.lock"), home);
  // What start-up has opened, closed in reverse if a later step fails: a failed start exits
  // instead of hanging on worker threads, sockets or lmdb handles.
  const opened: (() => Promise<void> | void)[] = [() => lock.release()];
  const unwind = async (): Promise<void> => {
    for (const close of opened.reverse()) await Promise.resolve(close()).catch(() => undefined);
  };
  let started: Started;
  try {
    started = await startUp(app, o, compose, home, paths, opened);
  } catch (e) {
    await unwind();
    throw e;
  }
  const { log, node, exitOnHalt } = started;
  await new Promise<void>((resolveStop) => {
    let stopping = false;
    const stop = (sig: string): void => {
      if (stopping) return;
      stopping = true;
      log.info({ signal: sig }, "stopping");
      void (async () => {
        await unwind();
        log.info("stopped cleanly");
        resolveStop();
      })();
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
    // A halted node keeps serving RPC (status shows the halt) unless a supervisor should restart it.
    node.subscribe((e) => {
      if (e.kind !== "halt" || !exitOnHalt) return;
      log.fatal({ reason: e.reason }, "exiting: the node halted and exitOnHalt is set");
      process.exitCode = 1;
      stop("halt");
    });
  });
}

interface Started {
  readonly log: Logger;
  readonly node: NexusNode;
  readonly exitOnHalt: boolean;
}

async function startUp(app: ChainApp, o: RunOptions, compose: RunComposition, home: string, paths: ReturnType<typeof homePaths>, opened: (() => Promise<void> | void)[]): Promise<Started> {
  if (!isInitialised(home)) {
    if (existsSync(paths.data) && readdirSync(paths.data).length > 0) {
      // Initialising here would write a new genesis and keys over a chain's data.
      throw new HomeDamagedError(
        "HOME_DAMAGED",
        `${home} holds chain data in ${paths.data} but no genesis.json: restore genesis.json (from a backup, or the network's), or move data/ away to start a new chain there`,
        { home },
      );
    }
    if (!o.dev) throw new RunError(`${home} is not initialised: run \`nexus init --home ${home}\` first (or start with --dev)`);
    const r = await initHome(app.chain, { home, dev: true });
    console.log(`Initialised a dev chain "${r.chainId}" in ${home}`);
    for (const k of r.devKeys) console.log(`  dev key ${k.name.padEnd(6)} ${k.address}`);
  }
  const overrides: Record<string, unknown> = {};
  if (o.rpcPort !== undefined) overrides.rpc = { port: o.rpcPort };
  if (o.blockTimeMs !== undefined) overrides.blockTimeMs = o.blockTimeMs;
  if (o.logLevel !== undefined) overrides.logLevel = o.logLevel;
  if (o.stateSync) overrides.stateSync = { enable: true, ...(typeof o.stateSync === "object" ? { trust: o.stateSync.trust } : {}) };
  const config = loadNodeConfig(paths.config, overrides);
  const log = createLogger({ level: config.logLevel, format: config.logFormat, name: config.moniker });
  const genesis = readGenesis(paths.genesis);
  const validator = readValidatorKey(home);
  // The chain's plugins; nothing is created unless the config selects it.
  const available = o.plugins ?? (await app.plugins());
  const plugins = await loadPlugins(available, pluginSelection(config), {
    chainId: genesis.chainId,
    home,
    moniker: config.moniker,
    logger: log,
    p2p: config.p2p,
    maxBlockBytes: genesis.runtime.maxBlockBytes ?? 4 * 1024 * 1024,
  });
  opened.push(() => plugins.stop());
  const schemes = buildSchemeRegistry(plugins.signatureSchemes);
  // A BFT node's transport (the config selects one only for consensus "bft").
  const transport = plugins.transport();
  if (transport) log.info({ transport: config.transport, peerId: transport.id, addresses: transport.addresses?.(), bootstrap: config.p2p.bootstrap }, "p2p started");
  const signer = ed25519Signer(validator.address, validator.secretKey);
  const verifier = new WorkerVerifyPool({ threads: config.verifyThreads || undefined, schemes: plugins.signatureSchemes });
  // Closed here if the node never opens; node.stop() closes it otherwise (a second close is a no-op).
  opened.push(() => verifier.close());
  const stateSync = config.stateSync.enable && transport ? prepareStateSync(paths.data, log) : false;
  if (config.stateSync.enable && !transport) log.warn("stateSync.enable is set but this node has no p2p transport (consensus \"single\"): starting from genesis");
  const node = await NexusNode.open({
    dataDir: paths.data,
    config,
    genesis,
    modules: app.chain.modules(config.consensus),
    order: app.chain.order,
    schemes,
    proposer: validator.address,
    logger: log,
    verifier,
    producer: transport
      ? bftProducerFromConfig(config, paths.data, {
          transport: compose.transport ? compose.transport(transport, { chainId: genesis.chainId, signer }) : transport,
          signer,
          operatorKey: { scheme: ed25519, secretKey: validator.secretKey, publicKey: validator.publicKey, address: validator.address },
        })
      : undefined,
    ...(stateSync && transport ? { stateSync: { transport } } : {}),
  });
  opened.push(() => node.stop());
  if (stateSync) finishStateSync(paths.data);
  if (node.snapshots) transport?.setSnapshotSource?.(node.snapshots);
  const { startRpcServer } = (await import("../rpc/server.ts")) as {
    startRpcServer: (
      api: NodeApi,
      opts: { host: string; port: number; logger?: unknown; gauges?: { peers?(): number; verifyQueue?(): number } } & Omit<NodeConfig["rpc"], "host" | "port">,
    ) => Promise<{ url: string; wsUrl: string; close(): Promise<void> }>;
  };
  let rpc: Awaited<ReturnType<typeof startRpcServer>>;
  try {
    rpc = await startRpcServer(compose.api ? compose.api(node) : node, {
      ...config.rpc,
      logger: log,
      gauges: { verifyQueue: () => verifier.queueDepth(), ...(transport?.peers ? { peers: () => transport.peers!().length } : {}) },
    });
  } catch (e) {
    throw rpcListenError(e, config.rpc.host, config.rpc.port);
  }
  opened.push(() => rpc.close());
  await node.start();
  log.info({ chainId: node.chainId, height: node.height, rpc: rpc.url, ws: rpc.wsUrl, home, blockTimeMs: config.blockTimeMs, consensus: config.consensus, ed25519Verify: ed25519VerifyBackend() }, "node started");
  if (!libsodiumStatus().active) log.info({ reason: libsodiumStatus().reason }, "Ed25519 verify without the libsodium fast path: same verdicts, about twice the CPU per valid signature (see docs/quantum.md)");
  const missing = missingHeapFlags();
  if (missing.length) log.info({ missing: missing.join(" ") }, "started without the node's V8 heap flags: it will hold more memory than it needs (see docs/config.md, Memory)");
  return { log, node, exitOnHalt: config.exitOnHalt };
}

export class HomeDamagedError extends NodeErrors<"HOME_DAMAGED"> {}
export class RpcListenError extends NodeErrors<"RPC_LISTEN_FAILED"> {}

/** The RPC server could not listen: say which setting to change. */
function rpcListenError(e: unknown, host: string, port: number): Error {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE") {
    return new RpcListenError("RPC_LISTEN_FAILED", `RPC port ${port} on ${host} is in use (another node?): pass --rpc-port <port> or set rpc.port in config.json`, { host, port }, { cause: e });
  }
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EADDRNOTAVAIL") {
    return new RpcListenError("RPC_LISTEN_FAILED", `rpc.host "${host}" in config.json is not an address of this machine (${code}): use 127.0.0.1, 0.0.0.0 or a local interface's address`, { host, port }, { cause: e });
  }
  return e instanceof Error ? e : new Error(String(e));
}
