/**
 * NXT ⇄ an NXT asset on Asset Hub through the real pieces: a NexusOS test node with the bridge
 * module and 4 validators behind the real RPC server (test/fixtures/bridge-e2e.ts), the REAL
 * Substrate family (bridges/polkadot/register.ts) in four watchers, and the REAL Asset Hub
 * runtime executed offline by chopsticks (test/fixtures/asset-hub.ts).
 *
 * Setup as in production: each validator registers its sr25519 key on NexusOS
 * (MsgRegisterAttestationKey family "substrate"); the bridge account is the 3-of-4
 * pallet-multisig account of those keys (bridge/attestationKeys), funded on Asset Hub for
 * deposits; the validators' accounts are funded for fees; the watchers' first passes approve the
 * setup (asset + receipt collection owned by the multisig). No relayer: releases are executed by
 * the validators' own approvals.
 */
import "../../bridges/polkadot/register.ts";
import { expect } from "chai";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { u8aToHex } from "@polkadot/util";
import { encodeAddress } from "@polkadot/util-crypto";
import { BridgeE2E, VALIDATORS } from "../fixtures/bridge-e2e.ts";
import { assetHub, ROC, type AssetHub } from "../fixtures/asset-hub.ts";
import { ESCROW, NXT, SUBSTRATE_CHAIN, addr } from "../../modules/bridge/testing.ts";
import { defaultBridgeGenesis } from "../../modules/bridge/genesis.ts";
import { BridgeTypeUrls } from "../../modules/bridge/msgs.ts";
import type { ChainSettings } from "../../modules/bridge/params.ts";
import { sha256, toHex, utf8 } from "../../runtime/crypto/hash.ts";
import type { AttestationKeys } from "../../bridges/core/attestation-keys.ts";
import type { BridgeWatcher } from "../../bridges/core/watcher.ts";
import { multisigFromAttestationKeys, type BridgeMultisig } from "../../bridges/polkadot/multisig.ts";
import { SubstrateKey } from "../../bridges/polkadot/keys.ts";
import { SubstrateChain } from "../../bridges/polkadot/chain.ts";
import { inboundSeq } from "../../bridges/polkadot/source.ts";
import { assetBalance, assetSupply, substrateValidatorKey, substrateValidatorSeed } from "../../bridges/polkadot/testing.ts";
import pino from "pino";

const CHAIN = "assethub";
const ASSET = 1984;

