/**
 * V8 heap flags a node process is started with (package.json scripts, bin/nexus.js, `nexus
 * devnet`, the benches). They can only be given at launch: V8 sizes its heap when the
 * process starts, and v8.setFlagsFromString comes too late.
 *
 * - `--max-semi-space-size=16` (MiB): a young generation of 16 MiB per semi-space instead
 *   of up to 64 on a machine with much memory. Smaller (4) saved another ~90 MiB but cost a
 *   quarter of the node's transfer throughput: objects of a block promoted before dying.
 * - `--max-old-space-size=1024` (MiB): besides capping the heap, a limit at this size makes
 *   V8 grow the heap by ≈2.3× its live size after a full GC instead of up to 4×. A node with
 *   1M accounts keeps ≈ 70–150 MiB live, so it holds ≈ 140–190 MiB of heap instead of ≈ 350.
 *
 * A bigger node overrides them by passing its own (`node --max-old-space-size=4096 …`: the
 * last occurrence of a flag wins) or through NODE_OPTIONS.
 */
export const NODE_HEAP_FLAGS: readonly string[] = ["--max-semi-space-size=16", "--max-old-space-size=1024"];

/** The flags of NODE_HEAP_FLAGS this process was started without (any value counts as set). */
export function missingHeapFlags(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ""): string[] {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].map((a) => a.split("=")[0]!.replaceAll("_", "-"));
  return NODE_HEAP_FLAGS.filter((f) => !given.includes(f.split("=")[0]!));
}
