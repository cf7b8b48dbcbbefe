// The Substrate family against the REAL Asset Hub runtime in chopsticks (test/fixtures/asset-hub.ts):
// the bridge multisig as pallet-multisig derives it, setup, releases approved by the
// validators' own extrinsics and executed at the threshold, at most once (the receipt item),
// voids after expiry, deposits with good and bad remarks, forged mints, bad configs.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { u8aToHex } from "@polkadot/util";
import { encodeAddress } from "@polkadot/util-crypto";
import { encodeAddress as nxsAddress } from "../../runtime/crypto/address.ts";
import { fromHex, sha256, utf8 } from "../../runtime/crypto/hash.ts";
import { attestationKeyProblem, signatureFormatProblem } from "../../modules/bridge/families.ts";
import { assetHub, ROC, type AssetHub } from "../../test/fixtures/asset-hub.ts";
import { toOutboundTransfer } from "../core/nexus.ts";
import { captureLogger } from "../cosmos/testing.ts";
import { MultisigApprover } from "./approvals.ts";
import { PolkadotError } from "./errors.ts";
import type { SubstrateFamily } from "./family.ts";
import { SubstrateKey, verifySubstrateSignature } from "./keys.ts";
import { bridgeMultisig, multisigFromAttestationKeys } from "./multisig.ts";
import { acceptedBy, holdersOf, receiptOf, releaseCall, voidCall } from "./release.ts";
import { releaseSigningMessage } from "./signer.ts";
import { inboundSeq } from "./source.ts";
import { FakeNexus, assetBalance, substrateFamilyOn, substrateValidatorKey } from "./testing.ts";

const V = [0, 1, 2, 3];
const ASSET = 1984;

async function rejection(p: Promise<unknown>): Promise<PolkadotError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e, "expected a rejection").to.be.instanceOf(PolkadotError);
  return e as PolkadotError;
}

