import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { SimHub, type LinkModel } from "../../plugins/transports/sim/index.ts";
import { waitFor } from "./helpers.ts";

describe("sim transport: link models", () => {
  it("a link model delays or drops each message per link, for gossip and tx fetches alike", async () => {
    // a→b: 60 ms; anything to or from c: lost.
    const lossy: LinkModel = { decide: (from, to) => (from === "c" || to === "c" ? { drop: true } : from === "a" && to === "b" ? { delayMs: 60 } : { delayMs: 0 }) };
    const hub = new SimHub(lossy);
    const [a, b, c] = ["a", "b", "c"].map((id) => hub.attach(id));
    const heard: Record<string, number> = { b: 0, c: 0 };
    for (const t of [b!, c!]) t.subscribe("votes", () => "accept", () => void heard[t.id]!++);
    const t0 = performance.now();
    await a!.publish("votes", randomBytes(10));
    await waitFor(() => heard.b === 1, "b to hear a");
    expect(performance.now() - t0).to.be.at.least(50);
    expect(heard.c).to.equal(0);
    c!.setTxSource({ tx: (h) => h });
    let err: (Error & { code?: string }) | undefined;
    await a!.fetchTxs(c!.id, [randomBytes(32)], 50).catch((e: Error) => (err = e));
    expect(err?.code).to.equal("TRANSPORT_FETCH_FAILED");
    hub.setLinkModel({ decide: () => ({ delayMs: 0 }) });
    const h = randomBytes(32);
    expect(await a!.fetchTxs(c!.id, [h], 50)).to.deep.equal([new Uint8Array(h)]);
    await Promise.all([a, b, c].map((t) => t!.stop()));
  });

  it("snapshot requests cross the link model both ways: each leg is delayed (sized by what it carries) or lost (a timeout)", async () => {
    const seen: Array<{ from: string; to: string; bytes: number }> = [];
    const hub = new SimHub({
      decide: (from, to, traffic, bytes) => {
        if (traffic !== "snapshot") return { delayMs: 0 };
        seen.push({ from, to, bytes });
        return from === "c" || to === "c" ? { drop: true } : { delayMs: 80 };
      },
    });
    const [a, b, c] = ["a", "b", "c"].map((id) => hub.attach(id));
    const part = new Uint8Array(randomBytes(5000));
    for (const t of [b!, c!]) t.setSnapshotSource({ offers: () => [{ height: 3, descriptor: Uint8Array.of(1) }], part: () => part });
    const t0 = performance.now();
    const got = await a!.fetchSnapshotPart!(b!.id, 3, "chunk/0", 2_000);
    expect(performance.now() - t0).to.be.at.least(150);
    expect(Buffer.from(got!).equals(Buffer.from(part))).to.equal(true);
    expect(seen.map((s) => [s.from, s.to])).to.deep.equal([["a", "b"], ["b", "a"]]);
    expect(seen[1]!.bytes).to.equal(part.length);
    const failure = (p: Promise<unknown>): Promise<(Error & { code?: string }) | undefined> => p.then(() => undefined, (e: Error) => e);
    const lost = await failure(a!.snapshotOffers!(c!.id, 100));
    expect(lost?.code).to.equal("TRANSPORT_FETCH_FAILED");
    expect(lost?.message).to.match(/within 100 ms/);
    // Slower than the deadline: a timeout too.
    expect((await failure(a!.snapshotOffers!(b!.id, 100)))?.code).to.equal("TRANSPORT_FETCH_FAILED");
    await Promise.all([a, b, c].map((t) => t!.stop()));
  });
});
