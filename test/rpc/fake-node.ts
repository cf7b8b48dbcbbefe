import type { AccountView, BlockView, ChainStatus, CoinView, NodeApi, NodeEvent, ProofView, ReceiptView, TxStatusView } from "../../runtime/node/node-api.ts";
import { decodeTx } from "../../runtime/tx/envelope.ts";
import { verifyTxSignatures } from "../../runtime/tx/sign.ts";
import { TxError } from "../../runtime/tx/errors.ts";
import { NexusError } from "../../runtime/errors.ts";
import { SchemeRegistry } from "../../runtime/crypto/signature-scheme.ts";
import { ed25519 } from "../../runtime/crypto/ed25519.ts";
import { toHex, fromHex, sha256, utf8 } from "../../runtime/crypto/hash.ts";
import { openMemoryAuthenticatedStore } from "../../runtime/state/authenticated-store.ts";
import { energyAttojoules } from "../../runtime/tx/fees.ts";

/**
 * A small in-memory NodeApi for RPC and client tests: real decoding and signature checks,
 * a mempool that `produceBlock()` turns into a block, balances changed by /bank.v1.MsgSend and
 * written to a real authenticated store, so balance proofs verify against block state roots.
 */
export class FakeNode implements NodeApi {
  readonly chainId = "nexus-test-1";
  readonly schemes = new SchemeRegistry().register(ed25519);
  private height = 0;
  private readonly blocks: BlockView[] = [];
  private readonly receipts = new Map<string, ReceiptView>();
  private mempool: { hash: string; bytes: Uint8Array }[] = [];
  readonly balances = new Map<string, bigint>();
  readonly nonces = new Map<string, bigint>();
  private readonly store = openMemoryAuthenticatedStore();
  private readonly listeners = new Set<(e: NodeEvent) => void>();
  /** Makes the next call of any method throw this (internal error path). */
  failNext: Error | undefined;
  /** Set to make status() report a halt. */
  halted: { reason: string } | undefined;

  status(): ChainStatus {
    this.maybeFail();
    const b = this.blocks.at(-1);
    return {
      chainId: this.chainId,
      height: this.height,
      stateRoot: toHex(this.store.root),
      latestBlockHash: b?.hash ?? "00".repeat(32),
      latestBlockTime: b?.header.time ?? 0,
      mempoolSize: this.mempool.length,
      nodeVersion: "test",
      ...(this.halted ? { halted: this.halted } : {}),
    };
  }

  private maybeFail(): void {
    const f = this.failNext;
    this.failNext = undefined;
    if (f) throw f;
  }

  async submitTx(bytes: Uint8Array): Promise<{ hash: string }> {
    const d = decodeTx(bytes, 64 * 1024);
    if (d.tx.body.chainId !== this.chainId) throw new TxError("TX_WRONG_CHAIN", `transaction is for chain "${d.tx.body.chainId}", this node runs "${this.chainId}"`, { expected: this.chainId, got: d.tx.body.chainId });
    verifyTxSignatures(d, this.schemes);
    const hash = toHex(d.hash);
    if (this.receipts.has(hash) || this.mempool.some((m) => m.hash === hash)) throw new TxError("TX_DUPLICATE", `transaction ${hash} is already known`, { hash });
    this.mempool.push({ hash, bytes });
    return { hash };
  }

  getTx(hash: string): TxStatusView {
    const r = this.receipts.get(hash);
    if (r) return { status: "committed", receipt: r };
    return this.mempool.some((m) => m.hash === hash) ? { status: "pending" } : { status: "unknown" };
  }

  getBlock(ref: number | string): BlockView | undefined {
    return typeof ref === "number" ? this.blocks[ref - 1] : this.blocks.find((b) => b.hash === ref);
  }

  getAccount(address: string): AccountView {
    return { address, nonce: (this.nonces.get(address) ?? 0n).toString(), balances: [this.getBalance(address, "nxt")] };
  }

  getBalance(address: string, denom: string): CoinView {
    return { denom, amount: (denom === "nxt" ? (this.balances.get(address) ?? 0n) : 0n).toString() };
  }

  prove(keyHex: string): ProofView {
    const { value, proof } = this.store.prove(fromHex(keyHex));
    return { height: this.height, stateRoot: toHex(this.store.root), key: keyHex, value: value ? toHex(value) : null, proof };
  }

  proveBalance(address: string, denom: string): ProofView {
    return this.prove(toHex(FakeNode.balanceKey(address, denom)));
  }

  static balanceKey(address: string, denom: string): Uint8Array {
    return utf8(`bank/balance/${address}/${denom}`);
  }

  query(path: string, params: Record<string, unknown>): unknown {
    if (path === "bank/supply") return { denom: params.denom ?? "nxt", amount: "100" };
    throw new NexusError("node", "QUERY_UNKNOWN_PATH", `no query route "${path}"`, { path });
  }

  params(): Record<string, unknown> {
    return { bank: { sendEnabled: true } };
  }

  subscribe(listener: (e: NodeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Commit the mempool as one block: every tx succeeds and emits a "transfer" event. */
  produceBlock(): BlockView {
    this.height++;
    const txs = this.mempool;
    this.mempool = [];
    const receipts: ReceiptView[] = txs.map((t, index) => {
      const d = decodeTx(t.bytes);
      const msg = d.tx.body.msgs[0]!;
      const v = msg.value as { from: string; to: string; amount: { denom: string; amount: string }[] };
      const amt = BigInt(v.amount?.[0]?.amount ?? "0");
      this.balances.set(v.from, (this.balances.get(v.from) ?? 0n) - amt);
      this.balances.set(v.to, (this.balances.get(v.to) ?? 0n) + amt);
      this.nonces.set(d.tx.body.sender, d.tx.body.nonce + 1n);
      return {
        txHash: t.hash,
        height: this.height,
        index,
        code: 0,
        codeName: "OK",
        log: "",
        sender: d.tx.body.sender,
        nonce: d.tx.body.nonce.toString(),
        band: d.tx.body.band,
        energyAj: energyAttojoules(d.tx.body.band, t.bytes.length).toString(),
        fee: d.tx.body.feeLimit.toString(),
        events: [{ type: "transfer", attributes: { sender: v.from, recipient: v.to, amount: `${amt}nxt` } }],
      };
    });
    for (const r of receipts) this.receipts.set(r.txHash, r);
    const changes = [...this.balances].map(([a, v]) => [FakeNode.balanceKey(a, "nxt"), utf8(v.toString())] as const);
    this.store.stage(changes.sort((x, y) => Buffer.compare(x[0], y[0]))).commit(this.height);
    const header = {
      chainId: this.chainId,
      height: this.height,
      time: 1_700_000_000_000 + this.height * 1000,
      prevHash: this.blocks.at(-1)?.hash ?? "00".repeat(32),
      txRoot: "11".repeat(32),
      stateRoot: toHex(this.store.root),
      resultsRoot: "22".repeat(32),
      proposer: "validator",
    };
    const block: BlockView = { hash: toHex(sha256(utf8(`block-${this.height}`))), header, txs: txs.map((t) => t.hash) };
    this.blocks.push(block);
    for (const l of this.listeners) l({ kind: "block", block, receipts });
    return block;
  }
}
