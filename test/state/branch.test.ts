import { expect } from "chai";
import fc from "fast-check";
import { Branch } from "../../runtime/state/branch.ts";
import { MemoryKV } from "../../runtime/state/memory-kv.ts";
import type { KVReader } from "../../runtime/state/types.ts";
import { hex } from "./reference-tree.ts";

const b = (...xs: number[]): Uint8Array => new Uint8Array(xs);

/** The model: a Map from hex key to value; iteration sorts hex strings (same order as bytes). */
type Model = Map<string, Uint8Array>;

function modelRange(m: Model, start: Uint8Array, end: Uint8Array | undefined, reverse: boolean, limit?: number): string[] {
  const s = hex(start);
  const e = end === undefined ? undefined : hex(end);
  let keys = [...m.keys()].filter((k) => k >= s && (e === undefined || k < e)).sort();
  if (reverse) keys.reverse();
  if (limit !== undefined) keys = keys.slice(0, limit);
  return keys.map((k) => `${k}=${hex(m.get(k)!)}`);
}

function actualRange(r: KVReader, start: Uint8Array, end: Uint8Array | undefined, reverse: boolean, limit?: number): string[] {
  return [...r.iterate(start, end, { reverse, limit })].map(([k, v]) => `${hex(k)}=${hex(v)}`);
}

