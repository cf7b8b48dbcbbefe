import type { KVStore } from "../state/types.ts";
import type { Band } from "../tx/bands.ts";
import { PrefixedStore } from "./prefixed-store.ts";
import type { BlockInfo, ChainEvent, Ctx, ExecMode, MsgCtx } from "./types.ts";

/** A context over one state branch; events collect into the array given. */
export class ExecContext implements Ctx {
  // A transaction makes two or three contexts and each uses one or two namespaces: the first
  // view lives in fields, a Map only past it (a Map per context was a tenth of a transfer's garbage).
  private firstNs: string | undefined;
  private firstView: KVStore | undefined;
  private views: Map<string, KVStore> | undefined;

  constructor(
    readonly block: BlockInfo,
    readonly mode: ExecMode,
    readonly store: KVStore,
    readonly events: ChainEvent[] = [],
  ) {}

  kv(namespace: string): KVStore {
    if (this.firstNs === namespace) return this.firstView!;
    if (this.firstNs === undefined) {
      this.firstNs = namespace;
      return (this.firstView = new PrefixedStore(this.store, namespace));
    }
    let v = (this.views ??= new Map()).get(namespace);
    if (!v) {
      v = new PrefixedStore(this.store, namespace);
      this.views.set(namespace, v);
    }
    return v;
  }

  emit(type: string, attributes: Record<string, string>): void {
    this.events.push({ type, attributes });
  }

  /** Same block and mode, another branch (a transaction's, a proposal's). */
  withStore(store: KVStore, events: ChainEvent[] = []): ExecContext {
    return new ExecContext(this.block, this.mode, store, events);
  }
}

export class MsgExecContext extends ExecContext implements MsgCtx {
  constructor(
    base: ExecContext,
    store: KVStore,
    events: ChainEvent[],
    readonly sender: string,
    readonly band: Band,
    readonly signers: readonly string[],
    readonly txHash: string,
  ) {
    super(base.block, base.mode, store, events);
  }
}
