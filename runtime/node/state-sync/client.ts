import { blockHash, decodeBlock, type Block, type BlockHeader } from "../../app/block.ts";
import { bytesEqual, fromHex, toHex } from "../../crypto/hash.ts";
import { decodeCommit, type CommitCertificate, type ValidatorSet } from "../../consensus/index.ts";
import { decodeValidatorSetRecord, encodeValidatorSet, followingSet } from "../../consensus/engine/valset.ts";
import type { ValidatorUpdate } from "../../modules/types.ts";
import type { NodeTransport } from "../../p2p/transport.ts";
import { verifyChunk, verifyManifest, type SnapshotManifest } from "../../state/snapshot/index.ts";
import type { Logger } from "../logger.ts";
import { NodeErrors } from "../errors.ts";
import type { NodeConfig } from "../config.ts";
import { decodeDescriptor, type SnapshotDescriptor } from "./descriptor.ts";
import { assertCommitVerifies, assertTrusted, checkRecord } from "./trust.ts";
import { PART } from "./parts.ts";

/**
 * Joining a network from a state snapshot (CometBFT's state sync, with the trust rules of
 * trust.ts): gather peers' offers, take the newest snapshot whose block the trusted validator
 * set signed, fetch its manifest and chunks from every peer that offers it (each checked before
 * it is imported, a peer that serves a bad one is penalised and dropped), check the validator
 * sets against the imported state, then write the snapshot's block as the node's first. Block
 * sync takes the node from there to the tip.
 */

export class StateSyncError extends NodeErrors<"STATE_SYNC_FAILED"> {}

/** The state store's import side (runtime/state/snapshot): only on a store that never committed. */
export interface ImportTarget {
  beginImport(): void;
  importBatch(entries: ReadonlyArray<readonly [Uint8Array, Uint8Array]>): void;
  finishImport(height: number, root: Uint8Array): void;
}

