import type { DestinationSigner, OutboundTransfer } from "../core/types.ts";
import { fromHex, toHex } from "../../runtime/crypto/hash.ts";
import { verifyCosmosSignature, type CosmosKey } from "./keys.ts";
import { releaseSignBytes } from "./signdoc.ts";
import type { Releases } from "./transfer.ts";

/**
 * A validator's Cosmos attestation key: signs the escrow's release of an outbound transfer
 * (signdoc.ts) as a member of the escrow multisig, in SIGN_MODE_LEGACY_AMINO_JSON. The
 * signature is 64 bytes r‖s (low s), 128 hex digits: what MsgSignOutbound carries for cosmos
 * (NexusOS checks its format only; the Cosmos chain verifies it, and so does the relayer before
 * it assembles the multisig).
 */
export class CosmosDestinationSigner implements DestinationSigner {
  readonly chain: string;
  /** The compressed public key, 66 lowercase hex: registered with MsgRegisterAttestationKey {family: "cosmos"}. */
  readonly key: string;
  readonly #key: CosmosKey;
  readonly #releases: Releases;

  constructor(o: { chain: string; key: CosmosKey; releases: Releases }) {
    this.chain = o.chain;
    this.#key = o.key;
    this.key = o.key.publicKeyHex;
    this.#releases = o.releases;
  }

  /** Whether this key is one of the escrow multisig's members (a signature of a non-member is useless). */
  get isMember(): boolean {
    return this.#releases.escrow.members.includes(this.key);
  }

  async sign(t: OutboundTransfer): Promise<string> {
    const r = await this.#releases.of(t);
    return toHex(this.#key.sign(releaseSignBytes(r)));
  }

  /**
   * A posted signature is stale when it does not verify over the release from the escrow that
   * holds the funds now: it was made for the old escrow before a handover emptied it.
   */
  async stale(t: OutboundTransfer, signature: string): Promise<boolean> {
    const hex = signature.replace(/^0x/i, "").toLowerCase();
    if (!/^[0-9a-f]{128}$/.test(hex)) return true;
    const r = await this.#releases.of(t);
    return !verifyCosmosSignature(fromHex(hex), releaseSignBytes(r), fromHex(this.key));
  }

  toJSON(): { chain: string; key: string } {
    return { chain: this.chain, key: this.key };
  }
}
