import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { open, type Database, type RootDatabase } from "lmdb";
import { openAuthenticatedStore } from "../../runtime/state/lmdb-store.ts";
import { SEAL_BYTES, seal, unseal } from "../../runtime/state/record-seal.ts";
import { StateError } from "../../runtime/state/errors.ts";
import { bytes, hex } from "./reference-tree.ts";

const entries = (n: number, tag = "v"): [Uint8Array, Uint8Array][] => Array.from({ length: n }, (_, i) => [bytes(`acct/${i}`), bytes(`${tag}${i}`)]);
const table = (db: RootDatabase, name: string): Database<Buffer, Buffer> => db.openDB<Buffer, Buffer>({ name: `state.${name}`, keyEncoding: "binary", encoding: "binary" });

/** Flip one bit of the stored record under `key` in `t` (what a bad disk sector does to it). */
function flip(t: Database<Buffer, Buffer>, key: Buffer, at = 0): void {
  const raw = Buffer.from(t.get(key)!);
  raw[at] = raw[at]! ^ 0x04;
  t.putSync(key, raw);
}

function expectCorrupt(fn: () => unknown, tableName: string): void {
  expect(fn).to.throw(StateError).that.satisfies((e: StateError) => {
    expect(e.code).to.equal("STATE_CORRUPT");
    expect(e.message).to.include(`in table ${tableName} fails its checksum`).and.include("nexus verify-data");
    return true;
  });
}

