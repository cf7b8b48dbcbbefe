import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { NexusNode } from "../../runtime/node/node.ts";
import { defaultNodeConfig } from "../../runtime/node/config.ts";
import { SimHub as MemoryHub, type SimTransport as MemoryTransport } from "../../plugins/transports/sim/index.ts";
import { assignBands } from "../../runtime/node/devnet.ts";
import { nexusChain } from "../../chains/nexus/chain.ts";
import { NXT } from "../../modules/bank/params.ts";
import { ed25519Signer } from "../../runtime/consensus/index.ts";
import type { BftEngine } from "../../runtime/consensus/engine/engine.ts";
import { bftProducerFromConfig } from "../../runtime/node/bft-producer.ts";
import type { NodeConfig } from "../../runtime/node/config.ts";
import type { NodeTransport } from "../../runtime/p2p/transport.ts";
import { equivocatingTransport, noFullBlocksTransport } from "../helpers/fault-transports.ts";
import { ed25519 } from "../../runtime/crypto/ed25519.ts";
import { addressFor } from "../../runtime/crypto/address.ts";
import { sha256, toHex, utf8 } from "../../runtime/crypto/hash.ts";
import type { GenesisDoc } from "../../runtime/app/application.ts";
import { testSchemes, testSigner } from "../helpers/node-harness.ts";

export const CHAIN_ID = "nexus-bft-test-1";

export function validatorKey(i: number): { seed: Uint8Array; publicKey: Uint8Array; address: string } {
  const seed = sha256(utf8(`validator-${i}`));
  const { publicKey } = ed25519.generate(seed);
  return { seed, publicKey, address: addressFor(ed25519.id, publicKey) };
}

/** N validators of equal stake (bands from assignBands) and test accounts 0..3 funded. */
export function clusterGenesis(n: number): GenesisDoc {
  const bands = assignBands(n);
  return nexusChain.genesis.network({
    chainId: CHAIN_ID,
    genesisTime: Date.now() - 60_000,
    validators: Array.from({ length: n }, (_, i) => {
      const k = validatorKey(i);
      return { operator: k.address, consensusPubKey: toHex(k.publicKey), band: bands[i]!, moniker: `v${i}`, stake: 1000n * NXT };
    }),
    accounts: [0, 1, 2, 3].map((i) => ({ address: testSigner(i).address, amount: 1_000_000n * NXT })),
  });
}

interface Member {
  node: NexusNode;
  transport: MemoryTransport;
}

/** Several BFT nodes in one process over a MemoryHub. Node i >= validators is a follower. */
export class Cluster {
  readonly hub = new MemoryHub();
  readonly dirs: string[] = [];
  readonly members: (Member | undefined)[] = [];
  /** TEST ONLY: validators that double-sign prevotes. */
  readonly equivocators = new Set<number>();
  /** TEST ONLY: proposals travel compact only (no full-block fallback). */
  noFullBlocks = false;
  /** Own clients' transactions younger than this are prefilled in compact proposals (0: always by hash). */
  prefillLocalMs: number | undefined = undefined;

  constructor(
    readonly validators: number,
    readonly genesis: GenesisDoc = clusterGenesis(validators),
  ) {}

  async start(i: number, opts: { config?: Partial<NodeConfig>; stateSync?: boolean; wire?: (t: NodeTransport) => NodeTransport } = {}): Promise<NexusNode> {
    this.dirs[i] ??= mkdtempSync(join(tmpdir(), `nexus-bft-${i}-`));
    const k = validatorKey(i);
    const transport = this.hub.attach(`n${i}`);
    const signer = i < this.validators ? ed25519Signer(k.address, k.seed) : undefined;
    // Faults are wrappers around the transport: the engine has no test switches.
    let wire: NodeTransport = transport;
    if (this.equivocators.has(i) && signer) wire = equivocatingTransport(wire, this.genesis.chainId, signer);
    if (this.noFullBlocks) wire = noFullBlocksTransport(wire);
    if (opts.wire) wire = opts.wire(wire);
    const defaults = defaultNodeConfig();
    const config: NodeConfig = {
      ...defaults,
      consensus: "bft",
      blockTimeMs: 100,
      checkInvariants: true,
      bft: { ...defaults.bft, timeoutProposeMs: 500, timeoutVoteMs: 250, timeoutDeltaMs: 100 },
      ...opts.config,
    };
    const dataDir = join(this.dirs[i]!, "data");
    const node = await NexusNode.open({
      dataDir,
      config,
      genesis: this.genesis,
      modules: nexusChain.modules("bft"),
      order: nexusChain.order,
      schemes: testSchemes(),
      proposer: k.address,
      logger: pino({ level: process.env.NEXUS_TEST_LOG ?? "silent", base: { node: i } }),
      producer: bftProducerFromConfig(config, dataDir, {
        transport: wire,
        signer,
        operatorKey: i < this.validators ? { scheme: ed25519, secretKey: k.seed, publicKey: k.publicKey, address: k.address } : undefined,
        regossipMs: 150,
        syncCheckMs: 300,
        prefillLocalMs: this.prefillLocalMs,
      }),
      ...(opts.stateSync ? { stateSync: { transport: wire } } : {}),
    });
    if (node.snapshots) wire.setSnapshotSource?.(node.snapshots);
    this.members[i] = { node, transport };
    await node.start();
    return node;
  }

  node(i: number): NexusNode {
    const m = this.members[i];
    if (!m) throw new Error(`node ${i} is not running`);
    return m.node;
  }

  /** Node i's BFT engine (its block producer). */
  engine(i: number): BftEngine {
    const e = this.node(i).producer;
    if (!e) throw new Error(`node ${i} has not started its engine`);
    return e as BftEngine;
  }

  transport(i: number): MemoryTransport {
    const m = this.members[i];
    if (!m) throw new Error(`node ${i} is not running`);
    return m.transport;
  }

  async stop(i: number): Promise<void> {
    const m = this.members[i];
    if (!m) return;
    this.members[i] = undefined;
    await m.transport.stop();
    await m.node.stop();
  }

  running(): number[] {
    return this.members.flatMap((m, i) => (m ? [i] : []));
  }

  async waitHeight(h: number, nodes: number[] = this.running(), timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (nodes.some((i) => this.node(i).height < h)) {
      if (Date.now() > deadline) {
        const state = nodes.map((i) => `n${i}@${this.members[i]?.node.height} ${JSON.stringify((this.members[i]?.node.producer as BftEngine | undefined)?.snapshot())}`);
        throw new Error(`timed out waiting for height ${h}:\n${state.join("\n")}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Same block hash and state root at every height all of `nodes` have. */
  assertAgreement(nodes: number[] = this.running()): number {
    const top = Math.min(...nodes.map((i) => this.node(i).height));
    // A node that joined by state sync holds blocks from its snapshot's height on.
    const base = Math.max(1, ...nodes.map((i) => this.node(i).status().earliestBlockHeight ?? 1));
    for (let h = base; h <= top; h++) {
      const views = nodes.map((i) => this.node(i).getBlock(h)!);
      for (const v of views) {
        if (v.hash !== views[0]!.hash || v.header.stateRoot !== views[0]!.header.stateRoot) {
          throw new Error(`nodes disagree at height ${h}: ${views.map((x) => `${x.hash.slice(0, 12)}/${x.header.stateRoot.slice(0, 12)}`).join(" ")}`);
        }
      }
    }
    return top;
  }

  async close(): Promise<void> {
    for (const i of this.running()) await this.stop(i);
    for (const d of this.dirs) if (d) rmSync(d, { recursive: true, force: true });
  }
}
