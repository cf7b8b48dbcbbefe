// The Cosmos family against the test chain (test/fixtures/cosmos-chain: a local
// CometBFT-0.38-RPC-compatible test chain, not a Cosmos node) — or the real node named by
// NEXUS_COSMOS_RPC_URL. Signer, submitter and source: signatures every member makes alike, the
// multisig assembled by the relayer and verified by the chain, forged and below-threshold
// signatures, the chain id, duplicate deliveries, expiry, deposits with good and bad memos.
import { expect } from "chai";
import { encodeAddress } from "../../runtime/crypto/address.ts";
import { fromHex, sha256, toHex, utf8 } from "../../runtime/crypto/hash.ts";
import { cosmosSecret, cosmosTarget, type CosmosTarget } from "../../test/fixtures/cosmos-chain/index.ts";
import type { DestinationSignature, OutboundTransfer } from "../core/types.ts";
import { CosmosBridgeError } from "./errors.ts";
import { escrowFromAttestationKeys, escrowMultisig, thresholdFor } from "./escrow.ts";
import type { CosmosFamily } from "./family.ts";
import { CosmosKey } from "./keys.ts";
import { releaseSignBytes, releaseTimeout, releaseTx, type Release } from "./signdoc.ts";
import { inboundSeq } from "./source.ts";
import { captureLogger, cosmosValidatorKey, cosmosValidatorSecret, familyOn, testEscrow, transfer } from "./testing.ts";

const V = [0, 1, 2, 3];

async function rejection(p: Promise<unknown>): Promise<CosmosBridgeError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e, "expected a rejection").to.be.instanceOf(CosmosBridgeError);
  return e as CosmosBridgeError;
}

