import { expect } from "chai";
import { ContainerModule } from "inversify";
import { Application, type GenesisDoc, type PendingView } from "../../runtime/app/application.ts";
import { InlineVerifier } from "../../runtime/app/sig-verifier.ts";
import { defaultRuntimeParamsJson, parseRuntimeParams, runtimeParamsSchema, type RuntimeParamsJson } from "../../runtime/app/runtime-params.ts";
import { requiredFee } from "../../runtime/app/ante.ts";
import { ModuleManager } from "../../runtime/modules/manager.ts";
import { GENESIS_PREV_HASH, type BlockInfo, type ChainModule, type Ctx, type ModuleInstance, type MsgCtx } from "../../runtime/modules/types.ts";
import { openMemoryAuthenticatedStore } from "../../runtime/state/authenticated-store.ts";
import type { AuthenticatedStore } from "../../runtime/state/types.ts";
import { utf8 } from "../../runtime/crypto/hash.ts";
import { decodeTx, encodeTx, type DecodedTx } from "../../runtime/tx/envelope.ts";
import { signTx } from "../../runtime/tx/sign.ts";
import { createBankModule } from "../../modules/bank/index.ts";
import { defaultBankGenesis } from "../../modules/bank/genesis.ts";
import { GENESIS_TIME, openTestNode, removeDir, testGenesis, testSchemes, testSigner, TEST_CHAIN_ID, type TestNode } from "../helpers/node-harness.ts";
import { sendBody, signedSend } from "../helpers/txs.ts";
import { balanceOf, executeAsPeer, nextInfo } from "./block-exec.ts";

/*
 * What the application itself decides around block execution: the runtime.migration event,
 * the runtime params a block and the next transaction see after a change, initChain's
 * refusals, a multi-signer transaction with one bad signature, and the message of several
 * broken invariants at once.
 */

const SET_PARAMS = "/rules.v1.MsgSetRuntimeParams";
const { $id: _paramsId, ...paramsSchema } = runtimeParamsSchema;

/** Invariants of the "rules" module that are broken right now: invariant name → message. */
const broken: Record<string, string> = {};

/**
 * A test module. "rules" (the default name) has two invariants that fail while `broken` names
 * them, and a message that overwrites the runtime params, standing in for the governance
 * message that would (none does yet). Any name and version, with its migrations.
 */
function testModule(name = "rules", version = 1, migrations: ModuleInstance["migrations"] = {}): ChainModule {
  const instance: ModuleInstance = {
    migrations,
    invariants: {
      first: () => (name === "rules" ? (broken.first ?? null) : null),
      second: () => (name === "rules" ? (broken.second ?? null) : null),
    },
    msgs:
      name === "rules"
        ? [
            {
              typeUrl: SET_PARAMS,
              schema: { $id: "https://nexusos.dev/schemas/rules.v1.MsgSetRuntimeParams.json", type: "object", properties: { authority: { type: "string" }, params: paramsSchema }, required: ["authority", "params"], additionalProperties: false },
              signers: (m: { authority: string }) => [m.authority],
              handle: (ctx: MsgCtx, m: { params: RuntimeParamsJson }) => ctx.kv("runtime").set(utf8("params"), utf8(JSON.stringify(m.params))),
            },
          ]
        : [],
  };
  const token = Symbol.for(`${name}.TestModule`);
  return { name, version, bindings: new ContainerModule(({ bind }) => void bind(token).toConstantValue(instance)), instance: token };
}

const bank = (): ChainModule => createBankModule({ authority: testSigner(9).address });

const blockAt = (height: number): BlockInfo => ({ chainId: TEST_CHAIN_ID, height, time: GENESIS_TIME + height * 1000, proposer: testSigner(99).address, prevHash: GENESIS_PREV_HASH });

/** An application over an in-memory store (not initialised), without a node. */
function appOver(store: AuthenticatedStore, modules: ChainModule[], checkInvariants?: boolean): Application {
  const schemes = testSchemes();
  return new Application({ chainId: TEST_CHAIN_ID, store, modules: new ModuleManager(modules), schemes, verifier: new InlineVerifier(schemes), ...(checkInvariants === undefined ? {} : { checkInvariants }) });
}

function genesisDoc(over: Partial<GenesisDoc> = {}): GenesisDoc {
  return { chainId: TEST_CHAIN_ID, genesisTime: GENESIS_TIME, runtime: defaultRuntimeParamsJson(), modules: {}, ...over };
}

