import { expect } from "chai";
import {
  CollectionError,
  StoreLayout,
  addressKey,
  emptyValue,
  jsonCodec,
  pairKey,
  stringKey,
  u64DescKey,
  u64NumberKey,
  uintValue,
  tupleKey,
  type StoreAccess,
} from "../../../runtime/state/collections/index.ts";
import { moduleAddress } from "../../../runtime/crypto/address.ts";
import { memoryAccess } from "./helpers.ts";

const addr = (i: number): string => moduleAddress(`acct${i}`);

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(CollectionError);
    return (e as CollectionError).code;
  }
  return "none";
}

interface Params {
  enabled: boolean;
  fee: bigint;
}
const paramsCodec = jsonCodec<Params>({
  name: "Params",
  schema: { type: "object", properties: { enabled: { type: "boolean" }, fee: { type: "string", pattern: "^[0-9]+$" } }, required: ["enabled", "fee"], additionalProperties: false },
  bigints: ["fee"],
});

describe("collections: Item and layout", () => {
  it("stores one value, remembers the decoded value while the bytes are the same, and freezes it", () => {
    const s = memoryAccess();
    const L = new StoreLayout("m");
    const params = L.item(0x01, "params", paramsCodec, { memo: true });
    expect(params.get(s)).to.equal(undefined);
    expect(params.getOr(s, () => ({ enabled: false, fee: 0n }))).to.deep.equal({ enabled: false, fee: 0n });
    expect(code(() => params.must(s))).to.equal("COLLECTION_CORRUPT");
    params.set(s, { enabled: true, fee: 1n << 65n });
    const a = params.get(s)!;
    expect(a).to.deep.equal({ enabled: true, fee: 1n << 65n });
    expect(params.get(s)).to.equal(a); // same object: not decoded again
    expect(Object.isFrozen(a)).to.equal(true);
    params.set(s, { enabled: false, fee: 2n });
    expect(params.get(s)).to.deep.equal({ enabled: false, fee: 2n });
    // The store is the namespace's: key m/ 0x01.
    expect([...s.root.iterate(new Uint8Array(0), undefined)].map(([k]) => Buffer.from(k).toString("latin1"))).to.deep.equal(["m/\x01"]);
    params.delete(s);
    expect(params.has(s)).to.equal(false);
  });

  it("a memo map decodes a value once while its bytes stay the same, frozen; new bytes decode again", () => {
    const L2 = new StoreLayout("memo");
    let decodes = 0;
    const counting = { ...paramsCodec, decode: (b: Uint8Array): Params => (decodes++, paramsCodec.decode(b)) };
    const m = L2.map(0x01, "m", u64NumberKey, counting, { memo: true });
    const s = memoryAccess();
    m.set(s, 1, { enabled: true, fee: 5n });
    const first = m.get(s, 1)!;
    expect(m.get(s, 1)).to.equal(first);
    expect(decodes).to.equal(1);
    expect(Object.isFrozen(first)).to.equal(true);
    m.set(s, 1, { enabled: true, fee: 6n });
    expect(m.get(s, 1)).to.deep.equal({ enabled: true, fee: 6n });
    expect(decodes).to.equal(2);
    expect(m.get(s, 2)).to.equal(undefined);
  });

  it("refuses overlapping prefixes in one namespace", () => {
    const L = new StoreLayout("m");
    L.item(0x01, "a", uintValue);
    expect(code(() => L.map(0x01, "b", stringKey, uintValue))).to.equal("COLLECTION_PREFIX_CONFLICT");
    expect(code(() => L.map(new Uint8Array([0x01, 0x02]), "c", stringKey, uintValue))).to.equal("COLLECTION_PREFIX_CONFLICT");
    expect(code(() => L.item(256, "d", uintValue))).to.equal("COLLECTION_PREFIX_CONFLICT");
    L.map(new Uint8Array([0x02, 0x01]), "e", stringKey, uintValue);
    expect(code(() => L.item(0x02, "f", uintValue))).to.equal("COLLECTION_PREFIX_CONFLICT");
    expect(L.prefixes().map((p) => p.name)).to.deep.equal(["a", "e"]);
  });
});

