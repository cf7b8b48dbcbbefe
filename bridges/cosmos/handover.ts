import type { Logger } from "pino";
import { encodeSecp256k1Pubkey, pubkeyToAddress } from "@cosmjs/amino";
import { encodePubkey } from "@cosmjs/proto-signing";
import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { AuthInfo, SignDoc, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { fromHex, toHex } from "../../runtime/crypto/hash.ts";
import type { FamilyUpkeep } from "../core/families.ts";
import type { CosmosRpc } from "./client.ts";
import type { EscrowMultisig } from "./escrow.ts";
import { CosmosBridgeError, rpcError } from "./errors.ts";
import { verifyCosmosSignature, type CosmosKey } from "./keys.ts";
import type { Escrows } from "./sets.ts";
import { aminoJsonBytes, MSG_SEND_TYPE_URL, multisigTx, txHash, type Coin, type ReleaseFee } from "./signdoc.ts";

/**
 * The handover of the escrowed funds after NexusOS's cosmos key set changed (a validator left
 * or joined, or rotated its key): the OLD escrow multisig sends what it holds to the NEW one.
 *
 *   TxBody   { messages: [MsgSend { from: old, to: new, amount: [old's whole balance of the
 *              bridged denom, + its fee-denom balance less this transaction's fee] }],
 *              memo: "nexusos-handover to <new>" }            (ordered: no unordered, no timeout)
 *   AuthInfo { signer_infos: [{ old's LegacyAminoPubKey, multi { bitarray, k_old × LEGACY_AMINO_JSON },
 *              sequence: the old escrow's account sequence }], fee: the family's fee }
 *
 * Signed like a release (LEGACY_AMINO_JSON, so each member signs alone and any k_old signatures
 * combine), but ORDERED: the sign document holds the old account's sequence s. Exactly once: the
 * chain accepts one transaction with sequence s from the old account; once one handover is in
 * (whichever relayer, whichever subset), every other signature set for s is refused (sdk 32:
 * the sequence moved), and the next plan finds the bridged balance at zero (nothing to do).
 * Releases are unordered (sequence 0, never moved by them), so the two never conflict.
 *
 * The signatures travel on the Cosmos chain itself — the old members may no longer be NexusOS
 * validators (a validator that left cannot send NexusOS transactions), as on Polkadot where each
 * signatory approves from its own account: each old member's watcher posts its signature in the
 * memo of a 1-unit bank send to itself from its own account (the address of its cosmos key,
 * which pays the fee), and a relayer reads the posts, checks each signature against the
 * handover it builds from the chain's state now, and broadcasts once k_old verify. A post is
 * authenticated by its signature alone, never by who posted it. The handover's amounts follow
 * the old escrow's balances: while they change (a release, a deposit), members sign again and
 * the relayer waits until k_old signatures agree.
 */
export const HANDOVER_MEMO_PREFIX = "nexusos-handover to ";
export const POST_MEMO_PREFIX = "nexusos-handover-signature ";

export interface Handover {
  readonly chainId: string;
  readonly accountNumber: bigint;
  readonly sequence: bigint;
  readonly from: string;
  readonly to: string;
  /** Sorted by denom (sdk.Coins must be). */
  readonly coins: readonly Coin[];
  readonly memo: string;
  readonly fee: ReleaseFee;
}

export function handoverSignBytes(h: Handover): Uint8Array {
  return aminoJsonBytes({
    account_number: h.accountNumber.toString(),
    chain_id: h.chainId,
    fee: { amount: h.fee.amount.map((c) => ({ amount: c.amount, denom: c.denom })), gas: h.fee.gas.toString(), ...(h.fee.granter ? { granter: h.fee.granter } : {}) },
    memo: h.memo,
    msgs: [{ type: "cosmos-sdk/MsgSend", value: { amount: h.coins.map((c) => ({ amount: c.amount, denom: c.denom })), from_address: h.from, to_address: h.to } }],
    sequence: h.sequence.toString(),
  });
}

export function handoverBody(h: Handover): Uint8Array {
  return TxBody.encode(
    TxBody.fromPartial({ messages: [{ typeUrl: MSG_SEND_TYPE_URL, value: MsgSend.encode(MsgSend.fromPartial({ fromAddress: h.from, toAddress: h.to, amount: h.coins.map((c) => ({ ...c })) })).finish() }], memo: h.memo }),
  ).finish();
}

/** The broadcastable handover, signed by the old escrow's members given by member index. */
export function handoverTx(h: Handover, old: EscrowMultisig, signatures: ReadonlyMap<number, Uint8Array>): { bytes: Uint8Array; hash: string } {
  return multisigTx(handoverBody(h), old, signatures, h.fee, h.sequence);
}

/** A member's account on the chain: the address of its cosmos key. */
export function memberAddress(publicKeyHex: string, prefix: string): string {
  return pubkeyToAddress(encodeSecp256k1Pubkey(fromHex(publicKeyHex)), prefix);
}

/**
 * What `from` hands over to `to` now, from the chain's state: null when it holds none of the
 * bridged denom. Throws COSMOS_INSUFFICIENT_ESCROW (retryable) when it cannot pay the fee.
 */
export async function planHandover(rpc: CosmosRpc, o: { chain: string; chainId: string; denom: string; fee: ReleaseFee }, from: EscrowMultisig, to: string): Promise<Handover | null> {
  const bal = await rpc.balance(from.address, o.denom);
  if (bal === 0n) return null;
  const acc = await rpc.account(from.address);
  if (!acc) return null;
  const need = new Map<string, bigint>();
  if (!o.fee.granter) for (const c of o.fee.amount) need.set(c.denom, (need.get(c.denom) ?? 0n) + BigInt(c.amount));
  const coins: Coin[] = [];
  for (const d of [...new Set([o.denom, ...need.keys()])].sort()) {
    const have = d === o.denom ? bal : await rpc.balance(from.address, d);
    const left = have - (need.get(d) ?? 0n);
    if (left < 0n) {
      throw new CosmosBridgeError(
        "COSMOS_INSUFFICIENT_ESCROW",
        `${o.chain}: the old escrow ${from.address} holds ${bal}${o.denom} to hand over to ${to} but only ${have}${d} for the handover's fee ${need.get(d)}${d}: send it the fee denom`,
        true,
        { escrow: from.address, denom: d, have: have.toString(), need: (need.get(d) ?? 0n).toString() },
      );
    }
    if (left > 0n) coins.push({ denom: d, amount: left.toString() });
  }
  if (!coins.some((c) => c.denom === o.denom)) return null; // the fee would take it all
  return { chainId: o.chainId, accountNumber: acc.accountNumber, sequence: acc.sequence, from: from.address, to, coins, memo: `${HANDOVER_MEMO_PREFIX}${to}`, fee: o.fee };
}

/**
 * The family's upkeep (FamilyChain.upkeep), once per watcher or relayer pass: follow NexusOS's
 * key set (the current escrow, remembered in EscrowSets), and for every older known escrow that
 * still holds the bridged denom —
 *
 * - watcher, key a member of that old escrow: sign the handover and post the signature (once
 *   per distinct handover: signatures are deterministic, so an identical post already on the
 *   chain is found and not repeated — also after a restart);
 * - relayer: gather the posted signatures that verify, and broadcast the handover once the old
 *   threshold of them exists.
 *
 * Everything is read from the chain each pass, so a restart resumes where the chain is.
 */
export class HandoverUpkeep {
  constructor(
    private readonly o: {
      readonly chain: string;
      readonly rpc: CosmosRpc;
      readonly escrows: Escrows;
      readonly chainId: string;
      readonly prefix: string;
      readonly denom: string;
      readonly fee: ReleaseFee;
      readonly key?: CosmosKey;
      /** The escrow of NexusOS's key set now (pinned by the options, or read each pass). */
      readonly current: (u: FamilyUpkeep) => Promise<EscrowMultisig>;
      readonly logger: Logger;
    },
  ) {}

  async run(u: FamilyUpkeep): Promise<void> {
    const { escrows, logger, chain } = this.o;
    escrows.setCurrent(await this.o.current(u));
    const to = escrows.current;
    const errors: string[] = [];
    for (const old of escrows.sets.all()) {
      if (old.address === to.address) continue;
      try {
        const h = await planHandover(this.o.rpc, this.o, old, to.address);
        if (!h) continue;
        if (u.role === "watcher") await this.sign(old, h);
        else await this.broadcast(old, h);
      } catch (e) {
        const err = e instanceof CosmosBridgeError ? e : rpcError(e, `${chain}: handover from ${old.address}`);
        logger.warn({ chain, from: old.address, to: to.address, code: err.code, err: err.message }, "handover step failed (retried next pass)");
        errors.push(err.message);
      }
    }
    if (errors.length) throw new CosmosBridgeError("COSMOS_HANDOVER_FAILED", `${chain}: ${errors.length} handover step(s) failed this pass: ${errors.join("; ")}`, true, { errors });
  }

  /** The signatures posted by `address` (hex), newest last. */
  async posts(address: string): Promise<string[]> {
    const txs = await this.o.rpc.searchTx(`transfer.sender='${address}' AND transfer.recipient='${address}'`);
    const out: string[] = [];
    for (const tx of txs) {
      if (tx.code !== 0) continue;
      try {
        const memo = TxBody.decode(TxRaw.decode(tx.tx).bodyBytes).memo;
        if (memo.startsWith(POST_MEMO_PREFIX)) out.push(memo.slice(POST_MEMO_PREFIX.length).trim().toLowerCase());
      } catch {
        continue;
      }
    }
    return out;
  }

  private async sign(old: EscrowMultisig, h: Handover): Promise<void> {
    const { key, logger, chain } = this.o;
    const log = { chain, from: old.address, to: h.to, sequence: h.sequence.toString(), coins: h.coins };
    if (!key || !old.members.includes(key.publicKeyHex)) {
      logger.debug(log, "handover pending: this validator's key is not a member of the old escrow; its members sign it");
      return;
    }
    const sig = toHex(key.sign(handoverSignBytes(h)));
    const me = memberAddress(key.publicKeyHex, this.o.prefix);
    if ((await this.posts(me)).includes(sig)) return; // already posted: deterministic signatures
    const posted = await this.post(me, sig);
    if (posted) logger.info({ ...log, member: me, tx: posted }, "handover: signed the old escrow's transfer to the new escrow and posted the signature on the chain");
  }

  /** Posts `sig` in the memo of a 1-unit send from the member's account to itself; the tx hash, or null when a post of this member is already pending. */
  private async post(me: string, sig: string): Promise<string | null> {
    const { rpc, fee, key } = this.o;
    const what = `${this.o.chain}: handover signature of ${me}`;
    const acc = await rpc.account(me);
    const denom = fee.amount[0]?.denom ?? this.o.denom;
    const need = new Map<string, bigint>([[denom, 1n]]);
    for (const c of fee.amount) need.set(c.denom, (need.get(c.denom) ?? 0n) + BigInt(c.amount));
    for (const [d, n] of need) {
      const have = acc ? await rpc.balance(me, d) : 0n;
      if (have < n) {
        throw new CosmosBridgeError("COSMOS_MEMBER_UNFUNDED", `${what}: this validator's account ${me} holds ${have}${d}, posting its handover signature needs ${n}${d} (the fee and 1 unit): send it some`, true, {
          account: me,
          denom: d,
          have: have.toString(),
          need: n.toString(),
        });
      }
    }
    const bodyBytes = TxBody.encode(
      TxBody.fromPartial({ messages: [{ typeUrl: MSG_SEND_TYPE_URL, value: MsgSend.encode(MsgSend.fromPartial({ fromAddress: me, toAddress: me, amount: [{ denom, amount: "1" }] })).finish() }], memo: `${POST_MEMO_PREFIX}${sig}` }),
    ).finish();
    const authInfoBytes = AuthInfo.encode(
      AuthInfo.fromPartial({
        signerInfos: [{ publicKey: encodePubkey(encodeSecp256k1Pubkey(key!.publicKey)), modeInfo: { single: { mode: SignMode.SIGN_MODE_DIRECT } }, sequence: acc!.sequence }],
        fee: { amount: fee.amount.map((c) => ({ ...c })), gasLimit: fee.gas, payer: "", granter: "" },
      }),
    ).finish();
    const signDoc = SignDoc.encode(SignDoc.fromPartial({ bodyBytes, authInfoBytes, chainId: this.o.chainId, accountNumber: acc!.accountNumber })).finish();
    const bytes = TxRaw.encode(TxRaw.fromPartial({ bodyBytes, authInfoBytes, signatures: [key!.sign(signDoc)] })).finish();
    const res = await this.#broadcast(bytes, what);
    if (res === "cached" || (res.codespace === "sdk" && res.code === 32)) return null; // a post of ours is in the mempool
    if (res.code !== 0) throw new CosmosBridgeError("COSMOS_TX_REFUSED", `${what}: refused by the chain (${res.codespace} ${res.code}: ${res.log})`, true, { codespace: res.codespace, code: res.code, log: res.log });
    return txHash(bytes);
  }

  private async broadcast(old: EscrowMultisig, h: Handover): Promise<void> {
    const { logger, chain } = this.o;
    const log = { chain, from: old.address, to: h.to, sequence: h.sequence.toString(), coins: h.coins };
    const signBytes = handoverSignBytes(h);
    const valid = new Map<number, Uint8Array>();
    for (const [i, m] of old.members.entries()) {
      for (const hex of (await this.posts(memberAddress(m, this.o.prefix))).reverse()) {
        const sig = /^[0-9a-f]{128}$/.test(hex) ? fromHex(hex) : undefined;
        if (sig && verifyCosmosSignature(sig, signBytes, fromHex(m))) {
          valid.set(i, sig);
          break;
        }
      }
    }
    if (valid.size < old.threshold) {
      logger.info({ ...log, valid: valid.size, threshold: old.threshold }, "handover pending: waiting for the old escrow's members' signatures of this handover");
      return;
    }
    const chosen = new Map([...valid.entries()].sort((a, b) => a[0] - b[0]).slice(0, old.threshold));
    const tx = handoverTx(h, old, chosen);
    const signers = [...chosen.keys()].map((i) => old.members[i]!);
    const res = await this.#broadcast(tx.bytes, `${chain}: handover from ${old.address}`);
    if (res === "cached") return void logger.info({ ...log, tx: tx.hash }, "handover: the same transaction is already in the node's mempool cache");
    if (res.code === 0) return void logger.info({ ...log, tx: tx.hash, signers }, "handover broadcast: the old escrow's funds move to the new escrow");
    if (res.codespace === "sdk" && res.code === 32) return void logger.info({ ...log, log: res.log }, "handover: the old escrow's sequence moved (another relayer's handover is in): nothing to do");
    if (res.codespace === "sdk" && res.code === 5) return void logger.info({ ...log, log: res.log }, "handover: the old escrow's balance changed since the plan (a release or another handover): planned again next pass");
    throw new CosmosBridgeError("COSMOS_HANDOVER_FAILED", `${chain}: the handover from ${old.address} to ${h.to} was refused (${res.codespace} ${res.code}: ${res.log})`, true, { codespace: res.codespace, code: res.code, log: res.log, tx: res.hash });
  }

  async #broadcast(bytes: Uint8Array, what: string): Promise<"cached" | { code: number; codespace: string; log: string; hash: string }> {
    try {
      return await this.o.rpc.broadcastSync(bytes);
    } catch (e) {
      if (/already exists in cache/i.test(String((e as { data?: string }).data ?? "") + (e as Error).message)) return "cached";
      throw rpcError(e, `${what}: broadcast_tx_sync`);
    }
  }
}
