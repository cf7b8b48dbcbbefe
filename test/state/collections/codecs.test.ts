import { expect } from "chai";
import fc from "fast-check";
import {
  CollectionError,
  addressKey,
  hexKey,
  jsonCodec,
  jsonListCodec,
  pairKey,
  stringKey,
  tupleKey,
  u64DescKey,
  u64Key,
  u64NumberKey,
  uintValue,
  intValue,
  u64Value,
  uintNumberValue,
  type KeyCodec,
} from "../../../runtime/state/collections/index.ts";
import { moduleAddress } from "../../../runtime/crypto/address.ts";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const cmp = (a: Uint8Array, b: Uint8Array): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

function sortsLike<K>(codec: KeyCodec<K>, values: K[], compare: (a: K, b: K) => number): void {
  const byBytes = [...values].sort((a, b) => cmp(codec.encode(a), codec.encode(b)));
  expect(byBytes).to.deep.equal([...values].sort(compare));
}

const throwsCode = (f: () => unknown, code: string): void => {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(CollectionError);
    expect((e as CollectionError).code).to.equal(code);
    return;
  }
  expect.fail(`expected ${code}`);
};

describe("collections: key codecs", () => {
  it("u64 keys are 8 bytes big-endian, so byte order is numeric order", () => {
    const vals = [0n, 1n, 255n, 256n, 65535n, 1n << 32n, (1n << 53n) + 1n, (1n << 64n) - 1n];
    sortsLike(u64Key, vals, (a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(hex(u64Key.encode(258n))).to.equal("0000000000000102");
    for (const v of vals) expect(u64Key.decode(u64Key.encode(v), 0, true)).to.deep.equal([v, 8]);
    throwsCode(() => u64Key.encode(1n << 64n), "COLLECTION_BAD_KEY");
    throwsCode(() => u64Key.encode(-1n), "COLLECTION_BAD_KEY");
    sortsLike(u64NumberKey, [5, 0, 1_767_225_600_000, 300], (a, b) => a - b);
    throwsCode(() => u64NumberKey.encode(1.5), "COLLECTION_BAD_KEY");
  });

  it("u64Desc sorts from the largest value down and round-trips", () => {
    sortsLike(u64DescKey, [3n, 0n, 10n ** 18n, 7n], (a, b) => (a > b ? -1 : a < b ? 1 : 0));
    expect(u64DescKey.decode(u64DescKey.encode(42n), 0, true)[0]).to.equal(42n);
  });

  it("strings sort by bytes; inside a tuple they are NUL-terminated so 'a' < 'ab' still holds", () => {
    sortsLike(stringKey, ["b", "a", "ab", "", "é"], (a, b) => cmp(Buffer.from(a), Buffer.from(b)));
    const k = pairKey(stringKey, u64Key);
    const vals: [string, bigint][] = [["ab", 0n], ["a", 5n], ["a", 1n], ["b", 0n]];
    sortsLike(k, vals, (x, y) => (x[0] !== y[0] ? cmp(Buffer.from(x[0]), Buffer.from(y[0])) : x[1] < y[1] ? -1 : 1));
    for (const v of vals) expect(k.decode(k.encode(v), 0, true)[0]).to.deep.equal(v);
    throwsCode(() => stringKey.encode("a\0b"), "COLLECTION_BAD_KEY");
  });

  it("addresses are their 32 raw bytes; tuples decode and encode prefixes", () => {
    const a = moduleAddress("gov");
    const b = moduleAddress("bank");
    expect(addressKey.encode(a)).to.have.length(32);
    const t = tupleKey<[string, number, string]>(addressKey, u64NumberKey, stringKey);
    const key = t.encode([a, 7, "nxt"]);
    expect(key).to.have.length(32 + 8 + 3);
    expect(t.decode(key, 0, true)[0]).to.deep.equal([a, 7, "nxt"]);
    expect(hex(key).startsWith(hex(t.encodePrefix!([a, 7])))).to.equal(true);
    expect(hex(t.encodePrefix!([b]))).to.equal(hex(addressKey.encode(b)));
    throwsCode(() => t.encodePrefix!([a, 7, "x"]), "COLLECTION_BAD_KEY");
    throwsCode(() => addressKey.encode("nxs1notanaddress"), "COLLECTION_BAD_KEY");
    expect(hexKey(2).decode(hexKey(2).encode("beef"), 0, true)[0]).to.equal("beef");
    throwsCode(() => hexKey(2).encode("BEEF"), "COLLECTION_BAD_KEY");
  });
});

describe("collections: value codecs", () => {
  it("bigints round-trip beyond 2^64 (uint, int), u64 refuses out of range", () => {
    for (const v of [0n, 1n, 255n, (1n << 48n) - 1n, 1n << 48n, (1n << 64n) + 12345n, 10n ** 40n]) expect(uintValue.decode(uintValue.encode(v))).to.equal(v);
    expect(uintValue.encode(0n)).to.have.length(0);
    throwsCode(() => uintValue.encode(-1n), "COLLECTION_BAD_VALUE");
    for (const v of [-(10n ** 30n), -1n, 0n, 1n << 70n]) expect(intValue.decode(intValue.encode(v))).to.equal(v);
    expect(u64Value.decode(u64Value.encode((1n << 64n) - 1n))).to.equal((1n << 64n) - 1n);
    throwsCode(() => u64Value.encode(1n << 64n), "COLLECTION_BAD_VALUE");
    expect(uintNumberValue.decode(uintNumberValue.encode(123456))).to.equal(123456);
  });

  interface Rec {
    id: number;
    owner: string;
    amount: bigint;
    shares?: bigint;
    tags: string[];
  }
  const schema = {
    type: "object",
    properties: {
      id: { type: "integer", minimum: 0 },
      owner: { type: "string" },
      amount: { type: "string", pattern: "^(0|[1-9][0-9]*)$" },
      shares: { type: "string", pattern: "^(0|[1-9][0-9]*)$" },
      tags: { type: "array", items: { type: "string" } },
    },
    required: ["id", "owner", "amount", "tags"],
    additionalProperties: false,
  } as const;
  const codec = jsonCodec<Rec>({ name: "Rec", schema, bigints: ["amount", "shares"] });

  it("JSON records: declared bigints exact beyond 2^64, canonical key order, schema checked both ways", () => {
    const big = (1n << 64n) * 1000n + 7n;
    const a = codec.encode({ id: 1, owner: "x", amount: big, tags: ["t"] });
    const b = codec.encode({ tags: ["t"], amount: big, owner: "x", id: 1 } as Rec);
    expect(Buffer.from(a).toString()).to.equal(Buffer.from(b).toString());
    expect(Buffer.from(a).toString()).to.equal(`{"amount":"${big}","id":1,"owner":"x","tags":["t"]}`);
    expect(codec.decode(a)).to.deep.equal({ id: 1, owner: "x", amount: big, tags: ["t"] });
    expect(codec.decode(codec.encode({ id: 2, owner: "y", amount: 0n, shares: 5n, tags: [] })).shares).to.equal(5n);
    // A wrong type, an unknown field, an undeclared bigint: refused on write.
    throwsCode(() => codec.encode({ id: -1, owner: "x", amount: 1n, tags: [] }), "COLLECTION_BAD_VALUE");
    throwsCode(() => codec.encode({ id: 1, owner: "x", amount: 1n, tags: [], extra: 1 } as Rec), "COLLECTION_BAD_VALUE");
    throwsCode(() => codec.encode({ id: 1, owner: 5n as unknown as string, amount: 1n, tags: [] }), "COLLECTION_BAD_VALUE");
    throwsCode(() => codec.encode({ id: 1, owner: "x", amount: "1" as unknown as bigint, tags: [] }), "COLLECTION_BAD_VALUE");
    // Stored bytes that are not a valid record: refused on read.
    throwsCode(() => codec.decode(Buffer.from('{"id":1}')), "COLLECTION_CORRUPT");
    throwsCode(() => codec.decode(Buffer.from("not json")), "COLLECTION_CORRUPT");
    // A bigint field must be declared as a string in the schema.
    throwsCode(() => jsonCodec<Rec>({ name: "Bad", schema, bigints: ["id" as "amount"] }), "COLLECTION_BAD_VALUE");
  });

  it("JSON records encode to the same bytes as key-sorted JSON built field by field, flat or nested, with undefined fields left out (property)", () => {
    // The reference: what stored records have always been. Changing these bytes would change state roots.
    const reference = (v: unknown): string => {
      if (v === null || typeof v !== "object") return JSON.stringify(v);
      if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? "null" : reference(x))).join(",")}]`;
      const o = v as Record<string, unknown>;
      const parts: string[] = [];
      for (const k of Object.keys(o).sort()) if (o[k] !== undefined) parts.push(`${JSON.stringify(k)}:${reference(o[k])}`);
      return `{${parts.join(",")}}`;
    };
    const open = jsonCodec<Record<string, unknown>>({ name: "Open", schema: { type: "object" } });
    const key = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom("a", "B", "é", "10", "2", "__proto__x", "\u0000", '"q"'));
    const leaf = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.double({ noNaN: false }), fc.boolean(), fc.constant(null), fc.constant(undefined));
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: "small", withCrossShrink: true }, leaf, fc.array(tie("node"), { maxLength: 3 }), fc.dictionary(key, tie("node"), { maxKeys: 4 })),
    })).node;
    fc.assert(
      fc.property(fc.dictionary(key, fc.oneof({ weight: 4, arbitrary: leaf }, { weight: 1, arbitrary: value }), { maxKeys: 8 }), (rec) => {
        expect(Buffer.from(open.encode(rec)).toString()).to.equal(reference(rec));
      }),
      { numRuns: 2000 },
    );
  });

  it("JSON lists check each element", () => {
    const list = jsonListCodec(codec, { maxItems: 2 });
    const v: Rec[] = [{ id: 1, owner: "a", amount: 1n << 70n, tags: [] }];
    expect(list.decode(list.encode(v))).to.deep.equal(v);
    throwsCode(() => list.encode([v[0]!, v[0]!, v[0]!]), "COLLECTION_BAD_VALUE");
    throwsCode(() => list.decode(Buffer.from('[{"id":"x"}]')), "COLLECTION_CORRUPT");
  });
});
