import { expect } from "chai";
import { hashTypedData, recoverAddress, type Hex } from "viem";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import {
  BHLS_DELIVERY_TYPE,
  EPOCH_UPDATE_TYPE,
  VALIDATOR_SET_UPDATE_TYPE,
  bhlsDigest,
  epochDigest,
  mintDigest,
  outboundDigest,
  recoverEvmSigner,
  signEvmDigest,
  validatorSetDigest,
} from "./eip712.ts";
import { citizenId, transferId } from "./rules.ts";

/**
 * The digests NexusBridge v2 checks (BhlsDelivery, EpochUpdate, ValidatorSetUpdate, Mint at the
 * uint256 edges) cross-checked against viem's hashTypedData, an independent EIP-712
 * implementation, and recoverEvmSigner's refusals at the edges OpenZeppelin's ECDSA draws.
 */

const D = { chainId: 31337, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3" } as const;
const viemDomain = { name: "NexusBridge", version: "2", ...D } as const;
const hex = (b: Uint8Array): string => "0x" + Buffer.from(b).toString("hex");

const MINT = { Mint: [{ name: "transferId", type: "bytes32" }, { name: "recipient", type: "address" }, { name: "amount", type: "uint256" }, { name: "expiresAt", type: "uint64" }] } as const;
const BHLS = {
  BhlsDelivery: [
    { name: "transferId", type: "bytes32" },
    { name: "citizen", type: "bytes32" },
    { name: "epoch", type: "uint64" },
    { name: "recipient", type: "address" },
    { name: "amount", type: "uint256" },
    { name: "expiresAt", type: "uint64" },
  ],
} as const;
const EPOCH = { EpochUpdate: [{ name: "epoch", type: "uint64" }, { name: "floorAmount", type: "uint256" }] } as const;
const SET = { ValidatorSetUpdate: [{ name: "setId", type: "uint64" }, { name: "validators", type: "address[]" }, { name: "powers", type: "uint256[]" }, { name: "nonce", type: "uint256" }] } as const;

const ID = transferId("nexus-test-1", "evm-local", 7);
const CITIZEN = citizenId("nxs1qyqszqgpqyqszqgpqyqszqgpqyqszqgpjnp7du");
const RECIPIENT = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
const EXPIRES = 1_767_229_200;

const viemMint = (amount: bigint): string =>
  hashTypedData({ domain: viemDomain, types: MINT, primaryType: "Mint", message: { transferId: `0x${ID}`, recipient: RECIPIENT, amount, expiresAt: BigInt(EXPIRES) } });
const viemBhls = (epoch: number, amount: bigint): string =>
  hashTypedData({ domain: viemDomain, types: BHLS, primaryType: "BhlsDelivery", message: { transferId: `0x${ID}`, citizen: `0x${CITIZEN}`, epoch: BigInt(epoch), recipient: RECIPIENT, amount, expiresAt: BigInt(EXPIRES) } });
const viemEpoch = (epoch: number, floorAmount: bigint): string =>
  hashTypedData({ domain: viemDomain, types: EPOCH, primaryType: "EpochUpdate", message: { epoch: BigInt(epoch), floorAmount } });

const U256_MAX = (1n << 256n) - 1n;
/** secp256k1's group order and OpenZeppelin's highest accepted s (0x7fff…20a0 = ⌊n/2⌋). */
const N = secp256k1.Point.Fn.ORDER;
const HALF_N = N / 2n;
const word = (v: bigint): string => v.toString(16).padStart(64, "0");

describe("bridge: EIP-712 BhlsDelivery, EpochUpdate and ValidatorSetUpdate (NexusBridge v2)", () => {
  it("the type strings are the contract's", () => {
    expect(BHLS_DELIVERY_TYPE).to.equal("BhlsDelivery(bytes32 transferId,bytes32 citizen,uint64 epoch,address recipient,uint256 amount,uint64 expiresAt)");
    expect(EPOCH_UPDATE_TYPE).to.equal("EpochUpdate(uint64 epoch,uint256 floorAmount)");
    expect(VALIDATOR_SET_UPDATE_TYPE).to.equal("ValidatorSetUpdate(uint64 setId,address[] validators,uint256[] powers,uint256 nonce)");
  });

  it("bhlsDigest equals viem's hashTypedData, with or without 0x on the transfer id and the citizen", () => {
    const expected = viemBhls(3, 250_000_000n);
    const m = { transferId: ID, citizen: CITIZEN, epoch: 3, recipient: RECIPIENT, amount: 250_000_000n, expiresAt: EXPIRES };
    expect(hex(bhlsDigest(D, m))).to.equal(expected);
    expect(hex(bhlsDigest(D, { ...m, transferId: `0x${ID}`, citizen: `0x${CITIZEN}` }))).to.equal(expected);
    expect(hex(bhlsDigest(D, { ...m, epoch: 4 }))).to.equal(viemBhls(4, 250_000_000n));
  });

  it("epochDigest equals viem's hashTypedData, also for epoch 0 and a zero floor", () => {
    expect(hex(epochDigest(D, { epoch: 3, floorAmount: 1_000_000n }))).to.equal(viemEpoch(3, 1_000_000n));
    expect(hex(epochDigest(D, { epoch: 0, floorAmount: 0n }))).to.equal(viemEpoch(0, 0n));
  });

  it("validatorSetDigest equals viem's hashTypedData (arrays hashed as EIP-712 says)", () => {
    const validators = ["0x1111111111111111111111111111111111111111", "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"] as const;
    const expected = hashTypedData({ domain: viemDomain, types: SET, primaryType: "ValidatorSetUpdate", message: { setId: 5n, validators: [...validators], powers: [3n, 2n, 1n], nonce: 9n } });
    expect(hex(validatorSetDigest(D, { setId: 5n, validators, powers: [3n, 2n, 1n], nonce: 9n }))).to.equal(expected);
  });

  it("outboundDigest signs a record by its kind: Mint for a transfer (the default), BhlsDelivery, EpochUpdate", () => {
    const base = { transferId: ID, recipient: RECIPIENT, amount: "250000000", expiresAt: EXPIRES };
    expect(hex(outboundDigest(D, base))).to.equal(viemMint(250_000_000n));
    expect(hex(outboundDigest(D, { ...base, kind: "transfer" }))).to.equal(viemMint(250_000_000n));
    expect(hex(outboundDigest(D, { ...base, kind: "bhls", citizen: CITIZEN, epoch: 3 }))).to.equal(viemBhls(3, 250_000_000n));
    expect(hex(outboundDigest(D, { ...base, kind: "epoch", epoch: 3, floorAmount: "1000000" }))).to.equal(viemEpoch(3, 1_000_000n));
  });
});

describe("bridge: EIP-712 uint256 words and ids at their edges", () => {
  const m = { transferId: ID, recipient: RECIPIENT, expiresAt: EXPIRES };

  it("amounts 0, 1 and 2^256 − 1 hash as the contract's uint256 (all 32 bytes)", () => {
    expect(hex(mintDigest(D, { ...m, amount: 0n }))).to.equal(viemMint(0n));
    expect(hex(mintDigest(D, { ...m, amount: 1n }))).to.equal(viemMint(1n));
    expect(hex(mintDigest(D, { ...m, amount: U256_MAX }))).to.equal(viemMint(U256_MAX));
    expect(hex(mintDigest(D, { ...m, amount: 0xab00000000000000000000000000000000000000000000000000000000000001n }))).to.equal(viemMint(0xab00000000000000000000000000000000000000000000000000000000000001n));
  });

  it("an amount below 0 or at 2^256 is refused, not wrapped into another uint256", () => {
    expect(() => mintDigest(D, { ...m, amount: -1n })).to.throw(RangeError, /^uint256 out of range: -1$/);
    expect(() => mintDigest(D, { ...m, amount: 1n << 256n })).to.throw(RangeError, /^uint256 out of range: 115792089237316195423570985008687907853269984665640564039457584007913129639936$/);
    expect(() => epochDigest(D, { epoch: 1, floorAmount: -5n })).to.throw(RangeError, /^uint256 out of range: -5$/);
  });

  it("a transfer id may carry 0x; a 0x anywhere else is malformed and refused, not stripped", () => {
    expect(hex(mintDigest(D, { ...m, transferId: `0x${ID}`, amount: 5n }))).to.equal(viemMint(5n));
    const inner = ID.slice(0, 2) + "0x" + ID.slice(2);
    const bad = /^invalid hex string \(66 chars\)/;
    expect(() => mintDigest(D, { ...m, transferId: inner, amount: 5n })).to.throw(TypeError, bad);
    const b = { transferId: ID, citizen: CITIZEN, epoch: 3, recipient: RECIPIENT, amount: 5n, expiresAt: EXPIRES };
    expect(() => bhlsDigest(D, { ...b, transferId: inner })).to.throw(TypeError, bad);
    expect(() => bhlsDigest(D, { ...b, citizen: CITIZEN.slice(0, 2) + "0x" + CITIZEN.slice(2) })).to.throw(TypeError, bad);
  });
});

describe("bridge: recoverEvmSigner at OpenZeppelin ECDSA's edges", () => {
  const digest = mintDigest(D, { transferId: ID, recipient: RECIPIENT, amount: 5n, expiresAt: EXPIRES });
  const SK = Buffer.from("22".repeat(32), "hex");
  const sig = signEvmDigest(digest, SK); // 0x + 130 hex
  const body = sig.slice(2);
  let address = "";
  before(async () => {
    address = (await recoverAddress({ hash: hex(digest) as Hex, signature: sig as Hex })).toLowerCase();
  });

  it("a well-formed signature recovers to its signer, with or without 0x", () => {
    expect(recoverEvmSigner(digest, sig)).to.equal(address);
    expect(recoverEvmSigner(digest, body)).to.equal(address);
  });

  it("s = ⌊n/2⌋ is accepted (recovers what ecrecover does), s = ⌊n/2⌋ + 1 is refused", async () => {
    const r = word(secp256k1.Point.BASE.x);
    const atLimit = `0x${r}${word(HALF_N)}1b`;
    const expected = (await recoverAddress({ hash: hex(digest) as Hex, signature: atLimit as Hex })).toLowerCase();
    expect(recoverEvmSigner(digest, atLimit)).to.equal(expected);
    expect(recoverEvmSigner(digest, `0x${r}${word(HALF_N + 1n)}1b`)).to.equal(null);
  });

  it("v = 0 or 1 is refused: ecrecover (and so NexusBridge and the relayer) accepts only 27 and 28", () => {
    const v = Number.parseInt(body.slice(128), 16);
    expect([27, 28]).to.include(v);
    const low = body.slice(0, 128) + (v - 27).toString(16).padStart(2, "0");
    expect(recoverEvmSigner(digest, low)).to.equal(null);
    expect(recoverEvmSigner(digest, "0x" + low)).to.equal(null);
    // The other v of the pair recovers another key (or none), never this signer.
    const other = body.slice(0, 128) + (55 - v).toString(16);
    expect(recoverEvmSigner(digest, other)).to.not.equal(address);
  });

  it("v = 29 (recovery id 2) is refused even where the curve would recover a key", () => {
    // r = 2: r + n is an x-coordinate on the curve, so a recovery id of 2 recovers some key.
    const rs = word(2n) + word(5n);
    const rec = new Uint8Array(65);
    rec[0] = 2;
    rec.set(Buffer.from(rs, "hex"), 1);
    expect(() => secp256k1.recoverPublicKey(rec, digest, { prehash: false })).to.not.throw();
    expect(recoverEvmSigner(digest, `0x${rs}1d`)).to.equal(null);
  });

  it("a malformed signature is refused (null, never an exception): 0x inside, doubled 0x, a 66th byte, non-hex", () => {
    expect(recoverEvmSigner(digest, body.slice(0, 2) + "0x" + body.slice(2))).to.equal(null);
    expect(recoverEvmSigner(digest, "0x0x" + body)).to.equal(null);
    expect(recoverEvmSigner(digest, sig + "00")).to.equal(null);
    expect(recoverEvmSigner(digest, "0xzz" + body)).to.equal(null);
    expect(recoverEvmSigner(digest, "0x" + body.slice(0, 128) + "zz")).to.equal(null);
  });
});
