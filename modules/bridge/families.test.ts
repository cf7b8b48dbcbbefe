import { expect } from "chai";
import { base58, bech32 } from "@scure/base";
import { blake2b } from "@noble/hashes/blake2.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { attestationKeyProblem, canonicalAddress, signatureFormatProblem, ss58Encode, ss58Problem } from "./families.ts";
import { ALICE_PUB, ALICE_SS58, atom, dot, evm } from "./family-fixtures.ts";



describe("bridge: per-family formats", () => {
  it("evm recipients: 0x + 40 hex, any case, canonical lowercase, never the zero address", () => {
    expect(canonicalAddress(evm, "0xAbCdEf0123456789abcdef0123456789ABCDEF01")).to.deep.equal({ ok: true, address: "0xabcdef0123456789abcdef0123456789abcdef01" });
    for (const bad of ["abcdef0123456789abcdef0123456789abcdef01", "0xabc", "0x" + "g".repeat(40), "0x" + "0".repeat(40), ALICE_SS58, "cosmos1xyz"]) {
      expect(canonicalAddress(evm, bad).ok, bad).to.equal(false);
    }
  });

  it("substrate recipients: SS58 of the chain's prefix with a valid checksum, or 0x + 64 hex", () => {
    expect(ss58Encode(Buffer.from(ALICE_PUB, "hex"), 42)).to.equal(ALICE_SS58);
    expect(ss58Problem(ALICE_SS58, 42)).to.equal(null);
    expect(canonicalAddress(dot, ALICE_SS58)).to.deep.equal({ ok: true, address: ALICE_SS58 });
    expect(canonicalAddress(dot, "0x" + ALICE_PUB.toUpperCase())).to.deep.equal({ ok: true, address: "0x" + ALICE_PUB });
    // Polkadot's prefix 0 for the same key is another network's address here.
    const polkadot = ss58Encode(Buffer.from(ALICE_PUB, "hex"), 0);
    expect(canonicalAddress(dot, polkadot).ok).to.equal(false);
    expect(canonicalAddress({ ...dot, substrate: { ss58Prefix: 0, assetId: "1" } }, polkadot).ok).to.equal(true);
    // A two-byte prefix round-trips.
    const two = ss58Encode(Buffer.from(ALICE_PUB, "hex"), 1000);
    expect(ss58Problem(two, 1000)).to.equal(null);
    // Network 42 spelled with a two-byte prefix (0x4a 0x80) is the same account in a second,
    // non-canonical spelling: refused.
    const body = Uint8Array.from([0x4a, 0x80, ...Buffer.from(ALICE_PUB, "hex")]);
    const sum = blake2b(Uint8Array.from([...new TextEncoder().encode("SS58PRE"), ...body]), { dkLen: 64 });
    const long42 = base58.encode(Uint8Array.from([...body, sum[0]!, sum[1]!]));
    expect(ss58Problem(long42, 42)).to.equal(`"${long42}" spells network 42 with a two-byte SS58 prefix; its canonical form has one byte`);
    expect(canonicalAddress(dot, long42).ok).to.equal(false);
    // One character changed: the checksum fails.
    const broken = ALICE_SS58.slice(0, -1) + (ALICE_SS58.endsWith("Y") ? "Z" : "Y");
    expect(canonicalAddress(dot, broken).ok).to.equal(false);
    expect(canonicalAddress(dot, "0x1234").ok).to.equal(false);
    expect(canonicalAddress(dot, "0x" + "ab".repeat(20)).ok).to.equal(false);
  });

  it("cosmos recipients: bech32 with the chain's prefix, 20 or 32 bytes, lowercased", () => {
    const bytes = Uint8Array.from({ length: 20 }, (_, i) => i + 1);
    const a = bech32.encode("cosmos", bech32.toWords(bytes));
    expect(canonicalAddress(atom, a)).to.deep.equal({ ok: true, address: a });
    expect(canonicalAddress(atom, a.toUpperCase())).to.deep.equal({ ok: true, address: a });
    expect(canonicalAddress(atom, bech32.encode("osmo", bech32.toWords(bytes))).ok).to.equal(false);
    expect(canonicalAddress(atom, bech32.encode("cosmos", bech32.toWords(bytes.subarray(0, 10)))).ok).to.equal(false);
    expect(canonicalAddress(atom, a.slice(0, -1) + (a.endsWith("q") ? "p" : "q")).ok).to.equal(false);
    expect(canonicalAddress(atom, "0x" + "ab".repeat(20)).ok).to.equal(false);
    expect(canonicalAddress(atom, bech32.encode("cosmos", bech32.toWords(new Uint8Array(32)))).ok).to.equal(true);
  });

  it("attestation keys: one canonical form per family", () => {
    expect(attestationKeyProblem("evm", "0x" + "ab".repeat(20))).to.equal(null);
    expect(attestationKeyProblem("evm", "0x" + "AB".repeat(20))).to.be.a("string");
    expect(attestationKeyProblem("evm", "0x" + "00".repeat(20))).to.be.a("string");
    expect(attestationKeyProblem("evm", "ab".repeat(20))).to.be.a("string");
    expect(attestationKeyProblem("substrate", ALICE_PUB)).to.equal(null);
    expect(attestationKeyProblem("substrate", "0x" + ALICE_PUB)).to.be.a("string");
    expect(attestationKeyProblem("substrate", "00".repeat(32))).to.be.a("string");
    const pub = Buffer.from(secp256k1.getPublicKey(new Uint8Array(32).fill(3), true)).toString("hex");
    expect(attestationKeyProblem("cosmos", pub)).to.equal(null);
    expect(attestationKeyProblem("cosmos", "02" + "00".repeat(32))).to.be.a("string"); // x = 0 is not on the curve
    expect(attestationKeyProblem("cosmos", "04" + pub.slice(2))).to.be.a("string");
    expect(attestationKeyProblem("cosmos", ALICE_PUB)).to.be.a("string");
  });

  it("destination signatures: 65 bytes with 0x on evm, 64 bytes elsewhere", () => {
    expect(signatureFormatProblem("evm", "0x" + "ab".repeat(65))).to.equal(null);
    expect(signatureFormatProblem("evm", "ab".repeat(65))).to.be.a("string");
    expect(signatureFormatProblem("evm", "0x" + "ab".repeat(64))).to.be.a("string");
    expect(signatureFormatProblem("substrate", "ab".repeat(64))).to.equal(null);
    expect(signatureFormatProblem("cosmos", "ab".repeat(65))).to.be.a("string");
  });
});
