/**
 * NXT between NexusOS and an EVM chain through the real pieces: a NexusOS test node with the
 * bridge module and 4 validators behind the real RPC server (test/fixtures/bridge-e2e.ts), the
 * real NexusBridge v2 on Hardhat's in-process chain served over HTTP
 * (bridges/evm/testing/hardhat-rpc.ts), and the REAL EVM family (bridges/evm/register.ts) in four
 * watchers (one per validator's EVM attestation key) and relayers, in-process.
 *
 * Setup as in production: each validator registers its EVM key on NexusOS
 * (MsgRegisterAttestationKey); the bridge is deployed with bridge/attestationKeys' keys and
 * powers (desiredSet); NexusOS's chain "evm-local" names the deployed contract.
 */
import "../../bridges/evm/register.ts";
import { expect } from "chai";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createWalletClient, getAddress, http, parseEther, toHex as viemHex, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { BridgeE2E, VALIDATORS } from "../fixtures/bridge-e2e.ts";
import { ESCROW, NXT, addr, evmKey, evmSecret } from "../../modules/bridge/testing.ts";
import { defaultBridgeGenesis } from "../../modules/bridge/genesis.ts";
import { BridgeTypeUrls } from "../../modules/bridge/msgs.ts";
import { decodeAddress } from "../../runtime/crypto/address.ts";
import { sha256, toHex, utf8 } from "../../runtime/crypto/hash.ts";
import { defaultBhlsGenesis } from "../../modules/bhls/genesis.ts";
import { BhlsTypeUrls } from "../../modules/bhls/index.ts";
import { StakingTypeUrls } from "../../modules/staking/index.ts";
import { citizenId } from "../../modules/bridge/rules.ts";
import { deployBridge, startHardhatRpc, type HardhatRpc } from "../../bridges/evm/testing/hardhat-rpc.ts";
import { EVM_LOCAL, deployBridgeForKeys, evmLocalChain, nextContractAddress } from "../../bridges/evm/testing/launch.ts";
import { privateKeyOf } from "../../bridges/evm/testing/fixture.ts";
import { desiredSet, type AttestationKeys } from "../../bridges/evm/validator-set.ts";
import { BHLS_DISTRIBUTOR_ABI, NEXUS_BRIDGE_ABI } from "../../bridges/evm/abi.ts";
import { evmChain } from "../../bridges/evm/client.ts";
import type { BridgeRelayer } from "../../bridges/core/relayer.ts";

const CHAIN = EVM_LOCAL;
const CITIZEN = 14;
const ATTESTOR = 15;

