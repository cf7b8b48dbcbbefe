import { expect } from "chai";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CheckpointStore } from "./checkpoints.ts";

const WRITER = join(import.meta.dirname, "../../test/fixtures/bridge-store-writer.ts");

/** Run the writer until it prints "finished" or `killAfterMs` passes (then SIGKILL). */
function runWriter(dataDir: string, sentLog: string, until: number, killAfterMs?: number): Promise<"finished" | "killed"> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", WRITER, dataDir, sentLog, String(until)], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let ready = false;
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on("data", (d) => (out += String(d)));
    child.stderr.on("data", (d) => (err += String(d)));
    // Count the kill delay from the first record the child writes (tsx's start-up varies).
    const poll = setInterval(() => {
      if (!ready && existsSync(sentLog)) {
        ready = true;
        if (killAfterMs !== undefined) timer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
      }
    }, 5);
    child.on("exit", (code, signal) => {
      clearInterval(poll);
      if (timer) clearTimeout(timer);
      if (signal === "SIGKILL") resolve("killed");
      else if (code === 0 && out.includes("finished")) resolve("finished");
      else reject(new Error(`writer exited with ${code ?? signal}: ${err}`));
    });
  });
}

describe("bridges/core checkpoint store", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "bridge-ckpt-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("records work with the cursor, write-ahead submissions, done; survives reopen; refuses moving back", async () => {
    let t = 1000;
    const s = CheckpointStore.open(dir, { now: () => t });
    s.bind({ chainId: "nexus-test-1", role: "watcher", address: "nxs1a" });
    expect(s.cursor("evm-local")).to.equal(undefined);
    expect(s.advance("evm-local", 10n, [{ kind: "attest", seq: 1, payload: { amount: "5" } }, { kind: "attest", seq: 2, payload: { amount: "6" } }])).to.equal(2);
    expect(s.advance("evm-local", 12n, [{ kind: "attest", seq: 2, payload: { amount: "6" } }])).to.equal(0); // a rescan adds nothing twice
    s.markSending("evm-local", "attest", 1, "aa".repeat(32));
    t = 2000;
    s.markDone("evm-local", "attest", 1, { outcome: "submitted" });
    s.markRetry("evm-local", "attest", 2, "node down", 5000, { countAttempt: true });
    expect(s.due(4000)).to.deep.equal([]);
    expect(s.due(5000).map((w) => w.seq)).to.deep.equal([2]);
    expect(() => s.advance("evm-local", 11n, [])).to.throw(/move it back/);
    s.addWork("evm-local", { kind: "sign", seq: 7, payload: {} });
    s.markFailed("evm-local", "sign", 7, "BRIDGE_BAD_SIGNATURE: no");
    s.setError("evm-local", "finalHeight: ECONNREFUSED");
    // Done records are not re-added unless NexusOS says so (overDone).
    expect(s.advance("evm-local", 13n, [{ kind: "attest", seq: 1, payload: {} }])).to.equal(0);
    await s.close();

    const r = CheckpointStore.open(dir);
    expect(() => r.bind({ chainId: "other-1", role: "watcher", address: "nxs1a" })).to.throw(/belongs to chainId "nexus-test-1"/);
    expect(() => r.bind({ chainId: "nexus-test-1", role: "watcher", address: "nxs1b" })).to.throw(/address/);
    r.bind({ chainId: "nexus-test-1", role: "watcher", address: "nxs1a" });
    expect(r.cursor("evm-local")).to.equal(13n);
    expect(r.doneRecord("evm-local", "attest", 1)).to.include({ outcome: "submitted", txHash: "aa".repeat(32), attempts: 1, at: 2000 });
    expect(r.get("evm-local", "attest", 2)).to.include({ state: "todo", attempts: 1, lastError: "node down", nextAt: 5000 });
    const [sum] = r.summary(["evm-local"]);
    expect(sum).to.deep.include({ chain: "evm-local", cursor: "13", lastError: { at: 2000, message: "finalHeight: ECONNREFUSED" } });
    expect(sum!.work.attest).to.deep.equal({ todo: 1, sent: 0, failed: 0 });
    expect(sum!.work.sign).to.deep.equal({ todo: 0, sent: 0, failed: 1 });
    expect(sum!.done.attest).to.equal(1);
    expect(r.addWork("evm-local", { kind: "attest", seq: 1, payload: {} }, { overDone: true })).to.equal(true);
    await r.close();
  });

  it("a reader opens it while the writer holds it (status of a running process)", async () => {
    const w = CheckpointStore.open(dir);
    w.advance("sepolia", 5n, [{ kind: "attest", seq: 3, payload: {} }]);
    const ro = CheckpointStore.open(dir, { readOnly: true });
    expect(ro.summary()[0]).to.deep.include({ chain: "sepolia", cursor: "5" });
    expect(() => ro.setError("sepolia", "x")).to.throw(/read-only/);
    w.advance("sepolia", 6n, []);
    // lmdb-js drops a reader's snapshot in a setTimeout(0) armed at its first read (lmdb/read.js
    // resetReadTxn); a 1 ms timer armed later fires after it (a setImmediate may not: it failed once).
    await new Promise((r) => setTimeout(r, 1));
    expect(ro.cursor("sepolia")).to.equal(6n);
    await ro.close();
    await w.close();
    expect(() => CheckpointStore.open(join(dir, "nowhere"), { readOnly: true })).to.throw(/no checkpoint store/);
  });

  it("SIGKILL at random moments: nothing lost, nothing submitted twice, resumption from the cursor", async function () {
    this.timeout(120_000);
    const data = join(dir, "data");
    const sentLog = join(dir, "sent.log");
    const until = 400;
    let kills = 0;
    for (let round = 0; round < 6; round++) {
      const r = await runWriter(data, sentLog, until, 30 + Math.floor(Math.random() * 200));
      if (r === "killed") kills++;
      // After each kill: every height up to the cursor has its transfer as work or done.
      const s = CheckpointStore.open(data, { readOnly: true });
      const cursor = Number(s.cursor("evm-local") ?? 0n);
      const known = new Set([...s.work("evm-local").map((w) => w.seq), ...s.done("evm-local").map((d) => d.seq)]);
      for (let h = 1; h <= cursor; h++) expect(known.has(h), `seq ${h} at or below cursor ${cursor} is recorded`).to.equal(true);
      for (const k of known) expect(k).to.be.at.most(cursor);
      await s.close();
    }
    expect(await runWriter(data, sentLog, until)).to.equal("finished");
    expect(kills).to.be.greaterThan(0);
    const sent = readFileSync(sentLog, "utf8").split("\n").filter(Boolean).map((l) => Number(l.split(" ")[0]));
    expect(sent.length, "each seq submitted exactly once").to.equal(until);
    expect(new Set(sent).size).to.equal(until);
    const s = CheckpointStore.open(data, { readOnly: true });
    expect(s.cursor("evm-local")).to.equal(BigInt(until));
    expect(s.work("evm-local")).to.deep.equal([]);
    expect(s.done("evm-local")).to.have.length(until);
    await s.close();
  });
});
