import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { PolkadotError } from "./errors.ts";
import { bridgeMultisig, type BridgeMultisig } from "./multisig.ts";

/**
 * The bridge multisigs a watcher has known: the current one (NexusOS's key set now) and earlier
 * ones, kept in <dataDir>/multisigs.json. A handover after a key-set change needs the OLD
 * multisig's signatories and threshold (its members approve through it), and deposits sent to an
 * old bridge account are still read; both ask this list. Options.previousMultisigs adds sets a
 * fresh data directory never saw.
 */
export class MultisigSets {
  readonly #byAccount = new Map<string, BridgeMultisig>();

  constructor(
    private readonly o: { readonly file?: string; readonly ss58Prefix: number; readonly initial?: readonly BridgeMultisig[] },
  ) {
    if (o.file && existsSync(o.file)) {
      let saved: { members: string[]; threshold: number }[];
      try {
        saved = JSON.parse(readFileSync(o.file, "utf8")) as typeof saved;
        if (!Array.isArray(saved)) throw new Error("not a list");
      } catch (e) {
        throw new PolkadotError("POLKADOT_CONFIG_INVALID", `${o.file}: ${(e as Error).message}: fix or remove the file (it lists the bridge multisigs this watcher has known)`);
      }
      for (const s of saved) this.#add(bridgeMultisig(s.members, o.ss58Prefix, s.threshold));
    }
    for (const m of o.initial ?? []) this.remember(m);
  }

  #add(m: BridgeMultisig): boolean {
    if (this.#byAccount.has(m.account)) return false;
    this.#byAccount.set(m.account, m);
    return true;
  }

  /** Adds `m` (saved to the file when new). */
  remember(m: BridgeMultisig): void {
    if (!this.#add(m) || !this.o.file) return;
    mkdirSync(dirname(this.o.file), { recursive: true });
    const tmp = `${this.o.file}.tmp`;
    writeFileSync(tmp, JSON.stringify([...this.#byAccount.values()].map((x) => ({ account: x.account, address: x.address, members: x.members, threshold: x.threshold })), null, 2) + "\n");
    renameSync(tmp, this.o.file);
  }

  get(account: string): BridgeMultisig | undefined {
    return this.#byAccount.get(account);
  }

  has(account: string): boolean {
    return this.#byAccount.has(account);
  }

  all(): BridgeMultisig[] {
    return [...this.#byAccount.values()];
  }
}
