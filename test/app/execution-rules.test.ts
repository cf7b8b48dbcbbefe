import { expect } from "chai";
import type { BlockInfo } from "../../runtime/modules/types.ts";
import { openTestNode, removeDir, testGenesis, testSigner, TEST_CHAIN_ID, type TestNode } from "../helpers/node-harness.ts";
import { signedSend } from "../helpers/txs.ts";
import { balanceOf as balanceAt, executeAsPeer, nextInfo as blockInfo, nonceOf as nonceAt } from "./block-exec.ts";
import { toHex } from "../../runtime/crypto/hash.ts";
import { Band } from "../../runtime/tx/bands.ts";
import { requiredFee } from "../../runtime/app/ante.ts";
import type { DecodedTx } from "../../runtime/tx/envelope.ts";
import type { Execution, PendingView } from "../../runtime/app/application.ts";
import type { GenesisDoc } from "../../runtime/app/application.ts";
import { ContainerModule, injectable } from "inversify";
import { NexusError } from "../../runtime/errors.ts";
import type { ChainModule, Ctx, ModuleInstance, MsgCtx, TxOutcome } from "../../runtime/modules/types.ts";
import { createBankModule } from "../../modules/bank/index.ts";

/** An afterTx listener that fails a transaction sending 13 (plain Error), 14 (a non-module NexusError) or 15 (local data damage). */
@injectable()
class ProbeModule implements ModuleInstance {
  static eventsSeen: number[] = [];
  static breakInvariant = false;
  readonly invariants = { "probe-holds": () => (ProbeModule.breakInvariant ? "broken on purpose" : null) };
  beginBlock(ctx: Ctx): void {
    ctx.emit("probe.begin", {});
  }
  afterTx(ctx: MsgCtx, tx: TxOutcome): void {
    ctx.emit("probe.seen", {});
    ProbeModule.eventsSeen.push(tx.events.length);
    const amount = tx.events.find((e) => e.attributes.amount !== undefined)?.attributes.amount;
    if (amount === "13nxt") throw new Error("boom at 13");
    if (amount === "14nxt") throw new NexusError("probe", "PROBE_REFUSED", "14 is refused");
    if (amount === "15nxt") throw new NexusError("state", "STATE_CORRUPT", "store damaged");
  }
}
const probeModule: ChainModule = {
  name: "probe",
  version: 1,
  bindings: new ContainerModule(({ bind }) => void bind(Symbol.for("probe.Module")).to(ProbeModule).inSingletonScope()),
  instance: Symbol.for("probe.Module"),
};

/*
 * What block execution (deliverTx) enforces on its own, whatever a proposer put in its block,
 * what processProposal refuses, the block limits prepareProposal keeps to, and the fee
 * reservation checkTx makes for a sender's queued transactions.
 */
