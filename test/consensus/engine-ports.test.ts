import { expect } from "chai";
import pino from "pino";
import { BftEngine } from "../../runtime/consensus/engine/engine.ts";
import { decodeValidatorSet } from "../../runtime/consensus/engine/valset.ts";
import { MemoryWal, decodeCommit, ed25519Signer, verifyCommit } from "../../runtime/consensus/index.ts";
import type { ConsensusApplication, ConsensusHost, ConsensusPool, ConsensusPorts, ConsensusStore, ValidatorUpdate } from "../../runtime/consensus/ports.ts";
import type { Execution } from "../../runtime/app/application.ts";
import { blockHash, encodeBlock, merkleRoot, type Block, type BlockHeader } from "../../runtime/app/block.ts";
import type { BlockInfo } from "../../runtime/modules/types.ts";
import { SimHub as MemoryHub } from "../../plugins/transports/sim/index.ts";
import { ed25519 } from "../../runtime/crypto/ed25519.ts";
import { addressFor } from "../../runtime/crypto/address.ts";
import { sha256, toHex, utf8 } from "../../runtime/crypto/hash.ts";

/**
 * The engine over fake ports: no lmdb, no modules, no NexusNode. A fake application whose
 * blocks are empty and whose state root is a function of the height, and which returns
 * scripted validator updates from a block's end-block (effective two heights later).
 */

const CHAIN_ID = "nexus-fake-ports-1";
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function key(i: number): { seed: Uint8Array; publicKey: Uint8Array; address: string } {
  const seed = sha256(utf8(`fake-validator-${i}`));
  const { publicKey } = ed25519.generate(seed);
  return { seed, publicKey, address: addressFor(ed25519.id, publicKey) };
}

const BANDS = [1, 2, 1, 2];
const genesisUpdates: ValidatorUpdate[] = BANDS.map((band, i) => ({ address: key(i).address, power: 10n, consensusPubKey: toHex(key(i).publicKey), band }));

function fakeExecution(info: BlockInfo, updates: readonly ValidatorUpdate[]): Execution {
  return {
    info,
    receipts: [],
    receiptBytes: [],
    txRoot: merkleRoot([]),
    resultsRoot: sha256(utf8(`results/${info.height}`)),
    stateRoot: sha256(utf8(`state/${info.height}`)),
    validatorUpdates: [...updates],
    blockEvents: [],
    staged: { commit: () => undefined } as unknown as Execution["staged"],
  };
}

/** One node's worth of fake ports, with everything it committed. */
class FakeChain implements ConsensusPorts {
  readonly blocks = new Map<number, Uint8Array>();
  readonly commits = new Map<number, Uint8Array>();
  readonly valsets = new Map<number, Uint8Array>();
  readonly candidates = new Map<string, { height: number; bytes: Uint8Array }>();
  latest: { header: BlockHeader; hash: Uint8Array } | undefined;
  halted: string | undefined;
  private work: Promise<unknown> = Promise.resolve();

  constructor(private readonly script: ReadonlyMap<number, ValidatorUpdate[]>) {}

  readonly app: ConsensusApplication = {
    params: () => ({ maxBlockTxs: 100, maxBlockBytes: 1 << 20 }),
    prepareProposal: (info) => ({ txs: [], execution: fakeExecution(info, this.script.get(info.height) ?? []) }),
    processProposal: async (header, txs) => {
      const e = fakeExecution({ chainId: header.chainId, height: header.height, time: header.time, proposer: header.proposer, prevHash: "" }, this.script.get(header.height) ?? []);
      if (txs.length > 0 || toHex(header.stateRoot) !== toHex(e.stateRoot)) return { accept: false, reason: "roots differ" };
      return { accept: true, execution: e };
    },
    precheckTx: () => {
      throw new Error("no transactions on this chain");
    },
    verifyUnchecked: async () => undefined,
    signatureVerifier: { verify: async (checks) => checks.map((c) => ed25519.verify(c.publicKey, c.message, c.signature)), close: async () => undefined },
    knownTx: () => undefined,
    nonce: () => 0n,
    query: () => null,
    rememberVerified: () => undefined,
  };

  readonly pool: ConsensusPool = {
    reap: () => [],
    has: () => false,
    get: () => undefined,
    localAt: () => undefined,
    submitPeerTx: async () => undefined,
    admitCheckedBatch: async () => 0,
    onLocalTx: () => undefined,
  };

  readonly store: ConsensusStore = {
    blockBytes: (h) => this.blocks.get(h),
    commit: (h) => this.commits.get(h),
    validatorSet: (h) => this.valsets.get(h),
    writeInitialValidatorSet: (h, bytes) => void this.valsets.set(h, bytes),
    candidatesAt: (h) => [...this.candidates.values()].filter((c) => c.height === h).map((c) => c.bytes),
    saveCandidate: (h, hash, bytes) => void this.candidates.set(toHex(hash), { height: h, bytes }),
  };

  readonly host: ConsensusHost = {
    chainId: CHAIN_ID,
    genesisTime: Date.now() - 60_000,
    height: 0,
    latestBlock: () => this.latest,
    serial: <T>(f: () => Promise<T>): Promise<T> => {
      const run = this.work.then(f);
      this.work = run.catch((e: Error) => (this.halted = e.message));
      return run;
    },
    halt: (reason) => void (this.halted = reason),
    logger: pino({ level: process.env.NEXUS_TEST_LOG ?? "silent" }),
    now: () => Date.now(),
    commitBlock: (block: Block, _txHashes, _execution, consensus) => {
      const h = block.header.height;
      this.blocks.set(h, encodeBlock(block));
      this.commits.set(h, consensus.commit);
      this.valsets.set(h + 1, consensus.nextValidatorSet);
      this.latest = { header: block.header, hash: blockHash(block.header) };
      (this.host as { height: number }).height = h;
    },
    genesisValidatorUpdates: () => genesisUpdates,
  };
}