describe("bridges/cosmos family (signer, submitter, source)", function () {
  this.timeout(60_000);
  let target: CosmosTarget;
  let logs: ReturnType<typeof captureLogger>;
  let fams: CosmosFamily[];
  let relayer: CosmosFamily;
  const escrowOf = () => testEscrow(V, target.prefix);
  let seq = 0n;
  const nextSeq = () => ++seq + BigInt(Date.now() % 1_000_000) * 1000n;
  const recipient = () => target.address(sha256(utf8(`recipient-${Math.random()}`)));
  const nowS = async () => BigInt(Math.floor((await target.timeMs()) / 1000));
  const sigsOf = async (t: OutboundTransfer, who: number[]): Promise<DestinationSignature[]> => Promise.all(who.map(async (n) => ({ key: fams[n]!.signer!.key, signature: await fams[n]!.signer!.sign(t) })));
  const included = async (f: () => Promise<boolean>, ms = 10_000) => {
    const end = Date.now() + ms;
    while (!(await f())) {
      if (Date.now() > end) throw new Error("timed out");
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  before(async () => {
    target = await cosmosTarget({ blockIntervalMs: 50 });
    console.log(`      (Cosmos side: ${target.label})`);
    logs = captureLogger();
    const escrow = escrowOf();
    await target.fund(escrow.address, [
      { denom: target.denom, amount: "1000000" },
      { denom: target.fee.denom, amount: "1000000" },
    ]);
    fams = await Promise.all(V.map((n) => familyOn(target, { validators: V, signer: n, logger: logs.logger })));
    relayer = await familyOn(target, { validators: V, logger: logs.logger });
  });
  after(async () => {
    for (const f of [...(fams ?? []), relayer]) await f?.close();
    await target?.close();
  });

  it("the escrow is a 3-of-4 multisig of the validators' keys, ordered by address, as `keys add --multisig` builds it", () => {
    const e = escrowOf();
    expect(e.threshold).to.equal(3);
    expect([...e.members].sort()).to.deep.equal(V.map(cosmosValidatorKey).sort());
    expect(escrowMultisig([...V].reverse().map(cosmosValidatorKey), target.prefix).address).to.equal(e.address);
    expect([1, 2, 3, 4, 5, 6, 7, 10].map(thresholdFor)).to.deep.equal([1, 2, 3, 3, 4, 5, 5, 7]);
    for (let n = 1; n < 50; n++) {
      const k = thresholdFor(n);
      expect(k * 3 > n * 2 && (k - 1) * 3 <= n * 2, `n=${n}`).to.equal(true);
    }
    expect(fams.every((f) => f.escrow.address === e.address && f.signer!.isMember)).to.equal(true);
  });

  it("NexusOS → Cosmos: every member signs the same bytes; the relayer's 3-of-4 multisig executes once; status pending → done", async () => {
    const to = recipient();
    const t = transfer({ seq: nextSeq(), recipient: to, amount: 12_345n, expiresAt: (await nowS()) + 300n });
    expect(await relayer.submitter.status(t)).to.equal("pending");
    const sigs = await sigsOf(t, V);
    expect(sigs.every((s) => /^[0-9a-f]{128}$/.test(s.signature))).to.equal(true);
    expect(sigs.map((s) => s.key)).to.deep.equal(V.map(cosmosValidatorKey));
    // deterministic: signing again gives the same bytes
    expect(await fams[0]!.signer!.sign(t)).to.equal(sigs[0]!.signature);
    const escrowBefore = await target.balance(escrowOf().address, target.denom);
    const r = await relayer.submitter.submit(t, sigs);
    expect(r.alreadyProcessed).to.equal(false);
    expect(r.signers).to.have.length(3);
    await included(async () => (await relayer.submitter.status(t)) === "done");
    expect(await target.balance(to, target.denom)).to.equal(12_345n);
    expect(escrowBefore - (await target.balance(escrowOf().address, target.denom))).to.equal(12_345n);
    expect(await relayer.submitter.findExecution(t)).to.equal(r.txHash);
    // a watcher's status-only view agrees
    expect(await fams[2]!.submitter.status(t)).to.equal("done");
  });

  it("duplicate delivery: another relayer's other subset is found done; the chain itself refuses a second release of the same transfer (unordered nonce) and the same bytes (mempool cache)", async () => {
    const to = recipient();
    const t = transfer({ seq: nextSeq(), recipient: to, amount: 777n, expiresAt: (await nowS()) + 300n });
    const sigs = await sigsOf(t, V);
    const first = await relayer.submitter.submit(t, sigs);
    // Racing relayers: before inclusion, another subset broadcast directly is refused by CheckTx (nonce taken in the mempool's state)
    const rel = await releaseOf(relayer, t, target);
    const other = releaseTx(rel, escrowOf(), new Map([1, 2, 3].map((i) => [escrowOf().members.indexOf(sigs[i]!.key), fromHex(sigs[i]!.signature)])));
    expect(other.hash).to.not.equal(first.txHash);
    const res = await relayer.rpc.broadcastSync(other.bytes);
    expect(res.code, res.log).to.equal(18);
    expect(res.log).to.match(/unordered nonce/);
    await included(async () => (await relayer.submitter.status(t)) === "done");
    const again = await relayer.submitter.submit(t, sigs.slice(1));
    expect(again).to.deep.include({ alreadyProcessed: true, txHash: first.txHash });
    // identical bytes: CometBFT's cache refuses them
    const same = releaseTx(rel, escrowOf(), new Map([0, 1, 2].map((i) => [escrowOf().members.indexOf(sigs[i]!.key), fromHex(sigs[i]!.signature)])));
    const e = await relayer.rpc.broadcastSync(same.bytes).then(
      (x) => x,
      (x: unknown) => x as Error,
    );
    const refused = e instanceof Error ? e.message : `${e.code} ${e.log}`;
    expect(refused).to.match(/already exists in cache|unordered nonce/);
    expect(await target.balance(to, target.denom)).to.equal(777n);
  });

  it("below threshold: 2 of 4 signatures → COSMOS_BELOW_THRESHOLD, nothing broadcast; a hand-made 2-signature multisig is refused by the chain (sdk 4)", async () => {
    const t = transfer({ seq: nextSeq(), recipient: recipient(), amount: 5n, expiresAt: (await nowS()) + 300n });
    const sigs = await sigsOf(t, [0, 1]);
    const e = await rejection(relayer.submitter.submit(t, sigs));
    expect(e.code).to.equal("COSMOS_BELOW_THRESHOLD");
    expect(e.retryable).to.equal(true);
    const rel = await releaseOf(relayer, t, target);
    const two = releaseTx(rel, escrowOf(), new Map(sigs.map((s) => [escrowOf().members.indexOf(s.key), fromHex(s.signature)])));
    const res = await relayer.rpc.broadcastSync(two.bytes);
    expect([res.codespace, res.code]).to.deep.equal(["sdk", 4]);
    expect(res.log).to.match(/signature size is incorrect|not enough signatures/);
    expect(await relayer.submitter.status(t)).to.equal("pending");
  });

  it("forged signatures: a non-member's key, a member's signature over other bytes or a flipped bit are left out (then below threshold); the chain refuses a multisig carrying one (sdk 4)", async () => {
    const t = transfer({ seq: nextSeq(), recipient: recipient(), amount: 9n, expiresAt: (await nowS()) + 300n });
    const good = await sigsOf(t, [0, 1]);
    const outsider = new CosmosKey(cosmosSecret("outsider"));
    const rel = await releaseOf(relayer, t, target);
    const forged: DestinationSignature[] = [
      ...good,
      { key: outsider.publicKeyHex, signature: toHex(outsider.sign(releaseSignBytes(rel))) },
      { key: cosmosValidatorKey(2), signature: toHex(new CosmosKey(cosmosValidatorSecret(2)).sign(releaseSignBytes({ ...rel, amount: rel.amount * 1000n }))) },
      { key: cosmosValidatorKey(3), signature: flip(await fams[3]!.signer!.sign(t)) },
    ];
    const e = await rejection(relayer.submitter.submit(t, forged));
    expect(e.code).to.equal("COSMOS_BELOW_THRESHOLD");
    expect((e.details.dropped as unknown[]).length).to.equal(3);
    // Past the relayer's checks, the chain verifies for itself.
    const bad = releaseTx(rel, escrowOf(), new Map([...good.map((s) => [escrowOf().members.indexOf(s.key), fromHex(s.signature)] as const), [escrowOf().members.indexOf(cosmosValidatorKey(3)), fromHex(forged[4]!.signature)]]));
    const res = await relayer.rpc.broadcastSync(bad.bytes);
    expect([res.codespace, res.code]).to.deep.equal(["sdk", 4]);
    expect(res.log).to.match(/signature verification failed/);
  });

  it("chain id: a family whose settings name another chain id refuses (COSMOS_WRONG_CHAIN); signatures made for another chain id do not verify on the chain (sdk 4)", async () => {
    const wrong = await familyOn(target, { validators: V, signer: 0, logger: logs.logger, chainId: "other-chain-7" });
    try {
      const t = transfer({ chain: "cosmos-local", seq: nextSeq(), recipient: recipient(), amount: 3n, expiresAt: (await nowS()) + 300n });
      expect((await rejection(wrong.signer!.sign(t))).code).to.equal("COSMOS_WRONG_CHAIN");
      expect((await rejection(wrong.submitter.status(t))).code).to.equal("COSMOS_WRONG_CHAIN");
      expect((await rejection(wrong.source.finalHeight())).code).to.equal("COSMOS_WRONG_CHAIN");
      // The same release signed over another chain id: refused by the chain.
      const rel = { ...(await releaseOf(relayer, t, target)), chainId: "other-chain-7" };
      const sigs = new Map(V.slice(0, 3).map((n) => [escrowOf().members.indexOf(cosmosValidatorKey(n)), new CosmosKey(cosmosValidatorSecret(n)).sign(releaseSignBytes(rel))]));
      const res = await relayer.rpc.broadcastSync(releaseTx(rel, escrowOf(), sigs).bytes);
      expect([res.codespace, res.code]).to.deep.equal(["sdk", 4]);
      expect(res.log).to.match(/chain-id/);
    } finally {
      await wrong.close();
    }
  });

  it("expiry: after expiresAt the release can never execute — status expired, submit refuses, the chain refuses it (sdk 42); too far ahead is COSMOS_TOO_EARLY", async function () {
    const t = transfer({ seq: nextSeq(), recipient: recipient(), amount: 11n, expiresAt: (await nowS()) + 3n });
    const sigs = await sigsOf(t, V);
    const rel = await releaseOf(relayer, t, target);
    const tx = releaseTx(rel, escrowOf(), new Map([0, 1, 2].map((i) => [escrowOf().members.indexOf(sigs[i]!.key), fromHex(sigs[i]!.signature)])));
    if (target.chain) target.chain.offsetMs += 5_000;
    else await new Promise((r) => setTimeout(r, 5_000));
    await target.blocks(3);
    expect(await relayer.submitter.status(t)).to.equal("expired");
    const e = await rejection(relayer.submitter.submit(t, sigs));
    expect(e.code).to.equal("COSMOS_TRANSFER_EXPIRED");
    expect(e.retryable).to.equal(false);
    const res = await relayer.rpc.broadcastSync(tx.bytes);
    expect([res.codespace, res.code]).to.deep.equal(["sdk", 42]);
    expect(releaseTimeout(t).seconds < t.expiresAt).to.equal(true);

    const far = transfer({ seq: nextSeq(), recipient: recipient(), amount: 11n, expiresAt: (await nowS()) + 3600n });
    const e2 = await rejection(relayer.submitter.submit(far, await sigsOf(far, V)));
    expect(e2.code).to.equal("COSMOS_TOO_EARLY");
    expect(e2.details.retryAfterSeconds).to.be.greaterThan(2900);
  });

  it("BHLS kinds are not delivered on Cosmos chains; a recipient of another prefix is refused", async () => {
    const t = transfer({ seq: nextSeq(), recipient: recipient(), amount: 1n, expiresAt: (await nowS()) + 300n, kind: "bhls" });
    expect((await rejection(fams[0]!.signer!.sign(t))).code).to.equal("COSMOS_BAD_TRANSFER");
    expect((await rejection(relayer.submitter.status(t))).code).to.equal("COSMOS_BAD_TRANSFER");
    const u = transfer({ seq: nextSeq(), recipient: "osmo1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu", amount: 1n, expiresAt: (await nowS()) + 300n });
    expect((await rejection(fams[0]!.signer!.sign(u))).code).to.equal("COSMOS_BAD_TRANSFER");
  });

  it("Cosmos → NexusOS: deposits to the escrow with an nxs1 memo are reported once, with seq = height·10⁶ + tx·10² + msg + 1; a bad memo credits nothing and is logged; other denoms are ignored; heights above final are refused", async () => {
    const escrow = escrowOf().address;
    const user = cosmosSecret(`user-${Math.random()}`);
    await target.fund(target.address(user), [
      { denom: target.denom, amount: "10000" },
      { denom: target.fee.denom, amount: "100000" },
    ]);
    const nxs = encodeAddress(sha256(utf8("nexus-recipient")));
    const start = BigInt((await relayer.rpc.latest()).height);
    const good = await target.send(user, escrow, [{ denom: target.denom, amount: "2500" }], nxs);
    const bad = await target.send(user, escrow, [{ denom: target.denom, amount: "300" }], "not an address");
    const fee = await target.send(user, escrow, [{ denom: target.fee.denom, amount: "1000" }], nxs);
    expect([good.code, bad.code, fee.code]).to.deep.equal([0, 0, 0]);
    const src = relayer.source;
    await included(async () => (await src.finalHeight()) >= BigInt(fee.height));
    const final = await src.finalHeight();
    const found = await src.transfers(start, final);
    expect(found).to.have.length(1);
    const tx = (await relayer.rpc.searchTx(`tx.hash='${good.hash}'`))[0]!;
    expect(found[0]).to.deep.equal({ sourceChain: "cosmos-local", seq: inboundSeq(BigInt(good.height), tx.txIndex, 0), sender: target.address(user), recipient: nxs, amount: 2500n, sourceTx: good.hash, height: BigInt(good.height) });
    expect(found[0]!.seq).to.equal(BigInt(good.height) * 1_000_000n + BigInt(tx.txIndex) * 100n + 1n);
    expect(logs.lines.some((l) => /NOT CREDITED/.test(String(l.msg)) && l.tx === bad.hash && l.amount === "300")).to.equal(true);
    // every validator's source computes the same
    expect(await fams[1]!.source.transfers(start, final)).to.deep.equal(found);
    // ranges split anywhere give the same transfers
    const mid = BigInt(good.height);
    expect([...(await src.transfers(start, mid)), ...(await src.transfers(mid, final))]).to.deep.equal(found);
    const e = await rejection(src.transfers(final, final + 1000n));
    expect(e.code).to.equal("COSMOS_NOT_FINAL");
  });

  it("the escrow from NexusOS's attestation keys: 3 of 4; a keyed power of at most 2/3 is refused; escrowAddress pins it", async () => {
    const keys = V.map((n) => ({ validator: `v${n}`, key: cosmosValidatorKey(n), power: "100" }));
    const ak = { family: "cosmos", height: 7, totalPower: "400", keyedPower: "400", keys, missing: [] };
    expect(escrowFromAttestationKeys(ak, target.prefix).address).to.equal(escrowOf().address);
    expect(() => escrowFromAttestationKeys({ ...ak, keys: keys.slice(0, 2), keyedPower: "200", missing: ["v2", "v3"] }, target.prefix)).to.throw(/not more than 2\/3/);
    const e = await rejection(familyOn(target, { validators: V, logger: logs.logger, options: { escrowAddress: testEscrow([0, 1, 2], target.prefix).address } }));
    expect(e.code).to.equal("COSMOS_ESCROW_MISMATCH");
  });
});

/** The release the family builds for `t`, rebuilt here from its parts (to assemble transactions by hand). */
async function releaseOf(f: CosmosFamily, t: OutboundTransfer, target: CosmosTarget): Promise<Release> {
  return {
    chainId: f.rpc.o.chainId,
    accountNumber: (await f.rpc.accountNumber(f.escrow.address))!,
    escrow: f.escrow.address,
    recipient: t.recipient,
    denom: target.denom,
    amount: t.amount,
    memo: t.transferId,
    timeout: releaseTimeout(t),
    fee: { amount: [{ ...target.fee }], gas: BigInt(target.gas) },
  };
}

function flip(sig: string): string {
  const b = fromHex(sig);
  b[10]! ^= 1;
  return toHex(b);
}
