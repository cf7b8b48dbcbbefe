import type { Logger } from "pino";
import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { fromHex } from "../../runtime/crypto/hash.ts";
import type { DestinationSignature, DestinationStatus, DestinationSubmitter, OutboundTransfer } from "../core/types.ts";
import type { CosmosRpc } from "./client.ts";
import { CosmosBridgeError, rpcError } from "./errors.ts";
import { verifyCosmosSignature } from "./keys.ts";
import { MSG_SEND_TYPE_URL, releaseSignBytes, releaseTimeout, releaseTx, timeoutNanos, type Release } from "./signdoc.ts";
import type { EscrowMultisig } from "./escrow.ts";
import type { Releases } from "./transfer.ts";

/** Cosmos SDK 0.53's default bound on an unordered transaction's timeout_timestamp (block time + 10 min). */
export const DEFAULT_MAX_UNORDERED_TIMEOUT_SECONDS = 600;

export interface CosmosSubmitResult {
  /** The transaction that executes (or executed) the transfer. */
  readonly txHash: string;
  /** True when the chain already holds the transfer (another relayer, or an earlier attempt). */
  readonly alreadyProcessed: boolean;
  /** Members whose signatures were sent (compressed public keys). */
  readonly signers: readonly string[];
}

/**
 * Releases NexusOS → Cosmos transfers from the escrow multisig, and tells their status. No
 * relayer key: the transaction is fully signed by the validators (the escrow pays the fee, or
 * its fee granter), so any relayer broadcasts the same release; the chain executes it at most
 * once (unordered nonce = (escrow, timeout_timestamp), unique per transfer: signdoc.ts).
 *
 * status(): "done" once a successful transaction from the escrow to the recipient carrying the
 * transferId as memo (and exactly this transfer's MsgSend and timeout) is in a block; "expired"
 * once the final block (latest − confirmations) is at or after expiresAt and no such
 * transaction exists (its timeout_timestamp is before expiresAt: no later block can include
 * it); else "pending".
 */
export class CosmosDestinationSubmitter implements DestinationSubmitter {
  readonly chain: string;

  constructor(
    private readonly o: {
      readonly chain: string;
      readonly rpc: CosmosRpc;
      readonly releases: Releases;
      readonly confirmations: number;
      readonly logger: Logger;
      readonly maxUnorderedTimeoutSeconds?: number;
    },
  ) {
    this.chain = o.chain;
  }

  async status(t: OutboundTransfer): Promise<DestinationStatus> {
    this.o.releases.check(t);
    const { rpc } = this.o;
    const latest = await rpc.latest();
    const finalHeight = Math.max(1, latest.height - this.o.confirmations);
    const finalTime = finalHeight === latest.height ? latest.timeMs : await rpc.blockTime(finalHeight);
    if ((await this.findExecution(t)) !== undefined) return "done";
    return finalTime >= Number(t.expiresAt) * 1000 ? "expired" : "pending";
  }

  /** The hash of the successful transaction that carried out `t`, if any. */
  async findExecution(t: OutboundTransfer): Promise<string | undefined> {
    const want = timeoutNanos(releaseTimeout(t));
    // Every known escrow: a transfer released by an old escrow before a handover is done too.
    const escrows = this.o.releases.escrows;
    for (const escrow of escrows.addresses()) {
      const txs = await this.o.rpc.searchTx(`transfer.sender='${escrow}' AND transfer.recipient='${t.recipient}'`);
      for (const tx of txs) {
        if (tx.code !== 0) continue;
        try {
          const body = TxBody.decode(TxRaw.decode(tx.tx).bodyBytes);
          if (body.memo !== t.transferId || !body.unordered || !body.timeoutTimestamp) continue;
          if (timeoutNanos({ seconds: body.timeoutTimestamp.seconds, nanos: body.timeoutTimestamp.nanos }) !== want) continue;
          if (body.messages.length !== 1 || body.messages[0]!.typeUrl !== MSG_SEND_TYPE_URL) continue;
          const m = MsgSend.decode(body.messages[0]!.value);
          if (m.fromAddress !== escrow || m.toAddress !== t.recipient) continue;
          if (m.amount.length !== 1 || m.amount[0]!.denom !== this.o.releases.denom || BigInt(m.amount[0]!.amount) !== t.amount) continue;
          return tx.hash.toUpperCase();
        } catch {
          continue;
        }
      }
    }
    return undefined;
  }

