import { expect } from "chai";
import { createHash } from "node:crypto";
import { base58, bech32 } from "@scure/base";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { attestationKeyProblem, canonicalAddress, signatureFormatProblem, ss58Encode, ss58Problem } from "./families.ts";
import { take, transferId, u64be } from "./rules.ts";
import { ALICE_PUB, ALICE_SS58, atom, dot, evm } from "./family-fixtures.ts";

/**
 * Boundaries and exact refusals of the bridge's pure formats and rules (families.ts, rules.ts)
 * that families.test.ts and rules.test.ts leave open: the reasons built here reach receipts as
 * BRIDGE_INVALID_RECIPIENT / _SENDER / _KEY / BAD_SIGNATURE messages.
 */


const alice = (): Uint8Array => Uint8Array.from(Buffer.from(ALICE_PUB, "hex"));

const refused = (r: { ok: true; address: string } | { ok: false; reason: string }): string => {
  if (r.ok) throw new Error(`accepted ${r.address}`);
  return r.reason;
};

describe("bridge: formats and rules at their boundaries", () => {
  describe("evm addresses", () => {
    it("the whole string is 0x and 40 hex digits: nothing before, nothing after", () => {
      const a = "0x" + "ab".repeat(20);
      expect(canonicalAddress(evm, a)).to.deep.equal({ ok: true, address: a });
      for (const bad of ["x" + a, "00x" + "ab".repeat(20), a + "c", a + "cd"]) {
        expect(refused(canonicalAddress(evm, bad)), bad).to.equal(`"${bad}" is not an EVM address (0x and 40 hex digits)`);
      }
      expect(refused(canonicalAddress(evm, "0xabc"))).to.equal(`"0xabc" is not an EVM address (0x and 40 hex digits)`);
    });

    it("the zero address is refused with its own reason", () => {
      expect(refused(canonicalAddress(evm, "0x" + "0".repeat(40)))).to.equal("the zero address cannot receive a mint");
      // One non-zero digit is an address.
      expect(canonicalAddress(evm, "0x" + "0".repeat(39) + "1")).to.deep.equal({ ok: true, address: "0x" + "0".repeat(39) + "1" });
    });
  });

  describe("substrate addresses", () => {
    it("0x form: exactly 64 hex digits and nothing around them", () => {
      const hex = "0x" + ALICE_PUB;
      expect(canonicalAddress(dot, hex)).to.deep.equal({ ok: true, address: hex });
      for (const bad of [hex + "ab", "ab" + hex, "z" + hex]) {
        expect(refused(canonicalAddress(dot, bad)), bad).to.equal(`"${bad}" is neither SS58 nor 0x and 64 hex digits`);
      }
    });

    it("SS58 refusals say why: wrong network, length, checksum", () => {
      const polkadot = ss58Encode(alice(), 0);
      expect(refused(canonicalAddress(dot, polkadot))).to.equal(`"${polkadot}" is an SS58 address for network 0, the chain uses 42`);
      const raw = base58.decode(ALICE_SS58); // 1 prefix byte + 32 + 2 checksum
      expect(raw.length).to.equal(35);
      // One byte more after a valid address (its checksum still in place): not an account address.
      const longer = base58.encode(Uint8Array.from([...raw, 0]));
      expect(refused(canonicalAddress(dot, longer))).to.equal(`"${longer}" is not an SS58 address of a 32-byte account`);
      const shorter = base58.encode(raw.subarray(0, 34));
      expect(ss58Problem(shorter, 42)).to.equal(`"${shorter}" is not an SS58 address of a 32-byte account`);
      // Either checksum byte wrong, the other right: refused.
      for (const i of [33, 34]) {
        const b = Uint8Array.from(raw);
        b[i] = b[i]! ^ 0x01;
        const s = base58.encode(b);
        expect(ss58Problem(s, 42), `checksum byte ${i - 33}`).to.equal(`"${s}" has a bad SS58 checksum`);
      }
    });

    it("the prefix bytes: 1 byte below 64, 2 bytes from 64 to 127, 128 and above invalid", () => {
      expect(ss58Problem("", 42)).to.equal(`"" is empty`);
      // A lone one-byte prefix (base58 "2" is the byte 1) has no account.
      expect(ss58Problem("2", 42)).to.equal(`"2" is not an SS58 address of a 32-byte account`);
      // A first byte of 64..127 needs a second byte.
      const lone64 = base58.encode(Uint8Array.from([64]));
      expect(ss58Problem(lone64, 42)).to.equal(`"${lone64}" has an invalid SS58 prefix byte`);
      const two = base58.encode(Uint8Array.from([64, 1]));
      expect(ss58Problem(two, 42)).to.equal(`"${two}" is not an SS58 address of a 32-byte account`);
      // 128 is no prefix byte, whatever follows.
      const b128 = base58.encode(Uint8Array.from([128, 1, ...alice(), 0, 0]));
      expect(ss58Problem(b128, 42)).to.equal(`"${b128}" has an invalid SS58 prefix byte`);
      const b200 = base58.encode(Uint8Array.from([200, 1, ...alice(), 0, 0]));
      expect(ss58Problem(b200, 42)).to.equal(`"${b200}" has an invalid SS58 prefix byte`);
    });

    it("network 64 and 256 (first byte exactly 64) round-trip in the two-byte form", () => {
      for (const network of [63, 64, 256]) {
        const s = ss58Encode(alice(), network);
        expect(ss58Problem(s, network), `network ${network}`).to.equal(null);
        expect(canonicalAddress({ ...dot, substrate: { ss58Prefix: network, assetId: "1" } }, s)).to.deep.equal({ ok: true, address: s });
      }
      expect(base58.decode(ss58Encode(alice(), 63)).length).to.equal(35);
      expect(base58.decode(ss58Encode(alice(), 64)).length).to.equal(36);
      expect(base58.decode(ss58Encode(alice(), 256))[0]).to.equal(64);
    });
  });

  describe("cosmos addresses", () => {
    const twenty = Uint8Array.from({ length: 20 }, (_, i) => i + 1);
    const a = bech32.encode("cosmos", bech32.toWords(twenty));

    it("mixed case is refused, not lowercased", () => {
      const mixed = "C" + a.slice(1);
      expect(refused(canonicalAddress(atom, mixed))).to.equal(`"${mixed}" mixes upper and lower case (bech32 forbids it)`);
    });

    it("each refusal names its reason", () => {
      const notBech32 = "cosmos1xyz";
      let libMessage = "";
      try {
        bech32.decode(notBech32, 90);
      } catch (e) {
        libMessage = (e as Error).message;
      }
      expect(libMessage).to.not.equal("");
      expect(refused(canonicalAddress(atom, notBech32))).to.equal(`"${notBech32}" is not bech32: ${libMessage}`);
      const osmo = bech32.encode("osmo", bech32.toWords(twenty));
      expect(refused(canonicalAddress(atom, osmo))).to.equal(`"${osmo}" has prefix "osmo", chain cosmoshub uses "cosmos"`);
      const ten = bech32.encode("cosmos", bech32.toWords(twenty.subarray(0, 10)));
      expect(refused(canonicalAddress(atom, ten))).to.equal(`"${ten}" holds 10 bytes, an account has 20 or 32`);
      // One 5-bit word is no whole byte: the data does not convert at all.
      const noBytes = bech32.encode("cosmos", [1]);
      expect(refused(canonicalAddress(atom, noBytes))).to.equal(`"${noBytes}" holds ? bytes, an account has 20 or 32`);
    });
  });

  describe("attestation keys", () => {
    const EVM_MSG = "an evm key is an address: 0x and 40 lowercase hex digits";
    const SUB_MSG = "a substrate key is a 32-byte public key: 64 lowercase hex digits, no 0x";
    const COSMOS_MSG = "a cosmos key is a compressed secp256k1 public key: 66 lowercase hex digits starting 02 or 03, no 0x";

    it("evm: exactly 0x and 40 lowercase hex digits, not zero", () => {
      const k = "0x" + "ab".repeat(20);
      for (const bad of [k + "ab", "ab" + k]) expect(attestationKeyProblem("evm", bad), bad).to.equal(EVM_MSG);
      expect(attestationKeyProblem("evm", "0x" + "00".repeat(20))).to.equal("the zero address is no key");
    });

    it("substrate: exactly 64 lowercase hex digits; only the all-zero key is the zero key", () => {
      expect(attestationKeyProblem("substrate", ALICE_PUB + "ab")).to.equal(SUB_MSG);
      expect(attestationKeyProblem("substrate", "ab" + "00".repeat(31))).to.equal(null);
      expect(attestationKeyProblem("substrate", "00".repeat(31) + "ab")).to.equal(null);
      expect(attestationKeyProblem("substrate", "00".repeat(32))).to.equal("the zero key is no key");
    });

    it("cosmos: only the compressed lowercase form of a curve point", () => {
      const pk = secp256k1.getPublicKey(new Uint8Array(32).fill(3), true);
      const pub = Buffer.from(pk).toString("hex");
      expect(attestationKeyProblem("cosmos", pub)).to.equal(null);
      const uncompressed = Buffer.from(secp256k1.getPublicKey(new Uint8Array(32).fill(3), false)).toString("hex");
      for (const bad of [uncompressed, pub.toUpperCase(), "ab" + pub, pub + "ab", "0x" + pub]) {
        expect(attestationKeyProblem("cosmos", bad), bad).to.equal(COSMOS_MSG);
      }
      expect(attestationKeyProblem("cosmos", "02" + "00".repeat(32))).to.equal("the cosmos key is not a point of secp256k1");
    });
  });

  it("destination signatures: exactly 0x and 130 hex digits on evm, with the reason", () => {
    const sig = "0x" + "ab".repeat(65);
    for (const bad of [sig + "ab", "ab" + sig, sig.toUpperCase().replace("0X", "0x")]) {
      expect(signatureFormatProblem("evm", bad), bad).to.equal("an evm signature is 0x and 130 lowercase hex digits (65 bytes r‖s‖v)");
    }
    expect(signatureFormatProblem("substrate", "ab".repeat(65))).to.equal("a substrate signature is 128 lowercase hex digits (64 bytes)");
  });

  describe("rules", () => {
    it("u64be: 0 and 2^64 - 1 are in range; out of range names the value", () => {
      expect([...u64be(0n)]).to.deep.equal([0, 0, 0, 0, 0, 0, 0, 0]);
      expect([...u64be((1n << 64n) - 1n)]).to.deep.equal([255, 255, 255, 255, 255, 255, 255, 255]);
      expect(() => u64be(1n << 64n)).to.throw(RangeError, "u64 out of range: 18446744073709551616");
      expect(() => u64be(-1n)).to.throw(RangeError, "u64 out of range: -1");
      const zero = createHash("sha256").update(Buffer.concat([Buffer.from("nexus-bridge-out-v1\nnexus-1\nsepolia\n", "utf8"), Buffer.alloc(8)])).digest("hex");
      expect(transferId("nexus-1", "sepolia", 0)).to.equal(zero);
    });

    it("taking exactly the capacity from a drained bucket waits, it is not refused for ever", () => {
      const rule = { capacity: 1000n, refillPerSecond: 10n };
      const r = take({ tokens: 995n, updatedAt: 50 }, rule, 50, 1000n);
      if (r.ok) throw new Error("took more than the bucket held");
      expect(r.retryAfterSeconds).to.equal(1);
      expect(r.bucket).to.deep.equal({ tokens: 995n, updatedAt: 50 });
      const later = take({ tokens: 995n, updatedAt: 50 }, rule, 51, 1000n);
      expect(later).to.deep.equal({ ok: true, bucket: { tokens: 0n, updatedAt: 51 } });
    });

    it("retryAfterSeconds is the exact ceiling: after it the amount passes, one second before it does not", () => {
      const cases: [bigint, bigint, number][] = [
        // refillPerSecond, deficit, seconds
        [10n, 10n, 1],
        [10n, 20n, 2],
        [10n, 21n, 3],
        [1n, 7n, 7],
        [1n, 1n, 1],
      ];
      for (const [perSecond, deficit, seconds] of cases) {
        const rule = { capacity: 100n, refillPerSecond: perSecond };
        const b = { tokens: 50n, updatedAt: 0 };
        const r = take(b, rule, 0, 50n + deficit);
        if (r.ok) throw new Error("took more than the bucket held");
        expect(r.retryAfterSeconds, `${deficit} at ${perSecond}/s`).to.equal(seconds);
        expect(take(b, rule, seconds, 50n + deficit).ok).to.equal(true);
        expect(take(b, rule, seconds - 1, 50n + deficit).ok).to.equal(false);
      }
    });
  });
});
