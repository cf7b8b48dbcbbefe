import { expect } from "chai";
import { CHAIN_ID, Cluster, validatorKey } from "./cluster.ts";
import { signedSend } from "../helpers/txs.ts";
import { testSigner } from "../helpers/node-harness.ts";
import { signTx } from "../../runtime/tx/sign.ts";
import { Band } from "../../runtime/tx/bands.ts";
import { fromHex, sha256, toHex, utf8 } from "../../runtime/crypto/hash.ts";
import { decodeCommit, duplicateVoteEvidence, ed25519Signer, encodeEvidence, signVote, verifyCommit } from "../../runtime/consensus/index.ts";
import { decodeValidatorSet } from "../../runtime/consensus/engine/valset.ts";
import type { NexusNode } from "../../runtime/node/node.ts";
import { VerifiedSignaturesToken } from "../../runtime/consensus/chain-contract.ts";
import type { VerifiedSignatures } from "../../runtime/crypto/verified-signatures.ts";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The certificate stored with block `h` verifies against the validator set stored for `h`; returns its signers. */
function expectStoredCommitVerifies(node: NexusNode, h: number): string[] {
  const certBytes = node.blockStore.commit(h);
  const setBytes = node.blockStore.validatorSet(h);
  expect(certBytes, `certificate of height ${h}`).to.be.instanceOf(Uint8Array);
  expect(setBytes, `validator set of height ${h}`).to.be.instanceOf(Uint8Array);
  const cert = decodeCommit(certBytes!);
  const block = node.getBlock(h)!;
  expect(verifyCommit(CHAIN_ID, decodeValidatorSet(setBytes!), h, fromHex(block.hash), cert), `commit of height ${h}`).to.deep.equal({ ok: true });
  return cert.signatures.map((x) => x.validator);
}

