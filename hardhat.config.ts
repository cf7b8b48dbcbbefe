// Hardhat 3 project for the NexusOS EVM contracts (contracts/). The repository
// root is the Hardhat root; contract tests live in test/contracts/ so that
// `hardhat test` never picks up the runtime's own mocha tests.
import { createRequire } from "node:module";
import path from "node:path";
import hardhatEthers from "@nomicfoundation/hardhat-ethers";
import hardhatIgnitionViem from "@nomicfoundation/hardhat-ignition-viem";
import hardhatKeystore from "@nomicfoundation/hardhat-keystore";
import hardhatMocha from "@nomicfoundation/hardhat-mocha";
import hardhatTypechain from "@nomicfoundation/hardhat-typechain";
import hardhatVerify from "@nomicfoundation/hardhat-verify";
import hardhatViem from "@nomicfoundation/hardhat-viem";
import { configVariable, defineConfig } from "hardhat/config";
import { nexusTasks } from "./scripts/contracts/tasks.ts";

const require = createRequire(import.meta.url);

// solc-js wasm from the exact-pinned `solc` package: compiles offline, Hardhat
// never downloads a compiler. Hardhat does not check that `version` matches
// the file, so package.json pins solc at exactly 0.8.28.
const solc = {
  version: "0.8.28",
  path: require.resolve("solc/soljson.js"),
  settings: {
    // Cancun gives transient storage (the pair's reentrancy lock) and MCOPY.
    evmVersion: "cancun",
    optimizer: { enabled: true, runs: 20_000 },
    // via-IR: about 1 100 gas less per swap and 650 per bridge mint than the legacy pipeline.
    viaIR: true,
  },
};

export default defineConfig({
  plugins: [hardhatViem, hardhatMocha, hardhatEthers, hardhatTypechain, hardhatIgnitionViem, hardhatKeystore, hardhatVerify],
  tasks: nexusTasks,
  // The same settings for both profiles: `ignition deploy` and `verify` build with "production",
  // which Hardhat would otherwise derive with 200 runs, no via-IR and no cancun target (and
  // NexusBridge does not compile that way: stack too deep).
  solidity: {
    profiles: { default: { ...solc }, production: { ...solc } },
  },
  paths: {
    sources: "contracts",
    tests: {
      mocha: "test/contracts",
      // No Solidity tests: point the solidity runner at the same folder, which
      // holds only TypeScript, so it finds nothing to run.
      solidity: "test/contracts",
    },
  },
  test: {
    mocha: { timeout: 120_000 },
  },
  typechain: {
    // TypeChain (ethers v6) bindings land in the gitignored types/ folder.
    outDir: path.resolve(import.meta.dirname, "types/ethers-contracts"),
  },
  // Verification (`npx hardhat verify`, `npx hardhat ignition verify <deployment id>`): Etherscan's
  // v2 API with one key for every chain it serves, read from the keystore or the environment only
  // when a verification runs; Sourcify and Blockscout need no key. docs/contracts.md, "Verify".
  verify: {
    etherscan: { apiKey: configVariable("ETHERSCAN_API_KEY") },
  },
  networks: {
    // In-process EDR chain, the default for tests, scripts and the gas bench.
    default: {
      type: "edr-simulated",
      chainType: "l1",
    },
    // `npx hardhat node --network interval`: no automine, a block every NEXUS_EVM_BLOCK_MS ms
    // (default 1000), transactions waiting for it as on a real chain (bench/bridge-evm.ts).
    interval: {
      type: "edr-simulated",
      chainType: "l1",
      mining: { auto: false, interval: Number(process.env.NEXUS_EVM_BLOCK_MS ?? 1000) },
    },
    // A `npx hardhat node` on this machine; NEXUS_EVM_LOCAL_URL points elsewhere (another port).
    localhost: {
      type: "http",
      chainType: "l1",
      url: configVariable("NEXUS_EVM_LOCAL_URL", { default: "http://127.0.0.1:8545" }),
    },
    // Any EVM chain, for a one-off: keys and URLs are configuration variables, resolved only when
    // the network is used, from the encrypted keystore (`npx hardhat keystore set
    // NEXUS_EVM_PRIVATE_KEY`) or else the environment.
    rpc: {
      type: "http",
      chainType: "l1",
      url: configVariable("NEXUS_EVM_RPC_URL"),
      accounts: [configVariable("NEXUS_EVM_PRIVATE_KEY")],
    },
    // A named public network, the way to add one for good (its own parameters file,
    // ignition/parameters/sepolia.json5, and its own deployment id).
    sepolia: {
      type: "http",
      chainType: "l1",
      chainId: 11155111,
      url: configVariable("SEPOLIA_RPC_URL"),
      accounts: [configVariable("SEPOLIA_PRIVATE_KEY")],
    },
  },
});