describe("e2e: NXT ⇄ an Asset Hub asset between NexusOS and the Asset Hub runtime in chopsticks (real node, real substrate family)", function () {
  this.timeout(180_000);
  let hub: AssetHub;
  let e: BridgeE2E;
  let ms: BridgeMultisig;
  let client: SubstrateChain;
  const watchers = new Map<number, BridgeWatcher>();
  const user = new SubstrateKey(sha256(utf8("e2e-substrate-user")));
  const userAccount = u8aToHex(user.pair.publicKey);
  const outbound = (seq: number) => e.h.outbound(CHAIN, seq);
  const balanceOf = (account: string) => assetBalance(hub.api, ASSET, account);
  const supply = () => assetSupply(hub.api, ASSET);
  let t0 = 0;

  before(async () => {
    t0 = Date.now();
    hub = await assetHub();
    console.log(`      (Substrate side: ${hub.label})`);
    e = new BridgeE2E();
    const chain: ChainSettings = {
      ...SUBSTRATE_CHAIN,
      name: CHAIN,
      confirmations: 0,
      outboundTtlSeconds: 600,
      rateLimit: { capacity: (1_000_000n * NXT).toString(), refillPerSecond: (10_000n * NXT).toString() },
      substrate: { ss58Prefix: hub.ss58Prefix, assetId: String(ASSET) },
    };
    await e.init({ bridge: { ...defaultBridgeGenesis(), chains: [chain], attestationKeys: [] } });
    for (const n of VALIDATORS) {
      const r = await e.h.femto(n, BridgeTypeUrls.RegisterAttestationKey, { validator: addr(n), family: "substrate", key: (await substrateValidatorKey(n)).publicKeyHex });
      expect(r.codeName, r.log).to.equal("OK");
    }
    ms = multisigFromAttestationKeys(e.h.query<AttestationKeys>("attestationKeys", { family: "substrate" }), hub.ss58Prefix);
    expect(ms.threshold).to.equal(3);
    const accounts = await Promise.all(VALIDATORS.map(async (n) => u8aToHex((await substrateValidatorKey(n)).pair.publicKey)));
    await hub.fund([...accounts, ms.account, userAccount], 1_000n * ROC);
    for (const n of VALIDATORS) writeFileSync(join(e.dir, `substrate-${n}.key`), toHex(substrateValidatorSeed(n)), { mode: 0o600 });
    e.chainEntry = (_role, n) => ({ name: CHAIN, family: "substrate", wsUrl: hub.wsUrl, multisigAddress: ms.address, validatorKey: { file: join(e.dir, `substrate-${n}.key`) } });
    for (const n of VALIDATORS) watchers.set(n, await e.watcher(n));
    client = await SubstrateChain.connect({ chain: CHAIN, wsUrl: hub.wsUrl, ss58Prefix: hub.ss58Prefix, logger: pino({ level: "silent" }) });
    await e.until("the watchers set up the NXT asset", async () => (await hub.api.query.assets.asset(ASSET)).isSome, 60_000);
  });

  after(async () => {
    await client?.close();
    await e?.close();
    await hub?.close();
    console.log(`      (bridge-polkadot e2e wall-clock: ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  });

  const N = 100n * NXT;
  const M = 40n * NXT;

  it("NexusOS → Asset Hub: MsgBridgeOut of N NXT; three validators' approvals mint N to the SS58 recipient; the watchers attest executed", async () => {
    const to = encodeAddress(user.pair.publicKey, hub.ss58Prefix); // SS58 under the chain's prefix
    const r = await e.h.out(10, CHAIN, to, N);
    expect(r.codeName, r.log).to.equal("OK");
    expect(e.h.balance(ESCROW)).to.equal(N);
    await e.until("outbound 1 executed on NexusOS", () => outbound(1).status === "executed", 60_000);
    expect(outbound(1).signatures.length).to.be.greaterThanOrEqual(3);
    expect(await balanceOf(userAccount)).to.equal(N);
    // NXT escrowed on NexusOS = the asset outside the bridge account on Asset Hub
    expect(e.h.balance(ESCROW)).to.equal((await supply()) - (await balanceOf(ms.account)));
    e.h.checkAll();
  });

  it("Asset Hub → NexusOS: batch_all(transfer M to the multisig, remark nxs1…) is credited M exactly once; a transfer without a remark is held and logged", async () => {
    const recipient = addr(11);
    const before = e.h.balance(recipient);
    const tx = hub.api.tx;
    const dep = await client.submit(user.pair, tx.utility.batchAll([tx.assets.transferKeepAlive(ASSET, ms.account, M), tx.system.remark(recipient)]), "deposit");
    expect(dep.ok, dep.error).to.equal(true);
    const bad = await client.submit(user.pair, tx.assets.transfer(ASSET, ms.account, 1_000n), "deposit without remark");
    expect(bad.ok, bad.error).to.equal(true);
    const n = (await hub.api.rpc.chain.getHeader(dep.blockHash)).number.toBigInt();
    const seq = Number(inboundSeq(n, dep.index!, 0));
    await e.until("inbound credited", () => e.h.inbound(CHAIN, seq)?.status === "credited", 60_000);
    expect(e.h.inbound(CHAIN, seq)!.content).to.deep.include({ recipient, amount: M.toString(), sender: userAccount, sourceTx: `${dep.blockHash}:${dep.index}` });
    expect(e.h.balance(recipient) - before).to.equal(M);
    await e.until("the deposit without remark logged", () => e.logs.has(/NOT CREDITED/), 20_000);
    await new Promise((r) => setTimeout(r, 1000));
    expect(e.h.balance(recipient) - before).to.equal(M);
    expect(e.h.balance(ESCROW)).to.equal(N - M);
    // the held deposit (1 000) is in the bridge account, not credited
    expect(e.h.balance(ESCROW)).to.equal((await supply()) - (await balanceOf(ms.account)) + 1_000n);
    e.h.checkAll();
  });

  it("expiry with watchers down and restarted: a transfer two validators approved is voided after expiresAt and refunded on NexusOS; nothing minted", async () => {
    for (const n of [2, 3]) await watchers.get(n)!.close();
    const sender = addr(13);
    const to = u8aToHex(sha256(utf8("e2e-late-recipient")));
    await hub.fund([to], ROC);
    const seq = e.h.query<{ nextSeq: number }>("nextSequence", { chain: CHAIN }).nextSeq;
    expect((await e.h.out(13, CHAIN, to, 5n * NXT)).codeName).to.equal("OK");
    const before = e.h.balance(sender);
    await e.until("signed by the two running watchers", () => outbound(seq).signatures.length === 2, 30_000);
    await new Promise((r) => setTimeout(r, 1500)); // their release approvals land (2 of 3)
    expect(await balanceOf(to)).to.equal(0n);
    await e.h.advance(outbound(seq).expiresAt + 601 - e.h.nowSeconds());
    for (const n of [2, 3]) watchers.set(n, await e.watcher(n));
    await e.until("outbound expired on NexusOS", () => outbound(seq).status === "expired", 60_000);
    expect(e.h.balance(sender) - before).to.equal(5n * NXT);
    expect(await balanceOf(to)).to.equal(0n);
    expect(e.h.balance(ESCROW)).to.equal((await supply()) - (await balanceOf(ms.account)) + 1_000n);
    e.h.checkAll();
  });
});
