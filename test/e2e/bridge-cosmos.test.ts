/**
 * NXT ⇄ a bank denomination between NexusOS and a Cosmos chain through the real pieces: a
 * NexusOS test node with the bridge module and 4 validators behind the real RPC server
 * (test/fixtures/bridge-e2e.ts), the REAL Cosmos family (bridges/cosmos/register.ts) in four
 * watchers (one per validator's cosmos key) and a relayer, in-process. The Cosmos side is the
 * test chain of test/fixtures/cosmos-chain — a local CometBFT-0.38-RPC-compatible test chain,
 * not a Cosmos node — or the real node NEXUS_COSMOS_RPC_URL names (the test prints which).
 *
 * Setup as in production: each validator registers its cosmos key on NexusOS
 * (MsgRegisterAttestationKey family "cosmos"); the escrow is the 3-of-4 multisig of those keys
 * (bridge/attestationKeys), funded on the Cosmos chain with the bridged supply and fees; the
 * processes build the same escrow from NexusOS at start.
 */
import "../../bridges/cosmos/register.ts";
import { expect } from "chai";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { StargateClient } from "@cosmjs/stargate";
import { BridgeE2E, VALIDATORS } from "../fixtures/bridge-e2e.ts";
import { cosmosSecret, cosmosTarget, type CosmosTarget } from "../fixtures/cosmos-chain/index.ts";
import { COSMOS_CHAIN, ESCROW, NXT, addr } from "../../modules/bridge/testing.ts";
import { defaultBridgeGenesis } from "../../modules/bridge/genesis.ts";
import { BridgeTypeUrls } from "../../modules/bridge/msgs.ts";
import type { ChainSettings } from "../../modules/bridge/params.ts";
import { toHex } from "../../runtime/crypto/hash.ts";
import { escrowFromAttestationKeys, type AttestationKeys, type EscrowMultisig } from "../../bridges/cosmos/escrow.ts";
import { inboundSeq } from "../../bridges/cosmos/source.ts";
import { cosmosValidatorKey, cosmosValidatorSecret } from "../../bridges/cosmos/testing.ts";
import { BridgeRelayer } from "../../bridges/core/relayer.ts";

const CHAIN = "cosmos-local";

