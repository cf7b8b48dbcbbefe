import { u8aToHex, stringToU8a } from "@polkadot/util";
import { blake2AsU8a, decodeAddress } from "@polkadot/util-crypto";
import type { OutboundTransfer } from "../core/types.ts";
import type { Extrinsic, SubstrateChain } from "./chain.ts";
import { PolkadotError } from "./errors.ts";
import type { BridgeMultisig } from "./multisig.ts";

/**
 * The calls the validators' multisig makes on the chain (docs/bridges.md "Polkadot"):
 *
 * - release of outbound <seq>: utility.batch_all([uniques.mint(receipts, seq, RECEIPT_ACCOUNT),
 *   assets.mint(asset, recipient, amount), system.remark_with_event("nexusos:<transferId>")]).
 *   The receipt item is the on-chain "processed" mark: batch_all is atomic, and a second mint of
 *   item <seq> fails, so a release executes at most once however often it is approved again;
 * - void of outbound <seq>, approved only after NexusOS's clock passed expiresAt:
 *   uniques.mint(receipts, seq, VOID_ACCOUNT). Once it executes, the release can never execute,
 *   so NexusOS may refund: "expired" on this chain means voided, whatever its own clock says;
 * - setup: assets.create(asset, multisig, 1) + set_metadata("NexusOS NXT", "NXT", 8) +
 *   uniques.create(receipts, multisig), when they do not exist yet;
 * - handover, when NexusOS's key set (hence the multisig) changed: the new multisig first accepts
 *   the collection (uniques.set_accept_ownership), then the old one hands both over
 *   (set_team + transfer_ownership of the asset and of the collection, in one batch_all).
 *
 * Receipts belong to keyless accounts, so nobody can burn one (and free its id) but the
 * collection's admin, the multisig. The release and void calls name no multisig: every
 * validator builds the same bytes whichever multisig holds the asset, hence the same call hash,
 * under which pallet-multisig gathers approvals and executes at the threshold's last one.
 */

/** Owner of release receipts: blake2_256("nexusos/bridge/receipt"), an account nobody has a key for. */
export const RECEIPT_ACCOUNT = u8aToHex(blake2AsU8a(stringToU8a("nexusos/bridge/receipt"), 256));
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
    tx.uniques.mint(a.receiptCollection, t.seq, { Id: RECEIPT_ACCOUNT }),
    tx.assets.mint(a.assetId, { Id: recipientAccount(t.recipient) }, t.amount),
    tx.system.remarkWithEvent(`nexusos:${t.transferId}`),
  ]);
}

export function voidCall(c: SubstrateChain, a: BridgedAsset, seq: bigint): Extrinsic {
  if (seq < 1n || seq > MAX_SEQ) throw new PolkadotError("POLKADOT_BAD_TRANSFER", `${c.chainName} #${seq}: seq out of the receipt collection's u32 item ids`);
  return c.api.tx.uniques.mint(a.receiptCollection, seq, { Id: VOID_ACCOUNT });
}

/** The calls creating what `h` says is missing, owned by `multisig` (0x account); undefined when nothing is. */
export function setupCall(c: SubstrateChain, a: BridgedAsset, h: Holders, multisig: string): Extrinsic | undefined {
  const calls: Extrinsic[] = [];
  if (!h.asset) calls.push(c.api.tx.assets.create(a.assetId, { Id: multisig }, 1), c.api.tx.assets.setMetadata(a.assetId, ASSET_NAME, ASSET_SYMBOL, ASSET_DECIMALS));
  if (!h.collection) calls.push(c.api.tx.uniques.create(a.receiptCollection, { Id: multisig }));
  return calls.length ? c.api.tx.utility.batchAll(calls) : undefined;
}

/** Step 1 of a handover, by the NEW multisig: accept the receipt collection. */
export function acceptCall(c: SubstrateChain, a: BridgedAsset): Extrinsic {
  return c.api.tx.uniques.setAcceptOwnership(a.receiptCollection);
}

/** Step 2, by the OLD multisig once the new one accepted: the asset and the collection to `to`. */
export function handoverCall(c: SubstrateChain, a: BridgedAsset, to: string): Extrinsic {
  const tx = c.api.tx;
  const id = { Id: to };
  return tx.utility.batchAll([
    tx.assets.setTeam(a.assetId, id, id, id),
    tx.assets.transferOwnership(a.assetId, id),
    tx.uniques.setTeam(a.receiptCollection, id, id, id),
    tx.uniques.transferOwnership(a.receiptCollection, id),
  ]);
}

/** Who holds the asset and the collection: the one account that is owner, admin and issuer of each (undefined: missing). */
export interface Holders {
  readonly asset?: string;
  readonly collection?: string;
}

interface Owned {
  owner: string;
  admin: string;
  issuer: string;
}

/**
 * The holders of the NXT asset and the receipt collection. Throws POLKADOT_ASSET_NOT_BRIDGED
 * when one exists but its owner, admin and issuer are not one account, or the two are held by
 * different accounts: then someone other than one multisig could mint or burn, and the bridge
 * must not run on it.
 */
export async function holdersOf(c: SubstrateChain, a: BridgedAsset): Promise<Holders> {
  const [asset, collection] = await c.read("asset and receipt collection", async () => [
    (await c.api.query.assets.asset(a.assetId)).toJSON() as Owned | null,
    (await c.api.query.uniques.class(a.receiptCollection)).toJSON() as Owned | null,
  ]);
  const bad = (msg: string) => new PolkadotError("POLKADOT_ASSET_NOT_BRIDGED", `${c.chainName}: ${msg}: choose other ids in NexusOS's settings, or hand them over to the bridge multisig`, { chain: c.chainName });
  const holder = (o: Owned | null, what: string): string | undefined => {
    if (!o) return undefined;
    const hs = [o.owner, o.admin, o.issuer].map((x) => recipientAccount(x));
    if (hs.some((h) => h !== hs[0])) throw bad(`${what}'s owner/admin/issuer are ${hs.join(", ")}, not one multisig`);
    return hs[0];
  };
  const h = { asset: holder(asset, `asset ${a.assetId}`), collection: holder(collection, `uniques collection ${a.receiptCollection}`) };
  if (h.asset && h.collection && h.asset !== h.collection) throw bad(`asset ${a.assetId} is held by ${h.asset} and collection ${a.receiptCollection} by ${h.collection}`);
  return { ...(h.asset ? { asset: h.asset } : {}), ...(h.collection ? { collection: h.collection } : {}) };
}

/** The collection `account` accepted to receive (uniques OwnershipAcceptance), if any. */
export async function acceptedBy(c: SubstrateChain, account: string): Promise<string | undefined> {
  const v = (await c.read("ownership acceptance", () => c.api.query.uniques.ownershipAcceptance(account))).toJSON() as number | string | null;
  return v === null ? undefined : String(v);
}

/** The receipt of outbound <seq>: "done" (released), "void" (voided after expiry), or none. */
export async function receiptOf(c: SubstrateChain, a: BridgedAsset, seq: bigint): Promise<"done" | "void" | undefined> {
  const item = (await c.read(`receipt ${seq}`, () => c.api.query.uniques.asset(a.receiptCollection, seq))).toJSON() as { owner: string } | null;
  if (!item) return undefined;
  // Only the multisig mints receipts; only its release names RECEIPT_ACCOUNT.
  return recipientAccount(item.owner) === VOID_ACCOUNT ? "void" : "done";
}
