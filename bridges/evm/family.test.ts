// createEvmFamily: options schema and defaults, the chain checks (wrong chain id, no code,
// not a NexusBridge, another version, WNXT mismatch), an RPC that is down, and the family's
// hand-written ABI against the compiled contract's.
import { expect } from "chai";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { concat, encodeAbiParameters, getAddress, numberToHex, size, type Abi, type Hex } from "viem";
import { BHLS_DISTRIBUTOR_ABI, NEXUS_BRIDGE_ABI } from "./abi.ts";
import { EvmBridgeError } from "./errors.ts";
import { checkEvmFamily, createEvmFamily, evmFamilyOptionsSchema, parseEvmFamilyOptions } from "./family.ts";
import { bridgeFixture, captureLogger, familyOptions, rejection, type BridgeFixture } from "./testing/fixture.ts";
import { startHardhatRpc, type HardhatRpc } from "./testing/hardhat-rpc.ts";


/** Runtime code that answers every call with `ret`: CODECOPY the data after it, RETURN it. */
function constantReturnCode(ret: Hex): Hex {
  const len = size(ret);
  const prefix = (offset: number) => `0x61${numberToHex(len, { size: 2 }).slice(2)}60${numberToHex(offset, { size: 1 }).slice(2)}600039` + `61${numberToHex(len, { size: 2 }).slice(2)}6000f3`;
  const header = prefix(0);
  return concat([prefix(size(header as Hex)) as Hex, ret]);
}

