/** Address space reserved for each lmdb environment (not disk, not memory). */
export const LMDB_MAP_BYTES = 1024 * 2 ** 30;
