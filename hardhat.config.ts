// Hardhat 3 project for the NexusOS EVM contracts (contracts/). The repository
// root is the Hardhat root; contract tests live in test/contracts/ so that
// `hardhat test` never picks up the runtime's own mocha tests.
import { createRequire } from "node:module";
import path from "node:path";
import hardhatEthers from "@nomicfoundation/hardhat-ethers";
import hardhatMocha from "@nomicfoundation/hardhat-mocha";
import hardhatTypechain from "@nomicfoundation/hardhat-typechain";
import hardhatViem from "@nomicfoundation/hardhat-viem";
import { configVariable, defineConfig } from "hardhat/config";

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
  plugins: [hardhatViem, hardhatMocha, hardhatEthers, hardhatTypechain],
  solidity: {
    ...solc,
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
  networks: {
    // In-process EDR chain, the default for tests, scripts and the gas bench.
    default: {
      type: "edr-simulated",
      chainType: "l1",
    },
    // A `npx hardhat node` running on this machine.
    localhost: {
      type: "http",
      chainType: "l1",
      url: "http://127.0.0.1:8545",
    },
    // Any EVM chain: NEXUS_EVM_RPC_URL and NEXUS_EVM_PRIVATE_KEY from the
    // environment (resolved only when this network is used).
    rpc: {
      type: "http",
      chainType: "l1",
      url: configVariable("NEXUS_EVM_RPC_URL"),
      accounts: [configVariable("NEXUS_EVM_PRIVATE_KEY")],
    },
  },
});
