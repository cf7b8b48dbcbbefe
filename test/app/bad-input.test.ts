import { expect } from "chai";
import { openTestNode, testSigner, removeDir, type TestNode } from "../helpers/node-harness.ts";
import { sendBody, signedSend } from "../helpers/txs.ts";
import { signTx } from "../../runtime/tx/sign.ts";
import { encodeTx } from "../../runtime/tx/envelope.ts";
import { Band } from "../../runtime/tx/bands.ts";
import { TxError, type TxErrorCode } from "../../runtime/tx/errors.ts";

async function rejection(t: TestNode, bytes: Uint8Array): Promise<TxError> {
  try {
    await t.node.submitTx(bytes);
  } catch (e) {
    if (e instanceof TxError) return e;
    throw e;
  }
  throw new Error("transaction was accepted");
}

describe("checkTx rejects bad input, each with its own code and a clear message", () => {
  let t: TestNode;
  const a = testSigner(0);
  const b = testSigner(1);
  const poor = testSigner(50); // not funded

  before(async () => {
    t = await openTestNode();
  });
  after(async () => {
    await t.close();
    removeDir(t.dir);
  });

  const expectCode = async (bytes: Uint8Array, code: TxErrorCode, re: RegExp): Promise<void> => {
    const e = await rejection(t, bytes);
    expect(e.code, e.message).to.equal(code);
    expect(e.message).to.match(re);
  };

  it("malformed bytes → TX_MALFORMED", async () => {
    await expectCode(new Uint8Array([1, 2, 3]), "TX_MALFORMED", /transaction/);
  });

  it("wrong chain id → TX_WRONG_CHAIN", async () => {
    await expectCode(signedSend(a, b.address, 1n, 0n, { chainId: "other-chain" }).bytes, "TX_WRONG_CHAIN", /"other-chain" but this is "nexus-test-1"/);
  });

  it("bad signature → TX_BAD_SIGNATURE", async () => {
    const d = signedSend(a, b.address, 1n, 0n);
    const sig = d.tx.auth[0]!.signature.slice();
    sig[5]! ^= 0xff;
    const forged = encodeTx({ body: d.tx.body, auth: [{ ...d.tx.auth[0]!, signature: sig }] });
    await expectCode(forged, "TX_BAD_SIGNATURE", /does not verify/);
  });

  it("signature over another body → TX_BAD_SIGNATURE", async () => {
    const d1 = signedSend(a, b.address, 1n, 0n);
    const d2 = signedSend(a, b.address, 2n, 0n);
    await expectCode(encodeTx({ body: d2.tx.body, auth: d1.tx.auth }), "TX_BAD_SIGNATURE", /does not verify/);
  });

  it("a key that is not the sender's → TX_SENDER_MISMATCH", async () => {
    const body = sendBody(a, b.address, 1n, 0n);
    const d = signTx(body, [b]); // signed by b, claims to be from a
    await expectCode(d.bytes, "TX_SENDER_MISMATCH", /is not the address of auth\[0\]/);
  });

  it("unknown signature scheme → TX_UNKNOWN_SCHEME", async () => {
    const d = signedSend(a, b.address, 1n, 0n);
    await expectCode(encodeTx({ body: d.tx.body, auth: [{ ...d.tx.auth[0]!, scheme: "rsa-1024" }] }), "TX_UNKNOWN_SCHEME", /"rsa-1024"/);
  });

  it("fee limit below E=h·f → TX_FEE_TOO_LOW", async () => {
    await expectCode(signedSend(a, b.address, 1n, 0n, { feeLimit: 100n }).bytes, "TX_FEE_TOO_LOW", /below the required \d+/);
  });

  it("oversized transaction → TX_TOO_LARGE", async () => {
    const big = signedSend(a, b.address, 1n, 0n, { memo: "x".repeat(200) });
    const padded = new Uint8Array(70_000);
    padded.set(big.bytes);
    await expectCode(padded, "TX_TOO_LARGE", /limit is 65536/);
  });

  it("unknown typeUrl → TX_UNKNOWN_MSG", async () => {
    const body = { ...sendBody(a, b.address, 1n, 0n), msgs: [{ typeUrl: "/nope.v1.MsgNothing", value: {} }] };
    await expectCode(signTx(body, [a]).bytes, "TX_UNKNOWN_MSG", /"\/nope\.v1\.MsgNothing"/);
  });

  it("message failing its schema → TX_INVALID_MSG naming the field", async () => {
    const body = sendBody(a, b.address, 1n, 0n);
    const bad = { ...body, msgs: [{ typeUrl: "/bank.v1.MsgSend", value: { from: a.address, to: b.address, amount: [{ denom: "nxt", amount: "1.5" }] } }] };
    await expectCode(signTx(bad, [a]).bytes, "TX_INVALID_MSG", /value\/amount\/0\/amount must match pattern/);
    const extra = { ...body, msgs: [{ typeUrl: "/bank.v1.MsgSend", value: { ...body.msgs[0]!.value, extra: 1 } }] };
    await expectCode(signTx(extra, [a]).bytes, "TX_INVALID_MSG", /unknown field "extra"/);
  });

  it("addresses that match the pattern but do not decode, zero amounts, a denomination twice → TX_INVALID_MSG, no fee", async () => {
    const body = sendBody(a, b.address, 1n, 0n);
    const send = (value: Record<string, unknown>): Uint8Array => signTx({ ...body, msgs: [{ typeUrl: "/bank.v1.MsgSend", value: { ...body.msgs[0]!.value, ...value } }] }, [a]).bytes;
    // One character changed: the bech32m checksum fails.
    const last = b.address.at(-1) === "q" ? "p" : "q";
    await expectCode(send({ to: b.address.slice(0, -1) + last }), "TX_INVALID_MSG", /msgs\[0\] \(\/bank\.v1\.MsgSend\): to: .*checksum/i);
    // Valid bech32m of 16 bytes: the right shape, the wrong length for an address.
    const { bech32m } = await import("@scure/base");
    const short = bech32m.encode("nxs", bech32m.toWords(new Uint8Array(16).fill(7)));
    await expectCode(send({ to: short }), "TX_INVALID_MSG", /to: /);
    await expectCode(send({ amount: [{ denom: "nxt", amount: "0" }] }), "TX_INVALID_MSG", /must be positive/);
    await expectCode(send({ amount: [{ denom: "nxt", amount: "1" }, { denom: "nxt", amount: "2" }] }), "TX_INVALID_MSG", /appears twice/);
    const multi = { typeUrl: "/bank.v1.MsgMultiSend", value: { inputs: [{ address: a.address, coins: [{ denom: "nxt", amount: "5" }] }], outputs: [{ address: b.address, coins: [{ denom: "nxt", amount: "4" }] }] } };
    await expectCode(signTx({ ...body, msgs: [multi] }, [a]).bytes, "TX_INVALID_MSG", /inputs total 5nxt but outputs total 4nxt/);
    expect(t.node.getAccount(a.address).nonce, "nothing reached a block, no fee was taken").to.equal("0");
  });

  it("message needing a signature the transaction lacks → TX_MISSING_SIGNER", async () => {
    const body = sendBody(a, b.address, 1n, 0n);
    const steal = { ...body, msgs: [{ typeUrl: "/bank.v1.MsgSend", value: { from: b.address, to: a.address, amount: [{ denom: "nxt", amount: "5" }] } }] };
    await expectCode(signTx(steal, [a]).bytes, "TX_MISSING_SIGNER", /must be signed by nxs1/);
  });

  it("band without permission → TX_BAND_FORBIDDEN", async () => {
    await expectCode(signedSend(a, b.address, 1n, 0n, { band: Band.PICO, feeLimit: 10n ** 9n }).bytes, "TX_BAND_FORBIDDEN", /registered attestor/);
    await expectCode(signedSend(a, b.address, 1n, 0n, { band: Band.FEMTO, feeLimit: 10n ** 9n }).bytes, "TX_BAND_FORBIDDEN", /active validator/);
    await expectCode(signedSend(a, b.address, 1n, 0n, { band: Band.ATTO, feeLimit: 10n ** 9n }).bytes, "TX_BAND_FORBIDDEN", /governance proposal/);
    await expectCode(signedSend(a, b.address, 1n, 0n, { band: Band.PLANCK, feeLimit: 10n ** 9n }).bytes, "TX_BAND_FORBIDDEN", /genesis band/);
  });

  it("no balance for the fee → TX_INSUFFICIENT_FEE_BALANCE", async () => {
    await expectCode(signedSend(poor, b.address, 1n, 0n).bytes, "TX_INSUFFICIENT_FEE_BALANCE", /has 0nxt, needs \d+/);
  });

  it("expired → TX_EXPIRED", async () => {
    await t.node.produceBlock();
    await t.node.produceBlock();
    await expectCode(signedSend(a, b.address, 1n, 0n, { timeoutHeight: 1 }).bytes, "TX_EXPIRED", /timed out at height 1/);
  });

  it("gapped nonce → TX_NONCE_GAP; replayed nonce → TX_NONCE_REPLAYED; same bytes twice → TX_DUPLICATE", async () => {
    await expectCode(signedSend(a, b.address, 1n, 5n).bytes, "TX_NONCE_GAP", /next nonce is 0/);
    const first = signedSend(a, b.address, 1n, 0n);
    await t.node.submitTx(first.bytes);
    await expectCode(first.bytes, "TX_DUPLICATE", /already in the mempool/);
    await t.node.produceBlock();
    await expectCode(first.bytes, "TX_DUPLICATE", /already committed/);
    await expectCode(signedSend(a, b.address, 2n, 0n).bytes, "TX_NONCE_REPLAYED", /nonce 0 .* was already used; the next nonce is 1/);
  });

  it("a failing message becomes a failed receipt: fee charged, transfer undone", async () => {
    const before = BigInt(t.node.getBalance(b.address, "nxt").amount);
    const nonce = BigInt(t.node.getAccount(a.address).nonce);
    const d = signedSend(a, b.address, 10n ** 30n, nonce); // more than a has
    await t.node.submitTx(d.bytes);
    await t.node.produceBlock();
    const st = t.node.getTx(Buffer.from(d.hash).toString("hex"));
    if (st.status !== "committed") throw new Error("not committed");
    expect(st.receipt.code).to.equal(17);
    expect(st.receipt.codeName).to.equal("BANK_INSUFFICIENT_FUNDS");
    expect(st.receipt.log).to.match(/needs 1000000000000000000000000000000nxt/);
    expect(BigInt(st.receipt.fee) > 0n).to.equal(true);
    expect(BigInt(t.node.getBalance(b.address, "nxt").amount)).to.equal(before);
    expect(t.node.getAccount(a.address).nonce).to.equal((nonce + 1n).toString());
  });

  it("each code has its own number", async () => {
    const { TX_ERRORS } = await import("../../runtime/tx/errors.ts");
    const nums = Object.values(TX_ERRORS);
    expect(new Set(nums).size).to.equal(nums.length);
  });

});
