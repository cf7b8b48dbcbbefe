// `hardhat nexus deploy`'s library on the in-process chain: Ignition journals, so an interrupted
// deploy resumes without a duplicate; a re-run sends nothing; a changed parameter is applied only
// when asked and the record always says what the chain holds; code that is not ours is refused.
import type {} from "@nomicfoundation/hardhat-viem";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import hre from "hardhat";
import { getAddress, keccak256, parseEther, toHex, type Address } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { DeploymentParameters, ModuleParameters } from "@nomicfoundation/ignition-core";
import { DeployError } from "../../scripts/contracts/deploy/errors.ts";
import { checkParameters } from "../../scripts/contracts/deploy/parameters.ts";
import { readOnChain } from "../../scripts/contracts/deploy/readback.ts";
import type { DeploymentRecord } from "../../scripts/contracts/deploy/record.ts";
import { deployNexusSuite, type DeployOptions } from "../../scripts/contracts/deploy/suite.ts";
import { connect, type Chain } from "./helpers.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const A = getAddress("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
const B = getAddress("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");
const C = getAddress("0x90F79bf6EB2c4f870365E96582CcDbc4f17dC4f6");
const FEE = getAddress("0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65");

function params(over: { bridge?: ModuleParameters; dex?: ModuleParameters } = {}): DeploymentParameters {
  return {
    NexusBridge: { validators: [A, B, C], powers: [40n, 30n, 30n], ...over.bridge },
    NexusDEX: { ...over.dex },
  };
}

