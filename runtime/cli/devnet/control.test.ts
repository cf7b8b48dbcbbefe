import { expect } from "chai";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { controlRequest, devnetRunning, openControl, parseControlRequest, type ControlHandler } from "./control.ts";
import type { ValidatorStatus } from "./supervisor.ts";

/** A handler that records what it was asked, standing in for the supervisor. */
function recorder(n: number): ControlHandler & { calls: string[] } {
  const calls: string[] = [];
  const vs: ValidatorStatus[] = Array.from({ length: n }, (_, i) => ({ index: i, state: "running", pid: 100 + i, rpcUrl: `http://127.0.0.1:${7700 + i}`, home: `/h/node${i}`, restarts: 0 }));
  return {
    calls,
    status: () => vs,
    restart: async (i) => {
      calls.push(`restart ${i}`);
      if (i === 1) throw new Error("validator 1 exited while restarting (1): boom");
      vs[i] = { ...vs[i]!, pid: 200 + i, restarts: vs[i]!.restarts + 1 };
    },
    stop: async (i) => {
      calls.push(`stop ${i}`);
      vs[i] = { ...vs[i]!, state: "stopped", pid: undefined };
    },
  };
}

describe("devnet control socket", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "devnet-ctl-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("parses status, restart and stop, and says what is wrong with anything else", () => {
    expect(parseControlRequest('{"op":"status"}', 4)).to.deep.equal({ op: "status" });
    expect(parseControlRequest('{"op":"restart","index":3}', 4)).to.deep.equal({ op: "restart", index: 3 });
    expect(parseControlRequest('{"op":"stop","index":0}', 4)).to.deep.equal({ op: "stop", index: 0 });
    expect(parseControlRequest("restart 1", 4)).to.equal("the request is not JSON");
    expect(parseControlRequest("[1]", 4)).to.equal("the request must be a JSON object");
    expect(parseControlRequest("null", 4)).to.equal("the request must be a JSON object");
    expect(parseControlRequest('{"op":"kill","index":0}', 4)).to.equal('unknown op "kill": status, restart or stop');
    for (const index of ["4", "-1", "1.5", '"1"']) expect(parseControlRequest(`{"op":"restart","index":${index}}`, 4)).to.equal("index must be a validator of this devnet: 0..3");
    expect(parseControlRequest('{"op":"stop"}', 2)).to.equal("index must be a validator of this devnet: 0..1");
  });

  it("answers status, restart and stop, one owner only, and reports a refused restart", async () => {
    const h = recorder(2);
    const ctl = await openControl(dir, h);
    try {
      expect(statSync(ctl.path).mode & 0o777).to.equal(0o600);
      expect(await devnetRunning(dir)).to.equal(true);
      const s = await controlRequest(dir, { op: "status" });
      expect(s.ok && s.validators.map((v) => v.pid)).to.deep.equal([100, 101]);
      const r = await controlRequest(dir, { op: "restart", index: 0 });
      expect(r.ok && r.validators[0]).to.include({ pid: 200, restarts: 1 });
      const bad = await controlRequest(dir, { op: "restart", index: 1 });
      expect(bad).to.deep.equal({ ok: false, error: "validator 1 exited while restarting (1): boom" });
      const st = await controlRequest(dir, { op: "stop", index: 1 });
      expect(st.ok && st.validators[1]!.state).to.equal("stopped");
      const out = await controlRequest(dir, { op: "restart", index: 9 } as never);
      expect(out).to.deep.equal({ ok: false, error: "index must be a validator of this devnet: 0..1" });
      expect(h.calls).to.deep.equal(["restart 0", "restart 1", "stop 1"]);
      // A second devnet on the same directory is refused while this one answers.
      await openControl(dir, recorder(2)).then(
        () => expect.fail("a second control socket opened"),
        (e: Error & { code?: string }) => expect([e.code, e.message]).to.deep.equal(["CLI_DEVNET_RUNNING", `a devnet is already running from ${dir}`]),
      );
    } finally {
      await ctl.close();
    }
    expect(existsSync(ctl.path)).to.equal(false);
    expect(await devnetRunning(dir)).to.equal(false);
  });

  it("runs requests one at a time, in order", async () => {
    const order: string[] = [];
    const h = recorder(3);
    h.restart = async (i) => {
      order.push(`begin ${i}`);
      await new Promise((r) => setTimeout(r, i === 0 ? 80 : 5));
      order.push(`end ${i}`);
    };
    const ctl = await openControl(dir, h);
    try {
      await Promise.all([controlRequest(dir, { op: "restart", index: 0 }), new Promise((r) => setTimeout(r, 20)).then(() => controlRequest(dir, { op: "restart", index: 2 }))]);
    } finally {
      await ctl.close();
    }
    expect(order).to.deep.equal(["begin 0", "end 0", "begin 2", "end 2"]);
  });

  it("takes over a socket file left by a devnet that was killed", async () => {
    writeFileSync(join(dir, "devnet.sock"), "");
    expect(await devnetRunning(dir)).to.equal(false);
    const ctl = await openControl(dir, recorder(1));
    try {
      expect((await controlRequest(dir, { op: "status" })).ok).to.equal(true);
    } finally {
      await ctl.close();
    }
  });

  it("tells the client when no devnet runs there", async () => {
    await controlRequest(dir, { op: "status" }).then(
      () => expect.fail("answered"),
      (e: Error & { code?: string; hint?: string }) => {
        expect(e.code).to.equal("CLI_DEVNET_NOT_RUNNING");
        expect(e.message).to.equal(`no devnet is running from ${dir}`);
        expect(e.hint).to.contain("nexus devnet");
      },
    );
  });

  it("answers a request over 4 KiB with an error instead of buffering it", async () => {
    const ctl = await openControl(dir, recorder(1));
    try {
      const { connect } = await import("node:net");
      const reply = await new Promise<string>((done) => {
        const s = connect(ctl.path);
        let b = "";
        s.on("data", (d) => (b += d.toString()));
        s.on("close", () => done(b));
        s.on("error", () => undefined);
        s.write("x".repeat(5000));
      });
      expect(JSON.parse(reply)).to.deep.equal({ ok: false, error: "request longer than 4096 bytes" });
    } finally {
      await ctl.close();
    }
  });
});
