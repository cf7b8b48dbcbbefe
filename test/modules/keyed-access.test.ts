import { expect } from "chai";
import fc from "fast-check";
import { Branch } from "../../runtime/state/branch.ts";
import { MemoryKV } from "../../runtime/state/memory-kv.ts";
import { keyString } from "../../runtime/state/bytes.ts";
import { PrefixedStore } from "../../runtime/modules/prefixed-store.ts";
import { deleteByKs, getByKs, KeyStringMemo, setByKs } from "../../runtime/modules/keyed-access.ts";
import { GenerationalMap } from "../../runtime/collections/generational-map.ts";
import { toHex } from "../../runtime/crypto/hash.ts";

const dump = (kv: MemoryKV): string[] => [...kv.iterate(new Uint8Array([0]), undefined)].map(([k, v]) => `${toHex(k)}=${toHex(v)}`);

describe("keyed state access", () => {
  it("by key string and by key bytes leave the same state, over a branch and over a plain store", () => {
    const op = fc.record({ key: fc.uint8Array({ minLength: 1, maxLength: 6 }), value: fc.option(fc.uint8Array({ maxLength: 4 })) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        // byBytes: the ordinary API; the others: string access through a prefixed view, over a
        // Branch (which takes strings) and straight over the store (which gets bytes made back).
        const byBytes = new MemoryKV();
        const plain = new MemoryKV();
        const under = new MemoryKV();
        const branch = new Branch(under);
        const views = [new PrefixedStore(byBytes, "m"), new PrefixedStore(plain, "m"), new PrefixedStore(branch, "m")];
        for (const { key, value } of ops) {
          const ks = keyString(key);
          if (value === null) {
            views[0]!.delete(key);
            deleteByKs(views[1]!, ks);
            deleteByKs(views[2]!, ks);
          } else {
            views[0]!.set(key, value);
            setByKs(views[1]!, ks, value);
            setByKs(views[2]!, ks, value);
          }
          for (const v of views.slice(1)) expect(toHex(getByKs(v, ks) ?? new Uint8Array([0xee]))).to.equal(toHex(views[0]!.get(key) ?? new Uint8Array([0xee])));
        }
        branch.write();
        expect(dump(plain)).to.deep.equal(dump(byBytes));
        expect(dump(under)).to.deep.equal(dump(byBytes));
      }),
      { numRuns: 200 },
    );
  });

  it("KeyStringMemo gives each id the string of its key, and stays bounded", () => {
    let made = 0;
    const memo = new KeyStringMemo((id) => {
      made++;
      return new Uint8Array([id.length, ...Buffer.from(id)]);
    }, 4);
    expect(memo.get("ab")).to.equal(keyString(new Uint8Array([2, 0x61, 0x62])));
    expect(memo.get("ab")).to.equal(keyString(new Uint8Array([2, 0x61, 0x62])));
    expect(made).to.equal(1);
    for (let i = 0; i < 20; i++) memo.get(`id${i}`);
    // Two generations of at most 4: the oldest ids are made again, with the same answer.
    const before = made;
    expect(memo.get("ab")).to.equal(keyString(new Uint8Array([2, 0x61, 0x62])));
    expect(made).to.equal(before + 1);
    expect((memo as unknown as { memo: GenerationalMap<string, string> }).memo.size).to.be.at.most(8);
  });
});

describe("GenerationalMap", () => {
  it("holds at most two generations and keeps the latest generation's keys", () => {
    const m = new GenerationalMap<number, string>(3);
    for (let i = 0; i < 10; i++) m.set(i, `v${i}`);
    expect(m.size).to.be.at.most(6);
    // 0..8 filled three generations; 9 started the fourth: 6..8 and 9 are held, 0..5 are gone.
    for (let i = 6; i < 10; i++) expect(m.get(i)).to.equal(`v${i}`);
    for (let i = 0; i < 6; i++) expect(m.get(i)).to.equal(undefined);
  });
});
