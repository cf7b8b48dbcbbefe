import { readArrayHead, readBytesArray, readUint } from "../../codec/byte-arrays.ts";
import { asArray, asBytes, decodeCanonical, encodeCanonical } from "../../codec/canonical.ts";
import { ConsensusErrors } from "../errors.ts";

/**
 * The "txbatch" topic: many transactions per gossip message, `[0, [tx, ...]]` in canonical
 * CBOR (0 is the format; new formats get new numbers, never a new meaning for 0). One gossip
 * message per transaction costs each hop a message id hash, an encryption, a protobuf frame
 * and a socket write per transaction; a batch pays those once.
 */
export const TX_BATCH_FORMAT = 0;
/** Transactions per batch: part of the protocol, a receiver rejects more. */
export const MAX_BATCH_TXS = 2048;
/** A sender cuts a batch at this many bytes (a single larger transaction travels alone). */
export const DEFAULT_BATCH_BYTES = 128 * 1024;
/** How long the first transaction of a batch waits for company. */
export const DEFAULT_BATCH_DELAY_MS = 20;

export class TxBatchError extends ConsensusErrors<"TX_BATCH_MALFORMED"> {
  constructor(message: string) {
    super("TX_BATCH_MALFORMED", message);
  }
}

export function encodeTxBatch(txs: readonly Uint8Array[]): Uint8Array {
  if (txs.length === 0 || txs.length > MAX_BATCH_TXS) throw new TxBatchError(`a batch holds 1..${MAX_BATCH_TXS} transactions, got ${txs.length}`);
  return encodeCanonical([TX_BATCH_FORMAT, txs]);
}

/** Strict: canonical CBOR, format 0, 1..MAX_BATCH_TXS non-empty byte strings. */
export function decodeTxBatch(bytes: Uint8Array): Uint8Array[] {
  // The common case without the general decoder; anything unusual takes the strict path below.
  const b = bytes.slice();
  const top = readArrayHead(b, 0, 2, 2);
  const format = top && readUint(b, top.next);
  const txs = format && format.value === TX_BATCH_FORMAT ? readBytesArray(b, format.next) : undefined;
  if (txs && txs.next === b.length && txs.items.length >= 1 && txs.items.length <= MAX_BATCH_TXS && txs.items.every((t) => t.length > 0)) return txs.items;
  try {
    const a = asArray(decodeCanonical(bytes, "transaction batch"), "transaction batch", 2, 2);
    if (a[0] !== TX_BATCH_FORMAT) throw new TxBatchError(`unknown transaction batch format ${String(a[0])}`);
    return asArray(a[1], "batch.txs", 1, MAX_BATCH_TXS).map((t, i) => {
      const b = asBytes(t, `batch.txs[${i}]`);
      if (b.length === 0) throw new TxBatchError(`batch.txs[${i}] is empty`);
      return b;
    });
  } catch (e) {
    if (e instanceof TxBatchError) throw e;
    throw new TxBatchError((e as Error).message);
  }
}

/** Per-transaction framing overhead in a batch, at most (CBOR byte-string header). */
const TX_OVERHEAD = 5;
const BATCH_OVERHEAD = 16;

/**
 * Gathers transactions this node admitted from clients and publishes them as batches: when
 * `delayMs` has passed since the first one, when the next would take the batch past
 * `maxBytes`, or at MAX_BATCH_TXS. Order is kept (a sender's nonces go out in order).
 */
export class TxBatcher {
  private pending: Uint8Array[] = [];
  private bytes = BATCH_OVERHEAD;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly maxBytes: number;
  private readonly delayMs: number;

  constructor(
    private readonly publish: (batch: Uint8Array) => void,
    o: { maxBytes?: number; delayMs?: number } = {},
  ) {
    this.maxBytes = o.maxBytes ?? DEFAULT_BATCH_BYTES;
    this.delayMs = o.delayMs ?? DEFAULT_BATCH_DELAY_MS;
  }

  get size(): number {
    return this.pending.length;
  }

  add(tx: Uint8Array): void {
    if (this.stopped) return;
    const size = tx.length + TX_OVERHEAD;
    if (this.pending.length && this.bytes + size > this.maxBytes) this.flush();
    this.pending.push(tx);
    this.bytes += size;
    if (this.pending.length >= MAX_BATCH_TXS || this.bytes >= this.maxBytes) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.delayMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const txs = this.pending;
    this.pending = [];
    this.bytes = BATCH_OVERHEAD;
    this.publish(encodeTxBatch(txs));
  }

  /** Drops what is pending: the node is stopping. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
  }
}
