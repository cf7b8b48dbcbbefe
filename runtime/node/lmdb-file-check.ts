import { closeSync, existsSync, fstatSync, openSync, readSync } from "node:fs";
import { NodeErrors } from "./errors.ts";

/**
 * A look at the two meta pages of an lmdb data file (data/state.lmdb, data/blocks.lmdb) before
 * lmdb-js opens it. lmdb-js 3.5.6 does not report a damaged file: it kills the process with
 * SIGSEGV (meta page 0 zeroed, bad magic, a file cut inside its meta pages) or SIGBUS (a root page
 * past the end of the file), and nothing is logged. Reading the headers first turns that into a
 * message naming the file. Synchronous; reads the first 168 bytes of each of the first two pages
 * (page 1 is looked for at each possible page size when page 0 is unreadable); never opens lmdb.
 *
 * It follows what lmdb-js's fork of LMDB (mdb.master3 branch, node_modules/lmdb/dependencies/lmdb)
 * does, which is not what stock LMDB does:
 *  - mdb_env_read_header checks page 0 only (P_META, magic, data version) and does NOT fall back
 *    to page 1 when page 0 is bad; it reads page 1 at page 0's page size and takes it, unchecked,
 *    when its txnid is higher (mdb_pick_meta). A bad page 1 with a lower txnid is harmless: the
 *    next commit rewrites it.
 *  - transactions then read the meta page at index (txnid & 1) (mdb_txn_renew0).
 *  - mm_last_pg past the end of the file is NOT damage: lmdb never writes a page that was freed
 *    in the transaction that allocated it (P_LOOSE), so a healthy file may end early (seen: last
 *    page 188 in a 9-page file). Only root pages are sure to be in the file, so those are checked.
 * A zero-length file, which lmdb-js would silently start afresh, is reported: an empty data
 * file in a home is a file lost in a crash, not a new one.
 */

export class LmdbFileError extends NodeErrors<"NODE_DATA_DAMAGED"> {}

export type LmdbFileReport =
  | {
      ok: true;
      pageSize: number;
      /** The last committed transaction lmdb will read. */
      txnId: number;
      /** mm_last_pg: the highest page in use (may lie past the file's end, see above). */
      lastPage: number;
      fileBytes: number;
      /** The meta page lmdb will read (0 or 1). */
      metaPage: number;
      /** A problem lmdb survives (an unused meta page is invalid), for a scan to show. */
      warning?: string;
    }
  | { ok: false; problem: string };

// On-disk layout on 64-bit builds (pgno_t, txnid_t, mdb_size_t: 8 bytes, little-endian here).
// MDB_page_header is 24 bytes: mp_pgno u64 @0, mp_txnid u64 @8, mp_pad u16 @16, mp_flags u16
// @18, lower/upper @20. MDB_meta follows @24: magic u32, version u32, address, mapsize, then two
// 48-byte MDB_db (free @48, main @96; md_pad of the free DB is the page size, md_root @+40),
// mm_last_pg @144, mm_txnid @152, boot_id @160. Checked against files lmdb-js 3.5.6 wrote.
const OFF = { flags: 18, magic: 24, version: 28, pageSize: 48, freeRoot: 88, mainRoot: 136, lastPage: 144, txnId: 152 } as const;
const META_BYTES = 168; // sizeof(MDB_metabuf): what lmdb reads of each meta page
const P_META = 0x08;
const MDB_MAGIC = 0xbeefc0de;
const MDB_DATA_VERSION = 2;
const P_INVALID = 0xffff_ffff_ffff_ffffn; // an empty tree's root
const PAGE_SIZES = [512, 1024, 2048, 4096, 8192, 16384, 32768, 65536]; // lmdb's MAX_PAGESIZE is 64 KiB

interface Meta {
  flags: number;
  magic: number;
  version: number;
  pageSize: number;
  freeRoot: bigint;
  mainRoot: bigint;
  lastPage: bigint;
  txnId: bigint;
}

function parseMeta(b: Buffer): Meta {
  return {
    flags: b.readUInt16LE(OFF.flags),
    magic: b.readUInt32LE(OFF.magic),
    version: b.readUInt32LE(OFF.version) & 0xffff, // lmdb compares the low 16 bits
    pageSize: b.readUInt32LE(OFF.pageSize),
    freeRoot: b.readBigUInt64LE(OFF.freeRoot),
    mainRoot: b.readBigUInt64LE(OFF.mainRoot),
    lastPage: b.readBigUInt64LE(OFF.lastPage),
    txnId: b.readBigUInt64LE(OFF.txnId),
  };
}

