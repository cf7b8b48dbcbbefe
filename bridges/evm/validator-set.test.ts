// Keeping NexusBridge's validator set following NexusOS: plan from `bridge/attestationKeys`,
// sign by the current and the incoming set, rotate on Hardhat, then mint with the new set.
import { expect } from "chai";
import { createWalletClient, getAddress, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { transferId } from "../../modules/bridge/rules.ts";
import type { DestinationSignature } from "../core/types.ts";
import { checkBridge, evmChain, evmPublicClient } from "./client.ts";
import { EvmBridgeError } from "./errors.ts";
import { createEvmFamily } from "./family.ts";
import { EvmDestinationSigner } from "./signer.ts";
import type { EvmDestinationSubmitter } from "./submitter.ts";
import { bridgeFixture, captureLogger, familyOptions, privateKeyOf, snapshotEach, type BridgeFixture } from "./testing/fixture.ts";
import { startHardhatRpc, type HardhatRpc } from "./testing/hardhat-rpc.ts";
import { desiredSet, planValidatorSetUpdate, readBridgeSet, submitValidatorSetUpdate, validatorSetUpdateDigest, type AttestationKeys, type ValidatorSetUpdate } from "./validator-set.ts";

describe("bridges/evm validator set", function () {
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

  /** Signers for private keys labelled `label-i` (the fixture's validators are "validator-0..3"). */
  const signer = (label: string) =>
    new EvmDestinationSigner({ chain: "evm-local", chainId: f.chainId, bridgeAddress: f.bridge.address, account: privateKeyToAccount(privateKeyOf(label)) });
  /** The contract's set in ascending key order, as the fixture's powers 40/30/20/10 are assigned. */
  const current = () => [0, 1, 2, 3].map((i) => signer(`validator-${i}`)).sort((a, b) => (BigInt(a.key) < BigInt(b.key) ? -1 : 1));
  /** NexusOS's new set: validator-1 and -3 stay (new powers), validator-0 and -2 leave, three join. */
  const incoming = () => [signer("validator-1"), signer("validator-3"), signer("joiner-0"), signer("joiner-1"), signer("joiner-2")];
  const incomingPowers = [25n, 5n, 30n, 20n, 20n];

  function attestationKeys(signers: EvmDestinationSigner[], powers: bigint[], extra: { totalPower?: bigint; missing?: string[] } = {}): AttestationKeys {
    const keyed = powers.reduce((a, b) => a + b, 0n);
    return {
      family: "evm",
      height: 42,
      totalPower: (extra.totalPower ?? keyed).toString(),
      keyedPower: keyed.toString(),
      keys: signers.map((s, i) => ({ validator: `nxs1validator${i}`, key: s.key, power: powers[i]!.toString() })),
      missing: extra.missing ?? [],
    };
  }

  const sigs = async (signers: EvmDestinationSigner[], u: ValidatorSetUpdate): Promise<DestinationSignature[]> =>
    Promise.all(signers.map(async (s) => ({ key: s.key, signature: await s.signValidatorSetUpdate(u) })));

  function relayer() {
    const account = privateKeyToAccount(f.relayerKey);
    const chain = evmChain("evm-local", f.chainId, rpc.url);
    return { client: evmPublicClient(chain, rpc.url), wallet: createWalletClient({ account, chain, transport: http(rpc.url) }) };
  }

  it("no update when the contract already holds NexusOS's set", async () => {
    const { client } = relayer();
    const desired = desiredSet(attestationKeys(current(), [40n, 30n, 20n, 10n]));
    expect(planValidatorSetUpdate(desired, await readBridgeSet(client, f.bridge.address))).to.deep.equal({ needed: false });
    // Powers alone changing is an update.
    const changed = desiredSet(attestationKeys(current(), [40n, 30n, 20n, 11n]));
    expect(planValidatorSetUpdate(changed, await readBridgeSet(client, f.bridge.address)).needed).to.equal(true);
  });

  it("rotates the set: setId + 1, keys ascending, the contract's digest, signed by both sets; then the new set mints and the old cannot", async () => {
    const { client, wallet } = relayer();
    const desired = desiredSet(attestationKeys(incoming(), incomingPowers));
    // Ascending by address whatever order NexusOS listed them in.
    expect(desired.validators).to.deep.equal([...desired.validators].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)));
    const before = await readBridgeSet(client, f.bridge.address);
    const plan = planValidatorSetUpdate(desired, before);
    if (!plan.needed) throw new Error("expected an update");
    const u = plan.update;
    expect(u.setId).to.equal(before.setId + 1n);
    expect(u.nonce).to.equal(before.nonce);
    expect(validatorSetUpdateDigest(f.chainId, f.bridge.address, u)).to.equal(await f.bridge.read.validatorSetDigest([u.setId, [...u.validators], [...u.powers], u.nonce]));

    const bridge = await checkBridge(client, { chainId: f.chainId, bridgeAddress: f.bridge.address });
    const r = await submitValidatorSetUpdate({ client, wallet, bridge, update: u, currentSignatures: await sigs(current(), u), incomingSignatures: await sigs(incoming(), u) });
    expect(r.alreadyApplied).to.equal(false);
    const after = await readBridgeSet(client, f.bridge.address);
    expect(after.setId).to.equal(2n);
    expect(after.validators).to.deep.equal(u.validators.map((v) => getAddress(v)));
    expect(after.powers).to.deep.equal(u.powers);
    expect(after.totalPower).to.equal(100n);
    expect(planValidatorSetUpdate(desired, after)).to.deep.equal({ needed: false });
    // Submitting the same update again: already applied.
    expect((await submitValidatorSetUpdate({ client, wallet, bridge, update: u, currentSignatures: [], incomingSignatures: [] })).alreadyApplied).to.equal(true);

    // A mint now needs the new set: the old keys' signatures are left out (validator-0 and -2 are gone).
    const fam = createEvmFamily({ name: "evm-local", options: familyOptions(rpc, f, { relayerKey: "R", confirmations: 0 }) }, { logger: captureLogger().logger, env: { R: f.relayerKey } });
    const sub = fam.submitter as EvmDestinationSubmitter;
    const t = { destChain: "evm-local", seq: 1n, transferId: transferId("nexus-devnet", "evm-local", 1n), recipient: f.wallets[2]!.account.address, amount: 5n, expiresAt: 4_102_444_800n };
    const oldSigs = await Promise.all(current().map(async (s) => ({ key: s.key, signature: await s.sign(t) })));
    const e = await sub.submit(t, oldSigs).then(
      () => undefined,
      (x: unknown) => x as EvmBridgeError,
    );
    expect(e?.code).to.equal("EVM_INSUFFICIENT_POWER");
    expect(e?.details).to.include({ signedPower: "30", totalPower: "100" }); // validator-1 (25) and -3 (5) remain
    const newSigs = await Promise.all(incoming().map(async (s) => ({ key: s.key, signature: await s.sign(t) })));
    const ok = await sub.submit(t, newSigs);
    expect(ok.alreadyProcessed).to.equal(false);
    expect(await f.wnxt.read.balanceOf([getAddress(t.recipient)])).to.equal(5n);
  });

  it("refuses to send without > 2/3 of either set (no transaction), and the contract would refuse too", async () => {
    const { client, wallet } = relayer();
    const bridge = await checkBridge(client, { chainId: f.chainId, bridgeAddress: f.bridge.address });
    const plan = planValidatorSetUpdate(desiredSet(attestationKeys(incoming(), incomingPowers)), await readBridgeSet(client, f.bridge.address));
    if (!plan.needed) throw new Error("expected an update");
    const u = plan.update;
    const nonce = await client.getTransactionCount({ address: wallet.account.address });
    const inc = incoming();
    // The incoming set: joiners 30 + 20 = 50 of 100.
    const e1 = await submitValidatorSetUpdate({ client, wallet, bridge, update: u, currentSignatures: await sigs(current(), u), incomingSignatures: await sigs(inc.slice(2, 4), u) }).then(
      () => undefined,
      (x: unknown) => x as EvmBridgeError,
    );
    expect(e1?.code).to.equal("EVM_INSUFFICIENT_POWER");
    expect(e1?.details.set).to.equal("incoming");
    // The current set: 30 + 20 + 10 = 60 of 100.
    const e2 = await submitValidatorSetUpdate({ client, wallet, bridge, update: u, currentSignatures: await sigs(current().slice(1), u), incomingSignatures: await sigs(inc, u) }).then(
      () => undefined,
      (x: unknown) => x as EvmBridgeError,
    );
    expect(e2?.details.set).to.equal("current");
    expect(await client.getTransactionCount({ address: wallet.account.address })).to.equal(nonce);
    // A stale nonce (another governance message used it) maps to EVM_INVALID_SET_UPDATE.
    const stale = { ...u, nonce: u.nonce + 1n };
    const e3 = await submitValidatorSetUpdate({ client, wallet, bridge, update: stale, currentSignatures: await sigs(current(), stale), incomingSignatures: await sigs(inc, stale) }).then(
      () => undefined,
      (x: unknown) => x as EvmBridgeError,
    );
    expect(e3?.code).to.equal("EVM_INVALID_SET_UPDATE");
    expect(e3?.details.revert).to.equal("InvalidNonce");
  });

  it("desiredSet checks NexusOS's answer: keyed power must exceed 2/3 of the active set's, keys unique, at most 128", () => {
    const ak = attestationKeys(current(), [40n, 30n, 20n, 10n], { totalPower: 150n, missing: ["nxs1nokey"] });
    expect(() => desiredSet(ak)).to.throw(EvmBridgeError, /hold 100 of 150 power/);
    expect(desiredSet(ak, { allowWeakKeyedSet: true }).keyedPower).to.equal(100n);
    expect(desiredSet(attestationKeys(current(), [40n, 30n, 20n, 10n], { totalPower: 149n })).totalPower).to.equal(149n);
    const dup = attestationKeys([...current(), current()[0]!], [1n, 1n, 1n, 1n, 1n]);
    expect(() => desiredSet(dup)).to.throw(EvmBridgeError, /appears twice/);
    expect(() => desiredSet({ ...attestationKeys([], []) })).to.throw(EvmBridgeError, /no validator registered/);
    const many = Array.from({ length: 129 }, (_, i) => signer(`many-${i}`));
    expect(() => desiredSet(attestationKeys(many, many.map(() => 1n)))).to.throw(EvmBridgeError, /at most 128/);
    expect(() => desiredSet({ ...attestationKeys(current(), [1n, 1n, 1n, 1n]), family: "cosmos" })).to.throw(EvmBridgeError, /not "evm"/);
  });
});
