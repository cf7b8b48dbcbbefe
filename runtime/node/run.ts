import { readGenesis } from "./genesis.ts";
import { loadNodeConfig } from "./config.ts";
import { createLogger } from "./logger.ts";
import { NexusNode } from "./node.ts";
import { WorkerVerifyPool } from "./verify-pool.ts";
import { buildSchemeRegistry } from "./schemes.ts";
import { bftModules, referenceModules } from "./reference-chain.ts";
import { ed25519, ed25519VerifyBackend } from "../crypto/ed25519.ts";
import { libsodiumStatus } from "../crypto/ed25519-libsodium.ts";
import { homePaths, initHome, isInitialised, readValidatorKey, resolveHome } from "./home.ts";
import type { NodeApi } from "./node-api.ts";
import { ed25519Signer, type ConsensusSigner } from "../consensus/index.ts";
import type { Libp2pTransport } from "./consensus/libp2p-transport.ts";
import type { NodeTransport } from "./consensus/transport.ts";
import { bftProducerFromConfig } from "./bft-producer.ts";
import { missingHeapFlags } from "./heap-flags.ts";

export interface RunOptions {
  home: string;
  dev: boolean;
  rpcPort?: number;
  blockTimeMs?: number;
  logLevel?: string;
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

export class RunError extends Error {
  readonly code = "RUN_NOT_INITIALISED";
  constructor(message: string) {
    super(message);
    this.name = "RunError";
  }
}

/** `nexus start`: open the node, serve RPC, produce blocks until SIGINT/SIGTERM. */
export async function runNode(o: RunOptions, compose: RunComposition = {}): Promise<void> {
  const home = resolveHome(o.home);
  const paths = homePaths(home);
  if (!isInitialised(home)) {
    if (!o.dev) throw new RunError(`${home} is not initialised: run \`nexus init --home ${home}\` first (or start with --dev)`);
    const r = await initHome({ home, dev: true });
    console.log(`Initialised a dev chain "${r.chainId}" in ${home}`);
    for (const k of r.devKeys) console.log(`  dev key ${k.name.padEnd(6)} ${k.address}`);
  }
  const overrides: Record<string, unknown> = {};
  if (o.rpcPort !== undefined) overrides.rpc = { port: o.rpcPort };
  if (o.blockTimeMs !== undefined) overrides.blockTimeMs = o.blockTimeMs;
  if (o.logLevel !== undefined) overrides.logLevel = o.logLevel;
  const config = loadNodeConfig(paths.config, overrides);
  const log = createLogger({ level: config.logLevel, format: config.logFormat, name: config.moniker });
  const genesis = readGenesis(paths.genesis);
  const validator = readValidatorKey(home);
  const schemes = buildSchemeRegistry(config.quantum);
  let transport: Libp2pTransport | undefined;
  const signer = ed25519Signer(validator.address, validator.secretKey);
  if (config.consensus === "bft") {
    // Loaded only for BFT nodes: the dev chain never starts libp2p.
    const { Libp2pTransport } = await import("./consensus/libp2p-transport.ts");
    transport = await Libp2pTransport.create({
      chainId: genesis.chainId,
      home,
      host: config.p2p.host,
      port: config.p2p.port,
      bootstrap: config.p2p.bootstrap,
      maxBlockBytes: genesis.runtime.maxBlockBytes ?? 4 * 1024 * 1024,
      logger: log,
    });
    log.info({ peerId: transport.id, addresses: transport.addresses(), bootstrap: config.p2p.bootstrap }, "p2p started");
  }
  const node = await NexusNode.open({
    dataDir: paths.data,
    config,
    genesis,
    modules: config.consensus === "bft" ? bftModules() : referenceModules(),
    schemes,
    proposer: validator.address,
    logger: log,
    verifier: new WorkerVerifyPool({ threads: config.verifyThreads || undefined, quantum: config.quantum }),
    producer: transport
      ? bftProducerFromConfig(config, paths.data, {
          transport: compose.transport ? compose.transport(transport, { chainId: genesis.chainId, signer }) : transport,
          signer,
          operatorKey: { scheme: ed25519, secretKey: validator.secretKey, publicKey: validator.publicKey, address: validator.address },
        })
      : undefined,
  });
  const { startRpcServer } = (await import("../rpc/server.ts")) as {
    startRpcServer: (api: NodeApi, opts: { host: string; port: number; logger?: unknown; maxBodyBytes?: number }) => Promise<{ url: string; wsUrl: string; close(): Promise<void> }>;
  };
  const rpc = await startRpcServer(compose.api ? compose.api(node) : node, { host: config.rpc.host, port: config.rpc.port, logger: log, maxBodyBytes: config.rpc.maxBodyBytes });
  await node.start();
  log.info({ chainId: node.chainId, height: node.height, rpc: rpc.url, ws: rpc.wsUrl, home, blockTimeMs: config.blockTimeMs, consensus: config.consensus, ed25519Verify: ed25519VerifyBackend() }, "node started");
  if (!libsodiumStatus().active) log.info({ reason: libsodiumStatus().reason }, "Ed25519 verify without the libsodium fast path: same verdicts, about twice the CPU per valid signature (see docs/quantum.md)");
  const missing = missingHeapFlags();
  if (missing.length) log.info({ missing: missing.join(" ") }, "started without the node's V8 heap flags: it will hold more memory than it needs (see docs/config.md, Memory)");

  await new Promise<void>((resolveStop) => {
    let stopping = false;
    const stop = (sig: string): void => {
      if (stopping) return;
      stopping = true;
      log.info({ signal: sig }, "stopping");
      void (async () => {
        await rpc.close();
        await node.stop();
        await transport?.stop();
        log.info("stopped cleanly");
        resolveStop();
      })();
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
}
