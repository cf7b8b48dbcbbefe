import { expect } from "chai";
import { CHAIN_ID, Cluster } from "./cluster.ts";
import { signedSend } from "../helpers/txs.ts";
import { testSigner } from "../helpers/node-harness.ts";
import { defaultNodeConfig, type NodeConfig } from "../../runtime/node/config.ts";
import { TransportError, type NodeTransport } from "../../runtime/p2p/transport.ts";
import { decodeValidatorSetRecord, encodeValidatorSet } from "../../runtime/consensus/engine/valset.ts";
import { ValidatorSet } from "../../runtime/consensus/index.ts";
import { verifyData } from "../../runtime/node/verify-data.ts";
import { join } from "node:path";

/**
 * State sync in one process over the sim transport: four validators take snapshots every
 * SNAP blocks; a fifth node joins from one. Peers that lie are wrapped transports (the node
 * has no test switches): a chunk with a flipped byte, a commit of another block, a validator
 * set the state does not record.
 */

const SNAP = 8;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function syncConfig(over: Partial<NodeConfig["stateSync"]> = {}): Partial<NodeConfig> {
  return { stateSync: { ...defaultNodeConfig().stateSync, snapshotInterval: SNAP, snapshotKeep: 50, discoveryMs: 1500, chunkTimeoutMs: 3000, ...over } };
}

