import { open, type Database, type RootDatabase } from "lmdb";
import { openAuthenticatedStore } from "../state/lmdb-store.ts";
import { unseal } from "../state/record-seal.ts";
import { verifyStateProof } from "../state/proof-verify.ts";
import { blockHash, decodeBlock } from "../app/block.ts";
import { sha256, toHex } from "../crypto/hash.ts";
import { BlockStore } from "./block-store.ts";
import { checkLmdbFile } from "./lmdb-file-check.ts";
import { LMDB_MAP_BYTES } from "./lmdb-options.ts";

/**
 * The scans behind `nexus verify-data`, one lmdb file each, read-only. They may crash the
 * process on a file damaged below lmdb's own checks (lmdb-js kills it with SIGBUS), so
 * verify-data.ts runs each in a child process.
 */
export interface ScanReport {
  file: string;
  /** What was checked, with counts. */
  checked: string[];
  /** What is damaged, one sentence each (at most MAX_PROBLEMS, then a count). */
  problems: string[];
  /** What is not damage but worth knowing. */
  notes: string[];
  /** state.lmdb: its committed height and root. */
  state?: { height: number; root: string };
  /** blocks.lmdb: the last block's height and the state roots it and its parent commit to. */
  blocks?: { height: number; stateRoot: string; prevStateRoot?: string };
}

export type Progress = (what: string) => void;

const MAX_PROBLEMS = 20;
const EVERY = 100_000;
const STATE_TABLES = ["state.flat", "state.tree", "state.journal"];
const BLOCK_TABLES = ["blocks", "blocks.by-hash", "txs.by-hash", "receipts", "blocks.meta", "blocks.commits", "consensus.valsets", "consensus.candidates"];

function newReport(file: string): ScanReport & { add(problem: string): void; hidden: number } {
  const r = {
    file,
    checked: [] as string[],
    problems: [] as string[],
    notes: [] as string[],
    hidden: 0,
    add(p: string): void {
      if (r.problems.length < MAX_PROBLEMS) r.problems.push(p);
      else r.hidden++;
    },
  };
  return r;
}

function finish(r: ReturnType<typeof newReport>): ScanReport {
  if (r.hidden > 0) r.problems.push(`… and ${r.hidden} more`);
  return { file: r.file, checked: r.checked, problems: r.problems, notes: r.notes, state: r.state, blocks: r.blocks };
}

const count = (n: number): string => n.toLocaleString("en-US");

/** Every record's checksum, table by table. Returns false when a record failed. */
function checkRecords(db: RootDatabase, tables: string[], r: ReturnType<typeof newReport>, progress: Progress, formatTable: string, formatKey: Buffer): boolean {
  const format = db.openDB<Buffer, Buffer>({ name: formatTable, keyEncoding: "binary", encoding: "binary" }).get(formatKey);
  if (format === undefined) {
    r.add("no format record: the file is in on-disk format 1 (before checksums) or was never initialised; start the node once with this version to upgrade it, then verify again");
    return false;
  }
  let clean = true;
  for (const name of tables) {
    const t: Database<Buffer, Buffer> = db.openDB<Buffer, Buffer>({ name, keyEncoding: "binary", encoding: "binary" });
    let n = 0;
    for (const { key, value } of t.getRange({})) {
      if (unseal(key, value) === undefined) {
        clean = false;
        r.add(`table ${name}: the record under key ${key.toString("hex")} fails its checksum`);
      }
      if (++n % EVERY === 0) progress(`${name}: ${count(n)} records`);
    }
    r.checked.push(`${name}: ${count(n)} records, checksums`);
  }
  return clean;
}

/** The meta-page check each scan starts with: false when lmdb-js cannot open the file safely. */
function metaPagesReadable(path: string, r: ReturnType<typeof newReport>): boolean {
  const file = checkLmdbFile(path);
  if (!file.ok) {
    r.add(file.problem);
    return false;
  }
  if (file.warning) r.notes.push(file.warning);
  r.checked.push(`lmdb meta pages (transaction ${file.txnId})`);
  return true;
}

function openReadOnly(path: string): RootDatabase {
  return open({ path, readOnly: true, mapSize: LMDB_MAP_BYTES });
}

/** state.lmdb: meta pages, every record's checksum, the journal, every tree node's hash, every value against the root. */
export async function scanStateFile(path: string, progress: Progress = () => undefined): Promise<ScanReport> {
  const r = newReport(path);
  if (!metaPagesReadable(path, r)) return finish(r);
  const db = openReadOnly(path);
  try {
    if (!checkRecords(db, STATE_TABLES, r, progress, "state.tree", Buffer.from([0xfe]))) return finish(r);
    let store: ReturnType<typeof openAuthenticatedStore>;
    try {
      store = openAuthenticatedStore(db, { label: path, autoApply: false, upgradeFormat: false });
    } catch (e) {
      r.add((e as Error).message);
      return finish(r);
    }
    try {
      const root = store.root;
      r.state = { height: store.height, root: toHex(root) };
      const tree = store.checkTree({ maxProblems: MAX_PROBLEMS, onProgress: (n) => progress(`state tree: ${count(n)} nodes`) });
      for (const p of tree.problems) r.add(`state tree: ${p}`);
      r.checked.push(`state tree: ${count(tree.nodes)} nodes, hashes up to root ${toHex(root).slice(0, 16)}… at height ${store.height}`);
      let values = 0;
      for (const [k, v] of store.iterate(Uint8Array.of(0), undefined)) {
        if (!verifyStateProof(root, k, v, store.prove(k).proof)) r.add(`the value under key ${Buffer.from(k).toString("hex")} is not the one the state root commits to`);
        if (++values % EVERY === 0) progress(`state values: ${count(values)} proved`);
      }
      if (values !== tree.leaves) r.add(`the tree holds ${count(tree.leaves)} leaves but the value table ${count(values)} values`);
      r.checked.push(`state values: ${count(values)}, each proved against the root`);
    } finally {
      await store.close();
    }
  } finally {
    await db.close();
  }
  return finish(r);
}

