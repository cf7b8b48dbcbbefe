import type { GenesisDoc } from "../app/application.ts";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { ed25519 } from "../crypto/ed25519.ts";
import { addressFor } from "../crypto/address.ts";
import { toHex } from "../crypto/hash.ts";
import { defaultNodeConfig, type NodeConfig } from "./config.ts";
import { createDevKeys, homePaths } from "./home.ts";
import type { ChainApp } from "./chain-app.ts";
import { NodeErrors } from "./errors.ts";

/**
 * Bands so that any N-1 of N validators still span min(5, populated bands): every populated
 * band gets at least two validators, with at most 5 bands (more would not be required
 * anyway). 4 validators: bands 1,2,1,2 (two each, 2 required); 10 or more: 5 bands.
 */
export function assignBands(n: number): number[] {
  const bands = Math.max(1, Math.min(5, Math.floor(n / 2)));
  return Array.from({ length: n }, (_, i) => 1 + (i % bands));
}

export interface DevnetNode {
  readonly index: number;
  readonly home: string;
  readonly address: string;
  readonly band: number;
  readonly rpcUrl: string;
  readonly p2pAddress: string;
}

export interface DevnetLayout {
  readonly dir: string;
  readonly chainId: string;
  readonly nodes: DevnetNode[];
  readonly devKeys: { name: string; address: string; mnemonic: string }[];
}

export class DevnetError extends NodeErrors<"DEVNET_EXISTS"> {
  constructor(message: string) {
    super("DEVNET_EXISTS", message);
  }
}

export interface DevnetOptions {
  dir: string;
  validators: number;
  /** RPC of node i is rpcPort + i; P2P is p2pPort + i. */
  rpcPort?: number;
  p2pPort?: number;
  /** Explicit ports (tests pick free ones). */
  rpcPorts?: number[];
  p2pPorts?: number[];
  blockTimeMs?: number;
  bft?: NodeConfig["bft"];
  chainId?: string;
  /** Remove an existing devnet in dir first. */
  reset?: boolean;
  logLevel?: NodeConfig["logLevel"];
  /** More funded accounts (benches, tests); amounts in base units of the fee denomination. */
  accounts?: { address: string; amount: bigint }[];
  /** Adjusts the shared genesis before it is written (tests: a shorter voting period). */
  editGenesis?: (genesis: GenesisDoc) => GenesisDoc;
}

/**
 * Generate N validator homes sharing ONE genesis (the chain's network genesis): validator
 * key, node (peer) identity, config with consensus "bft", ports on 127.0.0.1, bootstrap =
 * node 0. The N validators are bonded with equal stake in bands from assignBands; operators
 * and the chain's dev keys (keyring of node 0, insecure dev passphrase) are funded.
 */
