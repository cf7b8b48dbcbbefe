// The release's sign bytes and transaction, cross-checked with cosmjs: the legacy StdSignDoc part
// equals @cosmjs/amino's serializeSignDoc of the same MsgSend (AminoTypes of @cosmjs/stargate);
// SDK 0.53's unordered fields are added as x/tx writes them; timeouts are unique per transfer
// and before expiresAt; the transaction decodes as cosmjs decodes it.
import { expect } from "chai";
import { makeSignDoc, serializeSignDoc } from "@cosmjs/amino";
import { decodeTxRaw } from "@cosmjs/proto-signing";
import { AminoTypes, createBankAminoConverters } from "@cosmjs/stargate";
import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { MultiSignature } from "cosmjs-types/cosmos/crypto/multisig/v1beta1/multisig";
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { sha256, toHex, utf8 } from "../../runtime/crypto/hash.ts";
import { CosmosKey, verifyCosmosSignature } from "./keys.ts";
import { aminoSignDoc, releaseSignBytes, releaseTimeout, releaseTx, rfc3339, timeoutNanos, txHash, type Release } from "./signdoc.ts";
import { cosmosValidatorSecret, testEscrow } from "./testing.ts";

const escrow = testEscrow([0, 1, 2, 3], "cosmos");
const release = (over: Partial<Release> = {}): Release => ({
  chainId: "cosmoshub-4",
  accountNumber: 42n,
  escrow: escrow.address,
  recipient: "cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu",
  denom: "ibc/ABC",
  amount: 123_456_789n,
  memo: toHex(sha256(utf8("transfer"))),
  timeout: { seconds: 1_767_225_599n, nanos: 7 },
  fee: { amount: [{ denom: "uatom", amount: "5000" }], gas: 200_000n },
  ...over,
});

describe("bridges/cosmos sign doc and release transaction", () => {
  it("the legacy StdSignDoc part is byte for byte what @cosmjs/amino serializes; unordered and timeout_timestamp come last, sorted", () => {
    const r = release();
    const mine = new TextDecoder().decode(releaseSignBytes(r));
    const amino = new AminoTypes(createBankAminoConverters()).toAmino({ typeUrl: "/cosmos.bank.v1beta1.MsgSend", value: MsgSend.fromPartial({ fromAddress: r.escrow, toAddress: r.recipient, amount: [{ denom: r.denom, amount: r.amount.toString() }] }) });
    const legacy = new TextDecoder().decode(serializeSignDoc(makeSignDoc([amino], { amount: [{ denom: "uatom", amount: "5000" }], gas: "200000" }, r.chainId, r.memo, 42, 0)));
    expect(legacy.endsWith(`"sequence":"0"}`)).to.equal(true);
    expect(mine).to.equal(`${legacy.slice(0, -1)},"timeout_timestamp":"2025-12-31T23:59:59.000000007Z","unordered":true}`);
    const doc = aminoSignDoc(release({ fee: { ...r.fee, granter: "cosmos1granter" } }));
    expect(doc.fee).to.deep.equal({ amount: [{ amount: "5000", denom: "uatom" }], gas: "200000", granter: "cosmos1granter" });
  });

  it("timestamps are rendered as Go's RFC3339 / RFC3339Nano (trailing zeros trimmed)", () => {
    expect(rfc3339({ seconds: 1_767_225_600n, nanos: 0 })).to.equal("2026-01-01T00:00:00Z");
    expect(rfc3339({ seconds: 1_767_225_600n, nanos: 120_000_000 })).to.equal("2026-01-01T00:00:00.12Z");
    expect(rfc3339({ seconds: 1_767_225_600n, nanos: 1 })).to.equal("2026-01-01T00:00:00.000000001Z");
    expect(rfc3339({ seconds: 1_767_225_600n, nanos: 999_999_999 })).to.equal("2026-01-01T00:00:00.999999999Z");
  });

  it("the timeout is before expiresAt and unique per transfer (the chain's unordered nonce)", () => {
    const seen = new Set<bigint>();
    for (const expiresAt of [1_800_000_000n, 1_800_000_001n]) {
      for (let seq = 1n; seq <= 500n; seq++) {
        const t = releaseTimeout({ seq, expiresAt });
        expect(timeoutNanos(t) < expiresAt * 1_000_000_000n).to.equal(true);
        seen.add(timeoutNanos(t));
      }
    }
    expect(seen.size).to.equal(1000);
  });

  it("the transaction: unordered body with the memo and timeout, the multisig signer info (bit array, LEGACY_AMINO_JSON, sequence 0), one MultiSignature", () => {
    const r = release();
    const bytes = releaseSignBytes(r);
    const sigs = new Map([0, 2, 3].map((n) => [escrow.members.indexOf(new CosmosKey(cosmosValidatorSecret(n)).publicKeyHex), new CosmosKey(cosmosValidatorSecret(n)).sign(bytes)] as const));
    for (const [i, s] of sigs) expect(verifyCosmosSignature(s, bytes, Buffer.from(escrow.members[i]!, "hex"))).to.equal(true);
    const tx = releaseTx(r, escrow, sigs);
    expect(tx.hash).to.equal(txHash(tx.bytes));
    const d = decodeTxRaw(tx.bytes);
    expect(d.body.unordered).to.equal(true);
    expect(d.body.memo).to.equal(r.memo);
    expect(d.body.timeoutTimestamp).to.deep.equal({ seconds: r.timeout.seconds, nanos: r.timeout.nanos });
    const si = d.authInfo.signerInfos[0]!;
    expect(si.sequence).to.equal(0n);
    expect(si.publicKey!.typeUrl).to.equal("/cosmos.crypto.multisig.LegacyAminoPubKey");
    expect(si.modeInfo!.multi!.modeInfos.map((m) => m.single!.mode)).to.deep.equal([SignMode.SIGN_MODE_LEGACY_AMINO_JSON, SignMode.SIGN_MODE_LEGACY_AMINO_JSON, SignMode.SIGN_MODE_LEGACY_AMINO_JSON]);
    const bits = si.modeInfo!.multi!.bitarray!;
    expect(bits.extraBitsStored).to.equal(4);
    const set = [0, 1, 2, 3].filter((i) => (bits.elems[0]! & (0x80 >> i)) !== 0);
    expect(set).to.deep.equal([...sigs.keys()].sort());
    expect(MultiSignature.decode(d.signatures[0]!).signatures).to.have.length(3);
    expect(d.authInfo.fee!.gasLimit).to.equal(200_000n);
  });
});