describe("collections: StateMap", () => {
  const L = new StoreLayout("bank");
  const balances = L.map(0x01, "balances", pairKey(addressKey, stringKey), uintValue);
  const other = L.map(0x02, "other", stringKey, uintValue);

  it("gets, sets, deletes; iterates in key order, under a prefix, within a range, reversed", () => {
    const s = memoryAccess({ branch: true });
    const [a, b] = [addr(1), addr(2)].sort((x, y) => Buffer.compare(Buffer.from(addressKey.encode(x)), Buffer.from(addressKey.encode(y))));
    balances.set(s, [b!, "nxt"], 5n);
    balances.set(s, [a!, "zzz"], 1n << 80n);
    balances.set(s, [a!, "nxt"], 7n);
    balances.set(s, [a!, "abc"], 1n);
    other.set(s, "x", 9n);
    expect(balances.get(s, [a!, "zzz"])).to.equal(1n << 80n);
    expect(balances.has(s, [b!, "zzz"])).to.equal(false);
    expect([...balances.iterate(s)].map(([k, v]) => [...k, v])).to.deep.equal([
      [a, "abc", 1n],
      [a, "nxt", 7n],
      [a, "zzz", 1n << 80n],
      [b, "nxt", 5n],
    ]);
    expect([...balances.keys(s, { prefix: [b!] })]).to.deep.equal([[b, "nxt"]]);
    expect([...balances.values(s, { prefix: [a!], reverse: true })]).to.deep.equal([1n << 80n, 7n, 1n]);
    expect([...balances.keys(s, { start: [a!, "b"], end: [a!, "z"] })]).to.deep.equal([[a, "nxt"]]);
    expect([...balances.keys(s, { limit: 2 })]).to.have.length(2);
    expect(balances.delete(s, [a!, "abc"])).to.equal(true);
    expect(balances.delete(s, [a!, "abc"])).to.equal(false);
    expect([...other.iterate(s)]).to.deep.equal([["x", 9n]]);
  });

  it("takes remembered key strings (the hot path) and agrees with the byte path, over a Branch and a plain store", () => {
    for (const branch of [true, false]) {
      const s = memoryAccess({ branch });
      const ks = balances.keyString([addr(3), "nxt"]);
      expect(balances.getKs(s, ks)).to.equal(undefined);
      balances.setKs(s, ks, 123n);
      expect(balances.get(s, [addr(3), "nxt"])).to.equal(123n);
      balances.set(s, [addr(3), "nxt"], 1n << 70n);
      expect(balances.getKs(s, ks)).to.equal(1n << 70n);
      balances.deleteKs(s, ks);
      expect(balances.has(s, [addr(3), "nxt"])).to.equal(false);
    }
  });

  it("pages with an opaque cursor: exact multiples, the last page, limits above the maximum, foreign cursors", () => {
    const s = memoryAccess();
    const L2 = new StoreLayout("p");
    const m = L2.map(0x01, "nums", u64NumberKey, uintValue, { maxPage: 4 });
    const byPair = L2.map(0x02, "pairs", tupleKey<[string, number]>(stringKey, u64NumberKey), uintValue);
    expect(m.page(s, { limit: 3 })).to.deep.equal({ items: [], next: null });
    for (let i = 0; i < 9; i++) m.set(s, i * 10, BigInt(i));
    const seen: number[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const p = m.page(s, { after, limit: 3 });
      seen.push(...p.items.map((x) => x.key));
      after = p.next ?? undefined;
      pages++;
      if (p.next) expect(p.next).to.match(/^[A-Za-z0-9_-]+$/);
    } while (after);
    expect(seen).to.deep.equal([0, 10, 20, 30, 40, 50, 60, 70, 80]);
    expect(pages).to.equal(3); // 9 = 3 × 3: the third page knows it is the last
    const big = m.page(s, { limit: 1000 });
    expect(big.items).to.have.length(4); // clamped to the map's maximum
    const rev = m.page(s, { limit: 2, reverse: true });
    expect(rev.items.map((x) => x.key)).to.deep.equal([80, 70]);
    expect(m.page(s, { limit: 2, reverse: true, after: rev.next! }).items.map((x) => x.key)).to.deep.equal([60, 50]);
    expect(code(() => m.page(s, { limit: 0 }))).to.equal("COLLECTION_BAD_LIMIT");
    expect(code(() => m.page(s, { limit: 2, after: "!!" }))).to.equal("COLLECTION_BAD_CURSOR");
    expect(code(() => m.page(s, { limit: 2, after: "" }))).to.equal("COLLECTION_BAD_CURSOR");
    // A cursor from one scope (prefix "a") is refused in another ("b").
    for (let i = 0; i < 3; i++) {
      byPair.set(s, ["a", i], 1n);
      byPair.set(s, ["b", i], 2n);
    }
    const pa = byPair.page(s, { prefix: ["a"], limit: 2 });
    expect(pa.items.map((x) => x.key)).to.deep.equal([["a", 0], ["a", 1]]);
    expect(byPair.page(s, { prefix: ["a"], limit: 2, after: pa.next! }).items.map((x) => x.key)).to.deep.equal([["a", 2]]);
    expect(code(() => byPair.page(s, { prefix: ["b"], limit: 2, after: pa.next! }))).to.equal("COLLECTION_BAD_CURSOR");
  });
});