describe("e2e: NXT ⇄ a bank denom between NexusOS and a Cosmos chain (real node, real cosmos family, the Cosmos test chain or a real node)", function () {
  this.timeout(120_000);
  let target: CosmosTarget;
  let e: BridgeE2E;
  let escrow: EscrowMultisig;
  const SUPPLY = 10_000n * NXT; // the bridged supply the escrow holds on the Cosmos chain
  const user = cosmosSecret(`e2e-user-${Date.now()}`);
  const outbound = (seq: number) => e.h.outbound(CHAIN, seq);
  let t0 = 0;

  before(async () => {
    t0 = Date.now();
    target = await cosmosTarget({ blockIntervalMs: 100 });
    console.log(`      (Cosmos side: ${target.label})`);
    e = new BridgeE2E();
    const chain: ChainSettings = {
      ...COSMOS_CHAIN,
      name: CHAIN,
      confirmations: 1,
      outboundTtlSeconds: 300, // within SDK 0.53's 10-minute bound on unordered timeouts
      rateLimit: { capacity: (1_000_000n * NXT).toString(), refillPerSecond: (10_000n * NXT).toString() },
      cosmos: { chainId: target.chainId, prefix: target.prefix, denom: target.denom },
    };
    await e.init({ bridge: { ...defaultBridgeGenesis(), chains: [chain], attestationKeys: [] } });
    // expiresAt is compared with the Cosmos chain's (wall-clock) block time.
    e.h.h.t.clock.t = Math.max(e.h.h.t.clock.t, Date.now());
    for (const n of VALIDATORS) {
      const r = await e.h.femto(n, BridgeTypeUrls.RegisterAttestationKey, { validator: addr(n), family: "cosmos", key: cosmosValidatorKey(n) });
      expect(r.codeName, r.log).to.equal("OK");
    }
    escrow = escrowFromAttestationKeys(e.h.query<AttestationKeys>("attestationKeys", { family: "cosmos" }), target.prefix);
    expect(escrow.threshold).to.equal(3);
    await target.fund(escrow.address, [
      { denom: target.denom, amount: SUPPLY.toString() },
      { denom: target.fee.denom, amount: "10000000" },
    ]);
    await target.fund(target.address(user), [{ denom: target.fee.denom, amount: "1000000" }]);
    for (const n of VALIDATORS) writeFileSync(join(e.dir, `cosmos-${n}.key`), toHex(cosmosValidatorSecret(n)), { mode: 0o600 });
    e.chainEntry = (role, n) => ({
      name: CHAIN,
      family: "cosmos",
      rpcUrl: target.rpcUrl,
      fee: { ...target.fee },
      gas: target.gas,
      escrowAddress: escrow.address,
      ...(role === "watcher" ? { validatorKey: { file: join(e.dir, `cosmos-${n}.key`) } } : {}),
    });
    for (const n of VALIDATORS) await e.watcher(n);
    await e.relayer("relayer-a");
  });

  after(async () => {
    await e?.close();
    await target?.close();
    console.log(`      (bridge-cosmos e2e wall-clock: ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  });

  const N = 100n * NXT;
  const M = 40n * NXT;

  it("NexusOS → Cosmos: MsgBridgeOut of N NXT; the watchers sign, the relayer releases N from the escrow multisig, the watchers attest executed", async () => {
    const to = target.address(user);
    expect(e.h.balance(ESCROW)).to.equal(0n);
    const r = await e.h.out(10, CHAIN, to, N);
    expect(r.codeName, r.log).to.equal("OK");
    expect(e.h.balance(ESCROW)).to.equal(N);
    await e.until("outbound 1 executed on NexusOS", () => outbound(1).status === "executed", 30_000);
    const o = outbound(1);
    expect(o.signatures.length).to.be.greaterThanOrEqual(3);
    expect(o.results.filter((x) => x.result === "executed").length).to.be.greaterThanOrEqual(3);
    expect(await target.balance(to, target.denom)).to.equal(N);
    expect(await target.balance(escrow.address, target.denom)).to.equal(SUPPLY - N);
    // what NexusOS holds in escrow is exactly what left the Cosmos escrow
    expect(e.h.balance(ESCROW)).to.equal(SUPPLY - (await target.balance(escrow.address, target.denom)));
    // released once: one transaction from the escrow to the recipient
    const sg = await StargateClient.connect(target.rpcUrl);
    expect(await sg.searchTx(`transfer.sender='${escrow.address}' AND transfer.recipient='${to}'`)).to.have.length(1);
    sg.disconnect();
    e.h.checkAll();
  });

  it("Cosmos → NexusOS: a bank send of M to the escrow with the nxs1 recipient as memo is credited M exactly once; a deposit without an nxs1 memo credits nothing and is logged", async () => {
    const recipient = addr(11);
    const before = e.h.balance(recipient);
    const dep = await target.send(user, escrow.address, [{ denom: target.denom, amount: M.toString() }], recipient);
    expect(dep.code).to.equal(0);
    const bad = await target.send(user, escrow.address, [{ denom: target.denom, amount: "1000" }], "for whom?");
    expect(bad.code).to.equal(0);
    const sg = await StargateClient.connect(target.rpcUrl);
    const seq = Number(inboundSeq(BigInt(dep.height), (await sg.getTx(dep.hash))!.txIndex, 0));
    sg.disconnect();
    await e.until("inbound credited", () => e.h.inbound(CHAIN, seq)?.status === "credited", 30_000);
    const inb = e.h.inbound(CHAIN, seq)!;
    expect(inb.content).to.deep.include({ recipient, amount: M.toString(), sender: target.address(user), sourceTx: dep.hash });
    expect(e.h.balance(recipient) - before).to.equal(M);
    await e.until("the bad memo logged", () => e.logs.has(/NOT CREDITED/), 10_000);
    // More passes and blocks change nothing: credited once.
    await new Promise((r) => setTimeout(r, 1000));
    expect(e.h.balance(recipient) - before).to.equal(M);
    expect(e.h.balance(ESCROW)).to.equal(N - M);
    // NXT escrowed on NexusOS = the denom out of the Cosmos escrow (the bad-memo deposit is held there, not credited)
    expect(e.h.balance(ESCROW)).to.equal(SUPPLY + 1000n - (await target.balance(escrow.address, target.denom)));
    expect(e.logs.has("refused for good")).to.equal(false);
    e.h.checkAll();
  });

  it("racing relayers: with a second relayer, a batch of transfers is released once each (the chain's unordered nonce per transfer)", async () => {
    await e.relayer("relayer-b");
    const first = e.h.query<{ nextSeq: number }>("nextSequence", { chain: CHAIN }).nextSeq;
    const rcpts = [0, 1, 2].map((i) => target.address(cosmosSecret(`batch-${i}-${Date.now()}`)));
    for (const [i, to] of rcpts.entries()) expect((await e.h.out(12, CHAIN, to, BigInt(i + 1) * NXT)).codeName).to.equal("OK");
    const seqs = [0, 1, 2].map((i) => first + i);
    await e.until("the batch executed on NexusOS", () => seqs.every((s) => outbound(s).status === "executed"), 30_000);
    const sg = await StargateClient.connect(target.rpcUrl);
    for (const [i, to] of rcpts.entries()) {
      expect(await target.balance(to, target.denom)).to.equal(BigInt(i + 1) * NXT);
      expect(await sg.searchTx(`transfer.sender='${escrow.address}' AND transfer.recipient='${to}'`), `releases to recipient ${i}`).to.have.length(1);
    }
    sg.disconnect();
    expect(e.h.balance(ESCROW)).to.equal(SUPPLY + 1000n - (await target.balance(escrow.address, target.denom)));
    e.h.checkAll();
  });

  it("expiry: a transfer no relayer carries is never released after expiresAt; the watchers attest expired and NexusOS refunds the sender (test chain only: its clock moves)", async function () {
    if (!target.chain) this.skip();
    for (const s of e.services) if (s instanceof BridgeRelayer) await s.close();
    const sender = addr(13);
    const to = target.address(cosmosSecret(`late-${Date.now()}`));
    const seq = e.h.query<{ nextSeq: number }>("nextSequence", { chain: CHAIN }).nextSeq;
    expect((await e.h.out(13, CHAIN, to, 5n * NXT)).codeName).to.equal("OK");
    const before = e.h.balance(sender);
    await e.until("signed by > 2/3", () => outbound(seq).status === "ready", 20_000);
    const { expiresAt } = outbound(seq);
    // The Cosmos chain's clock passes expiresAt: the release can no longer execute there.
    target.chain!.offsetMs += Math.max(0, expiresAt * 1000 - (await target.timeMs())) + 5_000;
    await target.blocks(3);
    // NexusOS takes "expired" only after expiresAt + expiryMarginSeconds of its own time.
    await e.h.advance(expiresAt + 601 - e.h.nowSeconds());
    await e.until("outbound expired on NexusOS", () => outbound(seq).status === "expired", 30_000);
    expect(e.h.balance(sender) - before).to.equal(5n * NXT);
    expect(await target.balance(to, target.denom)).to.equal(0n);
    expect(outbound(seq).results.filter((x) => x.result === "expired").length).to.be.greaterThanOrEqual(3);
    e.h.checkAll();
  });
});
