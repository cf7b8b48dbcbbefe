import "reflect-metadata";
import { Branch } from "../state/branch.ts";
import { NexusError, isLocalDataDamage } from "../errors.ts";
import type { AuthenticatedStore, StagedCommit } from "../state/types.ts";
import type { ModuleManager, RoutedMsg } from "../modules/manager.ts";
import { ExecContext, MsgExecContext } from "../modules/context.ts";
import { GENESIS_PREV_HASH, type BlockInfo, type ChainEvent, type Ctx, type ValidatorUpdate } from "../modules/types.ts";
import type { SchemeRegistry } from "../crypto/signature-scheme.ts";
import { toHex, utf8 } from "../crypto/hash.ts";
import { decodeTx, txHash, type DecodedTx } from "../tx/envelope.ts";
import { signatureChecks, txSigners, type SigCheck } from "../tx/sign.ts";
import { TxError, ModuleError, TX_ERRORS } from "../tx/errors.ts";
import { energyAttojoules } from "../tx/fees.ts";
import { RuntimeTokens, type BandRoleProvider, type FeeHandler } from "./interfaces.ts";
import { checkBand, checkNonceFree, checkOneTime, checkTimeout, oneTimeKeys, oneTimePendingError, requiredFee, statelessCheck } from "./ante.ts";
import { getNonce, setNonce } from "./nonces.ts";
import { parseRuntimeParams, runtimeParamsSchema, RUNTIME_NS, RUNTIME_PARAMS_KEY, type RuntimeParams, type RuntimeParamsJson } from "./runtime-params.ts";
import { merkleRoot, type BlockHeader } from "./block.ts";
import { encodeReceipt } from "./receipt.ts";
import { ReadCache } from "./read-cache.ts";
import type { SigVerifier } from "./sig-verifier.ts";
import type { ReceiptView } from "../node/node-api.ts";
import { createAjv, describeAjvErrors } from "../modules/schemas.ts";
import { AppErrors } from "./errors.ts";

const PARAMS_KEY = utf8(RUNTIME_PARAMS_KEY);
const PARAMS_STATE_KEY = utf8(`${RUNTIME_NS}/${RUNTIME_PARAMS_KEY}`);

export class AppError extends AppErrors<"APP_INVARIANT_BROKEN" | "APP_BAD_GENESIS" | "APP_BLOCK_MISMATCH" | "APP_NOT_INITIALISED"> {}

export interface GenesisDoc {
  chainId: string;
  /** ms since the Unix epoch */
  genesisTime: number;
  runtime: RuntimeParamsJson;
  modules: Record<string, unknown>;
}

/** What the mempool knows about a sender's queued transactions. */
export interface PendingView {
  /** Next nonce after the sender's queued transactions, if any are queued. */
  nextNonce(sender: string): bigint | undefined;
  /** Fees already promised by the sender's queued transactions (nonce-free ones too). */
  reservedFees(sender: string): bigint;
  /** The pending transaction (hash, hex) that does this one-time action, if any. */
  oneTimeHolder?(key: string): string | undefined;
}

export interface Prechecked {
  readonly decoded: DecodedTx;
  readonly routes: RoutedMsg[];
  readonly checks: SigCheck[];
}

export interface CheckedTx {
  readonly decoded: DecodedTx;
  readonly hashHex: string;
  readonly sender: string;
  readonly nonce: bigint;
  readonly fee: bigint;
  readonly tip: bigint;
  /** A nonce-free transaction's one-time keys (MsgDef.oneTime): the mempool queues it apart from the sender's nonces. */
  readonly oneTime?: readonly string[];
}

/** A block's execution, ready to be committed (or dropped if consensus decides otherwise). */
export interface Execution {
  readonly info: BlockInfo;
  readonly receipts: ReceiptView[];
  /** Canonical encoding of each receipt: the leaves of resultsRoot, and what the block store keeps. */
  readonly receiptBytes: Uint8Array[];
  readonly txRoot: Uint8Array;
  readonly resultsRoot: Uint8Array;
  readonly stateRoot: Uint8Array;
  readonly validatorUpdates: ValidatorUpdate[];
  readonly blockEvents: ChainEvent[];
  readonly staged: StagedCommit;
}