describe("e2e: NXT ⇄ WNXT between NexusOS and an EVM chain (real node, real NexusBridge, real EVM family)", function () {
  this.timeout(120_000);
  let rpc: HardhatRpc;
  let e: BridgeE2E;
  let miner: NodeJS.Timeout | undefined;
  let f: Awaited<ReturnType<typeof deployBridge>>;
  let publicClient: Awaited<ReturnType<HardhatRpc["connection"]["viem"]["getPublicClient"]>>;
  let relayerA: BridgeRelayer | undefined;
  const holder = privateKeyToAccount(privateKeyOf("wnxt-holder"));
  const relayerKeys = [privateKeyOf("relayer-0"), privateKeyOf("relayer-1")];
  const keyFile = (name: string) => join(e.dir, `${name}.key`);
  const outbound = (seq: number) => e.h.outbound(CHAIN, seq);
  const wnxtOf = (a: Address) => f.wnxt.read.balanceOf([a]);
  const minted = async (transferId: string) =>
    (await publicClient.getContractEvents({ address: f.bridge.address, abi: NEXUS_BRIDGE_ABI, eventName: "Minted", args: { transferId: `0x${transferId}` as Hex }, fromBlock: 0n })).length;
  let t0 = 0;

  before(async () => {
    t0 = Date.now();
    rpc = await startHardhatRpc();
    publicClient = await rpc.connection.viem.getPublicClient();
    const testClient = await rpc.connection.viem.getTestClient();
    const chainId = await publicClient.getChainId();
    // The bridge's address is known before it is deployed (deployer, nonce): NexusOS's genesis names it.
    const predicted = await nextContractAddress(rpc);

    e = new BridgeE2E();
    // No attestation keys at genesis: the validators register theirs below.
    // With BHLS: one citizen, whose claims may be directed to this chain.
    const bhls = defaultBhlsGenesis();
    bhls.params = { ...bhls.params, bridgeChains: [CHAIN] };
    bhls.attestors = [{ address: addr(ATTESTOR), moniker: "attestor", addedHeight: 0 }];
    const nowSeconds = Math.floor(Date.now() / 1000);
    bhls.citizens = [{ address: addr(CITIZEN), phoneHash: toHex(sha256(utf8("citizen-phone"))), attestor: addr(ATTESTOR), expiresAt: nowSeconds + 365 * 86_400, registeredAt: nowSeconds, lastClaimEpoch: 0 }];
    await e.init({ bridge: { ...defaultBridgeGenesis(), chains: [evmLocalChain(chainId, predicted)], attestationKeys: [] }, bhls });
    // NexusOS's block time is the test clock (genesis 2026-01-01): bring it to now, as Hardhat's
    // block time is wall-clock time and expiresAt is compared with it.
    e.h.h.t.clock.t = Math.max(e.h.h.t.clock.t, Date.now());

    for (const n of VALIDATORS) {
      const r = await e.h.femto(n, BridgeTypeUrls.RegisterAttestationKey, { validator: addr(n), family: "evm", key: evmKey(n) });
      expect(r.codeName, r.log).to.equal("OK");
    }
    const ak = e.h.query<AttestationKeys>("attestationKeys", { family: "evm" });
    const { set, ...deployed } = await deployBridgeForKeys(rpc, ak, predicted);
    f = deployed;
    expect(set.validators.map((v) => v.toLowerCase()).sort()).to.deep.equal(VALIDATORS.map(evmKey).sort());
    expect(getAddress(f.bridge.address)).to.equal(getAddress(predicted));
    const [keys, powers] = await f.bridge.read.validators();
    expect(keys.map((k) => k.toLowerCase())).to.deep.equal(set.validators.map((v) => v.toLowerCase()));
    expect(powers).to.deep.equal(set.powers);

    for (const k of [...relayerKeys]) await testClient.setBalance({ address: privateKeyToAccount(k).address, value: parseEther("100") });
    await testClient.setBalance({ address: holder.address, value: parseEther("10") });
    for (const n of VALIDATORS) writeFileSync(keyFile(`validator-${n}`), toHex(evmSecret(n)), { mode: 0o600 });
    relayerKeys.forEach((k, i) => writeFileSync(keyFile(`relayer-${i}`), k, { mode: 0o600 }));

    // Hardhat mines on transactions only: a block every 100 ms so heights become final (2 confirmations).
    miner = setInterval(() => void testClient.mine({ blocks: 1 }).catch(() => undefined), 100);

    e.chainEntry = (role, n) => ({
      family: "evm",
      rpcUrl: rpc.url,
      pollingIntervalMs: 20,
      receiptTimeoutMs: 10_000,
      ...(role === "watcher" ? { validatorKey: { file: keyFile(`validator-${n}`) } } : { relayerKey: { file: keyFile("relayer-0") } }),
    });
    for (const n of VALIDATORS) await e.watcher(n);
    relayerA = await e.relayer("relayer-a");
  });

  after(async () => {
    if (miner) clearInterval(miner);
    await e?.close();
    await rpc?.close();
    console.log(`      (bridge-evm e2e wall-clock: ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  });

  const N = 100n * NXT;
  const M = 40n * NXT;

  it("NexusOS → EVM: MsgBridgeOut of N NXT; the watchers sign, the relayer mints, the watchers attest executed; escrow = WNXT supply", async () => {
    const escrowBefore = e.h.balance(ESCROW);
    expect(escrowBefore).to.equal(0n);
    const r = await e.h.out(10, CHAIN, holder.address, N);
    expect(r.codeName, r.log).to.equal("OK");
    expect(e.h.balance(ESCROW)).to.equal(N);
    await e.until("outbound 1 ready (signatures of > 2/3)", () => outbound(1).status === "ready" || outbound(1).status === "executed", 20_000);
    await e.until("WNXT minted to the holder", async () => (await wnxtOf(holder.address)) === N, 20_000);
    await e.until("outbound 1 executed on NexusOS", () => outbound(1).status === "executed", 20_000);
    const o = outbound(1);
    expect(await f.bridge.read.processed([`0x${o.transferId}` as Hex])).to.equal(true);
    expect(await minted(o.transferId)).to.equal(1);
    expect(o.signatures.length).to.be.greaterThanOrEqual(3);
    expect(o.results.filter((x) => x.result === "executed").length).to.be.greaterThanOrEqual(3);
    expect(e.h.balance(ESCROW)).to.equal(N);
    expect(await f.wnxt.read.totalSupply()).to.equal(e.h.balance(ESCROW));
    e.h.checkAll();
  });

  it("EVM → NexusOS: bridgeOut(WNXT, M, recipient) burns M; after confirmations the watchers attest; the recipient is credited M exactly once", async () => {
    const recipient = addr(11);
    const before = e.h.balance(recipient);
    const wallet = createWalletClient({ account: holder, chain: evmChain(CHAIN, await publicClient.getChainId(), rpc.url), transport: http(rpc.url) });
    // WNXT is burned by the bridge itself (no approve needed; contracts/bridge/NexusBridge.sol bridgeOut).
    const hash = await wallet.writeContract({ address: f.bridge.address, abi: NEXUS_BRIDGE_ABI, functionName: "bridgeOut", args: [f.wnxt.address, M, viemHex(decodeAddress(recipient))] });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).to.equal("success");
    expect(await wnxtOf(holder.address)).to.equal(N - M);
    await e.until("inbound 1 credited", () => e.h.inbound(CHAIN, 1)?.status === "credited", 20_000);
    const inb = e.h.inbound(CHAIN, 1)!;
    expect(inb.content).to.deep.include({ recipient, amount: M.toString(), sender: holder.address.toLowerCase(), sourceTx: hash.toLowerCase() });
    expect(e.h.balance(recipient) - before).to.equal(M);
    // More passes and blocks change nothing: credited once.
    await new Promise((r) => setTimeout(r, 1000));
    expect(e.h.balance(recipient) - before).to.equal(M);
    expect(e.h.inbound(CHAIN, 2)).to.equal(null);
    expect(e.h.balance(ESCROW)).to.equal(N - M);
    expect(await f.wnxt.read.totalSupply()).to.equal(e.h.balance(ESCROW));
    e.h.checkAll();
  });

  it("exactly once under restart: a relayer killed mid-batch, restarted on its checkpoints, racing a second relayer: each transfer minted once", async () => {
    await relayerA!.close();
    const K = 4;
    const recipients = Array.from({ length: K }, (_, i) => privateKeyToAccount(privateKeyOf(`batch-${i}`)).address);
    const amounts = Array.from({ length: K }, (_, i) => (5n + BigInt(i)) * NXT);
    const escrowBefore = e.h.balance(ESCROW);
    const supplyBefore = await f.wnxt.read.totalSupply();
    for (let i = 0; i < K; i++) expect((await e.h.out(12, CHAIN, recipients[i]!, amounts[i]!)).codeName).to.equal("OK");
    const seqs = Array.from({ length: K }, (_, i) => 2 + i);
    await e.until("the batch ready", () => seqs.every((s) => outbound(s).status === "ready"), 20_000);

    // First life: killed after the second mint was mined, before its hash was recorded.
    let crashed = false;
    const r1 = await e
      .relayer("relayer-k", {
        cfg: { nexus: { rpcUrl: e.rpc.url, wsUrl: "off", receiptTimeoutMs: 5000 } },
        deps: {
          noTimers: true,
          hooks: {
            afterSubmit: (w) => {
              if (w.seq === seqs[1] && !crashed) {
                crashed = true;
                throw new Error("SIGKILL");
              }
            },
          },
        },
      })
      .catch((err: unknown) => err as Error);
    expect(crashed).to.equal(true);
    expect(r1).to.be.instanceOf(Error);
    expect(await minted(outbound(seqs[0]!).transferId)).to.equal(1);
    expect(await minted(outbound(seqs[1]!).transferId)).to.equal(1);
    expect(await minted(outbound(seqs[2]!).transferId)).to.equal(0);

    // Second life on the same checkpoints, racing another relayer with another funded key.
    const [r2, rb] = await Promise.all([e.relayer("relayer-k"), e.relayer("relayer-b", { chain: { relayerKey: { file: keyFile("relayer-1") } } })]);
    await e.until("the batch executed on NexusOS", () => seqs.every((s) => outbound(s).status === "executed"), 30_000);
    let sumMinted = 0n;
    for (let i = 0; i < K; i++) {
      const o = outbound(seqs[i]!);
      expect(await minted(o.transferId), `mints of seq ${seqs[i]}`).to.equal(1);
      expect(await wnxtOf(recipients[i]!), `WNXT of recipient ${i}`).to.equal(amounts[i]);
      sumMinted += await wnxtOf(recipients[i]!);
    }
    const sumLocked = amounts.reduce((a, b) => a + b, 0n);
    expect(sumMinted).to.equal(sumLocked);
    expect(e.h.balance(ESCROW) - escrowBefore).to.equal(sumLocked);
    expect((await f.wnxt.read.totalSupply()) - supplyBefore).to.equal(sumLocked);
    expect(await f.wnxt.read.totalSupply()).to.equal(e.h.balance(ESCROW));
    // No delivery failed for good or was lost: every deliver item of both relayers is done.
    for (const r of [r2, rb]) {
      await e.until(`${r === r2 ? "relayer-k" : "relayer-b"} idle`, () => r.store.work().length === 0, 10_000);
      for (const s of seqs) {
        const d = r.store.doneRecord(CHAIN, "deliver", s);
        if (d) expect(["submitted", "already"], `seq ${s}: ${JSON.stringify(d)}`).to.include(d.outcome);
      }
    }
    // The restarted relayer found seq[1] (minted before the kill, its hash never recorded) done on the chain: not sent again.
    expect(r2.store.doneRecord(CHAIN, "deliver", seqs[0]!)).to.include({ outcome: "submitted" });
    expect(r2.store.doneRecord(CHAIN, "deliver", seqs[1]!)).to.include({ outcome: "submitted" });
    expect(e.logs.has("refused for good")).to.equal(false);
    for (const s of seqs) expect(outbound(s).results.every((x) => x.result === "executed")).to.equal(true);
    e.h.checkAll();
  });

  it("cross-chain BHLS: a claim directed to an EVM address is paid by BHLSDistributor once per citizen and epoch; escrow = WNXT supply", async () => {
    const citizen = addr(CITIZEN);
    const to = privateKeyToAccount(privateKeyOf("bhls-recipient")).address;
    const first = e.h.query<{ nextSeq: number }>("nextSequence", { chain: CHAIN }).nextSeq;
    const claim = { citizen, destination: { chain: CHAIN, address: to } };
    const r = await e.h.h.run(CITIZEN, BhlsTypeUrls.Claim, claim);
    expect(r.codeName, r.log).to.equal("OK");
    const { epoch, share } = e.h.h.t.node.query("bhls/epoch", {}) as { epoch: number; share: string };
    // The epoch's update, then the delivery: signed by the watchers, carried by the relayers.
    expect(outbound(first)).to.include({ kind: "epoch", epoch, floorAmount: share });
    expect(outbound(first + 1)).to.include({ kind: "bhls", epoch, citizen: citizenId(citizen), amount: share });
    await e.until("the delivery executed on NexusOS", () => outbound(first).status === "executed" && outbound(first + 1).status === "executed", 30_000);
    expect(await wnxtOf(to)).to.equal(BigInt(share));
    const distributor = await f.bridge.read.bhlsDistributor();
    const delivered = await publicClient.readContract({ address: distributor, abi: BHLS_DISTRIBUTOR_ABI, functionName: "delivered", args: [`0x${citizenId(citizen)}`, BigInt(epoch)] });
    expect(delivered).to.equal(true);
    const forwarded = await publicClient.getContractEvents({ address: f.bridge.address, abi: NEXUS_BRIDGE_ABI, eventName: "BhlsForwarded", fromBlock: 0n });
    expect(forwarded.map((l) => l.args.transferId)).to.deep.equal([`0x${outbound(first + 1).transferId}`]);
    // At most once per citizen and epoch: NexusOS refuses a second claim outright.
    const again = await e.h.h.run(CITIZEN, BhlsTypeUrls.Claim, claim);
    expect(again.codeName).to.equal("BHLS_ALREADY_CLAIMED");
    expect(await f.wnxt.read.totalSupply()).to.equal(e.h.balance(ESCROW));
    e.h.checkAll();
  });

  it("the bridge's validator set follows NexusOS's: a stake change is signed by the watchers on NexusOS and sent by a relayer; transfers go on", async () => {
    const [setBefore] = await f.bridge.read.config();
    const r = await e.h.h.run(16, StakingTypeUrls.Delegate, { delegator: addr(16), validator: addr(VALIDATORS[1]!), amount: (50_000n * NXT).toString() });
    expect(r.codeName, r.log).to.equal("OK");
    // The set in force changes two blocks later (blocks come only with transactions here: make them).
    for (let i = 0; i < 3; i++) await e.h.h.t.node.produceBlock();
    const wanted = async () => desiredSet(e.h.query<AttestationKeys>("attestationKeys", { family: "evm" }));
    await e.until("NexusOS's EVM set has the new power", async () => new Set((await wanted()).powers).size > 1, 20_000);
    await e.until("the bridge holds NexusOS's set", async () => {
      const [, powers] = await f.bridge.read.validators();
      const w = await wanted();
      return powers.length === w.powers.length && powers.every((p, i) => p === w.powers[i]);
    }, 30_000);
    const [setAfter] = await f.bridge.read.config();
    expect(setAfter).to.equal(setBefore + 1n);
    const collected = e.h.query<{ signatures: { validator: string }[] }>("setUpdateSignatures", { chain: CHAIN, setId: Number(setAfter) });
    expect(collected.signatures.length).to.be.greaterThanOrEqual(3);
    // A transfer after the rotation mints under the new set.
    const to = privateKeyToAccount(privateKeyOf("after-rotation")).address;
    const next = e.h.query<{ nextSeq: number }>("nextSequence", { chain: CHAIN }).nextSeq;
    expect((await e.h.out(10, CHAIN, to, 3n * NXT)).codeName).to.equal("OK");
    await e.until("minted after the rotation", async () => (await wnxtOf(to)) === 3n * NXT, 20_000);
    await e.until("executed on NexusOS", () => outbound(next).status === "executed", 20_000);
    expect(await f.wnxt.read.totalSupply()).to.equal(e.h.balance(ESCROW));
    e.h.checkAll();
  });
});