describe("collections: Index", () => {
  interface Val {
    power: bigint;
    jailed: boolean;
    owner: string;
  }
  const valCodec = jsonCodec<Val>({
    name: "Val",
    schema: {
      type: "object",
      properties: { power: { type: "string", pattern: "^[0-9]+$" }, jailed: { type: "boolean" }, owner: { type: "string" } },
      required: ["power", "jailed", "owner"],
      additionalProperties: false,
    },
    bigints: ["power"],
  });
  const L = new StoreLayout("st");
  const vals = L.map(0x01, "validators", stringKey, valCodec);
  const byPower = L.index(0x02, "byPower", vals, pairKey(u64DescKey, stringKey), {
    refs: (op, v) => (v.jailed || v.power === 0n ? [] : [[v.power, op]]),
    primaryKey: ([, op]) => op,
  });
  const byOwner = L.index(0x03, "byOwner", vals, pairKey(stringKey, stringKey), { refs: (op, v) => [[v.owner, op]], primaryKey: ([, op]) => op });

  const indexKeys = (s: StoreAccess): string[] => [...s.kv("st").iterate(new Uint8Array([0x02]), new Uint8Array([0x04]))].map(([k]) => Buffer.from(k).toString("hex"));

  it("stays in step with its map through set, update and delete, and iterates by index order", () => {
    const s = memoryAccess({ branch: true });
    vals.set(s, "a", { power: 10n, jailed: false, owner: "x" });
    vals.set(s, "b", { power: 30n, jailed: false, owner: "y" });
    vals.set(s, "c", { power: 20n, jailed: false, owner: "x" });
    expect([...byPower.keys(s)]).to.deep.equal(["b", "c", "a"]);
    expect([...byPower.iterate(s, { limit: 1 })].map(([k, v]) => [k, v.power])).to.deep.equal([["b", 30n]]);
    expect([...byOwner.keys(s, { prefix: ["x"] })]).to.deep.equal(["a", "c"]);
    vals.set(s, "a", { power: 40n, jailed: false, owner: "y" }); // moves in both indexes
    expect([...byPower.keys(s)]).to.deep.equal(["a", "b", "c"]);
    expect([...byOwner.keys(s, { prefix: ["y"] })]).to.deep.equal(["a", "b"]);
    vals.set(s, "b", { power: 30n, jailed: true, owner: "y" }); // leaves the power index only
    expect([...byPower.keys(s)]).to.deep.equal(["a", "c"]);
    const before = indexKeys(s);
    vals.set(s, "c", { power: 20n, jailed: false, owner: "x" }); // unchanged: same index entries
    expect(indexKeys(s)).to.deep.equal(before);
    vals.delete(s, "a");
    expect([...byPower.keys(s)]).to.deep.equal(["c"]);
    expect([...byOwner.keys(s)]).to.deep.equal(["c", "b"]);
    expect(indexKeys(s)).to.have.length(3); // power: c; owner: (x,c), (y,b)
    const p = byOwner.page(s, { limit: 1 });
    expect(p.items.map((x) => x.key)).to.deep.equal(["c"]);
    expect(byOwner.page(s, { limit: 1, after: p.next! })).to.deep.equal({ items: [{ key: "b", value: { power: 30n, jailed: true, owner: "y" } }], next: null });
    // An indexed map cannot be written by key string (the index would be skipped).
    expect(code(() => vals.setKs(s, vals.keyString("z"), { power: 1n, jailed: false, owner: "q" }))).to.equal("COLLECTION_BAD_KEY");
  });

  it("replace (the entry just read passed in) leaves exactly what set leaves, indexes included", () => {
    const viaSet = memoryAccess({ branch: true });
    const viaReplace = memoryAccess({ branch: true });
    for (const s of [viaSet, viaReplace]) {
      vals.set(s, "a", { power: 10n, jailed: false, owner: "x" });
      vals.set(s, "b", { power: 30n, jailed: false, owner: "y" });
    }
    const next = { power: 40n, jailed: false, owner: "y" };
    vals.set(viaSet, "a", next);
    vals.replace(viaReplace, "a", vals.get(viaReplace, "a")!, next);
    expect(indexKeys(viaReplace)).to.deep.equal(indexKeys(viaSet));
    expect([...byPower.keys(viaReplace)]).to.deep.equal(["a", "b"]);
    expect([...byOwner.keys(viaReplace, { prefix: ["y"] })]).to.deep.equal(["a", "b"]);
    expect(vals.get(viaReplace, "a")).to.deep.equal(next);
  });

  it("a refused value changes neither the map nor its indexes", () => {
    const s = memoryAccess();
    vals.set(s, "a", { power: 10n, jailed: false, owner: "x" });
    expect(code(() => vals.set(s, "a", { power: -1n as bigint, jailed: false, owner: "y" }))).to.equal("COLLECTION_BAD_VALUE");
    expect([...byOwner.keys(s, { prefix: ["x"] })]).to.deep.equal(["a"]);
    expect(vals.get(s, "a")!.power).to.equal(10n);
  });
});