export interface ApplicationOptions {
  readonly chainId: string;
  readonly store: AuthenticatedStore;
  readonly modules: ModuleManager;
  readonly schemes: SchemeRegistry;
  readonly verifier: SigVerifier;
  /** Check every module invariant after every block (dev mode). */
  readonly checkInvariants?: boolean;
}

/**
 * The ABCI++-shaped boundary between a block producer / consensus engine and the modules:
 * checkTx, prepareProposal, processProposal, finalizeBlock, commit, query. It never reads a
 * clock and never does I/O besides the state store it was given.
 */
export class Application {
  readonly chainId: string;
  private readonly store: AuthenticatedStore;
  readonly modules: ModuleManager;
  private readonly schemes: SchemeRegistry;
  private readonly verifier: SigVerifier;
  private readonly fees: FeeHandler;
  private readonly bandProviders: BandRoleProvider[];
  private readonly invariantsEveryBlock: boolean;
  private paramsCache: { raw: Buffer; params: RuntimeParams; height: number } | undefined;
  /** Transactions whose signatures and stateless checks passed here: skipped again at delivery (and not decoded again in a proposal). */
  private readonly prechecked = new Map<string, { routes: RoutedMsg[]; signers: readonly string[]; decoded: DecodedTx }>();

  constructor(o: ApplicationOptions) {
    this.chainId = o.chainId;
    this.store = o.store;
    this.modules = o.modules;
    this.schemes = o.schemes;
    this.verifier = o.verifier;
    this.invariantsEveryBlock = o.checkInvariants ?? false;
    this.fees = o.modules.container.get<FeeHandler>(RuntimeTokens.FeeHandler);
    this.bandProviders = o.modules.container.isBound(RuntimeTokens.BandRoleProvider)
      ? o.modules.container.getAll<BandRoleProvider>(RuntimeTokens.BandRoleProvider)
      : [];
  }

  get height(): number {
    return this.store.height;
  }

  get stateRoot(): Uint8Array {
    return this.store.root;
  }

  /** Read-only context over committed state (writes land in a throwaway branch). */
  queryContext(info: BlockInfo): ExecContext {
    return new ExecContext(info, "query", new Branch(this.store));
  }

  /** The consensus validator set at `height` as the state records it (ModuleInstance.consensusSet); undefined when no module records it. */
  consensusSet(height: number, info: BlockInfo): ValidatorUpdate[] | undefined {
    return this.modules.consensusSet(this.queryContext(info), height);
  }

  /** Runtime params of committed state; re-parsed only when their stored bytes change. */
  params(): RuntimeParams {
    // Params change only through a commit, and every commit after genesis raises the height:
    // admission asks for them twice per transaction, so the read is skipped within a height.
    const cached = this.paramsCache;
    if (cached && cached.height === this.store.height && this.store.initialised) return cached.params;
    const raw = this.store.get(PARAMS_STATE_KEY);
    if (!raw) throw new AppError("APP_NOT_INITIALISED", "runtime params are missing from state: the chain has not been initialised from a genesis");
    if (!this.paramsCache || !Buffer.from(raw).equals(this.paramsCache.raw)) {
      this.paramsCache = { raw: Buffer.from(raw), params: parseRuntimeParams(JSON.parse(new TextDecoder().decode(raw)) as RuntimeParamsJson), height: this.store.height };
    }
    this.paramsCache.height = this.store.height;
    return this.paramsCache.params;
  }

