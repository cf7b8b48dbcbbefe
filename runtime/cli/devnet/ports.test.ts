import { expect } from "chai";
import { createServer, type Server } from "node:net";
import { ephemeralPort, pickPorts, portIsFree } from "./ports.ts";

describe("devnet ports", () => {
  it("keeps base + i where free and replaces taken ones, never handing one port out twice", async () => {
    const busy = new Set([7701, 7703]);
    let next = 40_000;
    const handed = [40_000, 7700, 40_001];
    const probe = { isFree: async (p: number) => !busy.has(p), next: async () => handed.shift() ?? next++ };
    const r = await pickPorts(7700, 4, new Set(), probe);
    // 7701 taken → 40000; 7703 taken → 7700 is offered but already ours → 40001.
    expect(r.ports).to.deep.equal([7700, 40_000, 7702, 40_001]);
    expect(r.moved).to.deep.equal([
      { wanted: 7701, got: 40_000 },
      { wanted: 7703, got: 40_001 },
    ]);
  });

  it("avoids ports promised to another role", async () => {
    const probe = { isFree: async () => true, next: async () => 50_000 };
    const r = await pickPorts(26656, 2, new Set([26657]), probe);
    expect(r.ports).to.deep.equal([26656, 50_000]);
  });

  it("probes real sockets on 127.0.0.1", async () => {
    const port = await ephemeralPort();
    const s: Server = createServer();
    await new Promise<void>((r) => s.listen(port, "127.0.0.1", () => r()));
    try {
      expect(await portIsFree(port)).to.equal(false);
      const r = await pickPorts(port, 1);
      expect(r.ports[0]).to.not.equal(port);
      expect(r.moved).to.deep.equal([{ wanted: port, got: r.ports[0] }]);
    } finally {
      await new Promise((r) => s.close(r));
    }
    expect(await portIsFree(port)).to.equal(true);
  });
});
