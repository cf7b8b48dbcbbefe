import { expect } from "chai";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { encode } from "cborg";
import { decodeTx, encodeTx, type TxBody } from "../../runtime/tx/envelope.ts";
import { signTx, verifyTxSignatures } from "../../runtime/tx/sign.ts";
import { decodeCanonical, encodeCanonical } from "../../runtime/codec/canonical.ts";
import { decodeBlock, encodeBlock, encodeHeader, blockHash, type BlockHeader } from "../../runtime/app/block.ts";
import { fromHex, toHex } from "../../runtime/crypto/hash.ts";
import { TxError } from "../../runtime/tx/errors.ts";
import { openTestNode, removeDir, testSigner, testSchemes } from "../helpers/node-harness.ts";
import { sendBody } from "../helpers/txs.ts";

const golden = JSON.parse(readFileSync(new URL("../vectors/nexus-wire-golden.json", import.meta.url), "utf8"));

describe("canonical encoding", () => {
  it("reproduces the golden transfer bytes and hash exactly", () => {
    const a = testSigner(0);
    const t = golden.transfer;
    const d = signTx(
      sendBody(a, t.to, BigInt(t.amount), BigInt(t.nonce), { feeLimit: BigInt(t.feeLimit), tip: BigInt(t.tip), memo: t.memo, timeoutHeight: t.timeoutHeight }),
      [a],
    );
    expect(toHex(d.bytes)).to.equal(t.bytes);
    expect(toHex(d.hash)).to.equal(t.hash);
    expect(toHex(d.bodyBytes)).to.equal(t.bodyBytes);
  });

  it("decodes the golden transfer and its signature verifies", () => {
    const d = decodeTx(fromHex(golden.transfer.bytes));
    expect(d.tx.body.nonce).to.equal(7n);
    expect(d.tx.body.memo).to.equal("golden");
    verifyTxSignatures(d, testSchemes());
  });

  it("reproduces the golden block header encoding and hash", () => {
    const g = golden.header;
    const h: BlockHeader = { ...g, prevHash: fromHex(g.prevHash), txRoot: fromHex(g.txRoot), stateRoot: fromHex(g.stateRoot), resultsRoot: fromHex(g.resultsRoot) };
    expect(toHex(encodeHeader(h))).to.equal(g.bytes);
    expect(toHex(blockHash(h))).to.equal(g.hash);
    const back = decodeBlock(encodeBlock({ header: h, txs: [fromHex(golden.transfer.bytes)] }));
    expect(toHex(encodeHeader(back.header))).to.equal(g.bytes);
    expect(toHex(back.txs[0]!)).to.equal(golden.transfer.bytes);
  });

  it("round-trips random transaction bodies (property)", () => {
    const a = testSigner(0);
    const b = testSigner(1);
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.bigInt({ min: 1n, max: 10n ** 30n }),
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.oneof(fc.string({ maxLength: 200 }), fc.string({ maxLength: 20 }).map((s) => "\uFEFF" + s)),
        (nonce, fee, amount, timeoutHeight, memo) => {
          const body: TxBody = sendBody(a, b.address, amount, nonce, { feeLimit: fee, timeoutHeight, memo });
          const d = signTx(body, [a]);
          const back = decodeTx(d.bytes);
          expect(back.tx.body).to.deep.equal(body);
          expect(toHex(encodeTx(back.tx))).to.equal(toHex(d.bytes));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("a memo starting with U+FEFF makes a transaction that decodes to the same body, bytes and hash", () => {
    const a = testSigner(0);
    const b = testSigner(1);
    for (const memo of ["\uFEFF", "\uFEFFhello", "\uFEFF\uFEFF", "\uFEFF" + "é".repeat(100)]) {
      const d = signTx(sendBody(a, b.address, 5n, 0n, { memo }), [a]);
      const back = decodeTx(d.bytes);
      expect(back.tx.body.memo).to.equal(memo);
      expect(toHex(back.hash)).to.equal(toHex(d.hash));
      expect(toHex(encodeTx(back.tx))).to.equal(toHex(d.bytes));
      expect(() => verifyTxSignatures(back, testSchemes())).to.not.throw();
    }
    // A string value anywhere in the wire format: the canonical codec agrees with itself.
    expect(toHex(encodeCanonical("\uFEFFa"))).to.equal("64efbbbf61");
    expect(decodeCanonical(fromHex("64efbbbf61"))).to.equal("\uFEFFa");
  });

  it("rejects non-canonical encodings of the same value", () => {
    // 1 encoded in two bytes (0x18 0x01) instead of one: same value, different bytes.
    expect(() => decodeCanonical(new Uint8Array([0x18, 0x01]))).to.throw(/malformed|canonical/);
    // a map with keys out of canonical order
    const unsorted = new Uint8Array([0xa2, 0x61, 0x62, 0x01, 0x61, 0x61, 0x02]);
    expect(() => decodeCanonical(unsorted)).to.throw(/canonical/);
    expect(decodeCanonical(encodeCanonical({ a: 2, b: 1 }))).to.deep.equal({ a: 2, b: 1 });
  });

  it("rejects malformed transaction bytes with TX_MALFORMED and the reason", () => {
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array([]), /malformed/],
      [new Uint8Array([0xff, 0x00]), /malformed/],
      [encode([1, 2]), /3 elements/],
      [encode([2, [], []]), /version 2/],
      [encode([1, ["c", new Uint8Array(31), 0, 1, 0, 0, 0, "", [["/x", {}]]], []]), /sender must be 32 bytes/],
      [encode([1, ["c", new Uint8Array(32), 0, 9, 0, 0, 0, "", [["/x", {}]]], [["ed25519", new Uint8Array(32), new Uint8Array(64)]]]), /band must be 1\.\.7/],
      [encode([1, ["c", new Uint8Array(32), -1, 1, 0, 0, 0, "", [["/x", {}]]], [["ed25519", new Uint8Array(32), new Uint8Array(64)]]]), /nonce must be/],
      [encode([1, ["c", new Uint8Array(32), 0, 1, 0, 0, 0, "", []], [["ed25519", new Uint8Array(32), new Uint8Array(64)]]]), /msgs must have/],
      [encode([1, ["c", new Uint8Array(32), 0, 1, 0, 0, 0, "", [["/x", [1]]]], [["ed25519", new Uint8Array(32), new Uint8Array(64)]]]), /value must be an object/],
      [encode([1, ["c", new Uint8Array(32), 0, 1, 0, 0, 0, "", [["/x", {}]]], []]), /auth must have/],
    ];
    for (const [bytes, re] of cases) {
      try {
        decodeTx(bytes);
        expect.fail(`accepted ${toHex(bytes)}`);
      } catch (e) {
        expect(e).to.be.instanceOf(TxError);
        expect((e as TxError).code).to.equal("TX_MALFORMED");
        expect((e as Error).message).to.match(re);
      }
    }
  });

  it("rejects oversized transactions before decoding them", () => {
    expect(() => decodeTx(new Uint8Array(70_000), 65_536)).to.throw(TxError, /70000 bytes, the limit is 65536/);
  });
});

describe("a transaction whose memo starts with U+FEFF, through a node", () => {
  it("is admitted and committed with an OK receipt", async () => {
    const t = await openTestNode();
    try {
      const a = testSigner(0);
      const d = signTx(sendBody(a, testSigner(1).address, 5n, 0n, { memo: "\uFEFFbom memo" }), [a]);
      await t.node.submitTx(d.bytes);
      await t.node.produceBlock();
      const st = t.node.getTx(toHex(d.hash));
      expect(st.status).to.equal("committed");
      if (st.status !== "committed") return;
      expect(st.receipt.code, st.receipt.log).to.equal(0);
    } finally {
      await t.close();
      removeDir(t.dir);
    }
  });
});