  async submit(t: OutboundTransfer, signatures: readonly DestinationSignature[]): Promise<CosmosSubmitResult> {
    const what = `${this.chain} #${t.seq}`;
    const { rpc, releases, logger } = this.o;
    const log = logger.child({ chain: this.chain, seq: t.seq.toString(), transferId: t.transferId });
    // The escrow: the holder (the old escrow until a handover moved the funds), else any known
    // escrow for which the signatures pass its threshold (signed just before a handover).
    const holder = await releases.escrows.holder();
    const candidates = [holder, ...releases.escrows.sets.all().filter((e) => e.address !== holder.address).reverse()];
    let escrow = holder;
    let r = await releases.of(t, holder);
    let valid = this.#validSignatures(signatures, escrow, releaseSignBytes(r));
    for (const e of candidates.slice(1)) {
      if (valid.valid.size >= escrow.threshold) break;
      const re = await releases.of(t, e).catch(() => undefined);
      if (!re) continue;
      const v = this.#validSignatures(signatures, e, releaseSignBytes(re));
      if (v.valid.size >= e.threshold) [escrow, r, valid] = [e, re, v];
    }
    const dropped = valid.dropped;
    if (dropped.length) log.warn({ dropped, escrow: escrow.address }, "signatures left out");

    const done = await this.findExecution(t).catch((e: unknown) => {
      throw rpcError(e, `${what}: tx_search`);
    });
    if (done !== undefined) {
      log.info({ tx: done }, "already executed on the chain");
      return { txHash: done, alreadyProcessed: true, signers: [] };
    }
    if (valid.valid.size < escrow.threshold) {
      throw new CosmosBridgeError("COSMOS_BELOW_THRESHOLD", `${what}: ${valid.valid.size} valid signatures of members of the escrow ${escrow.address}, the multisig needs ${escrow.threshold} of ${escrow.members.length}: waiting for more`, true, {
        valid: valid.valid.size,
        threshold: escrow.threshold,
        dropped,
      });
    }

    // The chain's window: not after expiresAt, not before T − the chain's unordered bound.
    const now = (await rpc.latest()).timeMs;
    const timeoutMs = Number(r.timeout.seconds) * 1000 + Math.floor(r.timeout.nanos / 1e6);
    if (now > timeoutMs) throw new CosmosBridgeError("COSMOS_TRANSFER_EXPIRED", `${what}: the chain's time is past the transfer's timeout (expiresAt ${t.expiresAt}): it can never execute; NexusOS refunds after expiry`, false);
    const bound = (this.o.maxUnorderedTimeoutSeconds ?? DEFAULT_MAX_UNORDERED_TIMEOUT_SECONDS) * 1000;
    if (timeoutMs > now + bound) {
      const retryAfterSeconds = Math.ceil((timeoutMs - bound - now) / 1000);
      throw new CosmosBridgeError("COSMOS_TOO_EARLY", `${what}: expiresAt is more than ${bound / 1000} s ahead of the chain's time; an unordered transaction can be broadcast in ${retryAfterSeconds} s (keep the chain's outboundTtlSeconds within the chain's max unordered timeout)`, true, { retryAfterSeconds });
    }
    await this.#checkFunds(r, what);

    // Exactly `threshold` signatures, the first members' in the multisig's order.
    const chosen = new Map([...valid.valid.entries()].sort((a, b) => a[0] - b[0]).slice(0, escrow.threshold));
    const tx = releaseTx(r, escrow, chosen);
    const signers = [...chosen.keys()].map((i) => escrow.members[i]!);
    let res;
    try {
      res = await rpc.broadcastSync(tx.bytes);
    } catch (e) {
      if (/already exists in cache/i.test(String((e as { data?: string }).data ?? "") + (e as Error).message)) {
        log.info({ tx: tx.hash }, "the same transaction is already in the node's mempool cache");
        return { txHash: tx.hash, alreadyProcessed: false, signers };
      }
      throw rpcError(e, `${what}: broadcast_tx_sync`);
    }
    if (res.code === 0) {
      log.info({ tx: tx.hash, signers, escrow: escrow.address }, "release broadcast");
      return { txHash: tx.hash, alreadyProcessed: false, signers };
    }
    throw this.#refused(what, res);
  }

