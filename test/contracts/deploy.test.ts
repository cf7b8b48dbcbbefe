// The deployment script's library: deploys the whole suite, wires it up,
// writes the record, and is idempotent on re-run.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { getAddress } from "viem";
import { configFromEnv, deploySuite, type DeploymentRecord } from "../../scripts/deploy-contracts-lib.ts";
import { connect, type Chain } from "./helpers.ts";

describe("deploy-contracts", function () {
  let chain: Chain;
  let dir: string;
  before(async () => {
    chain = await connect();
    dir = await mkdtemp(path.join(tmpdir(), "nexus-deploy-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("deploys everything once, wires it, and re-runs as a no-op", async () => {
    const accounts = chain.wallets.map((w) => getAddress(w.account.address));
    const config = configFromEnv({ NEXUS_DEX_FEE_TO: accounts[5] }, accounts.slice(1, 4));
    const first = await deploySuite(chain.connection, config, { deploymentsDir: dir });
    assert.deepEqual(first.deployed, ["NexusBridge", "WNXT", "BHLSDistributor", "NexusDEXFactory", "NexusDEXRouter"]);
    assert.deepEqual(first.settings, [`setFeeTo(${accounts[5]})`]);
    assert.equal(path.basename(first.file), `${chain.connection.networkName}.json`);

    const record = JSON.parse(await readFile(first.file, "utf8")) as DeploymentRecord;
    const c = record.contracts;
    const bridge = await chain.viem.getContractAt("NexusBridge", c.NexusBridge.address);
    assert.equal(getAddress(await bridge.read.wnxt()), c.WNXT.address);
    assert.equal(getAddress(await bridge.read.bhlsDistributor()), c.BHLSDistributor.address);
    const sorted = [...accounts.slice(1, 4)].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    assert.deepEqual(await bridge.read.validators(), [sorted, [1n, 1n, 1n]]);
    const [, , totalPower] = await bridge.read.config();
    assert.equal(totalPower, 3n);
    assert.equal(await bridge.read.available([c.WNXT.address]), 1_000_000n * 10n ** 8n);
    assert.equal(await bridge.read.available([c.BHLSDistributor.address]), 5_000_000n * 10n ** 8n);
    assert.deepEqual(record.config.powers, ["1", "1", "1"]);
    const router = await chain.viem.getContractAt("NexusDEXRouter", c.NexusDEXRouter.address);
    assert.equal(getAddress(await router.read.factory()), c.NexusDEXFactory.address);
    const factory = await chain.viem.getContractAt("NexusDEXFactory", c.NexusDEXFactory.address);
    assert.equal(getAddress(await factory.read.feeTo()), accounts[5]);

    const blockBefore = await chain.publicClient.getBlockNumber();
    const second = await deploySuite(chain.connection, config, { deploymentsDir: dir });
    assert.deepEqual(second.deployed, []);
    assert.deepEqual(second.settings, []);
    assert.deepEqual(second.record, record);
    assert.equal(await chain.publicClient.getBlockNumber(), blockBefore, "a re-run sent transactions");
  });

  it("redeploys what the record names but the chain lacks", async () => {
    const file = path.join(dir, `${chain.connection.networkName}.json`);
    const record = JSON.parse(await readFile(file, "utf8")) as DeploymentRecord;
    record.contracts.NexusDEXRouter.address = "0x000000000000000000000000000000000000bEEF";
    await writeFile(file, JSON.stringify(record));
    const accounts = chain.wallets.map((w) => getAddress(w.account.address));
    const config = configFromEnv({ NEXUS_DEX_FEE_TO: accounts[5] }, accounts.slice(1, 4));
    const again = await deploySuite(chain.connection, config, { deploymentsDir: dir });
    assert.deepEqual(again.deployed, ["NexusDEXRouter"]);
  });

  it("requires validators with powers on non-development networks and checks them", () => {
    assert.throws(() => configFromEnv({}, []), /NEXUS_BRIDGE_VALIDATORS is required/);
    assert.throws(() => configFromEnv({ NEXUS_BRIDGE_VALIDATORS: "0x12:1" }, []), /not an address/);
    const a = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    const b = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
    // A key without its power, a zero or malformed power: refused (the threshold is stake-weighted).
    assert.throws(() => configFromEnv({ NEXUS_BRIDGE_VALIDATORS: `${a}, ${b}` }, []), /address:power/);
    assert.throws(() => configFromEnv({ NEXUS_BRIDGE_VALIDATORS: `${a}:0` }, []), /address:power/);
    assert.throws(() => configFromEnv({ NEXUS_BRIDGE_VALIDATORS: `${a}:1.5` }, []), /address:power/);
    assert.throws(() => configFromEnv({ NEXUS_BRIDGE_VALIDATORS: `${a}:1`, NEXUS_BRIDGE_THRESHOLD: "2" }, []), /no longer used/);
    const cfg = configFromEnv({ NEXUS_BRIDGE_VALIDATORS: `${a}:40, ${b}:60` }, []);
    assert.deepEqual(cfg.validators, [
      { address: a, power: 40n },
      { address: b, power: 60n },
    ]);
    assert.equal(cfg.wnxtCapacity, 1_000_000n * 10n ** 8n);
    assert.equal(cfg.wnxtRefillPerSecond, (1_000_000n * 10n ** 8n) / 86_400n);
    assert.throws(() => configFromEnv({ NEXUS_WNXT_RATE_PERIOD: "0" }, [a]), /must be positive/);
    assert.equal(cfg.bhlsCapacity, 5_000_000n * 10n ** 8n);
    assert.equal(configFromEnv({ NEXUS_BHLS_RATE_LIMIT_NXT: "864", NEXUS_BHLS_RATE_PERIOD: "864" }, [a]).bhlsRefillPerSecond, 10n ** 8n);
    assert.throws(() => configFromEnv({ NEXUS_BHLS_RATE_LIMIT_NXT: "0" }, [a]), /NEXUS_BHLS_RATE_LIMIT_NXT and NEXUS_BHLS_RATE_PERIOD must be positive/);
  });
});
