import type { KVStore } from "../state/types.ts";
import type { Band } from "../tx/bands.ts";
import { PrefixedStore } from "./prefixed-store.ts";
import type { BlockInfo, ChainEvent, Ctx, ExecMode, MsgCtx } from "./types.ts";

/** A context over one state branch; events collect into the array given. */
export class ExecContext implements Ctx {
  private readonly views = new Map<string, KVStore>();

  constructor(
    readonly block: BlockInfo,
    readonly mode: ExecMode,
    readonly store: KVStore,
    readonly events: ChainEvent[] = [],
  ) {}

  kv(namespace: string): KVStore {
    let v = this.views.get(namespace);
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
