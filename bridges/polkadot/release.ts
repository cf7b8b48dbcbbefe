import { u8aToHex, stringToU8a } from "@polkadot/util";
import { blake2AsU8a, decodeAddress } from "@polkadot/util-crypto";
import type { OutboundTransfer } from "../core/types.ts";
import type { Extrinsic, SubstrateChain } from "./chain.ts";
import { PolkadotError } from "./errors.ts";
import type { BridgeMultisig } from "./multisig.ts";

/**
 * The calls the validators' multisig makes on the chain (docs/bridges.md "Polkadot"):
 *
 * - release of outbound <seq>: utility.batch_all([uniques.mint(receipts, seq, multisig),
 *   assets.mint(asset, recipient, amount), system.remark_with_event("nexusos:<transferId>")]).
 *   The receipt item is the on-chain "processed" mark: batch_all is atomic, and a second mint of
 *   item <seq> fails, so a release executes at most once however often it is approved again;
 * - void of outbound <seq>, approved only after NexusOS's clock passed expiresAt:
 *   uniques.mint(receipts, seq, VOID_ACCOUNT). Once it executes, the release can never execute,
 *   so NexusOS may refund: "expired" on this chain means voided, whatever its own clock says;
 * - setup: assets.create(asset, multisig, 1) + set_metadata("NexusOS NXT", "NXT", 8) +
 *   uniques.create(receipts, multisig), when they do not exist yet.
 *
 * Every validator builds the same bytes, hence the same call hash: pallet-multisig gathers the
 * approvals of one call hash, and executes it at the threshold's last approval.
 */

/** Owner of void receipts: blake2_256("nexusos/bridge/void"), an account nobody has a key for. */
export const VOID_ACCOUNT = u8aToHex(blake2AsU8a(stringToU8a("nexusos/bridge/void"), 256));
export const ASSET_NAME = "NexusOS NXT";
export const ASSET_SYMBOL = "NXT";
/** NXT's base units: 8 decimals on every side. */
export const ASSET_DECIMALS = 8;
/** uniques item ids are u32. */
export const MAX_SEQ = 0xffff_ffffn;

export interface BridgedAsset {
  readonly assetId: string;
  readonly receiptCollection: string;
  readonly multisig: BridgeMultisig;
}

/** 0x + 64 hex of a recipient given as SS58 (any prefix; NexusOS checked its own) or 0x + 64 hex. */
export function recipientAccount(recipient: string): string {
  if (/^0x[0-9a-fA-F]{64}$/.test(recipient)) return recipient.toLowerCase();
  return u8aToHex(decodeAddress(recipient));
}

export function checkTransfer(chain: string, t: OutboundTransfer): void {
  const bad = (msg: string) => new PolkadotError("POLKADOT_BAD_TRANSFER", `${chain} #${t.seq}: ${msg}`, { chain, seq: t.seq.toString() });
  if (t.destChain !== chain) throw bad(`the transfer is for chain "${t.destChain}"`);
  if ((t.kind ?? "transfer") !== "transfer") throw bad(`a "${t.kind}" record: Substrate chains do not deliver BHLS`);
  if (t.seq < 1n || t.seq > MAX_SEQ) throw bad(`seq out of the receipt collection's u32 item ids`);
  if (t.amount <= 0n) throw bad("amount must be positive");
  if (!/^[0-9a-f]{64}$/.test(t.transferId)) throw bad("transferId is not 64 hex digits");
  try {
    recipientAccount(t.recipient);
  } catch (e) {
    throw bad(`recipient "${t.recipient}": ${(e as Error).message}`);
  }
}

export function releaseCall(c: SubstrateChain, a: BridgedAsset, t: OutboundTransfer): Extrinsic {
  checkTransfer(c.chainName, t);
  const tx = c.api.tx;
  return tx.utility.batchAll([
    tx.uniques.mint(a.receiptCollection, t.seq, { Id: a.multisig.account }),
    tx.assets.mint(a.assetId, { Id: recipientAccount(t.recipient) }, t.amount),
    tx.system.remarkWithEvent(`nexusos:${t.transferId}`),
  ]);
}

export function voidCall(c: SubstrateChain, a: BridgedAsset, seq: bigint): Extrinsic {
  if (seq < 1n || seq > MAX_SEQ) throw new PolkadotError("POLKADOT_BAD_TRANSFER", `${c.chainName} #${seq}: seq out of the receipt collection's u32 item ids`);
  return c.api.tx.uniques.mint(a.receiptCollection, seq, { Id: VOID_ACCOUNT });
}

/** The setup calls still needed (none when the asset and the collection exist). */
export async function setupCall(c: SubstrateChain, a: BridgedAsset): Promise<Extrinsic | undefined> {
  const s = await setupState(c, a);
  const calls: Extrinsic[] = [];
  if (!s.asset) calls.push(c.api.tx.assets.create(a.assetId, { Id: a.multisig.account }, 1), c.api.tx.assets.setMetadata(a.assetId, ASSET_NAME, ASSET_SYMBOL, ASSET_DECIMALS));
  if (!s.collection) calls.push(c.api.tx.uniques.create(a.receiptCollection, { Id: a.multisig.account }));
  return calls.length ? c.api.tx.utility.batchAll(calls) : undefined;
}

interface Owned {
  owner: string;
  admin: string;
  issuer: string;
}

/**
 * Whether the NXT asset and the receipt collection exist, and who holds them. Throws
 * POLKADOT_ASSET_NOT_BRIDGED when one exists but the multisig is not its owner, admin and
 * issuer: someone else could mint or burn, and the bridge must not run on it.
 */
export async function setupState(c: SubstrateChain, a: BridgedAsset): Promise<{ asset: boolean; collection: boolean }> {
  const [asset, collection] = await c.read("asset and receipt collection", async () => [
    (await c.api.query.assets.asset(a.assetId)).toJSON() as Owned | null,
    (await c.api.query.uniques.class(a.receiptCollection)).toJSON() as Owned | null,
  ]);
  const ms = a.multisig.account;
  const own = (o: Owned | null, what: string) => {
    if (!o) return false;
    const holders = [o.owner, o.admin, o.issuer].map((x) => recipientAccount(x));
    if (holders.some((h) => h !== ms)) {
      throw new PolkadotError("POLKADOT_ASSET_NOT_BRIDGED", `${c.chainName}: ${what} exists, but its owner/admin/issuer (${holders.join(", ")}) is not the bridge multisig ${a.multisig.address}: choose another id in NexusOS's settings, or hand it over to the multisig`, {
        chain: c.chainName,
      });
    }
    return true;
  };
  return { asset: own(asset, `asset ${a.assetId}`), collection: own(collection, `uniques collection ${a.receiptCollection}`) };
}

/** The receipt of outbound <seq>: "done" (released), "void" (voided after expiry), or none. */
export async function receiptOf(c: SubstrateChain, a: BridgedAsset, seq: bigint): Promise<"done" | "void" | undefined> {
  const item = (await c.read(`receipt ${seq}`, () => c.api.query.uniques.asset(a.receiptCollection, seq))).toJSON() as { owner: string } | null;
  if (!item) return undefined;
  const owner = recipientAccount(item.owner);
  if (owner === VOID_ACCOUNT) return "void";
  // Anything else was minted by the multisig's release (owner: the multisig itself).
  return "done";
}