describe("state/Branch", () => {
  it("reads through to the parent and shadows it with writes and deletions", () => {
    const base = new MemoryKV([
      [b(1), b(10)],
      [b(2), b(20)],
    ]);
    const br = new Branch(base);
    expect(br.get(b(1))).to.deep.equal(b(10));
    br.set(b(1), b(11));
    br.delete(b(2));
    br.set(b(3), b(30));
    expect(br.get(b(1))).to.deep.equal(b(11));
    expect(br.get(b(2))).to.equal(undefined);
    expect(base.get(b(1))).to.deep.equal(b(10));
    expect(actualRange(br, b(), undefined, false)).to.deep.equal(["01=0b", "03=1e"]);
    expect(actualRange(br, b(), undefined, true)).to.deep.equal(["03=1e", "01=0b"]);
  });

  it("copies keys and values on set, so reused buffers do not leak in", () => {
    const br = new Branch(new MemoryKV());
    const k = b(5);
    const v = b(1, 2);
    br.set(k, v);
    k[0] = 6;
    v[0] = 9;
    expect(br.get(b(5))).to.deep.equal(b(1, 2));
    expect(br.changes().map(([key]) => hex(key))).to.deep.equal(["05"]);
  });

  it("writes into the parent, and discarding leaves the parent untouched", () => {
    const base = new MemoryKV([[b(1), b(1)]]);
    const block = new Branch(base);
    const tx1 = block.branch();
    tx1.set(b(2), b(2));
    tx1.write();
    const tx2 = block.branch();
    tx2.set(b(3), b(3));
    tx2.delete(b(1)); // a failed tx: dropped without write()
    const gov = tx1.branch();
    gov.set(b(4), b(4));
    gov.write();
    tx1.write();
    expect(actualRange(block, b(), undefined, false)).to.deep.equal(["01=01", "02=02", "04=04"]);
    expect(block.changes().map(([k, v]) => [hex(k), v && hex(v)])).to.deep.equal([
      ["02", "02"],
      ["04", "04"],
    ]);
    block.write();
    expect(actualRange(base, b(), undefined, false)).to.deep.equal(["01=01", "02=02", "04=04"]);
    expect(block.size).to.equal(0);
  });

  it("reports changes sorted by key with deletions as null", () => {
    const br = new Branch(new MemoryKV());
    br.set(b(9), b(1));
    br.delete(b(1, 0));
    br.set(b(1), b(2));
    br.set(b(9), b(3));
    expect(br.changes().map(([k, v]) => [hex(k), v && hex(v)])).to.deep.equal([
      ["01", "02"],
      ["0100", null],
      ["09", "03"],
    ]);
  });

  it("refuses to write into a read-only parent", () => {
    const reader: KVReader = { get: () => undefined, iterate: () => [] };
    const br = new Branch(reader);
    br.set(b(1), b(1));
    expect(() => br.write()).to.throw().with.property("code", "STATE_READ_ONLY_PARENT");
  });

  it("stops the parent iterator when the limit is reached", () => {
    let closed = false;
    const parent: KVReader = {
      get: () => undefined,
      iterate: function* () {
        try {
          for (let i = 0; i < 100; i++) yield [b(i), b(i)] as [Uint8Array, Uint8Array];
        } finally {
          closed = true;
        }
      },
    };
    const br = new Branch(parent);
    br.delete(b(0));
    expect(actualRange(br, b(), undefined, false, 2)).to.deep.equal(["01=01", "02=02"]);
    expect(closed).to.equal(true);
  });

  it("matches a simple model under random nested writes, deletes, writes-back and discards", () => {
    const key = fc.uint8Array({ minLength: 0, maxLength: 3 }).map((k) => k.map((x) => [0, 1, 2, 255][x % 4]!));
    const keyNonEmpty = key.filter((k) => k.length > 0);
    const op = fc.oneof(
      fc.record({ t: fc.constant("set" as const), k: keyNonEmpty, v: fc.uint8Array({ maxLength: 2 }) }),
      fc.record({ t: fc.constant("del" as const), k: keyNonEmpty }),
      fc.record({ t: fc.constant("push" as const) }),
      fc.record({ t: fc.constant("write" as const) }),
      fc.record({ t: fc.constant("drop" as const) }),
      fc.record({ t: fc.constant("iter" as const), s: key, e: fc.option(key), rev: fc.boolean(), lim: fc.option(fc.nat(5)) }),
    );
    const initial = fc.array(fc.tuple(keyNonEmpty, fc.uint8Array({ maxLength: 2 })), { maxLength: 10 });
    fc.assert(
      fc.property(initial, fc.array(op, { maxLength: 60 }), (init, ops) => {
        const base = new MemoryKV(init);
        const baseModel: Model = new Map(init.map(([k, v]) => [hex(k), v]));
        const stack: Branch[] = [new Branch(base)];
        const models: Model[] = [new Map(baseModel), new Map(baseModel)];
        for (const o of ops) {
          const top = stack[stack.length - 1]!;
          const m = models[models.length - 1]!;
          if (o.t === "set") {
            top.set(o.k, o.v);
            m.set(hex(o.k), o.v);
          } else if (o.t === "del") {
            top.delete(o.k);
            m.delete(hex(o.k));
          } else if (o.t === "push") {
            stack.push(top.branch());
            models.push(new Map(m));
          } else if (o.t === "write") {
            top.write();
            models[models.length - 2] = new Map(m);
            if (stack.length > 1) {
              stack.pop();
              models.pop();
            }
          } else if (o.t === "drop") {
            if (stack.length > 1) {
              stack.pop();
              models.pop();
            } else {
              top.reset();
              models[1] = new Map(models[0]!);
            }
          } else {
            const e = o.e ?? undefined;
            const lim = o.lim ?? undefined;
            expect(actualRange(top, o.s, e, o.rev, lim)).to.deep.equal(modelRange(m, o.s, e, o.rev, lim));
          }
          const top2 = stack[stack.length - 1]!;
          const m2 = models[models.length - 1]!;
          for (const k of ["00", "01", "0100", "ff", "02ff"]) {
            const kb = Buffer.from(k, "hex");
            expect(top2.get(kb) && hex(top2.get(kb)!)).to.equal(m2.get(k) && hex(m2.get(k)!));
          }
        }
        const fullTop = stack[stack.length - 1]!;
        expect(actualRange(fullTop, b(), undefined, false)).to.deep.equal(modelRange(models[models.length - 1]!, b(), undefined, false));
        expect(actualRange(base, b(), undefined, false)).to.deep.equal(modelRange(models[0]!, b(), undefined, false));
      }),
      { numRuns: 300 },
    );
  });
});

describe("state/MemoryKV", () => {
  it("iterates in byte order with bounds, reverse and limit", () => {
    const kv = new MemoryKV();
    for (const k of [[2], [1, 0], [1], [255], [2, 255], [3]]) kv.set(new Uint8Array(k), b(0));
    kv.delete(b(3));
    const keys = (s: Uint8Array, e?: Uint8Array, rev = false, limit?: number): string[] =>
      [...kv.iterate(s, e, { reverse: rev, limit })].map(([k]) => hex(k));
    expect(keys(b())).to.deep.equal(["01", "0100", "02", "02ff", "ff"]);
    expect(keys(b(1, 0), b(2, 255))).to.deep.equal(["0100", "02"]);
    expect(keys(b(1), b(255), true)).to.deep.equal(["02ff", "02", "0100", "01"]);
    expect(keys(b(), undefined, true, 2)).to.deep.equal(["ff", "02ff"]);
  });
});