  /**
   * Genesis: runtime params and every module's section, staged as the state at height 0.
   * Returns the modules' genesis validator updates (ABCI InitChain): the set of height 1.
   */
  initChain(g: GenesisDoc): { staged: StagedCommit; info: BlockInfo; validatorUpdates: ValidatorUpdate[] } {
    const validate = createAjv().compile(runtimeParamsSchema);
    if (!validate(g.runtime)) throw new AppError("APP_BAD_GENESIS", `genesis runtime params: ${describeAjvErrors(validate.errors, "runtime")}`);
    if (g.chainId !== this.chainId) throw new AppError("APP_BAD_GENESIS", `genesis chainId "${g.chainId}" differs from the node's "${this.chainId}"`);
    const branch = new Branch(this.store);
    const info: BlockInfo = { chainId: g.chainId, height: 0, time: g.genesisTime, proposer: "", prevHash: GENESIS_PREV_HASH };
    const ctx = new ExecContext(info, "genesis", branch);
    ctx.kv(RUNTIME_NS).set(PARAMS_KEY, utf8(JSON.stringify(g.runtime)));
    const validatorUpdates = this.modules.initGenesis(ctx, g.modules);
    this.assertInvariants(ctx, 0);
    return { staged: this.store.stage(branch.changes()), info, validatorUpdates };
  }

  // ---- checkTx -------------------------------------------------------------------------

  /**
   * Mempool admission in one call: decode, stateless checks, signatures (off the main
   * thread), then nonce and fee balance against committed state plus the sender's queue.
   */
  async checkTx(bytes: Uint8Array, pending: PendingView, nextInfo: BlockInfo): Promise<CheckedTx> {
    const pre = this.precheckTx(bytes);
    return this.admitTx(pre, await this.verifier.verify(pre.checks), pending, nextInfo);
  }

  /** The synchronous stateless half of checkTx: throws TxError on anything malformed. */
  precheckTx(bytes: Uint8Array): Prechecked {
    const params = this.params();
    const decoded = decodeTx(bytes, params.maxTxBytes);
    // Who signed (schemes, key sizes, sender derivation) before what the messages require of them.
    const checks = signatureChecks(decoded, this.schemes);
    return { decoded, routes: statelessCheck(decoded, this.chainId, params, this.modules), checks };
  }

  /** Finish checkTx once signatures are verified; callers admit in submission order. */
  admitTx(pre: Prechecked, sigOk: readonly boolean[], pending: PendingView, nextInfo: BlockInfo): CheckedTx {
    const bad = sigOk.indexOf(false);
    if (bad >= 0) throw new TxError("TX_BAD_SIGNATURE", `signature ${bad} (${pre.checks[bad]!.scheme}) does not verify for this transaction body and chain id`);
    const checked = this.checkStateful(pre.decoded, pre.routes, pending, nextInfo);
    this.rememberPrechecked(checked.hashHex, pre.routes, pre.decoded);
    return checked;
  }

  get signatureVerifier(): SigVerifier {
    return this.verifier;
  }

  /** The synchronous, state-dependent half of checkTx (also used to re-check after a commit). */
  checkStateful(d: DecodedTx, routes: readonly RoutedMsg[], pending: PendingView, nextInfo: BlockInfo): CheckedTx {
    const params = this.params();
    const { body } = d.tx;
    const ctx = this.queryContext(nextInfo);
    checkTimeout(d, nextInfo.height);
    checkBand(ctx, d, this.bandProviders);
    const oneTime = oneTimeKeys(d, routes);
    if (oneTime) return this.checkNonceFreeStateful(d, routes, oneTime, ctx, pending, params);
    const committed = getNonce(ctx, body.sender);
    const expected = pending.nextNonce(body.sender) ?? committed;
    if (body.nonce < committed) {
      throw new TxError("TX_NONCE_REPLAYED", `nonce ${body.nonce} of ${body.sender} was already used; the next nonce is ${expected}`, { next: expected.toString() });
    }
    if (body.nonce > expected) {
      throw new TxError("TX_NONCE_GAP", `nonce ${body.nonce} of ${body.sender} leaves a gap; the next nonce is ${expected}`, { next: expected.toString() });
    }
    const fee = requiredFee(d, params);
    const spendable = this.fees.spendable(ctx, body.sender);
    const reserved = pending.reservedFees(body.sender);
    if (spendable < reserved + fee) {
      throw new TxError("TX_INSUFFICIENT_FEE_BALANCE", `${body.sender} has ${spendable}${this.fees.feeDenom}, needs ${fee} for this fee${reserved ? ` plus ${reserved} reserved by queued transactions` : ""}`);
    }
    return { decoded: d, hashHex: d.hashHex, sender: body.sender, nonce: body.nonce, fee, tip: body.tip };
  }