describe("state/record-seal: checksummed lmdb records", () => {
  it("seal/unseal round trips; any flipped bit, a truncated record or another key fails", () => {
    const k = bytes("acct/1");
    const v = bytes("a value of some length");
    const s = seal(k, v);
    expect(s.length).to.equal(v.length + SEAL_BYTES);
    expect(hex(unseal(k, s)!)).to.equal(hex(v));
    for (let bit = 0; bit < s.length * 8; bit++) {
      const bad = Buffer.from(s);
      bad[bit >> 3] = bad[bit >> 3]! ^ (1 << (bit & 7));
      expect(unseal(k, bad), `bit ${bit}`).to.equal(undefined);
    }
    expect(unseal(k, s.subarray(0, s.length - 1))).to.equal(undefined);
    expect(unseal(k, s.subarray(0, 3))).to.equal(undefined);
    expect(unseal(bytes("acct/2"), s)).to.equal(undefined);
    expect(hex(unseal(k, seal(k, new Uint8Array(0)))!)).to.equal("");
  });

  describe("in the lmdb state store", () => {
    let dir: string;
    let db: RootDatabase;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), "nexus-sealed-"));
      db = open({ path: dir });
    });
    afterEach(async () => {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it("a damaged value is refused on get and on iterate, naming the table and key; the others still read", async () => {
      const store = openAuthenticatedStore(db, { label: "data/state.lmdb" });
      store.stage(entries(20)).commit(1);
      await store.close();
      flip(table(db, "flat"), Buffer.from(bytes("acct/7")));
      const again = openAuthenticatedStore(db, { label: "data/state.lmdb" });
      expect(hex(again.get(bytes("acct/6"))!)).to.equal(hex(bytes("v6")));
      expectCorrupt(() => again.get(bytes("acct/7")), "flat");
      expect(() => again.get(bytes("acct/7"))).to.throw(`data/state.lmdb: the record under key ${hex(bytes("acct/7"))}`);
      expectCorrupt(() => [...again.iterate(bytes("acct/"), bytes("acct0"))], "flat");
      expectCorrupt(() => [...again.iterate(bytes("acct/"), bytes("acct0"), { reverse: true })], "flat");
      // A range that does not reach it reads.
      expect([...again.iterate(bytes("acct/1"), bytes("acct/2"))].length).to.equal(11);
    });

    it("a damaged tree node is refused when a proof or a commit reads it; a damaged meta record when the store opens", async () => {
      const store = openAuthenticatedStore(db);
      store.stage(entries(40)).commit(1);
      await store.close();
      const tree = table(db, "tree");
      // A deep node (below the cached levels): the longest path key.
      const deep = [...tree.getKeys({})].filter((k) => k.length > 1).sort((a, b) => b.length - a.length)[0]!;
      flip(tree, deep, 3);
      const again = openAuthenticatedStore(db, { cacheDepth: 0 });
      const provingAll = (): void => {
        for (const [k] of entries(40)) again.prove(k);
      };
      expectCorrupt(provingAll, "tree");
      expectCorrupt(() => again.stage(entries(40, "w")).commit(2), "tree");
      expect(again.height).to.equal(1);
      await again.close();
      flip(tree, Buffer.from([0xff]), 5);
      expectCorrupt(() => openAuthenticatedStore(db), "tree");
    });

    it("a damaged journal row is refused when the next start replays it", async () => {
      const store = openAuthenticatedStore(db, { autoApply: false, directApplyMaxEntries: 0 });
      store.stage(entries(30)).commit(1);
      await store.close();
      const journal = table(db, "journal");
      const [row] = [...journal.getKeys({})];
      flip(journal, row!, 10);
      expectCorrupt(() => openAuthenticatedStore(db), "journal");
    });

    it("format 1 files (no checksums) are upgraded in place once, with the same root and values; refused when upgrading is off; a newer format is refused", async () => {
      const store = openAuthenticatedStore(db, { autoApply: false, directApplyMaxEntries: 0 });
      store.stage(entries(25)).commit(1);
      store.applyPending();
      store.stage(entries(5, "w")).commit(2); // left in the journal
      const root = hex(store.root);
      await store.close();
      // Turn the files into what NexusOS 0.2 wrote: the same records without seals, no format record.
      let records = 0;
      for (const name of ["flat", "tree", "journal"]) {
        const t = table(db, name);
        for (const key of [...t.getKeys({})]) {
          if (name === "tree" && key.length === 1 && key[0] === 0xfe) t.removeSync(key);
          else {
            t.putSync(key, unseal(key, t.get(key)!)!);
            records++;
          }
        }
      }
      expect(() => openAuthenticatedStore(db, { upgradeFormat: false, label: "data/state.lmdb" })).to.throw(StateError, "data/state.lmdb is in on-disk format 1 (no checksums): start the node once to upgrade it");
      const upgrades: { from: number; to: number; records: number }[] = [];
      const upgraded = openAuthenticatedStore(db, { onFormatUpgrade: (u) => upgrades.push(u) });
      expect(upgrades.map(({ from, to, records: r }) => ({ from, to, records: r }))).to.deep.equal([{ from: 1, to: 2, records }]);
      expect(upgraded.height).to.equal(2);
      expect(hex(upgraded.root)).to.equal(root);
      expect(hex(upgraded.get(bytes("acct/3"))!)).to.equal(hex(bytes("w3")));
      expect(hex(upgraded.get(bytes("acct/20"))!)).to.equal(hex(bytes("v20")));
      upgraded.applyPending();
      upgraded.stage([[bytes("acct/99"), bytes("x")]]).commit(3);
      await upgraded.close();
      const third = openAuthenticatedStore(db, { onFormatUpgrade: (u) => upgrades.push(u) });
      expect(upgrades).to.have.length(1);
      expect(third.height).to.equal(3);
      await third.close();
      table(db, "tree").putSync(Buffer.from([0xfe]), seal(Buffer.from([0xfe]), Buffer.from([3])));
      expect(() => openAuthenticatedStore(db)).to.throw(StateError, "is in on-disk format 3, which this version of NexusOS does not read (it reads format 2)");
    });

    it("a damaged format record stops the open with STATE_CORRUPT; an upgrade reports a sane duration", async () => {
      const store = openAuthenticatedStore(db);
      store.stage(entries(5)).commit(1);
      await store.close();
      flip(table(db, "tree"), Buffer.from([0xfe]), 0);
      expect(() => openAuthenticatedStore(db, { label: "data/state.lmdb" })).to.throw(StateError, "data/state.lmdb: the format record fails its checksum").with.property("code", "STATE_CORRUPT");
      // Back to format 1 (no seals, no format record), then upgraded: the duration is measured, not a clock reading.
      for (const name of ["flat", "tree", "journal"]) {
        const t = table(db, name);
        for (const key of [...t.getKeys({})]) {
          if (name === "tree" && key.length === 1 && key[0] === 0xfe) t.removeSync(key);
          else t.putSync(key, unseal(key, t.get(key)!)!);
        }
      }
      let ms = -1;
      const t0 = performance.now();
      await openAuthenticatedStore(db, { onFormatUpgrade: (u) => (ms = u.ms) }).close();
      expect(ms).to.be.within(0, Math.ceil(performance.now() - t0));
    });

    it("a format record of the wrong length is damage, even with a good checksum", async () => {
      const store = openAuthenticatedStore(db);
      store.stage(entries(3)).commit(1);
      await store.close();
      const key = Buffer.from([0xfe]);
      table(db, "tree").putSync(key, seal(key, Buffer.from([2, 0])));
      expect(() => openAuthenticatedStore(db, { label: "data/state.lmdb" })).to.throw(StateError, "data/state.lmdb: the format record fails its checksum").with.property("code", "STATE_CORRUPT");
    });

    it("a new store records its format without calling the upgrade hook", async () => {
      let called = false;
      const store = openAuthenticatedStore(db, { onFormatUpgrade: () => (called = true) });
      expect(called).to.equal(false);
      expect(hex(unseal(Buffer.from([0xfe]), table(db, "tree").get(Buffer.from([0xfe]))!)!)).to.equal("02");
      expect(store.nodeCount()).to.equal(0);
      store.stage(entries(3)).commit(1);
      expect(store.nodeCount()).to.be.greaterThan(0);
      await store.close();
    });
  });
});
