import { expect } from "chai";
import { hashTypedData, type Address } from "viem";
import { toHex } from "../../runtime/crypto/hash.ts";
import { validatorSetDigest, signEvmDigest } from "./eip712.ts";
import { BridgeTypeUrls } from "./msgs.ts";
import { EVM_CHAIN, SUBSTRATE_CHAIN, addr, evmKey, evmSecret, fails, ok, openBridgeNode, type BridgeHarness } from "./testing.ts";

const CHAIN = EVM_CHAIN.name;
const DOMAIN = { chainId: EVM_CHAIN.evm!.chainId, verifyingContract: EVM_CHAIN.evm!.bridgeContract };
const keys = [0, 1, 2].map(evmKey).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
const update = { setId: 2, validators: keys, powers: ["3", "2", "1"], nonce: "0" };
const digestOf = (u: typeof update) => validatorSetDigest(DOMAIN, { setId: BigInt(u.setId), validators: u.validators, powers: u.powers.map(BigInt), nonce: BigInt(u.nonce) });

describe("bridge: validator-set update signatures (MsgSignValidatorSetUpdate)", function () {
  this.timeout(60_000);
  let b: BridgeHarness;
  before(async () => {
    b = await openBridgeNode();
  });
  after(() => b.close());

  const sign = (n: number, u = update, secret = evmSecret(n), chain = CHAIN) =>
    b.h.run(n, BridgeTypeUrls.SignValidatorSetUpdate, { validator: addr(n), chain, ...u, signature: signEvmDigest(digestOf(u), secret) });

  it("its digest is EIP-712's (as NexusBridge and viem compute it)", () => {
    const viem = hashTypedData({
      domain: { name: "NexusBridge", version: "2", chainId: DOMAIN.chainId, verifyingContract: DOMAIN.verifyingContract as Address },
      types: { ValidatorSetUpdate: [{ name: "setId", type: "uint64" }, { name: "validators", type: "address[]" }, { name: "powers", type: "uint256[]" }, { name: "nonce", type: "uint256" }] },
      primaryType: "ValidatorSetUpdate",
      message: { setId: 2n, validators: keys as Address[], powers: [3n, 2n, 1n], nonce: 0n },
    });
    expect(`0x${toHex(digestOf(update))}`).to.equal(viem);
  });

  it("collects each validator's signature by its registered EVM key, with the update it signed, for the relayer", async () => {
    ok(await sign(0));
    ok(await sign(1));
    const q = b.query<{ signatures: { validator: string; key: string; digest: string; validators: string[]; powers: string[]; nonce: string }[] }>("setUpdateSignatures", { chain: CHAIN, setId: 2 });
    expect(q.signatures.map((s) => [s.validator, s.key])).to.have.deep.members([
      [addr(0), evmKey(0)],
      [addr(1), evmKey(1)],
    ]);
    expect(q.signatures[0]).to.include({ digest: toHex(digestOf(update)), nonce: "0" });
    expect(q.signatures[0]!.validators).to.deep.equal(keys);
    fails(await sign(0), "BRIDGE_DUPLICATE_SIGNATURE");
  });

  it("refuses a signature by another key, an unordered or empty set, a chain that is not EVM, a non-validator", async () => {
    fails(await sign(2, update, evmSecret(0)), "BRIDGE_BAD_SIGNATURE");
    fails(await sign(2, { ...update, validators: [...keys].reverse() }), "BRIDGE_INVALID_PARAMS");
    fails(await sign(2, { ...update, powers: ["3", "0", "1"] }), "BRIDGE_INVALID_PARAMS");
    fails(await sign(2, update, evmSecret(2), SUBSTRATE_CHAIN.name), "BRIDGE_INVALID_CHAIN");
    fails(await sign(12), "BRIDGE_NOT_VALIDATOR");
  });

  it("a newer plan for the same set id replaces the validator's signature; set ids two behind are dropped", async () => {
    const other = { ...update, powers: ["1", "1", "1"] };
    ok(await sign(0, other));
    const q = b.query<{ signatures: { validator: string; digest: string }[] }>("setUpdateSignatures", { chain: CHAIN, setId: 2 });
    expect(q.signatures.find((s) => s.validator === addr(0))!.digest).to.equal(toHex(digestOf(other)));
    ok(await sign(0, { ...update, setId: 4 }));
    expect(b.query<{ signatures: unknown[] }>("setUpdateSignatures", { chain: CHAIN, setId: 2 }).signatures).to.deep.equal([]);
  });
});
