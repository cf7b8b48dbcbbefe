import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { peerIdFromPrivateKey } from "@libp2p/peer-id";
import { loadOrCreateNodeKey, NODE_KEY_FILE } from "../../plugins/transports/libp2p/index.ts";
import { Keyring, DEV_PASSPHRASE } from "../crypto/keystore.ts";
import { ed25519 } from "../crypto/ed25519.ts";
import { addressFor } from "../crypto/address.ts";
import { toHex } from "../crypto/hash.ts";
import { defaultNodeConfig, type NodeConfig } from "./config.ts";
import { DEV_KEY_BALANCE, DEV_KEY_NAMES, homePaths } from "./home.ts";
import { bftModules } from "./reference-chain.ts";
import { assignBands, validatorNetworkGenesis } from "./consensus/network-genesis.ts";
import { NXT } from "../../modules/bank/params.ts";
import { NodeErrors } from "./errors.ts";

export const DEVNET_CHAIN_ID = "nexus-devnet-1";

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
  /** More funded accounts (benches, tests). */
  accounts?: { address: string; nxt: bigint }[];
}

/**
 * Generate N validator homes sharing ONE genesis: validator key, node (peer) identity,
 * config with consensus "bft", ports on 127.0.0.1, bootstrap = node 0. Staking bonds the N
 * validators with equal stake in bands from assignBands; operators and the dev keys (alice,
 * bob, carol: keyring of node 0, insecure dev passphrase) are funded.
 */
export async function generateDevnet(o: DevnetOptions): Promise<DevnetLayout> {
  const dir = resolve(o.dir);
  if (existsSync(join(dir, "node0", "genesis.json"))) {
    if (!o.reset) throw new DevnetError(`${dir} already holds a devnet; start it again without generating, or pass --reset`);
    rmSync(dir, { recursive: true, force: true });
  }
  const n = o.validators;
  const chainId = o.chainId ?? DEVNET_CHAIN_ID;
  const bands = assignBands(n);
  const homes = Array.from({ length: n }, (_, i) => join(dir, `node${i}`));
  const keys = homes.map(() => new Uint8Array(randomBytes(32)));
  const peers: string[] = [];
  const nodes: DevnetNode[] = [];
  for (let i = 0; i < n; i++) {
    mkdirSync(homes[i]!, { recursive: true, mode: 0o700 });
    writeFileSync(homePaths(homes[i]!).validatorKey, JSON.stringify({ scheme: ed25519.id, secretKey: toHex(keys[i]!) }, null, 2) + "\n", { mode: 0o600 });
    const nodeKey = await loadOrCreateNodeKey(join(homes[i]!, NODE_KEY_FILE));
    const p2pPort = o.p2pPorts?.[i] ?? (o.p2pPort ?? 26656) + i;
    const rpcPort = o.rpcPorts?.[i] ?? (o.rpcPort ?? 7700) + i;
    peers.push(`/ip4/127.0.0.1/tcp/${p2pPort}/p2p/${peerIdFromPrivateKey(nodeKey).toString()}`);
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
  const ring = new Keyring(homePaths(homes[0]!).keys);
  const devKeys = DEV_KEY_NAMES.map((name) => {
    const { info, mnemonic } = ring.add(name, DEV_PASSPHRASE, { dev: true, force: true });
    return { name, address: info.address, mnemonic };
  });
  const genesis = validatorNetworkGenesis({
    chainId,
    genesisTime: Date.now(),
    modules: bftModules(),
    validators: nodes.map((v) => ({ operator: v.address, consensusPubKey: toHex(ed25519.generate(keys[v.index]!).publicKey), band: v.band, moniker: `validator-${v.index}`, stakeNxt: 100_000n })),
    accounts: [...devKeys.map((k) => ({ address: k.address, nxt: DEV_KEY_BALANCE / NXT })), ...(o.accounts ?? [])],
  });
  const json = JSON.stringify(genesis, null, 2) + "\n";
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
export async function addDevnetNode(layout: DevnetLayout, name: string, rpcPort: number, p2pPort: number): Promise<{ home: string; rpcUrl: string }> {
  const home = join(layout.dir, name);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const src = homePaths(layout.nodes[0]!.home);
  writeFileSync(homePaths(home).genesis, readFileSync(src.genesis));
  writeFileSync(homePaths(home).validatorKey, JSON.stringify({ scheme: ed25519.id, secretKey: toHex(new Uint8Array(randomBytes(32))) }, null, 2) + "\n", { mode: 0o600 });
  await loadOrCreateNodeKey(join(home, NODE_KEY_FILE));
  const cfg = JSON.parse(readFileSync(src.config, "utf8")) as NodeConfig;
  const config: NodeConfig = { ...cfg, moniker: name, rpc: { ...cfg.rpc, port: rpcPort }, p2p: { ...cfg.p2p, port: p2pPort, bootstrap: [layout.nodes[0]!.p2pAddress] } };
  writeFileSync(homePaths(home).config, JSON.stringify(config, null, 2) + "\n");
  return { home, rpcUrl: `http://127.0.0.1:${rpcPort}` };
}