export async function generateDevnet(app: ChainApp, o: DevnetOptions): Promise<DevnetLayout> {
  const chain = app.chain;
  const dir = resolve(o.dir);
  if (existsSync(join(dir, "node0", "genesis.json"))) {
    if (!o.reset) throw new DevnetError(`${dir} already holds a devnet; start it again without generating, or pass --reset`);
    rmSync(dir, { recursive: true, force: true });
  }
  const n = o.validators;
  const chainId = o.chainId ?? chain.dev.devnetChainId;
  const bands = assignBands(n);
  const homes = Array.from({ length: n }, (_, i) => join(dir, `node${i}`));
  const keys = homes.map(() => new Uint8Array(randomBytes(32)));
  const peers: string[] = [];
  const nodes: DevnetNode[] = [];
  for (let i = 0; i < n; i++) {
    mkdirSync(homes[i]!, { recursive: true, mode: 0o700 });
    writeFileSync(homePaths(homes[i]!).validatorKey, JSON.stringify({ scheme: ed25519.id, secretKey: toHex(keys[i]!) }, null, 2) + "\n", { mode: 0o600 });
    const p2pPort = o.p2pPorts?.[i] ?? (o.p2pPort ?? 26656) + i;
    const rpcPort = o.rpcPorts?.[i] ?? (o.rpcPort ?? 7700) + i;
    peers.push(await app.p2pIdentity(homes[i]!, "127.0.0.1", p2pPort));
    const { publicKey } = ed25519.generate(keys[i]!);
    nodes.push({ index: i, home: homes[i]!, address: addressFor(ed25519.id, publicKey), band: bands[i]!, rpcUrl: `http://127.0.0.1:${rpcPort}`, p2pAddress: peers[i]! });
    const base = defaultNodeConfig();
    const config: NodeConfig = {
      ...base,
      moniker: `validator-${i}`,
      consensus: "bft",
      rpc: { ...base.rpc, port: rpcPort },
      p2p: { host: "127.0.0.1", port: p2pPort, bootstrap: [] },
      blockTimeMs: o.blockTimeMs ?? 1000,
      // The node defaults (CometBFT's): four validators sharing a small machine need the room
      // to execute a full proposal before the propose timeout.
      bft: o.bft ?? base.bft,
      verifyThreads: 1,
      logLevel: o.logLevel ?? "info",
    };
    writeFileSync(homePaths(homes[i]!).config, JSON.stringify(config, null, 2) + "\n");
  }
  // Everyone bootstraps from node 0; node 0 from node 1, so a restarted node 0 finds the others.
  for (let i = 0; i < n; i++) {
    const path = homePaths(homes[i]!).config;
    const cfg = JSON.parse(readFileSync(path, "utf8")) as NodeConfig;
    cfg.p2p.bootstrap = n === 1 ? [] : i === 0 ? [peers[1]!] : [peers[0]!];
    writeFileSync(path, JSON.stringify(cfg, null, 2) + "\n");
  }
  const devKeys = createDevKeys(chain, homePaths(homes[0]!).keys);
  const genesis = chain.genesis.network({
    chainId,
    genesisTime: Date.now(),
    validators: nodes.map((v) => ({ operator: v.address, consensusPubKey: toHex(ed25519.generate(keys[v.index]!).publicKey), band: v.band, moniker: `validator-${v.index}`, stake: chain.dev.validatorStake })),
    accounts: [...devKeys.map((k) => ({ address: k.address, amount: chain.dev.keyBalance, name: k.name })), ...(o.accounts ?? [])],
    devnet: true,
  });
  const json = JSON.stringify(o.editGenesis ? o.editGenesis(genesis) : genesis, null, 2) + "\n";
  for (const h of homes) writeFileSync(homePaths(h).genesis, json);
  const layout: DevnetLayout = { dir, chainId, nodes, devKeys };
  writeFileSync(join(dir, "devnet.json"), JSON.stringify({ chainId, nodes, devKeys: devKeys.map(({ name, address }) => ({ name, address })) }, null, 2) + "\n");
  return layout;
}

/**
 * A non-validating node for an existing devnet (what a new operator does to join a network):
 * the devnet's genesis, fresh keys, and a config naming validator 0 as bootstrap peer. It
 * syncs from height 1 and follows; bonding stake would make it a validator.
 */
export async function addDevnetNode(app: ChainApp, layout: DevnetLayout, name: string, rpcPort: number, p2pPort: number): Promise<{ home: string; rpcUrl: string }> {
  const home = join(layout.dir, name);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const src = homePaths(layout.nodes[0]!.home);
  writeFileSync(homePaths(home).genesis, readFileSync(src.genesis));
  writeFileSync(homePaths(home).validatorKey, JSON.stringify({ scheme: ed25519.id, secretKey: toHex(new Uint8Array(randomBytes(32))) }, null, 2) + "\n", { mode: 0o600 });
  await app.p2pIdentity(home, "127.0.0.1", p2pPort);
  const cfg = JSON.parse(readFileSync(src.config, "utf8")) as NodeConfig;
  const config: NodeConfig = { ...cfg, moniker: name, rpc: { ...cfg.rpc, port: rpcPort }, p2p: { ...cfg.p2p, port: p2pPort, bootstrap: [layout.nodes[0]!.p2pAddress] } };
  writeFileSync(homePaths(home).config, JSON.stringify(config, null, 2) + "\n");
  return { home, rpcUrl: `http://127.0.0.1:${rpcPort}` };
}