describe("collections: Sequence and TimeQueue", () => {
  const L = new StoreLayout("q");
  const seq = L.sequence(0x01, "seq");
  const queue = L.timeQueue(0x02, "queue", u64NumberKey, uintValue);
  const byOwner = L.index(0x03, "byOwner", queue.entries, tupleKey<[string, number, number]>(stringKey, u64NumberKey, u64NumberKey), {
    refs: ([t, id], v) => [[v % 2n === 0n ? "even" : "odd", t, id]],
    primaryKey: ([, t, id]) => [t, id],
  });
  const vq = L.timeQueue(0x04, "validators", addressKey, emptyValue);

  it("Sequence counts up from 0 and survives as state", () => {
    const s = memoryAccess();
    expect(seq.peek(s)).to.equal(0n);
    expect([seq.nextNumber(s), seq.nextNumber(s), seq.nextNumber(s)]).to.deep.equal([0, 1, 2]);
    expect(seq.peek(s)).to.equal(3n);
  });

  it("TimeQueue: due(now, limit) returns only what is due, oldest first, bounded; popDue removes it and its index entries", () => {
    const s = memoryAccess({ branch: true });
    // Same time, ids in order; a time whose u64 bytes would sort wrongly as text (9 vs 10).
    queue.enqueue(s, 10, 2, 102n);
    queue.enqueue(s, 9, 7, 97n);
    queue.enqueue(s, 10, 1, 101n);
    queue.enqueue(s, 1_000_000_000_000, 0, 0n);
    queue.enqueue(s, 11, 5, 115n);
    expect(queue.due(s, 8, 10)).to.deep.equal([]);
    expect(queue.due(s, 10, 10).map((e) => [e.time, e.id])).to.deep.equal([[9, 7], [10, 1], [10, 2]]);
    expect(queue.due(s, 10, 2).map((e) => e.value)).to.deep.equal([97n, 101n]);
    expect(queue.due(s, 10, 0)).to.deep.equal([]);
    expect([...byOwner.keys(s, { prefix: ["odd"] })]).to.deep.equal([[9, 7], [10, 1], [11, 5]]);
    const popped = queue.popDue(s, 10, 2);
    expect(popped.map((e) => e.id)).to.deep.equal([7, 1]);
    expect(queue.get(s, 9, 7)).to.equal(undefined);
    expect([...byOwner.keys(s, { prefix: ["odd"] })]).to.deep.equal([[11, 5]]);
    expect(queue.popDue(s, Number.MAX_SAFE_INTEGER, 100).map((e) => e.id)).to.deep.equal([2, 5, 0]);
    expect([...queue.iterate(s)]).to.deep.equal([]);
    expect([...byOwner.keys(s)]).to.deep.equal([]);
    // A queue keyed by (time, address): remove one before it falls due.
    vq.enqueue(s, 5, addr(1), true);
    vq.enqueue(s, 5, addr(2), true);
    expect(vq.remove(s, 5, addr(1))).to.equal(true);
    expect(vq.remove(s, 5, addr(1))).to.equal(false);
    expect(vq.due(s, 5, 10).map((e) => e.id)).to.deep.equal([addr(2)]);
    // Only vq's entry is left: popDue up to the end of time stopped at its own prefix (the index
    // entries after it were removed by the map, not read as queue entries).
    expect([...s.kv("q").iterate(new Uint8Array(0), undefined)].length).to.equal(1);
  });
});