  /** checkStateful of a nonce-free transaction: its one-time actions, not the sender's nonce. */
  private checkNonceFreeStateful(d: DecodedTx, routes: readonly RoutedMsg[], oneTime: string[], ctx: ExecContext, pending: PendingView, params: RuntimeParams): CheckedTx {
    const { body } = d.tx;
    checkNonceFree(d, oneTime);
    for (const k of oneTime) {
      const holder = pending.oneTimeHolder?.(k);
      if (holder !== undefined) throw oneTimePendingError(k, holder);
    }
    checkOneTime(ctx, d, routes);
    const fee = requiredFee(d, params);
    const spendable = this.fees.spendable(ctx, body.sender);
    const reserved = pending.reservedFees(body.sender);
    if (spendable < reserved + fee) {
      throw new TxError("TX_INSUFFICIENT_FEE_BALANCE", `${body.sender} has ${spendable}${this.fees.feeDenom}, needs ${fee} for this fee${reserved ? ` plus ${reserved} reserved by queued transactions` : ""}`);
    }
    return { decoded: d, hashHex: d.hashHex, sender: body.sender, nonce: 0n, fee, tip: body.tip, oneTime };
  }

  private rememberPrechecked(hashHex: string, routes: RoutedMsg[], d: DecodedTx): void {
    if (this.prechecked.size > 200_000) this.prechecked.clear();
    this.prechecked.set(hashHex, { routes, signers: txSigners(d.tx), decoded: d });
  }

  /** A transaction this node admitted or verified and has not yet seen committed, by hash (hex). */
  knownTx(hashHex: string): DecodedTx | undefined {
    return this.prechecked.get(hashHex)?.decoded;
  }

  /** Verify transactions this node has not checked (a block from another proposer). */
  async verifyUnchecked(txs: readonly DecodedTx[]): Promise<void> {
    const params = this.params();
    const todo: { hashHex: string; routes: RoutedMsg[]; n: number; d: DecodedTx }[] = [];
    const checks = [];
    for (const d of txs) {
      const hashHex = d.hashHex;
      if (this.prechecked.has(hashHex)) continue;
      const c = signatureChecks(d, this.schemes);
      const routes = statelessCheck(d, this.chainId, params, this.modules);
      todo.push({ hashHex, routes, n: c.length, d });
      checks.push(...c);
    }
    const ok = await this.verifier.verify(checks);
    let i = 0;
    for (const t of todo) {
      const good = ok.slice(i, i + t.n).every(Boolean);
      i += t.n;
      if (good) this.rememberPrechecked(t.hashHex, t.routes, t.d);
    }
  }

  // ---- block execution ------------------------------------------------------------------

  /** prepareProposal: keep what fits the block limits, execute, and return the result. */
  prepareProposal(info: BlockInfo, candidates: readonly DecodedTx[]): { txs: DecodedTx[]; execution: Execution } {
    const params = this.params();
    const txs: DecodedTx[] = [];
    let bytes = 0;
    for (const d of candidates) {
      if (txs.length >= params.maxBlockTxs || bytes + d.bytes.length > params.maxBlockBytes) break;
      txs.push(d);
      bytes += d.bytes.length;
    }
    return { txs, execution: this.executeBlock(info, txs) };
  }

