// The Cosmos escrow's handover after NexusOS's cosmos key set changed, against the test chain
// (test/fixtures/cosmos-chain: a local CometBFT-0.38-RPC-compatible test chain, not a Cosmos
// node, which verifies multisig thresholds, signatures and account sequences for real) — or the
// real node named by NEXUS_COSMOS_RPC_URL. Validator 0 leaves, 4 joins: the old 3-of-4 escrow
// hands its funds to the new 3-of-4 once; releases then go through the new one.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { AuthInfo, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { encodeAddress } from "../../runtime/crypto/address.ts";
import { sha256, utf8 } from "../../runtime/crypto/hash.ts";
import { cosmosSecret, cosmosTarget, type CosmosTarget } from "../../test/fixtures/cosmos-chain/index.ts";
import type { DestinationSignature, OutboundTransfer } from "../core/types.ts";
import { CosmosBridgeError } from "./errors.ts";
import type { CosmosFamily } from "./family.ts";
import { handoverSignBytes, handoverTx, HANDOVER_MEMO_PREFIX, memberAddress, planHandover } from "./handover.ts";
import { CosmosKey } from "./keys.ts";
import { captureLogger, cosmosValidatorKey, cosmosValidatorSecret, FakeNexus, familyOn, testEscrow, transfer } from "./testing.ts";

const OLD = [0, 1, 2, 3];
const NEW = [1, 2, 3, 4];

