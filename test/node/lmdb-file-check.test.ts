import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeSync, closeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { open } from "lmdb";
import { NexusError } from "../../runtime/errors.ts";
import { assertLmdbFileReadable, checkLmdbFile, LmdbFileError } from "../../runtime/node/lmdb-file-check.ts";

// Real files written by lmdb-js with the node's options, closed before each check. Whether lmdb-js
// can read a file is asked in a child process: on a damaged file it dies of SIGSEGV/SIGBUS.
const LMDB_OPTIONS = { overlappingSync: false, mapSize: 2 ** 30 };
const REPO = fileURLToPath(new URL("../../", import.meta.url));

interface Stats {
  pageSize: number;
  lastPageNumber: number;
  lastTxnId: number;
}

/** 20 commits of 10 records (and one into a named DB, as the block store has), then closed. */
async function makeStore(path: string): Promise<Stats> {
  const db = open({ path, ...LMDB_OPTIONS });
  const blocks = db.openDB<string, number>({ name: "blocks" });
  for (let i = 0; i < 20; i++) {
    db.transactionSync(() => {
      for (let j = 0; j < 10; j++) db.putSync(`k${i}-${j}`, "v".repeat(100));
      blocks.putSync(i, `block ${i}`);
    });
  }
  const stats = db.getStats() as Stats;
  await db.close();
  return stats;
}

function writeAt(path: string, offset: number, bytes: Uint8Array): void {
  const fd = openSync(path, "r+");
  writeSync(fd, bytes, 0, bytes.length, offset);
  closeSync(fd);
}

/** Opens the file with lmdb-js in a child process and reads one key: stdout, or how it died. */
function readInChild(path: string, key: string): { value: unknown; signal: NodeJS.Signals | null } {
  const script = `import { open } from "lmdb";
const db = open({ path: ${JSON.stringify(path)}, ...${JSON.stringify(LMDB_OPTIONS)} });
process.stdout.write(JSON.stringify(db.get(${JSON.stringify(key)}) ?? null));
await db.close();`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: REPO, encoding: "utf8" });
  return { value: r.status === 0 ? JSON.parse(r.stdout) : undefined, signal: r.signal };
}

const problemOf = (path: string): string => {
  const r = checkLmdbFile(path);
  if (r.ok) throw new Error(`expected ${path} to be reported, got ${JSON.stringify(r)}`);
  return r.problem;
};

