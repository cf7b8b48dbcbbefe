/**
 * V8 heap flags a node process is started with (package.json scripts, bin/nexus.js, `nexus
 * devnet`, the benches). They can only be given at launch: V8 sizes its heap when the
 * process starts, and v8.setFlagsFromString comes too late.
 *
 * - `--max-semi-space-size=64` (MiB): the most V8 gives a big machine, set explicitly so every launch
 *   path gets it. At 2 000 transfers/s a validator allocates ~70 MB/s; with 16 MiB it
 *   scavenged 4× a second and promoted every object that lives through a block (mempool
 *   entries, a block's branch and receipts), paying ~77 ms/s in scavenge pauses and more
 *   full collections. With 64 the pauses fell to ~29 ms/s and the four-validator devnet
 *   committed 7–33% more per second in paired runs; RSS at 1M accounts went from 842 to
 *   866 MiB. Smaller (4) cost a quarter of one node's throughput.
 * - `--max-old-space-size=1024` (MiB): besides capping the heap, a limit at this size makes
 *   V8 grow the heap by ≈2.3× its live size after a full GC instead of up to 4×. A node with
 *   1M accounts keeps ≈ 70–150 MiB live, so it holds ≈ 140–190 MiB of heap instead of ≈ 350.
 *
 * A bigger node overrides them by passing its own (`node --max-old-space-size=4096 …`: the
 * last occurrence of a flag wins) or through NODE_OPTIONS.
 */
export const NODE_HEAP_FLAGS: readonly string[] = ["--max-semi-space-size=64", "--max-old-space-size=1024"];

/** The flags of NODE_HEAP_FLAGS this process was started without (any value counts as set). */
export function missingHeapFlags(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ""): string[] {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].map((a) => a.split("=")[0]!.replaceAll("_", "-"));
  return NODE_HEAP_FLAGS.filter((f) => !given.includes(f.split("=")[0]!));
}
