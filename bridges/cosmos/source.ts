import type { Logger } from "pino";
import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { isAddress } from "../../runtime/crypto/address.ts";
import type { ObservedTransfer, SourceWatcher } from "../core/types.ts";
import type { CosmosRpc } from "./client.ts";
import { CosmosBridgeError } from "./errors.ts";
import { MSG_SEND_TYPE_URL } from "./signdoc.ts";

/** seq = height × 10⁶ + tx index × 10² + message index + 1 (docs/bridges.md "Cosmos"). */
export const SEQ_PER_HEIGHT = 1_000_000n;
export const SEQ_PER_TX = 100n;
export const MAX_TX_INDEX = 9_999;
export const MAX_MSG_INDEX = 99;
/** The highest height whose seqs stay ≤ Number.MAX_SAFE_INTEGER. */
export const MAX_HEIGHT = (BigInt(Number.MAX_SAFE_INTEGER) - SEQ_PER_HEIGHT + 1n) / SEQ_PER_HEIGHT;

export function inboundSeq(height: bigint, txIndex: number, msgIndex: number): bigint {
  return height * SEQ_PER_HEIGHT + BigInt(txIndex) * SEQ_PER_TX + BigInt(msgIndex) + 1n;
}

/**
 * Reads deposits into the escrow (the current one and every older one known) on a Cosmos chain (Cosmos → NexusOS): bank MsgSends of the
 * bridged denom to the escrow address whose transaction memo is the nxs1… recipient, in
 * successful transactions at final heights (latest − confirmations), found with CometBFT's
 * tx_search `transfer.recipient='<escrow>' AND tx.height>from AND tx.height<=to`. Each message
 * gets a seq every validator derives alike (inboundSeq). A deposit whose memo names no NexusOS
 * address is not reported (nothing can be credited): it is logged as an error with its
 * transaction, sender and amount — the funds stay in the escrow, never lost.
 */
export class CosmosSourceWatcher implements SourceWatcher {
  readonly chain: string;

  constructor(
    private readonly o: {
      readonly chain: string;
      readonly rpc: CosmosRpc;
      /** The escrow addresses to watch: the current one and every older one known (deposits sent to an old address after a key-set change are still read). */
      readonly escrows: () => readonly string[];
      readonly denom: string;
      readonly confirmations: number;
      readonly logger: Logger;
    },
  ) {
    if (!Number.isSafeInteger(o.confirmations) || o.confirmations < 0) throw new RangeError("confirmations must be a non-negative integer");
    this.chain = o.chain;
  }

  async finalHeight(): Promise<bigint> {
    const { height } = await this.o.rpc.latest();
    const f = BigInt(height) - BigInt(this.o.confirmations);
    return f > 0n ? f : 0n;
  }

  async transfers(fromHeight: bigint, toHeight: bigint): Promise<ObservedTransfer[]> {
    if (toHeight <= fromHeight) return [];
    const final = await this.finalHeight();
    if (toHeight > final) {
      throw new CosmosBridgeError("COSMOS_NOT_FINAL", `${this.chain}: heights up to ${toHeight} asked, but only ${final} is final (${this.o.confirmations} confirmations)`, true, { finalHeight: final.toString() });
    }
    const escrows = new Set(this.o.escrows());
    const seen = new Set<string>();
    const txs = [];
    for (const escrow of escrows) {
      for (const tx of await this.o.rpc.searchTx(`transfer.recipient='${escrow}' AND tx.height>${fromHeight} AND tx.height<=${toHeight}`)) {
        if (seen.has(tx.hash)) continue; // one transaction paying two escrows: read once
        seen.add(tx.hash);
        txs.push(tx);
      }
    }
    const out: ObservedTransfer[] = [];
    for (const tx of txs) {
      if (tx.code !== 0) continue; // failed: no transfer happened
      const height = BigInt(tx.height);
      if (height <= fromHeight || height > toHeight) continue;
      let body: TxBody;
      try {
        body = TxBody.decode(TxRaw.decode(tx.tx).bodyBytes);
      } catch (e) {
        this.o.logger.error({ chain: this.chain, tx: tx.hash, height: tx.height, err: (e as Error).message }, "a transaction to the escrow cannot be decoded: not credited");
        continue;
      }
      body.messages.forEach((any, i) => {
        const where = { chain: this.chain, tx: tx.hash, height: tx.height, txIndex: tx.txIndex, msgIndex: i };
        if (any.typeUrl !== MSG_SEND_TYPE_URL) {
          if (any.typeUrl === "/cosmos.bank.v1beta1.MsgMultiSend") this.o.logger.error({ ...where, memo: body.memo }, "a MsgMultiSend to the escrow is not credited (only MsgSend is); funds held in the escrow");
          return;
        }
        const m = MsgSend.decode(any.value);
        // Deposits to any known escrow; a send between escrows (a handover) is no deposit.
        if (!escrows.has(m.toAddress) || escrows.has(m.fromAddress)) return;
        const amount = m.amount.filter((c) => c.denom === this.o.denom).reduce((s, c) => s + BigInt(c.amount), 0n);
        const others = m.amount.filter((c) => c.denom !== this.o.denom);
        if (others.length) this.o.logger.info({ ...where, sender: m.fromAddress, coins: others }, "coins of other denoms sent to the escrow are not bridged (e.g. fee top-ups)");
        if (amount === 0n) return;
        const dep = { ...where, to: m.toAddress, sender: m.fromAddress, amount: amount.toString(), denom: this.o.denom, memo: body.memo };
        if (tx.txIndex > MAX_TX_INDEX || i > MAX_MSG_INDEX || height > MAX_HEIGHT) {
          this.o.logger.error(dep, `deposit NOT CREDITED: its position (tx index ≤ ${MAX_TX_INDEX}, message index ≤ ${MAX_MSG_INDEX}, height ≤ ${MAX_HEIGHT}) has no seq; funds held in the escrow`);
          return;
        }
        const recipient = body.memo.trim();
        if (!isAddress(recipient)) {
          this.o.logger.error(dep, "deposit NOT CREDITED: the memo names no NexusOS (nxs1…) address; funds held in the escrow");
          return;
        }
        out.push({ sourceChain: this.chain, seq: inboundSeq(height, tx.txIndex, i), sender: m.fromAddress.toLowerCase(), recipient, amount, sourceTx: tx.hash.toUpperCase(), height });
      });
    }
    out.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
    return out;
  }
}