describe("bridges/cosmos handover (NexusOS's cosmos key set changes)", function () {
  this.timeout(180_000);
  let target: CosmosTarget;
  let logs: ReturnType<typeof captureLogger>;
  const nexus = new FakeNexus();
  const SUPPLY = 1_000_000n;
  const FEES = 1_000_000n;
  const dirs: string[] = [];
  let seq = 0n;
  const nextSeq = () => ++seq + BigInt(Date.now() % 1_000_000) * 1000n;
  const nowS = async () => BigInt(Math.floor((await target.timeMs()) / 1000));
  const recipient = () => target.address(sha256(utf8(`recipient-${Math.random()}`)));
  const included = async (f: () => Promise<boolean>, ms = 20_000) => {
    const end = Date.now() + ms;
    while (!(await f())) {
      if (Date.now() > end) throw new Error("timed out");
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const sigsOf = async (fams: CosmosFamily[], t: OutboundTransfer, who: number[]): Promise<DestinationSignature[]> => Promise.all(who.map(async (n) => ({ key: fams[n]!.signer!.key, signature: await fams[n]!.signer!.sign(t) })));

  before(async () => {
    target = await cosmosTarget({ blockIntervalMs: 50 });
    console.log(`      (Cosmos side: ${target.label})`);
    logs = captureLogger();
    nexus.keyValidators(OLD);
    await target.fund(testEscrow(OLD, target.prefix).address, [
      { denom: target.denom, amount: SUPPLY.toString() },
      { denom: target.fee.denom, amount: FEES.toString() },
    ]);
    // Each validator's own account pays the fee of posting its handover signature.
    await target.fundMany(
      [0, 1, 2, 3, 4].map((n) => memberAddress(cosmosValidatorKey(n), target.prefix)),
      [{ denom: target.fee.denom, amount: "1000000" }],
    );
    for (let i = 0; i < 7; i++) dirs.push(mkdtempSync(join(tmpdir(), `cosmos-escrows-${i}-`)));
  });
  after(async () => {
    await target?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** Watchers of validators 0-4 and two relayers, following NexusOS's key set, each with its data directory. */
  const open = async (): Promise<{ w: CosmosFamily[]; r: CosmosFamily[] }> => {
    const w = await Promise.all([0, 1, 2, 3, 4].map((n) => familyOn(target, { validators: [], signer: n, logger: logs.logger, follow: { query: nexus.query, dataDir: dirs[n]! } })));
    const r = await Promise.all([5, 6].map((i) => familyOn(target, { validators: [], role: "relayer", logger: logs.logger, follow: { query: nexus.query, dataDir: dirs[i]! } })));
    return { w, r };
  };
  const closeAll = async (x: { w: CosmosFamily[]; r: CosmosFamily[] }) => {
    for (const f of [...x.w, ...x.r]) await f.close();
  };
  /** Handovers from `from` to `to` on the chain (successful transactions). */
  const handovers = async (f: CosmosFamily, from: string, to: string) => {
    const txs = (await f.rpc.searchTx(`transfer.sender='${from}' AND transfer.recipient='${to}'`)).filter((t) => t.code === 0);
    return txs
      .map((t) => ({ raw: TxRaw.decode(t.tx), hash: t.hash }))
      .filter((t) => TxBody.decode(t.raw.bodyBytes).memo.startsWith(HANDOVER_MEMO_PREFIX))
      .map((t) => ({ hash: t.hash, sequence: AuthInfo.decode(t.raw.authInfoBytes).signerInfos[0]!.sequence, coins: MsgSend.decode(TxBody.decode(t.raw.bodyBytes).messages[0]!.value).amount }));
  };

  it("validator 0 leaves, 4 joins: the old multisig hands the escrow over once (threshold enforced by the chain, a restart and racing relayers change nothing); releases then go through the new one; deposits to the old address are still read; supply conserved", async () => {
    const old = testEscrow(OLD, target.prefix);
    const neu = testEscrow(NEW, target.prefix);
    let fams = await open();
    const chainOpts = { chain: "cosmos-local", chainId: target.chainId, denom: target.denom, fee: { amount: [{ ...target.fee }], gas: BigInt(target.gas) } };
    let released = 0n;
    let deposited = 0n;
    const conserved = async () => expect((await target.balance(old.address, target.denom)) + (await target.balance(neu.address, target.denom))).to.equal(SUPPLY - released + deposited);
    const pass = async (ws: number[], rs: number[] = []) => {
      for (const n of ws) await fams.w[n]!.upkeep.run(nexus.upkeep("watcher"));
      for (const i of rs) await fams.r[i]!.upkeep.run(nexus.upkeep("relayer"));
    };
    try {
      expect(fams.w.every((f) => f.escrow.address === old.address)).to.equal(true);
      await pass([0, 1, 2, 3, 4], [0]); // nothing to hand over: one escrow known
      expect(await handovers(fams.r[0]!, old.address, neu.address)).to.have.length(0);

      // NexusOS's key set changes. Two old members sign and post; the relayer waits (2 < 3).
      nexus.keyValidators(NEW);
      await pass([0, 1, 4]);
      expect(logs.has(/key set changed: a new escrow multisig/)).to.equal(true);
      await target.blocks(2);
      await pass([], [0]);
      expect(logs.lines.some((l) => /waiting for the old escrow's members' signatures/.test(String(l.msg)) && l.valid === 2 && l.threshold === 3)).to.equal(true);
      expect(await target.balance(old.address, target.denom)).to.equal(SUPPLY);

      // Fewer than the old threshold: the chain itself refuses a handover with 2 signatures (sdk 4).
      const h0 = (await planHandover(fams.r[0]!.rpc, chainOpts, old, neu.address))!;
      expect(h0.coins.map((c) => c.denom).sort()).to.deep.equal([target.denom, target.fee.denom].sort());
      const two = handoverTx(h0, old, new Map([0, 1].map((n) => [old.members.indexOf(cosmosValidatorKey(n)), new CosmosKey(cosmosValidatorSecret(n)).sign(handoverSignBytes(h0))])));
      const refused = await fams.r[0]!.rpc.broadcastSync(two.bytes);
      expect([refused.codespace, refused.code], refused.log).to.deep.equal(["sdk", 4]);
      expect(refused.log).to.match(/signature size is incorrect|not enough signatures/);

      // Meanwhile releases go on through the OLD escrow (the new one is used only after the handover).
      expect((await fams.r[0]!.escrows.holder()).address).to.equal(old.address);
      const t1 = transfer({ seq: nextSeq(), recipient: recipient(), amount: 1_000n, expiresAt: (await nowS()) + 300n });
      const r1 = await fams.r[0]!.submitter.submit(t1, await sigsOf(fams.w, t1, [1, 2, 3, 4]));
      expect(r1.signers).to.have.length(3).and.not.include(cosmosValidatorKey(4));
      await included(async () => (await fams.r[0]!.submitter.status(t1)) === "done");
      released += 1_000n;
      await conserved();
      // A transfer the old members sign now but no relayer carries before the handover.
      const t3 = transfer({ seq: nextSeq(), recipient: recipient(), amount: 3_000n, expiresAt: (await nowS()) + 300n });
      const oldSigs = await sigsOf(fams.w, t3, [1, 2, 3]);

      // Restart mid-handover: every process starts again from its data directory (escrows.json), no options naming the old escrow.
      await closeAll(fams);
      fams = await open();
      expect(fams.w.every((f) => f.escrow.address === neu.address && f.escrows.sets.has(old.address))).to.equal(true);
      // The release changed the balances: the earlier posts no longer verify; old members sign again.
      await pass([0, 1, 2]);
      await target.blocks(2);
      const h1 = (await planHandover(fams.r[0]!.rpc, chainOpts, old, neu.address))!;
      expect(h1.sequence).to.equal(h0.sequence);
      // Two relayers at once: one handover gets in, the other is the same bytes (mempool cache).
      await Promise.all([0, 1].map((i) => fams.r[i]!.upkeep.run(nexus.upkeep("relayer"))));
      await included(async () => (await target.balance(old.address, target.denom)) === 0n);
      expect(await target.balance(neu.address, target.denom)).to.equal(SUPPLY - released);
      expect((await target.balance(neu.address, target.fee.denom)) > 0n).to.equal(true); // fees follow, for the new escrow's releases
      await conserved();
      const done = await handovers(fams.r[0]!, old.address, neu.address);
      expect(done).to.have.length(1);
      expect(done[0]!.sequence).to.equal(h1.sequence);
      // Another signature subset for the same sequence: refused. With the fee balance gone with the
      // handover the old account cannot even pay (sdk 5); topped up, the sequence check refuses it (sdk 32).
      const tooPoor = await fams.r[1]!.rpc.broadcastSync(handoverTx(h1, old, new Map([0, 2, 3].map((n) => [old.members.indexOf(cosmosValidatorKey(n)), new CosmosKey(cosmosValidatorSecret(n)).sign(handoverSignBytes(h1))]))).bytes);
      expect([tooPoor.codespace, tooPoor.code], tooPoor.log).to.deep.equal(["sdk", 5]);
      await target.fund(old.address, [{ denom: target.fee.denom, amount: "100000" }]);
      const other = handoverTx(h1, old, new Map([1, 2, 3].map((n) => [old.members.indexOf(cosmosValidatorKey(n)), new CosmosKey(cosmosValidatorSecret(n)).sign(handoverSignBytes(h1))])));
      const late = await fams.r[1]!.rpc.broadcastSync(other.bytes);
      expect([late.codespace, late.code], late.log).to.deep.equal(["sdk", 32]);
      // Every process passes again (and restarts again): nothing more to hand over.
      await pass([0, 1, 2, 3, 4], [0, 1]);
      await closeAll(fams);
      fams = await open();
      await pass([0, 1, 2, 3, 4], [0, 1]);
      await target.blocks(2);
      await pass([], [0, 1]);
      expect(await handovers(fams.r[0]!, old.address, neu.address)).to.have.length(1);

      // Releases now go through the new escrow: validator 0 (gone) no longer counts, 4 does.
      expect((await fams.r[0]!.escrows.holder()).address).to.equal(neu.address);

      // t3's signatures were for the old escrow, empty now: the release cannot execute, and each
      // signer calls its own signature stale, so its watcher signs again (the new signature
      // replaces the old one on NexusOS); with the new ones the release comes from the new escrow.
      await fams.r[0]!.submitter.submit(t3, oldSigs).then(
        () => expect.fail("a release from the emptied old escrow was broadcast"),
        (err: CosmosBridgeError) => expect(err.code).to.equal("COSMOS_INSUFFICIENT_ESCROW"),
      );
      for (const [i, n] of [1, 2, 3].entries()) expect(await fams.w[n]!.signer!.stale!(t3, oldSigs[i]!.signature), `validator ${n}'s old signature`).to.equal(true);
      const newSigs = await sigsOf(fams.w, t3, [1, 2, 4]);
      for (const [i, n] of [1, 2, 4].entries()) expect(await fams.w[n]!.signer!.stale!(t3, newSigs[i]!.signature), `validator ${n}'s new signature`).to.equal(false);
      expect(await fams.w[1]!.signer!.stale!(t3, "zz")).to.equal(true);
      const r3 = await fams.r[0]!.submitter.submit(t3, [...oldSigs, ...newSigs]);
      expect([...r3.signers].sort()).to.deep.equal([1, 2, 4].map(cosmosValidatorKey).sort());
      await included(async () => (await fams.r[0]!.submitter.status(t3)) === "done");
      expect(await fams.r[0]!.rpc.searchTx(`transfer.sender='${neu.address}' AND transfer.recipient='${t3.recipient}'`)).to.have.length(1);
      released += 3_000n;
      await conserved();
      const to = recipient();
      const t2 = transfer({ seq: nextSeq(), recipient: to, amount: 2_000n, expiresAt: (await nowS()) + 300n });
      const r2 = await fams.r[1]!.submitter.submit(t2, await sigsOf(fams.w, t2, [0, 1, 4, 2]));
      expect([...r2.signers].sort()).to.deep.equal([1, 2, 4].map(cosmosValidatorKey).sort());
      await included(async () => (await fams.r[0]!.submitter.status(t2)) === "done");
      expect(await fams.r[0]!.rpc.searchTx(`transfer.sender='${neu.address}' AND transfer.recipient='${to}'`)).to.have.length(1);
      released += 2_000n;
      await conserved();

      // A deposit sent to the OLD address after the change is still read, once (the handover itself is no deposit).
      const user = cosmosSecret(`user-${Math.random()}`);
      await target.fund(target.address(user), [
        { denom: target.denom, amount: "10000" },
        { denom: target.fee.denom, amount: "100000" },
      ]);
      const nxs = encodeAddress(sha256(utf8("nexus-after-rotation")));
      const dep = await target.send(user, old.address, [{ denom: target.denom, amount: "2500" }], nxs);
      expect(dep.code).to.equal(0);
      deposited += 2500n;
      const src = fams.w[1]!.source;
      await included(async () => (await src.finalHeight()) >= BigInt(dep.height));
      const final = await src.finalHeight();
      const seen = await src.transfers(0n, final);
      expect(seen.map((x) => [x.recipient, x.amount, x.sourceTx])).to.deep.equal([[nxs, 2500n, dep.hash]]);
      const mid = BigInt(dep.height) - 1n;
      expect([...(await src.transfers(0n, mid)), ...(await src.transfers(mid, final))]).to.deep.equal(seen); // any split: once
      expect(await fams.w[4]!.source.transfers(0n, final)).to.deep.equal(seen); // validator 4 knew the old escrow too (its data directory)
      await conserved();
      // ... and handed over in its turn (the old account's sequence moved on: a new handover).
      await pass([1, 2, 3]);
      await target.blocks(2);
      await pass([], [0]);
      await included(async () => (await target.balance(old.address, target.denom)) === 0n);
      const all = await handovers(fams.r[0]!, old.address, neu.address);
      expect(all.map((x) => x.sequence)).to.deep.equal([h1.sequence, h1.sequence + 1n]);
      expect(all[1]!.coins.find((c) => c.denom === target.denom)?.amount).to.equal("2500");
      await conserved();

      // Each data directory lists both escrows.
      const saved = JSON.parse(readFileSync(join(dirs[4]!, "escrows.json"), "utf8")) as { address: string }[];
      expect(saved.map((x) => x.address)).to.deep.equal([old.address, neu.address]);
    } finally {
      await closeAll(fams);
    }
  });

  it("a validator whose own account cannot pay the post's fee gets COSMOS_MEMBER_UNFUNDED; escrowAddress stops following a changed key set (COSMOS_ESCROW_MISMATCH); a corrupt escrows.json is refused at start", async () => {
    // An old escrow of validators 5-8 holding funds, member 5's account empty.
    const old = testEscrow([5, 6, 7, 8], target.prefix);
    await target.fund(old.address, [
      { denom: target.denom, amount: "10" },
      { denom: target.fee.denom, amount: "100000" },
    ]);
    const f = await familyOn(target, { validators: NEW, signer: 5, logger: logs.logger, options: { previousEscrows: [{ publicKeys: [5, 6, 7, 8].map(cosmosValidatorKey) }] } });
    try {
      const e = await f.upkeep.run(nexus.upkeep("watcher")).then(
        () => undefined,
        (x: unknown) => x as CosmosBridgeError,
      );
      expect(e?.code).to.equal("COSMOS_HANDOVER_FAILED");
      expect(e?.message).to.include(`holds 0${target.fee.denom}, posting its handover signature needs`);
      expect(logs.lines.some((l) => l.code === "COSMOS_MEMBER_UNFUNDED")).to.equal(true);
    } finally {
      await f.close();
    }
    // escrowAddress pins the address: a running process does not follow a key-set change silently.
    const pinnedByAddress = await familyOn(target, { validators: [], signer: 1, logger: logs.logger, follow: { query: nexus.query }, options: { escrowAddress: testEscrow(NEW, target.prefix).address } });
    try {
      nexus.keyValidators([1, 2, 3]);
      const e = await pinnedByAddress.upkeep.run(nexus.upkeep("watcher")).then(
        () => undefined,
        (x: unknown) => x as CosmosBridgeError,
      );
      expect(e?.code).to.equal("COSMOS_ESCROW_MISMATCH");
      expect(pinnedByAddress.escrows.current.address).to.equal(testEscrow(NEW, target.prefix).address);
    } finally {
      nexus.keyValidators(NEW);
      await pinnedByAddress.close();
    }
    const dir = mkdtempSync(join(tmpdir(), "cosmos-escrows-bad-"));
    try {
      writeFileSync(join(dir, "escrows.json"), "{not json");
      const e = await familyOn(target, { validators: [], logger: logs.logger, follow: { query: nexus.query, dataDir: dir } }).then(
        () => undefined,
        (x: unknown) => x as CosmosBridgeError,
      );
      expect(e?.code).to.equal("COSMOS_HANDOVER_FAILED");
      expect(e?.message).to.match(/escrows\.json: .*fix or remove the file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
