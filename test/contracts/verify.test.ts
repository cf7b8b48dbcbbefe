// Contract verification, end to end, against a LOCAL STAND-IN for Etherscan's v2 API
// (test/fixtures/etherscan-fake.ts), never Etherscan: the suite is deployed on an in-process
// EDR chain, served over HTTP, and verified with hardhat-verify's own client through
// scripts/contracts/verify-suite.ts; the stand-in recompiles every submission with the
// project's solc and checks it against the chain.
//
// Two things the in-process test network cannot do for hardhat-verify, hence this set-up:
//   - hardhat-verify refuses chain ids 31337 and 1337 whatever the network (rejectLocalNetworks),
//     so the chain runs with another id;
//   - it opens its own connection to the HRE's network, and a new connection to an
//     edr-simulated network is a new, empty chain; so the chain is served with Hardhat's
//     JSON-RPC server (network.createServer, what `hardhat node` uses, in this process) and a
//     second HRE, with the project's config plus an http network, a chain descriptor naming the
//     stand-in and a test API key, deploys and verifies through it.
import type {} from "@nomicfoundation/hardhat-verify";
import type {} from "@nomicfoundation/hardhat-viem";
import assert from "node:assert/strict";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { verifyContract } from "@nomicfoundation/hardhat-verify/verify";
import { network } from "hardhat";
import { createHardhatRuntimeEnvironment } from "hardhat/hre";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { JsonRpcServer, NetworkConnection } from "hardhat/types/network";
import { encodeAbiParameters, getAddress, type Address } from "viem";
import projectConfig from "../../hardhat.config.ts";
import { SUITE_SOURCES, verifySuite, type SuiteContract, type SuiteContractToVerify } from "../../scripts/contracts/verify-suite.ts";
import verifyTask from "../../scripts/contracts/verify-task.ts";
import { startEtherscanFake, type EtherscanFake } from "../fixtures/etherscan-fake.ts";
import { BHLS_LIMIT, BHLS_REFILL, POWERS, validatorKeys, WNXT_LIMIT, WNXT_REFILL } from "./bridge-fixtures.ts";

/** Not 31337: hardhat-verify will not verify on 31337 or 1337. */
const CHAIN_ID = 31_338;
const API_KEY = "test-etherscan-key";

/** hardhat-verify's programmatic API prints its progress with console.log: kept here instead. */
const printed: string[] = [];
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const log = console.log;
  console.log = (...args: unknown[]) => void printed.push(args.map(String).join(" "));
  try {
    return await fn();
  } finally {
    console.log = log;
  }
}

