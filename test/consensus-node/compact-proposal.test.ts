import { expect } from "chai";
import { CodecError, encodeCanonical } from "../../runtime/codec/canonical.ts";
import { encodeBlock, encodeHeader, merkleRoot, type BlockHeader } from "../../runtime/app/block.ts";
import { sha256, toHex } from "../../runtime/crypto/hash.ts";
import { compactProblem, decodeCompactProposal, encodeCompactProposal, MAX_COMPACT_TXS, type CompactProposal } from "../../runtime/consensus/engine/compact-proposal.ts";
import { decodeBlockGossip, encodeBlockGossip } from "../../runtime/consensus/engine/block-gossip.ts";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

function proposal(n: number, prefilledAt: number[] = []): { c: CompactProposal; txs: Uint8Array[] } {
  const txs = Array.from({ length: n }, (_, i) => Uint8Array.from({ length: 50 + (i % 7) }, (_, j) => (i * 31 + j) & 255));
  const hashes = txs.map((t) => sha256(t));
  const header: BlockHeader = {
    chainId: "compact-test-1",
    height: 7,
    time: 1_700_000_000_000,
    prevHash: new Uint8Array(32).fill(1),
    txRoot: merkleRoot(hashes),
    stateRoot: new Uint8Array(32).fill(2),
    resultsRoot: new Uint8Array(32).fill(3),
    proposer: "nexus1proposer",
  };
  return { c: { header, hashes, prefilled: prefilledAt.map((index) => ({ index, tx: txs[index]! })) }, txs };
}

function same(a: CompactProposal, b: CompactProposal): void {
  expect(hex(encodeHeader(a.header))).to.equal(hex(encodeHeader(b.header)));
  expect(a.hashes.map(hex)).to.deep.equal(b.hashes.map(hex));
  expect(a.prefilled.map((p) => [p.index, hex(p.tx)])).to.deep.equal(b.prefilled.map((p) => [p.index, hex(p.tx)]));
  expect(a.nonce).to.equal(b.nonce);
}

describe("compact proposals (block gossip kind 3)", () => {
  it("round-trip with and without prefilled transactions and nonce, through block gossip too", () => {
    for (const [n, pre, nonce] of [[0, [], undefined], [1, [0], undefined], [300, [0, 17, 299], 12345], [3000, [], 2 ** 31]] as const) {
      const { c } = proposal(n, [...pre]);
      const withNonce = { ...c, nonce };
      const bytes = encodeCompactProposal(withNonce);
      const back = decodeCompactProposal(bytes);
      same(back, withNonce);
      expect(compactProblem(back)).to.equal(undefined);
      const g = decodeBlockGossip(encodeBlockGossip({ kind: "compact", compact: withNonce }));
      expect(g.kind).to.equal("compact");
      if (g.kind === "compact") same(g.compact, withNonce);
    }
    // 3 000 hashes: ~100 KB, where the full block of 3 000 transfers is ~10x that.
    expect(encodeCompactProposal(proposal(3000).c).length).to.be.below(3000 * 35 + 1024);
  });

  it("the older kinds still decode beside it", () => {
    const { c, txs } = proposal(3);
    const block = encodeBlock({ header: c.header, txs });
    const p = decodeBlockGossip(encodeBlockGossip({ kind: "proposal", bytes: block }));
    expect(p.kind).to.equal("proposal");
    const v = decodeBlockGossip(encodeBlockGossip({ kind: "votes", nonce: 1, height: 2, messages: [Uint8Array.of(1)] }));
    expect(v.kind).to.equal("votes");
  });

  it("a proposal whose hashes do not give txRoot, or whose prefilled bytes do not match, has a problem", () => {
    const { c, txs } = proposal(10, [3]);
    const swapped = { ...c, hashes: [c.hashes[1]!, c.hashes[0]!, ...c.hashes.slice(2)] };
    expect(compactProblem(swapped)).to.match(/txRoot/);
    expect(compactProblem({ ...c, hashes: c.hashes.slice(1) })).to.match(/txRoot/);
    expect(compactProblem({ ...c, prefilled: [{ index: 3, tx: txs[4]! }] })).to.match(/prefilled/);
  });

  it("refuses malformed, out-of-range, non-canonical and trailing input with a CodecError", () => {
    const { c } = proposal(4, [1]);
    const h = encodeHeader(c.header);
    const bad: Uint8Array[] = [
      encodeCanonical([3, h, [new Uint8Array(31)], []]),
      encodeCanonical([3, h, c.hashes, [[4, Uint8Array.of(1)]]]),
      encodeCanonical([3, h, c.hashes, [[2, Uint8Array.of(1)], [1, Uint8Array.of(1)]]]),
      encodeCanonical([3, h, c.hashes, [[1, Uint8Array.of(1)], [1, Uint8Array.of(1)]]]),
      encodeCanonical([3, h, c.hashes]),
      encodeCanonical([3, h, c.hashes, [], "nonce"]),
      encodeCanonical([3, Uint8Array.of(1, 2), c.hashes, []]),
      encodeCanonical([3, h, c.hashes, [[1]]]),
      Uint8Array.of(...encodeCompactProposal(c), 0),
      encodeCompactProposal(c).subarray(0, 100),
    ];
    for (const b of bad) expect(() => decodeCompactProposal(b), hex(b.subarray(0, 12))).to.throw(CodecError);
    for (const b of bad) expect(() => decodeBlockGossip(b)).to.throw();
    // Too many hashes is refused before anything else is looked at.
    const many = encodeCanonical([3, h, Array.from({ length: MAX_COMPACT_TXS + 1 }, () => new Uint8Array(32)), []]);
    expect(() => decodeCompactProposal(many)).to.throw(CodecError, /limit/);
  });

  it("fuzzed bytes never crash the decoder: each input decodes or throws a CodecError", () => {
    const good = encodeCompactProposal({ ...proposal(20, [2, 9]).c, nonce: 5 });
    let s = 7;
    const rnd = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    for (let i = 0; i < 2000; i++) {
      const b = good.slice(0, 1 + Math.floor(rnd() * good.length));
      for (let k = 0; k < 3; k++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      try {
        const d = decodeCompactProposal(b);
        expect(toHex(encodeCompactProposal(d))).to.equal(toHex(b));
      } catch (e) {
        expect(e, String(e)).to.be.instanceOf(CodecError);
      }
    }
  });
});