describe("node: lmdb data file check (lmdb-file-check.ts)", () => {
  let dir: string;
  let path: string;
  let stats: Stats;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "nexus-lmdb-check-"));
    path = join(dir, "state.lmdb");
    stats = await makeStore(path);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("a healthy file passes with lmdb's own page size, last page and transaction id", () => {
    expect(checkLmdbFile(path)).to.deep.equal({
      ok: true,
      pageSize: stats.pageSize,
      txnId: stats.lastTxnId,
      lastPage: stats.lastPageNumber,
      fileBytes: statSync(path).size,
      metaPage: stats.lastTxnId & 1,
    });
    expect(() => assertLmdbFileReadable(path, "the state store")).to.not.throw();
  });

  it("both meta pages zeroed: not ok, naming the file (lmdb-js would crash)", () => {
    writeAt(path, 0, new Uint8Array(2 * stats.pageSize));
    expect(problemOf(path)).to.equal(`${path}: both lmdb meta pages are invalid (not marked as a meta page): the file is damaged`);
  });

  it("meta page 1 zeroed: ok, lmdb uses page 0, and lmdb-js really opens the file and reads it", () => {
    writeAt(path, stats.pageSize, new Uint8Array(stats.pageSize));
    const r = checkLmdbFile(path);
    expect(r).to.include({ ok: true, metaPage: 0 });
    // Page 0 holds the newest commit or the one before it.
    expect(r.ok && r.txnId).to.be.oneOf([stats.lastTxnId, stats.lastTxnId - 1]);
    expect(r.ok && r.warning).to.match(/meta page 1 is invalid \(not marked as a meta page\); lmdb uses page 0/);
    expect(readInChild(path, "k3-4")).to.deep.equal({ value: "v".repeat(100), signal: null });
  });

  it("meta page 0 zeroed: not ok, since lmdb-js does not fall back to page 1 (unlike stock lmdb)", () => {
    writeAt(path, 0, new Uint8Array(stats.pageSize));
    expect(problemOf(path)).to.match(/^.*state\.lmdb: lmdb meta page 0 is invalid \(not marked as a meta page\); lmdb-js does not fall back to meta page 1 \(transaction \d+\), it crashes: the file is damaged$/);
  });

  it("the magic number flipped in both meta pages: not ok", () => {
    for (const page of [0, 1]) writeAt(path, page * stats.pageSize + 24, new Uint8Array([0xde, 0xc0, 0xef, 0xbf]));
    expect(problemOf(path)).to.equal(`${path}: both lmdb meta pages are invalid (bad magic number): the file is damaged`);
  });

  it("a garbage meta page 1 whose transaction number is above page 0's: not ok (lmdb would take it)", () => {
    writeAt(path, stats.pageSize, new Uint8Array(stats.pageSize).fill(0xab));
    expect(problemOf(path)).to.match(/lmdb meta page 1 is invalid \(bad magic number\) but its transaction number is above page 0's/);
  });

  it("a file cut to half a page, or to nothing: not ok, truncated", () => {
    truncateSync(path, stats.pageSize / 2);
    expect(problemOf(path)).to.equal(`${path}: is ${stats.pageSize / 2} bytes, shorter than its two ${stats.pageSize}-byte meta pages: the file is truncated`);
    truncateSync(path, 100);
    expect(problemOf(path)).to.equal(`${path}: is 100 bytes, shorter than one page: the file is truncated`);
    truncateSync(path, 0);
    expect(problemOf(path)).to.match(/state\.lmdb: is empty \(0 bytes\)/);
  });

  it("a file cut below a root page (lmdb-js would die of SIGBUS reading it): not ok, truncated", () => {
    truncateSync(path, 2 * stats.pageSize);
    expect(problemOf(path)).to.match(/state\.lmdb: the main tree's root \(page \d+\) lies past the end of the file \(2 pages of \d+ bytes\): the file is truncated$/);
  });

  it("cut just below the newest main root: not ok", () => {
    // MDB_meta's main-DB root, at 136 in the meta page lmdb uses (the offsets the healthy case confirms).
    const root = Number(readFileSync(path).readBigUInt64LE((stats.lastTxnId & 1) * stats.pageSize + 136));
    truncateSync(path, root * stats.pageSize);
    expect(problemOf(path)).to.include(`the main tree's root (page ${root}) lies past the end of the file (${root} pages`);
  });

  it("a healthy file whose last page lies past its end is ok: lmdb never writes pages freed in the commit that allocated them", async () => {
    const p = join(dir, "loose.lmdb");
    const db = open({ path: p, ...LMDB_OPTIONS });
    // A few commits first (so the file has a free list), then one that fills and empties pages
    // at the end of the file: lmdb records them as in use (mm_last_pg) but never writes them.
    for (let c = 0; c < 10; c++) db.transactionSync(() => db.putSync(`kept${c}`, c));
    const key = (i: number): string => `tmp${String(i).padStart(5, "0")}`;
    db.transactionSync(() => {
      for (let i = 0; i < 2000; i++) db.putSync(key(i), "y".repeat(300));
      for (let i = 0; i < 2000; i++) db.removeSync(key(i));
    });
    await db.close();
    const r = checkLmdbFile(p);
    expect(r.ok).to.equal(true);
    if (r.ok) expect(r.lastPage + 1).to.be.greaterThan(r.fileBytes / r.pageSize);
    expect(readInChild(p, "kept7")).to.deep.equal({ value: 7, signal: null });
  });

  it("a missing file: the check says so, the assertion does nothing (a new home)", () => {
    const missing = join(dir, "blocks.lmdb");
    expect(problemOf(missing)).to.equal(`${missing}: does not exist`);
    expect(() => assertLmdbFileReadable(missing, "the block store")).to.not.throw();
  });

  it("the assertion throws a LmdbFileError with code NODE_DATA_DAMAGED naming what and where", () => {
    writeAt(path, 0, new Uint8Array(2 * stats.pageSize));
    let thrown: unknown;
    try {
      assertLmdbFileReadable(path, "the state store");
    } catch (e) {
      thrown = e;
    }
    expect(thrown).to.be.instanceOf(LmdbFileError).and.instanceOf(NexusError);
    const e = thrown as LmdbFileError;
    expect(e).to.include({ name: "LmdbFileError", codespace: "node", code: "NODE_DATA_DAMAGED", number: 16 });
    expect(e.message).to.match(/^cannot open the state store: .*state\.lmdb: both lmdb meta pages are invalid/);
    expect(e.context).to.include({ path, label: "the state store" });
  });

  // Gaps found by the data-integrity mutation run (docs/mutation.md).
  describe("each meta-page rule in its own words", () => {
    const u32 = (n: number): Uint8Array => {
      const b = Buffer.alloc(4);
      b.writeUInt32LE(n >>> 0, 0);
      return b;
    };
    const u64 = (n: bigint): Uint8Array => {
      const b = Buffer.alloc(8);
      b.writeBigUInt64LE(n, 0);
      return b;
    };
    const bothPages = (offset: number, bytes: Uint8Array): void => {
      for (const page of [0, 1]) writeAt(path, page * stats.pageSize + offset, bytes);
    };

    it("another data format version, or an impossible page size, in both pages", () => {
      bothPages(28, u32(7));
      expect(problemOf(path)).to.equal(`${path}: both lmdb meta pages are invalid (data format version 7, not 2): the file is damaged`);
    });

    it("an impossible page size in both pages", () => {
      bothPages(48, u32(3000));
      expect(problemOf(path)).to.equal(`${path}: both lmdb meta pages are invalid (impossible page size 3000): the file is damaged`);
    });

    it("page 1 naming another page size than page 0: a warning while page 0 is newer, damage when page 1 is", () => {
      writeAt(path, stats.pageSize + 48, u32(stats.pageSize * 2));
      const why = `page size ${stats.pageSize * 2} where page 0 says ${stats.pageSize}`;
      const r = checkLmdbFile(path);
      if (stats.lastTxnId % 2 === 0) expect(r.ok && r.warning).to.equal(`lmdb meta page 1 is invalid (${why}); lmdb uses page 0 and rewrites page 1 at the next commit`);
      else expect(r.ok ? "" : r.problem).to.equal(`${path}: lmdb meta page 1 is invalid (${why}) but its transaction number is above page 0's, so lmdb would use it: the file is damaged`);
    });

    it("a transaction number on the wrong page (lmdb reads transaction n from page n & 1)", () => {
      // Give page 0 the highest, odd, transaction number: lmdb would pick page 0 but read page 1.
      writeAt(path, 152, u64(BigInt(stats.lastTxnId) * 2n + 1n));
      expect(problemOf(path)).to.equal(`${path}: lmdb meta page 0 holds transaction ${stats.lastTxnId * 2 + 1}, which lmdb reads from page 1: the file is damaged`);
    });

    it("a main tree root below page 2 or past the last page the meta records", () => {
      const page = stats.lastTxnId & 1;
      writeAt(path, page * stats.pageSize + 136, u64(1n));
      expect(problemOf(path)).to.match(/the main tree's root \(page 1\) lies outside the pages the meta page records \(2\.\.\d+\): the file is damaged$/);
      writeAt(path, page * stats.pageSize + 136, u64(BigInt(stats.lastPageNumber) + 1n));
      expect(problemOf(path)).to.include(`the main tree's root (page ${stats.lastPageNumber + 1}) lies outside the pages the meta page records (2..${stats.lastPageNumber})`);
    });

    it("a directory, or a path that cannot be read", () => {
      expect(problemOf(dir)).to.equal(`${dir}: is not a file`);
      expect(problemOf(join(dir, "nope.lmdb"))).to.equal(`${join(dir, "nope.lmdb")}: does not exist`);
      // Any other reason the open fails is named by its code (a file used as a directory here).
      expect(problemOf(join(path, "inner.lmdb"))).to.equal(`${join(path, "inner.lmdb")}: cannot be read (ENOTDIR)`);
    });

    it("a transaction number on the wrong page when page 1 is the newer (an even number there)", () => {
      writeAt(path, stats.pageSize + 152, u64(BigInt(stats.lastTxnId) * 2n + 2n));
      expect(problemOf(path)).to.equal(`${path}: lmdb meta page 1 holds transaction ${stats.lastTxnId * 2 + 2}, which lmdb reads from page 0: the file is damaged`);
    });

    it("an empty tree (root P_INVALID) is not a root out of range: the file passes", () => {
      const page = stats.lastTxnId & 1;
      writeAt(path, page * stats.pageSize + 88, u64(0xffff_ffff_ffff_ffffn));
      const r = checkLmdbFile(path);
      expect(r.ok ? r.txnId : r.problem).to.equal(stats.lastTxnId);
    });

    it("closes the file it opened, whatever it finds", () => {
      const open = (): number => readdirSync("/proc/self/fd").length;
      const before = open();
      for (let i = 0; i < 20; i++) {
        checkLmdbFile(path);
        checkLmdbFile(dir);
      }
      expect(open()).to.equal(before);
    });
  });
});