/** Why a meta page is not valid, or undefined. `pageSize`: what page 0 says, for page 1. */
function invalidBecause(m: Meta, pageSize?: number): string | undefined {
  if ((m.flags & P_META) === 0) return "not marked as a meta page";
  if (m.magic !== MDB_MAGIC) return "bad magic number";
  if (m.version !== MDB_DATA_VERSION) return `data format version ${m.version}, not ${MDB_DATA_VERSION}`;
  if (!PAGE_SIZES.includes(m.pageSize)) return `impossible page size ${m.pageSize}`;
  if (pageSize !== undefined && m.pageSize !== pageSize) return `page size ${m.pageSize} where page 0 says ${pageSize}`;
  return undefined;
}

export function checkLmdbFile(path: string): LmdbFileReport {
  const bad = (what: string): LmdbFileReport => ({ ok: false, problem: `${path}: ${what}` });
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return bad(code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? String(e)})`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return bad("is not a file");
    const size = stat.size;
    const metaAt = (offset: number): Meta | undefined => {
      if (offset + META_BYTES > size) return undefined;
      const b = Buffer.alloc(META_BYTES);
      readSync(fd, b, 0, META_BYTES, offset);
      return parseMeta(b);
    };

    if (size === 0) return bad("is empty (0 bytes): it was lost or cut short (a crash, a full disk?)");
    const meta0 = metaAt(0);
    if (!meta0) return bad(`is ${size} bytes, shorter than one page: the file is truncated`);
    const why0 = invalidBecause(meta0);
    if (why0) {
      // Page 0's page size is unknown: look for a valid page 1 at each possible size, to say
      // whether a repair could start from it.
      const meta1 = PAGE_SIZES.map((ps) => metaAt(ps)).find((m, i) => m !== undefined && invalidBecause(m, PAGE_SIZES[i]) === undefined);
      return bad(
        meta1
          ? `lmdb meta page 0 is invalid (${why0}); lmdb-js does not fall back to meta page 1 (transaction ${meta1.txnId}), it crashes: the file is damaged`
          : `both lmdb meta pages are invalid (${why0}): the file is damaged`,
      );
    }

    const pageSize = meta0.pageSize;
    if (size < 2 * pageSize) return bad(`is ${size} bytes, shorter than its two ${pageSize}-byte meta pages: the file is truncated`);
    const meta1 = metaAt(pageSize)!;
    const why1 = invalidBecause(meta1, pageSize);
    // mdb_pick_meta: the higher txnid, page 0 on a tie; page 1 is taken unchecked.
    const picked = meta0.txnId >= meta1.txnId ? 0 : 1;
    if (picked === 1 && why1) return bad(`lmdb meta page 1 is invalid (${why1}) but its transaction number is above page 0's, so lmdb would use it: the file is damaged`);
    const meta = picked === 0 ? meta0 : meta1;
    // Transaction n's meta is always written to page n & 1, and read from there.
    if (Number(meta.txnId & 1n) !== picked) return bad(`lmdb meta page ${picked} holds transaction ${meta.txnId}, which lmdb reads from page ${1 - picked}: the file is damaged`);

    const filePages = BigInt(Math.floor(size / pageSize));
    for (const [db, root] of [["main", meta.mainRoot], ["free-page", meta.freeRoot]] as const) {
      if (root === P_INVALID) continue; // an empty tree
      if (root < 2n || root > meta.lastPage) return bad(`the ${db} tree's root (page ${root}) lies outside the pages the meta page records (2..${meta.lastPage}): the file is damaged`);
      if (root >= filePages) return bad(`the ${db} tree's root (page ${root}) lies past the end of the file (${filePages} pages of ${pageSize} bytes): the file is truncated`);
    }
    return {
      ok: true,
      pageSize,
      txnId: Number(meta.txnId),
      lastPage: Number(meta.lastPage),
      fileBytes: size,
      metaPage: picked,
      ...(why1 ? { warning: `lmdb meta page 1 is invalid (${why1}); lmdb uses page 0 and rewrites page 1 at the next commit` } : {}),
    };
  } finally {
    closeSync(fd);
  }
}

/**
 * Throws LmdbFileError (NODE_DATA_DAMAGED) when lmdb-js would crash on or misread the file at
 * `path`; does nothing when there is no file (a new home: lmdb creates it). `label` says what
 * the file is ("the state store").
 */
export function assertLmdbFileReadable(path: string, label: string): void {
  if (!existsSync(path)) return;
  const report = checkLmdbFile(path);
  if (report.ok) return;
  throw new LmdbFileError(
    "NODE_DATA_DAMAGED",
    `cannot open ${label}: ${report.problem}. Restore the file from a backup, or remove the data directory and resync from genesis or peers`,
    { path, label, problem: report.problem },
  );
}