export interface StateSyncDeps {
  readonly chainId: string;
  readonly transport: NodeTransport;
  readonly store: ImportTarget;
  readonly blocks: { writeSyncedBase(block: Block, hash: Uint8Array, commit: Uint8Array, setOfHeight: Uint8Array, setOfNext: Uint8Array): void };
  /** The validator set this node trusts before syncing (genesis's). */
  readonly trusted: ValidatorSet;
  /** The consensus members the imported state records at `height` (ModuleInstance.consensusSet), read through the node's modules. */
  consensusSet(height: number, header: BlockHeader): readonly ValidatorUpdate[] | undefined;
  readonly log: Logger;
  readonly options: NodeConfig["stateSync"];
  /** Milliseconds clock (tests). Default Date.now. */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface StateSyncResult {
  readonly height: number;
  readonly entries: number;
  readonly chunks: number;
  readonly bytes: number;
  readonly ms: number;
  readonly peers: number;
}

interface Candidate {
  readonly descriptor: SnapshotDescriptor;
  readonly peers: string[];
}

const OFFERS_TIMEOUT_MS = 5_000;
const SMALL_PART_TIMEOUT_MS = 10_000;
/** Fetch failures (timeouts, closed streams) a peer may have before it is no longer asked. */
const MAX_PEER_FAILURES = 3;
const PROGRESS_MS = 3_000;
/** Peers asked for the consensus records, which must all agree. */
const RECORD_PEERS = 3;

export async function stateSyncFromPeers(d: StateSyncDeps): Promise<StateSyncResult> {
  const t = d.transport;
  if (!t.snapshotOffers || !t.fetchSnapshotPart) throw new StateSyncError("STATE_SYNC_FAILED", "the configured transport cannot fetch snapshots (it lacks snapshotOffers/fetchSnapshotPart): use the libp2p transport, or turn stateSync.enable off to sync blocks from genesis");
  const now = d.now ?? Date.now;
  const started = now();
  const offered = await discover(d);
  if (offered.length === 0) {
    throw new StateSyncError("STATE_SYNC_FAILED", `no peer offered a snapshot within ${d.options.discoveryMs} ms: check p2p.bootstrap, and that the peers serve snapshots (stateSync.snapshotInterval > 0 and at least one snapshot taken), or turn stateSync.enable off to sync blocks from genesis`);
  }
  const trust = d.options.trust && { height: d.options.trust.height, hash: d.options.trust.hash.toLowerCase() };
  const candidates = trust ? offered.filter((c) => c.descriptor.height === trust.height && c.descriptor.blockHash === trust.hash) : offered;
  if (trust && candidates.length === 0) {
    const list = offered.map((c) => `${c.descriptor.height} (${c.descriptor.blockHash})`).join(", ");
    throw new StateSyncError(
      "STATE_SYNC_FAILED",
      `no peer offers the snapshot of the trust point, height ${trust.height} with block hash ${trust.hash}; offered: ${list}. Take the trust point from a snapshot height the peers still keep (one of these), or check the hash`,
      { trustHeight: trust.height },
    );
  }
  const problems: string[] = [];
  for (const c of candidates) {
    let base: { block: Block; hash: Uint8Array; commit: Uint8Array; cert: CommitCertificate };
    try {
      base = await fetchTrustedBlock(d, c);
    } catch (e) {
      problems.push(`height ${c.descriptor.height}: ${(e as Error).message}`);
      d.log.warn({ height: c.descriptor.height, err: (e as Error).message }, "state sync: snapshot not usable");
      continue;
    }
    let manifest: SnapshotManifest;
    try {
      manifest = await fetchManifest(d, c, base.block.header);
    } catch (e) {
      // Nothing imported yet: an older offer may still do (peers prune old snapshots).
      problems.push(`height ${c.descriptor.height}: ${(e as Error).message}`);
      continue;
    }
    d.log.info({ height: c.descriptor.height, peers: c.peers.length, chunks: c.descriptor.chunks, entries: c.descriptor.entries, mib: (c.descriptor.bytes / 2 ** 20).toFixed(1) }, "state sync: fetching snapshot");
    const got = await fetchChunks(d, c, manifest);
    await finish(d, c, base);
    const result = { height: c.descriptor.height, entries: got.entries, chunks: got.chunks, bytes: got.bytes, ms: now() - started, peers: c.peers.length };
    d.log.info(result, "state sync: state restored; syncing blocks from here");
    return result;
  }
  throw new StateSyncError("STATE_SYNC_FAILED", `no offered snapshot could be used: ${problems.join("; ")}`);
}

/** Offers from connected peers, grouped by snapshot, newest first (then most peers). */
async function discover(d: StateSyncDeps): Promise<Candidate[]> {
  const now = d.now ?? Date.now;
  const sleep = d.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const deadline = now() + d.options.discoveryMs;
  const asked = new Set<string>();
  const byKey = new Map<string, Candidate>();
  const earliestEnd = now() + Math.min(500, d.options.discoveryMs);
  for (;;) {
    const peers = (d.transport.peers?.() ?? []).filter((p) => !asked.has(p));
    await Promise.all(
      peers.map(async (peer) => {
        asked.add(peer);
        try {
          for (const offer of await d.transport.snapshotOffers!(peer, OFFERS_TIMEOUT_MS)) {
            const desc = decodeDescriptor(offer.descriptor, offer.height);
            if (typeof desc === "string") {
              d.transport.penalize?.(peer, `snapshot offer: ${desc}`);
              continue;
            }
            const key = `${desc.height}/${desc.blockHash}`;
            const c = byKey.get(key) ?? { descriptor: desc, peers: [] };
            c.peers.push(peer);
            byKey.set(key, c);
          }
        } catch (e) {
          d.log.debug({ peer, err: (e as Error).message }, "state sync: no offers from peer");
        }
      }),
    );
    const t = now();
    if (t >= deadline) break;
    // Everyone connected has answered and something is on offer: no need to wait longer.
    if (byKey.size > 0 && t >= earliestEnd && (d.transport.peers?.() ?? []).every((p) => asked.has(p))) break;
    await sleep(250);
  }
  return [...byKey.values()].sort((a, b) => b.descriptor.height - a.descriptor.height || b.peers.length - a.peers.length);
}

async function part(d: StateSyncDeps, peer: string, height: number, name: string, timeoutMs: number, maxBytes?: number): Promise<Uint8Array> {
  const bytes = await d.transport.fetchSnapshotPart!(peer, height, name, timeoutMs, maxBytes);
  if (!bytes) throw new PartMissing(`peer ${peer} does not have ${name} of snapshot ${height}`);
  return bytes;
}

class PartMissing extends Error {}
/** The peer's bytes contradict what they must be (a lie, not a network fault). */
class PartInvalid extends Error {}

/** The snapshot's block and commit from the first peer whose bytes match the offer, checked against the trusted set (rule 1). */
async function fetchTrustedBlock(d: StateSyncDeps, c: Candidate): Promise<{ block: Block; hash: Uint8Array; commit: Uint8Array; cert: CommitCertificate }> {
  const h = c.descriptor.height;
  const reasons: string[] = [];
  for (const peer of c.peers) {
    let block: Block, commit: Uint8Array, cert: CommitCertificate;
    try {
      const bytes = await part(d, peer, h, PART.block, SMALL_PART_TIMEOUT_MS);
      commit = await part(d, peer, h, PART.commit, SMALL_PART_TIMEOUT_MS);
      try {
        block = decodeBlock(bytes);
        cert = decodeCommit(commit);
      } catch (e) {
        throw new PartInvalid(`undecodable block or commit: ${(e as Error).message}`);
      }
      const hash = blockHash(block.header);
      if (block.header.chainId !== d.chainId) throw new PartInvalid(`block of chain ${block.header.chainId}, not ${d.chainId}`);
      if (block.header.height !== h || !bytesEqual(hash, fromHex(c.descriptor.blockHash))) throw new PartInvalid(`block ${block.header.height} ${toHex(hash)} is not the offered ${h} ${c.descriptor.blockHash}`);
      // The operator's trust point names this block's hash (checked above against the offer): it replaces rule 1.
      if (!d.options.trust) assertTrusted(d.chainId, d.trusted, h, hash, cert);
      return { block, hash, commit, cert };
    } catch (e) {
      const msg = (e as Error).message;
      reasons.push(`${peer}: ${msg}`);
      if (e instanceof PartInvalid || (e as { code?: string }).code === "STATE_SYNC_UNTRUSTED") d.transport.penalize?.(peer, `snapshot block: ${msg}`, "invalid");
      // Untrusted is a property of the snapshot, not of one peer's answer: other peers offer the same block.
      if ((e as { code?: string }).code === "STATE_SYNC_UNTRUSTED") throw e;
    }
  }
  throw new StateSyncError("STATE_SYNC_FAILED", `no peer served snapshot ${h}'s block: ${reasons.join("; ")}`);
}

async function fetchManifest(d: StateSyncDeps, c: Candidate, header: BlockHeader): Promise<SnapshotManifest> {
  const reasons: string[] = [];
  for (const peer of c.peers) {
    try {
      const bytes = await part(d, peer, header.height, PART.manifest, SMALL_PART_TIMEOUT_MS);
      try {
        return verifyManifest(bytes, header.stateRoot, header.height);
      } catch (e) {
        d.transport.penalize?.(peer, `snapshot manifest: ${(e as Error).message}`, "lie");
        throw e;
      }
    } catch (e) {
      reasons.push(`${peer}: ${(e as Error).message}`);
    }
  }
  throw new StateSyncError("STATE_SYNC_FAILED", `no peer served a manifest of snapshot ${header.height} that matches its block's state root: ${reasons.join("; ")}`);
}

/** Every non-empty chunk, fetched by `fetchers` workers over the offering peers, verified, then imported. */
async function fetchChunks(d: StateSyncDeps, c: Candidate, m: SnapshotManifest): Promise<{ chunks: number; entries: number; bytes: number }> {
  const now = d.now ?? Date.now;
  const sleep = d.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const queue: number[] = [];
  m.slots.forEach((s, i) => {
    if (s) queue.push(i);
  });
  const total = queue.length;
  const live = [...c.peers];
  const failures = new Map<string, number>();
  let next = 0;
  let done = 0;
  let entries = 0;
  let bytes = 0;
  const started = now();
  let lastLog = started;
  d.store.beginImport();
  const drop = (peer: string, why: string): void => {
    const i = live.indexOf(peer);
    if (i >= 0) live.splice(i, 1);
    d.log.warn({ peer, reason: why, peersLeft: live.length }, "state sync: dropped a peer");
  };
  const worker = async (): Promise<void> => {
    while (queue.length > 0) {
      if (live.length === 0) throw new StateSyncError("STATE_SYNC_FAILED", `every peer offering snapshot ${m.height} failed or served bad chunks (${done} of ${total} chunks imported); start the node again to retry`);
      const slot = queue.shift()!;
      const peer = live[next++ % live.length]!;
      const info = m.slots[slot]!;
      try {
        const raw = await part(d, peer, m.height, PART.chunk(slot), d.options.chunkTimeoutMs, info.bytes);
        let verified: ReadonlyArray<readonly [Uint8Array, Uint8Array]>;
        try {
          verified = verifyChunk(m, slot, raw);
        } catch (e) {
          throw new PartInvalid((e as Error).message);
        }
        d.store.importBatch(verified);
        done++;
        entries += verified.length;
        bytes += raw.length;
        const t = now();
        if (t - lastLog >= PROGRESS_MS) {
          lastLog = t;
          d.log.info({ chunks: `${done}/${total}`, entries, mib: (bytes / 2 ** 20).toFixed(1), mibPerSecond: (bytes / 2 ** 20 / Math.max(0.001, (t - started) / 1000)).toFixed(1) }, "state sync: importing");
        }
      } catch (e) {
        queue.push(slot);
        const msg = (e as Error).message;
        if (e instanceof PartInvalid) {
          d.transport.penalize?.(peer, `snapshot chunk ${slot}: ${msg}`, "lie");
          drop(peer, `chunk ${slot} does not verify: ${msg}`);
        } else if (/busy/.test(msg)) {
          // The peer serves its limit of parts at once: not a fault, ask again a little later.
          await sleep(200);
        } else {
          const n = (failures.get(peer) ?? 0) + 1;
          failures.set(peer, n);
          if (n >= MAX_PEER_FAILURES || e instanceof PartMissing) drop(peer, msg);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(d.options.fetchers, Math.max(1, total)) }, worker));
  return { chunks: done, entries, bytes };
}

/** Rule 3, then the snapshot's block as the node's first, then the state's height and root. */
async function finish(d: StateSyncDeps, c: Candidate, base: { block: Block; hash: Uint8Array; commit: Uint8Array; cert: CommitCertificate }): Promise<void> {
  const header = base.block.header;
  const h = header.height;
  const recordedAt = (height: number): readonly ValidatorUpdate[] => {
    const set = d.consensusSet(height, header);
    if (!set) throw new StateSyncError("STATE_SYNC_FAILED", "no module of this chain records the consensus validator set in state (ModuleInstance.consensusSet): state sync cannot check the snapshot's validator sets");
    return set;
  };
  const answers: { peer: string; ofHeight: Uint8Array; ofNext: Uint8Array }[] = [];
  const reasons: string[] = [];
  for (const peer of c.peers) {
    if (answers.length >= RECORD_PEERS) break;
    try {
      answers.push({ peer, ofHeight: await part(d, peer, h, PART.valset(h), SMALL_PART_TIMEOUT_MS), ofNext: await part(d, peer, h, PART.valset(h + 1), SMALL_PART_TIMEOUT_MS) });
    } catch (e) {
      reasons.push(`${peer}: ${(e as Error).message}`);
    }
  }
  if (answers.length === 0) throw new StateSyncError("STATE_SYNC_FAILED", `no peer served the validator sets of snapshot ${h}: ${reasons.join("; ")}`);
  const first = answers[0]!;
  const disagree = answers.filter((a) => !bytesEqual(a.ofHeight, first.ofHeight) || !bytesEqual(a.ofNext, first.ofNext));
  if (disagree.length > 0) {
    throw new StateSyncError("STATE_SYNC_FAILED", `peers serve different validator sets for snapshot ${h} (${first.peer} against ${disagree.map((a) => a.peer).join(", ")}); start the node again to retry with other peers`);
  }
  let ofHeight, ofNext;
  try {
    ofHeight = decodeValidatorSetRecord(first.ofHeight);
    ofNext = decodeValidatorSetRecord(first.ofNext);
  } catch (e) {
    throw new StateSyncError("STATE_SYNC_FAILED", `the validator sets served for snapshot ${h} do not decode: ${(e as Error).message}`);
  }
  const problem = checkRecord(ofHeight, h, recordedAt) ?? checkRecord(ofNext, h + 1, recordedAt);
  if (problem) throw new StateSyncError("STATE_SYNC_FAILED", problem);
  if (!bytesEqual(encodeValidatorSet(followingSet(ofHeight)), encodeValidatorSet(ofNext.set))) {
    throw new StateSyncError("STATE_SYNC_FAILED", `the validator set served for height ${h + 1} is not the one that follows the set served for ${h}`);
  }
  assertCommitVerifies(d.chainId, ofHeight.set, h, base.hash, base.cert);
  // Block first, then the state's height and root: a crash in between leaves a store still
  // marked as importing, which the next start wipes and syncs again.
  d.blocks.writeSyncedBase(base.block, base.hash, base.commit, first.ofHeight, first.ofNext);
  d.store.finishImport(h, header.stateRoot);
}
