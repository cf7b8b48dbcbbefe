import { expect } from "chai";
import type fc from "fast-check";
import type { TreeStore } from "../../runtime/state/authenticated-store.ts";
import { verifyStateProof } from "../../runtime/state/proof-verify.ts";
import type { KVReader } from "../../runtime/state/types.ts";
import { bytes, hex } from "./reference-tree.ts";

/** Keys with shared prefixes (so ranges cut through them) and a few one-byte keys. */
export const KEYS: Uint8Array[] = [
  ...Array.from({ length: 40 }, (_, i) => bytes(`a/${i}`)),
  ...Array.from({ length: 20 }, (_, i) => bytes(`b/${i % 7}/${i}`)),
  new Uint8Array([0x61]),
  new Uint8Array([0xff]),
  new Uint8Array([0x00]),
];

function dump(r: KVReader, start: Uint8Array, end: Uint8Array | undefined, reverse: boolean, limit?: number): string[] {
  return [...r.iterate(start, end, { reverse, limit })].map(([k, v]) => `${hex(k)}=${hex(v)}`);
}

/** Everything a reader can observe: every value, ranges both ways with limits, root and proofs. */
export function expectSame(store: TreeStore, ref: TreeStore, note: string): void {
  expect(hex(store.root), `root ${note}`).to.equal(hex(ref.root));
  expect(store.height, `height ${note}`).to.equal(ref.height);
  for (const k of KEYS) {
    const got = store.get(k);
    const want = ref.get(k);
    expect(got === undefined ? undefined : hex(got), `get ${hex(k)} ${note}`).to.equal(want === undefined ? undefined : hex(want));
    const p = store.prove(k);
    expect(JSON.stringify(p.proof), `proof ${hex(k)} ${note}`).to.equal(JSON.stringify(ref.prove(k).proof));
    expect(verifyStateProof(store.root, k, p.value, p.proof)).to.equal(true);
  }
  const ranges: Array<[Uint8Array, Uint8Array | undefined]> = [
    [new Uint8Array(0), undefined],
    [bytes("a/1"), bytes("a/3")],
    [bytes("b/"), bytes("b0")],
    [bytes("a/"), undefined],
  ];
  for (const [s, e] of ranges) {
    for (const reverse of [false, true]) {
      for (const limit of [undefined, 1, 3]) {
        expect(dump(store, s, e, reverse, limit), `iterate ${hex(s)} rev ${reverse} limit ${limit} ${note}`).to.deep.equal(dump(ref, s, e, reverse, limit));
      }
    }
  }
}

/** Drain the journal: nothing may stay pending, and the store must still match the reference. */
export function expectDrainedSame(store: TreeStore, ref: TreeStore): void {
  store.applyPending();
  expect(store.pending()).to.deep.equal({ heights: 0, entries: 0 });
  expectSame(store, ref, "after draining");
}

/** fast-check options for the store properties: `numRuns` runs, or the one run FC_SEED / FC_PATH name. */
export function propertyRuns(numRuns: number): fc.Parameters<unknown> {
  return { numRuns, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED), path: process.env.FC_PATH, endOnFailure: true } : {}) };
}
