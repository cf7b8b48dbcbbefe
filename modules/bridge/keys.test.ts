import { expect } from "chai";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { sha256, utf8 } from "../../runtime/crypto/hash.ts";
import { evmAddressOf } from "./eip712.ts";
import { BridgeTypeUrls } from "./msgs.ts";
import { EVM_CHAIN, EVM_RECIPIENT, addr, evmKey, evmSecret, fails, ok, openBridgeNode, type BridgeHarness } from "./testing.ts";

const ALICE_PUB = "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d";
const ALICE_SS58 = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
type Keys = { totalPower: string; keyedPower: string; keys: { validator: string; key: string; power: string }[]; missing: string[] };

describe("bridge: attestation keys", function () {
  this.timeout(60_000);
  let b: BridgeHarness | undefined;
  afterEach(async () => {
    await b?.close();
    b = undefined;
  });

  it("registered per validator and family with format checks; one owner per key; the query lists the set's keys with powers", async () => {
    b = await openBridgeNode();
    const reg = (n: number, family: string, key: string) => b!.femto(n, BridgeTypeUrls.RegisterAttestationKey, { validator: addr(n), family, key });
    ok(await reg(0, "substrate", ALICE_PUB));
    fails(await reg(1, "substrate", "0x" + ALICE_PUB), "BRIDGE_INVALID_KEY");
    fails(await reg(1, "substrate", ALICE_PUB), "BRIDGE_KEY_IN_USE");
    fails(await reg(1, "evm", evmKey(0)), "BRIDGE_KEY_IN_USE");
    fails(await reg(1, "evm", evmKey(1).toUpperCase().replace("0X", "0x")), "BRIDGE_INVALID_KEY");
    fails(await reg(1, "cosmos", "02" + "00".repeat(32)), "BRIDGE_INVALID_KEY");
    fails(await b.coSigned(0, 10, BridgeTypeUrls.RegisterAttestationKey, { family: "evm", key: "0x" + "12".repeat(20) }), "BRIDGE_NOT_VALIDATOR");
    const evm = b.query<Keys>("attestationKeys", { family: "evm" });
    expect(evm.keys.map((k) => k.key)).to.deep.equal([evmKey(0), evmKey(1), evmKey(2)].sort());
    expect(evm.keys.every((k) => k.power === "100000")).to.equal(true);
    expect([evm.totalPower, evm.keyedPower, evm.missing]).to.deep.equal(["300000", "300000", []]);
    const dot = b.query<Keys>("attestationKeys", { family: "substrate" });
    expect(dot.keys).to.deep.equal([{ validator: addr(0), key: ALICE_PUB, power: "100000" }]);
    expect([dot.keyedPower, dot.missing.length]).to.deep.equal(["100000", 2]);
  });

  it("signatures: a validator without a key for the family is refused; non-EVM signatures are checked for format only", async () => {
    b = await openBridgeNode();
    ok(await b.femto(0, BridgeTypeUrls.RegisterAttestationKey, { validator: addr(0), family: "substrate", key: ALICE_PUB }));
    ok(await b.out(10, "assethub", ALICE_SS58, 10n * 100_000_000n));
    fails(await b.sign(1, "assethub", 1, "ab".repeat(64)), "BRIDGE_NO_ATTESTATION_KEY");
    fails(await b.sign(0, "assethub", 1, "0x" + "ab".repeat(65)), "BRIDGE_BAD_SIGNATURE");
    ok(await b.sign(0, "assethub", 1, "AB".repeat(64)));
    const o = b.outbound("assethub", 1);
    expect(o.signatures).to.deep.equal([{ validator: addr(0), key: ALICE_PUB, signature: "ab".repeat(64), counts: true }]);
  });

  it("rotation follows the key: a signature by a replaced key stops counting, and the validator signs again with the new one", async () => {
    b = await openBridgeNode();
    ok(await b.out(10, EVM_CHAIN.name, EVM_RECIPIENT, 10n * 100_000_000n));
    ok(await b.sign(0, EVM_CHAIN.name, 1, b.mintSignature(EVM_CHAIN, 1, evmSecret(0))));
    expect(b.outbound(EVM_CHAIN.name, 1).signedPower).to.equal("100000");
    const fresh = sha256(utf8("rotated key"));
    const freshKey = evmAddressOf(secp256k1.getPublicKey(fresh, false));
    ok(await b.femto(0, BridgeTypeUrls.RegisterAttestationKey, { validator: addr(0), family: "evm", key: freshKey }));
    let o = b.outbound(EVM_CHAIN.name, 1);
    expect([o.signedPower, o.signatures[0]!.counts]).to.deep.equal(["0", false]);
    // The old key is free again; the old signature cannot be replayed under the new key.
    fails(await b.sign(0, EVM_CHAIN.name, 1, b.mintSignature(EVM_CHAIN, 1, evmSecret(0))), "BRIDGE_BAD_SIGNATURE");
    ok(await b.sign(0, EVM_CHAIN.name, 1, b.mintSignature(EVM_CHAIN, 1, fresh)));
    o = b.outbound(EVM_CHAIN.name, 1);
    expect([o.signedPower, o.signatures[0]!.counts, o.signatures[0]!.key]).to.deep.equal(["100000", true, freshKey]);
    expect(b.query<Keys>("attestationKeys", { family: "evm" }).keys.map((k) => k.key)).to.include(freshKey).and.not.include(evmKey(0));
  });
});
