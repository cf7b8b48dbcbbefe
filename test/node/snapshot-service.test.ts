import { expect } from "chai";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { encodeBlock, type Block } from "../../runtime/app/block.ts";
import { SnapshotService } from "../../runtime/node/state-sync/snapshot-service.ts";
import { bytes, referenceRoot } from "../state/reference-tree.ts";

type Entry = readonly [Uint8Array, Uint8Array];

/** What the node's snapshot service takes, serves and prunes, over a fake chain whose state at height h is kvs(h). */
describe("state sync: the node's snapshot service", () => {
  let dir: string;
  let now = 0;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "nexus-snapshot-service-"));
    now = 1_000_000;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const kvs = (h: number): Entry[] => Array.from({ length: 20 }, (_, i) => [bytes(`acct/${i}`), bytes(`h${h}-${i}`)] as const);
  const block = (h: number): Block => ({
    header: { chainId: "t", height: h, time: h * 1000, prevHash: new Uint8Array(32), txRoot: new Uint8Array(32), stateRoot: referenceRoot(kvs(h)).root, resultsRoot: new Uint8Array(32), proposer: "p" },
    txs: [],
  });

  async function service(keep: number): Promise<{ s: SnapshotService; commit(h: number): Promise<void> }> {
    let height = 0;
    const s = await SnapshotService.open({
      dir,
      interval: 10,
      keep,
      servingGraceMs: 60_000,
      now: () => now,
      log: pino({ level: "silent" }),
      blocks: {
        block,
        blockBytes: (h) => encodeBlock(block(h)),
        commit: () => new Uint8Array([1]),
        validatorSet: () => new Uint8Array([2]),
      },
      openView: () => ({ height, root: referenceRoot(kvs(height)).root, keys: 20, entries: kvs(height), close() {} }),
    });
    return {
      s,
      async commit(h: number) {
        height = h;
        s.afterCommit(h);
        await s.idle();
      },
    };
  }

  it("takes a snapshot every interval, serves its parts, and keeps the newest `keep`", async () => {
    const { s, commit } = await service(2);
    for (const h of [5, 10, 15, 20, 30]) await commit(h);
    expect(s.heights()).to.deep.equal([30, 20]);
    expect(s.offers().map((o) => o.height)).to.deep.equal([30, 20]);
    expect(await s.part(30, "manifest")).to.be.instanceOf(Uint8Array);
    expect(await s.part(10, "manifest")).to.equal(undefined);
    expect(await s.part(30, "valset/31")).to.deep.equal(new Uint8Array([2]));
    expect(await s.part(30, "valset/29")).to.equal(undefined);
    expect(await s.part(30, "nonsense")).to.equal(undefined);
  });

  it("a snapshot a peer is fetching is not pruned until the grace period after its last part served", async () => {
    const { s, commit } = await service(1);
    await commit(10);
    expect(await s.part(10, "manifest")).to.be.instanceOf(Uint8Array);
    now += 59_000;
    await s.part(10, "chunk/0");
    await commit(20);
    expect(s.heights()).to.deep.equal([20, 10]);
    expect(await s.part(10, "block")).to.be.instanceOf(Uint8Array);
    now += 60_000; // the last part of 10 was served exactly one grace period ago
    await commit(30);
    expect(s.heights()).to.deep.equal([30]);
    expect(await s.part(10, "manifest")).to.equal(undefined);
  });

  it("a stored snapshot is served again after a restart; one that no longer checks is removed", async () => {
    const first = await service(2);
    await first.commit(10);
    await first.commit(20);
    await first.s.stop();
    const again = await service(2);
    expect(again.s.heights()).to.deep.equal([20, 10]);
    await again.s.stop();
    writeFileSync(join(dir, "10", "manifest.json"), "{}");
    const third = await service(2);
    expect(third.s.heights()).to.deep.equal([20]);
    expect(existsSync(join(dir, "10"))).to.equal(false);
  });
});