  /** processProposal: re-execute another proposer's block and accept only matching roots. */
  async processProposal(header: BlockHeader, txBytes: readonly Uint8Array[]): Promise<{ accept: true; execution: Execution } | { accept: false; reason: string }> {
    if (header.chainId !== this.chainId) return { accept: false, reason: `block for chain ${header.chainId}` };
    if (header.height !== this.store.height + 1) return { accept: false, reason: `block height ${header.height}, expected ${this.store.height + 1}` };
    let txs: DecodedTx[];
    try {
      // A transaction this node admitted was decoded then: same hash, same bytes (SHA-256).
      txs = txBytes.map((b) => this.prechecked.get(toHex(txHash(b)))?.decoded ?? decodeTx(b));
    } catch (e) {
      return { accept: false, reason: `undecodable transaction: ${(e as Error).message}` };
    }
    await this.verifyUnchecked(txs);
    const execution = this.executeBlock({ chainId: header.chainId, height: header.height, time: header.time, proposer: header.proposer, prevHash: toHex(header.prevHash) }, txs);
    for (const [name, a, b] of [
      ["txRoot", execution.txRoot, header.txRoot],
      ["stateRoot", execution.stateRoot, header.stateRoot],
      ["resultsRoot", execution.resultsRoot, header.resultsRoot],
    ] as const) {
      if (toHex(a) !== toHex(b)) return { accept: false, reason: `${name} mismatch: executed ${toHex(a)}, header says ${toHex(b)}` };
    }
    return { accept: true, execution };
  }

  /**
   * finalizeBlock: execute a block's transactions on a fresh branch. Deterministic: the same
   * committed state and the same (info, txs) give the same receipts and state root.
   * Transactions must have been verified (checkTx or verifyUnchecked); others fail with
   * TX_BAD_SIGNATURE.
   */
  executeBlock(info: BlockInfo, txs: readonly DecodedTx[]): Execution {
    const params = this.params();
    // Committed state cannot change while this block executes, so its reads can be remembered.
    const block = new Branch(new ReadCache(this.store));
    const blockEvents: ChainEvent[] = [];
    const ctx = new ExecContext(info, "deliver", block, blockEvents);
    // Upgrades take effect in the first block a new binary executes, identically on every node.
    const migrated = this.modules.migrate(ctx);
    if (migrated.length) ctx.emit("runtime.migration", { ran: migrated.join(", ") });
    this.modules.beginBlock(ctx);
    const receipts = txs.map((d, i) => this.deliverTx(ctx, block, d, i, params));
    const validatorUpdates = this.modules.endBlock(ctx);
    this.assertInvariants(ctx, info.height);
    const staged = this.store.stage(block.changes());
    const receiptBytes = receipts.map(encodeReceipt);
    return {
      info,
      receipts,
      receiptBytes,
      txRoot: merkleRoot(txs.map((t) => t.hash)),
      resultsRoot: merkleRoot(receiptBytes),
      stateRoot: staged.root,
      validatorUpdates,
      blockEvents,
      staged,
    };
  }