describe("contract verification (against a local stand-in for Etherscan's v2 API)", function () {
  let server: JsonRpcServer;
  let fake: EtherscanFake;
  let hre: HardhatRuntimeEnvironment;
  let connection: NetworkConnection;
  let suite: Record<SuiteContract, SuiteContractToVerify>;
  const lines: string[] = [];

  /** The standard JSON input Hardhat (and so hardhat-verify, for its minimal input) builds for one root file. */
  async function solcInput(sourceName: string) {
    const jobs = await hre.solidity.getCompilationJobs([path.join(hre.config.paths.root, sourceName)], {
      buildProfile: "default",
      quiet: true,
      force: true,
    });
    assert.ok("compilationJobsPerFile" in jobs);
    return await [...jobs.compilationJobsPerFile.values()][0]!.getSolcInput();
  }

  before(async () => {
    server = await network.createServer({ network: "default", override: { chainId: CHAIN_ID } }, "127.0.0.1");
    const { port } = await server.listen();
    const rpcUrl = `http://127.0.0.1:${port}`;
    fake = await startEtherscanFake({ chainId: CHAIN_ID, rpc: rpcUrl, apiKey: API_KEY });
    hre = await createHardhatRuntimeEnvironment(
      {
        ...projectConfig,
        networks: { ...projectConfig.networks, nexusVerifyLocal: { type: "http", chainType: "l1", url: rpcUrl } },
        chainDescriptors: {
          [CHAIN_ID]: {
            name: "NexusOS local",
            blockExplorers: { etherscan: { name: "local fake", url: fake.url, apiUrl: fake.apiUrl } },
          },
        },
        verify: { etherscan: { apiKey: API_KEY } },
      },
      // `hardhat test` built the artifacts with the default build profile; hardhat-verify
      // builds its minimal input with the HRE's profile, "production" unless told.
      { network: "nexusVerifyLocal", buildProfile: "default" },
      path.resolve(import.meta.dirname, "../.."),
    );
    connection = await hre.network.create();
    // Start the six distinct compiles the tests will need now, on both cores, instead of one
    // after the other as each submission arrives (~37 s of solc-js in all). The stand-in still
    // compiles every submission: a submission hits this cache only if its input is exactly the
    // same, and any other input (another source, another setting) compiles afresh. Longest first;
    // not awaited: a failure reaches the submission that needs that input.
    const { NexusBridge, NexusDEXFactory, NexusDEXRouter, WNXT, BHLSDistributor } = SUITE_SOURCES;
    for (const fqn of [NexusBridge, NexusDEXFactory, "contracts/dex/NexusDEXPair.sol:NexusDEXPair", NexusDEXRouter, WNXT, BHLSDistributor]) {
      void fake.precompile(await solcInput(fqn.split(":")[0]!)).catch(() => {});
    }

    // The suite, as the deployment record holds it: constructor arguments as strings.
    const { viem } = connection;
    const publicClient = await viem.getPublicClient();
    const [deployer] = await viem.getWalletClients();
    const validators = validatorKeys("verify", POWERS.length).map((k) => k.address);
    const bridgeArgs = [validators, [...POWERS], WNXT_LIMIT, WNXT_REFILL, BHLS_LIMIT, BHLS_REFILL] as const;
    const bridge = await viem.deployContract("NexusBridge", [...bridgeArgs]);
    const wnxt = getAddress(await bridge.read.wnxt());
    const factory = await viem.deployContract("NexusDEXFactory", [deployer!.account.address]);
    const router = await viem.deployContract("NexusDEXRouter", [factory.address]);
    assert.equal(await publicClient.getChainId(), CHAIN_ID);
    suite = {
      NexusBridge: {
        address: getAddress(bridge.address),
        constructorArgs: [validators, POWERS.map(String), ...bridgeArgs.slice(2).map(String)],
      },
      WNXT: { address: wnxt, constructorArgs: [] },
      BHLSDistributor: { address: getAddress(await bridge.read.bhlsDistributor()), constructorArgs: [wnxt] },
      NexusDEXFactory: { address: getAddress(factory.address), constructorArgs: [getAddress(deployer!.account.address)] },
      NexusDEXRouter: { address: getAddress(router.address), constructorArgs: [getAddress(factory.address)] },
    };
  });

  after(async () => {
    await connection?.close();
    await fake?.close();
    await server?.close();
    if (fake !== undefined) {
      const ms = fake.compilations.map((c) => c.ms);
      const cached = fake.jobs.filter((j) => j.cachedCompile).length;
      console.log(`      stand-in: ${fake.jobs.length} submissions (${cached} found compiled), ${ms.length} compilations (${ms.join(", ")} ms)`);
    }
  });

  it("refuses the router submitted with another factory's address (it checks constructor arguments)", async () => {
    const { address } = suite.NexusDEXRouter;
    const otherFactory: Address = suite.NexusBridge.address;
    await assert.rejects(
      quietly(() => verifyContract({ address, constructorArgs: [otherFactory], contract: SUITE_SOURCES.NexusDEXRouter }, hre)),
      /correct constructor argument/,
    );
    // The runtime code matched (the factory is an immutable, masked): only the arguments differ.
    assert.match(fake.jobs.at(-1)!.result, /^Fail - Unable to verify\. Please check if the correct constructor argument/);
    assert.equal(await connection.verification.etherscan.isVerified(address), false);
  });

  it("refuses BHLSDistributor with another WNXT address (checked against the bridge's creation trace)", async () => {
    const { address } = suite.BHLSDistributor;
    await assert.rejects(
      quietly(() => verifyContract({ address, constructorArgs: [suite.NexusDEXRouter.address], contract: SUITE_SOURCES.BHLSDistributor }, hre)),
      /correct constructor argument/,
    );
    assert.equal(await connection.verification.etherscan.isVerified(address), false);
  });

  it("refuses a contract submitted under another contract's name, or a name the input lacks", async () => {
    // The bridge's own input holds WNXT and BHLSDistributor too: submit WNXT's address as the distributor.
    const compilerInput = await solcInput("contracts/bridge/NexusBridge.sol");
    const etherscan = connection.verification.etherscan;
    const submit = async (contractAddress: string, contractName: string, constructorArguments: string) => {
      const guid = await etherscan.verify({ contractAddress, compilerInput, contractName, compilerVersion: "v0.8.28+commit.7893614a", constructorArguments });
      return await etherscan.pollVerificationStatus(guid, contractAddress, contractName);
    };
    const wnxtAsArgument = encodeAbiParameters([{ type: "address" }], [suite.WNXT.address]).slice(2);
    const asDistributor = await submit(suite.WNXT.address, "project/contracts/bhls/BHLSDistributor.sol:BHLSDistributor", wnxtAsArgument);
    assert.equal(asDistributor.success, false);
    assert.match(asDistributor.message, /bytecode does NOT match/);
    const missing = await submit(suite.WNXT.address, "project/contracts/token/WNXT.sol:WNXT2", "");
    assert.equal(missing.success, false);
    assert.match(missing.message, /Unable to locate ContractName/);
    assert.equal(await etherscan.isVerified(suite.WNXT.address), false);
  });

  it("verifies all five, WNXT and BHLSDistributor (created by the bridge) included", async () => {
    printed.length = 0;
    const results = await quietly(() => verifySuite(hre, connection, suite, (line) => lines.push(line)));
    assert.deepEqual(
      results.map((r) => [r.name, r.result]),
      Object.keys(SUITE_SOURCES).map((name) => [name, "verified"]),
    );
    assert.equal(lines.length, 5);
    assert.equal(printed.filter((p) => p.includes("Contract verified successfully on local fake")).length, 5);
    // What the stand-in checked the constructor arguments against.
    const createdBy = Object.fromEntries(
      Object.entries(suite).map(([name, c]) => [name, fake.verified.get(c.address.toLowerCase())?.createdBy]),
    );
    assert.deepEqual(createdBy, {
      NexusBridge: "transaction",
      WNXT: "contract",
      BHLSDistributor: "contract",
      NexusDEXFactory: "transaction",
      NexusDEXRouter: "transaction",
    });
    // getsourcecode now returns the verified source (Etherscan's extra braces around standard JSON).
    const source = await connection.verification.etherscan.customApiCall({ module: "contract", action: "getsourcecode", address: suite.BHLSDistributor.address });
    const [entry] = source.result as Array<{ SourceCode: string; ContractName: string; ConstructorArguments: string }>;
    assert.equal(entry!.ContractName, "BHLSDistributor");
    assert.ok(JSON.parse(entry!.SourceCode.slice(1, -1)).sources["project/contracts/bhls/BHLSDistributor.sol"]);
    assert.equal(entry!.ConstructorArguments, encodeAbiParameters([{ type: "address" }], [suite.WNXT.address]).slice(2));
  });

  it("verifies a DEX pair (created by the factory with CREATE2, no constructor arguments)", async () => {
    const factory = await connection.viem.getContractAt("NexusDEXFactory", suite.NexusDEXFactory.address);
    const publicClient = await connection.viem.getPublicClient();
    await publicClient.waitForTransactionReceipt({ hash: await factory.write.createPair([suite.WNXT.address, suite.NexusDEXRouter.address]) });
    const pair = getAddress(await factory.read.getPair([suite.WNXT.address, suite.NexusDEXRouter.address]));
    assert.equal(await quietly(() => verifyContract({ address: pair, contract: "contracts/dex/NexusDEXPair.sol:NexusDEXPair" }, hre)), true);
    assert.equal(fake.verified.get(pair.toLowerCase())?.createdBy, "contract");
  });

  it("answers with Etherscan's shapes: a wrong key, another chain, an unknown request id", async () => {
    const call = async (query: Record<string, string>) =>
      (await (await fetch(`${fake.apiUrl}?${new URLSearchParams(query)}`)).json()) as { status: string; message: string; result: unknown };
    const base = { chainid: String(CHAIN_ID), apikey: API_KEY, module: "contract" };
    assert.deepEqual(await call({ ...base, apikey: "another", action: "getsourcecode", address: suite.WNXT.address }), {
      status: "0",
      message: "NOTOK",
      result: "Invalid API Key (#err2)|10",
    });
    assert.match(String((await call({ ...base, chainid: "1", action: "getsourcecode", address: suite.WNXT.address })).result), /unsupported chainid/);
    assert.deepEqual(await call({ ...base, action: "checkverifystatus", guid: "nope" }), { status: "0", message: "NOTOK", result: "Unable to locate the guid" });
    const unverified = await call({ ...base, action: "getsourcecode", address: "0x000000000000000000000000000000000000dEaD" });
    assert.equal(unverified.status, "1");
    assert.equal((unverified.result as Array<{ SourceCode: string }>)[0]!.SourceCode, "");
  });

  it("says already verified on a re-run, without submitting anything", async () => {
    const submissions = fake.jobs.length;
    const results = await quietly(() => verifySuite(hre, connection, suite));
    assert.deepEqual(
      results.map((r) => r.result),
      Object.keys(SUITE_SOURCES).map(() => "already verified"),
    );
    assert.equal(fake.jobs.length, submissions);
  });

  it("nexus verify takes a deployment record and reports each contract", async () => {
    const id = `verify-task-test-${process.pid}`;
    const file = path.join(hre.config.paths.root, "deployments", `${id}.json`);
    const publicClient = await connection.viem.getPublicClient();
    const { hash: genesisHash } = await publicClient.getBlock({ blockNumber: 0n });
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify({ format: 1, deploymentId: id, chainId: CHAIN_ID, genesisHash, contracts: suite }));
    const exitCode = process.exitCode;
    try {
      await quietly(() => verifyTask({ deploymentId: id }, hre));
      for (const name of Object.keys(SUITE_SOURCES)) {
        assert.ok(printed.some((p) => p.startsWith(name) && p.endsWith("already verified")), `${name}: ${printed.join("\n")}`);
      }
      assert.equal(process.exitCode, exitCode);
    } finally {
      await rm(file, { force: true });
    }
  });
});
