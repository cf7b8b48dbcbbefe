import { expect } from "chai";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { STATE_SYNC_MARKER, finishStateSync, prepareStateSync } from "../../runtime/node/state-sync/marker.ts";

/** When `nexus start --state-sync` restores from peers, and how an interrupted sync starts again. */
describe("state sync marker: only on a home without chain data; an interrupted sync is redone", () => {
  const log = pino({ level: "silent" });
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "nexus-ss-marker-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("a new home syncs, with the marker written until the sync finishes", () => {
    const data = join(dir, "data");
    expect(prepareStateSync(data, log)).to.equal(true);
    expect(existsSync(join(data, STATE_SYNC_MARKER))).to.equal(true);
    finishStateSync(data);
    expect(readdirSync(data)).to.deep.equal([]);
  });

  it("a home with chain data and no marker is left alone (block sync from where it is)", () => {
    const data = join(dir, "data");
    mkdirSync(join(data, "blocks.lmdb"), { recursive: true });
    writeFileSync(join(data, "state.lmdb"), "x");
    expect(prepareStateSync(data, log)).to.equal(false);
    expect(readdirSync(data).sort()).to.deep.equal(["blocks.lmdb", "state.lmdb"]);
  });

  it("a marker left by an interrupted sync: its partial data is removed and the sync starts again", () => {
    const data = join(dir, "data");
    mkdirSync(join(data, "blocks.lmdb"), { recursive: true });
    mkdirSync(join(data, "snapshots", "20"), { recursive: true });
    writeFileSync(join(data, "state.lmdb"), "partial");
    writeFileSync(join(data, STATE_SYNC_MARKER), "");
    expect(prepareStateSync(data, log)).to.equal(true);
    expect(readdirSync(data)).to.deep.equal([STATE_SYNC_MARKER]);
  });
});
