import { MemoryKV } from "../../../runtime/state/memory-kv.ts";
import { Branch } from "../../../runtime/state/branch.ts";
import type { KVStore } from "../../../runtime/state/types.ts";
import type { StoreAccess } from "../../../runtime/state/collections/index.ts";
import { PrefixedStore } from "../../../runtime/modules/prefixed-store.ts";

/** A module-like store access: namespaces over one in-memory store (optionally under a Branch, as in a block). */
export function memoryAccess(opts: { branch?: boolean } = {}): StoreAccess & { root: KVStore } {
  const base = new MemoryKV();
  const root: KVStore = opts.branch ? new Branch(base) : base;
  const views = new Map<string, KVStore>();
  return {
    root,
    kv(ns: string): KVStore {
      let v = views.get(ns);
      if (!v) views.set(ns, (v = new PrefixedStore(root, ns)));
      return v;
    },
  };
}
