import { expect } from "chai";
import { hashTypedData, recoverTypedDataAddress, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { evmAddressOf, mintDigest, recoverEvmSigner, signEvmDigest, MINT_TYPE } from "./eip712.ts";
import { transferId } from "./rules.ts";

const SK = "0x" + "11".repeat(32);
const domain = { name: "NexusBridge", version: "2", chainId: 31337, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3" } as const;
const types = { Mint: [{ name: "transferId", type: "bytes32" }, { name: "recipient", type: "address" }, { name: "amount", type: "uint256" }, { name: "expiresAt", type: "uint64" }] } as const;
const fields = { transferId: transferId("nexus-test-1", "evm-local", 1), recipient: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", amount: 123_456_789n, expiresAt: 1_767_229_200 };

/** The digest and signatures cross-checked against viem (an independent EIP-712 implementation). */
describe("bridge: EIP-712 Mint (NexusBridge v2)", () => {
  it("the type string is the contract's", () => {
    expect(MINT_TYPE).to.equal("Mint(bytes32 transferId,address recipient,uint256 amount,uint64 expiresAt)");
  });

  it("mintDigest equals viem's hashTypedData", () => {
    const ours = "0x" + Buffer.from(mintDigest({ chainId: domain.chainId, verifyingContract: domain.verifyingContract }, fields)).toString("hex");
    const theirs = hashTypedData({ domain, types, primaryType: "Mint", message: { ...fields, transferId: ("0x" + fields.transferId) as Hex, recipient: fields.recipient as Hex, expiresAt: BigInt(fields.expiresAt) } });
    expect(ours).to.equal(theirs);
  });

  it("a viem-signed Mint recovers to the signer; ours recovers in viem; a tampered digest or high s does not", async () => {
    const account = privateKeyToAccount(SK as Hex);
    const message = { ...fields, transferId: ("0x" + fields.transferId) as Hex, recipient: fields.recipient as Hex, expiresAt: BigInt(fields.expiresAt) };
    const sig = await account.signTypedData({ domain, types, primaryType: "Mint", message });
    const digest = mintDigest({ chainId: domain.chainId, verifyingContract: domain.verifyingContract }, fields);
    expect(recoverEvmSigner(digest, sig)).to.equal(account.address.toLowerCase());
    const ours = signEvmDigest(digest, Buffer.from(SK.slice(2), "hex"));
    expect(ours).to.equal(sig.toLowerCase());
    expect((await recoverTypedDataAddress({ domain, types, primaryType: "Mint", message, signature: ours as Hex })).toLowerCase()).to.equal(account.address.toLowerCase());
    expect(evmAddressOf(secp256k1.getPublicKey(Buffer.from(SK.slice(2), "hex"), true))).to.equal(account.address.toLowerCase());
    const other = mintDigest({ chainId: 1, verifyingContract: domain.verifyingContract }, fields);
    expect(recoverEvmSigner(other, sig)).to.not.equal(account.address.toLowerCase());
    // The malleable twin (n − s, v flipped) is refused, as OpenZeppelin's ECDSA refuses it.
    const N = secp256k1.Point.Fn.ORDER;
    const b = Buffer.from(sig.slice(2), "hex");
    const s = BigInt("0x" + b.subarray(32, 64).toString("hex"));
    const twin = Buffer.concat([b.subarray(0, 32), Buffer.from((N - s).toString(16).padStart(64, "0"), "hex"), Buffer.from([b[64] === 27 ? 28 : 27])]);
    expect(recoverEvmSigner(digest, "0x" + twin.toString("hex"))).to.equal(null);
    expect(recoverEvmSigner(digest, "0x1234")).to.equal(null);
    expect(recoverEvmSigner(digest, "0x" + "00".repeat(64) + "1b")).to.equal(null);
  });
});