/** blocks.lmdb: meta pages, every record's checksum, then each block: decodes, height, hash index, hash chain, receipts, transaction index. */
export async function scanBlocksFile(path: string, progress: Progress = () => undefined): Promise<ScanReport> {
  const r = newReport(path);
  if (!metaPagesReadable(path, r)) return finish(r);
  const db = openReadOnly(path);
  try {
    if (!checkRecords(db, BLOCK_TABLES, r, progress, "blocks.meta", Buffer.from("format"))) return finish(r);
    const store = new BlockStore(db, { label: path, upgradeFormat: false });
    if (store.genesis() === undefined) r.add("no genesis record");
    const latest = store.latestHeight();
    // A node that joined by state sync holds blocks from its snapshot's height on, and the
    // receipts of that first block stayed with the nodes that executed it.
    const base = Math.min(store.baseHeight(), Math.max(1, latest));
    let prevHash: Uint8Array | undefined;
    let prevStateRoot: string | undefined;
    let txs = 0;
    for (let h = base; h <= latest; h++) {
      const at = `block ${h}`;
      const bytes = store.blockBytes(h);
      if (bytes === undefined) {
        r.add(`${at} is missing`);
        prevHash = undefined;
        continue;
      }
      let block: ReturnType<typeof decodeBlock>;
      try {
        block = decodeBlock(bytes);
      } catch (e) {
        r.add(`${at} does not decode: ${(e as Error).message}`);
        prevHash = undefined;
        continue;
      }
      const hash = blockHash(block.header);
      if (block.header.height !== h) r.add(`${at} is stored under height ${h} but its header says ${block.header.height}`);
      if (store.heightOf(hash) !== h) r.add(`${at}: the hash index does not lead to it`);
      if (prevHash !== undefined && Buffer.compare(block.header.prevHash, prevHash) !== 0) r.add(`${at}: its parent hash is not the hash of block ${h - 1}`);
      const synced = h === base && base > 1;
      const receipts = store.blockReceipts(h);
      if (!synced && receipts.length !== block.txs.length) r.add(`${at}: ${block.txs.length} transactions but ${receipts.length} receipts`);
      if (!synced) block.txs.forEach((tx, i) => {
        const loc = store.txLocation(sha256(tx));
        if (loc === undefined || loc.height !== h || loc.index !== i) r.add(`${at}: transaction ${i} (${toHex(sha256(tx)).slice(0, 16)}…) is not in the transaction index`);
      });
      txs += block.txs.length;
      if (h === latest) r.blocks = { height: h, stateRoot: toHex(block.header.stateRoot), prevStateRoot };
      prevHash = hash;
      prevStateRoot = toHex(block.header.stateRoot);
      if (h % 10_000 === 0) progress(`blocks: ${count(h)} of ${count(latest)}`);
    }
    if (latest === 0) r.blocks = { height: 0, stateRoot: "" };
    r.checked.push(`blocks ${count(base)}..${count(latest)}: decode, height, hash index, hash chain, ${count(txs)} transactions and receipts${base > 1 ? ` (joined by state sync at ${count(base)}: no blocks before it, nor receipts of it)` : ""}`);
  } catch (e) {
    r.add((e as Error).message);
  } finally {
    await db.close();
  }
  return finish(r);
}

/** Whether the state is the one the last block commits to (what a start checks). */
export function crossCheck(state: ScanReport, blocks: ScanReport): { problems: string[]; notes: string[] } {
  const s = state.state;
  const b = blocks.blocks;
  if (s === undefined || b === undefined) return { problems: [], notes: [] };
  if (b.height === s.height) {
    if (b.height > 0 && b.stateRoot !== s.root) {
      return { problems: [`the state (root ${s.root.slice(0, 16)}…) is not the one block ${b.height} commits to (${b.stateRoot.slice(0, 16)}…): the two files are from different histories`], notes: [] };
    }
    return { problems: [], notes: [] };
  }
  if (b.height === s.height + 1 && (s.height === 0 || b.prevStateRoot === s.root)) {
    return { problems: [], notes: [`the state is one block behind the blocks (a stop between the two commits of block ${b.height}): the node executes that block again when it starts`] };
  }
  return { problems: [`the blocks reach height ${b.height} but the state is at height ${s.height}`], notes: [] };
}