  private deliverTx(ctx: ExecContext, block: Branch, d: DecodedTx, index: number, params: RuntimeParams): ReceiptView {
    const { body } = d.tx;
    const hashHex = d.hashHex;
    const base = {
      txHash: hashHex,
      height: ctx.block.height,
      index,
      sender: body.sender,
      nonce: body.nonce.toString(),
      band: body.band,
      energyAj: energyAttojoules(body.band, d.bytes.length).toString(),
    };
    const fail = (code: keyof typeof TX_ERRORS | string, number: number, log: string, fee: bigint, events: ChainEvent[] = []): ReceiptView => ({
      ...base,
      code: number,
      codeName: code,
      log,
      fee: fee.toString(),
      events: events as ReceiptView["events"],
    });

    // Ante: every check that can fail runs before the first write, so the fee and nonce
    // writes go straight into the block branch and stand even if the messages fail.
    const anteEvents: ChainEvent[] = [];
    const actx = ctx.withStore(block, anteEvents);
    let routes: RoutedMsg[];
    let signers: readonly string[];
    let fee: bigint;
    let oneTime: string[] | undefined;
    try {
      const pre = this.prechecked.get(hashHex);
      routes = pre?.routes ?? [];
      signers = pre?.signers ?? [];
      if (routes.length === 0) throw new TxError("TX_BAD_SIGNATURE", "transaction signatures were not verified by this node");
      checkTimeout(d, ctx.block.height);
      checkBand(actx, d, this.bandProviders);
      oneTime = oneTimeKeys(d, routes);
      if (oneTime) {
        checkNonceFree(d, oneTime);
        // Read-only by contract; a throwaway branch keeps a check's stray write out of the block.
        checkOneTime(ctx.withStore(block.branch(), []), d, routes);
      } else {
        const expected = getNonce(actx, body.sender);
        if (body.nonce !== expected) {
          throw new TxError(body.nonce < expected ? "TX_NONCE_REPLAYED" : "TX_NONCE_GAP", `nonce ${body.nonce}, expected ${expected}`);
        }
      }
      fee = requiredFee(d, params);
      const spendable = this.fees.spendable(actx, body.sender);
      if (spendable < fee) throw new TxError("TX_INSUFFICIENT_FEE_BALANCE", `cannot pay fee ${fee}${this.fees.feeDenom}: ${body.sender} has ${spendable}`);
    } catch (e) {
      if (e instanceof TxError) return fail(e.code, e.number, e.message, 0n);
      if (isLocalDataDamage(e)) throw e;
      // A one-time check's refusal (a replay, or an action that would fail): no fee.
      if (e instanceof ModuleError) return fail(e.code, TX_ERRORS.TX_MSG_FAILED, e.message, 0n);
      throw e;
    }
    this.fees.chargeFee(actx, body.sender, fee);
    if (!oneTime) setNonce(actx, body.sender, body.nonce + 1n);
    actx.emit("tx.fee", { payer: body.sender, fee: fee.toString() });

    // Messages: all or nothing.
    const msgBranch = block.branch();
    const msgEvents: ChainEvent[] = [];
    const mctx = new MsgExecContext(ctx, msgBranch, msgEvents, body.sender, body.band, signers, hashHex);
    try {
      body.msgs.forEach((m, i) => routes[i]!.def.handle(mctx, m.value));
      // A nonce-free transaction's count is the sender's nonce as it stands (it uses none).
      if (this.modules.hasTxListeners) this.modules.afterTx(mctx, { nonce: oneTime ? getNonce(actx, body.sender) : body.nonce, msgs: body.msgs, events: msgEvents.slice() });
    } catch (e) {
      if (isLocalDataDamage(e)) throw e;
      // A typed error (a module's, or the message router's) names its own code in the receipt.
      const typed = e instanceof ModuleError || e instanceof NexusError;
      const log = typed ? (e as Error).message : `internal error in message handler: ${(e as Error).message}`;
      const name = typed ? (e as NexusError).code : "TX_MSG_FAILED";
      return fail(name, TX_ERRORS.TX_MSG_FAILED, log, fee, anteEvents);
    }
    msgBranch.write();
    const events = [...anteEvents, ...msgEvents];
    return { ...base, code: 0, codeName: "OK", log: "", fee: fee.toString(), events: events as ReceiptView["events"] };
  }

  private assertInvariants(ctx: Ctx, height: number): void {
    if (!this.invariantsEveryBlock) return;
    const broken = this.modules.checkInvariants(ctx);
    if (broken.length) throw new AppError("APP_INVARIANT_BROKEN", `invariant broken at height ${height}: ${broken.join("; ")}`);
  }

  /** commit: persist an execution together with the block store's writes. */
  commit(execution: Execution, alsoWrite?: () => void): void {
    execution.staged.commit(execution.info.height, alsoWrite);
    for (const r of execution.receipts) this.prechecked.delete(r.txHash);
  }

  query(info: BlockInfo, path: string, params: Record<string, unknown>): unknown {
    return this.modules.query(this.queryContext(info), path, params);
  }
}
