import { parentPort, workerData } from "node:worker_threads";
import { open } from "lmdb";
import { unpackApply, type PackedEntry } from "./apply-pack.ts";
import { APPLIED, CLOSING, FAILED, type ApplyWorkerData } from "./apply-thread.ts";
import { journalKey } from "./journal.ts";
import { sealInPlace } from "./record-seal.ts";

/**
 * The state applier thread (apply-thread.ts): moves each journaled height, in the order they
 * arrive, into `<name>.flat` / `<name>.tree` in transactions of `chunkEntries` entries; the
 * last one also deletes the height's journal rows. Then it counts the height in the shared
 * APPLIED slot and tells the main thread, which drops the height from its overlay. A crash at
 * any point leaves the journal rows of every height not fully applied: the next open replays
 * them (a partly applied height is applied again; its writes are absolute).
 */
const d = workerData as ApplyWorkerData;
const shared = new Int32Array(d.shared);
const root = open({ ...d.lmdb, path: d.path });
const flat = root.openDB<Buffer, Buffer>({ name: `${d.name}.flat`, keyEncoding: "binary", encoding: "binary" });
const tree = root.openDB<Buffer, Buffer>({ name: `${d.name}.tree`, keyEncoding: "binary", encoding: "binary" });
const journal = root.openDB<Buffer, Buffer>({ name: `${d.name}.journal`, keyEncoding: "binary", encoding: "binary" });

/**
 * Path order: neighbouring nodes share lmdb pages, so an applier transaction dirties (copies and
 * later frees) fewer of them. Paths compared as latin1 strings (byte order): 3–4× faster than
 * Buffer.compare on each pair.
 */
function inPathOrder(nodes: PackedEntry[]): PackedEntry[] {
  const paths = nodes.map(([k]) => k.toString("latin1"));
  const order = Array.from(nodes.keys()).sort((a, b) => (paths[a]! < paths[b]! ? -1 : paths[a]! > paths[b]! ? 1 : 0));
  return order.map((i) => nodes[i]!);
}

/** Apply one height; false when the main thread asked to close first (the journal keeps the rest). */
function apply(height: number, rows: number, packed: ArrayBuffer): boolean {
  const unpacked = unpackApply(packed);
  const values = unpacked.flat;
  const nodes = inPathOrder(unpacked.tree);
  const total = values.length + nodes.length;
  let from = 0;
  do {
    if (Atomics.load(shared, CLOSING) !== 0) return false;
    const to = Math.min(from + d.chunkEntries, total);
    const final = to === total;
    root.transactionSync(() => {
      for (let i = from; i < to; i++) {
        const [db, [k, record]] = i < values.length ? [flat, values[i]!] : [tree, nodes[i - values.length]!];
        if (record === null) db.removeSync(k);
        else db.putSync(k, sealInPlace(k, record));
      }
      if (final) for (let r = 0; r < rows; r++) journal.removeSync(journalKey(height, r));
    });
    if (d.failAtHeight === height) throw new Error(`test hook: failed after applying height ${height}'s first chunk`);
    from = to;
  } while (from < total);
  return true;
}

parentPort!.on("message", (m: { type: "apply"; height: number; rows: number; packed: ArrayBuffer } | { type: "close" }) => {
  if (m.type === "close") {
    void root.close().then(() => parentPort!.postMessage({ type: "closed" }));
    return;
  }
  if (Atomics.load(shared, FAILED) !== 0) return; // after a failure nothing more is applied: the journal keeps it
  try {
    if (!apply(m.height, m.rows, m.packed)) return;
  } catch (e) {
    Atomics.store(shared, FAILED, 1);
    Atomics.notify(shared, APPLIED);
    parentPort!.postMessage({ type: "failed", height: m.height, message: (e as Error).message });
    return;
  }
  Atomics.add(shared, APPLIED, 1);
  Atomics.notify(shared, APPLIED);
  parentPort!.postMessage({ type: "applied", height: m.height });
});
parentPort!.postMessage({ type: "ready" });