async function expectDeployError(p: Promise<unknown>, code: string, text: RegExp): Promise<DeployError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof DeployError, `expected a DeployError, got ${(e as Error).stack}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, text);
    return e;
  }
  assert.fail(`expected ${code}`);
}

describe("nexus deploy (Ignition)", function () {
  let chain: Chain;
  let dir: string;
  const opts = (id: string, parameters: DeploymentParameters, extra: Partial<DeployOptions> = {}): DeployOptions => ({
    parameters,
    parametersSource: "test parameters",
    deploymentId: id,
    ignitionDeploymentsDir: path.join(dir, "ignition"),
    recordsDir: path.join(dir, "records"),
    root: ROOT,
    ...extra,
  });

  before(async () => {
    chain = await connect();
    dir = await mkdtemp(path.join(tmpdir(), "nexus-deploy-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("deploys and wires the suite, records what the chain holds, and a re-run sends nothing", async () => {
    const first = await deployNexusSuite(hre, chain.connection, opts("main", params({ dex: { feeTo: FEE } })));
    assert.ok(first.executed.includes("NexusBridge#NexusBridge") && first.executed.includes("NexusDEX#setFeeTo"));
    assert.deepEqual(first.drift, []);
    const record = JSON.parse(await readFile(first.recordFile, "utf8")) as DeploymentRecord;
    const c = record.contracts;
    assert.equal(record.chainId, 31337);
    assert.deepEqual(record.onChain, await readOnChain(chain.connection, {
      NexusBridge: c.NexusBridge.address, WNXT: c.WNXT.address, BHLSDistributor: c.BHLSDistributor.address,
      NexusDEXFactory: c.NexusDEXFactory.address, NexusDEXRouter: c.NexusDEXRouter.address,
    }));
    // Sorted for the bridge, powers following their keys.
    const sorted = [A, B, C].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1));
    assert.deepEqual(record.onChain.validators, sorted);
    assert.deepEqual(record.onChain.powers, sorted.map((k) => (k === A ? "40" : "30")));
    assert.equal(record.onChain.dexFeeTo, FEE);
    assert.equal(record.onChain.wnxtCapacity, (1_000_000n * 10n ** 8n).toString());
    // What an application needs: ABIs, and what verification needs: constructor arguments.
    assert.ok(c.NexusDEXRouter.abi.some((x) => x.type === "function" && x.name === "swapExactTokensForTokens"));
    assert.deepEqual(c.NexusDEXRouter.constructorArgs, [c.NexusDEXFactory.address]);
    assert.deepEqual(c.BHLSDistributor.constructorArgs, [c.WNXT.address]);
    assert.equal(c.WNXT.createdBy, c.NexusBridge.address);
    assert.deepEqual(c.NexusBridge.constructorArgs[1], sorted.map((k) => (k === A ? "40" : "30")));

    const block = await chain.publicClient.getBlockNumber();
    const again = await deployNexusSuite(hre, chain.connection, opts("main", params({ dex: { feeTo: FEE } })));
    assert.deepEqual(again.executed, []);
    assert.deepEqual(again.settings, []);
    assert.equal(await chain.publicClient.getBlockNumber(), block, "a re-run sent a transaction");
    assert.deepEqual(again.record.contracts, record.contracts);
  });

  it("reports a changed parameter without sending it, and sends a DEX setting only when asked", async () => {
    const block = await chain.publicClient.getBlockNumber();
    const changed = params({ bridge: { wnxtCapacity: 5n * 10n ** 8n }, dex: { feeTo: A } });
    const run = await deployNexusSuite(hre, chain.connection, opts("main", changed));
    assert.equal(await chain.publicClient.getBlockNumber(), block, "a changed parameter was sent unasked");
    assert.deepEqual(run.drift.map((d) => d.setting).sort(), ["dexFeeTo", "wnxtCapacity"]);
    assert.match(run.drift.find((d) => d.setting === "wnxtCapacity")!.howToChange, /setRateLimit signed by validators/);
    assert.equal(run.drift.find((d) => d.setting === "dexFeeTo")!.howToChange, "apply");
    // The record says what the chain holds, not what was asked.
    assert.equal(run.record.onChain.dexFeeTo, FEE);
    assert.equal(run.record.onChain.wnxtCapacity, (1_000_000n * 10n ** 8n).toString());
    assert.deepEqual(run.record.drift, run.drift);

    const applied = await deployNexusSuite(hre, chain.connection, opts("main", changed, { applySettings: true }));
    assert.deepEqual(applied.settings, [`setFeeTo(${getAddress(A)})`]);
    assert.equal(applied.record.onChain.dexFeeTo, getAddress(A));
    const factory = await chain.viem.getContractAt("NexusDEXFactory", applied.record.contracts.NexusDEXFactory.address);
    assert.equal(getAddress(await factory.read.feeTo()), getAddress(A));
    assert.deepEqual(applied.drift.map((d) => d.setting), ["wnxtCapacity"], "the bridge's limit cannot be applied by the deployer");

    // A plain re-run with the original file does not switch the fee address back.
    const plain = await deployNexusSuite(hre, chain.connection, opts("main", params({ dex: { feeTo: FEE } })));
    assert.deepEqual(plain.settings, []);
    assert.equal(plain.record.onChain.dexFeeTo, getAddress(A));
    assert.deepEqual(plain.drift.map((d) => d.setting), ["dexFeeTo"]);
    // Nor does a file without DEX parameters touch them.
    const none = await deployNexusSuite(hre, chain.connection, opts("main", params()));
    assert.deepEqual(none.drift, []);
  });

  it("refuses foreign code or no code at a recorded address, and deploys afresh on --reset", async () => {
    const record = JSON.parse(await readFile(path.join(dir, "records/main.json"), "utf8")) as DeploymentRecord;
    const router = record.contracts.NexusDEXRouter.address;
    const token = await chain.viem.deployContract("TestToken", ["Other", 0n]);
    const foreign = await chain.publicClient.getCode({ address: token.address });
    const own = await chain.publicClient.getCode({ address: router });
    await chain.testClient.setCode({ address: router, bytecode: foreign! });
    await expectDeployError(deployNexusSuite(hre, chain.connection, opts("main", params())), "DEPLOY_FOREIGN_CODE", /NexusDEXRouter.*is not NexusDEXRouter: refusing/);
    await chain.testClient.setCode({ address: router, bytecode: "0x" });
    await expectDeployError(deployNexusSuite(hre, chain.connection, opts("main", params())), "DEPLOY_CODE_MISSING", /has no code there.*--reset/);
    const block = await chain.publicClient.getBlockNumber();
    const fresh = await deployNexusSuite(hre, chain.connection, opts("main", params(), { reset: true }));
    assert.ok(fresh.executed.includes("NexusDEX#NexusDEXRouter"));
    assert.notEqual(fresh.record.contracts.NexusDEXRouter.address, router);
    assert.ok((await chain.publicClient.getBlockNumber()) > block);
    await chain.testClient.setCode({ address: router, bytecode: own! });
  });

  it("refuses a deployment recorded on another chain with the same chain id", async () => {
    const file = path.join(dir, "records/main.json");
    const record = JSON.parse(await readFile(file, "utf8")) as DeploymentRecord;
    await writeFile(file, JSON.stringify({ ...record, genesisHash: keccak256(toHex("another chain")) }));
    await expectDeployError(deployNexusSuite(hre, chain.connection, opts("main", params())), "DEPLOY_OTHER_CHAIN", /restarted `hardhat node` is a new chain.*--reset/);
    await writeFile(file, JSON.stringify(record));
  });

  it("resumes a deploy that ran out of funds, without deploying anything twice", async () => {
    const key = keccak256(toHex("underfunded deployer"));
    const account = privateKeyToAccount(key);
    const own = await hre.network.create({ network: "default", override: { accounts: [{ privateKey: key, balance: "0" }] } });
    try {
      const client = await own.viem.getPublicClient();
      const test = await own.viem.getTestClient();
      // The pre-flight estimate refuses before sending anything.
      await test.setBalance({ address: account.address, value: parseEther("0.001") });
      const e = await expectDeployError(deployNexusSuite(hre, own, opts("poor", params())), "DEPLOY_INSUFFICIENT_FUNDS", /holds 0\.001 ETH.*needs about .* ETH .*send it at least/);
      assert.ok(BigInt(e.context.needed as string) > parseEther("0.001"));
      assert.equal(await client.getTransactionCount({ address: account.address }), 0);

      // Funded at the start, the key runs dry once the bridge is deployed (as if something else
      // spent it): the deploy stops with what was sent journaled.
      await test.setBalance({ address: account.address, value: parseEther("1") });
      let drained: Promise<void> | undefined;
      const drainAfterBridge = (line: string) => {
        if (line.startsWith("NexusBridge#NexusBridge: success")) drained = test.setBalance({ address: account.address, value: parseEther("0.0001") });
      };
      await expectDeployError(
        deployNexusSuite(hre, own, opts("poor", params(), { log: drainAfterBridge })),
        "DEPLOY_INSUFFICIENT_FUNDS",
        /ran out of funds.*journaled.*run the same command again/,
      );
      await drained;
      const sent = await client.getTransactionCount({ address: account.address });
      assert.ok(sent >= 1 && sent < 5, `expected a partial deploy, ${sent} transactions were sent`);
      const journal = await readFile(path.join(dir, "ignition/poor/journal.jsonl"), "utf8");
      const bridgeAddress = /"futureId":"NexusBridge#NexusBridge","result":\{"address":"(0x[0-9a-fA-F]{40})"/.exec(journal)?.[1];
      assert.ok(bridgeAddress, "the bridge's deployment was journaled");

      await test.setBalance({ address: account.address, value: parseEther("100") });
      const done = await deployNexusSuite(hre, own, opts("poor", params()));
      assert.equal(done.record.contracts.NexusBridge.address, getAddress(bridgeAddress as Address));
      assert.equal(done.record.deployer, account.address);
      // Three contracts and two settings calls, each sent exactly once over both runs.
      assert.equal(await client.getTransactionCount({ address: account.address }), 5);
    } finally {
      await own.close();
    }
  });

  it("names what is wrong in a parameters file", () => {
    const bad = (p: DeploymentParameters, text: RegExp) =>
      assert.throws(() => checkParameters(p, "x.json5"), (e: Error) => e instanceof DeployError && e.code === "DEPLOY_PARAMETERS_INVALID" && text.test(e.message));
    bad({ NexusBridge: {} }, /x\.json5: NexusBridge\.validators is required/);
    bad({ NexusBridge: { validators: ["0x12"], powers: [1n] } }, /validators\[0\]: "0x12" is not an address/);
    bad({ NexusBridge: { validators: [A, B], powers: [1n] } }, /one power per validator \(2\)/);
    bad({ NexusBridge: { validators: [A], powers: [0n] } }, /powers\[0\] must be above 0/);
    bad({ NexusBridge: { validators: [A], powers: ["1.5"] } }, /powers\[0\] must be an integer/);
    bad({ NexusBridge: { validators: [A, A], powers: [1n, 1n] } }, /listed twice/);
    bad({ NexusBridge: { validators: [A], powers: [1n], wnxtLimit: 1n } }, /NexusBridge\.wnxtLimit is not a parameter/);
    bad({ NexusBridge: { validators: [A], powers: [1n] }, NexusDEX: { feeTo: "nobody" } }, /NexusDEX\.feeTo: "nobody" is not an address/);
    bad({ NexusBridge: { validators: [A], powers: [1n] }, Bridge: {} }, /unknown module "Bridge"/);
    const ok = checkParameters({ NexusBridge: { validators: [B, A], powers: ["2n", 1n], bhlsCapacity: "7n" } }, "x");
    assert.deepEqual(ok.validators, [A, B].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1)));
    assert.deepEqual(ok.powers, BigInt(A) < BigInt(B) ? [1n, 2n] : [2n, 1n]);
    assert.equal(ok.bhlsCapacity, 7n);
    assert.equal(ok.feeTo, undefined);
  });
});