describe("BFT engine over fake ports (no node, no lmdb)", function () {
  this.timeout(60_000);
  const engines: BftEngine[] = [];
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.stop();
  });

  function startNetwork(script: Map<number, ValidatorUpdate[]>, n = 4): { chains: FakeChain[]; hub: MemoryHub } {
    const hub = new MemoryHub();
    const chains: FakeChain[] = [];
    for (let i = 0; i < n; i++) {
      const chain = new FakeChain(script);
      const k = key(i);
      const engine = new BftEngine(chain, {
        transport: hub.attach(`f${i}`),
        signer: ed25519Signer(k.address, k.seed),
        wal: new MemoryWal(),
        timeouts: { propose: { baseMs: 400, deltaMs: 100 }, prevote: { baseMs: 200, deltaMs: 100 }, precommit: { baseMs: 200, deltaMs: 100 } },
        blockIntervalMs: 30,
        regossipMs: 100,
        syncCheckMs: 300,
      });
      chains.push(chain);
      engines.push(engine);
    }
    return { chains, hub };
  }

  async function waitHeight(chains: FakeChain[], h: number, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (chains.some((c) => c.host.height < h)) {
      if (Date.now() > deadline) throw new Error(`timed out at heights ${chains.map((c) => c.host.height).join(",")}`);
      await sleep(20);
    }
  }

  it("four engines decide the same blocks, and every commit verifies against the set of its height", async () => {
    const { chains } = startNetwork(new Map());
    await Promise.all(engines.map((e) => e.start()));
    await waitHeight(chains, 6);
    for (let h = 1; h <= 6; h++) {
      const hashes = new Set(chains.map((c) => toHex(sha256(c.blocks.get(h)!))));
      expect(hashes.size, `one block at height ${h}`).to.equal(1);
      for (const c of chains) {
        const cert = decodeCommit(c.commits.get(h)!);
        const set = decodeValidatorSet(c.valsets.get(h)!);
        expect(verifyCommit(CHAIN_ID, set, h, cert.blockHash, cert).ok, `commit ${h} verifies`).to.equal(true);
      }
    }
    // The set of height 1 is the InitChain updates; with no updates it never changes.
    const first = decodeValidatorSet(chains[0]!.valsets.get(1)!);
    expect(first.validators.map((v) => v.address).sort()).to.deep.equal(genesisUpdates.map((u) => u.address).sort());
    expect(chains.every((c) => c.halted === undefined)).to.equal(true);
  });

  it("a validator update of block 3 takes effect at height 5, and the rest go on without the removed validator", async () => {
    const removed = key(3).address;
    const raised = key(0).address;
    // Block 3's end-block: validator 3 leaves, validator 0 doubles its power.
    const script = new Map([[3, [{ address: removed, power: 0n }, { address: raised, power: 20n }]]]);
    const { chains } = startNetwork(script);
    await Promise.all(engines.map((e) => e.start()));
    await waitHeight(chains.slice(0, 3), 8);
    const setAt = (h: number): ReturnType<typeof decodeValidatorSet> => decodeValidatorSet(chains[0]!.valsets.get(h)!);
    for (const h of [1, 2, 3, 4]) {
      expect(setAt(h).size, `set of height ${h}`).to.equal(4);
      expect(setAt(h).get(raised)!.power).to.equal(10n);
    }
    for (const h of [5, 6, 7, 8]) {
      expect(setAt(h).get(removed), `set of height ${h}`).to.equal(undefined);
      expect(setAt(h).size).to.equal(3);
      expect(setAt(h).get(raised)!.power).to.equal(20n);
    }
    // Every node computed the same sets (priorities included) and the same certificates verify.
    for (let h = 1; h <= 8; h++) {
      const encoded = new Set(chains.slice(0, 3).map((c) => toHex(decodeValidatorSet(c.valsets.get(h)!).hash()) + c.valsets.get(h)!.length));
      expect(encoded.size, `one set at height ${h}`).to.equal(1);
      const cert = decodeCommit(chains[1]!.commits.get(h)!);
      expect(verifyCommit(CHAIN_ID, setAt(h), h, cert.blockHash, cert).ok).to.equal(true);
      if (h >= 5) expect(cert.signatures.some((s) => s.validator === removed)).to.equal(false);
    }
  });

  it("a node that syncs later computes the very same sets from the blocks' validator updates", async () => {
    const script = new Map([[2, [{ address: key(1).address, power: 15n }]], [4, [{ address: key(3).address, power: 0n }]]]);
    const { chains } = startNetwork(script);
    // Three of four hold > 2/3 of the power and both bands: they run on without validator 3.
    await Promise.all(engines.slice(0, 3).map((e) => e.start()));
    await waitHeight(chains.slice(0, 3), 9);
    await engines[3]!.start();
    await waitHeight([chains[3]!], 9);
    expect(engines[3]!.followerSyncedBlocks).to.be.at.least(8);
    for (let h = 1; h <= 10; h++) {
      const a = chains[0]!.valsets.get(h);
      const b = chains[3]!.valsets.get(h);
      if (!a || !b) continue;
      expect(toHex(b), `stored set of height ${h}`).to.equal(toHex(a));
    }
    expect(decodeValidatorSet(chains[3]!.valsets.get(4)!).get(key(1).address)!.power).to.equal(15n);
    expect(decodeValidatorSet(chains[3]!.valsets.get(6)!).get(key(3).address)).to.equal(undefined);
  });
});
