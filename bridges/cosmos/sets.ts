import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { escrowMultisig, type EscrowMultisig } from "./escrow.ts";
import { CosmosBridgeError } from "./errors.ts";

/**
 * The escrow multisigs a Cosmos watcher or relayer has known, in the order it first knew them:
 * the current one (NexusOS's cosmos key set now) and earlier ones, kept in
 * <dataDir>/escrows.json (the counterpart of bridges/polkadot's MultisigSets). After a key-set
 * change the funds are still in an OLD escrow: its handover to the new one needs the old
 * multisig's members and threshold, and deposits sent to an old escrow address are still read;
 * both ask this list. Options.previousEscrows adds sets a fresh data directory never saw.
 */
export class EscrowSets {
  readonly #byAddress = new Map<string, EscrowMultisig>();

  constructor(private readonly o: { readonly file?: string; readonly prefix: string; readonly initial?: readonly EscrowMultisig[] }) {
    if (o.file && existsSync(o.file)) {
      let saved: { members: string[]; threshold: number }[];
      try {
        saved = JSON.parse(readFileSync(o.file, "utf8")) as typeof saved;
        if (!Array.isArray(saved)) throw new Error("not a list");
        for (const s of saved) this.#add(escrowMultisig(s.members, o.prefix, s.threshold));
      } catch (e) {
        throw new CosmosBridgeError("COSMOS_HANDOVER_FAILED", `${o.file}: ${(e as Error).message}: fix or remove the file (it lists the escrow multisigs this process has known; an old escrow it forgets is neither handed over nor watched)`, false, { file: o.file });
      }
    }
    for (const m of o.initial ?? []) this.remember(m);
  }

  #add(m: EscrowMultisig): boolean {
    if (this.#byAddress.has(m.address)) return false;
    this.#byAddress.set(m.address, m);
    return true;
  }

  /** Adds `m` (saved to the file, atomically, when new). */
  remember(m: EscrowMultisig): void {
    if (!this.#add(m) || !this.o.file) return;
    mkdirSync(dirname(this.o.file), { recursive: true });
    const tmp = `${this.o.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.all().map((x) => ({ address: x.address, members: x.members, threshold: x.threshold })), null, 2) + "\n");
    renameSync(tmp, this.o.file);
  }

  get(address: string): EscrowMultisig | undefined {
    return this.#byAddress.get(address);
  }

  has(address: string): boolean {
    return this.#byAddress.has(address);
  }

  /** In the order first known (oldest first). */
  all(): EscrowMultisig[] {
    return [...this.#byAddress.values()];
  }

  addresses(): string[] {
    return [...this.#byAddress.keys()];
  }
}

/**
 * The escrows of one chain as the family uses them: the current one (NexusOS's cosmos key set
 * now, refreshed by each upkeep pass) among every escrow known (EscrowSets). Releases go through
 * the **holder**: the known escrow holding the most of the bridged denom — ties to the current
 * one, then to the most recently known. Before a handover that is the old escrow (the new one
 * holds nothing, or only deposits sent to it directly), so a new multisig is used only once the
 * handover moved the funds to it; a rotation to keys nobody holds therefore freezes nothing:
 * releases go on through the old escrow, whose members still sign.
 */
export class Escrows {
  #current: EscrowMultisig;

  constructor(
    private readonly o: {
      readonly sets: EscrowSets;
      readonly current: EscrowMultisig;
      readonly denom: string;
      readonly balance: (address: string, denom: string) => Promise<bigint>;
      readonly onChange?: (from: EscrowMultisig, to: EscrowMultisig) => void;
    },
  ) {
    this.#current = o.current;
    o.sets.remember(o.current);
  }

  get current(): EscrowMultisig {
    return this.#current;
  }

  get sets(): EscrowSets {
    return this.o.sets;
  }

  /** NexusOS's key set now gives `e` (remembered; a change is reported once). */
  setCurrent(e: EscrowMultisig): void {
    this.o.sets.remember(e);
    if (e.address === this.#current.address) return;
    const from = this.#current;
    this.#current = e;
    this.o.onChange?.(from, e);
  }

  /** Every known escrow address (deposits to any of them are read). */
  addresses(): string[] {
    return this.o.sets.addresses();
  }

  isEscrow(address: string): boolean {
    return this.o.sets.has(address);
  }

  /** The escrow releases go through now (see the class comment). */
  async holder(): Promise<EscrowMultisig> {
    const cur = this.#current;
    const others = this.o.sets.all().filter((e) => e.address !== cur.address);
    if (!others.length) return cur;
    let best = cur;
    let most = await this.o.balance(cur.address, this.o.denom);
    for (const e of others.reverse()) {
      const b = await this.o.balance(e.address, this.o.denom);
      if (b > most) [best, most] = [e, b];
    }
    return best;
  }
}
