/**
 * The NexusOS side of the bridge processes, over the RPC client only: the bridge module's
 * queries (modules/bridge/queries.ts) and transactions carrying its messages (bridgeMsg), sent
 * by the validator's operator key with the nonce the mempool expects (the key also signs the
 * node's commit reports, so a nonce race is ordinary).
 */
import type { Logger } from "pino";
import type { AccountView, ChainStatus, ReceiptView, TxStatusView } from "../../runtime/node/node-api.ts";
import { RpcClientError, buildTx } from "../../runtime/rpc/client.ts";
import { Band } from "../../runtime/tx/bands.ts";
import type { Msg } from "../../runtime/tx/envelope.ts";
import { signerAddress, type Signer } from "../../runtime/tx/sign.ts";
import type { BridgeParams, ChainSettings } from "../../modules/bridge/params.ts";
import type { OutboundView } from "../../modules/bridge/keeper/outbound.ts";
import type { InboundView } from "../../modules/bridge/keeper/inbound.ts";
import type { DestinationSignature, OutboundTransfer } from "./types.ts";

export type { OutboundView, InboundView };

/** The part of NexusClient (runtime/rpc/client.ts) the bridge processes use. */
export interface BridgeRpc {
  status(): Promise<ChainStatus>;
  query<T = unknown>(path: string, params?: Record<string, unknown>): Promise<T>;
  getAccount(address: string): Promise<AccountView>;
  sendTx(tx: Uint8Array): Promise<{ hash: string }>;
  getTx(hash: string): Promise<TxStatusView>;
}

export interface ChainView {
  settings: ChainSettings;
  nextSeq: number;
}

/** Typed reads of modules/bridge through nexus_query. */
export class NexusBridge {
  constructor(readonly rpc: BridgeRpc) {}

  params(): Promise<BridgeParams> {
    return this.rpc.query<BridgeParams>("bridge/params", {});
  }

  /** The chain's settings and next seq, or null when NexusOS does not bridge it. */
  chain(chain: string): Promise<ChainView | null> {
    return this.rpc.query<ChainView | null>("bridge/chain", { chain });
  }

  inbound(chain: string, seq: number): Promise<InboundView | null> {
    return this.rpc.query<InboundView | null>("bridge/inbound", { chain, seq });
  }

  outbound(chain: string, seq: number): Promise<OutboundView | null> {
    return this.rpc.query<OutboundView | null>("bridge/outbound", { chain, seq });
  }

  /** Every open (pending or ready) outbound transfer of `chain`, by seq, all pages. */
  pendingOutbound(chain: string, opts: { pageSize?: number; max?: number } = {}): Promise<OutboundView[]> {
    return pendingOutbound((path, params) => this.rpc.query(path, params), chain, opts);
  }

  /** NexusOS's latest block time, unix seconds (what its expiry checks compare with). */
  async nowSeconds(): Promise<number> {
    return Math.floor((await this.rpc.status()).latestBlockTime / 1000);
  }
}

/** NexusOS's open outbound transfers to `chain` (bridge/pendingOutbound), all pages up to `max`. */
export async function pendingOutbound(
  query: <T>(path: string, params: Record<string, unknown>) => Promise<T>,
  chain: string,
  opts: { pageSize?: number; max?: number } = {},
): Promise<OutboundView[]> {
  const out: OutboundView[] = [];
  let after = 0;
  for (;;) {
    const page = await query<{ items: OutboundView[]; next: number | null }>("bridge/pendingOutbound", { chain, after, limit: opts.pageSize ?? 100 });
    out.push(...page.items);
    if (page.next === null || page.items.length === 0 || out.length >= (opts.max ?? 10_000)) return out;
    after = page.next;
  }
}

/** The bridge module's outbound record as the families' OutboundTransfer. */
export function toOutboundTransfer(
  o: Pick<OutboundView, "chain" | "seq" | "transferId" | "recipient" | "amount" | "expiresAt"> & Partial<Pick<OutboundView, "kind" | "citizen" | "epoch" | "floorAmount">>,
): OutboundTransfer {
  return {
    destChain: o.chain,
    seq: BigInt(o.seq),
    ...(o.kind !== undefined && o.kind !== "transfer" ? { kind: o.kind } : {}),
    ...(o.citizen !== undefined ? { citizen: o.citizen } : {}),
    ...(o.epoch !== undefined ? { epoch: BigInt(o.epoch) } : {}),
    ...(o.floorAmount !== undefined ? { floorAmount: BigInt(o.floorAmount) } : {}),
    transferId: o.transferId,
    recipient: o.recipient,
    amount: BigInt(o.amount),
    expiresAt: BigInt(o.expiresAt),
  };
}

/** The signatures that count now, as DestinationSignature (hex without 0x, as types.ts says). */
export function countingSignatures(o: OutboundView): DestinationSignature[] {
  return o.signatures.filter((s) => s.counts).map((s) => ({ key: s.key, signature: strip0x(s.signature).toLowerCase() }));
}

export function strip0x(h: string): string {
  return h.startsWith("0x") || h.startsWith("0X") ? h.slice(2) : h;
}