function thrown(f: () => unknown): Error & { code?: string; context?: Record<string, unknown> } {
  try {
    f();
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error("nothing was thrown");
}

describe("application rules (migration event, runtime params after a change, initChain refusals, multi-signer signatures, invariant messages)", () => {
  describe("the runtime.migration event", () => {
    /** Genesis with bank, alpha v1 and beta v1, committed at height 0. */
    function genesisStore(): AuthenticatedStore {
      const store = openMemoryAuthenticatedStore();
      appOver(store, [bank(), testModule("alpha"), testModule("beta")]).initChain(genesisDoc()).staged.commit(0);
      return store;
    }

    it("a module whose version is bumped runs its migration in the next block, which emits runtime.migration with ran \"alpha 1→2\"", () => {
      const store = genesisStore();
      const app = appOver(store, [bank(), testModule("alpha", 2, { 2: (ctx: Ctx) => ctx.kv("alpha").set(utf8("layout"), utf8("v2")) }), testModule("beta")]);
      const ex = app.executeBlock(blockAt(1), []);
      expect(ex.blockEvents).to.deep.equal([{ type: "runtime.migration", attributes: { ran: "alpha 1→2" } }]);
      app.commit(ex);
      const layout = app.queryContext(blockAt(2)).kv("alpha").get(utf8("layout"));
      expect(layout && new TextDecoder().decode(layout)).to.equal("v2");
    });

    it("several migrations in one block are listed in module order, separated by \", \"", () => {
      const store = genesisStore();
      const noop = (): void => {};
      // alpha two steps, beta one, gamma added after genesis.
      const app = appOver(store, [bank(), testModule("alpha", 3, { 2: noop, 3: noop }), testModule("beta", 2, { 2: noop }), testModule("gamma")]);
      const ex = app.executeBlock(blockAt(1), []);
      expect(ex.blockEvents).to.deep.equal([{ type: "runtime.migration", attributes: { ran: "alpha 1→2, alpha 2→3, beta 1→2, gamma added at version 1" } }]);
    });

    it("a block with nothing to migrate emits no runtime.migration event, also the block after a migration", () => {
      const store = genesisStore();
      const same = appOver(store, [bank(), testModule("alpha"), testModule("beta")]);
      const ex1 = same.executeBlock(blockAt(1), []);
      expect(ex1.blockEvents).to.deep.equal([]);

      const upgraded = appOver(store, [bank(), testModule("alpha", 2, { 2: () => {} }), testModule("beta")]);
      const ex2 = upgraded.executeBlock(blockAt(1), []);
      expect(ex2.blockEvents).to.deep.equal([{ type: "runtime.migration", attributes: { ran: "alpha 1→2" } }]);
      upgraded.commit(ex2);
      expect(upgraded.executeBlock(blockAt(2), []).blockEvents).to.deep.equal([]);
    });
  });

  describe("runtime params after a change (the params cache)", () => {
    let t: TestNode;
    const modules = [bank(), testModule()];
    const alice = testSigner(0);
    const bob = testSigner(1);
    const changed: RuntimeParamsJson = { ...defaultRuntimeParamsJson(), maxTxBytes: 400 };
    // Twice the joules per unit in NANO: half the fee.
    changed.joulesPerUnit = { ...changed.joulesPerUnit, "1": "6621486190496429/600000000000000000000000000000000000" };
    const pending: PendingView = { nextNonce: () => undefined, reservedFees: () => 0n };

    beforeEach(async () => {
      t = await openTestNode({ modules, genesis: testGenesis({ modules, funded: 2 }) });
    });
    afterEach(async () => {
      await t.close();
      removeDir(t.dir);
    });

    const setParams = (nonce: bigint): DecodedTx =>
      signTx(sendBody(alice, alice.address, 0n, nonce, { msgs: [{ typeUrl: SET_PARAMS, value: { authority: alice.address, params: changed } }] }), [alice]);
    /** A send padded past 400 bytes with its memo. */
    const bigSend = (nonce: bigint): DecodedTx => signedSend(bob, alice.address, 1n, nonce, { memo: "m".repeat(200) });

    it("a params change is not seen before its block commits: the rest of its block and precheckTx keep the old params", async () => {
      const before = t.node.app.params();
      expect(before.maxTxBytes).to.equal(65536);
      const send = signedSend(bob, alice.address, 5n, 0n);
      const ex = await executeAsPeer(t, [setParams(0n), send]);
      expect(ex.receipts.map((r) => r.codeName)).to.deep.equal(["OK", "OK"]);
      // The transaction after the change in the same block pays the genesis params' fee.
      expect(ex.receipts[1]!.fee).to.equal("14160");
      expect(t.node.app.params()).to.deep.equal(before);
      const big = bigSend(0n);
      expect(big.bytes.length).to.be.greaterThan(400);
      expect(() => t.node.app.precheckTx(big.bytes)).not.to.throw();
    });

    it("once committed, the next transaction and the next block see the new params: TX_TOO_LARGE above 400 bytes and the new fee", async () => {
      const old = t.node.app.params(); // read (and cached) at the height before the change
      t.node.app.commit(await executeAsPeer(t, [setParams(0n)]));
      expect(t.node.app.params()).to.deep.equal(parseRuntimeParams(changed));
      expect(t.node.app.params().maxTxBytes).to.equal(400);

      const big = bigSend(0n);
      const e = thrown(() => t.node.app.precheckTx(big.bytes));
      expect(e.code).to.equal("TX_TOO_LARGE");
      expect(e.message).to.equal(`transaction is ${big.bytes.length} bytes, the limit is 400`);

      const send = signedSend(bob, alice.address, 5n, 0n);
      // A 354-byte NANO send: 14 160 under the genesis params, half of it under the new ones.
      expect(send.bytes.length).to.equal(354);
      expect(requiredFee(send, old)).to.equal(14_160n);
      const newFee = 7_080n;
      expect(requiredFee(send, parseRuntimeParams(changed))).to.equal(newFee);
      const checked = await t.node.app.checkTx(send.bytes, pending, nextInfo(t));
      expect(checked.fee).to.equal(newFee);
      const bobBefore = balanceOf(t, bob.address);
      const ex = await executeAsPeer(t, [send]);
      expect(ex.receipts[0]!.codeName).to.equal("OK");
      expect(ex.receipts[0]!.fee).to.equal(newFee.toString());
      t.node.app.commit(ex);
      expect(balanceOf(t, bob.address)).to.equal(bobBefore - 5n - newFee);
    });
  });

  describe("initChain", () => {
    it("returns the genesis block info: height 0, the genesis time, no proposer, the zero previous hash", () => {
      const { info } = appOver(openMemoryAuthenticatedStore(), [bank()]).initChain(genesisDoc());
      expect(info).to.deep.equal({ chainId: TEST_CHAIN_ID, height: 0, time: GENESIS_TIME, proposer: "", prevHash: GENESIS_PREV_HASH });
    });

    it("params() before genesis is committed is APP_NOT_INITIALISED; after, they are genesis's runtime params", () => {
      const store = openMemoryAuthenticatedStore();
      const app = appOver(store, [bank()]);
      const e = thrown(() => app.params());
      expect(e.code).to.equal("APP_NOT_INITIALISED");
      expect(e.message).to.equal("runtime params are missing from state: the chain has not been initialised from a genesis");
      const runtime = { ...defaultRuntimeParamsJson(), maxBlockTxs: 7 };
      app.initChain(genesisDoc({ runtime })).staged.commit(0);
      expect(app.params()).to.deep.equal(parseRuntimeParams(runtime));
    });

    it("refuses another chain's genesis with APP_BAD_GENESIS naming both chain ids", () => {
      const e = thrown(() => appOver(openMemoryAuthenticatedStore(), [bank()]).initChain(genesisDoc({ chainId: "other-chain" })));
      expect(e.code).to.equal("APP_BAD_GENESIS");
      expect(e.message).to.equal(`genesis chainId "other-chain" differs from the node's "${TEST_CHAIN_ID}"`);
    });

    it("refuses runtime params that break their schema with APP_BAD_GENESIS naming the field", () => {
      const e = thrown(() => appOver(openMemoryAuthenticatedStore(), [bank()]).initChain(genesisDoc({ runtime: { ...defaultRuntimeParamsJson(), maxTxBytes: 255 } })));
      expect(e.code).to.equal("APP_BAD_GENESIS");
      expect(e.message).to.equal("genesis runtime params: runtime/maxTxBytes must be >= 256");
    });

    it("refuses a module section that breaks its schema, or names no loaded module, with MODULE_BAD_GENESIS", () => {
      const app = appOver(openMemoryAuthenticatedStore(), [bank(), testModule()]);
      const unknown = thrown(() => app.initChain(genesisDoc({ modules: { nobody: {} } })));
      expect(unknown.code).to.equal("MODULE_BAD_GENESIS");
      expect(unknown.message).to.equal(`genesis has a section for "nobody", which is not a loaded module (loaded: bank, rules)`);
      const invalid = thrown(() => app.initChain(genesisDoc({ modules: { bank: { ...defaultBankGenesis(), balances: 7 } } })));
      expect(invalid.code).to.equal("MODULE_BAD_GENESIS");
      expect(invalid.message).to.equal("genesis.modules.bank.balances: must be array");
    });

    it("with invariant checks on, a genesis that breaks an invariant is APP_INVARIANT_BROKEN at height 0; an application built without the option does not check", () => {
      broken.first = "broken at genesis";
      try {
        const e = thrown(() => appOver(openMemoryAuthenticatedStore(), [bank(), testModule()], true).initChain(genesisDoc()));
        expect(e.code).to.equal("APP_INVARIANT_BROKEN");
        expect(e.message).to.equal("invariant broken at height 0: rules/first: broken at genesis");
        // checkInvariants left out: off by default.
        expect(appOver(openMemoryAuthenticatedStore(), [bank(), testModule()]).initChain(genesisDoc()).info.height).to.equal(0);
      } finally {
        delete broken.first;
      }
    });

    it("on a store already initialised, initChain stages but its commit at height 0 is refused by the store (STATE_BAD_HEIGHT)", () => {
      const store = openMemoryAuthenticatedStore();
      const app = appOver(store, [bank()]);
      app.initChain(genesisDoc()).staged.commit(0);
      const root = store.root;
      const e = thrown(() => app.initChain(genesisDoc()).staged.commit(0));
      expect(e.code).to.equal("STATE_BAD_HEIGHT");
      expect(e.message).to.equal("commit height must be an integer above 0");
      expect(store.root).to.deep.equal(root);
    });
  });

  describe("signatures and invariants on a node", () => {
    let t: TestNode;
    const modules = [bank(), testModule()];
    const alice = testSigner(0);
    const bob = testSigner(1);
    beforeEach(async () => {
      t = await openTestNode({ modules, genesis: testGenesis({ modules, funded: 2 }) });
    });
    afterEach(async () => {
      await t.close();
      removeDir(t.dir);
    });

    /** alice's send co-signed by bob, with signature `bad` (0: alice's, 1: bob's) corrupted. */
    function coSignedWithBadSignature(bad: 0 | 1): DecodedTx {
      const good = signTx(sendBody(alice, bob.address, 5n, 0n), [alice, bob]);
      const auth = good.tx.auth.map((a, i) => {
        if (i !== bad) return a;
        const signature = a.signature.slice();
        signature[0]! ^= 1;
        return { ...a, signature };
      });
      return decodeTx(encodeTx({ body: good.tx.body, auth }));
    }

    it("a co-signed transaction in another proposer's block with either of its two signatures bad gets TX_BAD_SIGNATURE and pays no fee", async () => {
      const good = signTx(sendBody(alice, bob.address, 5n, 0n), [alice, bob]);
      expect((await executeAsPeer(t, [good])).receipts[0]!.codeName).to.equal("OK");
      for (const bad of [0, 1] as const) {
        const ex = await executeAsPeer(t, [coSignedWithBadSignature(bad)]);
        const r = ex.receipts[0]!;
        expect(r.codeName, `signature ${bad} bad`).to.equal("TX_BAD_SIGNATURE");
        expect(r.log).to.equal("transaction signatures were not verified by this node");
        expect(r.fee).to.equal("0");
      }
    });

    it("two invariants broken at once: APP_INVARIANT_BROKEN lists both, separated by \"; \"", () => {
      broken.first = "first is off";
      broken.second = "second is off";
      try {
        const e = thrown(() => t.node.app.executeBlock(nextInfo(t), []));
        expect(e.code).to.equal("APP_INVARIANT_BROKEN");
        expect(e.message).to.equal("invariant broken at height 1: rules/first: first is off; rules/second: second is off");
      } finally {
        delete broken.first;
        delete broken.second;
      }
    });
  });
});
