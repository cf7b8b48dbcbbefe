import { expect } from "chai";
import { closeSync, openSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { open, type Database, type RootDatabase } from "lmdb";
import { openTestNode, testSigner, removeDir, type TestNode } from "../helpers/node-harness.ts";
import { signedSend } from "../helpers/txs.ts";
import { runCli } from "../helpers/spawn-node.ts";
import { verifyData } from "../../runtime/node/verify-data.ts";
import { crossCheck, type ScanReport } from "../../runtime/node/data-scan.ts";
import { seal, unseal } from "../../runtime/state/record-seal.ts";
import { sha256 } from "../../runtime/crypto/hash.ts";
import { decodeBlock, encodeBlock } from "../../runtime/app/block.ts";

const table = (db: RootDatabase, name: string): Database<Buffer, Buffer> => db.openDB<Buffer, Buffer>({ name, keyEncoding: "binary", encoding: "binary" });

async function withFile(dir: string, file: string, fn: (db: RootDatabase) => void): Promise<void> {
  const db = open({ path: join(dir, "data", file), overlappingSync: false });
  fn(db);
  await db.close();
}

/** Flip one bit of the first record in `t` (a second call flips it back); returns the table's keys. */
function flipFirstValue(t: Database<Buffer, Buffer>): Buffer[] {
  const keys = [...t.getKeys({})];
  const raw = Buffer.from(t.get(keys[0]!)!);
  raw[0] = raw[0]! ^ 1;
  t.putSync(keys[0]!, raw);
  return keys;
}

/** Replace a record's value and seal it again: an edit the checksum cannot see. */
function forge(t: Database<Buffer, Buffer>, key: Buffer, edit: (v: Buffer) => Buffer): void {
  t.putSync(key, seal(key, edit(Buffer.from(unseal(key, t.get(key)!)!))));
}

describe("nexus verify-data (node/verify-data.ts, data-scan.ts)", function () {
  this.timeout(60_000);
  let t: TestNode;
  let tx0: Uint8Array;
  beforeEach(async () => {
    t = await openTestNode();
    for (let b = 0; b < 3; b++) {
      const tx = signedSend(testSigner(b), testSigner(6).address, 1000n + BigInt(b), 0n);
      if (b === 0) tx0 = tx.bytes;
      await t.node.submitTx(tx.bytes);
      await t.node.produceBlock();
    }
    await t.close();
  });
  afterEach(() => removeDir(t.dir));

  it("a healthy home: every check passes and says what it covered", async () => {
    const progress: string[] = [];
    const r = await verifyData(join(t.dir, "data"), { onProgress: (_f, w) => progress.push(w) });
    expect(r.ok, JSON.stringify(r, null, 2)).to.equal(true);
    const [state, blocks] = r.files;
    expect(state!.problems).to.deep.equal([]);
    expect(state!.checked.join("\n")).to.match(/lmdb meta pages \(transaction \d+\)/).and.match(/state\.flat: \d+ records, checksums/).and.match(/state tree: \d+ nodes, hashes up to root [0-9a-f]{16}… at height 3/).and.match(/state values: \d+, each proved against the root/);
    expect(blocks!.checked.join("\n")).to.include("blocks 1..3: decode, height, hash index, hash chain, 3 transactions and receipts");
    expect(r.between).to.deep.equal({ problems: [], notes: [] });
  });

  it("finds a flipped byte (checksum), a forged state value and a forged tree node (proofs and hashes), each in its own words", async () => {
    await withFile(t.dir, "state.lmdb", (db) => flipFirstValue(table(db, "state.flat")));
    let r = await verifyData(join(t.dir, "data"));
    expect(r.ok).to.equal(false);
    expect(r.files[0]!.problems.join("\n")).to.match(/table state\.flat: the record under key [0-9a-f]+ fails its checksum/);
    expect(r.files[1]!.problems).to.deep.equal([]);

    // Undo, then forge a value with a valid checksum: only the state root can tell.
    let forgedKey = "";
    await withFile(t.dir, "state.lmdb", (db) => {
      const flat = table(db, "state.flat");
      const keys = flipFirstValue(flat); // flipped back
      forge(flat, keys[1]!, (v) => Buffer.concat([v, Buffer.from([1])]));
      forgedKey = keys[1]!.toString("hex");
    });
    r = await verifyData(join(t.dir, "data"));
    expect(r.files[0]!.problems).to.deep.equal([`the value under key ${forgedKey} is not the one the state root commits to`]);

    // A forged leaf deep in the tree (valid checksum): its parent's hash no longer matches.
    await withFile(t.dir, "state.lmdb", (db) => {
      const tree = table(db, "state.tree");
      const leaf = [...tree.getKeys({})].find((k) => k.length > 1 && unseal(k, tree.get(k)!)![0] === 0x00)!;
      forge(tree, leaf, (v) => {
        v[40] = v[40]! ^ 0xff;
        return v;
      });
    });
    r = await verifyData(join(t.dir, "data"));
    expect(r.files[0]!.problems.join("\n")).to.match(/state tree: node at path [0-9a-f]+ does not hash to the hash its parent lists/);
  });

  it("blocks: a missing transaction index entry, a forged block (hash index, chain), zeroed meta pages", async () => {
    await withFile(t.dir, "blocks.lmdb", (db) => table(db, "txs.by-hash").removeSync(Buffer.from(sha256(tx0))));
    let r = await verifyData(join(t.dir, "data"));
    expect(r.files[1]!.problems).to.deep.equal([`block 1: transaction 0 (${Buffer.from(sha256(tx0)).toString("hex").slice(0, 16)}…) is not in the transaction index`]);

    await withFile(t.dir, "blocks.lmdb", (db) => {
      const blocks = table(db, "blocks");
      const k = [...blocks.getKeys({})][1]!; // block 2
      forge(blocks, k, (v) => {
        // Another time in the header: the block still decodes, its hash changes.
        const b = decodeBlock(v);
        return Buffer.from(encodeBlock({ ...b, header: { ...b.header, time: b.header.time + 1 } }));
      });
    });
    r = await verifyData(join(t.dir, "data"));
    const problems = r.files[1]!.problems.join("\n");
    expect(problems).to.include("block 2: the hash index does not lead to it").and.include("block 3: its parent hash is not the hash of block 2");

    const file = join(t.dir, "data", "blocks.lmdb");
    const fd = openSync(file, "r+");
    writeSync(fd, Buffer.alloc(8192), 0, 8192, 0);
    closeSync(fd);
    r = await verifyData(join(t.dir, "data"));
    expect(r.files[1]!.problems).to.have.length(1);
    expect(r.files[1]!.problems[0]).to.match(/meta page/);
    expect(r.files[0]!.problems).to.deep.equal([]);
  });

  it("the CLI: exit 0 and a report on a healthy home, exit 1 and what to do on a damaged one, refused while a node holds the home", async () => {
    const ok = await runCli(["--home", t.dir, "verify-data"]);
    expect(ok.code, ok.stderr).to.equal(0);
    expect(ok.stdout).to.match(/state\.lmdb {2}OK/).and.match(/blocks\.lmdb {2}OK/).and.include("result: no damage found");
    await withFile(t.dir, "blocks.lmdb", (db) => table(db, "txs.by-hash").removeSync(Buffer.from(sha256(tx0))));
    const bad = await runCli(["--home", t.dir, "verify-data", "--json"]);
    expect(bad.code).to.equal(1);
    const r = JSON.parse(bad.stdout) as { ok: boolean; files: { problems: string[] }[] };
    expect(r.ok).to.equal(false);
    expect(r.files[1]!.problems[0]).to.include("is not in the transaction index");
    const human = await runCli(["--home", t.dir, "verify-data"]);
    expect(human.stdout).to.include("damaged  block 1: transaction 0").and.include("result: damaged. Restore the data directory from a backup");
    writeFileSync(join(t.dir, "node.lock"), `${process.pid}\n`);
    const locked = await runCli(["--home", t.dir, "verify-data"]);
    expect(locked.code).to.not.equal(0);
    expect(locked.stderr).to.include(`another node (pid ${process.pid}) is running on ${t.dir}`);
    const none = await runCli(["--home", join(t.dir, "nowhere"), "verify-data"]);
    expect(none.code).to.not.equal(0);
    expect(none.stderr).to.include("has no data directory: nothing to verify");
  });

  it("between the files: the state must be the one the last block commits to, or one block behind it", () => {
    const state = (height: number, root: string): ScanReport => ({ file: "s", checked: [], problems: [], notes: [], state: { height, root } });
    const blocks = (height: number, stateRoot: string, prevStateRoot?: string): ScanReport => ({ file: "b", checked: [], problems: [], notes: [], blocks: { height, stateRoot, prevStateRoot } });
    expect(crossCheck(state(5, "aa"), blocks(5, "aa", "99"))).to.deep.equal({ problems: [], notes: [] });
    expect(crossCheck(state(5, "aa"), blocks(5, "bb", "99")).problems[0]).to.include("is not the one block 5 commits to");
    expect(crossCheck(state(4, "99"), blocks(5, "aa", "99")).notes[0]).to.include("the node executes that block again when it starts");
    expect(crossCheck(state(4, "98"), blocks(5, "aa", "99")).problems[0]).to.equal("the blocks reach height 5 but the state is at height 4");
    expect(crossCheck(state(2, "aa"), blocks(5, "aa", "99")).problems[0]).to.equal("the blocks reach height 5 but the state is at height 2");
    expect(crossCheck({ file: "s", checked: [], problems: ["x"], notes: [] }, blocks(5, "aa"))).to.deep.equal({ problems: [], notes: [] });
  });
});