describe("bridges/evm createEvmFamily", function () {
  this.timeout(120_000);
  let rpc: HardhatRpc;
  let f: BridgeFixture;
  before(async () => {
    rpc = await startHardhatRpc();
    f = await bridgeFixture(rpc);
    await f.testClient.mine({ blocks: 20 });
  });
  after(async () => rpc?.close());

  const family = (options: Record<string, unknown>, env: Record<string, string> = {}) => createEvmFamily({ name: "evm-local", options }, { logger: captureLogger().logger, env });

  it("validates options with the JSON schema (clear errors naming the field)", () => {
    const base = familyOptions(rpc, f);
    const bad = (o: Record<string, unknown>, re: RegExp) => expect(() => parseEvmFamilyOptions("evm-local", o)).to.throw(EvmBridgeError, re);
    bad({ ...base, rpcUrl: undefined }, /missing field "rpcUrl"/);
    bad({ ...base, bridgeAddress: "0x12" }, /options\/bridgeAddress must match pattern/);
    bad({ ...base, colour: "blue" }, /unknown field "colour"/);
    bad({ ...base, rpcUrl: "ftp://x" }, /rpcUrl/);
    bad({ ...base, relayerKey: "not a var" }, /relayerKey/);
    bad({ ...base, validatorKey: { env: "A", file: "b" } }, /validatorKey/);
    expect(parseEvmFamilyOptions("evm-local", { ...base, relayerKey: { env: "A" }, validatorKey: { file: "/k" } })).to.include({ chainId: f.chainId });
    expect(evmFamilyOptionsSchema.$id).to.match(/^https:/);
  });

  it("gives a source always, a submitter with relayerKey, a signer with validatorKey, the validator-set upkeep to a relayer (or, as a watcher, a signer) unless followValidatorSet is false; confirmations default to 2 on Hardhat", async () => {
    const only = family(familyOptions(rpc, f));
    expect(Object.keys(only)).to.deep.equal(["source"]);
    const head = await f.publicClient.getBlockNumber({ cacheTime: 0 });
    expect(await only.source!.finalHeight()).to.equal(head - 2n);
    const all = family(familyOptions(rpc, f, { relayerKey: "R", validatorKey: { env: "V" } }), { R: f.relayerKey, V: f.relayerKey });
    expect(Object.keys(all).sort()).to.deep.equal(["signer", "source", "submitter", "upkeep"]);
    const off = family(familyOptions(rpc, f, { relayerKey: "R", followValidatorSet: false }), { R: f.relayerKey });
    expect(Object.keys(off).sort()).to.deep.equal(["source", "submitter"]);
    expect(all.source!.chain).to.equal("evm-local");
    expect(all.submitter!.chain).to.equal("evm-local");
  });

  it("a watcher (role watcher) without relayerKey still gets a status-only submitter (it attests results from status()); submit() refuses", async () => {
    const fam = createEvmFamily({ name: "evm-local", options: familyOptions(rpc, f, { validatorKey: "V" }) }, { logger: captureLogger().logger, env: { V: f.relayerKey }, role: "watcher" });
    expect(Object.keys(fam).sort()).to.deep.equal(["signer", "source", "submitter", "upkeep"]);
    const t = { destChain: "evm-local", seq: 1n, transferId: "ab".repeat(32), recipient: f.wallets[3]!.account.address, amount: 5n, expiresAt: 4_102_444_800n };
    expect(await fam.submitter!.status(t)).to.equal("pending");
    const e = await rejection(fam.submitter!.submit(t, []));
    expect(e.code).to.equal("EVM_CONFIG_INVALID");
    expect(e.message).to.contain("no relayerKey");
    // A relayer (or no role) without relayerKey: no submitter, as before.
    expect(Object.keys(createEvmFamily({ name: "evm-local", options: familyOptions(rpc, f) }, { logger: captureLogger().logger, role: "relayer" }))).to.deep.equal(["source"]);
  });

  it("a wrong chain id: EVM_WRONG_CHAIN (not retryable), from every part", async () => {
    const fam = family(familyOptions(rpc, f, { chainId: 11155111, validatorKey: "V" }), { V: f.relayerKey });
    const e = await rejection(fam.source!.finalHeight());
    expect(e.code).to.equal("EVM_WRONG_CHAIN");
    expect(e.retryable).to.equal(false);
    expect(e.message).to.contain("chain id 31337").and.contain("11155111");
    expect((await rejection(checkEvmFamily({ name: "x", options: familyOptions(rpc, f, { chainId: 1 }) }))).code).to.equal("EVM_WRONG_CHAIN");
  });

  it("no code at bridgeAddress: EVM_NO_CODE", async () => {
    const e = await rejection(family(familyOptions(rpc, f, { bridgeAddress: f.wallets[5]!.account.address })).source!.finalHeight());
    expect(e.code).to.equal("EVM_NO_CODE");
    expect(e.message).to.contain(getAddress(f.wallets[5]!.account.address));
  });

  it("a contract that is not a NexusBridge (WNXT, which has an EIP-712 domain of its own): EVM_NOT_NEXUS_BRIDGE", async () => {
    const e = await rejection(family(familyOptions(rpc, f, { bridgeAddress: f.wnxt.address })).source!.finalHeight());
    expect(e.code).to.equal("EVM_NOT_NEXUS_BRIDGE");
    expect(e.message).to.contain("Wrapped NXT");
    // A contract without eip712Domain() at all.
    const token = await rpc.connection.viem.deployContract("TestToken", ["T", 1n]);
    expect((await rejection(family(familyOptions(rpc, f, { bridgeAddress: token.address })).source!.finalHeight())).code).to.equal("EVM_NOT_NEXUS_BRIDGE");
  });

  it("a NexusBridge of another version: EVM_BRIDGE_VERSION", async () => {
    const fake = getAddress("0x000000000000000000000000000000000000b1d9");
    const domain = encodeAbiParameters(
      [{ type: "bytes1" }, { type: "string" }, { type: "string" }, { type: "uint256" }, { type: "address" }, { type: "bytes32" }, { type: "uint256[]" }],
      ["0x0f", "NexusBridge", "1", BigInt(f.chainId), fake, `0x${"00".repeat(32)}`, []],
    );
    await f.testClient.setCode({ address: fake, bytecode: constantReturnCode(domain) });
    const e = await rejection(family(familyOptions(rpc, f, { bridgeAddress: fake })).source!.finalHeight());
    expect(e.code).to.equal("EVM_BRIDGE_VERSION");
    expect(e.message).to.contain('version "1"');
  });

  it("a configured wnxtAddress must be the bridge's wnxt(): EVM_WNXT_MISMATCH; the right one passes", async () => {
    const e = await rejection(family(familyOptions(rpc, f, { wnxtAddress: f.wallets[1]!.account.address })).source!.finalHeight());
    expect(e.code).to.equal("EVM_WNXT_MISMATCH");
    const ok = family(familyOptions(rpc, f, { wnxtAddress: f.wnxt.address.toLowerCase() }));
    expect(await ok.source!.finalHeight()).to.be.a("bigint");
  });

  it("an RPC that is down: EVM_RPC, retryable, and the check is tried again on the next call", async () => {
    const fam = family({ ...familyOptions(rpc, f), rpcUrl: "http://127.0.0.1:1", requestTimeoutMs: 500 });
    const e = await rejection(fam.source!.finalHeight());
    expect(e.code).to.equal("EVM_RPC");
    expect(e.retryable).to.equal(true);
    // (A second call makes a new attempt rather than replaying the remembered failure.)
    const e2 = await rejection(fam.source!.finalHeight());
    expect(e2).to.not.equal(e);
  });

  it("the family's ABIs match the compiled NexusBridge and BHLSDistributor", async () => {
    const compiledAbi = async (file: string) => (JSON.parse(await readFile(path.resolve(import.meta.dirname, "../../artifacts/contracts", file), "utf8")) as { abi: Abi }).abi;
    // Types, indexing and mutability must agree; parameter names need not.
    const shape = (item: Abi[number]): string => {
      const params = (ps: readonly { type: string; indexed?: boolean }[] | undefined) => (ps ?? []).map((p) => `${p.type}${p.indexed ? " indexed" : ""}`).join(",");
      const i = item as { type: string; name?: string; inputs?: { type: string; indexed?: boolean }[]; outputs?: { type: string }[]; stateMutability?: string };
      return `${i.type} ${i.name ?? ""}(${params(i.inputs)})${i.outputs ? ` returns (${params(i.outputs)})` : ""} ${i.stateMutability ?? ""}`;
    };
    for (const [file, abi] of [["bridge/NexusBridge.sol/NexusBridge.json", NEXUS_BRIDGE_ABI], ["bhls/BHLSDistributor.sol/BHLSDistributor.json", BHLS_DISTRIBUTOR_ABI]] as const) {
      const compiled = new Set((await compiledAbi(file)).map(shape));
      for (const item of abi) expect(compiled, `${file}: ${shape(item)}`).to.include(shape(item));
    }
  });
});
