import { expect } from "chai";
import { hashTypedData, type Address } from "viem";
import { toHex } from "../../runtime/crypto/hash.ts";
import { validatorSetDigest, signEvmDigest } from "./eip712.ts";
import { BridgeTypeUrls } from "./msgs.ts";
import { EVM_CHAIN, SUBSTRATE_CHAIN, addr, evmKey, evmSecret, fails, ok, openBridgeNode, testBridgeGenesis, type BridgeHarness } from "./testing.ts";

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
    expect(q.signatures.map((x) => x.powers)).to.deep.equal([update.powers, update.powers]);
    fails(await sign(0), "BRIDGE_DUPLICATE_SIGNATURE");
  });

  it("refuses a signature by another key, an unordered or empty set, a chain that is not EVM, a non-validator", async () => {
    fails(await sign(2, update, evmSecret(0)), "BRIDGE_BAD_SIGNATURE");
    fails(await sign(2, { ...update, validators: [...keys].reverse() }), "BRIDGE_INVALID_PARAMS");
    fails(await sign(2, { ...update, powers: ["3", "0", "1"] }), "BRIDGE_INVALID_PARAMS");
    fails(await sign(2, update, evmSecret(2), SUBSTRATE_CHAIN.name), "BRIDGE_INVALID_CHAIN");
    fails(await sign(12), "BRIDGE_NOT_VALIDATOR");
  });

  it("the set's shape at its edges: 1 to 128 validators, one power each, lowercase addresses strictly ascending (a repeated one too)", async () => {
    const addrs = (n: number) => Array.from({ length: n }, (_, i) => `0x${(i + 1).toString(16).padStart(40, "0")}`);
    const shaped = (validators: string[], powers = validators.map(() => "1")) => ({ ...update, setId: 9, validators, powers });
    ok(await sign(2, shaped(addrs(128))));
    // Refused: by the message's schema at admission (counts, address pattern) or by the keeper
    // (powers per validator, order, a repeated address); either way nothing is stored.
    const refusal = async (u: ReturnType<typeof shaped>, signature = signEvmDigest(digestOf(update), evmSecret(2))): Promise<string> => {
      try {
        const r = await b.h.run(2, BridgeTypeUrls.SignValidatorSetUpdate, { validator: addr(2), chain: CHAIN, ...u, signature });
        return r.codeName;
      } catch (e) {
        return `admission: ${(e as Error).message}`;
      }
    };
    expect(await refusal(shaped(addrs(129)))).to.match(/admission: .*must NOT have more than 128 items/);
    expect(await refusal(shaped([]))).to.match(/admission: .*must NOT have fewer than 1 items/);
    expect(await refusal(shaped(addrs(3), ["1", "1"]))).to.equal("BRIDGE_INVALID_PARAMS");
    expect(await refusal(shaped([keys[0]!, keys[0]!]))).to.equal("BRIDGE_INVALID_PARAMS");
    expect(await refusal(shaped([keys[1]!, keys[0]!]))).to.equal("BRIDGE_INVALID_PARAMS");
    for (const bad of [keys[0]!.toUpperCase().replace("0X", "0x"), `${keys[0]!}0`, `x${keys[0]!}`, keys[0]!.slice(0, 41)]) {
      expect(await refusal(shaped([bad])), bad).to.match(/^(BRIDGE_INVALID_PARAMS|admission: .*validators\/0 must match pattern)/);
    }
    expect(b.query<{ signatures: { validator: string }[] }>("setUpdateSignatures", { chain: CHAIN, setId: 9 }).signatures.map((x) => x.validator)).to.deep.equal([addr(2)]);
  });

  it("a newer plan for the same set id replaces the validator's signature; set ids two behind are dropped", async () => {
    const other = { ...update, powers: ["1", "1", "1"] };
    ok(await sign(0, other));
    const q = b.query<{ signatures: { validator: string; digest: string }[] }>("setUpdateSignatures", { chain: CHAIN, setId: 2 });
    expect(q.signatures.find((s) => s.validator === addr(0))!.digest).to.equal(toHex(digestOf(other)));
    ok(await sign(0, { ...update, setId: 3 }));
    ok(await sign(0, { ...update, setId: 4 }));
    expect(b.query<{ signatures: unknown[] }>("setUpdateSignatures", { chain: CHAIN, setId: 2 }).signatures).to.deep.equal([]);
    // One behind the newest is kept: it may be the update just applied.
    expect(b.query<{ signatures: { validator: string }[] }>("setUpdateSignatures", { chain: CHAIN, setId: 3 }).signatures.map((x) => x.validator)).to.deep.equal([addr(0)]);
  });
});

describe("bridge: validator-set update signatures need a registered EVM key", function () {
  this.timeout(60_000);
  it("a validator without one is refused with BRIDGE_NO_ATTESTATION_KEY", async () => {
    const b = await openBridgeNode({ bridge: testBridgeGenesis([0, 1]) });
    try {
      const r = await b.h.run(2, BridgeTypeUrls.SignValidatorSetUpdate, { validator: addr(2), chain: CHAIN, ...update, signature: signEvmDigest(digestOf(update), evmSecret(2)) });
      fails(r, "BRIDGE_NO_ATTESTATION_KEY");
    } finally {
      await b.close();
    }
  });
});
