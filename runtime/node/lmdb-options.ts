/** Address space reserved for each lmdb environment (not disk, not memory). */
export const LMDB_MAP_BYTES = 1024 * 2 ** 30;

/**
 * Free-list records lmdb-js's allocator merges into memory before it settles for the best fit
 * it has (its option maxFreeSpaceToLoad; the library's default is 50 000). It merges a record
 * one page number at a time into a sorted list, so with a big, fragmented free list (a state
 * file the applier thread has rewritten for a while: 30–45% of its pages free, hundreds of
 * records) every commit that needs a contiguous run (the record of the pages it freed) spent
 * most of its time there: on a 1M-citizen state file after ten claim runs, 214 µs of applier
 * CPU per claim and 2 660 claims/s; with 2 000, 91–97 µs and 4 681 / 4 717 claims/s, the file
 * no bigger (runtime/state/README.md).
 */
export const LMDB_MAX_FREE_SPACE_TO_LOAD = 2_000;

/** The options the node opens its lmdb files with (state, blocks; the applier thread the same). */
export function nodeLmdbOptions(): { overlappingSync: false; mapSize: number; maxFreeSpaceToLoad: number } {
  // overlappingSync false: a commit is durable when it returns (runtime/state/README.md, Durability).
  return { overlappingSync: false, mapSize: LMDB_MAP_BYTES, maxFreeSpaceToLoad: LMDB_MAX_FREE_SPACE_TO_LOAD };
}