describe("BFT nodes in one process (MemoryHub)", function () {
  this.timeout(60_000);
  let c: Cluster;
  afterEach(async () => c && (await c.close()));

  it("4 validators finalise blocks with the same hash and state root at every height, each stored with a certificate that verifies", async () => {
    c = new Cluster(4);
    for (let i = 0; i < 4; i++) await c.start(i);
    await c.waitHeight(8);
    expect(c.assertAgreement()).to.be.at.least(8);
    for (const i of [0, 3]) for (let h = 1; h <= 8; h++) expect(expectStoredCommitVerifies(c.node(i), h).length, `signers at ${h}`).to.be.at.least(3);
    // Every validator proposed (proposer rotation with equal power).
    const proposers = new Set(Array.from({ length: 8 }, (_, h) => c.node(1).getBlock(h + 1)!.header.proposer));
    expect(proposers.size).to.equal(4);
    // Each committed certificate's precommits are remembered, for the next block's report.
    const verified = c.node(2).app.modules.container.get<VerifiedSignatures>(VerifiedSignaturesToken);
    expect(verified.size).to.be.at.least(3 * 7);
  });

  it("a transaction submitted to one validator is gossiped, committed and seen by all", async () => {
    c = new Cluster(4);
    for (let i = 0; i < 4; i++) await c.start(i);
    await c.waitHeight(2);
    const to = testSigner(7).address;
    const tx = signedSend(testSigner(0), to, 12345n, 0n, { chainId: CHAIN_ID });
    await c.node(2).submitTx(tx.bytes);
    const deadline = Date.now() + 10_000;
    while (c.running().some((i) => c.node(i).getBalance(to, "nxt").amount !== "12345")) {
      if (Date.now() > deadline) throw new Error("transfer not committed everywhere");
      await sleep(20);
    }
    c.assertAgreement();
  });

  it("one validator stopped: the rest go on; restarted, it catches up", async () => {
    c = new Cluster(4);
    for (let i = 0; i < 4; i++) await c.start(i);
    await c.waitHeight(3);
    await c.stop(3);
    const h = Math.max(...c.running().map((i) => c.node(i).height));
    await c.waitHeight(h + 5, [0, 1, 2]);
    await c.start(3);
    const top = Math.max(...c.running().map((i) => c.node(i).height));
    await c.waitHeight(top + 2);
    expect(c.assertAgreement()).to.be.at.least(top + 2);
  });

  it("all four stopped after deciding a block none has committed: restarted, they commit it and go on", async () => {
    c = new Cluster(4);
    for (let i = 0; i < 4; i++) await c.start(i);
    await c.waitHeight(3);
    // Swallow the next decision on every validator, as a crash between deciding and
    // committing would: the block's bytes then live only in memory, unless saved.
    const decided = new Set<number>();
    for (let i = 0; i < 4; i++) {
      const follower = (c.engine(i) as unknown as { follower: { commit: (...a: unknown[]) => void } }).follower;
      follower.commit = (): void => void decided.add(i);
    }
    for (let t = 0; decided.size < 4 && t < 200; t++) await sleep(25);
    expect(decided.size, "validators that decided").to.equal(4);
    const h = c.node(0).height;
    for (let i = 0; i < 4; i++) await c.stop(i);
    for (let i = 0; i < 4; i++) await c.start(i);
    await c.waitHeight(h + 2);
    expect(c.assertAgreement()).to.be.at.least(h + 2);
    // The block decided before the crash was committed after it with a certificate that verifies.
    for (let i = 0; i < 4; i++) for (let x = h; x <= h + 2; x++) expectStoredCommitVerifies(c.node(i), x);
  });

  it("two of four down: nothing commits; the chain resumes when one returns", async () => {
    c = new Cluster(4);
    for (let i = 0; i < 4; i++) await c.start(i);
    await c.waitHeight(3);
    await c.stop(2);
    await c.stop(3);
    await sleep(300); // a block already precommitted may still land
    const h = Math.max(c.node(0).height, c.node(1).height);
    await sleep(2000);
    expect(Math.max(c.node(0).height, c.node(1).height)).to.equal(h);
    await c.start(2);
    await c.waitHeight(h + 3, [0, 1, 2]);
    expect(c.assertAgreement()).to.be.at.least(h + 3);
  });

  it("a fifth node joining later syncs from height 1 and follows", async () => {
    c = new Cluster(4);
    for (let i = 0; i < 4; i++) await c.start(i);
    await c.waitHeight(10);
    const late = await c.start(4);
    expect(late.height).to.be.at.least(10); // synced before joining consensus
    const top = Math.max(...[0, 1, 2, 3].map((i) => c.node(i).height));
    await c.waitHeight(top + 2);
    expect(c.assertAgreement()).to.be.at.least(top + 2);
    expect(c.engine(4).followerSyncedBlocks).to.be.at.least(10);
  });

  it("proposers report the last commit: staking records a stopped validator's missed blocks", async () => {
    c = new Cluster(4);
    for (let i = 0; i < 4; i++) await c.start(i);
    await c.waitHeight(3);
    await c.stop(3);
    const h = c.node(0).height;
    await c.waitHeight(h + 5, [0, 1, 2]);
    const info = (i: number): { missedCounter: number } => c.node(0).query("staking/signingInfo", { operator: validatorKey(i).address }) as { missedCounter: number };
    expect(info(3).missedCounter).to.be.at.least(3);
    expect(info(0).missedCounter).to.be.at.most(1);
    const events = c.node(0).blockReceipts(h + 3).flatMap((r) => r.events.map((e) => e.type));
    expect(events).to.include("consensus.commit_reported");
  });

  it("an equivocating validator is caught: evidence in a block, slashed, tombstoned and dropped from the set", async () => {
    c = new Cluster(4);
    c.equivocators.add(3);
    for (let i = 0; i < 4; i++) await c.start(i);
    const v3 = validatorKey(3).address;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const v = c.node(0).query("staking/validator", { operator: v3 }) as { tombstoned: boolean; jailed: boolean };
      if (v.tombstoned) {
        expect(v.jailed).to.equal(true);
        break;
      }
      if (Date.now() > deadline) throw new Error("equivocator was not tombstoned");
      await sleep(50);
    }
    const h = c.node(0).height;
    await c.waitHeight(h + 4, [0, 1, 2]);
    // Two blocks after the slash the set no longer holds it: later certificates never carry it.
    const top = c.node(0).height;
    const later = decodeValidatorSet(c.node(0).blockStore.validatorSet(top)!);
    expect(later.get(v3)).to.equal(undefined);
    expect(later.size).to.equal(3);
    for (let x = top - 1; x <= top; x++) expect(expectStoredCommitVerifies(c.node(0), x)).to.not.include(v3);
    // And the set of the next height, already stored, is the same three.
    expect(decodeValidatorSet(c.node(0).blockStore.validatorSet(top + 1)!).validators.map((v) => v.address).sort()).to.deep.equal(later.validators.map((v) => v.address).sort());
    // The sets the engine derived from the blocks' validator updates are staking's sets of every height.
    for (let height = 1; height <= c.node(0).height + 1; height++) {
      const fromEngine = decodeValidatorSet(c.node(0).blockStore.validatorSet(height)!);
      const staking = c.node(0).query("staking/activeSet", { height }) as { validators: { operator: string; power: string; band: number; consensusPubKey: string }[] };
      const members = staking.validators.map((m) => `${m.operator}/${m.power}/${m.band}/${m.consensusPubKey}`).sort();
      expect(fromEngine.validators.map((v) => `${v.address}/${v.power}/${v.band}/${toHex(v.publicKey)}`).sort(), `set of height ${height}`).to.deep.equal(members);
    }
    c.assertAgreement([0, 1, 2]);
  });

  it("partition {A,B}|{C,D}: nothing commits on either side; healed, the chain resumes and all agree", async () => {
    c = new Cluster(4);
    for (let i = 0; i < 4; i++) await c.start(i);
    await c.waitHeight(3);
    c.hub.partition([["n0", "n1"], ["n2", "n3"]]);
    await sleep(300);
    const h = Math.max(...[0, 1, 2, 3].map((i) => c.node(i).height));
    await sleep(2000);
    expect(Math.max(...[0, 1, 2, 3].map((i) => c.node(i).height))).to.equal(h);
    c.hub.partition(undefined);
    await c.waitHeight(h + 3);
    expect(c.assertAgreement()).to.be.at.least(h + 3);
  });

  it("partition {A,B,C}|{D}: the majority goes on; healed, D catches up", async () => {
    c = new Cluster(4);
    for (let i = 0; i < 4; i++) await c.start(i);
    await c.waitHeight(3);
    c.hub.partition([["n0", "n1", "n2"], ["n3"]]);
    const h = c.node(3).height;
    await c.waitHeight(h + 5, [0, 1, 2]);
    expect(c.node(3).height).to.be.at.most(h + 1);
    c.hub.partition(undefined);
    const top = Math.max(...[0, 1, 2].map((i) => c.node(i).height));
    await c.waitHeight(top + 2);
    expect(c.assertAgreement()).to.be.at.least(top + 2);
  });

  it("forged reports fail on chain: a commit certificate with bad signatures gets COMMIT_BAD_SIGNATURE, evidence signed by an impostor key gets CONSENSUS_BAD_EVIDENCE for its bad signature", async () => {
    c = new Cluster(4);
    for (let i = 0; i < 4; i++) await c.start(i);
    await c.waitHeight(3);
    const s = testSigner(1);
    const bogusSig = "00".repeat(64);
    const nonceOf = (): bigint => BigInt(c.node(1).getAccount(s.address).nonce);
    /** Wait for a receipt; undefined once blocks past `timeoutHeight` are committed without it (expired). */
    const receipt = async (hash: Uint8Array, timeoutHeight = Infinity): Promise<{ code: number; codeName: string; log: string; height: number } | undefined> => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const past = c.node(1).height > timeoutHeight;
        const r = c.node(1).getTx(toHex(hash));
        if (r.status === "committed") return r.receipt;
        if (past) return undefined;
        if (Date.now() > deadline) throw new Error("forged report neither committed nor expired");
        await sleep(20);
      }
    };
    // A report of height H is judged on its signatures only in block H + 1, before the
    // proposer's own report of H (which follows the block's other transactions). A validator
    // builds its next proposal as soon as it commits, so a transaction sent at height h lands
    // in h + 2 at the earliest: report h + 1, expire after h + 2, try again if it missed.
    let r1: Awaited<ReturnType<typeof receipt>>;
    for (let attempt = 0; ; attempt++) {
      if (attempt >= 10) throw new Error("the forged report never landed in the block after the one it reports");
      const h = c.node(1).height;
      const forged = signTx(
        {
          chainId: CHAIN_ID,
          sender: s.address,
          nonce: nonceOf(),
          band: Band.NANO,
          feeLimit: 10_000_000n,
          tip: 0n,
          timeoutHeight: h + 2,
          memo: "",
          msgs: [
            {
              typeUrl: "/consensus.v1.MsgReportCommit",
              value: { reporter: s.address, height: h + 1, round: 0, blockHash: toHex(sha256(utf8(`forged ${h + 1}`))), signatures: [0, 1, 2].map((i) => ({ validator: validatorKey(i).address, signature: bogusSig })).sort((a, b) => (a.validator < b.validator ? -1 : 1)) },
            },
          ],
        },
        [s],
      );
      // Straight into every validator's mempool, so whoever proposes h + 1 has it.
      const admitted = await Promise.all(
        c.running().map((i) =>
          c.node(i).submitTx(forged.bytes).then(
            () => true,
            (e: { code?: string }) => {
              if (e.code === "TX_EXPIRED" || e.code === "TX_NONCE_REPLAYED" || e.code === "MEMPOOL_DUPLICATE") return false; // the chain moved on, or gossip was first
              throw e;
            },
          ),
        ),
      );
      if (!admitted.some(Boolean)) continue;
      r1 = await receipt(forged.hash, h + 2);
      if (r1 === undefined) continue;
      if (r1.codeName === "CONSENSUS_WRONG_HEIGHT" && r1.height === h + 1) continue; // landed a block early: the nonce is used, try again
      break;
    }
    expect(r1!.codeName, r1!.log).to.equal("COMMIT_BAD_SIGNATURE");
    expect(r1!.code).to.not.equal(0);

    // Evidence "signed" by validator 0's address with a key that is not its consensus key.
    const h = c.node(1).height;
    const impostor = ed25519Signer(validatorKey(0).address, sha256(utf8("impostor")));
    const vote = (hash: Uint8Array | null) => signVote(CHAIN_ID, impostor, { type: "prevote", height: h, round: 0, blockHash: hash, validator: impostor.address });
    const ev = encodeEvidence(duplicateVoteEvidence(vote(null), vote(sha256(utf8("x")))));
    const forgedEv = signTx(
      { chainId: CHAIN_ID, sender: s.address, nonce: nonceOf(), band: Band.NANO, feeLimit: 10_000_000n, tip: 0n, timeoutHeight: 0, memo: "", msgs: [{ typeUrl: "/consensus.v1.MsgSubmitEvidence", value: { reporter: s.address, evidence: toHex(ev) } }] },
      [s],
    );
    await c.node(1).submitTx(forgedEv.bytes);
    const r2 = await receipt(forgedEv.hash);
    expect(r2, "evidence transaction committed").to.not.equal(undefined);
    expect(r2!.codeName, r2!.log).to.equal("CONSENSUS_BAD_EVIDENCE");
    expect(r2!.log).to.equal(`bad signature by ${validatorKey(0).address}`);
    const v0 = c.node(0).query("staking/validator", { operator: validatorKey(0).address }) as { tombstoned: boolean; jailed: boolean };
    expect(v0).to.include({ tombstoned: false, jailed: false });
    c.assertAgreement();
  });
});