/** `t` with fetchSnapshotPart answered by `f` (which may call the real one), and penalties recorded. */
function lyingWire(t: NodeTransport, f: (peer: string, height: number, name: string, real: () => Promise<Uint8Array | undefined>) => Promise<Uint8Array | undefined>, penalties: string[]): NodeTransport {
  return new Proxy(t, {
    get(target, prop, receiver) {
      if (prop === "fetchSnapshotPart") {
        return (peer: string, height: number, name: string, timeoutMs: number, maxBytes?: number) => f(peer, height, name, () => target.fetchSnapshotPart!(peer, height, name, timeoutMs, maxBytes));
      }
      if (prop === "penalize") {
        return (peer: string, reason: string, kind?: "invalid" | "lie") => {
          penalties.push(`${peer} ${kind ?? "invalid"} ${reason}`);
          target.penalize?.(peer, reason, kind);
        };
      }
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

describe("state sync: a node joins a BFT network from a snapshot", function () {
  this.timeout(90_000);
  let c: Cluster;

  /** Starting node i is expected to fail: its error. */
  async function startFailing(i: number, opts: Parameters<Cluster["start"]>[1]): Promise<(Error & { code?: string }) | undefined> {
    try {
      await c.start(i, opts);
    } catch (e) {
      return e as Error & { code?: string };
    }
    return undefined;
  }

  /** Four validators past two snapshot heights, with transfers in the state. */
  async function network(): Promise<number> {
    c = new Cluster(4);
    for (let i = 0; i < 4; i++) await c.start(i, { config: syncConfig() });
    await c.waitHeight(2);
    for (let n = 0; n < 3; n++) {
      await c.node(n).submitTx(signedSend(testSigner(n), testSigner(10 + n).address, 1000n + BigInt(n), 0n, { chainId: CHAIN_ID }).bytes);
    }
    await c.waitHeight(2 * SNAP + 1, [0, 1, 2, 3], 40_000);
    for (let i = 0; i < 4; i++) await c.node(i).snapshots!.idle();
    const offered = c.node(0).snapshots!.heights();
    expect(offered[0], `offered ${offered}`).to.be.at.least(2 * SNAP);
    return offered[0]!;
  }

  afterEach(async () => {
    await c?.close();
  });

  it("restores the newest snapshot, checked against the genesis set, then block-syncs to the tip and agrees", async () => {
    const snap = await network();
    // Every peer answers "busy" to the first 12 chunk requests (more than 3 per peer): a busy
    // peer is asked again later, not dropped as failing.
    let busy = 0;
    const wire = (t: NodeTransport): NodeTransport =>
      lyingWire(t, async (peer, _h, name, real) => {
        if (name.startsWith("chunk/") && busy < 12) {
          busy++;
          throw new TransportError("TRANSPORT_FETCH_FAILED", `snapshot part from ${peer}: the peer is busy serving other parts`);
        }
        return real();
      }, []);
    const joined = await c.start(4, { config: syncConfig(), stateSync: true, wire });
    expect(busy).to.equal(12);
    const s = joined.status();
    expect(s.earliestBlockHeight, "its first block is the snapshot's").to.be.at.least(snap);
    expect(joined.getBlock(1), "no block before the snapshot").to.equal(undefined);
    const top = Math.max(...[0, 1, 2, 3].map((i) => c.node(i).height));
    await c.waitHeight(top + 2, [0, 1, 2, 3, 4], 30_000);
    c.assertAgreement();
    // The state came from the snapshot, not from executing blocks 1..snap: the transfers are there.
    for (let n = 0; n < 3; n++) expect(joined.getBalance(testSigner(10 + n).address, "nxt").amount).to.equal(String(1000 + n));
    // And it takes and serves snapshots itself once it passes the next interval.
    await c.waitHeight(Math.ceil((joined.height + 1) / SNAP) * SNAP + 1, [4], 30_000);
    await joined.snapshots!.idle();
    expect(joined.snapshots!.heights()[0]).to.be.above(s.earliestBlockHeight!);
    // Its home checks clean: verify-data knows blocks start at the snapshot's height.
    await c.stop(4);
    const report = await verifyData(join(c.dirs[4]!, "data"));
    expect(report.ok, JSON.stringify(report, null, 2)).to.equal(true);
    expect(report.files[1]!.checked.join("\n")).to.include(`(joined by state sync at ${s.earliestBlockHeight}: no blocks before it, nor receipts of it)`);
  });

  it("a peer whose chunk does not verify is penalised and dropped; the chunk comes from another peer", async () => {
    await network();
    const penalties: string[] = [];
    // Whichever peer is asked for a chunk first flips its last byte.
    let liar: string | undefined;
    let lied = 0;
    const wire = (t: NodeTransport): NodeTransport =>
      lyingWire(t, async (peer, _h, name, real) => {
        const bytes = await real();
        if (!name.startsWith("chunk/") || !bytes) return bytes;
        liar ??= peer;
        if (peer !== liar) return bytes;
        lied++;
        const bad = bytes.slice();
        bad[bad.length - 1] ^= 0x01;
        return bad;
      }, penalties);
    const joined = await c.start(4, { config: syncConfig(), stateSync: true, wire });
    expect(lied, "the liar is asked once, then dropped").to.equal(1);
    expect(penalties.filter((p) => p.startsWith(`${liar} lie snapshot chunk`)), penalties.join("\n")).to.have.length(1);
    const top = Math.max(...[0, 1, 2, 3].map((i) => c.node(i).height));
    await c.waitHeight(top + 1, [4], 30_000);
    c.assertAgreement([0, 4]);
    expect(joined.status().earliestBlockHeight).to.be.above(1);
  });

  it("a snapshot whose block the genesis validators did not sign is refused: signed by none of the trusted set's power", async () => {
    const snap = await network();
    const penalties: string[] = [];
    // Every peer serves the commit of the block before: its precommits are not for this block.
    const wire = (t: NodeTransport): NodeTransport =>
      lyingWire(t, async (peer, h, name, real) => (name === "commit" ? t.fetchSnapshotPart!(peer, h - SNAP, "commit", 3000) : real()), penalties);
    const err = await startFailing(4, { config: syncConfig(), stateSync: true, wire });
    expect(err?.code, err?.message).to.equal("STATE_SYNC_FAILED");
    expect(err!.message).to.match(new RegExp(`height ${snap}: block ${snap} is signed by 0 of the trusted validator set`));
    expect(penalties.length).to.be.at.least(1);
  });

  it("validator sets that are not the ones the synced state records are refused", async () => {
    await network();
    const penalties: string[] = [];
    // Every peer doubles one validator's power in the set it serves for the snapshot's height.
    const wire = (t: NodeTransport): NodeTransport =>
      lyingWire(t, async (_peer, h, name, real) => {
        const bytes = await real();
        if (name !== `valset/${h}` || !bytes) return bytes;
        const r = decodeValidatorSetRecord(bytes);
        const vs = r.set.validators.map((v, i) => (i === 0 ? { ...v, power: v.power * 2n } : v));
        return encodeValidatorSet(ValidatorSet.create(vs), r.pending);
      }, penalties);
    const err = await startFailing(4, { config: syncConfig(), stateSync: true, wire });
    expect(err?.code, err?.message).to.equal("STATE_SYNC_FAILED");
    expect(err!.message).to.match(/validator set served for height \d+ is not the one the state records/);
  });

  it("a validator set for the next height that does not follow from the snapshot height's is refused, even with the recorded members", async () => {
    await network();
    // Every peer serves height h+1's set with the same members but its priorities rotated.
    const wire = (t: NodeTransport): NodeTransport =>
      lyingWire(t, async (_peer, h, name, real) => {
        const bytes = await real();
        if (name !== `valset/${h + 1}` || !bytes) return bytes;
        const r = decodeValidatorSetRecord(bytes);
        const p = r.set.priorities;
        const rotated = p.map((_, i) => p[(i + 1) % p.length]!);
        return encodeValidatorSet(ValidatorSet.restore(r.set.validators, rotated, r.set.proposer.address), r.pending);
      }, []);
    const err = await startFailing(4, { config: syncConfig(), stateSync: true, wire });
    expect(err?.code, err?.message).to.equal("STATE_SYNC_FAILED");
    expect(err!.message).to.match(/the validator set served for height \d+ is not the one that follows the set served for \d+/);
  });

  it("an operator's trust point restores the snapshot it names, not the newest; one that no peer offers is refused with the offers listed", async () => {
    await network();
    const [newest, older] = c.node(0).snapshots!.heights();
    const hash = c.node(0).getBlock(older!)!.hash;
    const wrong = hash.replace(/^./, (ch) => (ch === "0" ? "1" : "0"));
    const err = await startFailing(4, { config: syncConfig({ trust: { height: older!, hash: wrong } }), stateSync: true });
    expect(err?.code, err?.message).to.equal("STATE_SYNC_FAILED");
    expect(err!.message).to.include(`no peer offers the snapshot of the trust point, height ${older} with block hash ${wrong}; offered: ${newest} (`);
    const joined = await c.start(5, { config: syncConfig({ trust: { height: older!, hash: hash.toUpperCase() } }), stateSync: true });
    expect(joined.status().earliestBlockHeight).to.equal(older);
    const top = Math.max(...[0, 1, 2, 3].map((i) => c.node(i).height));
    await c.waitHeight(top + 1, [5], 30_000);
    c.assertAgreement([0, 5]);
  });

  it("no snapshot on offer: a clear error that says what to check", async () => {
    c = new Cluster(4);
    for (let i = 0; i < 4; i++) await c.start(i, { config: syncConfig({ snapshotInterval: 0 }) });
    await c.waitHeight(3);
    const err = await startFailing(4, { config: syncConfig({ discoveryMs: 500 }), stateSync: true });
    expect(err?.code).to.equal("STATE_SYNC_FAILED");
    expect(err!.message).to.match(/no peer offered a snapshot within 500 ms: check p2p.bootstrap/);
    await sleep(0);
  });
});
