import { expect } from "chai";
import { CHAIN_ID, Cluster, validatorKey } from "./cluster.ts";
import { signedSend } from "../helpers/txs.ts";
import { testSigner } from "../helpers/node-harness.ts";
import { signTx } from "../../runtime/tx/sign.ts";
import { Band } from "../../runtime/tx/bands.ts";
import { sha256, toHex, utf8 } from "../../runtime/crypto/hash.ts";
import { duplicateVoteEvidence, ed25519Signer, encodeEvidence, signVote } from "../../runtime/consensus/index.ts";
import { VerifiedSignaturesToken } from "../../runtime/consensus/chain-contract.ts";
import type { VerifiedSignatures } from "../../runtime/crypto/verified-signatures.ts";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe("BFT nodes in one process (MemoryHub)", function () {
  this.timeout(60_000);
  let c: Cluster;
  afterEach(async () => c && (await c.close()));

  it("4 validators finalise blocks with the same hash and state root at every height", async () => {
    c = new Cluster(4);
    for (let i = 0; i < 4; i++) await c.start(i);
    await c.waitHeight(8);
    expect(c.assertAgreement()).to.be.at.least(8);
    expect(c.node(0).blockStore.commit(3)).to.not.equal(undefined);
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
    expect(c.node(0).blockStore.validatorSet(c.node(0).height + 1)).to.not.equal(undefined);
    const set = c.engine(0);
    expect(set).to.not.equal(undefined);
    // Two blocks after the slash the set no longer holds it: later certificates never carry it.
    const { decodeValidatorSet } = await import("../../runtime/consensus/engine/valset.ts");
    const later = decodeValidatorSet(c.node(0).blockStore.validatorSet(c.node(0).height)!);
    expect(later.get(v3)).to.equal(undefined);
    expect(later.size).to.equal(3);
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

  it("forged reports fail on chain: a commit certificate with bad signatures, evidence that does not verify", async () => {
    c = new Cluster(4);
    for (let i = 0; i < 4; i++) await c.start(i);
    await c.waitHeight(3);
    const s = testSigner(1);
    const h = c.node(0).height;
    const bogusSig = "00".repeat(64);
    const forged = signTx(
      {
        chainId: CHAIN_ID,
        sender: s.address,
        nonce: 0n,
        band: Band.NANO,
        feeLimit: 10_000_000n,
        tip: 0n,
        timeoutHeight: 0,
        memo: "",
        msgs: [
          {
            typeUrl: "/consensus.v1.MsgReportCommit",
            value: { reporter: s.address, height: h, round: 0, blockHash: c.node(0).getBlock(h)!.hash, signatures: [0, 1, 2].map((i) => ({ validator: validatorKey(i).address, signature: bogusSig })).sort((a, b) => (a.validator < b.validator ? -1 : 1)) },
          },
        ],
      },
      [s],
    );
    // Evidence "signed" by validator 0's address with a key that is not its consensus key.
    const impostor = ed25519Signer(validatorKey(0).address, sha256(utf8("impostor")));
    const vote = (hash: Uint8Array | null) => signVote(CHAIN_ID, impostor, { type: "prevote", height: h, round: 0, blockHash: hash, validator: impostor.address });
    const ev = encodeEvidence(duplicateVoteEvidence(vote(null), vote(sha256(utf8("x")))));
    const forgedEv = signTx(
      { chainId: CHAIN_ID, sender: s.address, nonce: 1n, band: Band.NANO, feeLimit: 10_000_000n, tip: 0n, timeoutHeight: 0, memo: "", msgs: [{ typeUrl: "/consensus.v1.MsgSubmitEvidence", value: { reporter: s.address, evidence: toHex(ev) } }] },
      [s],
    );
    await c.node(1).submitTx(forged.bytes);
    await c.node(1).submitTx(forgedEv.bytes);
    const receipt = async (hash: Uint8Array): Promise<{ code: number; log: string }> => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const r = c.node(1).getTx(toHex(hash));
        if (r.status === "committed") return r.receipt;
        if (Date.now() > deadline) throw new Error("forged report not committed");
        await sleep(20);
      }
    };
    const r1 = await receipt(forged.hash);
    expect(r1.code).to.not.equal(0);
    expect(r1.log).to.match(/signature|already reported|commit of height/);
    const r2 = await receipt(forgedEv.hash);
    expect(r2.code).to.not.equal(0);
    expect(r2.log).to.match(/bad signature/);
    const v0 = c.node(0).query("staking/validator", { operator: validatorKey(0).address }) as { tombstoned: boolean };
    expect(v0.tombstoned).to.equal(false);
    c.assertAgreement();
  });
});