describe("bridges/polkadot family (multisig releases, receipts, deposits) on the Asset Hub runtime in chopsticks", function () {
  this.timeout(120_000);
  let hub: AssetHub;
  let logs: ReturnType<typeof captureLogger>;
  let fams: SubstrateFamily[];
  const nexus = new FakeNexus();
  const user = new SubstrateKey(sha256(utf8("substrate-user")));
  const userAccount = u8aToHex(user.pair.publicKey);
  let seq = 0;
  const balanceOf = (account: string) => assetBalance(hub.api, ASSET, account);
  /** Runs the upkeep of validators `who`, in turn (each pass is one watcher's). */
  const passes = async (who: number[]) => {
    for (const n of who) await fams[n]!.upkeep!.run(nexus.upkeep());
  };

  before(async () => {
    hub = await assetHub();
    console.log(`      (Substrate side: ${hub.label})`);
    logs = captureLogger();
    const keys = await Promise.all(V.map(substrateValidatorKey));
    const ms = bridgeMultisig(
      keys.map((k) => k.publicKeyHex),
      hub.ss58Prefix,
    );
    await hub.fund([...keys.map((k) => u8aToHex(k.pair.publicKey)), ms.account, userAccount], 1_000n * ROC);
    fams = await Promise.all(V.map((n) => substrateFamilyOn({ wsUrl: hub.wsUrl, ss58Prefix: hub.ss58Prefix, validators: V, signer: n, logger: logs.logger })));
  });
  after(async () => {
    for (const f of fams ?? []) await f.close();
    await hub?.close();
  });

  it("the bridge account is the 3-of-4 pallet-multisig account of the validators' keys (any order), and keys are NexusOS-valid", async () => {
    const keys = await Promise.all(V.map(substrateValidatorKey));
    const ms = fams[0]!.multisig;
    expect(ms.threshold).to.equal(3);
    expect(bridgeMultisig([...keys].reverse().map((k) => k.publicKeyHex), hub.ss58Prefix).account).to.equal(ms.account);
    expect(ms.address).to.equal(encodeAddress(ms.account, hub.ss58Prefix));
    for (const k of keys) expect(attestationKeyProblem("substrate", k.publicKeyHex)).to.equal(null);
    expect(() => bridgeMultisig([keys[0]!.publicKeyHex], 42)).to.throw(/at least 2/);
    expect(() => bridgeMultisig(keys.map((k) => k.publicKeyHex), 42, 2)).to.throw(/not above 2\/3/);
    expect(() => bridgeMultisig([keys[0]!.publicKeyHex, keys[0]!.publicKeyHex], 42)).to.throw(/appears twice/);
    const ak = { family: "substrate", height: 5, totalPower: "100", keyedPower: "60", keys: keys.map((k, i) => ({ validator: `v${i}`, key: k.publicKeyHex, power: "15" })), missing: ["v9"] };
    expect(() => multisigFromAttestationKeys(ak, 42)).to.throw(/60 of 100 power/);
    expect(multisigFromAttestationKeys({ ...ak, keyedPower: "67" }, hub.ss58Prefix).account).to.equal(ms.account);
  });

  it("setup: the validators' approvals create the NXT asset and the receipt collection, owned by the multisig; no release before", async () => {
    const ms = fams[0]!.multisig.account;
    expect(await holdersOf(fams[0]!.client, fams[0]!.asset)).to.deep.equal({});
    await passes([0, 1]);
    expect(await holdersOf(fams[0]!.client, fams[0]!.asset)).to.deep.equal({});
    await passes([2]);
    expect(await holdersOf(fams[0]!.client, fams[0]!.asset)).to.deep.equal({ asset: ms, collection: ms });
    const meta = (await hub.api.query.assets.metadata(ASSET)).toHuman() as { symbol: string; decimals: string };
    expect(meta).to.deep.include({ symbol: "NXT", decimals: "8" });
    await passes([3]); // nothing left to set up
    expect(logs.lines.filter((l) => l.msg === "setup approved")).to.have.length(3);
  });

  it("NexusOS → Asset Hub: two approvals leave the release pending; the third executes it: the recipient holds the amount, status done", async () => {
    const o = nexus.add({ seq: ++seq, recipient: userAccount, amount: 500_000n });
    const t = toOutboundTransfer(o);
    const sub = fams[3]!.submitter;
    await passes([0, 1]);
    expect(await sub.status(t)).to.equal("pending");
    expect(await balanceOf(userAccount)).to.equal(0n);
    const op = await new MultisigApprover(fams[0]!.client, fams[0]!.multisig, (await substrateValidatorKey(0)).pair, logs.logger).op(releaseCall(fams[0]!.client, fams[0]!.asset, t).method.hash.toHex());
    expect(op?.approvals).to.have.length(2);
    await passes([2]);
    expect(await sub.status(t)).to.equal("done");
    expect(await balanceOf(userAccount)).to.equal(500_000n);
    await passes([3, 0]); // a late validator sees the receipt: nothing more
    expect(await balanceOf(userAccount)).to.equal(500_000n);
  });

  it("at most once: the same release approved again by three validators executes, but its receipt mint fails and nothing is minted (batch_all)", async () => {
    const o = nexus.outbound.find((x) => x.seq === 1)!;
    const t = toOutboundTransfer(o);
    const c = fams[0]!.client;
    const call = releaseCall(c, fams[0]!.asset, t);
    const approvers = await Promise.all([1, 2, 3].map(async (n) => new MultisigApprover(c, fams[0]!.multisig, (await substrateValidatorKey(n)).pair, logs.logger)));
    const outcomes = [];
    for (const a of approvers) outcomes.push(await a.approve(call, "release 1 again"));
    expect(outcomes.map((x) => x.kind)).to.deep.equal(["opened", "approved", "executed"]);
    expect(outcomes[2]).to.deep.include({ result: "uniques.AlreadyExists" });
    expect(await balanceOf(userAccount)).to.equal(500_000n);
  });

  it("several open transfers: a validator's pass sends its approvals together (one utility batch); three passes execute them all", async () => {
    const tos = [0, 1].map((i) => u8aToHex(sha256(utf8(`batch-recipient-${i}`))));
    await hub.fund(tos, ROC);
    const ts = tos.map((to, i) => toOutboundTransfer(nexus.add({ seq: ++seq, recipient: to, amount: 100n + BigInt(i) })));
    await passes([0]);
    // one pass, one extrinsic, opened both operations
    const a0 = new MultisigApprover(fams[0]!.client, fams[0]!.multisig, (await substrateValidatorKey(0)).pair, logs.logger);
    for (const t of ts) expect((await a0.op(releaseCall(fams[0]!.client, fams[0]!.asset, t).method.hash.toHex()))?.approvals).to.have.length(1);
    await passes([1, 2]);
    for (const [i, t] of ts.entries()) {
      expect(await fams[0]!.submitter.status(t)).to.equal("done");
      expect(await balanceOf(tos[i]!)).to.equal(100n + BigInt(i));
    }
  });

  it("expiry: after NexusOS's clock passes expiresAt the validators void the transfer (status expired); its release can never execute afterwards", async () => {
    const to = u8aToHex(sha256(utf8("late-recipient")));
    await hub.fund([to], ROC);
    const o = nexus.add({ seq: ++seq, recipient: to, amount: 7_000n, expiresAt: nexus.now + 60 });
    const t = toOutboundTransfer(o);
    await passes([0, 1]); // two release approvals before expiry
    nexus.now += 120;
    await passes([2, 3, 1]); // after: voids (1 already approved the release; it approves the void too)
    expect(await receiptOf(fams[0]!.client, fams[0]!.asset, t.seq)).to.equal("void");
    expect(await fams[0]!.submitter.status(t)).to.equal("expired");
    // a straggler completes the release's pending operation: it executes and fails, nothing minted
    const late = new MultisigApprover(fams[0]!.client, fams[0]!.multisig, (await substrateValidatorKey(2)).pair, logs.logger);
    const r = await late.approve(releaseCall(fams[0]!.client, fams[0]!.asset, t), "late release");
    expect(r).to.deep.include({ kind: "executed", result: "uniques.AlreadyExists" });
    expect(await balanceOf(to)).to.equal(0n);
    // validator 0 opened the release's operation; its next pass cancels it and gets the deposit back
    const op0 = await late.op(releaseCall(fams[0]!.client, fams[0]!.asset, t).method.hash.toHex());
    expect(op0).to.equal(undefined); // executed (and failed) above: nothing pending any more
  });

  it("a recipient the asset cannot reach: the release executes with a failed mint, is not re-approved at once, and is voided after expiry", async () => {
    const nobody = u8aToHex(sha256(utf8("account-that-does-not-exist")));
    const o = nexus.add({ seq: ++seq, recipient: nobody, amount: 1_000n, expiresAt: nexus.now + 60 });
    const t = toOutboundTransfer(o);
    await passes([0, 1, 2]);
    expect(logs.has(/release executed but its call failed/)).to.equal(true);
    expect(await fams[0]!.submitter.status(t)).to.equal("pending");
    const blocks = (await hub.api.rpc.chain.getHeader()).number.toNumber();
    await passes([2]); // failed just now: not approved again yet
    expect((await hub.api.rpc.chain.getHeader()).number.toNumber()).to.equal(blocks);
    nexus.now += 120;
    await passes([0, 1, 3]);
    expect(await fams[0]!.submitter.status(t)).to.equal("expired");
    expect(await balanceOf(nobody)).to.equal(0n);
  });

  it("forged: an account outside the multisig cannot mint NXT; a key outside the multisig cannot be a signatory", async () => {
    const c = fams[0]!.client;
    const r = await c.submit(user.pair, hub.api.tx.assets.mint(ASSET, userAccount, 1_000_000n), "forged mint");
    expect(r).to.deep.include({ ok: false, error: "assets.NoPermission" });
    expect(() => new MultisigApprover(c, fams[0]!.multisig, user.pair, logs.logger)).to.throw(PolkadotError, /not a signatory/);
    expect(await balanceOf(userAccount)).to.equal(500_000n);
  });

  it("signer: an sr25519 signature of the exact release call, in NexusOS's substrate format", async () => {
    const o = nexus.outbound.find((x) => x.seq === 1)!;
    const t = toOutboundTransfer(o);
    const s = fams[1]!.signer!;
    const sig = await s.sign(t);
    expect(signatureFormatProblem("substrate", sig)).to.equal(null);
    const msg = releaseSigningMessage(fams[1]!.client, fams[1]!.asset, t);
    expect(verifySubstrateSignature(fromHex(sig), msg, s.key)).to.equal(true);
    expect(verifySubstrateSignature(fromHex(sig), releaseSigningMessage(fams[1]!.client, fams[1]!.asset, { ...t, amount: t.amount + 1n }), s.key)).to.equal(false);
    expect(s.key).to.equal((await substrateValidatorKey(1)).publicKeyHex);
    expect((await rejection(fams[1]!.submitter.submit(t, []))).code).to.equal("POLKADOT_NO_RELAYER_ROLE");
  });

  it("Asset Hub → NexusOS: a transfer to the multisig with an nxs1 remark is reported once with its seq; without one (or with two) it is held and logged", async () => {
    const ms = fams[0]!.multisig.account;
    const recipient = nxsAddress(sha256(utf8("nexus-recipient")));
    const other = nxsAddress(sha256(utf8("nexus-other")));
    const tx = hub.api.tx;
    const start = (await fams[0]!.client.finalizedNumber());
    const good = await fams[0]!.client.submit(user.pair, tx.utility.batchAll([tx.assets.transfer(ASSET, ms, 40_000n), tx.system.remark(recipient)]), "deposit");
    expect(good.ok, good.error).to.equal(true);
    const none = await fams[0]!.client.submit(user.pair, tx.assets.transferKeepAlive(ASSET, ms, 1_000n), "deposit without remark");
    const two = await fams[0]!.client.submit(user.pair, tx.utility.batch([tx.system.remark(recipient), tx.assets.transfer(ASSET, ms, 2_000n), tx.system.remarkWithEvent(other)]), "deposit with two remarks");
    const failed = await fams[0]!.client.submit(user.pair, tx.utility.batchAll([tx.assets.transfer(ASSET, ms, 10n ** 30n), tx.system.remark(recipient)]), "deposit above balance");
    expect([none.ok, two.ok, failed.ok]).to.deep.equal([true, true, false]);
    const src = fams[2]!.source;
    const final = await src.finalHeight();
    const seen = await src.transfers(start, final);
    const goodBlock = (await hub.api.rpc.chain.getHeader(good.blockHash)).number.toBigInt();
    expect(seen).to.have.length(1);
    expect(seen[0]).to.deep.include({ sourceChain: "assethub", seq: inboundSeq(goodBlock, good.index!, 0), sender: userAccount, recipient, amount: 40_000n, height: goodBlock });
    expect(seen[0]!.sourceTx).to.equal(`${good.blockHash}:${good.index}`);
    expect(logs.lines.filter((l) => /deposit NOT CREDITED/.test(String(l.msg))).map((l) => l.amount)).to.deep.equal(["1000", "2000"]);
    // every validator derives the same
    expect(await fams[0]!.source.transfers(start, final)).to.deep.equal(seen);
    const e = await rejection(src.transfers(start, final + 5n));
    expect(e.code).to.equal("POLKADOT_NOT_FINAL");
    expect(await balanceOf(ms)).to.equal(43_000n);
  });

  it("key rotation: NexusOS's key set changes (validator 0 leaves, 4 joins): the new multisig accepts, the old one hands over; releases go on through the new one; the old account's deposits are still read", async () => {
    const oldKeys = await Promise.all(V.map(substrateValidatorKey));
    const NEW = [1, 2, 3, 4];
    const newMs = bridgeMultisig((await Promise.all(NEW.map(substrateValidatorKey))).map((k) => k.publicKeyHex), hub.ss58Prefix);
    const oldMs = fams[0]!.multisig;
    await hub.fund([u8aToHex((await substrateValidatorKey(4)).pair.publicKey), newMs.account], 1_000n * ROC);
    await nexus.keyValidators(NEW);
    const dirs = [0, 1, 2, 3, 4].map((n) => mkdtempSync(join(tmpdir(), `substrate-sets-${n}-`)));
    // Validators 0-3 knew the old multisig (here through previousMultisigs; a long-running watcher through its data directory).
    const rot = await Promise.all(
      [0, 1, 2, 3, 4].map((n) =>
        substrateFamilyOn({ wsUrl: hub.wsUrl, ss58Prefix: hub.ss58Prefix, validators: NEW, signer: n, logger: logs.logger, follow: { query: nexus.query, dataDir: dirs[n]! }, ...(n < 4 ? { options: { previousMultisigs: [{ publicKeys: oldKeys.map((k) => k.publicKeyHex) }] } } : {}) }),
      ),
    );
    try {
      expect(rot.every((f) => f.multisig.account === newMs.account)).to.equal(true);
      const run = async (who: number[]) => {
        for (const n of who) await rot[n]!.upkeep!.run(nexus.upkeep());
      };
      const c = rot[0]!.client;
      // Step 1: three of the new signatories accept the collection; the old ones wait for it.
      // Validator 4 never knew the old multisig: it approves the acceptance, and its pass says
      // who holds the asset until the handover.
      await run([0, 1]);
      expect((await rejection(rot[4]!.upkeep!.run(nexus.upkeep()))).message).to.match(/during a handover its signatories hand them over/);
      expect(await acceptedBy(c, newMs.account)).to.equal(undefined);
      await run([2]);
      expect(await acceptedBy(c, newMs.account)).to.equal("1984");
      expect(await holdersOf(c, rot[0]!.asset)).to.deep.equal({ asset: oldMs.account, collection: oldMs.account });
      // Step 2: three of the old signatories hand both over.
      await run([0, 3, 1]);
      expect(await holdersOf(c, rot[0]!.asset)).to.deep.equal({ asset: newMs.account, collection: newMs.account });
      // Releases go on through the new multisig: validator 0 (gone) approves nothing.
      const to = u8aToHex(sha256(utf8("after-rotation")));
      await hub.fund([to], ROC);
      const t = toOutboundTransfer(nexus.add({ seq: ++seq, recipient: to, amount: 3_000n }));
      const blocks = (await hub.api.rpc.chain.getHeader()).number.toNumber();
      await run([0]);
      expect((await hub.api.rpc.chain.getHeader()).number.toNumber()).to.equal(blocks);
      await run([1, 2]);
      expect(await rot[0]!.submitter.status(t)).to.equal("pending");
      await run([4]);
      expect(await rot[0]!.submitter.status(t)).to.equal("done");
      expect(await balanceOf(to)).to.equal(3_000n);
      // A deposit sent to the OLD account after the handover is still read (it holds NexusOS's escrow too).
      const recipient = nxsAddress(sha256(utf8("nexus-after-rotation")));
      const start = await c.finalizedNumber();
      const dep = await c.submit(user.pair, hub.api.tx.utility.batchAll([hub.api.tx.assets.transfer(ASSET, oldMs.account, 700n), hub.api.tx.system.remark(recipient)]), "deposit to the old account");
      expect(dep.ok, dep.error).to.equal(true);
      const seen = await rot[1]!.source.transfers(start, await rot[1]!.source.finalHeight());
      expect(seen.map((x) => [x.recipient, x.amount])).to.deep.equal([[recipient, 700n]]);
      // Each watcher's data directory now lists both multisigs.
      const saved = JSON.parse(readFileSync(join(dirs[1]!, "multisigs.json"), "utf8")) as { account: string }[];
      expect(saved.map((x) => x.account).sort()).to.deep.equal([oldMs.account, newMs.account].sort());
    } finally {
      for (const f of rot) await f.close();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  });

  it("bad configs: schema errors, a relayer, a wrong SS58 prefix, a changed multisig, an asset someone else owns", async () => {
    const base = { wsUrl: hub.wsUrl, ss58Prefix: hub.ss58Prefix, validators: V, logger: logs.logger };
    expect((await rejection(substrateFamilyOn({ ...base, options: { wsUrl: "http://x" } }))).message).to.match(/wsUrl/);
    expect((await rejection(substrateFamilyOn({ ...base, options: { extra: 1 } }))).message).to.match(/extra/);
    expect((await rejection(substrateFamilyOn({ ...base, role: "relayer" }))).code).to.equal("POLKADOT_NO_RELAYER_ROLE");
    expect((await rejection(substrateFamilyOn({ ...base, ss58Prefix: 0 }))).code).to.equal("POLKADOT_WRONG_CHAIN");
    const e = await rejection(substrateFamilyOn({ ...base, options: { multisigAddress: encodeAddress(sha256(utf8("other")), 2) } }));
    expect(e.code).to.equal("POLKADOT_MULTISIG_MISMATCH");
    expect((await rejection(substrateFamilyOn({ ...base, signer: 0, options: { validatorKey: { env: "NOT_SET_ANYWHERE" } } }))).message).to.match(/NOT_SET_ANYWHERE is not set/);
    // an asset id someone else created
    const r = await fams[0]!.client.submit(user.pair, hub.api.tx.assets.create(77, userAccount, 1), "someone's asset");
    expect(r.ok, r.error).to.equal(true);
    const f = await substrateFamilyOn({ ...base, signer: 0, assetId: "77" });
    try {
      const x = await rejection(f.upkeep!.run(nexus.upkeep()));
      expect(x.code).to.equal("POLKADOT_ASSET_NOT_BRIDGED");
      expect(x.message).to.match(/neither the current bridge multisig .* nor one this watcher has known/);
      expect(await acceptedBy(f.client, f.multisig.account)).to.equal(undefined); // no collection 77: nothing accepted
    } finally {
      await f.close();
    }
  });
});
