// EvmDestinationSigner: its Mint signatures verify on both sides — NexusOS's recovery
// (modules/bridge/eip712.ts, what MsgSignOutbound checks) and NexusBridge itself.
import { expect } from "chai";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { getAddress, hexToBytes, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { mintDigest, recoverEvmSigner } from "../../modules/bridge/eip712.ts";
import { transferId } from "../../modules/bridge/rules.ts";
import type { DestinationSignature, OutboundTransfer } from "../core/types.ts";
import { EvmBridgeError } from "./errors.ts";
import { createEvmFamily } from "./family.ts";
import { EvmDestinationSigner } from "./signer.ts";
import { bridgeFixture, captureLogger, familyOptions, privateKeyOf, snapshotEach, type BridgeFixture } from "./testing/fixture.ts";
import { startHardhatRpc, testKeys, type HardhatRpc } from "./testing/hardhat-rpc.ts";

describe("bridges/evm EvmDestinationSigner", function () {
  this.timeout(120_000);
  let rpc: HardhatRpc;
  let f: BridgeFixture;
  const snap = snapshotEach(() => rpc);
  before(async () => {
    rpc = await startHardhatRpc();
    f = await bridgeFixture(rpc);
    await snap.take();
  });
  after(async () => rpc?.close());

  /** The validator keys' hex, as the family would read them from env. */
  const validatorHex = (i: number): Hex => {
    // testKeys sorts by address: find the label index whose account is validator i.
    for (let j = 0; j < 4; j++) {
      const k = privateKeyOf(`validator-${j}`);
      if (privateKeyToAccount(k).address === f.validators[i]!.address) return k;
    }
    throw new Error("no such validator");
  };

  function signerFor(i: number, log = captureLogger()): EvmDestinationSigner {
    const env = { NEXUS_EVM_VALIDATOR_KEY: validatorHex(i) };
    const fam = createEvmFamily({ name: "evm-local", options: familyOptions(rpc, f, { validatorKey: "NEXUS_EVM_VALIDATOR_KEY" }) }, { logger: log.logger, env });
    return fam.signer as EvmDestinationSigner;
  }

  function outbound(seq: bigint, amount = 123n * 10n ** 8n, expiresAt = 4_102_444_800n): OutboundTransfer {
    return { destChain: "evm-local", seq, transferId: transferId("nexus-devnet", "evm-local", seq), recipient: f.wallets[3]!.account.address.toLowerCase(), amount, expiresAt };
  }

  it("key is the lowercase address; the signature is 65 bytes hex without 0x, verified by NexusOS's recovery", async () => {
    const s = signerFor(0);
    expect(s.key).to.equal(f.validators[0]!.address.toLowerCase());
    const t = outbound(1n);
    const sig = await s.sign(t);
    expect(sig).to.match(/^[0-9a-f]{130}$/);
    const digest = mintDigest({ chainId: f.chainId, verifyingContract: f.bridge.address }, { transferId: t.transferId, recipient: t.recipient, amount: t.amount, expiresAt: Number(t.expiresAt) });
    expect(recoverEvmSigner(digest, sig)).to.equal(s.key);
    expect(recoverEvmSigner(digest, `0x${sig}`)).to.equal(s.key);
    // The same digest as the contract's.
    expect(await f.bridge.read.mintDigest([`0x${t.transferId}`, getAddress(t.recipient), t.amount, t.expiresAt])).to.equal(`0x${Buffer.from(digest).toString("hex")}`);
  });

  it("signatures of more than 2/3 of the power mint on the contract; 2/3 or less do not", async () => {
    const t = outbound(2n);
    const sigs: DestinationSignature[] = [];
    for (const i of [0, 1]) {
      const s = signerFor(i);
      sigs.push({ key: s.key, signature: await s.sign(t) });
    }
    const packed = `0x${sigs.map((s) => s.signature).join("")}` as Hex; // validators are ascending already
    const args = [`0x${t.transferId}`, getAddress(t.recipient), t.amount, t.expiresAt] as const;
    // 40 alone is not enough.
    const one = `0x${sigs[0]!.signature}` as Hex;
    const err = await f.bridge.simulate.mint([...args, one]).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).to.contain("InsufficientPower");
    await f.publicClient.waitForTransactionReceipt({ hash: await f.bridge.write.mint([...args, packed]) });
    expect(await f.wnxt.read.balanceOf([getAddress(t.recipient)])).to.equal(t.amount);
    expect(await f.bridge.read.processed([`0x${t.transferId}`])).to.equal(true);
  });

  it("loads the key from a file, and never writes the key to logs or JSON", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "nexus-evm-key-"));
    try {
      const file = path.join(dir, "validator.key");
      writeFileSync(file, `${validatorHex(1)}\n`);
      chmodSync(file, 0o600);
      const log = captureLogger();
      const fam = createEvmFamily({ name: "evm-local", options: familyOptions(rpc, f, { validatorKey: { file } }) }, { logger: log.logger });
      const s = fam.signer as EvmDestinationSigner;
      expect(s.key).to.equal(f.validators[1]!.address.toLowerCase());
      await s.sign(outbound(3n));
      const secret = validatorHex(1).slice(2);
      expect(log.text()).to.not.contain(secret);
      expect(JSON.stringify(s)).to.not.contain(secret);
      expect(JSON.stringify(fam)).to.not.contain(secret);
      expect(log.lines.some((l) => l.key === s.key)).to.equal(true);
      // A world-readable key file draws a warning.
      chmodSync(file, 0o644);
      const log2 = captureLogger();
      createEvmFamily({ name: "evm-local", options: familyOptions(rpc, f, { validatorKey: { file } }) }, { logger: log2.logger });
      expect(log2.lines.some((l) => String(l.msg).includes("readable by group or others"))).to.equal(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a transfer of another chain or with a malformed field, and a missing or bad key", async () => {
    const s = signerFor(0);
    const bad = async (t: OutboundTransfer) => {
      const e = await s.sign(t).then(
        () => undefined,
        (x: unknown) => x as EvmBridgeError,
      );
      expect(e).to.be.instanceOf(EvmBridgeError);
      expect(e!.code).to.equal("EVM_BAD_TRANSFER");
    };
    await bad({ ...outbound(1n), destChain: "sepolia" });
    await bad({ ...outbound(1n), recipient: "nxs1xyz" });
    await bad({ ...outbound(1n), transferId: "abcd" });
    await bad({ ...outbound(1n), amount: 0n });
    await bad({ ...outbound(1n), expiresAt: 1n << 64n });
    const make = (env: Record<string, string>) => () =>
      createEvmFamily({ name: "evm-local", options: familyOptions(rpc, f, { validatorKey: { env: "K" } }) }, { logger: captureLogger().logger, env });
    expect(make({})).to.throw(EvmBridgeError, /environment variable K is not set/);
    expect(make({ K: "0x1234" })).to.throw(EvmBridgeError, /does not hold a 32-byte hex private key/);
    expect(make({ K: "0x" + "00".repeat(32) })).to.throw(EvmBridgeError, /not hold a valid secp256k1 private key/);
  });

  it("signs for the configured domain only after the chain check passes", async () => {
    const env = { K: validatorHex(0) };
    const fam = createEvmFamily({ name: "evm-local", options: familyOptions(rpc, f, { chainId: 1, validatorKey: "K" }) }, { logger: captureLogger().logger, env });
    const e = await fam.signer!.sign(outbound(1n)).then(
      () => undefined,
      (x: unknown) => x as EvmBridgeError,
    );
    expect(e?.code).to.equal("EVM_WRONG_CHAIN");
  });

  it("ValidatorSetUpdate signatures recover to the key over the contract's digest", async () => {
    const s = signerFor(2);
    const next = testKeys("next", 3);
    const u = { setId: 2n, validators: next.map((k) => k.address), powers: [1n, 2n, 3n], nonce: 0n };
    const sig = await s.signValidatorSetUpdate(u);
    const digest = await f.bridge.read.validatorSetDigest([u.setId, u.validators, u.powers, u.nonce]);
    expect(recoverEvmSigner(hexToBytes(digest), sig)).to.equal(s.key);
  });
});
