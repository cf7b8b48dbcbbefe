// The mempool's lane for nonce-free transactions (one-time messages only: MsgDef.oneTime).
import { expect } from "chai";
import { Mempool } from "./mempool.ts";
import type { CheckedTx } from "../app/application.ts";
import type { DecodedTx } from "../tx/envelope.ts";

let next = 0;
/** A checked transaction as admission returns it; only the fields the mempool reads. */
function checked(sender: string, o: { nonce?: bigint; tip?: bigint; fee?: bigint; oneTime?: string[]; timeout?: number; size?: number } = {}): CheckedTx {
  const hashHex = (++next).toString(16).padStart(64, "0");
  const decoded = { hashHex, bytes: new Uint8Array(o.size ?? 100), tx: { body: { timeoutHeight: o.timeout ?? 0 } } } as unknown as DecodedTx;
  return { decoded, hashHex, sender, nonce: o.nonce ?? 0n, fee: o.fee ?? 10n, tip: o.tip ?? 0n, ...(o.oneTime ? { oneTime: o.oneTime } : {}) };
}

describe("mempool: nonce-free transactions", () => {
  const limits = { maxTxs: 100, maxBytes: 1 << 20, ttlBlocks: 5 };

  it("are queued apart from the sender's nonces, their fees reserved, their one-time actions held", () => {
    const m = new Mempool(limits);
    const seq = checked("a", { nonce: 0n, fee: 7n });
    const free = checked("a", { fee: 5n, oneTime: ["claim/a/1"] });
    m.add(seq, 1);
    m.add(free, 1);
    expect([m.size, m.has(free.hashHex), m.sizeBytes]).to.deep.equal([2, true, 200]);
    expect(m.nextNonce("a")).to.equal(1n);
    expect(m.reservedFees("a")).to.equal(12n);
    expect(m.oneTimeHolder("claim/a/1")).to.equal(free.hashHex);
    expect(m.oneTimeHolder("claim/a/2")).to.equal(undefined);
    // A nonce-free transaction at nonce 0 does not take the place of the sender's nonce 0.
    expect(() => m.add(checked("a", { nonce: 1n }), 1)).to.not.throw();
  });

  it("refuse a second transaction for the same one-time action until the first leaves", () => {
    const m = new Mempool(limits);
    const first = checked("a", { oneTime: ["claim/a/1"] });
    m.add(first, 1);
    const twin = checked("a", { oneTime: ["claim/a/1"] });
    expect(() => m.add(twin, 1))
      .to.throw(`pending transaction ${first.hashHex} already does the one-time action claim/a/1`)
      .with.property("code", "TX_ONE_TIME_PENDING");
    expect(m.update(2, [first.hashHex], () => 0n)).to.equal(0);
    expect([m.size, m.sizeBytes, m.oneTimeHolder("claim/a/1")]).to.deep.equal([0, 0, undefined]);
    m.add(twin, 2);
    expect(m.oneTimeHolder("claim/a/1")).to.equal(twin.hashHex);
  });

  it("are reaped by tip together with the senders' queues", () => {
    const m = new Mempool(limits);
    const a0 = checked("a", { nonce: 0n, tip: 5n });
    const a1 = checked("a", { nonce: 1n, tip: 50n });
    const f1 = checked("b", { tip: 20n, oneTime: ["x"] });
    const f2 = checked("c", { tip: 1n, oneTime: ["y"] });
    for (const t of [a0, a1, f1, f2]) m.add(t, 1);
    expect(m.reap(10, 1 << 20).map((d) => d.hashHex)).to.deep.equal([f1, a0, a1, f2].map((t) => t.hashHex));
    expect(m.reap(2, 1 << 20).map((d) => d.hashHex)).to.deep.equal([f1, a0].map((t) => t.hashHex));
  });

  it("expire with the TTL and at their timeout height, counted as evicted, their actions released", () => {
    const m = new Mempool(limits);
    const ttl = checked("a", { oneTime: ["t"] });
    const timeout = checked("b", { oneTime: ["u"], timeout: 3 });
    const kept = checked("c", { oneTime: ["v"] });
    m.add(ttl, 1);
    m.add(timeout, 1);
    m.add(kept, 4);
    expect(m.update(2, [], () => 0n)).to.equal(0);
    expect(m.update(3, [], () => 0n)).to.equal(1);
    expect([m.has(timeout.hashHex), m.oneTimeHolder("u")]).to.deep.equal([false, undefined]);
    expect(m.update(6, [], () => 0n)).to.equal(1);
    expect([m.has(ttl.hashHex), m.oneTimeHolder("t"), m.has(kept.hashHex), m.size]).to.deep.equal([false, undefined, true, 1]);
    expect(m.update(9, [], () => 0n)).to.equal(1);
    expect(m.size).to.equal(0);
  });

  it("reap: equal tips go in arrival order; a transaction over the byte budget or local and too new is skipped with its sender's later ones, others still fit", () => {
    const m = new Mempool(limits);
    const late = checked("a", { tip: 5n, oneTime: ["late"] });
    const early = checked("b", { tip: 5n, oneTime: ["early"] });
    m.add(late, 3);
    m.add(early, 2);
    expect(m.reap(10, 1 << 20).map((d) => d.hashHex)).to.deep.equal([early, late].map((t) => t.hashHex));
    const big = checked("c", { tip: 9n, size: 250 });
    const after = checked("c", { tip: 9n, nonce: 1n, size: 10 });
    m.add(big, 1);
    m.add(after, 1);
    // Within 240 bytes the 250-byte head (highest tip) is skipped and its sender's nonce 1 waits
    // with it, but the other senders' transactions still come; within 260 it goes first.
    expect(m.reap(10, 240).map((d) => d.hashHex)).to.deep.equal([early, late].map((t) => t.hashHex));
    expect(m.reap(10, 260).map((d) => d.hashHex)).to.deep.equal([big, after].map((t) => t.hashHex));
    expect(m.reap(1, 1 << 20).map((d) => d.hashHex)).to.deep.equal([big.hashHex]);
    // localBefore: this node's own transactions admitted after it stay out (with their sender's later nonces).
    const local = new Mempool(limits);
    const mine = checked("d", { tip: 50n });
    const peer = checked("e", { tip: 1n });
    local.add(mine, 1, { localAt: 1_000 });
    local.add(peer, 1);
    expect(local.reap(10, 1 << 20, 999).map((d) => d.hashHex)).to.deep.equal([peer.hashHex]);
    expect(local.reap(10, 1 << 20, 1_000).map((d) => d.hashHex)).to.deep.equal([mine, peer].map((t) => t.hashHex));
  });

  describe("update of the senders' nonce queues (the lane's neighbours)", () => {
    it("keeps what a block left of a sender's queue, and leaves untouched senders alone", () => {
      const m = new Mempool(limits);
      const a = [0n, 1n, 2n].map((nonce) => checked("a", { nonce }));
      for (const t of a) m.add(t, 1);
      expect(m.update(2, [a[0]!.hashHex], () => 1n)).to.equal(0);
      expect([m.size, m.nextNonce("a"), m.has(a[1]!.hashHex), m.has(a[2]!.hashHex)]).to.deep.equal([2, 3n, true, true]);
      // A sender no block touched is left alone while nothing can expire.
      const b = checked("b");
      m.add(b, 2);
      expect(m.update(3, [], () => 5n)).to.equal(0);
      expect([m.size, m.has(b.hashHex)]).to.deep.equal([3, true]);
    });

    it("drops an included sender's nonces that its committed nonce has used, counted as evicted", () => {
      const m = new Mempool(limits);
      const a = [0n, 1n, 2n, 3n].map((nonce) => checked("a", { nonce }));
      for (const t of a) m.add(t, 1);
      // a[0] included; the committed nonce is 2 (a[1] went in through another proposer's block): a[1] evicted.
      expect(m.update(2, [a[0]!.hashHex], () => 2n)).to.equal(1);
      expect([m.has(a[1]!.hashHex), m.has(a[2]!.hashHex), m.has(a[3]!.hashHex), m.nextNonce("a")]).to.deep.equal([false, true, true, 4n]);
    });

    it("at an expiry height sweeps untouched senders too: an expired head takes its later nonces with it", () => {
      const m = new Mempool(limits); // TTL 5 blocks
      const a0 = checked("a", { nonce: 0n });
      const a1 = checked("a", { nonce: 1n });
      m.add(a0, 1);
      m.add(a1, 4);
      const c = checked("c", { nonce: 0n });
      m.add(c, 4);
      expect(m.update(5, [], () => 0n)).to.equal(0);
      expect(m.size).to.equal(3);
      // Height 6: a0's TTL is up (6 - 1 >= 5); a1 (added at 4) is not, but cannot run without a0.
      expect(m.update(6, [], () => 0n)).to.equal(2);
      expect([m.has(a0.hashHex), m.has(a1.hashHex), m.has(c.hashHex), m.nextNonce("a")]).to.deep.equal([false, false, true, undefined]);
      // c (added at 4) expires at 9, not before.
      expect(m.update(8, [], () => 0n)).to.equal(0);
      expect(m.update(9, [], () => 0n)).to.equal(1);
      expect(m.size).to.equal(0);
    });
  });
});
