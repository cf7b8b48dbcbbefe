import { expect } from "chai";
import { closeSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { open, type Database, type RootDatabase } from "lmdb";
import { openTestNode, testSigner, removeDir, type TestNode } from "../helpers/node-harness.ts";
import { signedSend } from "../helpers/txs.ts";
import { BlockStore } from "../../runtime/node/block-store.ts";
import { unseal, seal } from "../../runtime/state/record-seal.ts";
import { u64Key } from "../../runtime/codec/uint.ts";
import { toHex } from "../../runtime/crypto/hash.ts";

const table = (db: RootDatabase, name: string): Database<Buffer, Buffer> => db.openDB<Buffer, Buffer>({ name, keyEncoding: "binary", encoding: "binary" });

function flip(t: Database<Buffer, Buffer>, key: Buffer, at = 0): void {
  const raw = Buffer.from(t.get(key)!);
  raw[at] = raw[at]! ^ 0x10;
  t.putSync(key, raw);
}

/** Open the node's blocks.lmdb or state.lmdb alone (the node closed), run `fn`, close it. */
async function withFile(t: TestNode, file: string, fn: (db: RootDatabase) => void): Promise<void> {
  const db = open({ path: join(t.dir, "data", file), overlappingSync: false });
  fn(db);
  await db.close();
}

describe("damaged data files: sealed block records (node/block-store.ts), lmdb meta pages (lmdb-file-check.ts)", () => {
  let t: TestNode;
  let txHash: string;
  beforeEach(async () => {
    t = await openTestNode();
    const tx = signedSend(testSigner(0), testSigner(5).address, 1000n, 0n);
    await t.node.submitTx(tx.bytes);
    await t.node.produceBlock();
    await t.node.produceBlock();
    txHash = toHex(tx.hash);
    await t.close();
  });
  afterEach(async () => {
    await t.close().catch(() => undefined);
    removeDir(t.dir);
  });

  it("a damaged block record or transaction index entry is NODE_DATA_DAMAGED naming the file and table, not a missing block or an unknown transaction", async () => {
    await withFile(t, "blocks.lmdb", (db) => {
      flip(table(db, "blocks"), Buffer.from(u64Key(1)), 7);
      flip(table(db, "txs.by-hash"), Buffer.from(txHash, "hex"), 3);
    });
    t = await t.reopen();
    expect(t.node.getBlock(2)?.header.height).to.equal(2);
    const damaged = (fn: () => unknown, tableName: string): void => {
      expect(fn).to.throw().that.satisfies((e: Error & { code?: string }) => {
        expect(e.code).to.equal("NODE_DATA_DAMAGED");
        expect(e.message).to.include(join(t.dir, "data", "blocks.lmdb")).and.include(`in table ${tableName} fails its checksum`);
        return true;
      });
    };
    damaged(() => t.node.getBlock(1), "blocks");
    damaged(() => t.node.getTx(txHash), "txs.by-hash");
  });

  it("a damaged state record of the last block stops the start with STATE_CORRUPT naming state.lmdb; repaired, the same process opens the home again", async () => {
    await withFile(t, "state.lmdb", (db) => flip(table(db, "state.tree"), Buffer.from([0xff]), 4));
    const err = await t.reopen().catch((e: unknown) => e as Error & { code?: string });
    expect(err).to.be.instanceOf(Error);
    expect((err as { code?: string }).code).to.equal("STATE_CORRUPT");
    expect((err as Error).message).to.include(join(t.dir, "data", "state.lmdb"));
    // Repaired (the original record back), the same process opens the home again.
    await withFile(t, "state.lmdb", (db) => flip(table(db, "state.tree"), Buffer.from([0xff]), 4));
    t = await t.reopen();
    expect(t.node.status().height).to.equal(2);
  });

  it("format 1 blocks.lmdb (no checksums) is upgraded once when opened, with every block still read; a newer format is NODE_DATA_FORMAT", async () => {
    let records = 0;
    await withFile(t, "blocks.lmdb", (db) => {
      for (const name of ["blocks", "blocks.by-hash", "txs.by-hash", "receipts", "blocks.meta", "blocks.commits", "consensus.valsets", "consensus.candidates"]) {
        const tb = table(db, name);
        for (const key of [...tb.getKeys({})]) {
          if (name === "blocks.meta" && key.toString() === "format") tb.removeSync(key);
          else {
            tb.putSync(key, unseal(key, tb.get(key)!)!);
            records++;
          }
        }
      }
      expect(() => new BlockStore(db, { upgradeFormat: false, label: "blocks.lmdb" })).to.throw("blocks.lmdb is in on-disk format 1 (no checksums): start the node once to upgrade it");
      const seen: number[] = [];
      const store = new BlockStore(db, { onFormatUpgrade: (u) => seen.push(u.from, u.to, u.records) });
      expect(seen).to.deep.equal([1, 2, records]);
      expect(store.latestHeight()).to.equal(2);
      expect(store.block(1)!.header.height).to.equal(1);
      expect(store.receipt(Buffer.from(txHash, "hex"))!.code).to.equal(0);
      new BlockStore(db, { onFormatUpgrade: () => seen.push(-1) });
      expect(seen).to.have.length(3);
      table(db, "blocks.meta").putSync(Buffer.from("format"), seal(Buffer.from("format"), Buffer.from([9])));
      expect(() => new BlockStore(db)).to.throw("is in on-disk format 9, which this version of NexusOS does not read").with.property("code", "NODE_DATA_FORMAT");
      table(db, "blocks.meta").putSync(Buffer.from("format"), seal(Buffer.from("format"), Buffer.from([2])));
    });
    t = await t.reopen();
    expect(t.node.getTx(txHash).status).to.equal("committed");
  });

  it("zeroed lmdb meta pages (which crash lmdb-js) stop the start with NODE_DATA_DAMAGED naming the file, before lmdb opens it", async () => {
    const file = join(t.dir, "data", "blocks.lmdb");
    const fd = openSync(file, "r+");
    writeSync(fd, Buffer.alloc(8192), 0, 8192, 0);
    closeSync(fd);
    const err = await t.reopen().catch((e: unknown) => e as Error & { code?: string });
    expect(err).to.be.instanceOf(Error).with.property("code", "NODE_DATA_DAMAGED");
    expect((err as Error).message).to.include(`cannot open ${file}:`).and.include("Restore the file from a backup");
  });

  it("a damaged state record read while executing a block stops the block (this node's files, not the transaction): no receipt, no commit", async () => {
    t = await t.reopen();
    const bob = testSigner(5).address;
    const key = Buffer.from(t.node.proveBalance(bob, "nxt").key, "hex");
    const height = t.node.status().height;
    await t.close();
    await withFile(t, "state.lmdb", (db) => flip(table(db, "state.flat"), key, 2));
    // Invariants off (the non-dev default): the transfer's own read of bob's balance meets the damage.
    t = await openTestNode({ dir: t.dir, config: { checkInvariants: false } }); // the start reads the last block and the state root, not bob's record
    // A transfer from an intact account to the damaged one: checkTx reads only the sender.
    const tx = signedSend(testSigner(1), bob, 7n, 0n);
    await t.node.submitTx(tx.bytes);
    const err = await t.node.produceBlock().catch((e: unknown) => e as Error & { code?: string });
    expect(err).to.be.instanceOf(Error).with.property("code", "STATE_CORRUPT");
    expect((err as Error).message).to.include(`the record under key ${key.toString("hex")} in table flat fails its checksum`);
    expect(t.node.status().height).to.equal(height);
    expect(t.node.getTx(toHex(tx.hash)).status).to.not.equal("committed");
  });
});
