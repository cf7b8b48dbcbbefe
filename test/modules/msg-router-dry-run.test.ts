import { expect } from "chai";
import { ModuleMsgRouter, RouterError } from "../../runtime/modules/msg-router.ts";
import type { RoutedMsg } from "../../runtime/modules/manager.ts";
import { ExecContext } from "../../runtime/modules/context.ts";
import { createAjv } from "../../runtime/modules/schemas.ts";
import { GENESIS_PREV_HASH, type Ctx, type MsgDef } from "../../runtime/modules/types.ts";
import { MemoryKV } from "../../runtime/state/memory-kv.ts";
import { Band } from "../../runtime/tx/bands.ts";
import { StateError } from "../../runtime/state/errors.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";

// A one-message module: /kv.v1.MsgPut writes value under key in the "kv" namespace.
const GOV = moduleAddress("gov");
const enc = new TextEncoder();
const dec = new TextDecoder();
const putDef: MsgDef<{ key: string; value: string; fail?: boolean }> = {
  typeUrl: "/kv.v1.MsgPut",
  schema: { $id: "https://nexusos.dev/schemas/test.kv.v1.MsgPut.json", type: "object", properties: { key: { type: "string" }, value: { type: "string" }, fail: { type: "boolean" } }, required: ["key", "value"], additionalProperties: false },
  signers: () => [GOV],
  handle(ctx, m) {
    if (m.fail) throw new Error("told to fail");
    if (m.key === "damaged") throw new StateError("STATE_CORRUPT", "the record fails its checksum");
    ctx.kv("kv").set(enc.encode(m.key), enc.encode(m.value));
    ctx.emit("kv.put", { key: m.key });
  },
};
const route: RoutedMsg = { module: "kv", def: putDef, validate: createAjv().compile(putDef.schema), minBand: Band.NANO, checkAddresses: () => null };
const router = new ModuleMsgRouter((t) => (t === putDef.typeUrl ? route : undefined));
const put = (key: string, value: string, fail = false) => ({ typeUrl: putDef.typeUrl, value: { key, value, ...(fail ? { fail } : {}) } });
const read = (ctx: Ctx, key: string): string | undefined => {
  const v = ctx.kv("kv").get(enc.encode(key));
  return v ? dec.decode(v) : undefined;
};

function ctx(): ExecContext {
  return new ExecContext({ chainId: "t", height: 1, time: 0, proposer: "", prevHash: GENESIS_PREV_HASH }, "deliver", new MemoryKV());
}

describe("message router: dryRun and a check before the writes land", () => {
  it("dryRun shows the state the messages would produce, then keeps none of it", () => {
    const c = ctx();
    const seen = router.dryRun(c, { signer: GOV, band: Band.ATTO, msgs: [put("a", "1"), put("b", "2")] }, (after) => [read(after, "a"), read(after, "b")]);
    expect(seen).to.deep.equal(["1", "2"]);
    expect(read(c, "a")).to.equal(undefined);
    expect(c.events).to.deep.equal([]);
  });

  it("dryRun throws as execute does when a message fails", () => {
    expect(() => router.dryRun(ctx(), { signer: GOV, band: Band.ATTO, msgs: [put("a", "1"), put("b", "2", true)] }, () => "never")).to.throw(RouterError, /message 1 \(\/kv\.v1\.MsgPut\) failed: told to fail/);
  });

  it("this node's damaged data is not a message failure: STATE_CORRUPT passes through unwrapped (the block fails, the node halts)", () => {
    expect(() => router.execute(ctx(), { signer: GOV, band: Band.ATTO, msgs: [put("damaged", "1")] })).to.throw(StateError, "the record fails its checksum").with.property("code", "STATE_CORRUPT");
  });

  it("execute with a check: a passing check lets the writes and events land; a throwing one discards all of them", () => {
    const c = ctx();
    router.execute(c, { signer: GOV, band: Band.ATTO, msgs: [put("a", "1")], check: (after) => expect(read(after, "a")).to.equal("1") });
    expect(read(c, "a")).to.equal("1");
    expect(c.events.map((e) => e.type)).to.deep.equal(["kv.put"]);
    expect(() =>
      router.execute(c, {
        signer: GOV,
        band: Band.ATTO,
        msgs: [put("a", "2"), put("b", "3")],
        check: (after) => {
          if (read(after, "a") === "2") throw new Error("rule says no");
        },
      }),
    ).to.throw("rule says no");
    expect(read(c, "a")).to.equal("1");
    expect(read(c, "b")).to.equal(undefined);
    expect(c.events.map((e) => e.type)).to.deep.equal(["kv.put"]);
  });
});