  /** The members' valid signatures over `signBytes`, by member index; the others with why they were left out. */
  #validSignatures(signatures: readonly DestinationSignature[], escrow: EscrowMultisig, signBytes: Uint8Array): { valid: Map<number, Uint8Array>; dropped: { key: string; why: string }[] } {
    const valid = new Map<number, Uint8Array>();
    const dropped: { key: string; why: string }[] = [];
    for (const s of signatures) {
      const key = s.key.toLowerCase();
      const i = escrow.members.indexOf(key);
      if (i < 0) {
        dropped.push({ key, why: "not a member of the escrow multisig" });
        continue;
      }
      const hex = s.signature.replace(/^0x/i, "").toLowerCase();
      const sig = /^[0-9a-f]{128}$/.test(hex) ? fromHex(hex) : undefined;
      if (!sig || !verifyCosmosSignature(sig, signBytes, fromHex(key))) {
        dropped.push({ key, why: "does not verify over the release's sign bytes (another fee, gas, chain id or escrow in that validator's options?)" });
        continue;
      }
      if (!valid.has(i)) valid.set(i, sig);
    }
    return { valid, dropped };
  }

  async #checkFunds(r: Release, what: string): Promise<void> {
    const { rpc } = this.o;
    const need = new Map<string, bigint>([[r.denom, r.amount]]);
    if (!r.fee.granter) for (const c of r.fee.amount) need.set(c.denom, (need.get(c.denom) ?? 0n) + BigInt(c.amount));
    for (const [denom, amount] of need) {
      const have = await rpc.balance(r.escrow, denom);
      if (have < amount) {
        throw new CosmosBridgeError("COSMOS_INSUFFICIENT_ESCROW", `${what}: the escrow ${r.escrow} holds ${have}${denom}, the release needs ${amount}${denom} (amount and fee): fund it`, true, {
          denom,
          have: have.toString(),
          need: amount.toString(),
        });
      }
    }
  }

  #refused(what: string, res: { code: number; codespace: string; log: string; hash: string }): CosmosBridgeError {
    const details = { codespace: res.codespace, code: res.code, log: res.log, tx: res.hash };
    const e = (code: ConstructorParameters<typeof CosmosBridgeError>[0], msg: string, retryable: boolean) => new CosmosBridgeError(code, `${what}: ${msg} (${res.codespace} ${res.code}: ${res.log})`, retryable, details);
    if (res.codespace === "sdk") {
      switch (res.code) {
        case 42:
          return e("COSMOS_TRANSFER_EXPIRED", "past its timeout: it can never execute", false);
        case 18:
          if (/already passed/.test(res.log)) return e("COSMOS_TRANSFER_EXPIRED", "past its timeout: it can never execute", false);
          if (/ttl exceeds/.test(res.log)) return e("COSMOS_TOO_EARLY", "the timeout is beyond the chain's unordered window", true);
          if (/unordered nonce|already used timeout/i.test(res.log)) return e("COSMOS_TX_REFUSED", "another transaction of this transfer holds its nonce (another relayer's): status() tells when it is in", true);
          return e("COSMOS_TX_REFUSED", "invalid request", false);
        case 5:
          return e("COSMOS_INSUFFICIENT_ESCROW", "the escrow cannot pay", true);
        case 13:
          return e("COSMOS_TX_REFUSED", "the fee is below the node's minimum gas prices: raise the family's fee", true);
        case 37:
          return e("COSMOS_TX_REFUSED", "the chain does not accept unordered transactions (Cosmos SDK ≥ 0.53 with unordered transactions enabled is required)", false);
        case 4:
        case 8:
          return e("COSMOS_TX_REFUSED", "the multisig or its signatures were refused", false);
        case 14:
          return e("COSMOS_TX_REFUSED", "the multisig has more keys than the chain's tx_sig_limit", false);
      }
    }
    return e("COSMOS_TX_REFUSED", "refused by the chain", true);
  }
}