describe("block execution rules (deliverTx, processProposal, prepareProposal, checkTx fee reservation)", () => {
  let t: TestNode;
  const alice = testSigner(0);
  const bob = testSigner(1);
  const carol = testSigner(10); // not funded at genesis

  async function open(genesis?: GenesisDoc): Promise<void> {
    t = await openTestNode(genesis ? { genesis } : {});
  }
  afterEach(async () => {
    if (!t) return;
    await t.close();
    removeDir(t.dir);
  });

  const nextInfo = (): BlockInfo => blockInfo(t);
  const execute = (txs: readonly DecodedTx[]): Promise<Execution> => executeAsPeer(t, txs);
  const nonceOf = (addr: string): bigint => nonceAt(t, addr);
  const balanceOf = (addr: string): bigint => balanceAt(t, addr);
  const feeOf = (d: DecodedTx): bigint => requiredFee(d, t.node.app.params());

  describe("deliverTx", () => {
    beforeEach(() => open());

    it("a transaction whose signatures this node never verified gets TX_BAD_SIGNATURE, no fee, and moves nothing", async () => {
      const tx = signedSend(alice, bob.address, 5n, 0n);
      const ex = t.node.app.executeBlock(nextInfo(), [tx]); // no verifyUnchecked
      const r = ex.receipts[0]!;
      expect(r.codeName).to.equal("TX_BAD_SIGNATURE");
      expect(r.code).to.not.equal(0);
      expect(r.log).to.equal("transaction signatures were not verified by this node");
      expect(r.fee).to.equal("0");
      expect(r.events).to.deep.equal([]);
      const before = balanceOf(alice.address);
      t.node.app.commit(ex);
      expect(balanceOf(alice.address)).to.equal(before);
      expect(nonceOf(alice.address)).to.equal(0n);
    });

    it("a transaction past its timeout height gets TX_EXPIRED at execution, with no fee", async () => {
      await t.node.produceBlock();
      await t.node.produceBlock(); // chain at height 2; the block executes at height 3
      const tx = signedSend(alice, bob.address, 5n, 0n, { timeoutHeight: 2 });
      const ok = signedSend(alice, bob.address, 5n, 0n, { timeoutHeight: 3 }); // exactly at its timeout: still valid
      const ex = await execute([tx]);
      expect(ex.receipts[0]!.codeName).to.equal("TX_EXPIRED");
      expect(ex.receipts[0]!.log).to.equal("transaction timed out at height 2; the chain is at 3");
      expect(ex.receipts[0]!.fee).to.equal("0");
      const ex2 = await execute([ok]);
      expect(ex2.receipts[0]!.codeName, ex2.receipts[0]!.log).to.equal("OK");
    });

    it("a transaction in a band its sender may not use gets TX_BAND_FORBIDDEN at execution, with no fee", async () => {
      const tx = signedSend(alice, bob.address, 5n, 0n, { band: Band.PICO, feeLimit: 10n ** 9n });
      const ex = await execute([tx]);
      expect(ex.receipts[0]!.codeName).to.equal("TX_BAND_FORBIDDEN");
      expect(ex.receipts[0]!.log).to.match(/registered attestor/);
      expect(ex.receipts[0]!.fee).to.equal("0");
      t.node.app.commit(ex);
      expect(nonceOf(alice.address)).to.equal(0n);
    });

    it("a sender that cannot pay the fee gets TX_INSUFFICIENT_FEE_BALANCE; one holding exactly the fee pays it", async () => {
      const poor = signedSend(carol, bob.address, 1n, 0n);
      const fee = feeOf(poor);
      const ex = await execute([poor]);
      const r = ex.receipts[0]!;
      expect(r.codeName).to.equal("TX_INSUFFICIENT_FEE_BALANCE");
      expect(r.log).to.equal(`cannot pay fee ${fee}nxt: ${carol.address} has 0`);
      expect(r.fee).to.equal("0");

      // Fund carol with exactly the fee: the fee is paid, the 1 nxt send then fails for lack of funds.
      const fund = signedSend(alice, carol.address, fee, 0n);
      const ex2 = await execute([fund, poor]);
      expect(ex2.receipts[0]!.codeName).to.equal("OK");
      const r2 = ex2.receipts[1]!;
      expect(r2.codeName).to.not.equal("TX_INSUFFICIENT_FEE_BALANCE");
      expect(r2.code).to.not.equal(0);
      expect(r2.fee).to.equal(fee.toString());
      const bobBefore = balanceOf(bob.address);
      t.node.app.commit(ex2);
      expect(balanceOf(carol.address)).to.equal(0n);
      expect(balanceOf(bob.address)).to.equal(bobBefore);
      expect(nonceOf(carol.address)).to.equal(1n);
    });

    it("a successful transaction advances the sender's nonce, emits tx.fee, and its replay in a later block is TX_NONCE_REPLAYED", async () => {
      const tx = signedSend(alice, bob.address, 5n, 0n);
      const fee = feeOf(tx);
      const aliceBefore = balanceOf(alice.address);
      const ex = await execute([tx]);
      const r = ex.receipts[0]!;
      expect(r.codeName).to.equal("OK");
      expect(r.code).to.equal(0);
      expect(r.log).to.equal("");
      expect(r.fee).to.equal(fee.toString());
      expect(r.events[0]).to.deep.equal({ type: "tx.fee", attributes: { payer: alice.address, fee: fee.toString() } });
      t.node.app.commit(ex);
      expect(nonceOf(alice.address)).to.equal(1n);
      expect(balanceOf(alice.address)).to.equal(aliceBefore - 5n - fee);

      const again = await execute([tx]);
      expect(again.receipts[0]!.codeName).to.equal("TX_NONCE_REPLAYED");
      expect(again.receipts[0]!.log).to.equal("nonce 0, expected 1");
      expect(again.receipts[0]!.fee).to.equal("0");
    });

    it("a failing message: the receipt names the module's error, the fee is still charged, and the message's writes are undone", async () => {
      const all = balanceOf(alice.address);
      const tx = signedSend(alice, bob.address, all + 1n, 0n);
      const fee = feeOf(tx);
      const bobBefore = balanceOf(bob.address);
      const ex = await execute([tx]);
      const r = ex.receipts[0]!;
      expect(r.code).to.not.equal(0);
      expect(r.codeName).to.equal("BANK_INSUFFICIENT_FUNDS");
      // The fee is taken before the message runs, so the message sees the balance net of it.
      expect(r.log).to.equal(`${alice.address} has ${all - fee}nxt, needs ${all + 1n}nxt`);
      expect(r.fee).to.equal(fee.toString());
      expect(r.events).to.deep.equal([{ type: "tx.fee", attributes: { payer: alice.address, fee: fee.toString() } }]);
      t.node.app.commit(ex);
      expect(balanceOf(alice.address)).to.equal(all - fee);
      expect(balanceOf(bob.address)).to.equal(bobBefore);
      expect(nonceOf(alice.address)).to.equal(1n);
    });
  });

  describe("processProposal refusals", () => {
    beforeEach(() => open());

    async function honestHeader(txs: DecodedTx[]) {
      const ex = await execute(txs);
      return { ...nextInfo(), prevHash: new Uint8Array(32), txRoot: ex.txRoot, stateRoot: ex.stateRoot, resultsRoot: ex.resultsRoot };
    }

    it("accepts a block whose roots match its re-execution", async () => {
      const tx = signedSend(alice, bob.address, 5n, 0n);
      const h = await honestHeader([tx]);
      const r = await t.node.app.processProposal(h, [tx.bytes]);
      expect(r.accept).to.equal(true);
    });

    it("refuses another chain's block", async () => {
      const h = await honestHeader([]);
      const r = await t.node.app.processProposal({ ...h, chainId: "other-chain" }, []);
      expect(r).to.deep.equal({ accept: false, reason: "block for chain other-chain" });
    });

    it("refuses a block at the wrong height", async () => {
      const h = await honestHeader([]);
      expect(await t.node.app.processProposal({ ...h, height: 2 }, [])).to.deep.equal({ accept: false, reason: "block height 2, expected 1" });
      expect(await t.node.app.processProposal({ ...h, height: 0 }, [])).to.deep.equal({ accept: false, reason: "block height 0, expected 1" });
    });

    it("refuses a block carrying undecodable bytes", async () => {
      const h = await honestHeader([]);
      const r = await t.node.app.processProposal(h, [new Uint8Array([1, 2, 3])]);
      expect(r.accept).to.equal(false);
      if (r.accept) return;
      expect(r.reason).to.match(/^undecodable transaction: .+/);
    });

    it("refuses a block whose txRoot, stateRoot or resultsRoot differs from its re-execution, naming the root", async () => {
      const tx = signedSend(alice, bob.address, 5n, 0n);
      const h = await honestHeader([tx]);
      const bad = new Uint8Array(32).fill(7);
      for (const name of ["txRoot", "stateRoot", "resultsRoot"] as const) {
        const r = await t.node.app.processProposal({ ...h, [name]: bad }, [tx.bytes]);
        expect(r).to.deep.equal({ accept: false, reason: `${name} mismatch: executed ${toHex(h[name])}, header says ${toHex(bad)}` });
      }
    });
  });

  describe("prepareProposal block limits", () => {
    const txs = [0, 1, 2, 3, 4, 5].map((i) => signedSend(alice, bob.address, 1n, BigInt(i), { memo: "m".repeat(100) }));
    const size = (n: number): number => txs.slice(0, n).reduce((s, d) => s + d.bytes.length, 0);

    function genesisWith(over: { maxBlockTxs?: number; maxBlockBytes?: number }): GenesisDoc {
      const g = testGenesis();
      return { ...g, runtime: { ...g.runtime, ...over } };
    }

    it("keeps at most maxBlockTxs transactions", async () => {
      await open(genesisWith({ maxBlockTxs: 2 }));
      const p = t.node.app.prepareProposal(nextInfo(), txs.slice(0, 3));
      expect(p.txs.map((d) => d.hashHex)).to.deep.equal(txs.slice(0, 2).map((d) => d.hashHex));
      expect(p.execution.receipts).to.have.length(2);
    });

    it("keeps transactions up to exactly maxBlockBytes and stops at the first that would exceed it", async () => {
      expect(size(4)).to.be.greaterThanOrEqual(1024);
      await open(genesisWith({ maxBlockBytes: size(4) }));
      const p = t.node.app.prepareProposal(nextInfo(), txs);
      expect(p.txs).to.have.length(4);
      await t.close();
      removeDir(t.dir);
      await open(genesisWith({ maxBlockBytes: size(5) - 1 }));
      expect(t.node.app.prepareProposal(nextInfo(), txs).txs).to.have.length(4);
    });
  });

  describe("checkTx fee reservation for queued transactions", () => {
    beforeEach(() => open());
    const pending = (reserved: bigint): PendingView => ({ nextNonce: () => undefined, reservedFees: () => reserved });

    it("admits a transaction when balance covers exactly the reserved fees plus its fee, and refuses one unit less", async () => {
      const tx = signedSend(alice, bob.address, 1n, 0n);
      const fee = feeOf(tx);
      const spendable = balanceOf(alice.address);
      const ok = await t.node.app.checkTx(tx.bytes, pending(spendable - fee), nextInfo());
      expect(ok.fee).to.equal(fee);
      const reserved = spendable - fee + 1n;
      let err: { code?: string; message?: string } | undefined;
      try {
        await t.node.app.checkTx(tx.bytes, pending(reserved), nextInfo());
      } catch (e) {
        err = e as Error & { code?: string };
      }
      expect(err?.code).to.equal("TX_INSUFFICIENT_FEE_BALANCE");
      expect(err?.message).to.equal(`${alice.address} has ${spendable}nxt, needs ${fee} for this fee plus ${reserved} reserved by queued transactions`);
    });

    it("with nothing reserved, the refusal names only the fee", async () => {
      const tx = signedSend(carol, bob.address, 1n, 0n);
      const fee = feeOf(tx);
      let err: { code?: string; message?: string } | undefined;
      try {
        await t.node.app.checkTx(tx.bytes, pending(0n), nextInfo());
      } catch (e) {
        err = e as Error & { code?: string };
      }
      expect(err?.code).to.equal("TX_INSUFFICIENT_FEE_BALANCE");
      expect(err?.message).to.equal(`${carol.address} has 0nxt, needs ${fee} for this fee`);
    });
  });

  describe("a message that fails with an untyped error, a non-module typed error, or local data damage", () => {
    const modules = [createBankModule({ authority: testSigner(9).address }), probeModule];
    beforeEach(async () => {
      ProbeModule.eventsSeen = [];
      t = await openTestNode({ modules, genesis: testGenesis({ modules, funded: 2 }) });
    });

    it("an afterTx listener runs for every transaction and sees only the events emitted before it", async () => {
      const ex = await execute([signedSend(alice, bob.address, 5n, 0n)]);
      expect(ex.receipts[0]!.codeName).to.equal("OK");
      expect(ProbeModule.eventsSeen).to.deep.equal([1]);
      expect(ex.receipts[0]!.events.map((e) => e.type)).to.include("probe.seen");
    });

    it("an untyped error is TX_MSG_FAILED with 'internal error in message handler', fee charged, writes undone", async () => {
      const tx = signedSend(alice, bob.address, 13n, 0n);
      const fee = feeOf(tx);
      const aliceBefore = balanceOf(alice.address);
      const bobBefore = balanceOf(bob.address);
      const ex = await execute([tx]);
      const r = ex.receipts[0]!;
      expect(r.codeName).to.equal("TX_MSG_FAILED");
      expect(r.code).to.not.equal(0);
      expect(r.log).to.equal("internal error in message handler: boom at 13");
      expect(r.fee).to.equal(fee.toString());
      t.node.app.commit(ex);
      expect(balanceOf(alice.address)).to.equal(aliceBefore - fee);
      expect(balanceOf(bob.address)).to.equal(bobBefore);
    });

    it("a typed error that is not a module's names its own code", async () => {
      const ex = await execute([signedSend(alice, bob.address, 14n, 0n)]);
      const r = ex.receipts[0]!;
      expect(r.codeName).to.equal("PROBE_REFUSED");
      expect(r.log).to.equal("14 is refused");
    });

    it("beginBlock hooks run, and a broken invariant fails the block when invariants are checked every block", async () => {
      const ex = await execute([]);
      expect(ex.blockEvents.map((e) => e.type)).to.include("probe.begin");
      ProbeModule.breakInvariant = true;
      try {
        expect(() => t.node.app.executeBlock(nextInfo(), [])).to.throw("invariant broken at height 1: probe/probe-holds: broken on purpose");
      } finally {
        ProbeModule.breakInvariant = false;
      }
    });

    it("with invariant checks off, a broken invariant does not stop a block", async () => {
      await t.close();
      removeDir(t.dir);
      t = await openTestNode({ modules, genesis: testGenesis({ modules, funded: 2 }), config: { checkInvariants: false } });
      ProbeModule.breakInvariant = true;
      try {
        expect(t.node.app.executeBlock(nextInfo(), []).receipts).to.deep.equal([]);
      } finally {
        ProbeModule.breakInvariant = false;
      }
    });

    it("local data damage is not turned into a receipt: block execution throws", async () => {
      const tx = signedSend(alice, bob.address, 15n, 0n);
      await t.node.app.verifyUnchecked([tx]);
      expect(() => t.node.app.executeBlock(nextInfo(), [tx])).to.throw(/store damaged/);
    });
  });

  describe("signatures of another proposer's block (verifyUnchecked) and checkTx nonce refusals", () => {
    /** Answers each verification with the queued verdicts (true when none are queued). */
    let verdicts: boolean[] = [];
    const verifier = { verify: async (checks: readonly unknown[]) => checks.map(() => verdicts.shift() ?? true), close: async () => {} };
    beforeEach(async () => {
      verdicts = [];
      t = await openTestNode({ verifier });
    });

    it("only the transaction whose signature fails is refused, each judged by its own verdict", async () => {
      const good = signedSend(alice, bob.address, 5n, 0n);
      const bad = signedSend(bob, alice.address, 5n, 0n);
      const good2 = signedSend(testSigner(2), alice.address, 5n, 0n);
      verdicts = [true, false, true];
      const ex = await execute([good, bad, good2]);
      expect(ex.receipts.map((r) => r.codeName)).to.deep.equal(["OK", "TX_BAD_SIGNATURE", "OK"]);
    });

    it("checkTx refusals of a stale or gapped nonce carry the next nonce in their context", async () => {
      const pending: PendingView = { nextNonce: () => undefined, reservedFees: () => 0n };
      const first = signedSend(alice, bob.address, 5n, 0n);
      await t.node.submitTx(first.bytes);
      await t.node.produceBlock();
      const codes: unknown[] = [];
      for (const tx of [signedSend(alice, bob.address, 6n, 0n), signedSend(alice, bob.address, 6n, 3n)]) {
        try {
          await t.node.app.checkTx(tx.bytes, pending, nextInfo());
        } catch (e) {
          const err = e as NexusError;
          codes.push([err.code, err.message, err.context]);
        }
      }
      expect(codes).to.deep.equal([
        ["TX_NONCE_REPLAYED", `nonce 0 of ${alice.address} was already used; the next nonce is 1`, { next: "1" }],
        ["TX_NONCE_GAP", `nonce 3 of ${alice.address} leaves a gap; the next nonce is 1`, { next: "1" }],
      ]);
    });
  });
});
