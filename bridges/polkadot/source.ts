import type { Logger } from "pino";
import { u8aToHex } from "@polkadot/util";
import { decodeAddress } from "@polkadot/util-crypto";
import type { Call } from "@polkadot/types/interfaces";
import { isAddress } from "../../runtime/crypto/address.ts";
import type { ObservedTransfer, SourceWatcher } from "../core/types.ts";
import type { SubstrateChain } from "./chain.ts";
import { PolkadotError } from "./errors.ts";

/** seq = block × 10⁶ + extrinsic index × 10² + transfer index in the extrinsic + 1 (docs/bridges.md "Polkadot"). */
export const SEQ_PER_BLOCK = 1_000_000n;
export const SEQ_PER_EXTRINSIC = 100n;
export const MAX_EXTRINSIC_INDEX = 9_999;
export const MAX_TRANSFER_INDEX = 99;
export const MAX_BLOCK = (BigInt(Number.MAX_SAFE_INTEGER) - SEQ_PER_BLOCK + 1n) / SEQ_PER_BLOCK;

export function inboundSeq(block: bigint, extrinsicIndex: number, transferIndex: number): bigint {
  return block * SEQ_PER_BLOCK + BigInt(extrinsicIndex) * SEQ_PER_EXTRINSIC + BigInt(transferIndex) + 1n;
}

const BATCHES = new Set(["batch", "batchAll", "forceBatch"]);

/** Remark texts anywhere in a call (through utility batches and proxy.proxy). */
export function remarksOf(call: Call): string[] {
  const { section, method } = call;
  if (section === "system" && (method === "remark" || method === "remarkWithEvent")) {
    const bytes = (call.args[0] as unknown as { toU8a(bare: boolean): Uint8Array }).toU8a(true);
    return [new TextDecoder("utf-8", { fatal: false }).decode(bytes)];
  }
  if (section === "utility" && BATCHES.has(method)) return (call.args[0] as unknown as Call[]).flatMap(remarksOf);
  if (section === "proxy" && method === "proxy") return remarksOf(call.args[call.args.length - 1] as unknown as Call);
  return [];
}

/**
 * Reads deposits to the bridge multisig on a Substrate chain (chain → NexusOS): assets.Transferred
 * events of the NXT asset to a bridge multisig account (the current one or one it replaced), in
 * successful extrinsics of blocks at or
 * below the finalized head (less `confirmations`), whose call carries a remark naming the nxs1…
 * recipient (utility.batch_all([assets.transfer_keep_alive(…), system.remark("nxs1…")]) is
 * the usual form). Each transfer gets a seq every validator derives alike (inboundSeq: its index
 * counts every Transferred event of the asset in the extrinsic, so the seq does not depend on
 * which bridge accounts a watcher knows). A
 * deposit without a remark naming exactly one NexusOS address is not reported (nothing can be
 * credited): it is logged as an error with block, extrinsic, sender and amount; the asset stays
 * in the multisig account, never lost.
 */
export class SubstrateSourceWatcher implements SourceWatcher {
  readonly chain: string;

  constructor(private readonly o: { readonly chain: string; readonly client: SubstrateChain; readonly assetId: string; readonly isBridgeAccount: (account: string) => boolean; readonly confirmations: number; readonly logger: Logger }) {
    if (!Number.isSafeInteger(o.confirmations) || o.confirmations < 0) throw new RangeError("confirmations must be a non-negative integer");
    this.chain = o.chain;
  }

  async finalHeight(): Promise<bigint> {
    const f = (await this.o.client.finalizedNumber()) - BigInt(this.o.confirmations);
    return f > 0n ? f : 0n;
  }

  async transfers(fromHeight: bigint, toHeight: bigint): Promise<ObservedTransfer[]> {
    if (toHeight <= fromHeight) return [];
    const final = await this.finalHeight();
    if (toHeight > final) throw new PolkadotError("POLKADOT_NOT_FINAL", `${this.chain}: blocks up to ${toHeight} asked, but only ${final} is final`, { finalHeight: final.toString() });
    const out: ObservedTransfer[] = [];
    for (let n = fromHeight + 1n; n <= toHeight; n++) out.push(...(await this.#inBlock(n)));
    return out;
  }

  async #inBlock(n: bigint): Promise<ObservedTransfer[]> {
    const b = await this.o.client.block(n);
    const ok = new Set<number>();
    const deposits = new Map<number, { from: string; amount: bigint; k: number }[]>();
    const transfersIn = new Map<number, number>();
    for (const { phase, event } of b.events) {
      if (!phase.isApplyExtrinsic) continue;
      const i = phase.asApplyExtrinsic.toNumber();
      if (event.section === "system" && event.method === "ExtrinsicSuccess") ok.add(i);
      if (event.section !== "assets" || event.method !== "Transferred") continue;
      const [asset, from, to, amount] = event.data as unknown as [{ toString(): string }, Uint8Array, Uint8Array, { toBigInt(): bigint }];
      if (asset.toString() !== this.o.assetId) continue;
      const k = transfersIn.get(i) ?? 0;
      transfersIn.set(i, k + 1);
      if (!this.o.isBridgeAccount(u8aToHex(to))) continue;
      const list = deposits.get(i) ?? [];
      list.push({ from: u8aToHex(from), amount: amount.toBigInt(), k });
      deposits.set(i, list);
    }
    const out: ObservedTransfer[] = [];
    for (const [i, list] of [...deposits.entries()].sort((x, y) => x[0] - y[0])) {
      if (!ok.has(i)) continue; // a failed extrinsic moved nothing
      const xt = b.extrinsics[i]!;
      const sourceTx = `${b.hash}:${i}`;
      const names = [...new Set(remarksOf(xt.method as unknown as Call).map((r) => r.trim()).filter((r) => isAddress(r)))];
      list.forEach(({ k, ...d }) => {
        const seen = { chain: this.chain, block: n.toString(), blockHash: b.hash, extrinsic: i, extrinsicHash: xt.hash.toHex(), sender: d.from, amount: d.amount.toString() };
        if (i > MAX_EXTRINSIC_INDEX || k > MAX_TRANSFER_INDEX || n > MAX_BLOCK) {
          this.o.logger.error(seen, `deposit NOT CREDITED: its position (extrinsic ≤ ${MAX_EXTRINSIC_INDEX}, transfer ≤ ${MAX_TRANSFER_INDEX}, block ≤ ${MAX_BLOCK}) has no seq; the asset is held by the bridge multisig`);
          return;
        }
        if (names.length !== 1) {
          this.o.logger.error({ ...seen, remarks: names }, names.length ? "deposit NOT CREDITED: the remarks name more than one NexusOS address; the asset is held by the bridge multisig" : "deposit NOT CREDITED: no remark of the extrinsic names a NexusOS (nxs1…) address; the asset is held by the bridge multisig");
          return;
        }
        out.push({ sourceChain: this.chain, seq: inboundSeq(n, i, k), sender: d.from, recipient: names[0]!, amount: d.amount, sourceTx, height: n });
      });
    }
    return out;
  }
}

/** 0x + 64 hex of an SS58 address or 0x hex account. */
export function accountHex(a: string): string {
  return /^0x[0-9a-fA-F]{64}$/.test(a) ? a.toLowerCase() : u8aToHex(decodeAddress(a));
}
