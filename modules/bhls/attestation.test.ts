import { expect } from "chai";
import { ed25519 } from "../../runtime/crypto/ed25519.ts";
import { addressFor } from "../../runtime/crypto/address.ts";
import { toHex, utf8 } from "../../runtime/crypto/hash.ts";
import { attestationBytes, phoneHash, signAttestation, verifyAttestation, type Attestation } from "./attestation.ts";

describe("bhls/attestation: what an attestor signs and the chain verifies", () => {
  const kp = ed25519.generate(new Uint8Array(32).fill(3));
  const attestor = addressFor(ed25519.id, kp.publicKey);
  const other = ed25519.generate(new Uint8Array(32).fill(4));
  const salt = utf8("attestor-secret-salt");
  const a: Attestation = { chainId: "nexus-dev-1", citizen: addressFor(ed25519.id, other.publicKey), phoneHash: phoneHash(salt, "+14155550100"), expiresAt: 1_800_000_000, attestor };

  it("hashes the phone with the salt: another salt or number gives another hash, and the number is not in it", () => {
    expect(a.phoneHash).to.match(/^[0-9a-f]{64}$/);
    expect(phoneHash(utf8("other-salt"), "+14155550100")).to.not.equal(a.phoneHash);
    expect(phoneHash(salt, "+14155550101")).to.not.equal(a.phoneHash);
  });

  it("verifies the attestor's signature, and nothing else: any changed field, another key, or a key that is not the attestor's", () => {
    const sig = signAttestation(a, kp.secretKey);
    const pub = toHex(kp.publicKey);
    expect(verifyAttestation(a, pub, sig)).to.equal(true);
    for (const changed of [{ chainId: "nexus-other-1" }, { citizen: attestor }, { expiresAt: a.expiresAt + 1 }, { phoneHash: "00".repeat(32) }]) {
      expect(verifyAttestation({ ...a, ...changed }, pub, sig), JSON.stringify(changed)).to.equal(false);
    }
    const forged = signAttestation(a, other.secretKey);
    expect(verifyAttestation(a, toHex(other.publicKey), forged)).to.equal(false); // key is not a.attestor's
    expect(verifyAttestation(a, pub, forged)).to.equal(false);
    expect(verifyAttestation(a, pub, "zz")).to.equal(false);
    // The signed bytes start with the domain tag.
    expect(new TextDecoder().decode(attestationBytes(a).slice(0, 26))).to.equal("nexus-bhls-attestation-v1\n");
  });
});
