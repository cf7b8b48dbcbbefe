/**
 * Decode cost of the wire codec, single thread: decodeTx on the bench transfer transaction,
 * decodeCanonical on the same bytes and on a block header, and the parts they are made of.
 *   npx tsx bench/codec.ts [--ms 300] [--samples 7]
 * Prints µs per call (best and median of the samples) and bytes allocated per call (JS heap,
 * and ArrayBuffer backing stores outside it), and writes bench/results/codec.json.
 * Figures only; nothing is asserted.
 */
import { GCProfiler, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { decode, encode } from "cborg";
import * as canonical from "../runtime/codec/canonical.ts";
import { decodeTx } from "../runtime/tx/envelope.ts";
import { encodeHeader } from "../runtime/app/block.ts";
import { benchSigner, transfer } from "./lib/fixtures.ts";
import { writeResults } from "./lib/results.ts";

const MS = Number(process.argv[process.argv.indexOf("--ms") + 1]) || 300;
const SAMPLES = Number(process.argv[process.argv.indexOf("--samples") + 1]) || 7;

let sink = 0;
function sample(fn: () => unknown): number {
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < MS) {
    for (let k = 0; k < 64; k++, n++) if (fn() !== undefined) sink++;
    t = performance.now();
  }
  return ((t - t0) * 1000) / n;
}

/** µs per call: the best sample (least disturbed by other load on a shared machine) and the median. */
function measure(fn: () => unknown): { bestUs: number; medianUs: number } {
  for (let i = 0; i < 20_000; i++) fn(); // warm up the JIT
  const xs = Array.from({ length: SAMPLES }, () => sample(fn)).sort((a, b) => a - b);
  const r = (x: number): number => Math.round(x * 100) / 100;
  return { bestUs: r(xs[0]!), medianUs: r(xs[xs.length >> 1]!) };
}

// A full collection before each allocation sample, without asking for --expose-gc on the command line.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const ALLOC_CALLS = 2_000;

/**
 * Bytes allocated per call: the growth of the JS heap (and of ArrayBuffer memory) over
 * ALLOC_CALLS calls that no collection interrupted, median of the clean samples. Not the
 * memory kept, which is what is still live at the next collection: what a decode costs the
 * collector is mostly how much it allocates.
 */
function allocPerCall(fn: () => unknown): { heapBytes: number; arrayBufferBytes: number } {
  for (let i = 0; i < 20_000; i++) fn();
  const heap: number[] = [];
  const ab: number[] = [];
  for (let s = 0; s < 40 && heap.length < 15; s++) {
    gc();
    const prof = new GCProfiler();
    prof.start();
    const m0 = process.memoryUsage();
    for (let i = 0; i < ALLOC_CALLS; i++) if (fn() !== undefined) sink++;
    const m1 = process.memoryUsage();
    if (prof.stop().statistics.length > 0) continue; // a scavenge hid part of the growth
    heap.push((m1.heapUsed - m0.heapUsed) / ALLOC_CALLS);
    ab.push((m1.arrayBuffers - m0.arrayBuffers) / ALLOC_CALLS);
  }
  const med = (xs: number[]): number => (xs.length ? xs.sort((a, b) => a - b)[xs.length >> 1]! : NaN);
  return { heapBytes: Math.round(med(heap)), arrayBufferBytes: Math.round(med(ab)) };
}

const tx = transfer(benchSigner(0), benchSigner(1).address, 1_000n, 0n);
const header = encodeHeader({
  chainId: "nexus-bench-1",
  height: 123_456,
  time: 1_760_000_000_000,
  prevHash: new Uint8Array(32).fill(1),
  txRoot: new Uint8Array(32).fill(2),
  stateRoot: new Uint8Array(32).fill(3),
  resultsRoot: new Uint8Array(32).fill(4),
  proposer: benchSigner(1_000_000_000).address,
});
const STRICT = { strict: true, rejectDuplicateMapKeys: true, allowIndefinite: false, allowUndefined: false } as const;
// Present from the commit that added the byte scan on; absent in older trees, where the bench still runs.
const extra = canonical as unknown as Record<string, ((b: Uint8Array) => unknown) | undefined>;

const rows: Record<string, { bestUs: number; medianUs: number }> = {};
rows[`decodeTx (transfer, ${tx.bytes.length} B)`] = measure(() => decodeTx(tx.bytes));
rows["decodeCanonical (transfer)"] = measure(() => canonical.decodeCanonical(tx.bytes));
rows[`decodeCanonical (header, ${header.length} B)`] = measure(() => canonical.decodeCanonical(header));
rows["cborg decode, strict (transfer)"] = measure(() => decode(tx.bytes, STRICT));
const value = decode(tx.bytes, STRICT);
rows["cborg encode (transfer)"] = measure(() => encode(value));
if (extra.decodeCanonicalByReencode) rows["decodeCanonicalByReencode (transfer)"] = measure(() => extra.decodeCanonicalByReencode!(tx.bytes));
// canonical-scan.ts exists from the commit that added the byte scan on.
const scan = (await import("../runtime/codec/canonical-scan.ts").catch(() => undefined)) as { scanCanonical?: (b: Uint8Array) => unknown } | undefined;
if (scan?.scanCanonical) rows["scanCanonical (transfer)"] = measure(() => scan.scanCanonical!(tx.bytes));

const alloc: Record<string, { heapBytes: number; arrayBufferBytes: number }> = {};
alloc[`decodeTx (transfer, ${tx.bytes.length} B)`] = allocPerCall(() => decodeTx(tx.bytes));
alloc["decodeCanonical (transfer)"] = allocPerCall(() => canonical.decodeCanonical(tx.bytes));
alloc[`decodeCanonical (header, ${header.length} B)`] = allocPerCall(() => canonical.decodeCanonical(header));
alloc["cborg decode, strict (transfer)"] = allocPerCall(() => decode(tx.bytes, STRICT));

const w = Math.max(...Object.keys(rows).map((k) => k.length));
console.log(`${"".padEnd(w)}  best µs  median µs  heap B/call  ArrayBuffer B/call`);
for (const [k, v] of Object.entries(rows)) {
  const a = alloc[k];
  const bytes = a ? `  ${String(a.heapBytes).padStart(11)}  ${String(a.arrayBufferBytes).padStart(18)}` : "";
  console.log(`${k.padEnd(w)}  ${v.bestUs.toFixed(2).padStart(7)}  ${v.medianUs.toFixed(2).padStart(9)}${bytes}`);
}
if (sink < 0) console.log(sink); // keeps the results observable
const path = writeResults("codec.json", "decode", { rows, alloc, allocCalls: ALLOC_CALLS, samples: SAMPLES, msPerSample: MS });
console.log(`wrote ${path}`);