/**
 * A DestinationSigner's signature in the form MsgSignOutbound takes for the family
 * (modules/bridge/families.ts): evm "0x" + 130 lowercase hex, others bare lowercase hex. The
 * signer may return it with or without 0x.
 */
export function nexusSignatureFormat(family: string, sig: string): string {
  const hex = strip0x(sig).toLowerCase();
  return family === "evm" ? `0x${hex}` : hex;
}

/** The refusals that mean "what you asked is done already" (by us before a restart, or it no longer applies). */
export const ALREADY_CODES = new Set(["BRIDGE_DUPLICATE_ATTESTATION", "BRIDGE_DUPLICATE_SIGNATURE", "BRIDGE_ALREADY_PROCESSED", "BRIDGE_OUTBOUND_COMPLETED"]);
/** Refusals that can never succeed for this message: recorded as failed, shown by `status`, not retried. */
export const PERMANENT_CODES = new Set(["BRIDGE_INVALID_RECIPIENT", "BRIDGE_INVALID_SENDER", "BRIDGE_INVALID_AMOUNT", "BRIDGE_BAD_SIGNATURE", "BRIDGE_OUTBOUND_EXPIRED", "BRIDGE_UNKNOWN_OUTBOUND", "TX_INVALID_MSG", "TX_UNKNOWN_MSG"]);
const NONCE_RACES = new Set(["TX_NONCE_REPLAYED", "TX_NONCE_GAP"]);

/** A transaction that did not get a receipt of its own: refused at admission, or lost. */
export class SendError extends Error {
  constructor(
    readonly codeName: string,
    message: string,
  ) {
    super(message);
  }
}

export interface TxSenderOptions {
  band?: Band;
  receiptTimeoutMs?: number;
  pollMs?: number;
  log?: Logger;
  /** Attempts on nonce races and lost transactions before giving up (the work item retries later). */
  maxAttempts?: number;
}

/**
 * Sends one transaction at a time from the operator key, each with the nonce the mempool
 * expects: the committed nonce, or the one named by a TX_NONCE_GAP refusal ("the mempool
 * expects N next"), as scripts/governance/lib.ts `send` does. `onSigned(hash)` runs before each
 * attempt's transaction is sent (write-ahead into the checkpoint store).
 */
export class TxSender {
  readonly address: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly rpc: BridgeRpc,
    readonly chainId: string,
    private readonly signer: Signer,
    private readonly o: TxSenderOptions = {},
  ) {
    this.address = signerAddress(signer);
  }

  send(msgs: Msg[], onSigned: (hash: string) => void): Promise<ReceiptView> {
    const run = this.queue.then(() => this.sendNow(msgs, onSigned));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async sendNow(msgs: Msg[], onSigned: (hash: string) => void): Promise<ReceiptView> {
    const max = this.o.maxAttempts ?? 6;
    let expected: bigint | undefined;
    for (let attempt = 1; ; attempt++) {
      const nonce = expected ?? BigInt((await this.rpc.getAccount(this.address)).nonce);
      expected = undefined;
      const tx = buildTx({ chainId: this.chainId, signer: this.signer, nonce, msgs, band: this.o.band ?? Band.FEMTO });
      onSigned(tx.hashHex);
      try {
        await this.rpc.sendTx(tx.bytes);
      } catch (e) {
        if (e instanceof RpcClientError && e.codeName === "TX_DUPLICATE") {
          // already admitted (a retry of the same bytes): wait for it below
        } else if (e instanceof RpcClientError && NONCE_RACES.has(e.codeName) && attempt < max) {
          const m = /expects (\d+) next/.exec(e.message);
          if (m) expected = BigInt(m[1]!);
          else await sleep(200 * attempt);
          this.o.log?.debug({ nonce: nonce.toString(), expected: expected?.toString(), code: e.codeName }, "nonce race with another sender of the operator key; sending again");
          continue;
        } else if (e instanceof RpcClientError) {
          throw new SendError(e.codeName, e.message);
        } else throw e;
      }
      const r = await this.waitForTx(tx.hashHex);
      if (r === "unknown") {
        // The mempool dropped it (another transaction took its nonce): send again.
        if (attempt < max) continue;
        throw new SendError("TX_LOST", `transaction ${tx.hashHex} was dropped by the mempool ${attempt} times`);
      }
      if (r === "pending") {
        // Still in the mempool: never send a second one beside it; the work item re-checks this hash.
        throw new SendError("TX_PENDING", `transaction ${tx.hashHex} is still pending after ${this.o.receiptTimeoutMs ?? 30_000} ms`);
      }
      if (NONCE_RACES.has(r.codeName) && attempt < max) continue;
      return r;
    }
  }

  private async waitForTx(hash: string): Promise<ReceiptView | "pending" | "unknown"> {
    const deadline = Date.now() + (this.o.receiptTimeoutMs ?? 30_000);
    const interval = this.o.pollMs ?? 100;
    for (;;) {
      const s = await this.rpc.getTx(hash);
      if (s.status === "committed") return s.receipt;
      if (Date.now() > deadline) return s.status;
      await sleep(interval);
    }
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
