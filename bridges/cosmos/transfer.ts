import { bech32 } from "@scure/base";
import type { OutboundTransfer } from "../core/types.ts";
import type { CosmosRpc } from "./client.ts";
import type { EscrowMultisig } from "./escrow.ts";
import { CosmosBridgeError } from "./errors.ts";
import type { Escrows } from "./sets.ts";
import { releaseTimeout, type Release, type ReleaseFee } from "./signdoc.ts";

/** The chain's side of NexusOS's settings (ChainSettings.cosmos). */
export interface CosmosChainSettings {
  readonly chainId: string;
  readonly prefix: string;
  readonly denom: string;
}

/** Null when `address` is a bech32 account address (20 or 32 bytes) under `prefix`, lowercase. */
export function bech32Problem(address: string, prefix: string): string | null {
  if (address !== address.toLowerCase()) return `"${address}" is not lowercase`;
  try {
    const d = bech32.decode(address as `${string}1${string}`, 90);
    if (d.prefix !== prefix) return `"${address}" has prefix "${d.prefix}", the chain uses "${prefix}"`;
    const bytes = bech32.fromWords(d.words);
    if (bytes.length !== 20 && bytes.length !== 32) return `"${address}" holds ${bytes.length} bytes, an account has 20 or 32`;
    return null;
  } catch (e) {
    return `"${address}" is not bech32: ${(e as Error).message}`;
  }
}

/**
 * Turns NexusOS outbound records into the release transaction's parameters (signdoc.ts):
 * only kind absent/"transfer" (BHLS kinds are EVM-only), a recipient of the chain's prefix, a
 * positive amount; the escrow's account number is read from the chain once (it must exist:
 * the escrow holds the bridged supply). The escrow is the holder (Escrows.holder: the old
 * escrow until a handover moved the funds to the current one), or the one asked for.
 */
export class Releases {
  constructor(
    private readonly o: { readonly chain: string; readonly rpc: CosmosRpc; readonly escrows: Escrows; readonly settings: CosmosChainSettings; readonly fee: ReleaseFee },
  ) {}

  /** The current escrow (NexusOS's key set now). */
  get escrow(): EscrowMultisig {
    return this.o.escrows.current;
  }

  get escrows(): Escrows {
    return this.o.escrows;
  }

  get denom(): string {
    return this.o.settings.denom;
  }

  get fee(): ReleaseFee {
    return this.o.fee;
  }

  /** Checks the record alone (no RPC). */
  check(t: OutboundTransfer): void {
    const what = `${this.o.chain} #${t.seq}`;
    const bad = (msg: string) => new CosmosBridgeError("COSMOS_BAD_TRANSFER", `${what}: ${msg}`, false);
    if (t.kind !== undefined && t.kind !== "transfer") throw bad(`kind "${t.kind}" is not delivered on Cosmos chains (BHLS deliveries are EVM-only)`);
    if (t.destChain !== this.o.chain) throw bad(`record of chain "${t.destChain}"`);
    if (!/^[0-9a-f]{64}$/.test(t.transferId)) throw bad(`transferId "${t.transferId}" is not 64 lowercase hex digits`);
    const p = bech32Problem(t.recipient, this.o.settings.prefix);
    if (p) throw bad(`recipient ${p}`);
    if (t.amount <= 0n) throw bad("amount must be positive");
    if (t.seq < 1n) throw bad("seq must be positive");
    if (t.expiresAt <= 1n) throw bad(`expiresAt ${t.expiresAt} is not a time`);
  }

  /** The release of `t` from `escrow` (default: the holder); throws COSMOS_ESCROW_UNFUNDED while that escrow account does not exist. */
  async of(t: OutboundTransfer, escrow?: EscrowMultisig): Promise<Release> {
    this.check(t);
    const e = escrow ?? (await this.o.escrows.holder());
    const accountNumber = await this.o.rpc.accountNumber(e.address);
    if (accountNumber === null) {
      throw new CosmosBridgeError(
        "COSMOS_ESCROW_UNFUNDED",
        `${this.o.chain}: the escrow ${e.address} has no account on ${this.o.settings.chainId} yet: fund it with the bridged ${this.o.settings.denom} supply and the fee`,
        true,
        { escrow: e.address },
      );
    }
    return {
      chainId: this.o.settings.chainId,
      accountNumber,
      escrow: e.address,
      recipient: t.recipient,
      denom: this.o.settings.denom,
      amount: t.amount,
      memo: t.transferId,
      timeout: releaseTimeout(t),
      fee: this.o.fee,
    };
  }
}
