import { expect } from "chai";
import { createHash } from "node:crypto";
import { blockSeconds, expiryPassed, freshBucket, inboundContentHash, passesThreshold, refill, take, transferId, u64be } from "./rules.ts";

describe("bridge: rules (pure)", () => {
  describe("threshold: power * 3 > total * 2", () => {
    it("exactly 2/3 is not enough; one unit more is", () => {
      expect(passesThreshold(200n, 300n)).to.equal(false);
      expect(passesThreshold(201n, 300n)).to.equal(true);
      expect(passesThreshold(2n, 3n)).to.equal(false);
      expect(passesThreshold(3n, 3n)).to.equal(true);
      // 4 equal validators: 3 of them (75%) pass, 2 (50%) do not.
      expect(passesThreshold(3n, 4n)).to.equal(true);
      expect(passesThreshold(2n, 4n)).to.equal(false);
      // 6 equal validators: 4 of them are exactly 2/3: refused.
      expect(passesThreshold(4n, 6n)).to.equal(false);
      expect(passesThreshold(5n, 6n)).to.equal(true);
    });
    it("an empty set passes nothing", () => {
      expect(passesThreshold(0n, 0n)).to.equal(false);
      expect(passesThreshold(1n, 0n)).to.equal(false);
    });
  });

  describe("transferId", () => {
    it("matches the wire formula computed by hand", () => {
      // SHA-256( "nexus-bridge-out-v1\n" ‖ "nexus-1" ‖ 0x0a ‖ "sepolia" ‖ 0x0a ‖ u64be(7) )
      const bytes = Buffer.concat([Buffer.from("nexus-bridge-out-v1\n", "utf8"), Buffer.from("nexus-1", "utf8"), Buffer.from([0x0a]), Buffer.from("sepolia", "utf8"), Buffer.from([0x0a]), Buffer.from([0, 0, 0, 0, 0, 0, 0, 7])]);
      const expected = createHash("sha256").update(bytes).digest("hex");
      expect(transferId("nexus-1", "sepolia", 7)).to.equal(expected);
      expect(transferId("nexus-1", "sepolia", 7n)).to.equal(expected);
      expect(transferId("nexus-1", "sepolia", 8)).to.not.equal(expected);
      expect(transferId("nexus-2", "sepolia", 7)).to.not.equal(expected);
      expect(transferId("nexus-1", "evm-local", 7)).to.not.equal(expected);
    });
    it("u64be is big-endian and bounded", () => {
      expect([...u64be(0x0102030405060708n)]).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(() => u64be(1n << 64n)).to.throw(RangeError);
      expect(() => u64be(-1n)).to.throw(RangeError);
    });
  });

  it("inbound content hash: identical content ⇔ identical hash; every field counts", () => {
    const c = { sender: "0xabc", recipient: "nxs1x", amount: 5n, sourceTx: "0x01:3" };
    const h = inboundContentHash("sepolia", 1, c);
    expect(h).to.match(/^[0-9a-f]{64}$/);
    expect(inboundContentHash("sepolia", 1, { ...c })).to.equal(h);
    expect(inboundContentHash("sepolia", 2, c)).to.not.equal(h);
    expect(inboundContentHash("evm-local", 1, c)).to.not.equal(h);
    for (const d of [{ sender: "0xabd" }, { recipient: "nxs1y" }, { amount: 6n }, { sourceTx: "0x01:4" }]) expect(inboundContentHash("sepolia", 1, { ...c, ...d })).to.not.equal(h);
    const expected = createHash("sha256").update("nexus-bridge-in-v1\nsepolia\n1\n0xabc\nnxs1x\n5\n0x01:3").digest("hex");
    expect(h).to.equal(expected);
  });

  describe("token bucket", () => {
    const rule = { capacity: 1000n, refillPerSecond: 10n };
    it("starts full, takes, refills with time up to capacity", () => {
      let b = freshBucket(rule, 100);
      expect(b.tokens).to.equal(1000n);
      const r1 = take(b, rule, 100, 700n);
      expect(r1.ok).to.equal(true);
      b = r1.bucket;
      expect(b.tokens).to.equal(300n);
      const r2 = take(b, rule, 100, 301n);
      expect(r2.ok).to.equal(false);
      if (!r2.ok) expect(r2.retryAfterSeconds).to.equal(1); // deficit 1, 10 per second: 1 s
      const r3 = take(b, rule, 110, 400n); // +100
      expect(r3.ok).to.equal(true);
      expect(r3.bucket.tokens).to.equal(0n);
      expect(refill(r3.bucket, rule, 10_000).tokens).to.equal(1000n);
    });
    it("says how long to wait, rounding up; null when it never fits", () => {
      const empty = { tokens: 0n, updatedAt: 50 };
      const r = take(empty, rule, 50, 95n);
      expect(r.ok).to.equal(false);
      if (!r.ok) expect(r.retryAfterSeconds).to.equal(10);
      const over = take(empty, rule, 50, 1001n);
      if (over.ok) throw new Error("took more than capacity");
      expect(over.retryAfterSeconds).to.equal(null);
      const dry = take(empty, { capacity: 10n, refillPerSecond: 0n }, 50, 5n);
      if (dry.ok) throw new Error("took from a dry bucket");
      expect(dry.retryAfterSeconds).to.equal(null);
    });
    it("time running back never adds or removes tokens", () => {
      const b = { tokens: 10n, updatedAt: 100 };
      expect(refill(b, rule, 90)).to.deep.equal({ tokens: 10n, updatedAt: 100 });
    });
  });

  it("expiry: strictly after expiresAt + margin; block time in whole seconds", () => {
    expect(expiryPassed(1600, 1000, 600)).to.equal(false);
    expect(expiryPassed(1601, 1000, 600)).to.equal(true);
    expect(expiryPassed(1001, 1000, 0)).to.equal(true);
    expect(blockSeconds(1_767_225_600_999)).to.equal(1_767_225_600);
  });
});
