/** State snapshots for state sync: format and verification (pure), the writer and the directory (node:fs). */
export {
  SNAPSHOT_FORMAT,
  MAX_SNAPSHOT_DEPTH,
  MAX_SNAPSHOT_CHUNK_BYTES,
  MAX_SNAPSHOT_MANIFEST_BYTES,
  SNAPSHOT_CHUNK_TARGET_ENTRIES,
  snapshotDepthFor,
  slotOf,
  leafRef,
  combineRefs,
  subtreeRef,
  rootFromSlots,
  rootFromManifest,
  encodeManifest,
  manifestHash,
  verifyManifest,
  type NodeRef,
  type SlotRef,
  type SnapshotManifest,
  type HashedEntry,
} from "./format.ts";
export { encodeChunk, decodeChunk, verifyChunk, type SnapshotEntry } from "./chunk.ts";
export { SnapshotWriter, MANIFEST_FILE, chunkFile, type SnapshotWriterOptions, type SnapshotInfo } from "./writer.ts";
export { SnapshotDir } from "./dir.ts";
