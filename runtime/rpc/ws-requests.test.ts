import { expect } from "chai";
import { WsRequestQueue } from "./ws-requests.ts";

/** A handler whose requests finish when the test says so. */
function gatedHandler(): { handle: (t: string) => Promise<void>; started: string[]; finish: (t: string, fail?: boolean) => Promise<void> } {
  const started: string[] = [];
  const gates = new Map<string, { resolve(): void; reject(e: Error): void }>();
  return {
    started,
    handle: (t) =>
      new Promise<void>((resolve, reject) => {
        started.push(t);
        gates.set(t, { resolve, reject });
      }),
    finish: async (t, fail = false) => {
      const g = gates.get(t)!;
      if (fail) g.reject(new Error("boom"));
      else g.resolve();
      // Let the queue's then() run.
      await new Promise((r) => setImmediate(r));
    },
  };
}

function socket(): { pause(): void; resume(): void; log: string[] } {
  const log: string[] = [];
  return { log, pause: () => log.push("pause"), resume: () => log.push("resume") };
}

describe("rpc WsRequestQueue (requests of one WebSocket)", () => {
  it("starts up to maxInFlight at once; the next waits with the socket paused, and starts when one finishes", async () => {
    const s = socket();
    const h = gatedHandler();
    const q = new WsRequestQueue(s, h.handle, 2);
    q.push("a");
    q.push("b");
    expect(h.started).to.deep.equal(["a", "b"]);
    expect(s.log).to.deep.equal([]);
    q.push("c");
    q.push("d");
    expect(h.started).to.deep.equal(["a", "b"]);
    expect(q.queued).to.equal(2);
    expect(s.log, "paused once, not per waiting message").to.deep.equal(["pause"]);
    await h.finish("b");
    expect(h.started).to.deep.equal(["a", "b", "c"]);
    expect(s.log, "still paused while one waits").to.deep.equal(["pause"]);
    await h.finish("a", true);
    expect(h.started, "a failed request frees its slot too").to.deep.equal(["a", "b", "c", "d"]);
    expect(q.queued).to.equal(0);
    expect(s.log).to.deep.equal(["pause"]);
    await h.finish("c");
    expect(s.log, "reading resumes once nothing waits").to.deep.equal(["pause", "resume"]);
    expect(q.active).to.equal(1);
    await h.finish("d");
    expect(q.active).to.equal(0);
    q.push("e");
    expect(h.started.at(-1)).to.equal("e");
    expect(s.log).to.deep.equal(["pause", "resume"]);
  });

  it("a closed session's waiting requests never start, and its socket is not resumed", async () => {
    const s = socket();
    const h = gatedHandler();
    const q = new WsRequestQueue(s, h.handle, 1);
    q.push("a");
    q.push("b");
    q.push("c");
    q.close();
    expect(q.queued).to.equal(0);
    await h.finish("a");
    q.push("d");
    expect(h.started).to.deep.equal(["a"]);
    expect(s.log).to.deep.equal(["pause"]);
    expect(q.active).to.equal(0);
  });

  it("refuses a limit that is not a positive integer", () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => new WsRequestQueue(socket(), async () => {}, bad), String(bad)).to.throw(RangeError, /maxInFlight must be a positive integer/);
  });
});
